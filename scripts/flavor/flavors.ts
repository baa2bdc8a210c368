/**
 * The library's two flavors, from one source tree. The sources import cdktf 0.21 and
 * @cdktf/provider-aws (the default flavor, `cdktf`); the `cdktn` flavor (CDK Terrain, the
 * maintained fork) is the same sources with those module specifiers rewritten to cdktn and
 * @cdktn/provider-aws, compiled and run against flavors/cdktn/node_modules on Node 22. cdktn keeps
 * cdktf's construct ids, logical ids and JSON, so both flavors synthesize the same resources at the
 * same addresses (test/flavors/cdktn.test.ts).
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** One flavor: the packages its sources import instead of cdktf's. */
export interface Flavor {
  readonly name: "cdktf" | "cdktn";
  /** Module specifier prefix in the sources → the flavor's; empty for the sources' own flavor. */
  readonly rewrites: ReadonlyArray<readonly [from: string, to: string]>;
  /** Where its packages are installed (its node_modules' parent), relative to the repository. */
  readonly packageDir: string;
  /**
   * How its CDK spells hashicorp/aws's source in `required_providers` (both mean
   * registry.terraform.io/hashicorp/aws: state and plans do not tell them apart).
   */
  readonly awsProviderSource: string;
}

export const FLAVORS = {
  cdktf: { name: "cdktf", rewrites: [], packageDir: ".", awsProviderSource: "aws" },
  cdktn: {
    name: "cdktn",
    rewrites: [
      ["cdktf", "cdktn"],
      ["@cdktf/provider-aws", "@cdktn/provider-aws"],
      // A cdktn app imports the library's cdktn package (scripts/flavor/package.ts).
      ["@ecs-cdktf/modules", "@ecs-cdktf/modules-cdktn"],
    ],
    packageDir: "flavors/cdktn",
    awsProviderSource: "hashicorp/aws",
  },
} as const satisfies Record<string, Flavor>;

/** The directories of the sources a flavor is made of (the app's too, for the address test). */
export const FLAVOR_SOURCES: readonly string[] = ["modules", "stacks", "src/static-ip-attacher", "main.ts"];

/** A module specifier in an import, export or require: `from "x"`, `require("x")`, `import("x")`. */
const SPECIFIER = /(\bfrom\s*|\brequire\(\s*|\bimport\(\s*)(["'])([^"']+)\2/g;

/** `specifier` as `flavor` imports it (`cdktf` → `cdktn`, `@cdktf/provider-aws/lib/vpc` → …). */
export function flavorSpecifier(flavor: Flavor, specifier: string): string {
  for (const [from, to] of flavor.rewrites) {
    if (specifier === from || specifier.startsWith(`${from}/`)) return to + specifier.slice(from.length);
  }
  return specifier;
}

/** A TypeScript source with its module specifiers rewritten for `flavor`; nothing else changes. */
export function rewriteSource(flavor: Flavor, source: string): string {
  return source.replace(
    SPECIFIER,
    (_all, lead: string, quote: string, spec: string) =>
      `${lead}${quote}${flavorSpecifier(flavor, spec)}${quote}`,
  );
}

/** The module specifiers of `source` that name a package the flavor replaces (none once rewritten). */
export function replacedSpecifiers(flavor: Flavor, source: string): string[] {
  return [...source.matchAll(SPECIFIER)]
    .map((m) => m[3]!)
    .filter((spec) => flavorSpecifier(flavor, spec) !== spec);
}

/**
 * Writes the flavor's tree of {@link FLAVOR_SOURCES} (from `repo`) into `outdir`, every `.ts` file
 * rewritten. `outdir` must lie under the flavor's package directory, so that Node and TypeScript
 * resolve the flavor's packages from its node_modules (and the rest, such as zod and esbuild, from
 * the repository's). Returns the files written, relative to `outdir`.
 */
export function writeFlavorTree(flavor: Flavor, repo: string, outdir: string): string[] {
  const packageDir = path.resolve(repo, flavor.packageDir);
  if (!path.resolve(outdir).startsWith(packageDir + path.sep)) {
    throw new Error(`${outdir} is not under ${packageDir}: the flavor's packages would not resolve there`);
  }
  const written: string[] = [];
  const copy = (relative: string): void => {
    const from = path.join(repo, relative);
    if (fs.statSync(from).isDirectory()) {
      for (const entry of fs.readdirSync(from)) copy(path.join(relative, entry));
      return;
    }
    const to = path.join(outdir, relative);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (relative.endsWith(".ts")) fs.writeFileSync(to, rewriteSource(flavor, fs.readFileSync(from, "utf8")));
    else fs.copyFileSync(from, to);
    written.push(relative);
  };
  for (const source of FLAVOR_SOURCES) copy(source);
  return written.sort();
}
