import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BuildOptions } from "esbuild";

/** Entry point of the attacher Lambda. */
export const ATTACHER_ENTRY_POINT = path.join(
  __dirname,
  "..",
  "..",
  "src",
  "static-ip-attacher",
  "handler.ts",
);

/** File name of the bundle in the asset (the Lambda handler is `index.handler`). */
export const BUNDLE_FILE_NAME = "index.js";

/**
 * A bundle shipped next to the compiled module (`attacher/index.js`, written by the release build):
 * a package consumer has neither the Lambda's TypeScript source nor esbuild.
 */
export const PREBUILT_ATTACHER_DIR = path.join(__dirname, "attacher");

/**
 * Where bundles are cached: `$ECS_CDKTF_BUNDLE_DIR`, else `<os tmpdir>/ecs-cdktf-bundles`. One
 * directory per distinct bundle (`<entry name>-<sha256 of index.js>`), reused by every synth.
 */
export function bundleCacheDir(): string {
  return process.env.ECS_CDKTF_BUNDLE_DIR ?? path.join(os.tmpdir(), "ecs-cdktf-bundles");
}

/** esbuild settings of the attacher: node22, CommonJS, the AWS SDK v3 external (the nodejs22.x runtime ships it). */
const ATTACHER_BUILD_OPTIONS: Readonly<BuildOptions> = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  external: ["@aws-sdk/*"],
  minify: false,
  sourcemap: false,
  // No timestamps or absolute paths in the output, so the bundle only changes with the code.
  legalComments: "none",
  logLevel: "error",
};

const bundles = new Map<string, string>();

/**
 * Returns a directory holding only `index.js`, the attacher Lambda bundled from `entryPoint`, for a
 * `TerraformAsset` of type ARCHIVE. The directory is named by the bundle's content hash under
 * {@link bundleCacheDir}: the same code always gives the same directory (and the same asset hash),
 * and repeated synths leave nothing new behind. Without the TypeScript source (an installed
 * package), the prebuilt bundle in `prebuiltDir` (next to this module) is used as it is.
 */
export function bundleAttacher(
  entryPoint: string = ATTACHER_ENTRY_POINT,
  prebuiltDir: string = PREBUILT_ATTACHER_DIR,
): string {
  const cached = bundles.get(entryPoint);
  if (cached !== undefined && fs.existsSync(path.join(cached, BUNDLE_FILE_NAME))) return cached;
  if (!fs.existsSync(entryPoint) && fs.existsSync(path.join(prebuiltDir, BUNDLE_FILE_NAME))) {
    return prebuiltDir;
  }
  // Loaded here, not at the top: a package consumer (prebuilt bundle) does not have esbuild.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  const result = buildSync({
    ...ATTACHER_BUILD_OPTIONS,
    entryPoints: [entryPoint],
    write: false,
    outfile: BUNDLE_FILE_NAME,
    // esbuild names each source file in a comment, relative to this directory: relative to the
    // entry point's own directory, the bundle does not change with the directory synth runs from.
    absWorkingDir: path.dirname(path.resolve(entryPoint)),
  });
  const code = result.outputFiles[0]?.contents;
  if (code === undefined) throw new Error(`esbuild produced no output for ${entryPoint}`);
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  const name = path.basename(entryPoint, path.extname(entryPoint)).replace(/[^A-Za-z0-9_-]/g, "-");
  const dir = path.join(bundleCacheDir(), `${path.basename(path.dirname(entryPoint))}-${name}-${hash}`);
  const file = path.join(dir, BUNDLE_FILE_NAME);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    // Written beside the directory, then renamed into it: a concurrent synth (another jest worker)
    // never sees half a file, nor a stray one in the asset directory.
    const partial = path.join(bundleCacheDir(), `.${path.basename(dir)}.${process.pid}.tmp`);
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, file);
  }
  bundles.set(entryPoint, dir);
  return dir;
}
