import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
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
  DescribeVpcsCommand,
  DetachNetworkInterfaceCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { AttacherEnv, loadConfig } from "../../src/static-ip-attacher/config";
import { createHandler, HandlerResult } from "../../src/static-ip-attacher/handler";
import { LaunchLifecycleEvent } from "../../src/static-ip-attacher/events";
import { DEV, EnvironmentConfig, withEipDestroyAllowed } from "../../stacks/config";
import { addEnvironment, appStackId, foundationStackId } from "../../stacks/environment";
import { LocalAws, localClientConfig, LOCAL_REGION, startLocalAws } from "../support/moto";
import { TerraformRun } from "../support/terraform";
import { RecordingAutoScaling, RecordingEc2 } from "../src/static-ip-attacher/local-world";
import launchEvent from "../src/static-ip-attacher/fixtures/launch-event.json";
import scheduledEvent from "../src/static-ip-attacher/fixtures/scheduled-event.json";
import { boto3Call } from "./boto3";

// The dev environment's static IP, applied for real (Terraform CLI, hashicorp/aws provider) to this
// file's moto server: the foundation (network, the ENI holding the Elastic IP) and the app (cluster,
// ALB, services, and the static IP's edge: Auto Scaling group with the launch hook, EventBridge
// rules, the attacher Lambda, DLQ, alarms, HAProxy service), read back with the AWS SDKs. Then the
// failover drill, several rounds: the edge instance is terminated in the local AWS, its Auto Scaling
// group launches a replacement, and the launch lifecycle event goes to the real handler.
//
// What moto cannot do, and how this file deals with it:
// - Auto Scaling emits no lifecycle events (it never holds an instance in Pending:Wait): the test
//   builds the documented EventBridge "EC2 Instance-launch Lifecycle Action" event (the fixture)
//   for the replacement moto launched.
// - Lambda cannot invoke a function without Docker: the event goes to the handler in-process
//   (createHandler, the Lambda's code), configured from the deployed function's environment as
//   moto's Lambda GetFunctionConfiguration returns it, with AWS SDK clients pointed at moto.
// - CompleteLifecycleAction is not implemented (moto answers HTTP 500): the recording Auto Scaling
//   client (test/src/static-ip-attacher/local-world.ts) records it instead; the test asserts the
//   recorded CONTINUE, token, hook, group and instance.
// - A terminated instance keeps its secondary ENI "attached" (real EC2 detaches it): each round
//   the handler therefore frees the ENI from the terminated instance (forced detach) first.
// - No ECS agent: no edge instance registers in the cluster and the HAProxy task never runs; the
//   proxy's configuration is tested against a real HAProxy in test/modules/static-ip-haproxy.test.ts.
jest.setTimeout(15 * 60_000);

const ROUNDS = 4;
const HOOK = "attach-static-ip";

describe("the dev static IP applied to the local AWS, and the failover drill", () => {
  let aws: LocalAws;
  let outdir: string;
  let stateDir: string;
  let config: EnvironmentConfig;
  let foundation: TerraformRun;
  let app: TerraformRun;
  let ec2: EC2Client;
  let autoscaling: AutoScalingClient;
  let az: string;
  let publicIp: string;
  let eniId: string;
  let group: string;
  let lambdaName: string;
  let lambdaEnv: AttacherEnv;

  /** Synthesizes the environment (both stacks, cross-stack references resolved) into `outdir`. */
  function synth(c: EnvironmentConfig): void {
    const cdktf = new App({ outdir });
    addEnvironment(cdktf, c, { kind: "local", endpoint: aws.endpoint });
    cdktf.synth();
  }

  beforeAll(async () => {
    aws = await startLocalAws();
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "static-ip-drill-out-"));
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "static-ip-drill-state-"));
    config = { ...DEV, backend: { kind: "local", directory: stateDir } };
    ec2 = new EC2Client({ ...localClientConfig(aws), maxAttempts: 1 });
    autoscaling = new AutoScalingClient({ ...localClientConfig(aws), maxAttempts: 1 });
    synth(config);
    foundation = new TerraformRun(path.join(outdir, "stacks", foundationStackId("dev"))).init().apply();
    app = new TerraformRun(path.join(outdir, "stacks", appStackId("dev"))).init().apply();

    const f = foundation.outputs() as {
      static_ips: Record<string, string>;
      static_ip_eni_ids: Record<string, string>;
    };
    const a = app.outputs() as {
      static_ip_lambda_name: string;
      static_ip_edge_asg_names: Record<string, string>;
    };
    expect(Object.keys(f.static_ips)).toEqual(["eu-west-2a"]);
    az = "eu-west-2a";
    publicIp = f.static_ips[az]!;
    eniId = f.static_ip_eni_ids[az]!;
    group = a.static_ip_edge_asg_names[az]!;
    lambdaName = a.static_ip_lambda_name;
    const fn = await boto3Call<{ Environment: { Variables: Record<string, string> } }>(
      aws,
      "lambda",
      "get_function_configuration",
      { FunctionName: lambdaName },
    );
    lambdaEnv = fn.Environment.Variables;
  });

  afterAll(async () => {
    ec2?.destroy();
    autoscaling?.destroy();
    await aws?.stop();
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

  async function instanceState(id: string): Promise<string | undefined> {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
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
    expect(await instanceState(old!.id)).toBe("terminated");
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

  test(`the failover drill, ${ROUNDS} rounds: terminate the edge instance, the replacement's launch event moves the ENI, the public IP stays`, async () => {
    const seen = new Set<string>();
    for (let round = 1; round <= ROUNDS; round++) {
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
    expect(seen.size).toBe(ROUNDS);
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

  test("destroying the app keeps the Elastic IP and its ENI; a plain destroy of the foundation is refused", async () => {
    app.destroy();
    expect(app.stateList()).toEqual([]);
    const groups = await autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
    );
    expect(groups.AutoScalingGroups).toEqual([]);
    const address = (await ec2.send(new DescribeAddressesCommand({ PublicIps: [publicIp] }))).Addresses;
    expect(address).toEqual([expect.objectContaining({ PublicIp: publicIp, NetworkInterfaceId: eniId })]);
    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
    expect(enis.NetworkInterfaces).toHaveLength(1);
    // moto gap: the ENI stays "attached" to the last edge instance, terminated with its group (real
    // EC2 detaches a terminated instance's secondary ENI). Detached here as EC2 would have; left
    // attached, the provider's delete of the ENI below waits minutes on it.
    const attachment = enis.NetworkInterfaces![0]!.Attachment!;
    expect(await instanceState(attachment.InstanceId!)).toBe("terminated");
    await ec2.send(
      new DetachNetworkInterfaceCommand({ AttachmentId: attachment.AttachmentId!, Force: true }),
    );
    // The Elastic IP's lifecycle.prevent_destroy: Terraform refuses the whole destroy.
    expect(() => foundation.destroy()).toThrow(/prevent_destroy/);
    expect((await ec2.send(new DescribeAddressesCommand({ PublicIps: [publicIp] }))).Addresses).toHaveLength(
      1,
    );
  });

  test("the foundation destroyed on purpose (ECS_CDKTF_ALLOW_EIP_DESTROY=1, as local.sh destroy --include-foundation) leaves nothing", async () => {
    const vpcId = (foundation.outputs() as { vpc_id: string }).vpc_id;
    synth(withEipDestroyAllowed(config, "1"));
    foundation.destroy();
    expect(foundation.stateList()).toEqual([]);
    expect((await ec2.send(new DescribeAddressesCommand({})))?.Addresses ?? []).toEqual([]);
    expect(
      (
        await ec2.send(
          new DescribeNetworkInterfacesCommand({
            Filters: [{ Name: "network-interface-id", Values: [eniId] }],
          }),
        )
      ).NetworkInterfaces,
    ).toEqual([]);
    await expect(ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).rejects.toThrow();
  });
});
