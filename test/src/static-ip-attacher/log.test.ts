import { StepLogger } from "../../../src/static-ip-attacher/log";

describe("StepLogger", () => {
  test("GIVEN a context THEN each line is one JSON object with level, step, result, context and elapsed ms", () => {
    const lines: string[] = [];
    let now = 1_000;
    const log = new StepLogger(
      (l) => lines.push(l),
      () => now,
      1_000,
    ).with({ instanceId: "i-1" });

    now = 1_250;
    log.with({ eniId: "eni-1", az: "eu-west-2a" }).step("attach", "sent", { attachmentId: "eni-attach-1" });
    log.step("refuse", "owner-healthy", {}, "warn");

    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        level: "info",
        step: "attach",
        result: "sent",
        instanceId: "i-1",
        eniId: "eni-1",
        az: "eu-west-2a",
        elapsedMs: 250,
        attachmentId: "eni-attach-1",
      },
      { level: "warn", step: "refuse", result: "owner-healthy", instanceId: "i-1", elapsedMs: 250 },
    ]);
    expect(lines.every((l) => !l.includes("\n"))).toBe(true);
  });

  test("with() leaves the original logger's context alone", () => {
    const lines: string[] = [];
    const base = new StepLogger(
      (l) => lines.push(l),
      () => 0,
      0,
    );
    base.with({ instanceId: "i-1" });

    base.step("event", "ignored");

    expect(JSON.parse(lines[0] ?? "{}")).toEqual({
      level: "info",
      step: "event",
      result: "ignored",
      elapsedMs: 0,
    });
  });
});
