import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { recordTiming, terraformEnv } from "../../scripts/review/terraform";
import { TerraformRun } from "./terraform";

/** What `terraform validate` said about one stack. */
export interface StackValidation {
  /** Error diagnostics: `summary: detail (file:line)`. */
  readonly errors: readonly string[];
  /** Warning diagnostics, the one the batch itself causes left out (see {@link validateStacks}). */
  readonly warnings: readonly string[];
}

interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
}

/**
 * The warning Terraform gives for a backend block in a called module; every synthesized stack has
 * one, and a batch calls each stack as a module, so it says nothing about the stack.
 */
const BATCH_WARNING = "Backend configuration ignored";

/**
 * `terraform validate` of every stack of several cdktf outdirs in one Terraform run: a root module
 * calls each stack's directory as a module, so the provider's schema (the costly part, about 2 s
 * of CPU a run) is loaded once instead of once a stack. Terraform validates each called module
 * against the same schema as it would as a root (its own message for the backend warning calls
 * this "convenient ... for testing purposes"); what differs is only what a root alone has, the
 * backend, which validate does not check either.
 *
 * `outdirs` maps a label to an outdir (with its manifest.json); the result maps each label to its
 * stacks by id. A diagnostic without a file, or in no stack's file, throws: it cannot be placed.
 */
export function validateStacks(
  outdirs: Readonly<Record<string, string>>,
): Record<string, Record<string, StackValidation>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "validate-batch-"));
  const stacks: Array<{ label: string; id: string; dir: string; module: string }> = [];
  for (const [label, outdir] of Object.entries(outdirs)) {
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { workingDirectory: string }>;
    };
    for (const [id, entry] of Object.entries(manifest.stacks)) {
      const dir = path.join(outdir, entry.workingDirectory);
      stacks.push({ label, id, dir, module: `m${stacks.length}` });
    }
  }
  const module = Object.fromEntries(
    stacks.map((s) => [
      s.module,
      { source: `./${path.relative(root, s.dir)}`.replace(/^\.\/\.\.\//, "../") },
    ]),
  );
  fs.writeFileSync(path.join(root, "main.tf.json"), JSON.stringify({ module }, null, 2));
  const run = new TerraformRun(root).init();
  // Not run.run: validate exits 1 when it finds an error, and its JSON on stdout is the answer.
  const started = Date.now();
  const args = ["validate", "-json", "-no-color"];
  const child = spawnSync(process.env.TERRAFORM_BINARY_NAME || "terraform", args, {
    cwd: run.dir,
    env: terraformEnv(),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    // A guard against a hung Terraform, not a time limit: on a slower 2-core machine, under the whole
    // suite's side-by-side phases, this batch took over 5 minutes (2026-12-06, fresh-clone CI).
    timeout: 20 * 60_000,
  });
  recordTiming(args, run.dir, started);
  if (child.error) throw child.error;
  let out: { diagnostics: Diagnostic[] };
  try {
    out = JSON.parse(child.stdout) as { diagnostics: Diagnostic[] };
  } catch {
    throw new Error(
      `terraform validate (batch in ${root}) printed no JSON:\n${child.stderr}\n${child.stdout}`,
    );
  }

  const result: Record<string, Record<string, { errors: string[]; warnings: string[] }>> = {};
  for (const s of stacks) (result[s.label] ??= {})[s.id] = { errors: [], warnings: [] };
  for (const d of out.diagnostics) {
    const file = d.range ? path.resolve(root, d.range.filename) : undefined;
    const owner = file && stacks.find((s) => file.startsWith(s.dir + path.sep));
    const text = `${d.summary}: ${d.detail ?? ""} (${d.range?.filename ?? "no file"}:${d.range?.start.line ?? 0})`;
    if (!owner) throw new Error(`terraform validate (batch in ${root}): ${d.severity} in no stack: ${text}`);
    if (d.severity === "warning" && d.summary === BATCH_WARNING) continue;
    const entry = result[owner.label]![owner.id]!;
    (d.severity === "error" ? entry.errors : entry.warnings).push(text);
  }
  fs.rmSync(root, { recursive: true, force: true });
  return result;
}
