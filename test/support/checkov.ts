import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** One skipped checkov check and why (policy/checkov-skips.json). */
export interface CheckovSkip {
  readonly id: string;
  readonly reason: string;
}

/** A failed checkov check. */
export interface CheckovFailure {
  readonly check_id: string;
  readonly check_name: string;
  readonly resource: string;
}

/** What one checkov run found. */
export interface CheckovResult {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: CheckovFailure[];
}

const SKIPS_FILE = path.join(__dirname, "..", "..", "policy", "checkov-skips.json");

/** The project's skip list. */
export function checkovSkips(): CheckovSkip[] {
  return (JSON.parse(fs.readFileSync(SKIPS_FILE, "utf8")) as { skips: CheckovSkip[] }).skips;
}

interface CheckovReport {
  check_type: string;
  results: { failed_checks: CheckovFailure[] };
  summary: {
    passed: number;
    failed: number;
    skipped: number;
    parsing_errors: number;
    resource_count: number;
  };
}

/**
 * Runs the real checkov on one file: the synthesized `cdk.tf.json` (framework terraform_json) or a
 * `terraform show -json` plan (framework terraform_plan), with the project's skip list.
 */
export function runCheckov(file: string, framework: "terraform_json" | "terraform_plan"): CheckovResult {
  const binary = process.env.ECS_CDKTF_CHECKOV;
  if (!binary) throw new Error("ECS_CDKTF_CHECKOV is not set: run the tests through `npm test`");
  const skipIds = checkovSkips().map((s) => s.id);
  const args = [
    "-f",
    file,
    "--framework",
    framework,
    "-o",
    "json",
    "--compact",
    "--quiet",
    "--skip-download",
  ];
  if (skipIds.length > 0) args.push("--skip-check", skipIds.join(","));
  let stdout: string;
  try {
    stdout = execFileSync(binary, args, {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, LOG_LEVEL: "ERROR" },
    });
  } catch (e) {
    // checkov exits 1 when a check fails; the JSON report is still on stdout.
    const err = e as { stdout?: string; stderr?: string };
    if (!err.stdout) throw new Error(`checkov failed to run on ${file}: ${err.stderr}`);
    stdout = err.stdout;
  }
  const parsed = JSON.parse(stdout) as CheckovReport | CheckovReport[] | { passed: number; failed: number };
  const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter(
    (r): r is CheckovReport => "summary" in r,
  );
  if (reports.length === 0) throw new Error(`checkov scanned nothing in ${file}: ${stdout.slice(0, 500)}`);
  for (const r of reports) {
    if (r.summary.parsing_errors > 0) throw new Error(`checkov could not parse ${file}`);
  }
  return {
    passed: reports.reduce((n, r) => n + r.summary.passed, 0),
    failed: reports.reduce((n, r) => n + r.summary.failed, 0),
    skipped: reports.reduce((n, r) => n + r.summary.skipped, 0),
    failures: reports.flatMap((r) => r.results.failed_checks),
  };
}

/** A readable list of failures for an assertion message. */
export function describeFailures(result: CheckovResult): string {
  return result.failures.map((f) => `${f.check_id} ${f.resource}: ${f.check_name}`).join("\n");
}
