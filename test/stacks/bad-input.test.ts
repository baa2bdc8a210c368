import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { ValidationError } from "../../modules/shared/validation";
import { AwsTarget } from "../../stacks/aws-provider";
import { DEV, EnvironmentConfig, EnvironmentSources, loadEnvironmentConfig } from "../../stacks/config";
import { addEnvironment } from "../../stacks/environment";

// Nothing half-created: every class of bad input fails while the app is being built, with a
// ValidationError, before anything is written to the output folder.
//
// One row per class. A row gives the environment either as `sources` (how main.ts chooses it:
// ECS_CDKTF_ENV, the app context) or as a `change` to a copy of the dev preset. Module-level
// classes (image references, task size) are rows too: a change to the config that passes the
// config's own checks and fails in a module's constructor. The module classes the config cannot
// reach (unknown construct props, derived names over AWS limits, the root volume) fail in the
// constructors' own tests (test/modules/*), before any resource exists.

// Rows write fields the types declare readonly, and invalid values the types forbid.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mutable = any;

interface BadInput {
  /** The class of bad input. */
  readonly name: string;
  /** How main.ts would choose the environment (unset: dev). */
  readonly sources?: EnvironmentSources;
  /** A change to a deep copy of the chosen preset. */
  readonly change?: (config: Mutable) => void;
  /** The error (a substring or a pattern). */
  readonly message: string | RegExp;
}

const ROWS: readonly BadInput[] = [
  {
    name: "unknown environment",
    sources: { env: { ECS_CDKTF_ENV: "staging" } },
    message: 'Unknown environment "staging" (from ECS_CDKTF_ENV): the valid choices are dev, prod',
  },
  {
    name: "unknown key",
    change: (c) =>
      (c.services[0].autoscaling = { minCapacity: 1, maxCapacity: 2, targetCpuUtilizationPercent: 60 }),
    message: "Environment 'dev': services[0].autoscaling (",
  },
  {
    name: "wrong type",
    change: (c) => (c.stopped = "true"),
    message: `Environment 'dev': stopped ("true") must be true or false`,
  },
  {
    name: "bad region",
    change: (c) => (c.region = "eu-west-7"),
    message: `Environment 'dev': region ("eu-west-7") must be a region AWS lists`,
  },
  {
    name: "NAT none with the cluster in the private subnets",
    change: (c) => (c.network.natGateways = "none"),
    message: `Environment 'dev': network.natGateways ("none") must give the private subnets a way out`,
  },
  {
    name: "an image reference no registry accepts (upper-case repository path)",
    change: (c) => (c.services[1].image = { source: "registry", uri: "public.ecr.aws/Nginx/nginx:1.27" }),
    // The module's rule, reported under the config's path.
    message: `Environment 'dev': services[1].image.uri ("public.ecr.aws/Nginx/nginx:1.27") must have a lower-case repository path`,
  },
  {
    name: "a task's memory no instance type of the cluster holds",
    change: (c) => {
      c.services[0].memoryLimitMiB = 4096;
      c.services[0].memoryReservationMiB = 4000;
    },
    message:
      /^Environment 'dev': services\[0\]\.memoryReservationMiB \(4000\) must fit an instance of EcsCluster 'cluster' \(t3\.small: 2048 CPU units, 1894 MiB for tasks\)/,
  },
  {
    name: "a task's CPU no instance type of the cluster holds",
    change: (c) => (c.services[0].cpuUnits = 4096),
    message:
      /^Environment 'dev': services\[0\]\.cpuUnits \(4096\) must fit an instance of EcsCluster 'cluster'/,
  },
];

const TARGET: AwsTarget = { kind: "aws" };

/** Builds and synthesizes the row's environment the way main.ts does, into `outdir`. */
function synthesize(row: BadInput, outdir: string): void {
  const app = new App({ outdir });
  const preset = loadEnvironmentConfig({
    ...row.sources,
    env: { ...row.sources?.env, ECS_CDKTF_STATE_DIR: path.join(outdir, "..", "state") },
  });
  const config = row.change ? change(preset, row.change) : preset;
  addEnvironment(app, config, TARGET);
  app.synth();
}

function change(base: EnvironmentConfig, f: (c: Mutable) => void): EnvironmentConfig {
  const copy = JSON.parse(JSON.stringify(base)) as Mutable;
  f(copy);
  return copy as EnvironmentConfig;
}

/** Every file under `dir` (none when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => path.join(e.parentPath, e.name));
}

describe("bad input fails before anything is written", () => {
  it("GIVEN the dev preset unchanged THEN the same synthesis writes the stacks (the rows fail for their input only)", () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-")), "out");
    synthesize({ name: "none", message: "" }, outdir);
    expect(filesUnder(outdir).map((f) => path.relative(outdir, f))).toEqual(
      expect.arrayContaining(["manifest.json", path.join("stacks", "dev-app", "cdk.tf.json")]),
    );
    expect(DEV.stopped).toBe(false);
  });

  it("GIVEN a value a module rejects THEN addEnvironment leaves no stack in the app (neither half)", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-")) });
    // Rejected by the app stack's service, after the foundation stack was built.
    const config = change(DEV, (c) => (c.services[0].cpuUnits = 4096));
    expect(() => addEnvironment(app, config, TARGET)).toThrow(
      /^Environment 'dev': services\[0\]\.cpuUnits \(4096\) must fit an instance/,
    );
    expect(app.node.children).toEqual([]);
    // AND the app still takes the environment once it is fixed
    addEnvironment(app, DEV, TARGET);
    expect(app.node.children.map((c) => c.node.id)).toEqual(["dev-foundation", "dev-app"]);
  });

  it.each(ROWS.map((row) => [row.name, row] as const))("%s", (_name, row) => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-")), "out");
    let error: unknown;
    try {
      synthesize(row, outdir);
    } catch (e) {
      error = e;
    }
    expect(ValidationError.isValidationError(error)).toBe(true);
    const message = (error as Error).message;
    if (typeof row.message === "string") expect(message).toContain(row.message);
    else expect(message).toMatch(row.message);
    // cdktf's App constructor creates the folder and its empty `stacks/` itself; no file follows.
    expect(filesUnder(outdir)).toEqual([]);
  });
});
