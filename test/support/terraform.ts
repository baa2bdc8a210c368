import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { recordTiming, terraformEnv } from "../../scripts/review/terraform";

/** The parts of `terraform show -json <plan>` the tests read. */
export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes?: ReadonlyArray<{
    readonly address: string;
    readonly type: string;
    readonly change: { readonly actions: ReadonlyArray<string> };
  }>;
  readonly planned_values?: unknown;
}

/** Longest any single terraform command may run. */
const TERRAFORM_TIMEOUT_MS = 8 * 60_000;

/** Runs the real Terraform CLI (with the toolchain's provider mirror) in a synthesized stack dir. */
export class TerraformRun {
  /** Synthesizes `stack` with cdktf (validations included) and returns a runner for its directory. */
  static synth(stack: TerraformStack): TerraformRun {
    const outdir = Testing.fullSynth(stack);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { workingDirectory: string }>;
    };
    const entry = manifest.stacks[stack.node.id];
    if (!entry) throw new Error(`stack ${stack.node.id} not in ${outdir}/manifest.json`);
    return new TerraformRun(path.join(outdir, entry.workingDirectory));
  }

  constructor(public readonly dir: string) {}

  /** The synthesized Terraform JSON. */
  get json(): string {
    return path.join(this.dir, "cdk.tf.json");
  }

  /** Runs terraform with `args`, returning stdout; a failure throws with stderr included. */
  run(args: ReadonlyArray<string>): string {
    const binary = process.env.TERRAFORM_BINARY_NAME || "terraform";
    const started = Date.now();
    try {
      return execFileSync(binary, [...args], {
        cwd: this.dir,
        env: terraformEnv(),
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 256 * 1024 * 1024,
        // A hung provider call fails the test instead of blocking the suite.
        timeout: TERRAFORM_TIMEOUT_MS,
        killSignal: "SIGKILL",
      });
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(
        `terraform ${args.join(" ")} failed in ${this.dir}:\n${err.stderr || ""}\n${err.stdout || err.message}`,
      );
    } finally {
      recordTiming(args, this.dir, started);
    }
  }

  init(): this {
    this.run(["init", "-input=false", "-no-color"]);
    return this;
  }

  validate(): { valid: boolean; error_count: number; diagnostics: unknown[] } {
    return JSON.parse(this.run(["validate", "-json", "-no-color"]));
  }

  /** `terraform plan -out`, then `terraform show -json`, written to plan.json as well. */
  plan(extraArgs: ReadonlyArray<string> = []): PlanJson {
    this.run(["plan", "-input=false", "-lock=false", "-no-color", "-out=tfplan", ...extraArgs]);
    const json = this.run(["show", "-json", "tfplan"]);
    fs.writeFileSync(this.planJsonPath, json);
    return JSON.parse(json) as PlanJson;
  }

  get planJsonPath(): string {
    return path.join(this.dir, "plan.json");
  }

  apply(): this {
    this.run(["apply", "-input=false", "-lock=false", "-no-color", "-auto-approve"]);
    return this;
  }

  /**
   * Applies the plan the last {@link plan} wrote (`tfplan`): exactly what the test asserted, and
   * no second plan (Terraform refuses a plan that the state has moved past).
   */
  applyPlan(): this {
    this.run(["apply", "-input=false", "-lock=false", "-no-color", "tfplan"]);
    return this;
  }

  destroy(): this {
    this.run(["destroy", "-input=false", "-lock=false", "-no-color", "-auto-approve"]);
    return this;
  }

  /** `terraform output -json`, values only. */
  outputs(): Record<string, unknown> {
    const raw = JSON.parse(this.run(["output", "-json"])) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
  }

  /** Addresses in the state. */
  stateList(): string[] {
    const out = this.run(["state", "list"]).trim();
    return out ? out.split("\n") : [];
  }
}

/** Actions per resource address of a plan, e.g. `{ "aws_vpc.x": "create" }`. */
export function plannedActions(plan: PlanJson): Record<string, string> {
  return Object.fromEntries(
    (plan.resource_changes ?? []).map((rc) => [rc.address, rc.change.actions.join(",")]),
  );
}
