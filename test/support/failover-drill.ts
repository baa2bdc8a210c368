import { randomUUID } from "node:crypto";
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { AttacherEnv, loadConfig } from "../../src/static-ip-attacher/config";
import { createHandler, HandlerResult } from "../../src/static-ip-attacher/handler";
import { LaunchLifecycleEvent } from "../../src/static-ip-attacher/events";
import { RecordingAutoScaling, RecordingEc2 } from "../src/static-ip-attacher/local-world";
import launchEvent from "../src/static-ip-attacher/fixtures/launch-event.json";
import scheduledEvent from "../src/static-ip-attacher/fixtures/scheduled-event.json";
import { boto3Call } from "../stacks/boto3";
import { LocalAws, LOCAL_REGION } from "./moto";

// The static IP's failover drill, on an environment deployed to the local AWS with a static IP:
// the foundation's ENI holding the Elastic IP, the app's edge Auto Scaling group with the launch
// hook, EventBridge rules, the attacher Lambda and its DLQ are read back with the AWS SDKs; then,
// several rounds, the edge instance is terminated in the local AWS, its Auto Scaling group
// launches a replacement, and the launch lifecycle event goes to the real handler. Two files run
// it: test/stacks/local-deploy.local.test.ts on what `npm run local` deployed (cdktf), and
// test/review/review-apply.local.test.ts on the dev preset deployed by the cdktn flavor.
//
// What moto cannot do, and how the drill deals with it:
// - Auto Scaling emits no lifecycle events (it never holds an instance in Pending:Wait): the drill
//   builds the documented EventBridge "EC2 Instance-launch Lifecycle Action" event (the fixture)
//   for the replacement moto launched.
// - Lambda cannot invoke a function without Docker: the event goes to the handler in-process
//   (createHandler, the Lambda's code), configured from the deployed function's environment as
//   moto's Lambda GetFunctionConfiguration returns it, with AWS SDK clients pointed at moto.
// - CompleteLifecycleAction is not implemented (moto answers HTTP 500): the recording Auto Scaling
//   client (test/src/static-ip-attacher/local-world.ts) records it instead; the drill asserts the
//   recorded CONTINUE, token, hook, group and instance.
// - A terminated instance keeps its secondary ENI "attached" (real EC2 detaches it): each round
//   the handler therefore frees the ENI from the terminated instance (forced detach) first.

/** Rounds of terminate → replacement → launch event. */
export const DRILL_ROUNDS = 4;

/** The static IP's launch lifecycle hook, as StaticIp names it. */
const HOOK = "attach-static-ip";

/** What the drill works on: one AZ's static IP of a deployed environment. */
export interface DrillWorld {
  readonly aws: LocalAws;
  readonly ec2: EC2Client;
  readonly autoscaling: AutoScalingClient;
  /** The AZ of the drilled static IP. */
  readonly az: string;
  /** Its Elastic IP. */
  readonly publicIp: string;
  /** The ENI holding it. */
  readonly eniId: string;
  /** The edge Auto Scaling group of the AZ. */
  readonly group: string;
  /** The attacher Lambda. */
  readonly lambdaName: string;
  /** The deployed Lambda's environment, which the handler is configured from. */
  readonly lambdaEnv: AttacherEnv;
}

/** The declared outputs of an environment with a static IP (its foundation's and its app's). */
export interface StaticIpOutputs {
  readonly foundation: { static_ips: Record<string, string>; static_ip_eni_ids: Record<string, string> };
  readonly app: { static_ip_lambda_name: string; static_ip_edge_asg_names: Record<string, string> };
}

/** The drill's world for `az` of a deployed environment, the Lambda's environment read from moto. */
export async function drillWorld(
  aws: LocalAws,
  clients: { ec2: EC2Client; autoscaling: AutoScalingClient },
  outputs: StaticIpOutputs,
  az: string,
): Promise<DrillWorld> {
  const lambdaName = outputs.app.static_ip_lambda_name;
  const fn = await boto3Call<{ Environment: { Variables: Record<string, string> } }>(
    aws,
    "lambda",
    "get_function_configuration",
    { FunctionName: lambdaName },
  );
  return {
    aws,
    ...clients,
    az,
    publicIp: outputs.foundation.static_ips[az]!,
    eniId: outputs.foundation.static_ip_eni_ids[az]!,
    group: outputs.app.static_ip_edge_asg_names[az]!,
    lambdaName,
    lambdaEnv: fn.Environment.Variables,
  };
}

/** An instance's state as EC2 reports it (`running`, `terminated`, …). */
export async function instanceState(ec2: EC2Client, id: string): Promise<string | undefined> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

/**
 * Registers the drill's tests, in order, in the calling `describe`: the deployed static IP read
 * back, the first instance's launch event, `rounds` failovers, a reconcile without event. `world`
 * is read once, before the first of them (after the caller's own `beforeAll`s declared above).
 */
export function describeFailoverDrill(world: () => DrillWorld, rounds = DRILL_ROUNDS): void {
  let aws: LocalAws;
  let ec2: EC2Client;
  let autoscaling: AutoScalingClient;
  let az = "";
  let publicIp = "";
  let eniId = "";
  let group = "";
  let lambdaName = "";
  let lambdaEnv: AttacherEnv = {};

  beforeAll(() => {
    ({ aws, ec2, autoscaling, az, publicIp, eniId, group, lambdaName, lambdaEnv } = world());
  });

  /** Where the ENI is and which public IP it and the Elastic IP carry, as EC2 reports it. */
  async function eniState() {
    const eni = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })))
      .NetworkInterfaces?.[0];
    const address = (await ec2.send(new DescribeAddressesCommand({ PublicIps: [publicIp] }))).Addresses?.[0];
    return {
      instanceId: eni?.Attachment?.InstanceId,
      deviceIndex: eni?.Attachment?.DeviceIndex,
      attachmentStatus: eni?.Attachment?.Status,
      eniPublicIp: eni?.Association?.PublicIp,
      addressEniId: address?.NetworkInterfaceId,
    };
  }

  async function groupInstances(): Promise<Array<{ id: string; state: string; az: string }>> {
    const out = await autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
    );
    return (out.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => ({
      id: i.InstanceId ?? "",
      state: `${i.LifecycleState}/${i.HealthStatus}`,
      az: i.AvailabilityZone ?? "",
    }));
  }

  /** The documented launch lifecycle event (the fixture) of the edge group, for `instanceId`, now. */
  function launchEventFor(instanceId: string): LaunchLifecycleEvent {
    return {
      ...launchEvent,
      id: randomUUID(),
      time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      region: LOCAL_REGION,
      resources: [
        `arn:aws:autoscaling:${LOCAL_REGION}:123456789012:autoScalingGroup:${randomUUID()}:autoScalingGroupName/${group}`,
      ],
      detail: {
        ...launchEvent.detail,
        EC2InstanceId: instanceId,
        AutoScalingGroupName: group,
        LifecycleHookName: HOOK,
        NotificationMetadata: JSON.stringify({ az }),
        LifecycleActionToken: randomUUID(),
      },
    };
  }

  /** Delivers `event` to the handler as the deployed Lambda is configured, clients pointed at moto. */
  async function deliver(event: unknown) {
    const recordingEc2 = new RecordingEc2(ec2);
    const recordingAutoScaling = new RecordingAutoScaling(autoscaling);
    const lines: string[] = [];
    const result: HandlerResult = await createHandler({
      ec2: recordingEc2,
      autoscaling: recordingAutoScaling,
      config: loadConfig(lambdaEnv),
      writeLog: (line) => lines.push(line),
    })(event);
    return { result, ec2: recordingEc2, autoscaling: recordingAutoScaling, lines };
  }

  /** Terminates the group's instance the way a failure would (the group keeps its desired size). */
  async function terminateEdge(): Promise<{ old: string; replacement: string }> {
    const [old] = await groupInstances();
    await autoscaling.send(
      new TerminateInstanceInAutoScalingGroupCommand({
        InstanceId: old!.id,
        ShouldDecrementDesiredCapacity: false,
      }),
    );
    const instances = await groupInstances();
    const replacement = instances.find((i) => i.id !== old!.id);
    expect(instances.map((i) => i.id)).not.toContain(old!.id);
    expect(replacement).toMatchObject({ state: "InService/Healthy", az });
    expect(await instanceState(ec2, old!.id)).toBe("terminated");
    return { old: old!.id, replacement: replacement!.id };
  }

  test("the Elastic IP (foundation) is associated with the ENI in the dev AZ's public subnet", async () => {
    expect(publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const address = (await ec2.send(new DescribeAddressesCommand({ PublicIps: [publicIp] }))).Addresses![0]!;
    expect(address).toMatchObject({ Domain: "vpc", NetworkInterfaceId: eniId });
    const eni = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })))
      .NetworkInterfaces![0]!;
    expect(eni.AvailabilityZone).toBe(az);
    expect(eni.Association?.PublicIp).toBe(publicIp);
  });

  test("the edge Auto Scaling group runs one instance in that AZ, with the launch hook declared", async () => {
    const out = await autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
    );
    expect(out.AutoScalingGroups![0]).toMatchObject({ MinSize: 1, MaxSize: 1, DesiredCapacity: 1 });
    expect(await groupInstances()).toEqual([
      { id: expect.stringMatching(/^i-/), state: "InService/Healthy", az },
    ]);
    const hooks = await autoscaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: group }));
    expect(hooks.LifecycleHooks).toEqual([
      expect.objectContaining({
        LifecycleHookName: HOOK,
        LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
        HeartbeatTimeout: 300,
        DefaultResult: "ABANDON",
      }),
    ]);
  });

  test("the EventBridge rules target the Lambda: launch actions of exactly the edge group, and the reconcile schedule", async () => {
    const fn = await boto3Call<{ Configuration: { FunctionArn: string } }>(aws, "lambda", "get_function", {
      FunctionName: lambdaName,
    });
    const launch = await boto3Call<{ EventPattern: string; State: string }>(aws, "events", "describe_rule", {
      Name: `${lambdaName}-launch`,
    });
    expect(JSON.parse(launch.EventPattern)).toEqual({
      source: ["aws.autoscaling"],
      "detail-type": ["EC2 Instance-launch Lifecycle Action"],
      detail: { AutoScalingGroupName: [group] },
    });
    expect(launch.State).toBe("ENABLED");
    const reconcile = await boto3Call<{ ScheduleExpression: string }>(aws, "events", "describe_rule", {
      Name: `${lambdaName}-reconcile`,
    });
    expect(reconcile.ScheduleExpression).toBe("rate(5 minutes)");
    const dlq = await boto3Call<{ QueueUrl: string }>(aws, "sqs", "get_queue_url", {
      QueueName: `${lambdaName}-dlq`,
    });
    const dlqArn = (
      await boto3Call<{ Attributes: { QueueArn: string } }>(aws, "sqs", "get_queue_attributes", {
        QueueUrl: dlq.QueueUrl,
        AttributeNames: ["QueueArn"],
      })
    ).Attributes.QueueArn;
    for (const rule of [`${lambdaName}-launch`, `${lambdaName}-reconcile`]) {
      const targets = await boto3Call<{ Targets: Array<Record<string, unknown>> }>(
        aws,
        "events",
        "list_targets_by_rule",
        { Rule: rule },
      );
      expect(targets.Targets).toEqual([
        expect.objectContaining({
          Arn: fn.Configuration.FunctionArn,
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 290 },
          DeadLetterConfig: { Arn: dlqArn },
        }),
      ]);
    }
  });

  test("the Lambda is deployed with the environment the handler needs (the ENI by AZ, the heartbeat, the edge group)", async () => {
    const fn = await boto3Call<{
      Runtime: string;
      Handler: string;
      Timeout: number;
      Environment: { Variables: Record<string, string> };
    }>(aws, "lambda", "get_function_configuration", { FunctionName: lambdaName });
    expect(fn.Runtime).toMatch(/^nodejs\d+\.x$/);
    expect(fn.Timeout).toBe(290);
    expect(fn.Environment.Variables).toEqual(lambdaEnv);
    expect(JSON.parse(lambdaEnv.ENI_BY_AZ!)).toEqual({ [az]: eniId });
    expect(lambdaEnv.HEARTBEAT_TIMEOUT_SECONDS).toBe("300");
    expect(JSON.parse(lambdaEnv.EDGE_GROUP_NAMES!)).toEqual([group]);
    // The handler accepts exactly this configuration.
    expect(loadConfig(lambdaEnv)).toEqual({
      eniByAz: new Map([[az, eniId]]),
      deviceIndex: 1,
      heartbeatTimeoutSeconds: 300,
      edgeGroupNames: [group],
    });
  });

  test("the first edge instance's launch event attaches the ENI (no event came from moto: the ENI was unattached)", async () => {
    expect((await eniState()).instanceId).toBeUndefined();
    const [first] = await groupInstances();
    const event = launchEventFor(first!.id);
    const { result, autoscaling: recorded } = await deliver(event);
    expect(result).toMatchObject({
      status: "handled",
      instanceId: first!.id,
      result: "CONTINUE",
      reason: "attached",
    });
    expect(recorded.completions).toEqual([
      {
        AutoScalingGroupName: group,
        LifecycleHookName: HOOK,
        LifecycleActionToken: event.detail.LifecycleActionToken,
        LifecycleActionResult: "CONTINUE",
        InstanceId: first!.id,
      },
    ]);
    expect(await eniState()).toEqual({
      instanceId: first!.id,
      deviceIndex: 1,
      attachmentStatus: "attached",
      eniPublicIp: publicIp,
      addressEniId: eniId,
    });
  });

  test(`the failover drill, ${rounds} rounds: terminate the edge instance, the replacement's launch event moves the ENI, the public IP stays`, async () => {
    const seen = new Set<string>();
    for (let round = 1; round <= rounds; round++) {
      const { old, replacement } = await terminateEdge();
      expect(seen.has(replacement)).toBe(false);
      seen.add(replacement);
      // moto leaves the ENI on the terminated instance (real EC2 would have detached it).
      expect((await eniState()).instanceId).toBe(old);

      const event = launchEventFor(replacement);
      const { result, ec2: calls, autoscaling: recorded } = await deliver(event);

      expect(result).toMatchObject({
        status: "handled",
        instanceId: replacement,
        result: "CONTINUE",
        reason: "attached",
      });
      expect(calls.calls.find((c) => c.command === "DetachNetworkInterface")?.input).toMatchObject({
        Force: true,
      });
      expect(calls.calls.find((c) => c.command === "AttachNetworkInterface")?.input).toEqual({
        NetworkInterfaceId: eniId,
        InstanceId: replacement,
        DeviceIndex: 1,
      });
      expect(recorded.completions).toEqual([
        {
          AutoScalingGroupName: group,
          LifecycleHookName: HOOK,
          LifecycleActionToken: event.detail.LifecycleActionToken,
          LifecycleActionResult: "CONTINUE",
          InstanceId: replacement,
        },
      ]);
      expect({ round, ...(await eniState()) }).toEqual({
        round,
        instanceId: replacement,
        deviceIndex: 1,
        attachmentStatus: "attached",
        eniPublicIp: publicIp,
        addressEniId: eniId,
      });

      // EventBridge may deliver twice: the duplicate changes nothing and still answers CONTINUE.
      if (round === 1) {
        const again = await deliver(event);
        expect(again.result).toMatchObject({ result: "CONTINUE", reason: "already-attached" });
        expect(again.ec2.calls.map((c) => c.command)).not.toContain("AttachNetworkInterface");
        expect((await eniState()).instanceId).toBe(replacement);
      }
    }
    expect(seen.size).toBe(rounds);
  });

  test("a termination whose launch event never arrives: the scheduled reconcile moves the ENI, with no lifecycle call", async () => {
    const { old, replacement } = await terminateEdge();
    expect((await eniState()).instanceId).toBe(old);
    const { result, autoscaling: recorded } = await deliver({
      ...scheduledEvent,
      id: randomUUID(),
      time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      region: LOCAL_REGION,
      resources: [`arn:aws:events:${LOCAL_REGION}:123456789012:rule/${lambdaName}-reconcile`],
    });
    expect(result).toMatchObject({
      status: "reconciled",
      azs: [{ az, eniId, action: "attached", instanceId: replacement, reason: "attached" }],
    });
    expect(recorded.completions).toEqual([]);
    expect(await eniState()).toEqual({
      instanceId: replacement,
      deviceIndex: 1,
      attachmentStatus: "attached",
      eniPublicIp: publicIp,
      addressEniId: eniId,
    });
  });
}
