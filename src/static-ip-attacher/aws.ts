/**
 * The AWS calls the handler makes, behind narrow interfaces (so tests inject in-memory fakes) and
 * normalized views (so the decision logic never walks SDK response shapes).
 */
import {
  CompleteLifecycleActionCommand,
  CompleteLifecycleActionCommandOutput,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingGroupsCommandOutput,
  DescribeAutoScalingInstancesCommand,
  DescribeAutoScalingInstancesCommandOutput,
} from "@aws-sdk/client-auto-scaling";
import {
  AttachNetworkInterfaceCommand,
  AttachNetworkInterfaceCommandOutput,
  DescribeInstancesCommand,
  DescribeInstancesCommandOutput,
  DescribeNetworkInterfacesCommand,
  DescribeNetworkInterfacesCommandOutput,
  DetachNetworkInterfaceCommand,
  DetachNetworkInterfaceCommandOutput,
} from "@aws-sdk/client-ec2";
import { StepLogger } from "./log";
import { errorCode, errorMessage, RetryOptions, withRetry } from "./retry";

/** The EC2 commands the handler sends; an `EC2Client` satisfies it. */
export interface Ec2Api {
  send(command: DescribeInstancesCommand): Promise<DescribeInstancesCommandOutput>;
  send(command: DescribeNetworkInterfacesCommand): Promise<DescribeNetworkInterfacesCommandOutput>;
  send(command: AttachNetworkInterfaceCommand): Promise<AttachNetworkInterfaceCommandOutput>;
  send(command: DetachNetworkInterfaceCommand): Promise<DetachNetworkInterfaceCommandOutput>;
}

/** The Auto Scaling commands the handler sends; an `AutoScalingClient` satisfies it. */
export interface AutoScalingApi {
  send(command: DescribeAutoScalingInstancesCommand): Promise<DescribeAutoScalingInstancesCommandOutput>;
  send(command: CompleteLifecycleActionCommand): Promise<CompleteLifecycleActionCommandOutput>;
  send(command: DescribeAutoScalingGroupsCommand): Promise<DescribeAutoScalingGroupsCommandOutput>;
}

/** An instance of an Auto Scaling group, as the reconcile sees it. */
export interface GroupInstanceView {
  readonly instanceId: string;
  readonly groupName: string;
  readonly az: string;
  /** Auto Scaling lifecycle state: Pending:Wait, InService, Terminating, … */
  readonly lifecycleState: string;
  /** `Healthy` or `Unhealthy`. */
  readonly healthStatus: string;
}

/** What the handler needs to know about an instance. */
export interface InstanceView {
  readonly instanceId: string;
  /** EC2 state name: pending, running, shutting-down, terminated, stopping, stopped. */
  readonly state: string;
  readonly az: string;
  /** Interfaces attached to it (ENI id and device index). */
  readonly interfaces: ReadonlyArray<{ readonly eniId: string; readonly deviceIndex: number }>;
}

/** Attachment of an ENI; `status` is attaching, attached, detaching or detached. */
export interface AttachmentView {
  readonly attachmentId: string;
  readonly instanceId: string;
  readonly status: string;
  readonly deviceIndex: number;
}

/** What the handler needs to know about an ENI. */
export interface EniView {
  readonly eniId: string;
  readonly az: string;
  /** available, in-use, attaching, detaching, associated. */
  readonly status: string;
  readonly attachment: AttachmentView | undefined;
  /** The Elastic IP (or public IP) on its primary private address, for the logs. */
  readonly publicIp: string | undefined;
}

/** EC2 error codes for an id that does not (or no longer) exist. */
export const INSTANCE_NOT_FOUND = "InvalidInstanceID.NotFound";
const ENI_NOT_FOUND = "InvalidNetworkInterfaceID.NotFound";
const ATTACHMENT_NOT_FOUND = "InvalidAttachmentID.NotFound";

/** Every AWS call of the handler, each retried on throttling and counted. */
export class AwsGateway {
  /** Attempts sent, per operation (retries included). */
  readonly calls = new Map<string, number>();

  constructor(
    private readonly ec2: Ec2Api,
    private readonly autoscaling: AutoScalingApi,
    private readonly retry: RetryOptions,
    private log: StepLogger,
  ) {}

  /** Retry lines from now on carry this logger's context (instance, ENI, AZ). */
  useLogger(log: StepLogger): void {
    this.log = log;
  }

  private async call<T>(
    operation: string,
    send: () => Promise<T>,
    deadlineMs: number | undefined,
  ): Promise<T> {
    return withRetry(
      () => {
        this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
        return send();
      },
      {
        ...this.retry,
        deadlineMs,
        onRetry: ({ attempt, delayMs, error }) =>
          this.log.step(
            "retry",
            errorCode(error) ?? "error",
            { operation, attempt, delayMs, error: errorMessage(error) },
            "warn",
          ),
      },
    );
  }

  /** Total attempts sent. */
  get totalCalls(): number {
    let total = 0;
    for (const n of this.calls.values()) total += n;
    return total;
  }

  /** The instance, or undefined when EC2 does not know it (never launched, or long terminated). */
  async describeInstance(instanceId: string, deadlineMs?: number): Promise<InstanceView | undefined> {
    let out: DescribeInstancesCommandOutput;
    try {
      out = await this.call(
        "DescribeInstances",
        () => this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })),
        deadlineMs,
      );
    } catch (error) {
      if (errorCode(error) === INSTANCE_NOT_FOUND) return undefined;
      throw error;
    }
    const instance = out.Reservations?.flatMap((r) => r.Instances ?? []).find(
      (i) => i.InstanceId === instanceId,
    );
    if (instance === undefined) return undefined;
    return {
      instanceId,
      state: instance.State?.Name ?? "unknown",
      az: instance.Placement?.AvailabilityZone ?? "",
      interfaces: (instance.NetworkInterfaces ?? []).map((n) => ({
        eniId: n.NetworkInterfaceId ?? "",
        deviceIndex: n.Attachment?.DeviceIndex ?? -1,
      })),
    };
  }

  /** The ENI, or undefined when it does not exist. */
  async describeEni(eniId: string, deadlineMs?: number): Promise<EniView | undefined> {
    let out: DescribeNetworkInterfacesCommandOutput;
    try {
      out = await this.call(
        "DescribeNetworkInterfaces",
        () => this.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })),
        deadlineMs,
      );
    } catch (error) {
      if (errorCode(error) === ENI_NOT_FOUND) return undefined;
      throw error;
    }
    const eni = out.NetworkInterfaces?.find((n) => n.NetworkInterfaceId === eniId);
    if (eni === undefined) return undefined;
    const a = eni.Attachment;
    // A "detached" attachment record is history, not an owner.
    const attached = a?.AttachmentId !== undefined && a.InstanceId !== undefined && a.Status !== "detached";
    return {
      eniId,
      az: eni.AvailabilityZone ?? "",
      status: eni.Status ?? "unknown",
      attachment: attached
        ? {
            attachmentId: a.AttachmentId ?? "",
            instanceId: a.InstanceId ?? "",
            status: a.Status ?? "unknown",
            deviceIndex: a.DeviceIndex ?? -1,
          }
        : undefined,
      publicIp: eni.Association?.PublicIp,
    };
  }

  /** Sends AttachNetworkInterface; returns the attachment id. */
  async attach(eniId: string, instanceId: string, deviceIndex: number, deadlineMs: number): Promise<string> {
    const out = await this.call(
      "AttachNetworkInterface",
      () =>
        this.ec2.send(
          new AttachNetworkInterfaceCommand({
            NetworkInterfaceId: eniId,
            InstanceId: instanceId,
            DeviceIndex: deviceIndex,
          }),
        ),
      deadlineMs,
    );
    return out.AttachmentId ?? "";
  }

  /** Sends DetachNetworkInterface; "already detached" (attachment not found) counts as done. */
  async detach(
    attachmentId: string,
    force: boolean,
    deadlineMs: number,
  ): Promise<"sent" | "already-detached"> {
    try {
      await this.call(
        "DetachNetworkInterface",
        () => this.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId, Force: force })),
        deadlineMs,
      );
      return "sent";
    } catch (error) {
      if (errorCode(error) === ATTACHMENT_NOT_FOUND) return "already-detached";
      throw error;
    }
  }

  /** The Auto Scaling lifecycle state of an instance (e.g. InService, Terminating:Wait), if it is in a group. */
  async lifecycleState(instanceId: string, deadlineMs: number): Promise<string | undefined> {
    const out = await this.call(
      "DescribeAutoScalingInstances",
      () => this.autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] })),
      deadlineMs,
    );
    return out.AutoScalingInstances?.find((i) => i.InstanceId === instanceId)?.LifecycleState;
  }

  /** The instances of the named groups (DescribeAutoScalingGroups, every page). */
  async groupInstances(groupNames: readonly string[], deadlineMs: number): Promise<GroupInstanceView[]> {
    const instances: GroupInstanceView[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const out = await this.call(
        "DescribeAutoScalingGroups",
        () =>
          this.autoscaling.send(
            new DescribeAutoScalingGroupsCommand({
              AutoScalingGroupNames: [...groupNames],
              NextToken: token,
            }),
          ),
        deadlineMs,
      );
      for (const group of out.AutoScalingGroups ?? []) {
        for (const i of group.Instances ?? []) {
          instances.push({
            instanceId: i.InstanceId ?? "",
            groupName: group.AutoScalingGroupName ?? "",
            az: i.AvailabilityZone ?? "",
            lifecycleState: i.LifecycleState ?? "",
            healthStatus: i.HealthStatus ?? "",
          });
        }
      }
      nextToken = out.NextToken;
    } while (nextToken !== undefined && nextToken !== "");
    return instances;
  }

  /** Sends CompleteLifecycleAction (no deadline: it is the last call and must be tried in full). */
  async completeLifecycleAction(input: {
    readonly autoScalingGroupName: string;
    readonly lifecycleHookName: string;
    readonly lifecycleActionToken: string;
    readonly instanceId: string;
    readonly result: "CONTINUE" | "ABANDON";
  }): Promise<void> {
    await this.call(
      "CompleteLifecycleAction",
      () =>
        this.autoscaling.send(
          new CompleteLifecycleActionCommand({
            AutoScalingGroupName: input.autoScalingGroupName,
            LifecycleHookName: input.lifecycleHookName,
            LifecycleActionToken: input.lifecycleActionToken,
            InstanceId: input.instanceId,
            LifecycleActionResult: input.result,
          }),
        ),
      undefined,
    );
  }
}
