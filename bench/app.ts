/**
 * Benchmarks of the whole app (the dev environment's two stacks, as `npm run local` deploys them)
 * against a fresh local AWS per run, and of how synth and plan grow with the number of services on
 * the one load balancer. Prints medians; never asserts. Called by bench/run.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { DEV, EnvironmentConfig, ServiceConfig } from "../stacks/config";
import { addEnvironment } from "../stacks/environment";
import { readSynthesized, SynthesizedApp } from "../scripts/review/synth";
import { Terraform } from "../scripts/review/terraform";
import { startLocalAws } from "../test/support/moto";

/** Service counts of the growth benchmark. */
export const SERVICE_COUNTS = [1, 5, 10, 20] as const;

type Report = (name: string, ms: number[]) => number;

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return elapsedMs(start);
}

/** The dev environment with `count` services on its load balancer (web, then s1, s2, ...). */
export function withServices(base: EnvironmentConfig, count: number): EnvironmentConfig {
  const web = base.services[0]!;
  const extra: ServiceConfig[] = Array.from({ length: count - 1 }, (_, i) => ({
    ...web,
    serviceName: `s${i + 1}`,
    rulePriority: i + 1,
    pathPatterns: [`/s${i + 1}/*`],
    image: { source: "service", service: web.serviceName },
  }));
  return { ...base, services: [web, ...extra] };
}

function benchConfig(stateDir: string): EnvironmentConfig {
  return {
    ...DEV,
    backend: { kind: "local", directory: stateDir },
    // Destroying the foundation is part of the measurement: let it release the Elastic IPs.
    staticIp: { ...DEV.staticIp, ...{ allowEipDestroy: true } },
  };
}

function synthInto(config: EnvironmentConfig, endpoint: string, outdir: string): SynthesizedApp {
  const app = new App({ outdir });
  addEnvironment(app, config, { kind: "local", endpoint });
  app.synth();
  return readSynthesized(outdir);
}

/** Plan, apply and destroy of both stacks (foundation, then app), each run on a fresh moto server. */
export async function benchWholeApp(runs: number, report: Report): Promise<void> {
  const times = {
    synth: [] as number[],
    plan: [] as number[],
    apply: [] as number[],
    destroy: [] as number[],
  };
  for (let i = 0; i < runs; i++) {
    const aws = await startLocalAws();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-app-"));
    try {
      const config = benchConfig(tmp);
      const start = process.hrtime.bigint();
      const app = synthInto(config, aws.endpoint, path.join(tmp, "out"));
      times.synth.push(elapsedMs(start));
      const [foundation, appStack] = app.stacks.map((s) => new Terraform(s.dir));
      for (const tf of [foundation!, appStack!]) await tf.init();
      // The app's plan reads the foundation's state: plan and apply go stack by stack.
      let plan = await timed(() => foundation!.plan());
      let apply = await timed(() => foundation!.applyPlan());
      plan += await timed(() => appStack!.plan());
      apply += await timed(() => appStack!.applyPlan());
      times.plan.push(plan);
      times.apply.push(apply);
      times.destroy.push(
        await timed(async () => {
          await appStack!.destroy();
          await foundation!.destroy();
        }),
      );
    } finally {
      await aws.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  report("app synth", times.synth);
  report("app plan", times.plan);
  report("app apply", times.apply);
  report("app destroy", times.destroy);
}

/**
 * Synth (in process) and `terraform plan` of the app stack with 1 to 20 services on the load
 * balancer, against one moto server holding the applied foundation.
 */
export async function benchServiceGrowth(runs: number, report: Report): Promise<void> {
  const aws = await startLocalAws();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-growth-"));
  try {
    const base = benchConfig(tmp);
    const outdir = path.join(tmp, "out");
    const first = synthInto(base, aws.endpoint, outdir);
    const foundation = new Terraform(first.stacks[0]!.dir);
    await foundation.init();
    await foundation.plan();
    await foundation.applyPlan();
    // Untimed warm-up: the first synth of a process also loads the provider classes.
    synthInto(withServices(base, SERVICE_COUNTS[SERVICE_COUNTS.length - 1]!), aws.endpoint, outdir);
    const medians: Array<[number, number, number]> = [];
    for (const count of SERVICE_COUNTS) {
      const config = withServices(base, count);
      const synth: number[] = [];
      const plan: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        const app = synthInto(config, aws.endpoint, outdir);
        synth.push(elapsedMs(start));
        const appStack = new Terraform(app.stacks[1]!.dir);
        await appStack.init();
        plan.push(await timed(() => appStack.plan()));
      }
      medians.push([count, report(`synth ${count} svc`, synth), report(`plan ${count} svc`, plan)]);
    }
    const [n1, s1, p1] = medians[0]!;
    for (const [n, s, p] of medians.slice(1)) {
      console.log(
        `${n} services vs ${n1}: synth ×${(s / s1).toFixed(2)}, plan ×${(p / p1).toFixed(2)} ` +
          `(plan +${((p - p1) / (n - n1) / 1000).toFixed(2)} s per service)`,
      );
    }
  } finally {
    await aws.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
