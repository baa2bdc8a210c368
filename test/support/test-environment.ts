import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { AwsTarget } from "../../stacks/aws-provider";
import { DEV, EnvironmentConfig, ServiceConfig } from "../../stacks/config";
import { addEnvironment, appStackId, EnvironmentStacks, foundationStackId } from "../../stacks/environment";
import { LOCAL_REGION } from "./moto";
import { TerraformRun } from "./terraform";

/** Name of the test preset's environment: its cluster, tags and resource names. */
export const TEST_ENVIRONMENT = "test";

/** Image tag the test preset's `web` repository is asked for (a git SHA, as CI would push). */
export const TEST_IMAGE_TAG = "3f2a9c1";

/** What the test preset takes from the test: the certificate and where state goes. */
export interface TestPresetOptions {
  /**
   * ACM certificate of the HTTPS listener (the local AWS checks that it exists in its ACM).
   * @default - a well-formed ARN, for synth-only tests
   */
  readonly certificateArn?: string;
  /**
   * Directory of the local backend's state files.
   * @default - a new temporary directory
   */
  readonly stateDir?: string;
}

/** A well-formed ACM certificate ARN in the local region, for tests that only synthesize. */
export const TEST_CERTIFICATE_ARN = `arn:aws:acm:${LOCAL_REGION}:123456789012:certificate/0f3c2a1e-1111-4222-8333-444455556666`;

/** The Flask service's task size in the test preset (the module's defaults). */
const TASK: Pick<ServiceConfig, "cpuUnits" | "memoryLimitMiB" | "memoryReservationMiB"> = {
  cpuUnits: 256,
  memoryLimitMiB: 512,
  memoryReservationMiB: 256,
};

/**
 * The test preset: an environment with what the presets leave out, so the deep emulator tests
 * (test/stacks/environment.local.test.ts) reach every part the modules build. Against dev: an
 * internet-facing load balancer with HTTPS (a certificate) and access logs, deletion protection
 * on, a NAT gateway per AZ, a capacity of two instances (so destroy meets running instances), the
 * `web` service auto-scaled 2 to 6 tasks on CPU and requests, `api` on web's image with two
 * tasks, and no static IP (the local deploy test drills that on dev).
 */
export function testPreset(options: TestPresetOptions = {}): EnvironmentConfig {
  const web = DEV.services.find((s) => s.serviceName === "web")!;
  const api = DEV.services.find((s) => s.serviceName === "api")!;
  return {
    ...DEV,
    name: TEST_ENVIRONMENT,
    region: LOCAL_REGION,
    network: { cidrBlock: "172.24.0.0/16", azCount: 2, natGateways: "per-az", zoneName: "myorg.local" },
    capacity: { instanceType: "t3.small", minSize: 1, desiredCapacity: 2, maxSize: 3 },
    loadBalancer: {
      internal: false,
      enableAccessLogs: true,
      certificateArn: options.certificateArn ?? TEST_CERTIFICATE_ARN,
    },
    imageTag: TEST_IMAGE_TAG,
    services: [
      {
        ...web,
        ...TASK,
        desiredCount: 2,
        // The Flask image's own check (src/service/healthcheck.py), run by Docker.
        containerHealthCheck: { command: ["CMD", "python", "/app/healthcheck.py"], startPeriodSeconds: 10 },
        autoScaling: {
          minCapacity: 2,
          maxCapacity: 6,
          targetCpuUtilizationPercent: 60,
          targetRequestsPerTarget: 1000,
        },
      },
      { ...api, ...TASK, desiredCount: 2 },
    ],
    staticIp: { ...DEV.staticIp, addresses: "none" },
    deletionProtection: true,
    checkovExceptions: [],
    backend: {
      kind: "local",
      directory: options.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "test-env-state-")),
    },
  };
}

/** The environment's two stacks synthesized into one outdir, with a Terraform runner for each. */
export interface SynthesizedEnvironment {
  readonly stacks: EnvironmentStacks;
  readonly outdir: string;
  readonly foundation: TerraformRun;
  readonly app: TerraformRun;
}

/**
 * Synthesizes `config`'s foundation and app stacks (`addEnvironment`, every validation included)
 * into `outdir`. The app stack reads the foundation through its state file in the config's
 * backend directory, so synthesize again into another outdir to plan a changed config against the
 * same state.
 */
export function synthEnvironment(
  config: EnvironmentConfig,
  target: AwsTarget,
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), "test-env-out-")),
): SynthesizedEnvironment {
  const app = new App({ outdir });
  const stacks = addEnvironment(app, config, target);
  app.synth();
  const dir = (id: string) => path.join(outdir, "stacks", id);
  return {
    stacks,
    outdir,
    foundation: new TerraformRun(dir(foundationStackId(config.name))),
    app: new TerraformRun(dir(appStackId(config.name))),
  };
}
