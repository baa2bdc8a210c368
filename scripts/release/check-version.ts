/**
 * Refuses a package version that is not semver, and (with `--release`) one the CHANGELOG has not
 * released yet. `npm publish` runs it first (`prepublishOnly`); `npm run release:check` runs it alone.
 *
 * Usage: `tsx scripts/release/check-version.ts [--release] [--package <package.json>] [--changelog <CHANGELOG.md>]`
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The regular expression semver.org recommends for a SemVer 2.0.0 version (no leading `v`). */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Whether `version` is a SemVer 2.0.0 version. */
export function isSemver(version: string): boolean {
  return SEMVER_PATTERN.test(version);
}

/** Problems with `version` as the package's version (empty when it is fine). */
export function versionProblems(version: unknown, file = "package.json"): string[] {
  if (typeof version !== "string" || version === "") {
    return [`${file}: version is missing; set one with \`npm version <major|minor|patch>\``];
  }
  if (isSemver(version)) return [];
  const hint =
    version.startsWith("v") && isSemver(version.slice(1))
      ? ` (drop the leading "v": ${version.slice(1)})`
      : "";
  return [
    `${file}: version (${JSON.stringify(version)}) is not semver; it must be MAJOR.MINOR.PATCH with an optional ` +
      `-prerelease and +build, e.g. 1.2.3 or 1.3.0-rc.1${hint}; fix it with \`npm version <major|minor|patch>\``,
  ];
}

/**
 * Problems with releasing `version` per the CHANGELOG (Keep a Changelog): it needs a dated
 * `## [<version>] - YYYY-MM-DD` section.
 */
export function changelogProblems(version: string, changelog: string, file = "CHANGELOG.md"): string[] {
  const escaped = version.replace(/[.+]/g, (c) => `\\${c}`);
  const heading = new RegExp(`^## \\[${escaped}\\](.*)$`, "m").exec(changelog);
  if (!heading) {
    return [
      `${file}: no section for ${version}; move the [Unreleased] entries under "## [${version}] - <YYYY-MM-DD>" ` +
        `before publishing`,
    ];
  }
  if (!/^ - \d{4}-\d{2}-\d{2}\s*$/.test(heading[1])) {
    return [
      `${file}: the section of ${version} (${heading[0].trim()}) has no release date; write "## [${version}] - <YYYY-MM-DD>"`,
    ];
  }
  return [];
}

/** Everything that stops a publish of the package at `root` (empty when it may go). */
export function releaseProblems(
  packageJsonPath: string,
  changelogPath: string | undefined,
): { version: unknown; problems: string[] } {
  const pkg = JSON.parse(fs.readFileSync(packageJsonPath, "utf8")) as {
    version?: unknown;
    private?: unknown;
  };
  const problems = versionProblems(pkg.version, path.basename(packageJsonPath));
  if (pkg.private === true)
    problems.push(`${path.basename(packageJsonPath)}: "private": true forbids publishing; remove it`);
  if (changelogPath !== undefined && problems.length === 0) {
    const text = fs.existsSync(changelogPath) ? fs.readFileSync(changelogPath, "utf8") : "";
    problems.push(...changelogProblems(pkg.version as string, text, path.basename(changelogPath)));
  }
  return { version: pkg.version, problems };
}

function main(argv: readonly string[]): number {
  const root = path.resolve(__dirname, "..", "..");
  const option = (name: string, fallback: string): string => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]) : fallback;
  };
  const release = argv.includes("--release");
  const { version, problems } = releaseProblems(
    option("--package", path.join(root, "package.json")),
    release ? option("--changelog", path.join(root, "CHANGELOG.md")) : undefined,
  );
  for (const p of problems) process.stderr.write(`error: ${p}\n`);
  if (problems.length > 0) return 1;
  process.stdout.write(
    `ok: version ${String(version)}${release ? " is semver and released in the CHANGELOG" : " is semver"}\n`,
  );
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
