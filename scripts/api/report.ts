/**
 * The public API of each entry point, reviewed as an API report (`api/<module>.api.md`) by
 * @microsoft/api-extractor: every exported construct, props interface, interface and constant with
 * its signature. A change to the surface changes a report, so it shows in review.
 *
 *   tsx scripts/api/report.ts           write the reports (`npm run api`)
 *   tsx scripts/api/report.ts --check   fail when a report is stale (`npm run api:check`, in the
 *                                       checks of `npm test`)
 *
 * The declarations are emitted by `tsc` (tsconfig.build.json, declarations only) into a temporary
 * folder; api-extractor reads each module's `index.d.ts` from there.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Extractor, ExtractorConfig, ExtractorLogLevel } from "@microsoft/api-extractor";
import { MODULES } from "../docs/modules";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Where the committed reports are. */
export const API_REPORT_DIR = path.join(REPO_ROOT, "api");

/** Emits the modules' declarations into a new temporary folder; returns it. */
function emitDeclarations(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-api-"));
  const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO_ROOT] });
  execFileSync(
    process.execPath,
    [tsc, "-p", path.join(REPO_ROOT, "tsconfig.build.json"), "--emitDeclarationOnly", "--outDir", out],
    { cwd: REPO_ROOT, stdio: "inherit" },
  );
  return out;
}

/** Runs api-extractor on one module; returns whether its report is current (or was written). */
function reportModule(declarations: string, name: string, check: boolean): boolean {
  const entry = path.join(declarations, "modules", name, "index.d.ts");
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: REPO_ROOT,
      mainEntryPointFilePath: entry,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: "es2022",
            module: "commonjs",
            moduleResolution: "node",
            strict: true,
            types: ["node"],
            skipLibCheck: true,
          },
          files: [entry],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: `${name}.api.md`,
        reportFolder: API_REPORT_DIR,
        reportTempFolder: path.join(declarations, "api-temp"),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // The package has one support level: no @public/@beta/@alpha tags.
        extractorMessageReporting: {
          "ae-missing-release-tag": { logLevel: ExtractorLogLevel.None },
          // A type a public signature uses without the entry point exporting it: kept in the
          // report (marked), so review sees it.
          "ae-forgotten-export": { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
        },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
      newlineKind: "lf",
    },
    configObjectFullPath: path.join(REPO_ROOT, "api", "api-extractor.json"),
    packageJsonFullPath: path.join(REPO_ROOT, "package.json"),
  });
  const result = Extractor.invoke(config, {
    localBuild: !check,
    messageCallback: (message) => {
      // Only errors matter; the report itself is the output.
      if (message.logLevel !== ExtractorLogLevel.Error) message.handled = true;
    },
  });
  if (result.apiReportChanged && check) {
    process.stderr.write(
      `error: api/${name}.api.md is stale: the public API of @ecs-cdktf/modules/${name} changed. ` +
        "Review the change, run `npm run api` and commit the report.\n",
    );
    return false;
  }
  if (!result.succeeded) {
    process.stderr.write(`error: api-extractor failed on ${name} (${result.errorCount} errors)\n`);
    return false;
  }
  process.stdout.write(`${check ? "ok" : "written"}: api/${name}.api.md\n`);
  return true;
}

function main(): void {
  const check = process.argv.includes("--check");
  fs.mkdirSync(API_REPORT_DIR, { recursive: true });
  const declarations = emitDeclarations();
  try {
    const results = MODULES.map((m) => reportModule(declarations, m.name, check));
    if (results.includes(false)) process.exit(1);
  } finally {
    fs.rmSync(declarations, { recursive: true, force: true });
  }
}

main();
