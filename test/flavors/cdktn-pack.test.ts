/**
 * The cdktn flavor's npm package (`@ecs-cdktf/modules-cdktn`, scripts/flavor/package.ts) as a cdktn
 * app gets it: built, packed, installed with its peers at the flavor's pinned versions into a
 * throwaway project, compiled, then run on Node 22: the pack test's consumer app
 * (test/package/consumer-app.ts, every module), its imports rewritten as the flavor rewrites the
 * sources, synthesizes with the consumer's own cdktn and passes terraform validate.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FLAVORS, rewriteSource } from "../../scripts/flavor/flavors";
import { buildFlavorPackage, flavorPackageJson } from "../../scripts/flavor/package";
import { CONSUMER_MAIN_TS, CONSUMER_STACK } from "../package/consumer-app";
import { run } from "../support/run";
import { shareProvider } from "../support/shared-provider";
import { TerraformRun } from "../support/terraform";

shareProvider();

const REPO = path.resolve(__dirname, "..", "..");
const TSC = path.join(REPO, "node_modules", "typescript", "bin", "tsc");
const CDKTN = FLAVORS.cdktn;
const PACKAGE = "@ecs-cdktf/modules-cdktn";

const pins = (
  JSON.parse(fs.readFileSync(path.join(REPO, CDKTN.packageDir, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  }
).dependencies;
const rootPackage = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
  version: string;
  exports: unknown;
  files: string[];
  devDependencies: Record<string, string>;
};

describe("the cdktn flavor's npm package", () => {
  let work: string;
  let consumer: string;
  let files: string[];

  beforeAll(() => {
    if (!process.env.ECS_CDKTF_NODE22)
      throw new Error("ECS_CDKTF_NODE22 is unset: run bash scripts/setup.sh");
    work = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-pack-cdktn-"));
    const dir = buildFlavorPackage(CDKTN);
    const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], dir)) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    files = packed!.files.map((f) => f.path).sort();
    consumer = path.join(work, "consumer");
    fs.mkdirSync(consumer);
    fs.writeFileSync(
      path.join(consumer, "package.json"),
      JSON.stringify({
        name: "consumer",
        version: "1.0.0",
        private: true,
        dependencies: { [PACKAGE]: `file:${path.join(work, packed!.filename)}`, ...pins },
        devDependencies: { "@types/node": rootPackage.devDependencies["@types/node"] },
      }),
    );
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock"], consumer);
    fs.copyFileSync(
      path.join(REPO, "node_modules", "@cdktf", "cli-core", "templates", "typescript", "tsconfig.json"),
      path.join(consumer, "tsconfig.json"),
    );
    fs.writeFileSync(path.join(consumer, "main.ts"), rewriteSource(CDKTN, CONSUMER_MAIN_TS));
    run(process.execPath, [TSC, "-p", "tsconfig.json"], consumer);
  }, 300_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("is the cdktf package renamed: same version, entry points and files, the flavor's peers and Node", () => {
    const pkg = flavorPackageJson(CDKTN);
    expect(pkg.name).toBe(PACKAGE);
    expect(pkg.version).toBe(rootPackage.version);
    expect(pkg.exports).toEqual(rootPackage.exports);
    expect(pkg.files).toEqual(rootPackage.files);
    expect(pkg.peerDependencies).toEqual({
      "@cdktn/provider-aws": `^${pins["@cdktn/provider-aws"]}`,
      cdktn: `^${pins.cdktn}`,
      constructs: ">=10.6.0 <10.8.0",
    });
    expect(pkg.engines).toEqual({ node: ">=22" });
    expect(pkg).not.toHaveProperty("scripts");
    expect(pkg).not.toHaveProperty("devDependencies");
    // The tarball: the compiled modules and the attacher bundle, no source, and no cdktf import.
    expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "LICENSE", "CHANGELOG.md"]));
    expect(
      files.filter(
        (f) => !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/modules\/.+\.(js|d\.ts))$/.test(f),
      ),
    ).toEqual([]);
    expect(files).toContain("dist/modules/static-ip/attacher/index.js");
    const installed = path.join(consumer, "node_modules", ...PACKAGE.split("/"));
    const cdktfImports = files
      .filter((f) => f.endsWith(".js") || f.endsWith(".d.ts"))
      .filter((f) =>
        /(require\(|from )"(cdktf|@cdktf\/provider-aws)(\/[^"]*)?"/.test(
          fs.readFileSync(path.join(installed, f), "utf8"),
        ),
      );
    expect(cdktfImports).toEqual([]);
  });

  it("rejects bad input with the module's message, on cdktn", () => {
    expect(() =>
      run(process.env.ECS_CDKTF_NODE22!, ["main.js", "bad-input"], consumer, {
        CDKTF_OUTDIR: path.join(work, "bad.out"),
      }),
    ).toThrow(/Network 'net': natGateways \("both"\) must be one of per-az, single, none; pick one of them/);
  });

  it("synthesizes every module with the consumer's cdktn on Node 22, and terraform validates it", () => {
    const outdir = path.join(work, "cdktf.out");
    run(process.env.ECS_CDKTF_NODE22!, ["main.js"], consumer, { CDKTF_OUTDIR: outdir });
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { workingDirectory: string }>;
    };
    const dir = path.join(outdir, manifest.stacks[CONSUMER_STACK]!.workingDirectory);
    const tf = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as {
      "//": { metadata: { version: string } };
      resource: Record<string, Record<string, unknown>>;
    };
    expect(tf["//"].metadata.version).toBe(pins.cdktn);
    for (const type of [
      "aws_vpc",
      "aws_ecs_cluster",
      "aws_lb",
      "aws_ecs_service",
      "aws_eip",
      "aws_lambda_function",
    ]) {
      expect(Object.keys(tf.resource)).toContain(type);
    }
    expect(Object.keys(tf.resource.aws_ecs_service!)).toHaveLength(5);
    expect(new TerraformRun(dir).init().validate()).toMatchObject({ valid: true, error_count: 0 });
  });
});
