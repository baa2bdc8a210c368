/**
 * Rewrites the props tables of the module READMEs from the props interfaces' TSDoc and types, or,
 * with `--check`, fails when a README is stale.
 *
 * Usage: `tsx scripts/docs/generate.ts [--check] [<module>...]` (`npm run docs`, `npm run docs:check`).
 * A README takes a table wherever it has a marker pair (see scripts/docs/readme.ts); a README with
 * none is reported and left alone.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { entryPoint, MODULES, ModuleInfo, readmePath } from "./modules";
import { PropsReader } from "./props";
import { findPropsBlocks, replacePropsBlocks } from "./readme";
import { renderPropsTable } from "./render";

/** The repository root. */
const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** What the generator found for one README. */
export interface ReadmeResult {
  /** README path relative to the root. */
  readonly file: string;
  /** Interfaces of its blocks, in order. */
  readonly interfaces: readonly string[];
  /** The README as it should be. */
  readonly expected: string;
  /** Whether the file on disk differs from `expected`. */
  readonly stale: boolean;
}

/** Renders every README of `modules` (no writing). */
export function renderReadmes(
  root: string = REPO_ROOT,
  modules: readonly ModuleInfo[] = MODULES,
): ReadmeResult[] {
  const reader = new PropsReader(
    modules.map((m) => entryPoint(root, m)),
    root,
  );
  return modules.map((m) => {
    const file = readmePath(root, m);
    const rel = path.relative(root, file);
    const current = fs.readFileSync(file, "utf8");
    const blocks = findPropsBlocks(current, rel);
    const expected = replacePropsBlocks(current, blocks, (b) =>
      renderPropsTable(reader.read(entryPoint(root, m), b.interfaceName, b.own)),
    );
    return {
      file: rel,
      interfaces: blocks.map((b) => b.interfaceName),
      expected,
      stale: expected !== current,
    };
  });
}

/** The message for a stale README. */
export function staleMessage(r: ReadmeResult): string {
  return (
    `${r.file}: the generated props table (${r.interfaces.join(", ")}) is stale: the TSDoc or types ` +
    `changed since it was generated. Run \`npm run docs\` and commit the README.`
  );
}

/** The message for a README without markers. */
export function noMarkersMessage(r: ReadmeResult, module: ModuleInfo): string {
  return (
    `${r.file}: no generated props table. Put "<!-- props:start ${module.propsInterface} -->" and ` +
    `"<!-- props:end -->" where it belongs, then run \`npm run docs\`.`
  );
}

function main(argv: readonly string[]): number {
  const check = argv.includes("--check");
  const names = argv.filter((a) => !a.startsWith("--"));
  const unknown = names.filter((n) => !MODULES.some((m) => m.name === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown module(s) ${unknown.join(", ")}; known: ${MODULES.map((m) => m.name).join(", ")}\n`,
    );
    return 2;
  }
  const modules = names.length > 0 ? MODULES.filter((m) => names.includes(m.name)) : MODULES;
  const results = renderReadmes(REPO_ROOT, modules);
  let failed = 0;
  for (const [i, r] of results.entries()) {
    if (r.interfaces.length === 0) {
      process.stderr.write(`note: ${noMarkersMessage(r, modules[i])}\n`);
    } else if (check) {
      if (r.stale) {
        failed++;
        process.stderr.write(`error: ${staleMessage(r)}\n`);
      } else process.stdout.write(`ok: ${r.file} (${r.interfaces.join(", ")})\n`);
    } else if (r.stale) {
      fs.writeFileSync(path.join(REPO_ROOT, r.file), r.expected);
      process.stdout.write(`updated: ${r.file} (${r.interfaces.join(", ")})\n`);
    } else process.stdout.write(`unchanged: ${r.file}\n`);
  }
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
