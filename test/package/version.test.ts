import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  changelogProblems,
  isSemver,
  releaseProblems,
  versionProblems,
} from "../../scripts/release/check-version";

const REPO = path.resolve(__dirname, "..", "..");
const TSX = path.join(REPO, "node_modules", "tsx", "dist", "cli.mjs");
const SCRIPT = path.join(REPO, "scripts", "release", "check-version.ts");

/** Runs the script as npm does; returns its exit code and output. */
function runScript(args: string[]): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [TSX, SCRIPT, ...args], {
      cwd: REPO,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { status: 0, stdout, stderr: "" };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("release version check", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-version-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function writePackage(version: unknown, extra: Record<string, unknown> = {}): string {
    const file = path.join(dir, `package-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify({ name: "@ecs-cdktf/modules", version, ...extra }));
    return file;
  }

  function writeChangelog(text: string): string {
    const file = path.join(dir, `CHANGELOG-${Math.random().toString(36).slice(2)}.md`);
    fs.writeFileSync(file, text);
    return file;
  }

  it.each(["0.1.0", "1.2.3", "10.20.30", "1.0.0-rc.1", "1.0.0-alpha.beta+exp.sha.5114f85", "2.0.0+build.7"])(
    "accepts the semver version %s",
    (v) => {
      expect(isSemver(v)).toBe(true);
      expect(versionProblems(v)).toEqual([]);
    },
  );

  it.each(["1.0", "1", "v1.2.3", "01.2.3", "1.2.3-", "1.2.3-01", "1.2.3.4", "latest", " 1.2.3"])(
    "refuses %j, naming the value and the fix",
    (v) => {
      expect(isSemver(v)).toBe(false);
      const [problem] = versionProblems(v);
      expect(problem).toContain(`version (${JSON.stringify(v)}) is not semver`);
      expect(problem).toContain("npm version <major|minor|patch>");
    },
  );

  it("suggests dropping a leading v", () => {
    expect(versionProblems("v1.2.3")[0]).toContain('drop the leading "v": 1.2.3');
  });

  it("refuses a missing version", () => {
    expect(versionProblems(undefined)).toEqual([
      "package.json: version is missing; set one with `npm version <major|minor|patch>`",
    ]);
  });

  it("wants a dated CHANGELOG section for a release", () => {
    const text = "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2026-11-30\n\n### Added\n\n## [1.0.0]\n";
    expect(changelogProblems("1.1.0", text)).toEqual([]);
    expect(changelogProblems("1.2.0", text)[0]).toMatch(
      /no section for 1\.2\.0; move the \[Unreleased\] entries/,
    );
    expect(changelogProblems("1.0.0", text)[0]).toMatch(
      /section of 1\.0\.0 \(## \[1\.0\.0\]\) has no release date/,
    );
    // A prerelease's dots and plus are matched literally.
    expect(changelogProblems("1.1.0-rc.1", "## [1.1.0-rc.1] - 2026-11-29\n")).toEqual([]);
    expect(changelogProblems("1.1.0-rc.1", "## [1.1.0-rcX1] - 2026-11-29\n")).toHaveLength(1);
  });

  it("refuses a private package", () => {
    const { problems } = releaseProblems(writePackage("1.0.0", { private: true }), undefined);
    expect(problems[0]).toMatch(/"private": true forbids publishing; remove it/);
  });

  it("the repository's own version is semver", () => {
    expect(releaseProblems(path.join(REPO, "package.json"), undefined).problems).toEqual([]);
  });

  it("the script exits 1 with the message on a non-semver version, 0 on a good one", () => {
    const bad = runScript(["--package", writePackage("1.0")]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error: package-\w+\.json: version \("1\.0"\) is not semver/);

    const good = runScript(["--package", writePackage("1.0.0")]);
    expect(good).toMatchObject({ status: 0, stdout: "ok: version 1.0.0 is semver\n" });
  });

  it("the script with --release also needs the version's dated CHANGELOG section", () => {
    const pkg = writePackage("1.1.0");
    const unreleased = runScript([
      "--release",
      "--package",
      pkg,
      "--changelog",
      writeChangelog("## [Unreleased]\n"),
    ]);
    expect(unreleased.status).toBe(1);
    expect(unreleased.stderr).toMatch(/no section for 1\.1\.0/);

    const released = runScript([
      "--release",
      "--package",
      pkg,
      "--changelog",
      writeChangelog("## [1.1.0] - 2026-12-01\n"),
    ]);
    expect(released).toMatchObject({
      status: 0,
      stdout: "ok: version 1.1.0 is semver and released in the CHANGELOG\n",
    });
  });
});
