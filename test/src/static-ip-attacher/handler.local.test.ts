/**
 * The handler against moto's EC2 (a local moto server), driven with the documented event shape:
 * first attach, a duplicate delivery, failover to a replacement after the first instance is
 * terminated, a refusal to steal from a healthy instance, and a launch whose instance is gone.
 *
 * Not covered here, because moto does not do it: Auto Scaling emitting lifecycle events (moto stores
 * hooks but never pauses instances in Pending:Wait), CompleteLifecycleAction (see the first test),
 * and EC2's own timing (moto attaches and detaches instantly; "attaching"/"detaching" states and slow
 * or hung detaches are covered by the fault matrix in handler.test.ts).
 */
import {
  CompleteLifecycleActionCommand,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeLifecycleHooksCommand,
  PutLifecycleHookCommand,
} from "@aws-sdk/client-auto-scaling";
import { AttacherConfig } from "../../../src/static-ip-attacher/config";
import { createHandler, HandlerResult } from "../../../src/static-ip-attacher/handler";
import { StepLine } from "../../../src/static-ip-attacher/log";
import { LocalAws, startLocalAws } from "../../support/moto";
import {
  createStaticIpWorld,
  EDGE_GROUP,
  eniState,
  instanceState,
  launchEdgeInstance,
  launchEventFor,
  LOCAL_AZ,
  RecordingAutoScaling,
  RecordingEc2,
  StaticIpWorld,
  terminate,
} from "./local-world";

jest.setTimeout(120_000);

describe("static-IP attacher against the local AWS (moto)", () => {
  let aws: LocalAws;
  let world: StaticIpWorld;
  let config: AttacherConfig;
  let first: string;
  let second: string;

  beforeAll(async () => {
    aws = await startLocalAws();
    world = await createStaticIpWorld(aws);
    config = { eniByAz: new Map([[LOCAL_AZ, world.eniId]]), deviceIndex: 1, heartbeatTimeoutSeconds: 120 };
    first = await launchEdgeInstance(world);
    second = await launchEdgeInstance(world);
  });

  afterAll(async () => {
    world?.ec2.destroy();
    world?.autoscaling.destroy();
    await aws?.stop();
  });

  /** Runs the real handler (real EC2 client to moto; recording Auto Scaling) on one event. */
  async function run(instanceId: string) {
    const ec2 = new RecordingEc2(world.ec2);
    const autoscaling = new RecordingAutoScaling(world.autoscaling);
    const lines: string[] = [];
    const event = launchEventFor(instanceId);
    const result: HandlerResult = await createHandler({
      ec2,
      autoscaling,
      config,
      writeLog: (line) => lines.push(line),
    })(event);
    const calls = [...ec2.calls.map((c) => c.command), ...autoscaling.calls];
    return { event, result, ec2, autoscaling, calls, logs: lines.map((l) => JSON.parse(l) as StepLine) };
  }

  test("moto stores lifecycle hooks but does not implement CompleteLifecycleAction (hence the recorder)", async () => {
    await world.autoscaling.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: "edge",
        ImageId: world.imageId,
        InstanceType: "t3.micro",
      }),
    );
    await world.autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: "probe",
        LaunchConfigurationName: "edge",
        MinSize: 0,
        MaxSize: 1,
        DesiredCapacity: 0,
        VPCZoneIdentifier: world.subnetId,
      }),
    );
    await world.autoscaling.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: "probe",
        LifecycleHookName: "attach-static-ip",
        LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
        HeartbeatTimeout: 120,
        DefaultResult: "ABANDON",
      }),
    );
    const hooks = await world.autoscaling.send(
      new DescribeLifecycleHooksCommand({ AutoScalingGroupName: "probe" }),
    );
    expect(hooks.LifecycleHooks?.map((h) => h.LifecycleHookName)).toEqual(["attach-static-ip"]);

    // If this starts to pass, moto implements it: drop RecordingAutoScaling's stand-in and assert moto's state.
    await expect(
      world.autoscaling.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: "probe",
          LifecycleHookName: "attach-static-ip",
          InstanceId: first,
          LifecycleActionToken: "87654321-4321-4321-4321-210987654321",
          LifecycleActionResult: "CONTINUE",
        }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
  });

  test("GIVEN a free ENI WHEN instance 1 launches THEN the ENI is attached at device 1, the EIP stays, CONTINUE in 5 calls", async () => {
    const before = await eniState(world);
    expect(before).toMatchObject({
      instanceId: undefined,
      publicIp: world.publicIp,
      addressEniId: world.eniId,
    });

    const { event, result, ec2, autoscaling, calls } = await run(first);

    expect(result).toEqual({
      status: "handled",
      instanceId: first,
      result: "CONTINUE",
      reason: "attached",
      completion: "completed",
      awsCalls: 5,
    });
    expect(calls).toEqual([
      "DescribeInstances",
      "DescribeNetworkInterfaces",
      "AttachNetworkInterface",
      "DescribeNetworkInterfaces",
      "CompleteLifecycleAction",
    ]);
    expect(ec2.calls.find((c) => c.command === "AttachNetworkInterface")?.input).toEqual({
      NetworkInterfaceId: world.eniId,
      InstanceId: first,
      DeviceIndex: 1,
    });
    expect(autoscaling.completions).toEqual([
      {
        AutoScalingGroupName: EDGE_GROUP,
        LifecycleHookName: event.detail.LifecycleHookName,
        LifecycleActionToken: event.detail.LifecycleActionToken,
        InstanceId: first,
        LifecycleActionResult: "CONTINUE",
      },
    ]);
    expect(await eniState(world)).toEqual({
      instanceId: first,
      deviceIndex: 1,
      attachmentStatus: "attached",
      publicIp: world.publicIp,
      addressEniId: world.eniId,
      addressPublicIp: world.publicIp,
    });
  });

  test("GIVEN the same launch delivered again THEN no second attach, CONTINUE", async () => {
    const { result, calls } = await run(first);

    expect(result).toMatchObject({ result: "CONTINUE", reason: "already-attached" });
    expect(calls).toEqual(["DescribeInstances", "DescribeNetworkInterfaces", "CompleteLifecycleAction"]);
    expect((await eniState(world)).instanceId).toBe(first);
  });

  test("GIVEN a healthy running instance 1 WHEN instance 2 launches THEN the handler refuses to steal: ABANDON", async () => {
    const { result, calls, autoscaling } = await run(second);

    expect(result).toMatchObject({ result: "ABANDON", reason: "eni-in-use" });
    // moto answers DescribeAutoScalingInstances (instance 1 is in no group: a healthy stranger).
    expect(calls).toEqual([
      "DescribeInstances",
      "DescribeNetworkInterfaces",
      "DescribeInstances",
      "DescribeAutoScalingInstances",
      "CompleteLifecycleAction",
    ]);
    expect(autoscaling.completions.map((c) => c.LifecycleActionResult)).toEqual(["ABANDON"]);
    expect((await eniState(world)).instanceId).toBe(first);
  });

  test("GIVEN instance 1 terminated WHEN instance 2 launches THEN the ENI moves to it with the same public IP", async () => {
    await terminate(world, first);
    expect(await instanceState(world, first)).toBe("terminated");
    // moto leaves the ENI "attached" to the terminated instance (real EC2 detaches it on termination),
    // which drives the handler down its forced-detach path.
    expect((await eniState(world)).instanceId).toBe(first);

    const { result, calls, logs, autoscaling } = await run(second);

    expect(result).toMatchObject({ result: "CONTINUE", reason: "attached", completion: "completed" });
    expect(calls).toEqual([
      "DescribeInstances",
      "DescribeNetworkInterfaces",
      "DescribeInstances",
      "DetachNetworkInterface",
      "DescribeNetworkInterfaces",
      "AttachNetworkInterface",
      "DescribeNetworkInterfaces",
      "CompleteLifecycleAction",
    ]);
    expect(logs.find((l) => l.step === "check-owner")).toMatchObject({
      result: "gone",
      ownerInstanceId: first,
    });
    expect(logs.find((l) => l.step === "detach")).toMatchObject({ result: "sent", force: true });
    expect(autoscaling.completions.map((c) => [c.InstanceId, c.LifecycleActionResult])).toEqual([
      [second, "CONTINUE"],
    ]);
    expect(await eniState(world)).toEqual({
      instanceId: second,
      deviceIndex: 1,
      attachmentStatus: "attached",
      publicIp: world.publicIp,
      addressEniId: world.eniId,
      addressPublicIp: world.publicIp,
    });
  });

  test("GIVEN a launch event for the terminated instance 1 THEN ABANDON, the ENI is not touched", async () => {
    const { result, calls, autoscaling } = await run(first);

    expect(result).toMatchObject({ result: "ABANDON", reason: "instance-gone" });
    expect(calls).toEqual(["DescribeInstances", "CompleteLifecycleAction"]);
    expect(autoscaling.completions.map((c) => c.LifecycleActionResult)).toEqual(["ABANDON"]);
    expect((await eniState(world)).instanceId).toBe(second);
  });
});
