/**
 * Benchmarks of the toolchain and the app. Prints medians over several runs; never asserts.
 *   synth         `tsx main.ts` (the app cdktf.json runs), deep provider imports
 *   synth-barrel  the same app with the @cdktf/provider-aws barrel preloaded (the baseline)
 *   validate      `terraform validate`, per stack (the test preset's foundation: the network;
 *                 with dev's static IP: the network and the static-IP addresses)
 *   plan / apply  per stack, against a fresh local AWS (moto server), from empty state each run
 *   app ...       the whole app (dev: foundation + app stacks): synth, plan, apply, destroy (bench/app.ts)
 *   N svc         synth and plan of the app stack with 1, 5, 10 and 20 services on one load balancer
 *   terraform-gc  validate, plan and `show -json` of the test preset's foundation (the network) at Go's default
 *                 GOGC (100, the baseline) and at the project's TERRAFORM_GOGC, interleaved in
 *                 one run: wall time and CPU time (user + system, of terraform and the provider)
 *   shared-provider  the same commands with a provider process per command (Terraform's way, the
 *                 baseline) and with one shared provider (TF_REATTACH_PROVIDERS, as the tests run
 *                 them; test/support/shared-provider.ts), interleaved: CPU of terraform plus the
 *                 provider's share
 * Usage: npm run bench [-- --runs N] [-- --only toolchain|app|growth|terraform-gc|shared-provider]
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEV } from "../stacks/config";
import { synthEnvironment, testPreset } from "../test/support/test-environment";
import { AwsTarget } from "../stacks/aws-provider";
import { startLocalAws } from "../test/support/moto";
import { TERRAFORM_GOGC, terraformEnv } from "../scripts/review/terraform";
import { processCpuSeconds, startSharedProvider } from "../test/support/shared-provider";
import { TerraformRun } from "../test/support/terraform";
import { benchServiceGrowth, benchWholeApp } from "./app";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const onlyArg = process.argv.indexOf("--only");
const ONLY = onlyArg > 0 ? process.argv[onlyArg + 1] : undefined;
/** Whole-app deploys take minutes each: at most 3 runs. */
const APP_RUNS = Math.min(RUNS, 3);
const ROOT = path.join(__dirname, "..");

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function measure(name: string, fn: () => void): number {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) ms.push(timeMs(fn));
  return report(name, ms);
}

function report(name: string, ms: number[]): number {
  const m = median(ms);
  console.log(
    `${name.padEnd(14)} median ${(m / 1000).toFixed(2)} s  (runs: ${ms.map((x) => (x / 1000).toFixed(2)).join(", ")})`,
  );
  return m;
}

function synthOnce(extraNodeArgs: string[]): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
  execFileSync(process.execPath, [...extraNodeArgs, "--import", "tsx", "main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      CDKTF_OUTDIR: outdir,
      ECS_CDKTF_TARGET: "local",
      LOCAL_AWS_ENDPOINT: "http://127.0.0.1:4566",
    },
    stdio: "ignore",
  });
  fs.rmSync(outdir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  console.log(`runs per measurement: ${RUNS}; node ${process.version}; ${os.cpus().length} cores`);
  if (ONLY === undefined || ONLY === "toolchain") await benchToolchain();
  if (ONLY === undefined || ONLY === "app") await benchWholeApp(APP_RUNS, report);
  if (ONLY === undefined || ONLY === "growth") await benchServiceGrowth(RUNS, report);
  if (ONLY === undefined || ONLY === "terraform-gc") await benchTerraformGc();
  if (ONLY === undefined || ONLY === "shared-provider") await benchSharedProvider();
}

/** One terraform command under GNU time: its wall and CPU seconds (terraform and its children). */
function timedTerraform(
  dir: string,
  args: string[],
  gogc: string,
  extraEnv: NodeJS.ProcessEnv = {},
): { wall: number; cpu: number } {
  const binary = process.env.TERRAFORM_BINARY_NAME || "terraform";
  const r = spawnSync("/usr/bin/time", ["-f", "@@ %e %U %S", binary, ...args], {
    cwd: dir,
    env: terraformEnv({ ...process.env, GOGC: gogc, ...extraEnv }),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const m = /@@ ([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? "");
  if (r.status !== 0 || !m)
    throw new Error(`terraform ${args.join(" ")} failed: ${r.error ?? ""} ${r.stderr}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]) };
}

/** A way to run one terraform command, timed: its wall and CPU seconds. */
interface Variant {
  readonly label: string;
  run(dir: string, args: string[]): { wall: number; cpu: number };
}

/**
 * validate, plan and `show -json` of the test preset's foundation (the network) against `endpoint`, with each
 * variant, interleaved (so a slower moment of the machine weighs on every variant alike); prints
 * the medians of the second variant against the first (the baseline).
 */
function compareTerraform(title: string, endpoint: string, [base, ours]: [Variant, Variant]): void {
  const tf = synthEnvironment(testPreset(), { kind: "local", endpoint }).foundation.init();
  const commands: Array<[string, string[]]> = [
    ["validate", ["validate", "-no-color"]],
    ["plan", ["plan", "-input=false", "-lock=false", "-no-color", "-out=tfplan"]],
    ["show -json", ["show", "-json", "tfplan"]],
  ];
  const results = new Map<string, { wall: number[]; cpu: number[] }>();
  for (let i = 0; i < RUNS; i++) {
    for (const variant of [base, ours]) {
      for (const [name, args] of commands) {
        const t = variant.run(tf.dir, args);
        const key = `${name} ${variant.label}`;
        const entry = results.get(key) ?? { wall: [], cpu: [] };
        entry.wall.push(t.wall);
        entry.cpu.push(t.cpu);
        results.set(key, entry);
      }
    }
  }
  console.log(`\n== ${title}, median of ${RUNS}`);
  for (const [name] of commands) {
    const b = results.get(`${name} ${base.label}`)!;
    const o = results.get(`${name} ${ours.label}`)!;
    const [bw, bc, ow, oc] = [median(b.wall), median(b.cpu), median(o.wall), median(o.cpu)];
    console.log(
      `${name.padEnd(11)} wall ${bw.toFixed(2)} -> ${ow.toFixed(2)} s (x${(ow / bw).toFixed(2)})  ` +
        `cpu ${bc.toFixed(2)} -> ${oc.toFixed(2)} s (x${(oc / bc).toFixed(2)})`,
    );
  }
}

async function benchTerraformGc(): Promise<void> {
  if (!fs.existsSync("/usr/bin/time")) {
    console.log("terraform-gc: needs GNU time at /usr/bin/time (Debian: apt-get install time); skipped");
    return;
  }
  const aws = await startLocalAws();
  try {
    const atGogc = (gogc: string): Variant => ({
      label: `GOGC=${gogc}`,
      run: (dir, args) => timedTerraform(dir, args, gogc),
    });
    compareTerraform(
      `terraform at GOGC=100 (Go's default, the baseline) and GOGC=${TERRAFORM_GOGC}`,
      aws.endpoint,
      [atGogc("100"), atGogc(TERRAFORM_GOGC)],
    );
  } finally {
    await aws.stop();
  }
}

async function benchSharedProvider(): Promise<void> {
  if (!fs.existsSync("/usr/bin/time") || !fs.existsSync("/proc/self/stat")) {
    console.log("shared-provider: needs GNU time at /usr/bin/time and /proc; skipped");
    return;
  }
  const aws = await startLocalAws();
  const shared = await startSharedProvider();
  try {
    const reattach = shared.reattach;
    if (!reattach) {
      console.log("shared-provider: no mirrored provider binary (ECS_CDKTF_AWS_PROVIDER_BINARY); skipped");
      return;
    }
    const pid = (JSON.parse(reattach) as Record<string, { Pid: number }>)[
      "registry.terraform.io/hashicorp/aws"
    ]!.Pid;
    compareTerraform(
      "terraform with its own provider per command (the baseline) and with one shared provider",
      aws.endpoint,
      [
        { label: "own", run: (dir, args) => timedTerraform(dir, args, TERRAFORM_GOGC) },
        {
          label: "shared",
          // The shared process's CPU during the command counts too.
          run: (dir, args) => {
            const before = processCpuSeconds(pid);
            const t = timedTerraform(dir, args, TERRAFORM_GOGC, { TF_REATTACH_PROVIDERS: reattach });
            return { wall: t.wall, cpu: t.cpu + processCpuSeconds(pid) - before };
          },
        },
      ],
    );
  } finally {
    await shared.stop();
    await aws.stop();
  }
}

async function benchToolchain(): Promise<void> {
  const deep = measure("synth", () => synthOnce([]));
  const barrel = measure("synth-barrel", () => synthOnce(["--require", "@cdktf/provider-aws"]));
  console.log(`synth speed-up of deep imports over the barrel baseline: ${(barrel / deep).toFixed(2)}x`);

  // Foundation stacks only: an app stack reads its foundation's state, so it is planned and
  // applied in the whole-app benchmark (bench/app.ts).
  const stacks: Array<[string, (target: AwsTarget) => TerraformRun]> = [
    ["foundation", (target) => synthEnvironment(testPreset(), target).foundation],
    [
      "foundation+static-ip",
      (target) => synthEnvironment({ ...testPreset(), staticIp: DEV.staticIp }, target).foundation,
    ],
  ];
  // Each plan and apply run gets a new moto server and a new synth against it (untimed): a fresh
  // account. (Reusing one server across apply/destroy cycles once left moto's DescribeNatGateways
  // answering empty 500s, which the provider retries forever.)
  for (const [name, build] of stacks) {
    const validateAws = await startLocalAws();
    try {
      const tf = build({ kind: "local", endpoint: validateAws.endpoint }).init();
      measure(`validate ${name}`, () => tf.validate());
    } finally {
      await validateAws.stop();
    }
    for (const step of ["plan", "apply"] as const) {
      const ms: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const aws = await startLocalAws();
        try {
          const tf = build({ kind: "local", endpoint: aws.endpoint }).init();
          ms.push(timeMs(() => (step === "plan" ? tf.plan() : tf.apply())));
        } finally {
          await aws.stop();
        }
      }
      report(`${step} ${name}`, ms);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
