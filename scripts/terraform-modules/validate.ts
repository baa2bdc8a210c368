/**
 * `terraform validate` of a generated module, with the real CLI and the hashicorp/aws provider the
 * toolchain mirrors (`source ~/.cache/ecs-cdktf/toolchain.env`). A module that fails is refused.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { HclValue } from "./spec";
import type { ModuleFiles } from "./synth";
import { MODULE_AWS_PROVIDER_CONSTRAINT } from "./synth";
import { terraformEnv } from "../review/terraform";

/** A generated module that `terraform validate` rejects. */
export class TerraformValidateError extends Error {
  override readonly name = "TerraformValidateError";
}

/** One diagnostic of `terraform validate -json`. */
export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
}

/** Longest a terraform command may run. */
const TIMEOUT_MS = 5 * 60_000;

function terraform(args: readonly string[], cwd: string): string {
  const binary = process.env.TERRAFORM_BINARY_NAME || "terraform";
  try {
    return execFileSync(binary, [...args], {
      cwd,
      env: terraformEnv(),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: TIMEOUT_MS,
      killSignal: "SIGKILL",
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string; code?: string };
    if (err.code === "ENOENT") {
      throw new TerraformValidateError(
        `no Terraform CLI (${binary}); run \`npm run setup\` and \`source ~/.cache/ecs-cdktf/toolchain.env\``,
      );
    }
    // validate -json reports an invalid module on stdout with exit status 1.
    if (args[0] === "validate" && err.stdout) return err.stdout;
    throw new TerraformValidateError(
      `terraform ${args.join(" ")} failed:\n${err.stderr ?? ""}${err.stdout ?? err.message}`,
    );
  }
}

/**
 * The override that lets the module be initialized offline: the toolchain mirrors one build of
 * hashicorp/aws whose version is a pre-release (`AWS_PROVIDER_VERSION_CONSTRAINT`), which
 * Terraform selects only by an exact constraint. The module's own range stays as published; a
 * `*_override.tf.json` file replaces it for this check only.
 */
export function offlineProviderOverride(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const pinned = env.AWS_PROVIDER_VERSION_CONSTRAINT?.trim();
  if (!pinned || pinned === MODULE_AWS_PROVIDER_CONSTRAINT) return undefined;
  return `${JSON.stringify(
    { terraform: { required_providers: { aws: { source: "hashicorp/aws", version: pinned } } } },
    null,
    2,
  )}\n`;
}

/** The message for a module that failed validation. */
function describe(name: string, diagnostics: readonly Diagnostic[]): string {
  const lines = diagnostics.map((d) => {
    // Files of a module read ../modules/m<i>/<file> from the callers' directory.
    const where = d.range
      ? ` (${d.range.filename.replace(/^\.\.\/modules\/m\d+\//, "").replace(/^m\d+\.tf\.json$/, "the caller")}:${d.range.start.line})`
      : "";
    return `  - ${d.severity}: ${d.summary}${where}${d.detail ? `: ${d.detail.replace(/\s+/g, " ")}` : ""}`;
  });
  return (
    `${name}: terraform validate rejects the generated module, so it is not published:\n${lines.join("\n")}\n` +
    "Fix the construct or the module's spec (scripts/terraform-modules/specs/) and regenerate."
  );
}

/** One module to validate: its name (for messages), its files, and the arguments a caller passes. */
export interface ModuleToValidate {
  readonly name: string;
  readonly files: ModuleFiles;
  readonly args: Readonly<Record<string, HclValue>>;
}

/** Which module of a batch a diagnostic belongs to: its index, or undefined when none can be told. */
function moduleOf(d: Diagnostic): number | undefined {
  const m = d.range && /^(?:\.\.\/modules\/)?m(\d+)(?:\/|\.tf\.json$)/.exec(d.range.filename);
  return m ? Number(m[1]) : undefined;
}

/** One `terraform init` and `terraform validate` over `modules`, each called by its own root file. */
function validateBatch(modules: readonly ModuleToValidate[]): Diagnostic[][] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-validate-"));
  try {
    const rootDir = path.join(dir, "root");
    fs.mkdirSync(rootDir);
    modules.forEach((m, i) => {
      const moduleDir = path.join(dir, "modules", `m${i}`);
      fs.mkdirSync(moduleDir, { recursive: true });
      for (const [file, text] of Object.entries(m.files)) fs.writeFileSync(path.join(moduleDir, file), text);
      const caller = { module: { [`m${i}`]: { source: `../modules/m${i}`, ...m.args } } };
      fs.writeFileSync(path.join(rootDir, `m${i}.tf.json`), `${JSON.stringify(caller, null, 2)}\n`);
    });
    const override = offlineProviderOverride();
    if (override) fs.writeFileSync(path.join(rootDir, "offline_provider_override.tf.json"), override);
    terraform(["init", "-backend=false", "-input=false", "-no-color"], rootDir);
    const result = JSON.parse(terraform(["validate", "-json", "-no-color"], rootDir)) as {
      valid: boolean;
      diagnostics: Diagnostic[];
    };
    const byModule: Diagnostic[][] = modules.map(() => []);
    for (const d of result.diagnostics) {
      const i = moduleOf(d);
      // A diagnostic no module can be told from concerns them all.
      if (i === undefined || i >= modules.length) byModule.forEach((list) => list.push(d));
      else byModule[i].push(d);
    }
    if (!result.valid && byModule.every((list) => list.every((d) => d.severity !== "error"))) {
      throw new TerraformValidateError(
        `terraform validate failed without an error diagnostic:\n${JSON.stringify(result)}`,
      );
    }
    return byModule;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `terraform init -backend=false` and `terraform validate` on each module of `modules`,
 * called from a root module with its `args` (so the variables' rules are evaluated on the defaults
 * and on `args`), in a temp directory. The result has, for each module in order, a
 * {@link TerraformValidateError} naming the module and each diagnostic when there is an error or a
 * warning (e.g. a validation message Terraform cannot evaluate), else undefined.
 *
 * The modules are validated together, in one run: the provider's schema (about 2 s of CPU a
 * run) is loaded once. A module with an error can stop Terraform before it evaluates the others
 * (a configuration error ends validate before the variables' rules are checked), so when the
 * batch finds any diagnostic, each module is validated again alone and its own run decides.
 */
export function validateModules(
  modules: readonly ModuleToValidate[],
): (TerraformValidateError | undefined)[] {
  const verdict = (m: ModuleToValidate, diagnostics: readonly Diagnostic[]) =>
    diagnostics.length > 0 ? new TerraformValidateError(describe(m.name, diagnostics)) : undefined;
  if (modules.length === 0) return [];
  const batch = validateBatch(modules);
  if (modules.length === 1 || batch.every((d) => d.length === 0)) {
    return modules.map((m, i) => verdict(m, batch[i]));
  }
  return modules.map((m) => verdict(m, validateBatch([m])[0]));
}

/** {@link validateModules} of one module: throws its {@link TerraformValidateError}, if any. */
export function validateModule(
  name: string,
  files: ModuleFiles,
  args: Readonly<Record<string, HclValue>>,
): void {
  const error = validateModules([{ name, files, args }])[0];
  if (error) throw error;
}
