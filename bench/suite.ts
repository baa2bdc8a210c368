/**
 * The test suite's phases, measured: runs `bash scripts/test.sh` (the whole suite, or one lane) and
 * prints the duration of each phase (setup, tsc, lint, jest unit, jest local, pytest), the slowest
 * jest files, and where Terraform spent its time (by command). Numbers, not a test: the suite's
 * own verdict is printed as it comes, and a failing run is reported as such.
 *   npm run bench:suite [-- --lane all|unit|local] [-- --runs N]
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const LANE = arg("--lane") ?? "all";
const RUNS = Number(arg("--runs") ?? "1");
const ROOT = path.join(__dirname, "..");

interface JestReport {
  testResults: Array<{ name: string; startTime: number; endTime: number }>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function runOnce(i: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-suite-"));
  const phasesFile = path.join(dir, "phases");
  const timing = path.join(dir, "terraform-timing.tsv");
  const reports = path.join(dir, "jest");
  console.log(`\n== run ${i + 1}/${RUNS}: bash scripts/test.sh --lane ${LANE}`);
  const result = spawnSync("bash", ["scripts/test.sh", "--lane", LANE], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      ECS_CDKTF_PHASES_FILE: phasesFile,
      ECS_CDKTF_TF_TIMING: timing,
      ECS_CDKTF_JEST_REPORTS: reports,
    },
  });
  const phases = Object.fromEntries(
    (fs.existsSync(phasesFile) ? fs.readFileSync(phasesFile, "utf8").trim().split("\n") : []).map((l) => {
      const [k, v] = l.split("=");
      return [k!, Number(v)];
    }),
  ) as Record<string, number>;
  const files: Array<[string, number]> = [];
  for (const f of fs.existsSync(reports) ? fs.readdirSync(reports) : []) {
    const r = JSON.parse(fs.readFileSync(path.join(reports, f), "utf8")) as JestReport;
    for (const t of r.testResults)
      files.push([path.relative(ROOT, t.name), (t.endTime - t.startTime) / 1000]);
  }
  const byCommand = new Map<string, { count: number; seconds: number }>();
  for (const line of fs.existsSync(timing) ? fs.readFileSync(timing, "utf8").trim().split("\n") : []) {
    const [seconds, command] = line.split("\t");
    if (!command) continue;
    const entry = byCommand.get(command) ?? { count: 0, seconds: 0 };
    entry.count += 1;
    entry.seconds += Number(seconds);
    byCommand.set(command, entry);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: result.status, phases, files, byCommand };
}

function main(): void {
  console.log(`lane ${LANE}, ${RUNS} run(s); node ${process.version}; ${os.cpus().length} cores`);
  const runs = Array.from({ length: RUNS }, (_, i) => runOnce(i));
  console.log(`\n== phases, seconds (median of ${RUNS}; each run's value in brackets)`);
  for (const name of Object.keys(runs[0]!.phases)) {
    const xs = runs.map((r) => r.phases[name] ?? 0);
    console.log(`${name.padEnd(12)} ${String(median(xs)).padStart(5)}  [${xs.join(", ")}]`);
  }
  const last = runs[runs.length - 1]!;
  console.log("\n== slowest jest files of the last run, seconds");
  for (const [file, s] of [...last.files].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`${s.toFixed(0).padStart(5)}  ${file}`);
  }
  const workerSeconds = last.files.reduce((n, [, s]) => n + s, 0);
  console.log(`${workerSeconds.toFixed(0).padStart(5)}  all ${last.files.length} files (worker-seconds)`);
  console.log("\n== terraform commands of the last run (count, seconds)");
  for (const [command, { count, seconds }] of [...last.byCommand].sort(
    (a, b) => b[1].seconds - a[1].seconds,
  )) {
    console.log(`${command.padEnd(10)} ${String(count).padStart(4)}  ${seconds.toFixed(0).padStart(6)}`);
  }
  const failed = runs.filter((r) => r.status !== 0).length;
  console.log(failed ? `\n${failed} of ${RUNS} runs failed (see their output above)` : `\nevery run passed`);
  if (failed) process.exitCode = 1;
}

main();
