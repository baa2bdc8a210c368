/**
 * Fault matrix of the static-IP attacher against in-memory EC2 and Auto Scaling. Each case asserts
 * the lifecycle result reported (CONTINUE / ABANDON / none) and the AWS calls made.
 */
import { AttacherConfig } from "../../../src/static-ip-attacher/config";
import { InvalidLifecycleEventError } from "../../../src/static-ip-attacher/events";
import {
  createHandler,
  deadlineFor,
  handler,
  HandlerResult,
  LambdaContextLike,
} from "../../../src/static-ip-attacher/handler";
import { StepLine } from "../../../src/static-ip-attacher/log";
import launchEvent from "./fixtures/launch-event.json";
import { autoScalingError, ec2Error, FakeAutoScaling, FakeClock, FakeEc2 } from "./fakes";

const INSTANCE = launchEvent.detail.EC2InstanceId;
const TOKEN = launchEvent.detail.LifecycleActionToken;
const OTHER = "i-0ffffffffffffffff";
const AZ = "eu-west-2a";
const ENI = "eni-0aaaaaaaaaaaaaaaa";
const ENI_B = "eni-0bbbbbbbbbbbbbbbb";
const ENI_C = "eni-0cccccccccccccccc";
const EVENT_TIME_MS = Date.parse(launchEvent.time);
const HEARTBEAT_SECONDS = 120;

const HAPPY_PATH = [
  "DescribeInstances",
  "DescribeNetworkInterfaces",
  "AttachNetworkInterface",
  "DescribeNetworkInterfaces",
  "CompleteLifecycleAction",
];

function world(config: Partial<AttacherConfig> = {}) {
  // The event reaches the Lambda 2 s after Auto Scaling emitted it.
  const clock = new FakeClock(EVENT_TIME_MS + 2_000);
  const ec2 = new FakeEc2(clock).addInstance(INSTANCE, AZ).addEni(ENI, AZ).addEni(ENI_B, "eu-west-2b");
  const autoscaling = new FakeAutoScaling(ec2);
  const lines: string[] = [];
  const handle = createHandler({
    ec2,
    autoscaling,
    config: {
      eniByAz: new Map([
        [AZ, ENI],
        ["eu-west-2b", ENI_B],
      ]),
      deviceIndex: 1,
      heartbeatTimeoutSeconds: HEARTBEAT_SECONDS,
      ...config,
    },
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
    writeLog: (line) => lines.push(line),
  });
  const logs = (): StepLine[] => lines.map((l) => JSON.parse(l) as StepLine);
  return {
    clock,
    ec2,
    autoscaling,
    logs,
    run: (event: unknown = launchEvent, context?: LambdaContextLike): Promise<HandlerResult> =>
      handle(event, context),
    calls: (): string[] => ec2.commandNames,
    inputsOf: (command: string): object[] =>
      ec2.calls.filter((c) => c.command === command).map((c) => c.input),
  };
}

function handled(result: HandlerResult) {
  if (result.status !== "handled") throw new Error(`expected a handled event, got ${JSON.stringify(result)}`);
  return result;
}

describe("happy path", () => {
  test("GIVEN an available ENI WHEN the instance launches THEN it is attached at device 1 and CONTINUE, in 5 calls", async () => {
    const w = world();

    const result = handled(await w.run());

    expect(result).toEqual({
      status: "handled",
      instanceId: INSTANCE,
      result: "CONTINUE",
      reason: "attached",
      completion: "completed",
      awsCalls: 5,
    });
    expect(w.calls()).toEqual(HAPPY_PATH);
    expect(w.inputsOf("AttachNetworkInterface")).toEqual([
      { NetworkInterfaceId: ENI, InstanceId: INSTANCE, DeviceIndex: 1 },
    ]);
    expect(w.autoscaling.completions).toEqual([
      {
        AutoScalingGroupName: launchEvent.detail.AutoScalingGroupName,
        LifecycleHookName: launchEvent.detail.LifecycleHookName,
        LifecycleActionToken: TOKEN,
        InstanceId: INSTANCE,
        LifecycleActionResult: "CONTINUE",
      },
    ]);
    expect(w.ec2.attachmentOf(ENI)).toEqual({ instanceId: INSTANCE, deviceIndex: 1, status: "attached" });
  });

  test("every step logs one JSON line with step, result, instance, ENI, AZ and elapsed ms", async () => {
    const w = world();

    await w.run();

    const logs = w.logs();
    expect(logs.map((l) => `${l.step}:${l.result}`)).toEqual([
      "event:launch",
      "describe-instance:running",
      "describe-eni:available",
      "attach:sent",
      "wait-attached:attached",
      "complete:CONTINUE",
      "done:CONTINUE",
    ]);
    for (const line of logs.slice(1)) {
      expect(line).toMatchObject({ level: "info", instanceId: INSTANCE, elapsedMs: expect.any(Number) });
    }
    expect(logs.find((l) => l.step === "attach")).toMatchObject({ eniId: ENI, az: AZ });
    expect(logs.at(-1)).toMatchObject({
      step: "done",
      awsCalls: 5,
      reason: "attached",
      publicIp: "18.130.0.10",
      eniId: ENI,
      az: AZ,
    });
  });

  test("GIVEN the attachment takes 3 s THEN the handler polls until attached and CONTINUEs", async () => {
    const w = world();
    w.ec2.attachDelayMs = 3_000;

    const result = handled(await w.run());

    expect(result.result).toBe("CONTINUE");
    expect(w.calls().filter((c) => c === "DescribeNetworkInterfaces").length).toBeGreaterThan(2);
    expect(w.calls()).not.toContain("DetachNetworkInterface");
  });

  test("GIVEN DEVICE_INDEX 2 THEN the ENI is attached at device index 2", async () => {
    const w = world({ deviceIndex: 2 });

    await w.run();

    expect(w.inputsOf("AttachNetworkInterface")).toEqual([
      { NetworkInterfaceId: ENI, InstanceId: INSTANCE, DeviceIndex: 2 },
    ]);
    expect(w.autoscaling.result).toBe("CONTINUE");
  });

  test("GIVEN the instance is still pending for 2 s THEN EC2's IncorrectInstanceState is retried until it runs", async () => {
    const w = world();
    w.ec2.runningAfter(INSTANCE, 2_000);

    const result = handled(await w.run());

    expect(result.result).toBe("CONTINUE");
    // Refused at t+0 and t+1 s, accepted at t+2.5 s; each refusal re-reads the instance.
    expect(w.inputsOf("AttachNetworkInterface")).toHaveLength(3);
    expect(w.logs().filter((l) => l.result === "instance-not-ready")).toHaveLength(2);
  });

  test("GIVEN a just-launched instance is not visible yet THEN DescribeInstances is retried and it CONTINUEs", async () => {
    const w = world();
    w.ec2.notFoundFor.set(INSTANCE, 2);

    const result = handled(await w.run());

    expect(result.result).toBe("CONTINUE");
    expect(w.calls().slice(0, 3)).toEqual(["DescribeInstances", "DescribeInstances", "DescribeInstances"]);
  });
});

describe("duplicate deliveries", () => {
  test("GIVEN the ENI is already attached to this instance THEN no attach, CONTINUE", async () => {
    const w = world();
    w.ec2.attachNow(ENI, INSTANCE);

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "CONTINUE", reason: "already-attached", completion: "completed" });
    expect(w.calls()).toEqual(["DescribeInstances", "DescribeNetworkInterfaces", "CompleteLifecycleAction"]);
  });

  test("GIVEN the ENI is still attaching to this instance THEN the handler waits for attached, no second attach", async () => {
    const w = world();
    w.ec2.attachNow(ENI, INSTANCE, 1, 2_000);

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "CONTINUE", reason: "already-attached" });
    expect(w.calls()).not.toContain("AttachNetworkInterface");
    expect(w.calls().filter((c) => c === "DescribeNetworkInterfaces").length).toBeGreaterThanOrEqual(2);
  });

  test("GIVEN the lifecycle action was already completed THEN ValidationError is success", async () => {
    const w = world();
    w.ec2.attachNow(ENI, INSTANCE);
    w.autoscaling.completeEarlier(TOKEN);

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "CONTINUE", completion: "already-completed" });
    expect(w.autoscaling.result).toBe("none");
    expect(w.logs().find((l) => l.step === "complete")?.result).toBe("already-completed");
  });

  test("GIVEN the same event twice THEN one attach, one completion, and both runs succeed", async () => {
    const w = world();

    const first = handled(await w.run());
    const second = handled(await w.run());

    expect(first).toMatchObject({ result: "CONTINUE", reason: "attached", completion: "completed" });
    expect(second).toMatchObject({
      result: "CONTINUE",
      reason: "already-attached",
      completion: "already-completed",
    });
    expect(w.inputsOf("AttachNetworkInterface")).toHaveLength(1);
    expect(w.autoscaling.completions).toHaveLength(1);
  });

  test("GIVEN a concurrent delivery attaches between our read and our attach THEN its attachment is accepted", async () => {
    const w = world();
    w.ec2.beforeCall = (command) => {
      if (command === "AttachNetworkInterface" && w.ec2.attachmentOf(ENI) === undefined) {
        w.ec2.attachNow(ENI, INSTANCE);
      }
    };

    const result = handled(await w.run());

    expect(result.result).toBe("CONTINUE");
    expect(w.logs().some((l) => l.step === "attach" && l.result === "attached-by-duplicate")).toBe(true);
  });
});

describe("ENI held by another instance", () => {
  test.each([
    ["terminated", true],
    ["shutting-down", false],
    ["stopping", false],
    ["stopped", false],
  ] as const)(
    "GIVEN the owner is %s THEN the ENI is detached (force: %s), attached here, CONTINUE",
    async (state, force) => {
      const w = world();
      w.ec2.addInstance(OTHER, AZ, state).attachNow(ENI, OTHER);

      const result = handled(await w.run());

      expect(result).toMatchObject({ result: "CONTINUE", reason: "attached" });
      expect(w.inputsOf("DetachNetworkInterface")).toEqual([
        { AttachmentId: expect.stringMatching(/^eni-attach-/), Force: force },
      ]);
      expect(w.calls()).not.toContain("DescribeAutoScalingInstances");
      expect(w.ec2.attachmentOf(ENI)?.instanceId).toBe(INSTANCE);
    },
  );

  test("GIVEN the owner no longer exists THEN a forced detach, attach, CONTINUE", async () => {
    const w = world();
    w.ec2.addInstance(OTHER, AZ, "terminated").attachNow(ENI, OTHER);
    w.ec2.removeInstance(OTHER);

    const result = handled(await w.run());

    expect(result.result).toBe("CONTINUE");
    expect(w.inputsOf("DetachNetworkInterface")).toEqual([{ AttachmentId: expect.any(String), Force: true }]);
  });

  test("GIVEN a normal detach hangs THEN it is forced after 15 s and the ENI still moves", async () => {
    const w = world();
    w.ec2.addInstance(OTHER, AZ, "shutting-down").attachNow(ENI, OTHER);
    w.ec2.detachDelayMs = Number.POSITIVE_INFINITY;
    const start = w.clock.nowMs;

    const result = handled(await w.run());

    expect(result.result).toBe("CONTINUE");
    expect(w.inputsOf("DetachNetworkInterface").map((i) => ("Force" in i ? i.Force : undefined))).toEqual([
      false,
      true,
    ]);
    expect(w.clock.nowMs - start).toBeGreaterThanOrEqual(15_000);
  });

  test("GIVEN the ENI is already detaching from a terminated owner THEN no detach call, wait, attach", async () => {
    const w = world();
    w.ec2.addInstance(OTHER, AZ, "terminated").attachNow(ENI, OTHER).detachingNow(ENI, 2_500);

    const result = handled(await w.run());

    expect(result.result).toBe("CONTINUE");
    expect(w.calls()).not.toContain("DetachNetworkInterface");
    expect(w.logs().find((l) => l.step === "detach")?.result).toBe("already-detaching");
  });

  test("GIVEN a running owner that Auto Scaling is terminating (Terminating:Wait) THEN it is detached normally", async () => {
    const w = world();
    w.ec2.addInstance(OTHER, AZ, "running", "Terminating:Wait").attachNow(ENI, OTHER);

    const result = handled(await w.run());

    expect(result.result).toBe("CONTINUE");
    expect(w.inputsOf("DescribeAutoScalingInstances")).toEqual([{ InstanceIds: [OTHER] }]);
    expect(w.inputsOf("DetachNetworkInterface")).toEqual([
      { AttachmentId: expect.any(String), Force: false },
    ]);
  });

  test.each([["InService"], [undefined]])(
    "GIVEN a healthy running owner (lifecycle %s) THEN REFUSE: no detach, no attach, ABANDON",
    async (lifecycleState) => {
      const w = world();
      w.ec2.addInstance(OTHER, AZ, "running", lifecycleState).attachNow(ENI, OTHER);

      const result = handled(await w.run());

      expect(result).toMatchObject({ result: "ABANDON", reason: "eni-in-use" });
      expect(w.autoscaling.result).toBe("ABANDON");
      expect(w.calls()).toEqual([
        "DescribeInstances",
        "DescribeNetworkInterfaces",
        "DescribeInstances",
        "DescribeAutoScalingInstances",
        "CompleteLifecycleAction",
      ]);
      expect(w.ec2.attachmentOf(ENI)?.instanceId).toBe(OTHER);
      expect(w.logs().find((l) => l.step === "refuse")).toMatchObject({
        result: "owner-healthy",
        level: "warn",
      });
    },
  );

  test("GIVEN the ENI is the primary interface of another instance THEN REFUSE without asking about the owner", async () => {
    const w = world();
    w.ec2.addInstance(OTHER, AZ, "terminated").attachNow(ENI, OTHER, 0);

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "ABANDON", reason: "eni-in-use" });
    expect(w.calls()).toEqual(["DescribeInstances", "DescribeNetworkInterfaces", "CompleteLifecycleAction"]);
  });
});

describe("instance already gone", () => {
  test.each([["terminated"], ["shutting-down"]] as const)(
    "GIVEN the instance is %s THEN ABANDON without touching the ENI",
    async (state) => {
      const w = world();
      w.ec2.setState(INSTANCE, state);

      const result = handled(await w.run());

      expect(result).toMatchObject({ result: "ABANDON", reason: "instance-gone" });
      expect(w.calls()).toEqual(["DescribeInstances", "CompleteLifecycleAction"]);
    },
  );

  test("GIVEN EC2 never finds the instance THEN ABANDON after the not-found grace, no ENI calls", async () => {
    const w = world();
    w.ec2.removeInstance(INSTANCE);
    const start = w.clock.nowMs;

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "ABANDON", reason: "instance-gone" });
    expect(w.calls().filter((c) => c !== "DescribeInstances")).toEqual(["CompleteLifecycleAction"]);
    expect(w.clock.nowMs - start).toBeLessThanOrEqual(10_000);
  });

  test("GIVEN the instance is gone AND completing fails THEN the error is ignored", async () => {
    const w = world();
    w.ec2.setState(INSTANCE, "terminated");
    w.autoscaling.failNext("CompleteLifecycleAction", autoScalingError("AccessDenied"));

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "ABANDON", completion: "failed-ignored" });
  });

  test("GIVEN the instance disappears between describe and attach THEN ABANDON instance-gone", async () => {
    const w = world();
    w.ec2.beforeCall = (command) => {
      if (command === "AttachNetworkInterface") w.ec2.setState(INSTANCE, "terminated");
    };

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "ABANDON", reason: "instance-gone" });
  });
});

describe("throttling", () => {
  test.each([
    ["RequestLimitExceeded"],
    ["Throttling"],
    ["ThrottlingException"],
    ["TooManyRequestsException"],
  ])("GIVEN %s twice on DescribeInstances THEN it is retried with backoff and CONTINUEs", async (code) => {
    const w = world();
    w.ec2.failNext("DescribeInstances", ec2Error(code), ec2Error(code));
    const start = w.clock.nowMs;

    const result = handled(await w.run());

    expect(result.result).toBe("CONTINUE");
    expect(w.calls()).toEqual(["DescribeInstances", "DescribeInstances", ...HAPPY_PATH]);
    const retries = w.logs().filter((l) => l.step === "retry");
    expect(retries.map((l) => l.result)).toEqual([code, code]);
    // Equal jitter with random() = 0.5: 150 ms, then 300 ms; then the 1 s wait before the attach poll.
    expect(w.clock.nowMs - start).toBe(150 + 300 + 1_000);
  });

  test("GIVEN throttling on attach and on completion THEN both are retried and it CONTINUEs", async () => {
    const w = world();
    w.ec2.failNext("AttachNetworkInterface", ec2Error("RequestLimitExceeded"));
    w.autoscaling.failNext("CompleteLifecycleAction", autoScalingError("Throttling"));

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "CONTINUE", completion: "completed", awsCalls: 7 });
    expect(w.inputsOf("AttachNetworkInterface")).toHaveLength(2);
  });

  test("GIVEN throttling that never stops on attach THEN 5 attempts, then ABANDON", async () => {
    const w = world();
    w.ec2.failNext(
      "AttachNetworkInterface",
      ...Array.from({ length: 5 }, () => ec2Error("RequestLimitExceeded")),
    );

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "ABANDON", reason: "aws-error" });
    expect(w.inputsOf("AttachNetworkInterface")).toHaveLength(5);
    expect(w.autoscaling.result).toBe("ABANDON");
  });

  test("GIVEN throttling that never stops on CompleteLifecycleAction THEN the handler throws (Lambda retries)", async () => {
    const w = world();
    w.autoscaling.failNext(
      "CompleteLifecycleAction",
      ...Array.from({ length: 5 }, () => autoScalingError("Throttling")),
    );

    await expect(w.run()).rejects.toMatchObject({ name: "Throttling" });
    expect(w.logs().find((l) => l.step === "complete")).toMatchObject({ result: "failed", level: "error" });
  });

  test("GIVEN a non-retryable error on DescribeNetworkInterfaces THEN no retry and ABANDON", async () => {
    const w = world();
    w.ec2.failNext("DescribeNetworkInterfaces", ec2Error("UnauthorizedOperation", 403));

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "ABANDON", reason: "aws-error" });
    expect(w.inputsOf("DescribeNetworkInterfaces")).toHaveLength(1);
  });
});

describe("deadline", () => {
  test("GIVEN the attachment never completes THEN ABANDON before the hook's heartbeat runs out", async () => {
    const w = world();
    w.ec2.attachDelayMs = Number.POSITIVE_INFINITY;

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "ABANDON", reason: "deadline-exceeded" });
    expect(w.autoscaling.result).toBe("ABANDON");
    const heartbeatEnd = EVENT_TIME_MS + HEARTBEAT_SECONDS * 1000;
    expect(w.clock.nowMs).toBeLessThan(heartbeatEnd);
    expect(w.clock.nowMs).toBeGreaterThanOrEqual(heartbeatEnd - 10_000);
    expect(w.logs().find((l) => l.step === "wait-attached")?.result).toBe("timeout");
  });

  test("GIVEN a Lambda with less time left than the heartbeat THEN the Lambda's time bounds the wait", async () => {
    const w = world();
    w.ec2.attachDelayMs = Number.POSITIVE_INFINITY;
    const start = w.clock.nowMs;

    const result = handled(await w.run(launchEvent, { getRemainingTimeInMillis: () => 30_000 }));

    expect(result).toMatchObject({ result: "ABANDON", reason: "deadline-exceeded" });
    expect(w.clock.nowMs - start).toBeLessThanOrEqual(20_000);
  });

  test("GIVEN an event older than the heartbeat (a late Lambda retry) THEN ABANDON without touching EC2", async () => {
    const w = world();
    w.clock.nowMs = EVENT_TIME_MS + HEARTBEAT_SECONDS * 1000 + 60_000;

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "ABANDON", reason: "deadline-exceeded" });
    expect(w.calls()).toEqual(["CompleteLifecycleAction"]);
  });

  test("deadlineFor: heartbeat from the event time, bounded by the Lambda, never extended by a future event time", () => {
    expect(deadlineFor(1_000_000, 1_005_000, 120, 10_000)).toBe(1_000_000 + 110_000);
    expect(deadlineFor(1_000_000, 1_005_000, 120, 10_000, 30_000)).toBe(1_005_000 + 20_000);
    expect(deadlineFor(2_000_000, 1_005_000, 120, 10_000)).toBe(1_005_000 + 110_000);
    expect(deadlineFor(undefined, 1_005_000, 120, 10_000)).toBe(1_005_000 + 110_000);
  });
});

describe("configuration mismatches", () => {
  test("GIVEN no ENI configured for the instance's AZ THEN ABANDON without ENI calls", async () => {
    const w = world();
    w.ec2.removeInstance(INSTANCE);
    w.ec2.addInstance(INSTANCE, "eu-west-2c");

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "ABANDON", reason: "no-eni-for-az" });
    expect(w.calls()).toEqual(["DescribeInstances", "CompleteLifecycleAction"]);
    expect(w.logs().find((l) => l.step === "lookup-eni")).toMatchObject({
      result: "no-eni-for-az",
      az: "eu-west-2c",
      configuredAzs: "eu-west-2a,eu-west-2b",
    });
  });

  test("GIVEN the configured ENI does not exist THEN ABANDON eni-not-found", async () => {
    const w = world({ eniByAz: new Map([[AZ, "eni-0deaddeaddeaddead"]]) });

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "ABANDON", reason: "eni-not-found" });
    expect(w.calls()).not.toContain("AttachNetworkInterface");
  });

  test("GIVEN the configured ENI is in another AZ THEN ABANDON eni-in-other-az", async () => {
    const w = world({ eniByAz: new Map([[AZ, ENI_B]]) });

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "ABANDON", reason: "eni-in-other-az" });
    expect(w.calls()).not.toContain("AttachNetworkInterface");
  });

  test("GIVEN another ENI already sits at the device index THEN ABANDON device-index-taken", async () => {
    const w = world();
    w.ec2.addEni(ENI_C, AZ).attachNow(ENI_C, INSTANCE, 1);

    const result = handled(await w.run());

    expect(result).toMatchObject({ result: "ABANDON", reason: "device-index-taken" });
    expect(w.calls()).toEqual(["DescribeInstances", "CompleteLifecycleAction"]);
  });
});

describe("events", () => {
  test("GIVEN a launch event with fields missing THEN a clear error and no AWS call", async () => {
    const w = world();
    const broken = {
      ...launchEvent,
      detail: { ...launchEvent.detail, EC2InstanceId: "", LifecycleActionToken: 7 },
    };

    await expect(w.run(broken)).rejects.toThrow(InvalidLifecycleEventError);
    await expect(w.run(broken)).rejects.toThrow(
      /detail\.EC2InstanceId \(""\).*detail\.LifecycleActionToken \(7\)/,
    );
    expect(w.calls()).toEqual([]);
    expect(w.logs()[0]).toMatchObject({ step: "event", result: "invalid", level: "error" });
  });

  test("GIVEN a test notification THEN it is ignored without error or AWS call", async () => {
    const w = world();
    const testNotification = {
      ...launchEvent,
      detail: { ...launchEvent.detail, LifecycleTransition: "autoscaling:TEST_NOTIFICATION" },
    };

    await expect(w.run(testNotification)).resolves.toEqual({
      status: "ignored",
      reason: "test-notification",
    });
    expect(w.calls()).toEqual([]);
  });

  test("GIVEN an unrelated event THEN it is ignored", async () => {
    const w = world();
    const stateChange = {
      ...launchEvent,
      "detail-type": "EC2 Instance State-change Notification",
      source: "aws.ec2",
      detail: { "instance-id": INSTANCE, state: "running" },
    };

    await expect(w.run(stateChange)).resolves.toEqual({
      status: "ignored",
      reason: "not-a-launch-lifecycle-action",
    });
    expect(w.calls()).toEqual([]);
  });

  test("GIVEN a launch into the warm pool THEN CONTINUE without attaching", async () => {
    const w = world();
    const toWarmPool = { ...launchEvent, detail: { ...launchEvent.detail, Destination: "WarmPool" } };

    const result = handled(await w.run(toWarmPool));

    expect(result).toMatchObject({ result: "CONTINUE", reason: "warm-pool" });
    expect(w.calls()).toEqual(["CompleteLifecycleAction"]);
  });
});

describe("Lambda entry point", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test("GIVEN no ENI_BY_AZ THEN the invocation fails with the fix in the message", async () => {
    delete process.env.ENI_BY_AZ;
    process.env.HEARTBEAT_TIMEOUT_SECONDS = "120";

    await expect(handler(launchEvent)).rejects.toThrow(
      /ENI_BY_AZ \(undefined\) must be set; set it to a JSON object/,
    );
  });

  test("GIVEN a valid environment THEN a test notification is ignored by the real entry point", async () => {
    process.env.ENI_BY_AZ = JSON.stringify({ [AZ]: ENI });
    process.env.HEARTBEAT_TIMEOUT_SECONDS = "120";
    process.env.AWS_REGION = "eu-west-2";
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const result = await handler({
        ...launchEvent,
        detail: { ...launchEvent.detail, LifecycleTransition: "autoscaling:TEST_NOTIFICATION" },
      });
      expect(result).toEqual({ status: "ignored", reason: "test-notification" });
      expect(JSON.parse(String(log.mock.calls[0]?.[0]))).toMatchObject({ step: "event", result: "ignored" });
    } finally {
      log.mockRestore();
    }
  });
});
