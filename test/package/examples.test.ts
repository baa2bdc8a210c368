/**
 * examples/: each example is type-checked, synthesized by running it as its README says (tsx with
 * the example's tsconfig), and validated by Terraform with the real provider. The examples import
 * the modules by the package's entry points (`@ecs-cdktf/modules/<module>`), which their tsconfig
 * maps to the modules' sources; the pack test covers the same imports from the installed package.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformRun } from "../support/terraform";

const REPO = path.resolve(__dirname, "..", "..");
const TSC = path.join(REPO, "node_modules", "typescript", "bin", "tsc");
const TSX = path.join(REPO, "node_modules", "tsx", "dist", "cli.mjs");

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 180_000,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `node ${args.join(" ")} failed in ${cwd}:\n${err.stderr ?? ""}\n${err.stdout ?? err.message}`,
    );
  }
}

interface Tsconfig {
  compilerOptions: { paths: Record<string, string[]> };
}

describe("examples/minimal", () => {
  const example = path.join(REPO, "examples", "minimal");
  let outdir: string;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-example-"));
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it("maps exactly the package's entry points, each to the source its exports target is compiled from", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
      name: string;
      exports: Record<string, string | { default: string }>;
    };
    const tsconfig = JSON.parse(fs.readFileSync(path.join(example, "tsconfig.json"), "utf8")) as Tsconfig;
    const expected = Object.entries(pkg.exports)
      .filter(([subpath]) => subpath !== "./package.json")
      .map(([subpath, target]) => {
        const compiled = typeof target === "string" ? target : target.default;
        const source = compiled.replace(/^\.\/dist\//, "../../").replace(/\.js$/, ".ts");
        return [`${pkg.name}/${subpath.slice(2)}`, [source]];
      });
    expect(tsconfig.compilerOptions.paths).toEqual(Object.fromEntries(expected));
    for (const [, [source]] of expected)
      expect(fs.existsSync(path.join(example, source as string))).toBe(true);
  });

  it("type-checks", () => {
    expect(() => run([TSC, "-p", "tsconfig.json"], example)).not.toThrow();
  });

  it("synthesizes a network and a cluster that terraform validates with the real provider", () => {
    // WHEN the app runs the way its cdktf.json runs it
    const cdktfJson = JSON.parse(fs.readFileSync(path.join(example, "cdktf.json"), "utf8")) as {
      app: string;
    };
    expect(cdktfJson.app).toBe("npx tsx --tsconfig tsconfig.json main.ts");
    run([TSX, "--tsconfig", "tsconfig.json", "main.ts"], example, { CDKTF_OUTDIR: outdir });

    // THEN the stack holds both modules, the provider and the outputs
    const dir = path.join(outdir, "stacks", "minimal");
    const tf = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as {
      provider: { aws: Array<{ region: string }> };
      resource: Record<string, Record<string, unknown>>;
      output: Record<string, unknown>;
    };
    expect(tf.provider.aws).toEqual([{ region: "eu-west-2" }]);
    expect(Object.keys(tf.resource.aws_nat_gateway)).toHaveLength(1);
    expect(Object.values(tf.resource.aws_ecs_cluster)).toEqual([
      expect.objectContaining({ name: "minimal" }),
    ]);
    expect(Object.keys(tf.output).sort()).toEqual(["capacity_provider_name", "cluster_name", "vpc_id"]);
    // AND terraform accepts it
    expect(new TerraformRun(dir).init().validate()).toMatchObject({ valid: true, error_count: 0 });
  });
});
