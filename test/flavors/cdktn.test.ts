/**
 * The cdktn flavor (scripts/flavor/flavors.ts): the library's sources with their cdktf imports
 * rewritten to cdktn 0.24 and @cdktn/provider-aws 25.7, compiled against flavors/cdktn/node_modules
 * and run on Node 22 (ECS_CDKTF_NODE22, from scripts/setup-cdktn.sh). Both environments synthesize
 * to the same Terraform JSON as with cdktf (so a user switching flavor plans no change), and
 * Terraform validates it with the real provider.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import {
  FLAVORS,
  FLAVOR_SOURCES,
  replacedSpecifiers,
  rewriteSource,
  writeFlavorTree,
} from "../../scripts/flavor/flavors";
import { ENVIRONMENT_NAMES, loadEnvironmentConfig } from "../../stacks/config";
import { addEnvironment } from "../../stacks/environment";
import { shareProvider } from "../support/shared-provider";
import { validateStacks } from "../support/validate-batch";

shareProvider();

const REPO = path.resolve(__dirname, "..", "..");
const TSC = path.join(REPO, "node_modules", "typescript", "bin", "tsc");
const TSX = path.join(REPO, "node_modules", "tsx", "dist", "cli.mjs");
const CDKTN = FLAVORS.cdktn;

type Json = Record<string, unknown>;

/**
 * Both environments in one app, each with its state in `stateDir` (the local backend's paths are
 * then the same in both flavors); written in the sources' flavor and rewritten like them.
 */
const DRIVER = `import { App } from "cdktf";
import { ENVIRONMENT_NAMES, loadEnvironmentConfig } from "./stacks/config";
import { addEnvironment } from "./stacks/environment";

const [outdir, stateDir] = process.argv.slice(2);
const app = new App({ outdir });
for (const name of ENVIRONMENT_NAMES) {
  addEnvironment(app, loadEnvironmentConfig({ env: { ECS_CDKTF_ENV: name, ECS_CDKTF_STATE_DIR: stateDir } }), { kind: "aws" });
}
app.synth();
`;

/** The same synthesis in this process, with cdktf. */
function synthCdktf(outdir: string, stateDir: string): void {
  const app = new App({ outdir });
  for (const name of ENVIRONMENT_NAMES) {
    addEnvironment(
      app,
      loadEnvironmentConfig({ env: { ECS_CDKTF_ENV: name, ECS_CDKTF_STATE_DIR: stateDir } }),
      {
        kind: "aws",
      },
    );
  }
  app.synth();
}

/** Each stack's `cdk.tf.json` of an outdir, by stack id. */
function stacksOf(outdir: string): Record<string, Json> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { workingDirectory: string }>;
  };
  return Object.fromEntries(
    Object.entries(manifest.stacks).map(([id, s]) => [
      id,
      JSON.parse(fs.readFileSync(path.join(outdir, s.workingDirectory, "cdk.tf.json"), "utf8")) as Json,
    ]),
  );
}

/** `type.name` of every resource and data source: what state is keyed by. */
function addresses(stack: Json): string[] {
  return (["resource", "data"] as const)
    .flatMap((kind) =>
      Object.entries((stack[kind] ?? {}) as Record<string, Json>).flatMap(([type, byName]) =>
        Object.keys(byName).map((name) => `${kind === "data" ? "data." : ""}${type}.${name}`),
      ),
    )
    .sort();
}

const VERSION_FIELD = (stack: Json) => ((stack["//"] as Json).metadata as Json).version;
const PROVIDER_SOURCE = (stack: Json) =>
  (((stack.terraform as Json).required_providers as Json).aws as Json).source;

/** The stack without what names the CDK itself: its version, and the provider source's spelling. */
function withoutFlavor(stack: Json): Json {
  const copy = JSON.parse(JSON.stringify(stack)) as Json;
  delete ((copy["//"] as Json).metadata as Json).version;
  delete (((copy.terraform as Json).required_providers as Json).aws as Json).source;
  return copy;
}

let work: string;
let tree: string;
let cdktnOut: string;
let cdktfOut: string;

beforeAll(() => {
  if (!process.env.ECS_CDKTF_NODE22) throw new Error("ECS_CDKTF_NODE22 is unset: run bash scripts/setup.sh");
  work = fs.mkdtempSync(path.join(os.tmpdir(), "flavor-cdktn-"));
  tree = fs.mkdtempSync(path.join(REPO, CDKTN.packageDir, ".tree-"));
  writeFlavorTree(CDKTN, REPO, tree);
  fs.writeFileSync(path.join(tree, "synth-environments.ts"), rewriteSource(CDKTN, DRIVER));
});

afterAll(() => {
  if (tree) fs.rmSync(tree, { recursive: true, force: true });
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The environments synthesized by both flavors (the first test that asks runs both). */
function synthesized(): { cdktn: Record<string, Json>; cdktf: Record<string, Json> } {
  if (!cdktnOut) {
    const stateDir = path.join(work, "state");
    cdktnOut = path.join(work, "cdktn.out");
    cdktfOut = path.join(work, "cdktf.out");
    execFileSync(
      process.env.ECS_CDKTF_NODE22!,
      [TSX, "--tsconfig", path.join(REPO, "tsconfig.json"), "synth-environments.ts", cdktnOut, stateDir],
      { cwd: tree, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 180_000 },
    );
    synthCdktf(cdktfOut, stateDir);
  }
  return { cdktn: stacksOf(cdktnOut), cdktf: stacksOf(cdktfOut) };
}

describe("the cdktn flavor", () => {
  it("rewrites every cdktf import of the sources, and nothing else", () => {
    expect(
      rewriteSource(
        CDKTN,
        `import { App, Fn } from "cdktf";\nimport { Vpc } from "@cdktf/provider-aws/lib/vpc";\n`,
      ),
    ).toBe(`import { App, Fn } from "cdktn";\nimport { Vpc } from "@cdktn/provider-aws/lib/vpc";\n`);
    // A package whose name only starts like one is not rewritten, nor text that is no import.
    const untouched = `import x from "cdktf-cli";\nconst s = "cdktf";\nimport { y } from "./cdktf";\n`;
    expect(rewriteSource(CDKTN, untouched)).toBe(untouched);
    const left = FLAVOR_SOURCES.flatMap((source) => {
      const files = fs.statSync(path.join(tree, source)).isDirectory()
        ? (fs.readdirSync(path.join(tree, source), { recursive: true }) as string[]).map((f) =>
            path.join(source, f),
          )
        : [source];
      return files
        .filter((f) => f.endsWith(".ts"))
        .flatMap((f) =>
          replacedSpecifiers(CDKTN, fs.readFileSync(path.join(tree, f), "utf8")).map((s) => `${f}: ${s}`),
        );
    });
    expect(left).toEqual([]);
  });

  it("type-checks against cdktn 0.24 and @cdktn/provider-aws 25.7 (strict)", () => {
    const installed = (pkg: string) =>
      (
        JSON.parse(
          fs.readFileSync(path.join(REPO, CDKTN.packageDir, "node_modules", pkg, "package.json"), "utf8"),
        ) as {
          version: string;
        }
      ).version;
    expect([installed("cdktn"), installed("@cdktn/provider-aws"), installed("constructs")]).toEqual([
      "0.24.0",
      "25.7.0",
      "10.7.0",
    ]);
    const tsconfig = {
      extends: path.join(REPO, "tsconfig.json"),
      compilerOptions: { rootDir: ".", types: ["node"], noEmit: true },
      include: ["main.ts", "synth-environments.ts", "modules/**/*.ts", "stacks/**/*.ts", "src/**/*.ts"],
    };
    fs.writeFileSync(path.join(tree, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
    expect(() =>
      execFileSync(process.execPath, [TSC, "-p", "tsconfig.json"], {
        cwd: tree,
        encoding: "utf8",
        stdio: "pipe",
      }),
    ).not.toThrow();
  }, 120_000);

  it("synthesizes both environments on Node 22 to the Terraform JSON cdktf does: same addresses, same resources", () => {
    const { cdktn, cdktf } = synthesized();
    expect(Object.keys(cdktn).sort()).toEqual(["dev-app", "dev-foundation", "prod-app", "prod-foundation"]);
    expect(Object.keys(cdktn).sort()).toEqual(Object.keys(cdktf).sort());
    for (const id of Object.keys(cdktf)) {
      expect({ id, addresses: addresses(cdktn[id]!) }).toEqual({ id, addresses: addresses(cdktf[id]!) });
      // What differs is the CDK's own name: its version, and how it spells the provider's source
      // (both are registry.terraform.io/hashicorp/aws).
      expect([VERSION_FIELD(cdktf[id]!), VERSION_FIELD(cdktn[id]!)]).toEqual(["0.21.0", "0.24.0"]);
      expect([PROVIDER_SOURCE(cdktf[id]!), PROVIDER_SOURCE(cdktn[id]!)]).toEqual([
        FLAVORS.cdktf.awsProviderSource,
        FLAVORS.cdktn.awsProviderSource,
      ]);
      expect(withoutFlavor(cdktn[id]!)).toEqual(withoutFlavor(cdktf[id]!));
    }
    expect(addresses(cdktn["prod-app"]!).length).toBeGreaterThan(80);
  }, 180_000);

  it("passes terraform validate with the real provider, every stack of both environments", () => {
    synthesized();
    const verdicts = validateStacks({ cdktn: cdktnOut }).cdktn!;
    expect(Object.keys(verdicts).sort()).toEqual([
      "dev-app",
      "dev-foundation",
      "prod-app",
      "prod-foundation",
    ]);
    for (const [id, verdict] of Object.entries(verdicts))
      expect({ id, errors: verdict.errors }).toEqual({ id, errors: [] });
  }, 180_000);
});
