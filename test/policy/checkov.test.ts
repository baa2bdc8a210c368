import { checkovSkips, describeFailures, runCheckov } from "../support/checkov";
import { synthEnvironment, testPreset } from "../support/test-environment";

// checkov over the synthesized JSON of every stack of the app (the plan JSON is scanned by the
// *.local tests, which produce a real plan against the local AWS).
jest.setTimeout(5 * 60_000);

test("every skipped checkov check has an id and a reason", () => {
  for (const skip of checkovSkips()) {
    expect(skip.id).toMatch(/^CKV2?_[A-Z0-9]+_\d+$/);
    expect(skip.reason.trim().length).toBeGreaterThan(20);
  }
  const ids = checkovSkips().map((s) => s.id);
  expect(new Set(ids).size).toBe(ids.length);
});

test("checkov passes on both synthesized stacks of the test preset (network and zone; cluster, HTTPS load balancer with access logs, services)", () => {
  const env = synthEnvironment(testPreset(), { kind: "local", endpoint: "http://127.0.0.1:4566" });
  for (const [run, least] of [
    [env.foundation, 10],
    [env.app, 60],
  ] as const) {
    const result = runCheckov(run.json, "terraform_json");
    expect(describeFailures(result)).toBe("");
    expect(result.passed).toBeGreaterThan(least);
  }
});
