/**
 * The real Terraform CLI in a synthesized stack directory, asynchronous (a long apply never blocks
 * the event loop), with a time limit per command. Uses the toolchain's binary and provider mirror
 * (`TERRAFORM_BINARY_NAME`, `TF_CLI_CONFIG_FILE`).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PlanJson } from "./plan-json";

/** Longest any one terraform command may run. */
export const TERRAFORM_TIMEOUT_MS = 15 * 60_000;

/**
 * Appends one line `<seconds>\t<command>\t<dir>` per finished terraform command to the file
 * `ECS_CDKTF_TF_TIMING` names, when set: where a test run or a deploy spends its time
 * (`npm run bench -- --only suite` sums it by command). Nothing happens otherwise.
 */
export function recordTiming(args: readonly string[], dir: string, startedMs: number): void {
  const file = process.env.ECS_CDKTF_TF_TIMING;
  if (!file) return;
  const seconds = ((Date.now() - startedMs) / 1000).toFixed(2);
  fs.appendFileSync(file, `${seconds}\t${args[0] ?? ""}\t${dir}\n`);
}

/**
 * Go's garbage collector target for Terraform and its provider when the caller set none. The
 * hashicorp/aws provider builds its whole schema (about 1,600 resource types) in every command;
 * at Go's default (GOGC=100) a third or more of that CPU is garbage collection. 800 lets the heap
 * grow to nine times the live data between collections: a third less CPU per plan and 29 % less
 * per `show -json` (medians of 3, network + cluster stack), for about 150 MB more memory per
 * process (`npm run bench -- --only terraform-gc`).
 */
export const TERRAFORM_GOGC = "800";

/**
 * The environment of every terraform command the project runs: `base` with no prompts
 * (`TF_IN_AUTOMATION`), no update check (`CHECKPOINT_DISABLE`), and {@link TERRAFORM_GOGC} unless
 * `GOGC` is set already. Terraform passes it on to the provider it starts.
 */
export function terraformEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", GOGC: base.GOGC || TERRAFORM_GOGC };
}

/** A failed terraform command, with what it printed. */
export class TerraformError extends Error {
  constructor(
    message: string,
    public readonly stderr: string,
    public readonly stdout: string,
  ) {
    super(message);
  }
}

/** Options of one command. */
export interface RunOptions {
  /** Copy the command's output to this process's stderr as it comes (progress). */
  readonly echo?: boolean;
}

/** Terraform in one stack directory. */
export class Terraform {
  constructor(public readonly dir: string) {}

  /** Runs terraform with `args`; resolves with stdout, rejects with a {@link TerraformError}. */
  run(args: readonly string[], options: RunOptions = {}): Promise<string> {
    const binary = process.env.TERRAFORM_BINARY_NAME || "terraform";
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(binary, [...args], {
        cwd: this.dir,
        env: terraformEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (options.echo) process.stderr.write(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (options.echo) process.stderr.write(chunk);
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), TERRAFORM_TIMEOUT_MS);
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(
          new TerraformError(
            `terraform ${args.join(" ")} could not start in ${this.dir}: ${e.message}`,
            "",
            "",
          ),
        );
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        recordTiming(args, this.dir, started);
        if (code === 0) return resolve(stdout);
        const why = signal
          ? `was killed (${signal}; time limit ${TERRAFORM_TIMEOUT_MS / 60_000} min)`
          : `exited ${code}`;
        reject(
          new TerraformError(`terraform ${args[0]} ${why} in ${this.dir}:\n${stderr.trim()}`, stderr, stdout),
        );
      });
    });
  }

  async init(): Promise<void> {
    await this.run(["init", "-input=false", "-no-color"]);
  }

  /** `terraform plan -out=tfplan`, then the plan as JSON (also written to plan.json). */
  async plan(options: RunOptions = {}): Promise<PlanJson> {
    await this.run(["plan", "-input=false", "-no-color", "-out=tfplan"], options);
    const json = await this.run(["show", "-json", "tfplan"]);
    fs.writeFileSync(this.planJsonPath, json);
    return JSON.parse(json) as PlanJson;
  }

  /** Where {@link plan} writes the plan JSON. */
  get planJsonPath(): string {
    return path.join(this.dir, "plan.json");
  }

  /** Applies the saved plan (exactly what was reviewed). */
  async applyPlan(options: RunOptions = {}): Promise<void> {
    await this.run(["apply", "-input=false", "-no-color", "tfplan"], options);
  }

  async destroy(options: RunOptions = {}): Promise<void> {
    await this.run(["destroy", "-input=false", "-no-color", "-auto-approve"], options);
  }

  /** `terraform output -json`, values only. */
  async outputs(): Promise<Record<string, unknown>> {
    const raw = JSON.parse(await this.run(["output", "-json"])) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
  }

  /** Addresses in the state (empty before the first apply). */
  async stateList(): Promise<string[]> {
    const out = (await this.run(["state", "list"])).trim();
    return out ? out.split("\n") : [];
  }
}
