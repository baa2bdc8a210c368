/**
 * checkov on a plan JSON (framework `terraform_plan`) with the project's skip list
 * (policy/checkov-skips.json) and an environment's own exceptions. The same run as
 * test/support/checkov.ts, asynchronous so a long scan does not block the caller.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CheckovFinding, CheckovOutcome } from "./analyze";

/** The project's skip list, each entry with its reason. */
export const PROJECT_SKIPS_FILE = path.join(__dirname, "..", "..", "policy", "checkov-skips.json");

/** The ids of the project's skipped checks. */
export function projectSkipIds(file: string = PROJECT_SKIPS_FILE): string[] {
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { skips: Array<{ id: string }> }).skips.map(
    (s) => s.id,
  );
}

interface CheckovReport {
  results: { failed_checks: Array<{ check_id: string; check_name: string; resource: string }> };
  summary: { passed: number; failed: number; skipped: number; parsing_errors: number };
}

/**
 * Runs checkov (`ECS_CDKTF_CHECKOV`, set by the toolchain) on `planJson`, skipping the project's
 * checks and `extraSkips`.
 */
export function runCheckovOnPlan(
  planJson: string,
  extraSkips: readonly string[] = [],
): Promise<CheckovOutcome> {
  const binary = process.env.ECS_CDKTF_CHECKOV;
  if (!binary) {
    return Promise.reject(
      new Error(
        "ECS_CDKTF_CHECKOV is not set: source ~/.cache/ecs-cdktf/toolchain.env (npm run setup writes it)",
      ),
    );
  }
  const skippedChecks = [...new Set([...projectSkipIds(), ...extraSkips])];
  const args = [
    "-f",
    planJson,
    "--framework",
    "terraform_plan",
    "-o",
    "json",
    "--compact",
    "--quiet",
    "--skip-download",
  ];
  if (skippedChecks.length) args.push("--skip-check", skippedChecks.join(","));
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, LOG_LEVEL: "ERROR" },
        timeout: 10 * 60_000,
      },
      (error, stdout, stderr) => {
        // checkov exits 1 when a check fails; the JSON report is still on stdout.
        if (!stdout)
          return reject(new Error(`checkov did not run on ${planJson}: ${error?.message ?? ""} ${stderr}`));
        try {
          const parsed = JSON.parse(stdout) as
            CheckovReport | CheckovReport[] | { passed: number; failed: number };
          const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter(
            (r): r is CheckovReport => "summary" in r,
          );
          // An empty plan (nothing to scan) answers with a bare summary and no report.
          const findings: CheckovFinding[] = reports.flatMap((r) =>
            r.results.failed_checks.map((f) => ({
              id: f.check_id,
              name: f.check_name,
              resource: f.resource,
            })),
          );
          if (reports.some((r) => r.summary.parsing_errors > 0)) {
            return reject(new Error(`checkov could not parse ${planJson}`));
          }
          resolve({
            passed: reports.reduce((n, r) => n + r.summary.passed, 0),
            failed: reports.reduce((n, r) => n + r.summary.failed, 0),
            skipped: reports.reduce((n, r) => n + r.summary.skipped, 0),
            findings,
            skippedChecks,
          });
        } catch (e) {
          reject(
            new Error(
              `checkov's report on ${planJson} is not JSON: ${(e as Error).message}: ${stdout.slice(0, 300)}`,
            ),
          );
        }
      },
    );
  });
}
