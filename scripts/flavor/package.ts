/**
 * The library's package for a flavor other than the sources' own: `@ecs-cdktf/modules-cdktn`, the
 * same modules compiled from the cdktn tree (scripts/flavor/flavors.ts) into
 * `dist/flavors/<flavor>/`, a package directory with the same layout, entry points and files as
 * `@ecs-cdktf/modules` (so `npm pack dist/flavors/cdktn` makes its tarball). Its peer dependencies
 * are the flavor's, derived from flavors/<flavor>/package.json and what its packages require.
 *
 * Usage: `tsx scripts/flavor/package.ts cdktn` (prints the package directory).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { BUNDLE_FILE_NAME, bundleAttacher } from "../../modules/static-ip/bundle";
import { Flavor, FLAVORS, flavorSpecifier, writeFlavorTree } from "./flavors";

const REPO = path.resolve(__dirname, "..", "..");

type PackageJson = Record<string, unknown> & {
  name: string;
  description: string;
  keywords: string[];
  peerDependencies: Record<string, string>;
};

/** Where a flavor's package is built. */
export function flavorPackageDir(flavor: Flavor): string {
  return path.join(REPO, "dist", "flavors", flavor.name);
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

/**
 * The flavor's package.json: the repository's, renamed (`<name>-<flavor>`), with the flavor's
 * peers (each package the flavor pins, `^<pinned>`; `constructs` as the flavor's CDK requires it)
 * and the Node its CDK needs; no scripts, no dev dependencies.
 */
export function flavorPackageJson(flavor: Flavor): PackageJson {
  const root = readJson<PackageJson>(path.join(REPO, "package.json"));
  const flavorDir = path.join(REPO, flavor.packageDir);
  const pins = readJson<{ dependencies: Record<string, string>; engines: { node: string } }>(
    path.join(flavorDir, "package.json"),
  );
  const installed = (pkg: string) =>
    readJson<{ peerDependencies?: Record<string, string> }>(
      path.join(flavorDir, "node_modules", pkg, "package.json"),
    );
  const cdk = flavorSpecifier(flavor, "cdktf");
  const peerDependencies = Object.fromEntries(
    Object.keys(root.peerDependencies)
      .map((peer) => flavorSpecifier(flavor, peer))
      .map((peer) => {
        if (peer === "constructs") {
          const range = installed(cdk).peerDependencies?.constructs;
          if (!range) throw new Error(`${cdk} declares no constructs peer range`);
          return [peer, range];
        }
        const pinned = pins.dependencies[peer];
        if (!pinned) throw new Error(`${flavor.packageDir}/package.json pins no ${peer}`);
        return [peer, `^${pinned}`];
      })
      .sort(([a], [b]) => a!.localeCompare(b!)),
  );
  const rest: Record<string, unknown> = { ...root };
  for (const key of ["scripts", "devDependencies", "overrides"]) delete rest[key];
  return {
    ...rest,
    name: flavorSpecifier(flavor, root.name),
    description: `${root.description} (the ${flavor.name} flavor: ${cdk} instead of cdktf)`,
    engines: { node: pins.engines.node },
    keywords: [...root.keywords, flavor.name],
    peerDependencies,
  };
}

/** Builds the flavor's package into {@link flavorPackageDir}; returns that directory. */
export function buildFlavorPackage(flavor: Flavor): string {
  if (flavor.rewrites.length === 0)
    throw new Error(`${flavor.name} is the sources' own flavor: npm run build`);
  const out = flavorPackageDir(flavor);
  fs.rmSync(out, { recursive: true, force: true });
  const tree = path.join(REPO, flavor.packageDir, ".tree-package");
  fs.rmSync(tree, { recursive: true, force: true });
  try {
    writeFlavorTree(flavor, REPO, tree);
    // The release build's compiler options, on the flavor's tree, into the package's dist/.
    fs.writeFileSync(
      path.join(tree, "tsconfig.build.json"),
      JSON.stringify({
        extends: path.join(REPO, "tsconfig.build.json"),
        compilerOptions: { outDir: path.join(out, "dist"), rootDir: "." },
        include: ["modules/**/*.ts"],
      }),
    );
    const tsc = path.join(REPO, "node_modules", "typescript", "bin", "tsc");
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: tree, stdio: "inherit" });
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
  // The attacher Lambda: the same bundle as the cdktf package's (its source imports no CDK).
  const attacher = path.join(out, "dist", "modules", "static-ip", "attacher");
  fs.mkdirSync(attacher, { recursive: true });
  fs.copyFileSync(path.join(bundleAttacher(), BUNDLE_FILE_NAME), path.join(attacher, BUNDLE_FILE_NAME));
  for (const file of ["README.md", "LICENSE", "CHANGELOG.md"]) {
    fs.copyFileSync(path.join(REPO, file), path.join(out, file));
  }
  fs.writeFileSync(path.join(out, "package.json"), `${JSON.stringify(flavorPackageJson(flavor), null, 2)}\n`);
  return out;
}

if (require.main === module) {
  const name = process.argv[2];
  const flavor = Object.values(FLAVORS).find((f) => f.name === name && f.rewrites.length > 0);
  if (!flavor) {
    process.stderr.write(`usage: tsx scripts/flavor/package.ts <flavor> (one of: cdktn)\n`);
    process.exit(2);
  }
  process.stdout.write(`${path.relative(REPO, buildFlavorPackage(flavor))}\n`);
}
