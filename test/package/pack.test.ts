/**
 * The npm package as a consumer gets it: `npm pack` (which runs the `prepack` build), the
 * tarball's file list, then an install of the tarball with its peer dependencies into a throwaway
 * project under a temp dir, compiled with the tsconfig `cdktf init` writes, synthesized with the
 * consumer's own cdktf and validated by Terraform with the real provider.
 *
 * Covered end to end: all four modules. static-ip runs from the installed package with the
 * prebuilt attacher Lambda bundle the tarball ships (`dist/modules/static-ip/attacher/index.js`):
 * the consumer has neither the Lambda's TypeScript source nor esbuild, and the synthesized asset
 * must be that bundle.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformRun } from "../support/terraform";
import {
  CONSUMER_ENTRY_POINTS,
  CONSUMER_MAIN_TS,
  CONSUMER_STACK,
  IMPORTED_CLUSTER_ARN,
} from "./consumer-app";
import { run } from "../support/run";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

const REPO = path.resolve(__dirname, "..", "..");
const PACKAGE_NAME = "@ecs-cdktf/modules";
const PUBLISHED_MODULES = [
  "network",
  "ecs-cluster",
  "load-balanced-service",
  "static-ip",
  "external-capacity",
];
const PEERS = ["cdktf", "@cdktf/provider-aws", "constructs"] as const;

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  exports: Record<string, string | { types: string; default: string }>;
  typesVersions: Record<string, Record<string, string[]>>;
  files: string[];
  dependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

const repoPackage = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as PackageJson;

/** The version of `name` the repo tests with (its exact devDependency pin). */
function pinnedVersion(name: string): string {
  const v = repoPackage.devDependencies[name];
  if (!v || !/^\d+\.\d+\.\d+$/.test(v))
    throw new Error(`devDependencies.${name} (${v}) must be an exact version`);
  return v;
}

const TSC = path.join(REPO, "node_modules", "typescript", "bin", "tsc");

describe("npm package", () => {
  let work: string;
  let pack: PackResult;
  let files: string[];

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-pack-"));
    // GIVEN the repo WHEN it is packed (prepack compiles modules/ and bundles the attacher Lambda)
    const out = run("npm", ["pack", "--json", "--pack-destination", work], REPO);
    pack = (JSON.parse(out) as PackResult[])[0];
    files = pack.files.map((f) => f.path).sort();
  }, 180_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("holds compiled JavaScript, declarations, the README, the LICENSE and the CHANGELOG, and nothing else", () => {
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "CHANGELOG.md", "package.json"]));
    const allowed = [
      /^package\.json$/,
      /^LICENSE$/,
      /^README\.md$/,
      /^CHANGELOG\.md$/,
      /^dist\/modules\/[a-z-]+\/[a-z-]+\.(js|d\.ts)$/,
      /^dist\/modules\/static-ip\/attacher\/index\.js$/,
    ];
    expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
    // No sources, tests, synth output, caches or state.
    expect(files.filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f))).toEqual([]);
    expect(
      files.filter((f) => /(^|\/)(test|tests|cdktf\.out|node_modules|\.terraform|src)\//.test(f)),
    ).toEqual([]);
    expect(files.filter((f) => /\.(test\.|tfstate|log$|map$)/.test(f))).toEqual([]);
  });

  it("holds every module, every exports target and every typesVersions target", () => {
    expect(Object.keys(repoPackage.exports).sort()).toEqual(
      [...PUBLISHED_MODULES.map((m) => `./${m}`), "./package.json"].sort(),
    );
    const targets = Object.values(repoPackage.exports).flatMap((t) =>
      typeof t === "string" ? [t] : [t.types, t.default],
    );
    const typesTargets = Object.values(repoPackage.typesVersions["*"]).flat();
    for (const target of [...targets, ...typesTargets]) expect(files).toContain(target.replace(/^\.\//, ""));
    for (const m of PUBLISHED_MODULES) {
      expect(files).toContain(`dist/modules/${m}/index.js`);
      expect(files).toContain(`dist/modules/${m}/index.d.ts`);
    }
    // The attacher Lambda, prebuilt at pack time for consumers (no TypeScript source, no esbuild).
    expect(files).toContain("dist/modules/static-ip/attacher/index.js");
  });

  it("is publishable, with cdktf, the AWS bindings and constructs as peers only", () => {
    expect(repoPackage.private).toBeUndefined();
    expect(repoPackage.dependencies ?? {}).toEqual({});
    expect(Object.keys(repoPackage.peerDependencies).sort()).toEqual([...PEERS].sort());
    // Each peer range admits the version the repo tests with.
    expect(repoPackage.peerDependencies).toEqual({
      cdktf: `^${pinnedVersion("cdktf")}`,
      "@cdktf/provider-aws": `^${pinnedVersion("@cdktf/provider-aws")}`,
      constructs: `^${pinnedVersion("constructs")}`,
    });
  });

  describe("installed into a consumer project", () => {
    let consumer: string;
    let installed: string;

    beforeAll(() => {
      // GIVEN a fresh cdktf project with the tarball and the peers at the repo's pinned versions
      consumer = path.join(work, "consumer");
      fs.mkdirSync(consumer);
      const tarball = path.join(work, pack.filename);
      fs.writeFileSync(
        path.join(consumer, "package.json"),
        JSON.stringify(
          {
            name: "consumer",
            version: "1.0.0",
            private: true,
            dependencies: {
              [PACKAGE_NAME]: `file:${tarball}`,
              ...Object.fromEntries(PEERS.map((p) => [p, pinnedVersion(p)])),
            },
            devDependencies: { "@types/node": pinnedVersion("@types/node") },
          },
          null,
          2,
        ),
      );
      run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock"], consumer);
      installed = path.join(consumer, "node_modules", ...PACKAGE_NAME.split("/"));

      // The tsconfig `cdktf init --template=typescript` writes (module CommonJS, so node10 resolution).
      fs.copyFileSync(
        path.join(REPO, "node_modules", "@cdktf", "cli-core", "templates", "typescript", "tsconfig.json"),
        path.join(consumer, "tsconfig.json"),
      );
      fs.writeFileSync(path.join(consumer, "main.ts"), CONSUMER_MAIN_TS);
      // WHEN it is compiled (emits main.js next to main.ts, as in a cdktf project)
      run(process.execPath, [TSC, "-p", "tsconfig.json"], consumer);
    }, 240_000);

    it("installs the tarball's package.json: the packed version, no private flag", () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as PackageJson;
      expect(pkg.name).toBe(PACKAGE_NAME);
      expect(pkg.version).toBe(repoPackage.version);
      expect(pkg.private).toBeUndefined();
      expect(fs.existsSync(path.join(installed, "modules"))).toBe(false);
      expect(fs.existsSync(path.join(installed, "test"))).toBe(false);
    });

    it("resolves each entry point into the installed package's compiled code, not the repo", () => {
      const script = `console.log(JSON.stringify(${JSON.stringify(CONSUMER_ENTRY_POINTS)}.map((m) => require.resolve("${PACKAGE_NAME}/" + m))))`;
      const resolved = JSON.parse(run(process.execPath, ["-e", script], consumer)) as string[];
      expect(resolved).toEqual(
        CONSUMER_ENTRY_POINTS.map((m) =>
          path.join(fs.realpathSync(installed), "dist", "modules", m, "index.js"),
        ),
      );
    });

    it("type-checks against the package's exports map too (moduleResolution node16)", () => {
      fs.writeFileSync(
        path.join(consumer, "tsconfig.node16.json"),
        JSON.stringify({
          extends: "./tsconfig.json",
          compilerOptions: { module: "node16", moduleResolution: "node16", noEmit: true, incremental: false },
        }),
      );
      expect(() => run(process.execPath, [TSC, "-p", "tsconfig.node16.json"], consumer)).not.toThrow();
    });

    it("rejects bad input with the module's message (construct, field, value, fix)", () => {
      const outdir = path.join(work, "bad.out");
      expect(() =>
        run(process.execPath, ["main.js", "bad-input"], consumer, { CDKTF_OUTDIR: outdir }),
      ).toThrow(
        /Network 'net': natGateways \("both"\) must be one of per-az, single, none; pick one of them/,
      );
    });

    it("synthesizes a stack from all four modules that terraform validates with the real provider", () => {
      const outdir = path.join(work, "cdktf.out");
      // WHEN the consumer's app runs with the consumer's own cdktf
      run(process.execPath, ["main.js"], consumer, { CDKTF_OUTDIR: outdir });
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
        stacks: Record<string, { workingDirectory: string }>;
      };
      const dir = path.join(outdir, manifest.stacks[CONSUMER_STACK].workingDirectory);
      const tf = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as {
        resource: Record<string, Record<string, unknown>>;
        output: Record<string, unknown>;
      };
      // THEN each module's resources are there
      for (const type of [
        "aws_vpc",
        "aws_nat_gateway",
        "aws_ecs_cluster",
        "aws_autoscaling_group",
        "aws_ecs_capacity_provider",
        "aws_lb",
        "aws_lb_listener_rule",
        "aws_ecr_repository",
        "aws_ecs_service",
        "aws_appautoscaling_policy",
        "aws_eip",
        "aws_network_interface",
        "aws_lambda_function",
        "aws_cloudwatch_event_rule",
      ]) {
        expect(Object.keys(tf.resource)).toContain(type);
      }
      // web, jobs, batch (on the imported cluster), and the static IP's edge proxy service per AZ
      // (two AZs); one cluster only: the imported one is not created.
      expect(Object.keys(tf.resource.aws_ecs_service)).toHaveLength(5);
      expect(Object.keys(tf.resource.aws_ecs_cluster)).toHaveLength(1);
      const services = Object.values(tf.resource.aws_ecs_service) as { name: string; cluster: string }[];
      expect(services.filter((svc) => svc.cluster === IMPORTED_CLUSTER_ARN).map((svc) => svc.name)).toEqual([
        "batch",
      ]);
      expect(Object.keys(tf.output).sort()).toEqual([
        "attacher",
        "cluster_name",
        "url",
        "web_repository_url",
      ]);
      // AND the Lambda's code is the tarball's prebuilt bundle, byte for byte (no esbuild ran)
      const assets = path.join(dir, "assets");
      const bundles = fs
        .readdirSync(assets, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".zip"));
      expect(bundles).toHaveLength(1);
      const zipped = run("unzip", ["-p", path.join(assets, bundles[0]), "index.js"], dir);
      expect(zipped).toBe(
        fs.readFileSync(path.join(installed, "dist", "modules", "static-ip", "attacher", "index.js"), "utf8"),
      );
      // AND terraform init (filesystem mirror) + validate accept it
      const tfRun = new TerraformRun(dir).init();
      expect(tfRun.validate()).toMatchObject({ valid: true, error_count: 0 });
    });
  });
});
