import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// The review scans each distinct plan once per run (scripts/review/checkov.ts). What is tested here
// is that bookkeeping, so the checkov binary is a script that counts its calls and prints one
// report in checkov's JSON shape; the real checkov runs on real plans in the review's local tests.

type CheckovModule = typeof import("../../scripts/review/checkov");

const check = (id: string) => ({ check_id: id, check_name: "a check", resource: "aws_x.y" });
const REPORT = {
  check_type: "terraform_plan",
  results: {
    passed_checks: [check("CKV_AWS_2"), check("CKV_AWS_3"), check("CKV_AWS_4")],
    failed_checks: [check("CKV_AWS_1")],
    skipped_checks: [],
  },
  summary: { passed: 3, failed: 1, skipped: 0, parsing_errors: 0, resource_count: 2 },
};

describe("checkov once per distinct plan", () => {
  let dir: string;
  let calls: string;
  const saved = { ...process.env };

  function plan(name: string, content: object): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  }

  function freshModule(): CheckovModule {
    let mod: CheckovModule | undefined;
    jest.isolateModules(() => {
      mod = jest.requireActual<CheckovModule>("../../scripts/review/checkov");
    });
    return mod!;
  }

  const callCount = () => (fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").split("\n").length - 1 : 0);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "checkov-cache-"));
    calls = path.join(dir, "calls");
    const fake = path.join(dir, "checkov");
    fs.writeFileSync(
      fake,
      `#!/bin/sh\necho "$*" >> '${calls}'\ncat <<'EOF'\n${JSON.stringify(REPORT)}\nEOF\nexit 1\n`,
      { mode: 0o755 },
    );
    process.env.ECS_CDKTF_CHECKOV = fake;
    delete process.env.ECS_CDKTF_CHECKOV_RUN_CACHE;
  });

  afterEach(() => {
    process.env = { ...saved };
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("GIVEN two plans that differ only in Terraform's timestamp THEN one scan serves both", async () => {
    const { runCheckovOnPlan } = freshModule();
    const a = plan("a.json", {
      format_version: "1.2",
      timestamp: "2026-12-02T10:00:00Z",
      resource_changes: [],
    });
    const b = plan("b.json", {
      format_version: "1.2",
      timestamp: "2026-12-02T11:00:00Z",
      resource_changes: [],
    });
    const first = await runCheckovOnPlan(a);
    const second = await runCheckovOnPlan(b);
    expect(callCount()).toBe(1);
    expect(second).toEqual(first);
    expect(first).toMatchObject({
      passed: 3,
      failed: 1,
      findings: [{ id: "CKV_AWS_1", name: "a check", resource: "aws_x.y" }],
    });
  });

  test("GIVEN another plan or other skipped checks THEN it is scanned again", async () => {
    const { runCheckovOnPlan } = freshModule();
    const a = plan("a.json", { format_version: "1.2", resource_changes: [] });
    const other = plan("other.json", { format_version: "1.2", resource_changes: [{ address: "aws_x.y" }] });
    await runCheckovOnPlan(a);
    await runCheckovOnPlan(other);
    await runCheckovOnPlan(a, ["CKV_AWS_150"]);
    expect(callCount()).toBe(3);
    expect(fs.readFileSync(calls, "utf8")).toContain("CKV_AWS_150");
  });

  test("GIVEN ECS_CDKTF_CHECKOV_RUN_CACHE THEN another process of the run reuses the scan", async () => {
    process.env.ECS_CDKTF_CHECKOV_RUN_CACHE = path.join(dir, "run-cache");
    const a = plan("a.json", { format_version: "1.2", resource_changes: [] });
    const first = await freshModule().runCheckovOnPlan(a);
    const again = await freshModule().runCheckovOnPlan(a); // a new module: nothing in memory
    expect(callCount()).toBe(1);
    expect(again).toEqual(first);
    expect(fs.readdirSync(path.join(dir, "run-cache"))).toHaveLength(1);
  });

  test("GIVEN a scan that fails THEN it is not kept", async () => {
    const { runCheckovOnPlan } = freshModule();
    const a = plan("a.json", { format_version: "1.2", resource_changes: [] });
    fs.writeFileSync(process.env.ECS_CDKTF_CHECKOV!, `#!/bin/sh\necho x >> '${calls}'\nexit 2\n`);
    await expect(runCheckovOnPlan(a)).rejects.toThrow(/checkov did not run/);
    await expect(runCheckovOnPlan(a)).rejects.toThrow(/checkov did not run/);
    expect(callCount()).toBe(2);
  });

  test("GIVEN several plans THEN one checkov process scans the new ones, each outcome from the checks naming its file", async () => {
    const { runCheckovOnPlans } = freshModule();
    const a = plan("a.json", { format_version: "1.2", resource_changes: [] });
    const b = plan("b.json", { format_version: "1.2", resource_changes: [{ address: "aws_x.b" }] });
    // The fake prints one report whose checks name a.json (two passed, one failed) and b.json (one skipped).
    const onFile = (id: string, file: string) => ({ ...check(id), file_abs_path: file });
    const report = {
      check_type: "terraform_plan",
      results: {
        passed_checks: [onFile("CKV_AWS_2", a), onFile("CKV_AWS_3", a)],
        failed_checks: [onFile("CKV_AWS_1", a)],
        skipped_checks: [onFile("CKV_AWS_9", b)],
      },
      summary: { passed: 2, failed: 1, skipped: 1, parsing_errors: 0, resource_count: 2 },
    };
    fs.writeFileSync(
      process.env.ECS_CDKTF_CHECKOV!,
      `#!/bin/sh\necho "$*" >> '${calls}'\ncat <<'EOF'\n${JSON.stringify(report)}\nEOF\nexit 1\n`,
    );
    const [outA, outB] = await runCheckovOnPlans([a, b]);
    expect(callCount()).toBe(1);
    expect(fs.readFileSync(calls, "utf8")).toContain(`-f ${a} -f ${b}`);
    expect(outA).toMatchObject({ passed: 2, failed: 1, skipped: 0, findings: [{ id: "CKV_AWS_1" }] });
    expect(outB).toMatchObject({ passed: 0, failed: 0, skipped: 1, findings: [] });
    // Both are kept: scanning them again runs nothing.
    await runCheckovOnPlans([b, a]);
    expect(callCount()).toBe(1);
  });

  test("scanKey leaves out only the timestamp", () => {
    const { scanKey } = freshModule();
    const k = (p: object, skips: string[] = []) => scanKey(JSON.stringify(p), skips, "/bin/checkov");
    expect(k({ a: 1, timestamp: "x" })).toBe(k({ a: 1, timestamp: "y" }));
    expect(k({ a: 1 })).not.toBe(k({ a: 2 }));
    expect(k({ a: 1 }, ["B", "A"])).toBe(k({ a: 1 }, ["A", "B"]));
    expect(scanKey("{}", [], "/a")).not.toBe(scanKey("{}", [], "/b"));
  });
});
