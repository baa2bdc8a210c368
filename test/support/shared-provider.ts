import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import { terraformEnv } from "../../scripts/review/terraform";

/**
 * One hashicorp/aws provider process for every terraform command of a test file.
 *
 * Terraform starts the provider anew for each command (plan, show, apply, validate): the 900 MB
 * binary's start-up costs 1.2 to 1.9 s of CPU a command (a quarter to two fifths of it, below),
 * and the suite runs about 150 such commands. Started once with `-debug`, the provider serves
 * each command over gRPC instead (`TF_REATTACH_PROVIDERS`): the same binary, protocol and calls, the way
 * terraform-plugin-testing runs the provider's own acceptance tests. Measured on the planned
 * network + cluster stack, CPU of terraform and the provider, medians of 3 (2026-12-03,
 * `npm run bench -- --only shared-provider`): a plan 6.75 CPU-s with a provider of its own, 4.90
 * shared (x0.73); a `show -json` 2.93 and 1.72 (x0.59); a validate 4.88 and 3.46 (x0.71).
 *
 * One process serves one command at a time (each command configures it anew), so it is one per
 * test file, whose tests run in order; the jest workers run files side by side, each with its own.
 * The main job's test (local-deploy.local.test.ts) does not use it: it runs `npm run local` the
 * way users do, a provider per command.
 *
 * The provider reads a resource's local files (a Lambda function's `filename`) relative to its
 * own working directory, which Terraform sets to the stack's directory when it starts the
 * provider: a shared one is started in the directory of the stack that has such files (`cwd`).
 * A stack elsewhere that reads a relative file fails loudly (no such file), never silently.
 *
 * Needs the mirrored binary (`ECS_CDKTF_AWS_PROVIDER_BINARY`, set by setup in mirror mode). With
 * the registry (no binary set), every command starts its own provider, as without this helper.
 */
export interface SharedProvider {
  /** The `TF_REATTACH_PROVIDERS` value, or undefined when no binary is set up. */
  readonly reattach: string | undefined;
  stop(): Promise<void>;
}

/** The provider addresses Terraform and OpenTofu give `hashicorp/aws`. */
const ADDRESSES = ["registry.terraform.io/hashicorp/aws", "registry.opentofu.org/hashicorp/aws"];

/** How long the provider may take to print its reattach line. */
const START_TIMEOUT_MS = 60_000;

/** Starts the provider in debug mode and reads the reattach configuration it prints. */
export async function startSharedProvider(
  cwd: string = process.cwd(),
  binary: string | undefined = process.env.ECS_CDKTF_AWS_PROVIDER_BINARY,
): Promise<SharedProvider> {
  if (!binary) return { reattach: undefined, stop: async () => {} };
  if (!fs.existsSync(binary)) {
    throw new Error(`ECS_CDKTF_AWS_PROVIDER_BINARY is ${binary}, which does not exist: run npm run setup`);
  }
  // Its log (trace level in debug mode) is not read: a pipe nobody drains would block it.
  fs.mkdirSync(cwd, { recursive: true });
  const child: ChildProcess = spawn(binary, ["-debug"], {
    cwd,
    env: terraformEnv(),
    stdio: ["ignore", "pipe", "ignore"],
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const config = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => fail(`printed no reattach line in ${START_TIMEOUT_MS / 1000} s`),
      START_TIMEOUT_MS,
    );
    function fail(why: string) {
      clearTimeout(timer);
      void stop();
      reject(new Error(`the shared provider (${binary} -debug) ${why}:\n${out.slice(-2000)}`));
    }
    child.once("error", (e) => fail(`did not start: ${e.message}`));
    child.once("exit", (code, signal) => fail(`exited (${signal ?? code}) before it was ready`));
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const m = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      // Keep draining stdout so the provider never blocks on a full pipe.
      child.stdout!.removeAllListeners("data");
      child.stdout!.resume();
      try {
        const parsed = JSON.parse(m[1]) as Record<string, unknown>;
        resolve(Object.values(parsed)[0] as Record<string, unknown>);
      } catch (e) {
        fail(`printed a reattach line that is not JSON (${(e as Error).message})`);
      }
    });
  });
  return {
    reattach: JSON.stringify(Object.fromEntries(ADDRESSES.map((a) => [a, config]))),
    stop,
  };
}

/**
 * Starts the shared provider in `cwd` and points every terraform command of this process at it
 * (`TF_REATTACH_PROVIDERS` in `process.env`, which child processes inherit). The returned function
 * stops it and restores the environment.
 */
export async function useSharedProvider(cwd?: string): Promise<() => Promise<void>> {
  const shared = await startSharedProvider(cwd);
  const before = process.env.TF_REATTACH_PROVIDERS;
  if (shared.reattach) process.env.TF_REATTACH_PROVIDERS = shared.reattach;
  return async () => {
    if (before === undefined) delete process.env.TF_REATTACH_PROVIDERS;
    else process.env.TF_REATTACH_PROVIDERS = before;
    await shared.stop();
  };
}

/**
 * Registers, in the calling test file, a `beforeAll` that starts the shared provider (in the
 * test's working directory: for stacks without local files) and the `afterAll` that stops it.
 * Call it before the hooks that run terraform (first in the file).
 */
export function shareProvider(): void {
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    stop = await useSharedProvider();
  });
  afterAll(async () => {
    await stop?.();
  });
}

let clockTicks: number | undefined;

/**
 * CPU seconds (user + system) a live process has used so far, from /proc: how the benchmark and
 * the tests tell that the shared provider did a command's work.
 */
export function processCpuSeconds(pid: number): number {
  clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}
