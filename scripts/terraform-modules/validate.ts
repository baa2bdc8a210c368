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
    // Files of the module read ../module/<file> from the caller's directory.
    const where = d.range
      ? ` (${d.range.filename.replace(/^\.\.\/module\//, "")}:${d.range.start.line})`
      : "";
    return `  - ${d.severity}: ${d.summary}${where}${d.detail ? `: ${d.detail.replace(/\s+/g, " ")}` : ""}`;
  });
  return (
    `${name}: terraform validate rejects the generated module, so it is not published:\n${lines.join("\n")}\n` +
    "Fix the construct or the module's spec (scripts/terraform-modules/specs/) and regenerate."
  );
}

/**
 * Runs `terraform init -backend=false` and `terraform validate` on the module `files`, called from a
 * root module with `args` (so the variables' rules are evaluated on the defaults and on `args`),
 * in a temp directory. Throws {@link TerraformValidateError} naming the module and each diagnostic
 * when there is an error or a warning (e.g. a validation message Terraform cannot evaluate).
 */
export function validateModule(
  name: string,
  files: ModuleFiles,
  args: Readonly<Record<string, HclValue>>,
): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ecs-cdktf-validate-${name}-`));
  try {
    const moduleDir = path.join(dir, "module");
    const rootDir = path.join(dir, "root");
    fs.mkdirSync(moduleDir);
    fs.mkdirSync(rootDir);
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(moduleDir, file), text);
    const caller = { module: { under_test: { source: "../module", ...args } } };
    fs.writeFileSync(path.join(rootDir, "main.tf.json"), `${JSON.stringify(caller, null, 2)}\n`);
    const override = offlineProviderOverride();
    if (override) fs.writeFileSync(path.join(rootDir, "offline_provider_override.tf.json"), override);
    terraform(["init", "-backend=false", "-input=false", "-no-color"], rootDir);
    const result = JSON.parse(terraform(["validate", "-json", "-no-color"], rootDir)) as {
      valid: boolean;
      diagnostics: Diagnostic[];
    };
    if (!result.valid || result.diagnostics.length > 0) {
      throw new TerraformValidateError(describe(name, result.diagnostics));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
