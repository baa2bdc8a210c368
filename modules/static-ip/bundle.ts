import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";

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

const bundles = new Map<string, string>();

/**
 * Bundles `entryPoint` with esbuild into a fresh temporary directory holding only `index.js`, and
 * returns that directory (for a `TerraformAsset` of type ARCHIVE). The AWS SDK v3 stays external:
 * the nodejs22.x runtime ships it. One bundle per entry point and process (synth runs often in tests).
 */
export function bundleAttacher(entryPoint: string = ATTACHER_ENTRY_POINT): string {
  const cached = bundles.get(entryPoint);
  if (cached !== undefined && fs.existsSync(path.join(cached, BUNDLE_FILE_NAME))) return cached;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "static-ip-attacher-"));
  buildSync({
    entryPoints: [entryPoint],
    outfile: path.join(outdir, BUNDLE_FILE_NAME),
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@aws-sdk/*"],
    minify: false,
    sourcemap: false,
    // No timestamps or absolute paths in the output, so the asset hash only changes with the code.
    legalComments: "none",
    logLevel: "error",
  });
  bundles.set(entryPoint, outdir);
  return outdir;
}
