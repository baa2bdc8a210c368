import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { DEV, EnvironmentConfig } from "../../stacks/config";
import { addEnvironment, EnvironmentStacks } from "../../stacks/environment";
import { Review, StackReview } from "../../scripts/review/analyze";
import { renderText } from "../../scripts/review/render";
import { deployEnvironment, DeployResult, reviewEnvironment } from "../../scripts/review/run";
import { readSynthesized } from "../../scripts/review/synth";
import { LocalAws, startLocalAws } from "../support/moto";
import { useSharedProvider } from "../support/shared-provider";

/**
 * The dev preset deployed to a moto server of the calling test file's own, for the plan review's
 * tests on real plans (review.local.test.ts plans changes to it; review-apply.local.test.ts applies
 * some). Two files, so the two run side by side; each deploys once, in its `beforeAll`.
 */
export interface DeployedDev {
  readonly aws: LocalAws;
  /** Where the stacks' local state is. */
  readonly stateDir: string;
  /** The one outdir every synth writes to (each stack's .terraform stays). */
  readonly outdir: string;
  /** The config that was deployed: dev, with web auto-scaled 1 to 2 tasks. */
  readonly base: EnvironmentConfig;
  /** The declared outputs of the first deploy, by stack id. */
  readonly outputs: DeployResult["outputs"];
  /** Synthesizes `config` (and `extra` additions) into the shared outdir. */
  synth(
    config: EnvironmentConfig,
    extra?: (stacks: EnvironmentStacks) => void,
  ): ReturnType<typeof readSynthesized>;
  /** The plan review of `config`, nothing applied. */
  review(
    config: EnvironmentConfig,
    extra?: (stacks: EnvironmentStacks) => void,
    allow?: boolean,
  ): Promise<Review>;
  /** Deploys `config`; throws when the gate stops it. */
  deploy(config: EnvironmentConfig, extra?: (stacks: EnvironmentStacks) => void): Promise<DeployResult>;
}

/** Registers the `beforeAll` that deploys dev (and the `afterAll` that stops moto) in the caller. */
export function deployedDev(): DeployedDev {
  let aws: LocalAws | undefined;
  let stateDir = "";
  let outdir = "";
  let base: EnvironmentConfig | undefined;
  let outputs: DeployResult["outputs"] = {};
  let stopProvider: (() => Promise<void>) | undefined;

  const synth: DeployedDev["synth"] = (config, extra) => {
    const app = new App({ outdir });
    const stacks = addEnvironment(app, config, { kind: "local", endpoint: aws!.endpoint });
    extra?.(stacks);
    app.synth();
    return readSynthesized(outdir);
  };
  const review: DeployedDev["review"] = (config, extra, allow = false) =>
    reviewEnvironment({ config, app: synth(config, extra), allowDestroyProtected: allow, log: () => {} });
  const deploy: DeployedDev["deploy"] = async (config, extra) => {
    const result = await deployEnvironment({
      config,
      app: synth(config, extra),
      allowDestroyProtected: false,
      checkovBlocks: false,
      log: () => {},
    });
    if (!result.review.gate.passed)
      throw new Error(`deploy stopped by the gate:\n${renderText(result.review)}`);
    return result;
  };

  beforeAll(async () => {
    aws = await startLocalAws();
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "review-state-"));
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "review-out-"));
    // One provider process for every command (test/support/shared-provider.ts), started where the
    // app stack's attacher Lambda archive is (the only relative file of the two stacks).
    stopProvider = await useSharedProvider(path.join(outdir, "stacks", "dev-app"));
    base = {
      ...DEV,
      backend: { kind: "local", directory: stateDir },
      // web auto-scaled (1 to 2 tasks), so the stop switch meets a scalable target too.
      services: DEV.services.map((s) =>
        s.serviceName === "web"
          ? { ...s, autoScaling: { minCapacity: 1, maxCapacity: 2, targetCpuUtilizationPercent: 60 } }
          : s,
      ),
    };
    const first = await deploy(base);
    expect(first.applied).toEqual(["dev-foundation", "dev-app"]);
    outputs = first.outputs;
  });

  afterAll(async () => {
    await stopProvider?.();
    await aws?.stop();
  });

  return {
    get aws() {
      return aws!;
    },
    get stateDir() {
      return stateDir;
    },
    get outdir() {
      return outdir;
    },
    get base() {
      return base!;
    },
    get outputs() {
      return outputs;
    },
    synth,
    review,
    deploy,
  };
}

/** One stack's review, by id. */
export function stack(r: Review, id: string): StackReview {
  const s = r.stacks.find((x) => x.stack === id);
  if (!s) throw new Error(`no stack ${id} in the review`);
  return s;
}

/** Gate failures that are not checkov's. */
export function nonCheckovFailures(r: Review): string[] {
  return r.gate.failures.filter((f) => !/: checkov CKV/.test(f));
}
