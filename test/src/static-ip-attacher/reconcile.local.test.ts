/**
 * The reconcile against the local AWS (moto server), driven with the documented EventBridge
 * "Scheduled Event": a real Auto Scaling group (moto launches its instance from a launch template
 * and reports it InService through DescribeAutoScalingGroups), a real ENI with an Elastic IP.
 *
 * moto gaps, each handled here: Auto Scaling never pauses instances in Pending:Wait nor emits
 * lifecycle events (the reconcile does not need them); a terminated instance keeps its secondary
 * ENI "attached" (real EC2 detaches it), which drives the reconcile down its forced-detach path.
 */
import { randomUUID } from "node:crypto";
import {
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand } from "@aws-sdk/client-ec2";
import { AttacherConfig } from "../../../src/static-ip-attacher/config";
import { createHandler, HandlerResult } from "../../../src/static-ip-attacher/handler";
import { LocalAws, LOCAL_REGION, startLocalAws } from "../../support/moto";
import scheduledEvent from "./fixtures/scheduled-event.json";
import {
  createStaticIpWorld,
  eniState,
  instanceState,
  LOCAL_AZ,
  RecordingAutoScaling,
  RecordingEc2,
  StaticIpWorld,
} from "./local-world";

jest.setTimeout(120_000);

const GROUP = "main-edge-eu-west-2a";

describe("static-IP reconcile against the local AWS (moto)", () => {
  let aws: LocalAws;
  let world: StaticIpWorld;
  let config: AttacherConfig;

  beforeAll(async () => {
    aws = await startLocalAws();
    world = await createStaticIpWorld(aws);
    config = {
      eniByAz: new Map([[LOCAL_AZ, world.eniId]]),
      deviceIndex: 1,
      heartbeatTimeoutSeconds: 120,
      edgeGroupNames: [GROUP],
    };
    await world.ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "edge",
        LaunchTemplateData: { ImageId: world.imageId, InstanceType: "t3.micro" },
      }),
    );
    await world.autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: GROUP,
        LaunchTemplate: { LaunchTemplateName: "edge", Version: "$Latest" },
        MinSize: 1,
        MaxSize: 1,
        DesiredCapacity: 1,
        VPCZoneIdentifier: world.subnetId,
      }),
    );
  });

  afterAll(async () => {
    world?.ec2.destroy();
    world?.autoscaling.destroy();
    await aws?.stop();
  });

  async function groupInstances(): Promise<Array<{ id: string; state: string; az: string }>> {
    const out = await world.autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }),
    );
    return (out.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => ({
      id: i.InstanceId ?? "",
      state: `${i.LifecycleState}/${i.HealthStatus}`,
      az: i.AvailabilityZone ?? "",
    }));
  }

  /** Runs the real handler (real clients to moto, recording) on a fresh scheduled event. */
  async function reconcile() {
    const ec2 = new RecordingEc2(world.ec2);
    const autoscaling = new RecordingAutoScaling(world.autoscaling);
    const event = {
      ...scheduledEvent,
      id: randomUUID(),
      time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      region: LOCAL_REGION,
    };
    const result: HandlerResult = await createHandler({
      ec2,
      autoscaling,
      config,
      writeLog: () => undefined,
    })(event);
    return { result, calls: [...autoscaling.calls, ...ec2.calls.map((c) => c.command)], ec2, autoscaling };
  }

  test("moto launches the group's instance and reports it InService/Healthy in the ENI's AZ", async () => {
    const instances = await groupInstances();
    expect(instances).toEqual([
      { id: expect.stringMatching(/^i-/), state: "InService/Healthy", az: LOCAL_AZ },
    ]);
  });

  test("GIVEN the ENI unattached WHEN the reconcile runs THEN it is attached to the InService instance, same public IP, no lifecycle call", async () => {
    const [edge] = await groupInstances();
    expect((await eniState(world)).instanceId).toBeUndefined();

    const { result, calls, ec2, autoscaling } = await reconcile();

    expect(result).toEqual({
      status: "reconciled",
      azs: [
        { az: LOCAL_AZ, eniId: world.eniId, action: "attached", instanceId: edge.id, reason: "attached" },
      ],
      awsCalls: 6,
    });
    expect(calls).toEqual([
      "DescribeAutoScalingGroups",
      "DescribeNetworkInterfaces",
      "DescribeInstances",
      "DescribeNetworkInterfaces",
      "AttachNetworkInterface",
      "DescribeNetworkInterfaces",
    ]);
    expect(ec2.calls.find((c) => c.command === "AttachNetworkInterface")?.input).toEqual({
      NetworkInterfaceId: world.eniId,
      InstanceId: edge.id,
      DeviceIndex: 1,
    });
    expect(autoscaling.completions).toEqual([]);
    expect(await eniState(world)).toEqual({
      instanceId: edge.id,
      deviceIndex: 1,
      attachmentStatus: "attached",
      publicIp: world.publicIp,
      addressEniId: world.eniId,
      addressPublicIp: world.publicIp,
    });
  });

  test("GIVEN the ENI in place WHEN the reconcile runs again THEN nothing moves, in 2 calls", async () => {
    const [edge] = await groupInstances();

    const { result, calls } = await reconcile();

    expect(result).toMatchObject({
      status: "reconciled",
      azs: [{ action: "in-place", instanceId: edge.id }],
      awsCalls: 2,
    });
    expect(calls).toEqual(["DescribeAutoScalingGroups", "DescribeNetworkInterfaces"]);
  });

  test("GIVEN the edge instance terminated and replaced by the group THEN the reconcile moves the ENI to the replacement, same public IP", async () => {
    const [old] = await groupInstances();
    await world.autoscaling.send(
      new TerminateInstanceInAutoScalingGroupCommand({
        InstanceId: old.id,
        ShouldDecrementDesiredCapacity: false,
      }),
    );
    const instances = await groupInstances();
    const replacement = instances.find((i) => i.id !== old.id);
    expect(replacement).toMatchObject({ state: "InService/Healthy", az: LOCAL_AZ });
    expect(await instanceState(world, old.id)).toBe("terminated");
    // moto leaves the ENI "attached" to the terminated instance.
    expect((await eniState(world)).instanceId).toBe(old.id);

    const { result, calls, ec2 } = await reconcile();

    expect(result).toMatchObject({
      status: "reconciled",
      azs: [{ action: "attached", instanceId: replacement?.id, reason: "attached" }],
    });
    expect(calls).toEqual([
      "DescribeAutoScalingGroups",
      "DescribeNetworkInterfaces",
      "DescribeInstances",
      "DescribeNetworkInterfaces",
      "DescribeInstances",
      "DetachNetworkInterface",
      "DescribeNetworkInterfaces",
      "AttachNetworkInterface",
      "DescribeNetworkInterfaces",
    ]);
    expect(ec2.calls.find((c) => c.command === "DetachNetworkInterface")?.input).toMatchObject({
      Force: true,
    });
    expect(await eniState(world)).toEqual({
      instanceId: replacement?.id,
      deviceIndex: 1,
      attachmentStatus: "attached",
      publicIp: world.publicIp,
      addressEniId: world.eniId,
      addressPublicIp: world.publicIp,
    });
  });
});
