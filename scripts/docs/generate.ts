/**
 * Rewrites the props tables of the module READMEs from the props interfaces' TSDoc and types, or,
 * with `--check`, fails when a README is stale.
 *
 * Usage: `tsx scripts/docs/generate.ts [--check] [<module>...]` (`npm run docs`, `npm run docs:check`).
 * A README takes a table wherever it has a marker pair (see scripts/docs/readme.ts); a README with
 * none is reported and left alone. A README with tables must also have one for each props interface
 * of the module's constructs (scripts/docs/modules.ts), for each base of a table marked `own`, and
 * for each interface the module exports that a documented prop's type names (`volumes:
 * ContainerVolume[]`): `--check` fails on a missing one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { entryPoint, MODULES, ModuleInfo, readmePath } from "./modules";
import { PropsReader } from "./props";
import { findPropsBlocks, PropsBlock, replacePropsBlocks } from "./readme";
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
  /** Interfaces that need a table the README lacks, each with why (see {@link missingTables}). */
  readonly missing: readonly MissingTable[];
}

/** An interface a README should document and does not. */
export interface MissingTable {
  readonly interfaceName: string;
  /** Why it needs a table, e.g. "the type of `ContainerServiceProps.volumes`". */
  readonly reason: string;
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
      missing: blocks.length > 0 ? missingTables(reader, entryPoint(root, m), m, blocks) : [],
    };
  });
}

/**
 * The interfaces a README with `blocks` leaves undocumented: the module's construct props
 * interfaces, the bases of a block marked `own` (their props are not in it), and the interfaces the
 * module exports that a documented prop's type names (the shape of `volumes: ContainerVolume[]`;
 * a construct's interface, e.g. `loadBalancer: ILoadBalancer`, is no shape and needs none).
 */
export function missingTables(
  reader: PropsReader,
  entry: string,
  module: ModuleInfo,
  blocks: readonly PropsBlock[],
): MissingTable[] {
  const documented = new Set(blocks.map((b) => b.interfaceName));
  const exported = new Set(reader.exportedInterfaces(entry));
  const missing: MissingTable[] = [];
  const need = (interfaceName: string, reason: string) => {
    if (documented.has(interfaceName) || missing.some((m) => m.interfaceName === interfaceName)) return;
    missing.push({ interfaceName, reason });
  };
  for (const name of [module.propsInterface, ...(module.otherPropsInterfaces ?? [])]) {
    need(name, `the props of one of the module's constructs (scripts/docs/modules.ts)`);
  }
  for (const b of blocks) {
    const doc = reader.read(entry, b.interfaceName, b.own);
    if (b.own) {
      for (const base of doc.extends)
        need(base, `${b.interfaceName}'s table is \`own\` and it extends ${base}`);
    }
    for (const p of doc.props) {
      // A construct (an INetwork, say) is documented by its module's README, not as a props table.
      if (p.kind === "construct") continue;
      for (const name of p.typeText.match(/\b[A-Z]\w*/g) ?? []) {
        if (exported.has(name)) need(name, `the type of \`${b.interfaceName}.${p.name}\``);
      }
    }
  }
  return missing;
}

/** The message for a stale README. */
export function staleMessage(r: ReadmeResult): string {
  return (
    `${r.file}: the generated props table (${r.interfaces.join(", ")}) is stale: the TSDoc or types ` +
    `changed since it was generated. Run \`npm run docs\` and commit the README.`
  );
}

/** The message for each table a README lacks. */
export function missingMessages(r: ReadmeResult): string[] {
  return r.missing.map(
    (m) =>
      `${r.file}: no generated props table for ${m.interfaceName} (${m.reason}). Put ` +
      `"<!-- props:start ${m.interfaceName} -->" and "<!-- props:end -->" where it belongs, then run ` +
      "`npm run docs`.",
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
      continue;
    }
    const missing = missingMessages(r);
    for (const message of missing) process.stderr.write(`error: ${message}\n`);
    failed += missing.length;
    if (check) {
      if (r.stale) {
        failed++;
        process.stderr.write(`error: ${staleMessage(r)}\n`);
      } else if (missing.length === 0) process.stdout.write(`ok: ${r.file} (${r.interfaces.join(", ")})\n`);
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
