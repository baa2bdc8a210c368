/**
 * In-memory EC2 and Auto Scaling for the handler's fault matrix. Only the commands the handler sends
 * are implemented; every call is recorded; time is a fake clock the handler's `sleep` advances, so
 * "attaching for 3 s" or "never detaches" cost no real time.
 */
import {
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  CompleteLifecycleActionCommandInput,
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
  EC2ServiceException,
  Instance,
  InstanceStateName,
  NetworkInterface,
} from "@aws-sdk/client-ec2";
import { AutoScalingApi, Ec2Api } from "../../../src/static-ip-attacher/aws";

/** Shared fake time: `sleep` advances it instantly. */
export class FakeClock {
  constructor(public nowMs: number) {}
  readonly now = (): number => this.nowMs;
  readonly sleep = async (ms: number): Promise<void> => {
    this.nowMs += ms;
  };
}

/** An error as the SDK raises it for an EC2 error code. */
export function ec2Error(code: string, httpStatusCode = 400): EC2ServiceException {
  return new EC2ServiceException({
    name: code,
    $fault: httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode },
    message: `fake ${code}`,
  });
}

/** An error as the SDK raises it for an Auto Scaling error code. */
export function autoScalingError(code: string, message = `fake ${code}`): AutoScalingServiceException {
  return new AutoScalingServiceException({
    name: code,
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
    message,
  });
}

interface FakeInstance {
  state: InstanceStateName;
  /** A pending instance turns running at this instant. */
  runningAtMs?: number;
  readonly az: string;
  /** Auto Scaling lifecycle state, when in a group. */
  lifecycleState?: string;
  /** The Auto Scaling group it is in, and its health there (for DescribeAutoScalingGroups). */
  group?: { readonly name: string; health: string };
}

interface FakeAttachment {
  readonly attachmentId: string;
  readonly instanceId: string;
  readonly deviceIndex: number;
  /** attaching → attached at `readyAtMs`; detaching → gone at `freeAtMs`. */
  phase: "attaching" | "detaching";
  readyAtMs: number;
  freeAtMs: number;
}

interface FakeEni {
  readonly az: string;
  readonly publicIp: string;
  attachment?: FakeAttachment;
}

/** One recorded call. */
export interface RecordedCall {
  readonly command: string;
  readonly input: object;
}

type Ec2Command =
  | DescribeInstancesCommand
  | DescribeNetworkInterfacesCommand
  | AttachNetworkInterfaceCommand
  | DetachNetworkInterfaceCommand;

function commandName(command: object): string {
  if (command instanceof DescribeInstancesCommand) return "DescribeInstances";
  if (command instanceof DescribeNetworkInterfacesCommand) return "DescribeNetworkInterfaces";
  if (command instanceof AttachNetworkInterfaceCommand) return "AttachNetworkInterface";
  if (command instanceof DetachNetworkInterfaceCommand) return "DetachNetworkInterface";
  if (command instanceof DescribeAutoScalingInstancesCommand) return "DescribeAutoScalingInstances";
  if (command instanceof CompleteLifecycleActionCommand) return "CompleteLifecycleAction";
  if (command instanceof DescribeAutoScalingGroupsCommand) return "DescribeAutoScalingGroups";
  throw new Error(`fake: command not implemented: ${command.constructor.name}`);
}

/** A little EC2: instances with states and AZs, ENIs with attachments that settle over fake time. */
export class FakeEc2 implements Ec2Api {
  /** Every call to this fake and to the FakeAutoScaling built on it, in order. */
  readonly calls: RecordedCall[] = [];
  /** Runs before each EC2 call is answered (to stage races). */
  beforeCall: ((command: string) => void) | undefined;
  private readonly instances = new Map<string, FakeInstance>();
  private readonly enis = new Map<string, FakeEni>();
  private readonly failures = new Map<string, unknown[]>();
  private nextId = 1;

  /** How long an attachment stays `attaching` (Infinity: forever). */
  attachDelayMs = 0;
  /** How long a normal detach stays `detaching` (Infinity: until forced). */
  detachDelayMs = 0;
  /** How many DescribeInstances calls answer "not found" for a just-launched instance. */
  notFoundFor = new Map<string, number>();

  constructor(private readonly clock: FakeClock) {}

  addInstance(
    instanceId: string,
    az: string,
    state: InstanceStateName = "running",
    lifecycleState?: string,
  ): this {
    this.instances.set(instanceId, { az, state, lifecycleState });
    return this;
  }

  addEni(eniId: string, az: string, publicIp = "18.130.0.10"): this {
    this.enis.set(eniId, { az, publicIp });
    return this;
  }

  /** Puts an instance in an Auto Scaling group (DescribeAutoScalingGroups lists it there). */
  addGroupInstance(
    instanceId: string,
    az: string,
    groupName: string,
    lifecycleState = "InService",
    health = "Healthy",
    state: InstanceStateName = "running",
  ): this {
    this.instances.set(instanceId, { az, state, lifecycleState, group: { name: groupName, health } });
    return this;
  }

  /** Instances of the named groups, as DescribeAutoScalingGroups reports them (terminated ones leave the group). */
  groupMembers(
    groupNames: readonly string[],
  ): Array<{ groupName: string; instanceId: string; az: string; lifecycleState: string; health: string }> {
    return [...this.instances.entries()].flatMap(([instanceId, i]) =>
      i.group !== undefined && groupNames.includes(i.group.name) && i.state !== "terminated"
        ? [
            {
              groupName: i.group.name,
              instanceId,
              az: i.az,
              lifecycleState: i.lifecycleState ?? "",
              health: i.group.health,
            },
          ]
        : [],
    );
  }

  /** Puts `eniId` on `instanceId` as if attached earlier; still `attaching` for `attachingForMs`. */
  attachNow(eniId: string, instanceId: string, deviceIndex = 1, attachingForMs = 0): this {
    this.eni(eniId).attachment = {
      attachmentId: `eni-attach-${String(this.nextId++).padStart(17, "0")}`,
      instanceId,
      deviceIndex,
      phase: "attaching",
      readyAtMs: this.clock.nowMs + attachingForMs,
      freeAtMs: Number.POSITIVE_INFINITY,
    };
    return this;
  }

  /** Starts detaching `eniId` as if someone (or EC2, at termination) had asked; free after `takesMs`. */
  detachingNow(eniId: string, takesMs: number): this {
    const a = this.eni(eniId).attachment;
    if (a === undefined) throw new Error(`fake: ${eniId} is not attached`);
    a.phase = "detaching";
    a.freeAtMs = this.clock.nowMs + takesMs;
    return this;
  }

  /** Makes a pending instance turn running after `ms`. */
  runningAfter(instanceId: string, ms: number): this {
    this.setState(instanceId, "pending");
    const instance = this.instances.get(instanceId);
    if (instance !== undefined) instance.runningAtMs = this.clock.nowMs + ms;
    return this;
  }

  private instance(instanceId: string): FakeInstance | undefined {
    const instance = this.instances.get(instanceId);
    if (
      instance?.state === "pending" &&
      instance.runningAtMs !== undefined &&
      this.clock.nowMs >= instance.runningAtMs
    ) {
      instance.state = "running";
    }
    return instance;
  }

  setState(instanceId: string, state: InstanceStateName): void {
    const instance = this.instances.get(instanceId);
    if (instance === undefined) throw new Error(`fake: no ${instanceId}`);
    instance.state = state;
  }

  removeInstance(instanceId: string): void {
    this.instances.delete(instanceId);
  }

  instanceLifecycleState(instanceId: string): string | undefined {
    return this.instances.get(instanceId)?.lifecycleState;
  }

  /** The next `errors.length` calls of `command` (e.g. "AttachNetworkInterface") fail with these. */
  failNext(command: string, ...errors: unknown[]): this {
    this.failures.set(command, [...(this.failures.get(command) ?? []), ...errors]);
    return this;
  }

  /** Where the ENI is now: undefined when available. */
  attachmentOf(eniId: string): { instanceId: string; deviceIndex: number; status: string } | undefined {
    const a = this.settle(eniId);
    return a && { instanceId: a.instanceId, deviceIndex: a.deviceIndex, status: this.status(a) };
  }

  /** Names of the commands sent, in order. */
  get commandNames(): string[] {
    return this.calls.map((c) => c.command);
  }

  send(command: DescribeInstancesCommand): Promise<DescribeInstancesCommandOutput>;
  send(command: DescribeNetworkInterfacesCommand): Promise<DescribeNetworkInterfacesCommandOutput>;
  send(command: AttachNetworkInterfaceCommand): Promise<AttachNetworkInterfaceCommandOutput>;
  send(command: DetachNetworkInterfaceCommand): Promise<DetachNetworkInterfaceCommandOutput>;
  async send(
    command: Ec2Command,
  ): Promise<
    | DescribeInstancesCommandOutput
    | DescribeNetworkInterfacesCommandOutput
    | AttachNetworkInterfaceCommandOutput
    | DetachNetworkInterfaceCommandOutput
  > {
    const name = commandName(command);
    this.calls.push({ command: name, input: structuredClone(command.input) });
    this.beforeCall?.(name);
    const queued = this.failures.get(name);
    if (queued !== undefined && queued.length > 0) throw queued.shift();
    const $metadata = { httpStatusCode: 200 };
    if (command instanceof DescribeInstancesCommand) {
      return {
        $metadata,
        Reservations: [
          { Instances: (command.input.InstanceIds ?? []).map((id) => this.describeInstance(id)) },
        ],
      };
    }
    if (command instanceof DescribeNetworkInterfacesCommand) {
      return {
        $metadata,
        NetworkInterfaces: (command.input.NetworkInterfaceIds ?? []).map((id) => this.describeEni(id)),
      };
    }
    if (command instanceof AttachNetworkInterfaceCommand) {
      return {
        $metadata,
        AttachmentId: this.attach(
          command.input.NetworkInterfaceId ?? "",
          command.input.InstanceId ?? "",
          command.input.DeviceIndex ?? -1,
        ),
      };
    }
    this.detach(command.input.AttachmentId ?? "", command.input.Force === true);
    return { $metadata };
  }

  private eni(eniId: string): FakeEni {
    const eni = this.enis.get(eniId);
    if (eni === undefined) throw ec2Error("InvalidNetworkInterfaceID.NotFound");
    return eni;
  }

  /** Applies elapsed time to the ENI's attachment; returns what is left of it. */
  private settle(eniId: string): FakeAttachment | undefined {
    const eni = this.eni(eniId);
    const a = eni.attachment;
    if (a?.phase === "detaching" && this.clock.nowMs >= a.freeAtMs) eni.attachment = undefined;
    return eni.attachment;
  }

  private status(a: FakeAttachment): "attaching" | "attached" | "detaching" {
    if (a.phase === "detaching") return "detaching";
    return this.clock.nowMs >= a.readyAtMs ? "attached" : "attaching";
  }

  private describeInstance(instanceId: string): Instance {
    const pendingNotFound = this.notFoundFor.get(instanceId) ?? 0;
    if (pendingNotFound > 0) {
      this.notFoundFor.set(instanceId, pendingNotFound - 1);
      throw ec2Error("InvalidInstanceID.NotFound");
    }
    const instance = this.instance(instanceId);
    if (instance === undefined) throw ec2Error("InvalidInstanceID.NotFound");
    const interfaces = [...this.enis.keys()].flatMap((eniId) => {
      const a = this.settle(eniId);
      return a?.instanceId === instanceId
        ? [{ NetworkInterfaceId: eniId, Attachment: { DeviceIndex: a.deviceIndex, Status: this.status(a) } }]
        : [];
    });
    return {
      InstanceId: instanceId,
      State: { Name: instance.state },
      Placement: { AvailabilityZone: instance.az },
      NetworkInterfaces: [
        {
          NetworkInterfaceId: `eni-primary${instanceId.slice(2, 8)}`,
          Attachment: { DeviceIndex: 0, Status: "attached" },
        },
        ...interfaces,
      ],
    };
  }

  private describeEni(eniId: string): NetworkInterface {
    const a = this.settle(eniId);
    const eni = this.eni(eniId);
    return {
      NetworkInterfaceId: eniId,
      AvailabilityZone: eni.az,
      Status: a === undefined ? "available" : "in-use",
      Association: { PublicIp: eni.publicIp },
      Attachment:
        a === undefined
          ? undefined
          : {
              AttachmentId: a.attachmentId,
              InstanceId: a.instanceId,
              DeviceIndex: a.deviceIndex,
              Status: this.status(a),
            },
    };
  }

  private attach(eniId: string, instanceId: string, deviceIndex: number): string {
    const instance = this.instance(instanceId);
    if (instance === undefined) throw ec2Error("InvalidInstanceID.NotFound");
    // EC2 attaches to running or stopped instances only.
    if (instance.state !== "running" && instance.state !== "stopped")
      throw ec2Error("IncorrectInstanceState");
    if (this.settle(eniId) !== undefined) throw ec2Error("InvalidNetworkInterface.InUse");
    const eni = this.eni(eniId);
    if (eni.az !== instance.az) throw ec2Error("InvalidParameterCombination");
    this.attachNow(eniId, instanceId, deviceIndex, this.attachDelayMs);
    return this.eni(eniId).attachment?.attachmentId ?? "";
  }

  private detach(attachmentId: string, force: boolean): void {
    const entry = [...this.enis.entries()].find(([id]) => this.settle(id)?.attachmentId === attachmentId);
    if (entry === undefined) throw ec2Error("InvalidAttachmentID.NotFound");
    const a = entry[1].attachment;
    if (a === undefined) throw ec2Error("InvalidAttachmentID.NotFound");
    const delay = force ? 0 : this.detachDelayMs;
    a.freeAtMs =
      a.phase === "detaching" ? Math.min(a.freeAtMs, this.clock.nowMs + delay) : this.clock.nowMs + delay;
    a.phase = "detaching";
  }
}

/**
 * Auto Scaling: answers DescribeAutoScalingInstances from the fake EC2's instances, records
 * completions, and logs its calls on the fake EC2's timeline.
 */
export class FakeAutoScaling implements AutoScalingApi {
  /** Lifecycle results, in order of CompleteLifecycleAction calls that succeeded. */
  readonly completions: CompleteLifecycleActionCommandInput[] = [];
  private readonly failures = new Map<string, unknown[]>();
  /** Tokens already completed: completing again gets Auto Scaling's ValidationError. */
  private readonly completedTokens = new Set<string>();

  constructor(private readonly ec2: FakeEc2) {}

  /** The next `errors.length` calls of `command` fail with these. */
  failNext(command: string, ...errors: unknown[]): this {
    this.failures.set(command, [...(this.failures.get(command) ?? []), ...errors]);
    return this;
  }

  /** Marks a lifecycle action as completed already (by an earlier delivery). */
  completeEarlier(token: string): this {
    this.completedTokens.add(token);
    return this;
  }

  /** The single lifecycle result reported, or "none". */
  get result(): string {
    if (this.completions.length > 1) throw new Error(`completed ${this.completions.length} times`);
    return this.completions[0]?.LifecycleActionResult ?? "none";
  }

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
    const name = commandName(command);
    this.ec2.calls.push({ command: name, input: structuredClone(command.input) });
    const queued = this.failures.get(name);
    if (queued !== undefined && queued.length > 0) throw queued.shift();
    const $metadata = { httpStatusCode: 200 };
    if (command instanceof DescribeAutoScalingGroupsCommand) {
      const names = command.input.AutoScalingGroupNames ?? [];
      const members = this.ec2.groupMembers(names);
      return {
        $metadata,
        AutoScalingGroups: names.map((groupName) => ({
          AutoScalingGroupName: groupName,
          MinSize: 1,
          MaxSize: 1,
          DesiredCapacity: 1,
          DefaultCooldown: 300,
          AvailabilityZones: [],
          HealthCheckType: "EC2",
          CreatedTime: new Date(0),
          Instances: members
            .filter((m) => m.groupName === groupName)
            .map((m) => ({
              InstanceId: m.instanceId,
              AvailabilityZone: m.az,
              LifecycleState: m.lifecycleState as "InService",
              HealthStatus: m.health,
              ProtectedFromScaleIn: false,
            })),
        })),
      };
    }
    if (command instanceof DescribeAutoScalingInstancesCommand) {
      const AutoScalingInstances = (command.input.InstanceIds ?? []).flatMap((id) => {
        const state = this.ec2.instanceLifecycleState(id);
        return state === undefined
          ? []
          : [
              {
                InstanceId: id,
                LifecycleState: state,
                AutoScalingGroupName: "edge",
                AvailabilityZone: "",
                HealthStatus: "HEALTHY",
                ProtectedFromScaleIn: false,
              },
            ];
      });
      return { $metadata, AutoScalingInstances };
    }
    const token = command.input.LifecycleActionToken ?? "";
    if (this.completedTokens.has(token)) {
      throw autoScalingError(
        "ValidationError",
        `No active Lifecycle Action found with instance ID ${command.input.InstanceId ?? ""}`,
      );
    }
    this.completedTokens.add(token);
    this.completions.push(command.input);
    return { $metadata };
  }
}
