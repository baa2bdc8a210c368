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
 * checks and `extraSkips`. See {@link runCheckovOnPlans}.
 */
export async function runCheckovOnPlan(
  planJson: string,
  extraSkips: readonly string[] = [],
): Promise<CheckovOutcome> {
  return (await runCheckovOnPlans([planJson], extraSkips))[0]!;
}

/**
 * Runs checkov on several plan JSONs at once, one outcome per file in their order: one checkov
 * process for all (its start-up is most of a small scan), each finding given to the file it names.
 * A plan scanned before in this process, or in this run when `ECS_CDKTF_CHECKOV_RUN_CACHE` names a
 * directory (the test runner sets one per run, so its workers share it), is not scanned again:
 * checkov's verdict on the same plan with the same checks is the same.
 */
export function runCheckovOnPlans(
  planJsons: readonly string[],
  extraSkips: readonly string[] = [],
): Promise<CheckovOutcome[]> {
  const binary = process.env.ECS_CDKTF_CHECKOV;
  if (!binary) {
    return Promise.reject(
      new Error(
        "ECS_CDKTF_CHECKOV is not set: source ~/.cache/ecs-cdktf/toolchain.env (npm run setup writes it)",
      ),
    );
  }
  const skippedChecks = [...new Set([...projectSkipIds(), ...extraSkips])];
  const runCache = process.env.ECS_CDKTF_CHECKOV_RUN_CACHE;
  const keys = planJsons.map((f) => scanKey(fs.readFileSync(f, "utf8"), skippedChecks, binary));
  const toScan: Array<{ file: string; key: string; cached?: string }> = [];
  keys.forEach((key, i) => {
    const cached = runCache ? path.join(runCache, `${key}.json`) : undefined;
    if (!scanned.has(key) && cached && fs.existsSync(cached)) {
      scanned.set(key, Promise.resolve(JSON.parse(fs.readFileSync(cached, "utf8")) as CheckovOutcome));
    }
    if (!scanned.has(key) && !toScan.some((t) => t.key === key))
      toScan.push({ file: planJsons[i]!, key, cached });
  });
  if (toScan.length > 0) {
    const batch = scanPlans(
      binary,
      toScan.map((t) => t.file),
      skippedChecks,
    );
    toScan.forEach((t, i) => {
      const scan = batch.then((outcomes) => {
        const outcome = outcomes[i]!;
        if (t.cached) {
          fs.mkdirSync(path.dirname(t.cached), { recursive: true });
          fs.writeFileSync(`${t.cached}.${process.pid}`, JSON.stringify(outcome));
          fs.renameSync(`${t.cached}.${process.pid}`, t.cached);
        }
        return outcome;
      });
      // A failed scan is not kept: the next call runs checkov again.
      scan.catch(() => scanned.delete(t.key));
      scanned.set(t.key, scan);
    });
  }
  return Promise.all(keys.map((k) => scanned.get(k)!));
}

interface CheckRecord {
  check_id: string;
  check_name: string;
  resource: string;
  file_abs_path?: string;
}

interface FullReport {
  results: { passed_checks: CheckRecord[]; failed_checks: CheckRecord[]; skipped_checks: CheckRecord[] };
  summary: { parsing_errors: number };
}

function scanPlans(
  binary: string,
  planJsons: readonly string[],
  skippedChecks: string[],
): Promise<CheckovOutcome[]> {
  const names = planJsons.join(", ");
  // Not --quiet: the passed and skipped checks are listed too, so each file's counts come from
  // the checks that name it.
  const args = [
    ...planJsons.flatMap((f) => ["-f", f]),
    "--framework",
    "terraform_plan",
    "-o",
    "json",
    "--compact",
    "--skip-download",
  ];
  if (skippedChecks.length) args.push("--skip-check", skippedChecks.join(","));
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      {
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, LOG_LEVEL: "ERROR" },
        timeout: 10 * 60_000,
      },
      (error, stdout, stderr) => {
        // checkov exits 1 when a check fails; the JSON report is still on stdout.
        if (!stdout)
          return reject(new Error(`checkov did not run on ${names}: ${error?.message ?? ""} ${stderr}`));
        let reports: FullReport[];
        try {
          const parsed = JSON.parse(stdout) as FullReport | FullReport[] | { passed: number; failed: number };
          // An empty plan (nothing to scan) answers with a bare summary and no report.
          reports = (Array.isArray(parsed) ? parsed : [parsed]).filter(
            (r): r is FullReport => "results" in r,
          );
        } catch (e) {
          return reject(
            new Error(
              `checkov's report on ${names} is not JSON: ${(e as Error).message}: ${stdout.slice(0, 300)}`,
            ),
          );
        }
        if (reports.some((r) => r.summary.parsing_errors > 0)) {
          return reject(new Error(`checkov could not parse ${names}`));
        }
        const of = (kind: keyof FullReport["results"], file: string) =>
          reports.flatMap((r) =>
            (r.results[kind] ?? []).filter(
              (c) => planJsons.length === 1 || path.resolve(c.file_abs_path ?? "") === path.resolve(file),
            ),
          );
        resolve(
          planJsons.map((file) => {
            const failed = of("failed_checks", file);
            const findings: CheckovFinding[] = failed.map((f) => ({
              id: f.check_id,
              name: f.check_name,
              resource: f.resource,
            }));
            return {
              passed: of("passed_checks", file).length,
              failed: failed.length,
              skipped: of("skipped_checks", file).length,
              findings,
              skippedChecks,
            };
          }),
        );
      },
    );
  });
}
