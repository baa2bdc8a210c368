/**
 * The reconcile (a scheduled event) against in-memory EC2 and Auto Scaling: for each AZ, the ENI
 * ends on the InService edge instance, or is left alone, and a failure fails the run. No lifecycle
 * action is ever completed.
 */
import { AttacherConfig } from "../../../src/static-ip-attacher/config";
import { createHandler, HandlerResult, LambdaContextLike } from "../../../src/static-ip-attacher/handler";
import { StepLine } from "../../../src/static-ip-attacher/log";
import { ReconcileAzResult, ReconcileFailedError } from "../../../src/static-ip-attacher/reconcile";
import scheduledEvent from "./fixtures/scheduled-event.json";
import { autoScalingError, ec2Error, FakeAutoScaling, FakeClock, FakeEc2 } from "./fakes";

const AZ_A = "eu-west-2a";
const AZ_B = "eu-west-2b";
const ENI_A = "eni-0aaaaaaaaaaaaaaaa";
const ENI_B = "eni-0bbbbbbbbbbbbbbbb";
const GROUP_A = "main-edge-eu-west-2a";
const GROUP_B = "main-edge-eu-west-2b";
const EDGE_A = "i-0a000000000000001";
const EDGE_A2 = "i-0a000000000000002";
const EDGE_B = "i-0b000000000000001";
const OLD = "i-0dead000000000001";

function world(config: Partial<AttacherConfig> = {}) {
  const clock = new FakeClock(Date.parse(scheduledEvent.time) + 1_000);
  const ec2 = new FakeEc2(clock).addEni(ENI_A, AZ_A).addEni(ENI_B, AZ_B, "18.130.0.11");
  const autoscaling = new FakeAutoScaling(ec2);
  const lines: string[] = [];
  const handle = createHandler({
    ec2,
    autoscaling,
    config: {
      eniByAz: new Map([
        [AZ_A, ENI_A],
        [AZ_B, ENI_B],
      ]),
      deviceIndex: 1,
      heartbeatTimeoutSeconds: 300,
      edgeGroupNames: [GROUP_A, GROUP_B],
      ...config,
    },
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
    writeLog: (line) => lines.push(line),
  });
  return {
    clock,
    ec2,
    autoscaling,
    logs: (): StepLine[] => lines.map((l) => JSON.parse(l) as StepLine),
    run: (context?: LambdaContextLike): Promise<HandlerResult> => handle(scheduledEvent, context),
    calls: (): string[] => ec2.commandNames,
  };
}

function reconciled(result: HandlerResult): readonly ReconcileAzResult[] {
  if (result.status !== "reconciled") throw new Error(`expected a reconcile, got ${JSON.stringify(result)}`);
  return result.azs;
}

describe("reconcile", () => {
  test("GIVEN both ENIs on their AZ's InService instance THEN nothing moves, in 3 calls (one list, one read per ENI)", async () => {
    const w = world();
    w.ec2.addGroupInstance(EDGE_A, AZ_A, GROUP_A).addGroupInstance(EDGE_B, AZ_B, GROUP_B);
    w.ec2.attachNow(ENI_A, EDGE_A).attachNow(ENI_B, EDGE_B);

    const result = await w.run();

    expect(result).toEqual({
      status: "reconciled",
      azs: [
        { az: AZ_A, eniId: ENI_A, action: "in-place", instanceId: EDGE_A },
        { az: AZ_B, eniId: ENI_B, action: "in-place", instanceId: EDGE_B },
      ],
      awsCalls: 3,
    });
    expect(w.calls()).toEqual([
      "DescribeAutoScalingGroups",
      "DescribeNetworkInterfaces",
      "DescribeNetworkInterfaces",
    ]);
    expect(w.ec2.calls[0]?.input).toEqual({ AutoScalingGroupNames: [GROUP_A, GROUP_B] });
    expect(w.autoscaling.completions).toEqual([]);
  });

  test("GIVEN an ENI left unattached while its AZ has an InService instance THEN it is attached there, no lifecycle call", async () => {
    const w = world();
    w.ec2.addGroupInstance(EDGE_A, AZ_A, GROUP_A).addGroupInstance(EDGE_B, AZ_B, GROUP_B);
    w.ec2.attachNow(ENI_B, EDGE_B);

    const azs = reconciled(await w.run());

    expect(azs[0]).toEqual({
      az: AZ_A,
      eniId: ENI_A,
      action: "attached",
      instanceId: EDGE_A,
      reason: "attached",
    });
    expect(azs[1]).toMatchObject({ action: "in-place" });
    expect(w.ec2.attachmentOf(ENI_A)).toEqual({ instanceId: EDGE_A, deviceIndex: 1, status: "attached" });
    expect(w.calls()).toEqual([
      "DescribeAutoScalingGroups",
      "DescribeNetworkInterfaces",
      "DescribeInstances",
      "DescribeNetworkInterfaces",
      "AttachNetworkInterface",
      "DescribeNetworkInterfaces",
      "DescribeNetworkInterfaces",
    ]);
    expect(w.calls()).not.toContain("CompleteLifecycleAction");
    expect(w.logs().map((l) => `${l.step}:${l.result}`)).toEqual(
      expect.arrayContaining([
        "event:reconcile",
        "reconcile:attach",
        "reconcile:attached",
        "reconcile:in-place",
        "done:reconciled",
      ]),
    );
  });

  test("GIVEN an ENI still attached to a terminated instance THEN it is force-detached and attached to the InService one", async () => {
    const w = world({ eniByAz: new Map([[AZ_A, ENI_A]]) });
    w.ec2.addInstance(OLD, AZ_A, "terminated").addGroupInstance(EDGE_A, AZ_A, GROUP_A);
    w.ec2.attachNow(ENI_A, OLD);

    const azs = reconciled(await w.run());

    expect(azs).toEqual([
      { az: AZ_A, eniId: ENI_A, action: "attached", instanceId: EDGE_A, reason: "attached" },
    ]);
    expect(w.ec2.calls.filter((c) => c.command === "DetachNetworkInterface").map((c) => c.input)).toEqual([
      expect.objectContaining({ Force: true }),
    ]);
    expect(w.ec2.attachmentOf(ENI_A)).toMatchObject({ instanceId: EDGE_A, status: "attached" });
  });

  test("GIVEN an ENI on an instance Auto Scaling is terminating AND an InService one THEN it moves (normal detach first)", async () => {
    const w = world({ eniByAz: new Map([[AZ_A, ENI_A]]) });
    w.ec2.addGroupInstance(OLD, AZ_A, GROUP_A, "Terminating:Wait").addGroupInstance(EDGE_A, AZ_A, GROUP_A);
    w.ec2.attachNow(ENI_A, OLD);

    const azs = reconciled(await w.run());

    expect(azs[0]).toMatchObject({ action: "attached", instanceId: EDGE_A });
    expect(w.ec2.calls.filter((c) => c.command === "DetachNetworkInterface").map((c) => c.input)).toEqual([
      expect.objectContaining({ Force: false }),
    ]);
  });

  test.each([
    ["only a launching instance (Pending:Wait belongs to the launch hook)", "Pending:Wait", "Healthy"],
    ["only an unhealthy InService instance (about to be replaced)", "InService", "Unhealthy"],
    ["only a terminating instance", "Terminating", "Healthy"],
  ])("GIVEN %s THEN the ENI is left alone", async (_case, lifecycleState, health) => {
    const w = world({ eniByAz: new Map([[AZ_A, ENI_A]]) });
    w.ec2.addGroupInstance(EDGE_A, AZ_A, GROUP_A, lifecycleState, health);

    const azs = reconciled(await w.run());

    expect(azs).toEqual([{ az: AZ_A, eniId: ENI_A, action: "no-in-service-instance" }]);
    expect(w.calls()).toEqual(["DescribeAutoScalingGroups"]);
    expect(w.ec2.attachmentOf(ENI_A)).toBeUndefined();
  });

  test("GIVEN an instance of another group in the AZ THEN it is no candidate", async () => {
    const w = world({ eniByAz: new Map([[AZ_A, ENI_A]]) });
    w.ec2.addGroupInstance(EDGE_A, AZ_A, "main-default");

    const azs = reconciled(await w.run());

    expect(azs).toEqual([{ az: AZ_A, eniId: ENI_A, action: "no-in-service-instance" }]);
    expect(w.ec2.attachmentOf(ENI_A)).toBeUndefined();
  });

  test("GIVEN the ENI on a healthy running instance that is not InService THEN it is not stolen: refused, the run succeeds", async () => {
    const w = world({ eniByAz: new Map([[AZ_A, ENI_A]]) });
    w.ec2.addGroupInstance(EDGE_A2, AZ_A, GROUP_A, "Pending:Wait").addGroupInstance(EDGE_A, AZ_A, GROUP_A);
    w.ec2.attachNow(ENI_A, EDGE_A2);

    const azs = reconciled(await w.run());

    expect(azs).toEqual([
      expect.objectContaining({ action: "refused", instanceId: EDGE_A, reason: "eni-in-use" }),
    ]);
    expect(w.ec2.attachmentOf(ENI_A)).toMatchObject({ instanceId: EDGE_A2 });
    expect(w.calls()).not.toContain("DetachNetworkInterface");
  });

  test("GIVEN two InService instances in one AZ THEN the ENI stays where it is if it is on one of them", async () => {
    const w = world({ eniByAz: new Map([[AZ_A, ENI_A]]) });
    w.ec2.addGroupInstance(EDGE_A, AZ_A, GROUP_A).addGroupInstance(EDGE_A2, AZ_A, GROUP_A);
    w.ec2.attachNow(ENI_A, EDGE_A2);

    expect(reconciled(await w.run())).toEqual([
      { az: AZ_A, eniId: ENI_A, action: "in-place", instanceId: EDGE_A2 },
    ]);
  });

  test("GIVEN DescribeAutoScalingGroups is throttled once THEN it is retried and the run succeeds", async () => {
    const w = world({ eniByAz: new Map([[AZ_A, ENI_A]]) });
    w.ec2.addGroupInstance(EDGE_A, AZ_A, GROUP_A).attachNow(ENI_A, EDGE_A);
    w.autoscaling.failNext("DescribeAutoScalingGroups", autoScalingError("Throttling"));

    const result = await w.run();

    expect(result).toMatchObject({ status: "reconciled", awsCalls: 3 });
    expect(w.calls()).toEqual([
      "DescribeAutoScalingGroups",
      "DescribeAutoScalingGroups",
      "DescribeNetworkInterfaces",
    ]);
    expect(w.logs().find((l) => l.step === "retry")).toMatchObject({
      result: "Throttling",
      operation: "DescribeAutoScalingGroups",
    });
  });

  test("GIVEN one AZ's attach fails THEN the other AZ is still reconciled AND the run throws (errors alarm, retries, DLQ)", async () => {
    const w = world();
    w.ec2.addGroupInstance(EDGE_A, AZ_A, GROUP_A).addGroupInstance(EDGE_B, AZ_B, GROUP_B);
    w.ec2.failNext("AttachNetworkInterface", ec2Error("UnauthorizedOperation", 403));

    const run = w.run();

    await expect(run).rejects.toThrow(ReconcileFailedError);
    await expect(run).rejects.toThrow(
      /reconcile failed for eu-west-2a \(eni-0aaaaaaaaaaaaaaaa\): UnauthorizedOperation/,
    );
    expect(w.ec2.attachmentOf(ENI_A)).toBeUndefined();
    expect(w.ec2.attachmentOf(ENI_B)).toMatchObject({ instanceId: EDGE_B, status: "attached" });
    expect(w.logs().at(-1)).toMatchObject({
      step: "done",
      result: "reconcile-failed",
      level: "error",
      failed: 1,
      attached: 1,
    });
  });

  test("GIVEN DescribeAutoScalingGroups is denied THEN every AZ fails and the run throws, no EC2 call", async () => {
    const w = world();
    w.autoscaling.failNext("DescribeAutoScalingGroups", autoScalingError("AccessDenied"));

    await expect(w.run()).rejects.toThrow(/eu-west-2a.*fake AccessDenied.*eu-west-2b/);
    expect(w.calls()).toEqual(["DescribeAutoScalingGroups"]);
  });

  test("GIVEN an ENI that no longer exists THEN that AZ fails", async () => {
    const w = world({ eniByAz: new Map([[AZ_A, "eni-0ffffffffffffffff"]]) });
    w.ec2.addGroupInstance(EDGE_A, AZ_A, GROUP_A);

    await expect(w.run()).rejects.toThrow(/eni-0ffffffffffffffff does not exist/);
  });

  test("GIVEN the attach never completes THEN the AZ fails at the Lambda's deadline", async () => {
    const w = world({ eniByAz: new Map([[AZ_A, ENI_A]]) });
    w.ec2.addGroupInstance(EDGE_A, AZ_A, GROUP_A);
    w.ec2.attachDelayMs = Number.POSITIVE_INFINITY;
    const started = w.clock.nowMs;

    await expect(w.run({ getRemainingTimeInMillis: () => 60_000 })).rejects.toThrow(
      /deadline reached during wait-attached/,
    );
    // The budget is the Lambda's remaining time less the 10 s margin.
    expect(w.clock.nowMs - started).toBeLessThanOrEqual(50_000);
    expect(w.clock.nowMs - started).toBeGreaterThan(40_000);
  });

  test("GIVEN no EDGE_GROUP_NAMES THEN a scheduled event fails with the fix, and no AWS call", async () => {
    const w = world({ edgeGroupNames: [] });

    await expect(w.run()).rejects.toThrow(
      /EDGE_GROUP_NAMES \(undefined\) must be set for the reconcile; set it to a JSON array/,
    );
    expect(w.calls()).toEqual([]);
    expect(w.logs().at(-1)).toMatchObject({ step: "reconcile", result: "not-configured", level: "error" });
  });
});
