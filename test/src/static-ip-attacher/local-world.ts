/**
 * A static-IP setup in the local AWS (moto server) for the handler's integration test and benchmark:
 * a VPC, a public subnet in one AZ, an ENI holding an Elastic IP, and edge instances launched with
 * RunInstances. Plus clients that record what the handler sends.
 */
import { randomUUID } from "node:crypto";
import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  CompleteLifecycleActionCommandInput,
  CompleteLifecycleActionCommandOutput,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingGroupsCommandOutput,
  DescribeAutoScalingInstancesCommand,
  DescribeAutoScalingInstancesCommandOutput,
} from "@aws-sdk/client-auto-scaling";
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  AttachNetworkInterfaceCommandOutput,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInstancesCommandOutput,
  DescribeNetworkInterfacesCommand,
  DescribeNetworkInterfacesCommandOutput,
  DetachNetworkInterfaceCommand,
  DetachNetworkInterfaceCommandOutput,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { AutoScalingApi, Ec2Api } from "../../../src/static-ip-attacher/aws";
import { LaunchLifecycleEvent } from "../../../src/static-ip-attacher/events";
import { LocalAws, localClientConfig, LOCAL_REGION } from "../../support/moto";
import launchEvent from "./fixtures/launch-event.json";

/** The AZ the edge group is pinned to. */
export const LOCAL_AZ = `${LOCAL_REGION}a`;
/** Name of the (notional) edge Auto Scaling group the events come from. */
export const EDGE_GROUP = "edge-eu-west-2a";

/** Forwards EC2 calls to a real client and records their names and inputs. */
export class RecordingEc2 implements Ec2Api {
  readonly calls: Array<{ readonly command: string; readonly input: object }> = [];

  constructor(private readonly real: EC2Client) {}

  send(command: DescribeInstancesCommand): Promise<DescribeInstancesCommandOutput>;
  send(command: DescribeNetworkInterfacesCommand): Promise<DescribeNetworkInterfacesCommandOutput>;
  send(command: AttachNetworkInterfaceCommand): Promise<AttachNetworkInterfaceCommandOutput>;
  send(command: DetachNetworkInterfaceCommand): Promise<DetachNetworkInterfaceCommandOutput>;
  send(
    command:
      | DescribeInstancesCommand
      | DescribeNetworkInterfacesCommand
      | AttachNetworkInterfaceCommand
      | DetachNetworkInterfaceCommand,
  ): Promise<
    | DescribeInstancesCommandOutput
    | DescribeNetworkInterfacesCommandOutput
    | AttachNetworkInterfaceCommandOutput
    | DetachNetworkInterfaceCommandOutput
  > {
    if (command instanceof DescribeInstancesCommand) return this.record("DescribeInstances", command);
    if (command instanceof DescribeNetworkInterfacesCommand)
      return this.record("DescribeNetworkInterfaces", command);
    if (command instanceof AttachNetworkInterfaceCommand)
      return this.record("AttachNetworkInterface", command);
    return this.record("DetachNetworkInterface", command);
  }

  private record(
    name: "DescribeInstances",
    c: DescribeInstancesCommand,
  ): Promise<DescribeInstancesCommandOutput>;
  private record(
    name: "DescribeNetworkInterfaces",
    c: DescribeNetworkInterfacesCommand,
  ): Promise<DescribeNetworkInterfacesCommandOutput>;
  private record(
    name: "AttachNetworkInterface",
    c: AttachNetworkInterfaceCommand,
  ): Promise<AttachNetworkInterfaceCommandOutput>;
  private record(
    name: "DetachNetworkInterface",
    c: DetachNetworkInterfaceCommand,
  ): Promise<DetachNetworkInterfaceCommandOutput>;
  private record(
    name: string,
    c:
      | DescribeInstancesCommand
      | DescribeNetworkInterfacesCommand
      | AttachNetworkInterfaceCommand
      | DetachNetworkInterfaceCommand,
  ): Promise<object> {
    this.calls.push({ command: name, input: structuredClone(c.input) });
    if (c instanceof DescribeInstancesCommand) return this.real.send(c);
    if (c instanceof DescribeNetworkInterfacesCommand) return this.real.send(c);
    if (c instanceof AttachNetworkInterfaceCommand) return this.real.send(c);
    return this.real.send(c);
  }
}

/**
 * Auto Scaling for the handler against moto. moto stores lifecycle hooks but does not implement
 * CompleteLifecycleAction (its server answers HTTP 500 with an HTML page; the integration test
 * proves it), so this records each CompleteLifecycleAction input and answers success without
 * sending it: tests assert the recorded result, token, hook, group and instance instead.
 * DescribeAutoScalingInstances and DescribeAutoScalingGroups, which moto implements, go to moto.
 */
export class RecordingAutoScaling implements AutoScalingApi {
  readonly completions: CompleteLifecycleActionCommandInput[] = [];
  readonly calls: string[] = [];

  constructor(private readonly real: AutoScalingClient) {}

  send(command: DescribeAutoScalingInstancesCommand): Promise<DescribeAutoScalingInstancesCommandOutput>;
  send(command: CompleteLifecycleActionCommand): Promise<CompleteLifecycleActionCommandOutput>;
  send(command: DescribeAutoScalingGroupsCommand): Promise<DescribeAutoScalingGroupsCommandOutput>;
  async send(
    command:
      DescribeAutoScalingInstancesCommand | CompleteLifecycleActionCommand | DescribeAutoScalingGroupsCommand,
  ): Promise<
    | DescribeAutoScalingInstancesCommandOutput
    | CompleteLifecycleActionCommandOutput
    | DescribeAutoScalingGroupsCommandOutput
  > {
    if (command instanceof CompleteLifecycleActionCommand) {
      this.calls.push("CompleteLifecycleAction");
      this.completions.push(structuredClone(command.input));
      return { $metadata: { httpStatusCode: 200 } };
    }
    if (command instanceof DescribeAutoScalingGroupsCommand) {
      this.calls.push("DescribeAutoScalingGroups");
      return this.real.send(command);
    }
    this.calls.push("DescribeAutoScalingInstances");
    return this.real.send(command);
  }
}

/** The static-IP resources created in the local AWS. */
export interface StaticIpWorld {
  readonly ec2: EC2Client;
  readonly autoscaling: AutoScalingClient;
  readonly subnetId: string;
  readonly eniId: string;
  readonly allocationId: string;
  readonly publicIp: string;
  readonly imageId: string;
}

/** Creates VPC, subnet, ENI and Elastic IP (associated with the ENI) in the local AWS. */
export async function createStaticIpWorld(aws: LocalAws): Promise<StaticIpWorld> {
  const ec2 = new EC2Client({ ...localClientConfig(aws), maxAttempts: 1 });
  const autoscaling = new AutoScalingClient({ ...localClientConfig(aws), maxAttempts: 1 });
  const images = await ec2.send(
    new DescribeImagesCommand({
      Owners: ["amazon"],
      Filters: [{ Name: "architecture", Values: ["x86_64"] }],
    }),
  );
  const imageId = images.Images?.find((i) => i.ImageId !== undefined)?.ImageId;
  if (imageId === undefined) throw new Error("moto knows no Amazon AMI");
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }));
  const subnet = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpc.Vpc?.VpcId, CidrBlock: "10.20.0.0/24", AvailabilityZone: LOCAL_AZ }),
  );
  const subnetId = subnet.Subnet?.SubnetId ?? "";
  const eni = await ec2.send(
    new CreateNetworkInterfaceCommand({
      SubnetId: subnetId,
      Description: "static IP for the edge in eu-west-2a",
      TagSpecifications: [
        { ResourceType: "network-interface", Tags: [{ Key: "static-ip:group", Value: EDGE_GROUP }] },
      ],
    }),
  );
  const eniId = eni.NetworkInterface?.NetworkInterfaceId ?? "";
  const address = await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }));
  await ec2.send(
    new AssociateAddressCommand({ AllocationId: address.AllocationId, NetworkInterfaceId: eniId }),
  );
  return {
    ec2,
    autoscaling,
    subnetId,
    eniId,
    allocationId: address.AllocationId ?? "",
    publicIp: address.PublicIp ?? "",
    imageId,
  };
}

/** Launches one edge instance in the world's subnet; returns its id. */
export async function launchEdgeInstance(world: StaticIpWorld): Promise<string> {
  const out = await world.ec2.send(
    new RunInstancesCommand({
      ImageId: world.imageId,
      InstanceType: "t3.micro",
      MinCount: 1,
      MaxCount: 1,
      SubnetId: world.subnetId,
      TagSpecifications: [
        { ResourceType: "instance", Tags: [{ Key: "aws:autoscaling:groupName", Value: EDGE_GROUP }] },
      ],
    }),
  );
  const id = out.Instances?.[0]?.InstanceId;
  if (id === undefined) throw new Error("RunInstances returned no instance");
  return id;
}

/** Terminates an instance. */
export async function terminate(world: StaticIpWorld, instanceId: string): Promise<void> {
  await world.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
}

/** Where the ENI is, and which public IP it carries, as EC2 reports it. */
export async function eniState(world: StaticIpWorld): Promise<{
  instanceId: string | undefined;
  deviceIndex: number | undefined;
  attachmentStatus: string | undefined;
  publicIp: string | undefined;
  addressEniId: string | undefined;
  addressPublicIp: string | undefined;
}> {
  const enis = await world.ec2.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [world.eniId] }),
  );
  const eni = enis.NetworkInterfaces?.[0];
  const addresses = await world.ec2.send(
    new DescribeAddressesCommand({ AllocationIds: [world.allocationId] }),
  );
  const address = addresses.Addresses?.[0];
  return {
    instanceId: eni?.Attachment?.InstanceId,
    deviceIndex: eni?.Attachment?.DeviceIndex,
    attachmentStatus: eni?.Attachment?.Status,
    publicIp: eni?.Association?.PublicIp,
    addressEniId: address?.NetworkInterfaceId,
    addressPublicIp: address?.PublicIp,
  };
}

/** The instance's EC2 state name. */
export async function instanceState(world: StaticIpWorld, instanceId: string): Promise<string | undefined> {
  const out = await world.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

/** The documented launch event (the fixture) for `instanceId`, emitted now, with a fresh token. */
export function launchEventFor(instanceId: string): LaunchLifecycleEvent {
  return {
    ...launchEvent,
    id: randomUUID(),
    // EventBridge writes whole seconds: 2025-06-03T10:15:30Z.
    time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: LOCAL_REGION,
    detail: {
      ...launchEvent.detail,
      EC2InstanceId: instanceId,
      AutoScalingGroupName: EDGE_GROUP,
      LifecycleActionToken: randomUUID(),
    },
  };
}
