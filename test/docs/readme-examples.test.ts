/**
 * The TypeScript examples of the module READMEs compile as a package user writes them: imports
 * by the package's entry points (`@ecs-cdktf/modules/<module>`) and the provider's deep paths,
 * never a path of this repository, type-checked with the repo's compiler settings.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");
const TSC = path.join(REPO, "node_modules", "typescript", "bin", "tsc");
const MODULES = ["network", "ecs-cluster", "load-balanced-service", "static-ip", "external-capacity"];

/** The ```ts blocks of a Markdown file, in order. */
function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** The package's entry points, each mapped to the module source it is compiled from (absolute). */
function entryPointPaths(): Record<string, string[]> {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, string | { default: string }>;
  };
  return Object.fromEntries(
    Object.entries(pkg.exports)
      .filter(([subpath]) => subpath !== "./package.json")
      .map(([subpath, target]) => {
        const compiled = typeof target === "string" ? target : target.default;
        const source = path.join(REPO, compiled.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"));
        return [`${pkg.name}/${subpath.slice(2)}`, [source]];
      }),
  );
}

describe("the module READMEs' TypeScript examples", () => {
  const examples = MODULES.flatMap((module) =>
    tsBlocks(fs.readFileSync(path.join(REPO, "modules", module, "README.md"), "utf8")).map((code, i) => ({
      name: `${module}-${i}`,
      code,
    })),
  );

  test("every module README has at least one", () => {
    for (const module of MODULES) expect(examples.some((e) => e.name.startsWith(`${module}-`))).toBe(true);
  });

  test.each(examples.map((e) => [e.name, e.code]))(
    "%s imports only packages (the modules by their entry points), no path of this repository",
    (_name, code) => {
      const specifiers = [...code.matchAll(/^import [\s\S]*? from "([^"]+)";$/gm)].map((m) => m[1]!);
      expect(specifiers.length).toBeGreaterThan(0);
      expect(specifiers.filter((s) => s.startsWith(".") || s.startsWith("/"))).toEqual([]);
      const modules = specifiers.filter((s) => s.startsWith("@ecs-cdktf/"));
      for (const s of modules) expect(Object.keys(entryPointPaths())).toContain(s);
    },
  );

  test("they type-check together with the repo's compiler settings (tsc --noEmit)", () => {
    // Under node_modules/.cache: packages resolve from the repo's node_modules, and the linters
    // running side by side never see the files.
    const dir = path.join(REPO, "node_modules", ".cache", "ecs-cdktf-readme-examples");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    try {
      // One module each: the examples' top-level names never meet.
      for (const e of examples) fs.writeFileSync(path.join(dir, `${e.name}.ts`), `${e.code}export {};\n`);
      fs.writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({
          extends: path.join(REPO, "tsconfig.json"),
          compilerOptions: { types: ["node"], noEmit: true, paths: entryPointPaths() },
          include: ["*.ts"],
          // The base excludes node_modules, where these files are.
          exclude: [],
        }),
      );
      let output = "";
      try {
        execFileSync(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: dir, encoding: "utf8" });
      } catch (e) {
        output = `${(e as { stdout?: string }).stdout ?? ""}${(e as Error).message}`;
      }
      expect(output).toBe("");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
