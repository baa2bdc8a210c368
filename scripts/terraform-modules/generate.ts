/**
 * Generates the Terraform registry modules (`dist/terraform/terraform-aws-<module>/`) from the cdktf
 * modules, or, with `--check`, fails when the committed ones are stale.
 *
 * Usage: `tsx scripts/terraform-modules/generate.ts [--check] [<module>...]`
 * (`npm run build:terraform`, `npm run build:terraform -- --check`).
 *
 * Writing validates each module with `terraform validate` first and refuses (writes nothing for it)
 * when it fails; it needs the toolchain (`source ~/.cache/ecs-cdktf/toolchain.env`). `--check` only
 * compares files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { entryPoint, MODULES } from "../docs/modules";
import { PropsReader } from "../docs/props";
import { ModulePlan, planModule } from "./plan";
import { renderModuleReadme } from "./readme";
import { AnyModuleSpec, moduleName, registryName } from "./spec";
import { SPECS } from "./specs";
import { ModuleFiles, moduleFiles, synthModule } from "./synth";
import { validateModules } from "./validate";

/** The repository root. */
const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Where the generated modules live, relative to the root. */
export const DIST_DIR = path.join("dist", "terraform");

/** One generated module: its plan and its files. */
export interface GeneratedModule {
  readonly plan: ModulePlan;
  /** Its folder, relative to the root (`dist/terraform/terraform-aws-<module>`). */
  readonly dir: string;
  readonly files: ModuleFiles;
}

/** Renders the modules of `specs` in memory (no writing, no Terraform). */
export function renderModules(
  root: string = REPO_ROOT,
  specs: readonly AnyModuleSpec[] = SPECS,
): GeneratedModule[] {
  const entries = MODULES.filter((m) => specs.some((s) => s.module === m.name)).map((m) =>
    entryPoint(root, m),
  );
  const reader = new PropsReader(entries, root);
  const version = (
    JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }
  ).version;
  const license = fs.readFileSync(path.join(root, "LICENSE"), "utf8");
  return specs.map((spec) => {
    const plan = planModule(spec, reader, root);
    const synthesized = synthModule(plan);
    const files = {
      ...moduleFiles(plan, synthesized.json, synthesized.archives),
      "README.md": renderModuleReadme(plan, version),
      LICENSE: license,
    };
    return { plan, dir: path.join(DIST_DIR, registryName(moduleName(spec))), files };
  });
}

/** What differs between a generated module and its folder under `root`. */
export function staleFiles(root: string, module: GeneratedModule): string[] {
  const dir = path.join(root, module.dir);
  const present = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const stale = Object.entries(module.files)
    .filter(
      ([file, content]) =>
        !present.includes(file) || !fs.readFileSync(path.join(dir, file)).equals(Buffer.from(content)),
    )
    .map(([file]) => file);
  const extra = present.filter((file) => !(file in module.files));
  return [...stale, ...extra].sort().map((file) => path.join(module.dir, file));
}

/** The message for a stale module. */
export function staleMessage(module: GeneratedModule, files: readonly string[]): string {
  return (
    `${module.dir}: stale (${files.map((f) => path.basename(f)).join(", ")}): the construct, its TSDoc or the ` +
    "module's spec changed since it was generated. Run `npm run build:terraform` and commit dist/terraform."
  );
}

/** Writes `module` under `root`, removing files it no longer has. */
export function writeModule(root: string, module: GeneratedModule): void {
  const dir = path.join(root, module.dir);
  fs.mkdirSync(dir, { recursive: true });
  for (const file of fs.readdirSync(dir)) if (!(file in module.files)) fs.rmSync(path.join(dir, file));
  for (const [file, text] of Object.entries(module.files)) fs.writeFileSync(path.join(dir, file), text);
}

/** A name picks a generated module (`alb`) or every module generated from a cdktf module. */
function picks(spec: AnyModuleSpec, name: string): boolean {
  return moduleName(spec) === name || spec.module === name;
}

/**
 * The refusal of module names on the command line that no spec generates (undefined: all known). A
 * published module without a spec is named as such: its props are not mapped to variables yet.
 */
export function unknownModulesMessage(
  names: readonly string[],
  specs: readonly AnyModuleSpec[],
): string | undefined {
  const unknown = names.filter((n) => !specs.some((s) => picks(s, n)));
  if (unknown.length === 0) return undefined;
  const unspecified = unknown.filter((n) => MODULES.some((m) => m.name === n));
  return (
    `no Terraform module spec for ${unknown.join(", ")}` +
    (unspecified.length > 0
      ? ` (${unspecified.join(", ")}: published on npm, but its props are not yet mapped to Terraform ` +
        "variables; add a spec under scripts/terraform-modules/specs/)"
      : "") +
    `; generated: ${specs.map(moduleName).join(", ")}`
  );
}

function main(argv: readonly string[]): number {
  const check = argv.includes("--check");
  const names = argv.filter((a) => !a.startsWith("--"));
  const unknown = unknownModulesMessage(names, SPECS);
  if (unknown !== undefined) {
    process.stderr.write(`error: ${unknown}\n`);
    return 2;
  }
  const specs = names.length > 0 ? SPECS.filter((s) => names.some((n) => picks(s, n))) : SPECS;
  const modules = renderModules(REPO_ROOT, specs);
  let failed = 0;
  // One terraform validate for all of them (see validateModules); none with --check.
  const verdicts = check
    ? []
    : validateModules(modules.map((m) => ({ name: m.plan.name, files: m.files, args: m.plan.spec.example })));
  for (const [index, module] of modules.entries()) {
    const stale = staleFiles(REPO_ROOT, module);
    if (check) {
      if (stale.length > 0) {
        failed++;
        process.stderr.write(`error: ${staleMessage(module, stale)}\n`);
      } else process.stdout.write(`ok: ${module.dir}\n`);
      continue;
    }
    const invalid = verdicts[index];
    if (invalid) {
      failed++;
      process.stderr.write(`error: ${invalid.message}\n`);
      continue;
    }
    if (stale.length > 0) {
      writeModule(REPO_ROOT, module);
      process.stdout.write(
        `updated: ${module.dir} (${stale.map((f) => path.basename(f)).join(", ")}; validated)\n`,
      );
    } else process.stdout.write(`unchanged: ${module.dir} (validated)\n`);
  }
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
