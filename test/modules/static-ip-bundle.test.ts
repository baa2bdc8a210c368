/**
 * The attacher Lambda's synth-time bundle (modules/static-ip/bundle.ts): one directory per distinct
 * bundle, named by its content hash, reused by every synth; a stable asset hash; nothing left behind.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import {
  ATTACHER_ENTRY_POINT,
  BUNDLE_FILE_NAME,
  bundleAttacher,
  bundleCacheDir,
} from "../../modules/static-ip/bundle";
import { build, resource, SynthJson } from "./static-ip-support";

type BundleModule = typeof import("../../modules/static-ip/bundle");

/** bundle.ts loaded again (call inside jest.isolateModules: a registry with nothing cached). */
function freshBundleModule(): BundleModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../../modules/static-ip/bundle") as BundleModule;
}

describe("bundleAttacher", () => {
  let scratch: string;
  const saved = process.env.ECS_CDKTF_BUNDLE_DIR;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "static-ip-bundle-test-"));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.ECS_CDKTF_BUNDLE_DIR;
    else process.env.ECS_CDKTF_BUNDLE_DIR = saved;
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("bundles handler.ts into a directory holding only index.js, the AWS SDK left external", () => {
    const dir = bundleAttacher();
    expect(fs.readdirSync(dir)).toEqual([BUNDLE_FILE_NAME]);
    const code = fs.readFileSync(path.join(dir, BUNDLE_FILE_NAME), "utf8");
    expect(code).toMatch(/require\("@aws-sdk\/client-ec2"\)/);
    expect(code).toMatch(/require\("@aws-sdk\/client-auto-scaling"\)/);
    expect(code).toContain("ENI_BY_AZ");
    expect(code).toContain("EDGE_GROUP_NAMES");
  });

  it("puts it in the cache directory, named by the bundle's content hash (no fresh temp directory)", () => {
    const dir = bundleAttacher();
    expect(path.dirname(dir)).toBe(bundleCacheDir());
    expect(bundleCacheDir()).toBe(
      process.env.ECS_CDKTF_BUNDLE_DIR ?? path.join(os.tmpdir(), "ecs-cdktf-bundles"),
    );
    expect(path.basename(dir)).toMatch(/^static-ip-attacher-handler-[0-9a-f]{16}$/);
    expect(bundleAttacher()).toBe(dir);
  });

  it("gives a fresh process (module registry) the same directory, and writes nothing new", () => {
    const dir = bundleAttacher();
    const before = fs.readdirSync(bundleCacheDir()).sort();
    let again = "";
    jest.isolateModules(() => {
      again = freshBundleModule().bundleAttacher();
    });
    expect(again).toBe(dir);
    expect(fs.readdirSync(bundleCacheDir()).sort()).toEqual(before);
  });

  it("does not depend on the directory synth runs from", () => {
    const dir = bundleAttacher();
    const cwd = process.cwd();
    let elsewhere = "";
    try {
      process.chdir(scratch);
      jest.isolateModules(() => {
        elsewhere = freshBundleModule().bundleAttacher();
      });
    } finally {
      process.chdir(cwd);
    }
    expect(elsewhere).toBe(dir);
  });

  it("keys the directory by content: same code, same directory; changed code, another; no partial files left", () => {
    process.env.ECS_CDKTF_BUNDLE_DIR = path.join(scratch, "cache");
    const entry = path.join(scratch, "src", "probe", "handler.ts");
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    fs.writeFileSync(entry, 'export const handler = async (): Promise<string> => "one";\n');
    const first = bundleAttacher(entry);
    expect(path.basename(first)).toMatch(/^probe-handler-[0-9a-f]{16}$/);
    expect(fs.readFileSync(path.join(first, BUNDLE_FILE_NAME), "utf8")).toContain('"one"');

    // A second entry path with the same code bundles to the same directory.
    const twin = path.join(scratch, "other", "probe", "handler.ts");
    fs.mkdirSync(path.dirname(twin), { recursive: true });
    fs.copyFileSync(entry, twin);
    expect(bundleAttacher(twin)).toBe(first);

    const changed = path.join(scratch, "third", "probe", "handler.ts");
    fs.mkdirSync(path.dirname(changed), { recursive: true });
    fs.writeFileSync(changed, 'export const handler = async (): Promise<string> => "two";\n');
    const second = bundleAttacher(changed);
    expect(second).not.toBe(first);
    expect(fs.readdirSync(process.env.ECS_CDKTF_BUNDLE_DIR).sort()).toEqual(
      [path.basename(first), path.basename(second)].sort(),
    );
    expect(fs.readdirSync(second)).toEqual([BUNDLE_FILE_NAME]);
  });

  it("uses a prebuilt bundle as it is when the TypeScript source is absent (an installed package)", () => {
    const prebuilt = path.join(scratch, "attacher");
    fs.mkdirSync(prebuilt);
    fs.writeFileSync(path.join(prebuilt, BUNDLE_FILE_NAME), "exports.handler = async () => ({});\n");
    expect(bundleAttacher(path.join(scratch, "missing", "handler.ts"), prebuilt)).toBe(prebuilt);
    // With the source present, the source wins.
    expect(bundleAttacher(ATTACHER_ENTRY_POINT, prebuilt)).not.toBe(prebuilt);
  });

  it("fails clearly when neither the source nor a prebuilt bundle exists", () => {
    expect(() =>
      bundleAttacher(path.join(scratch, "missing", "handler.ts"), path.join(scratch, "none")),
    ).toThrow(/Could not resolve/);
  });
});

describe("StaticIp Lambda asset", () => {
  function lambdaOf(outdir: string): {
    fn: { filename: string; source_code_hash: string };
    stackDir: string;
  } {
    const stackDir = path.join(outdir, "stacks", "stack");
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as SynthJson;
    return {
      fn: resource(json, LambdaFunction, "sip_attacher_") as unknown as {
        filename: string;
        source_code_hash: string;
      },
      stackDir,
    };
  }

  it("ships an archive containing only index.js in the synthesized stack", () => {
    const { fn, stackDir } = lambdaOf(Testing.fullSynth(build().stack));
    const zip = path.join(stackDir, fn.filename);
    expect(fs.existsSync(zip)).toBe(true);
    const listing = execFileSync(
      "python3",
      ["-c", "import sys,zipfile;print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", zip],
      { encoding: "utf8" },
    );
    expect(listing.trim().split("\n")).toEqual(["index.js"]);
  });

  it("keeps the asset hash (source_code_hash and file name) across synths when the code did not change", () => {
    const first = lambdaOf(Testing.fullSynth(build().stack)).fn;
    let second = { filename: "", source_code_hash: "" };
    jest.isolateModules(() => {
      // A fresh module registry: nothing cached in memory, as in a new `cdktf synth`.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const support = require("./static-ip-support") as typeof import("./static-ip-support");
      second = lambdaOf(Testing.fullSynth(support.build().stack)).fn;
    });
    expect(second.source_code_hash).toBe(first.source_code_hash);
    expect(second.filename).toBe(first.filename);
    expect(first.source_code_hash).toMatch(/^[0-9A-F]{32}$/);
  });
});
