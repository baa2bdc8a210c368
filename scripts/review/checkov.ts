/**
 * checkov on a plan JSON (framework `terraform_plan`) with the project's skip list
 * (policy/checkov-skips.json) and an environment's own exceptions. The same run as
 * test/support/checkov.ts, asynchronous so a long scan does not block the caller.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
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

/** Outcomes of this process's scans, by {@link scanKey}. */
const scanned = new Map<string, Promise<CheckovOutcome>>();

/**
 * What a scan's outcome depends on: the plan as checkov reads it (Terraform's `timestamp` left
 * out: two plans of the same change differ only there), the skipped checks and the checkov binary.
 */
export function scanKey(planText: string, skippedChecks: readonly string[], binary: string): string {
  const plan = JSON.parse(planText) as Record<string, unknown>;
  delete plan.timestamp;
  return createHash("sha256")
    .update(JSON.stringify([plan, [...skippedChecks].sort(), binary]))
    .digest("hex");
}

/**
 * Runs checkov (`ECS_CDKTF_CHECKOV`, set by the toolchain) on `planJson`, skipping the project's
 * checks and `extraSkips`. A plan scanned before in this process, or in this run when
 * `ECS_CDKTF_CHECKOV_RUN_CACHE` names a directory (the test runner sets one per run, so its
 * workers share it), is not scanned again: checkov's verdict on the same plan with the same checks
 * is the same.
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
  const key = scanKey(fs.readFileSync(planJson, "utf8"), skippedChecks, binary);
  const runCache = process.env.ECS_CDKTF_CHECKOV_RUN_CACHE;
  const cached = runCache ? path.join(runCache, `${key}.json`) : undefined;
  if (!scanned.has(key) && cached && fs.existsSync(cached)) {
    scanned.set(key, Promise.resolve(JSON.parse(fs.readFileSync(cached, "utf8")) as CheckovOutcome));
  }
  if (!scanned.has(key)) {
    const scan = scanPlan(binary, planJson, skippedChecks).then((outcome) => {
      if (cached) {
        fs.mkdirSync(path.dirname(cached), { recursive: true });
        fs.writeFileSync(`${cached}.${process.pid}`, JSON.stringify(outcome));
        fs.renameSync(`${cached}.${process.pid}`, cached);
      }
      return outcome;
    });
    // A failed scan is not kept: the next call runs checkov again.
    scan.catch(() => scanned.delete(key));
    scanned.set(key, scan);
  }
  return scanned.get(key)!;
}

function scanPlan(binary: string, planJson: string, skippedChecks: string[]): Promise<CheckovOutcome> {
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
