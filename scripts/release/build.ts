/**
 * Builds the npm package's contents into `dist/modules/` (run by `npm run build` and `prepack`):
 *
 * 1. `tsc -p tsconfig.build.json`: `modules/**` to CommonJS `.js` plus `.d.ts` (TSDoc kept).
 * 2. The static-IP attacher Lambda, bundled with the same esbuild settings the module uses at synth
 *    time (`bundleAttacher`), to {@link PREBUILT_ATTACHER_DIR}: a consumer has neither the Lambda's
 *    TypeScript source nor esbuild.
 *
 * Only `dist/modules/` is cleaned and written; other build output under `dist/` is left alone.
 *
 * Usage: `tsx scripts/release/build.ts`
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { BUNDLE_FILE_NAME, bundleAttacher } from "../../modules/static-ip/bundle";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Where the compiled modules go (the package's `files`). */
export const DIST_MODULES_DIR = path.join(REPO_ROOT, "dist", "modules");

/**
 * Where the prebuilt attacher bundle goes: `attacher/` next to the compiled `bundle.js` of the
 * static-ip module, holding only `index.js` (the Lambda handler is `index.handler`).
 */
export const PREBUILT_ATTACHER_DIR = path.join(DIST_MODULES_DIR, "static-ip", "attacher");

function log(message: string): void {
  process.stderr.write(`[build] ${message}\n`);
}

/** Compiles the modules and bundles the attacher; returns the number of files written. */
export function build(): number {
  const started = Date.now();
  fs.rmSync(DIST_MODULES_DIR, { recursive: true, force: true });

  const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO_ROOT] });
  execFileSync(process.execPath, [tsc, "-p", path.join(REPO_ROOT, "tsconfig.build.json")], {
    cwd: REPO_ROOT,
    stdio: "inherit",
  });
  log(`tsc: modules compiled to ${path.relative(REPO_ROOT, DIST_MODULES_DIR)}/`);

  const bundled = bundleAttacher();
  fs.mkdirSync(PREBUILT_ATTACHER_DIR, { recursive: true });
  fs.copyFileSync(path.join(bundled, BUNDLE_FILE_NAME), path.join(PREBUILT_ATTACHER_DIR, BUNDLE_FILE_NAME));
  log(`esbuild: attacher Lambda bundled to ${path.relative(REPO_ROOT, PREBUILT_ATTACHER_DIR)}/`);

  const files = listFiles(DIST_MODULES_DIR);
  log(`${files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return files.length;
}

/** Every file under `dir`, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(dir, full).split(path.sep).join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

if (require.main === module) {
  build();
}
