/**
 * EcsCluster with Terraform variables (tokens) as props, as the generated Terraform module passes
 * them: every synth-time check skips an unresolved token and still rejects the literal; props that
 * shape the construct tree at synth time refuse a token with a clear error.
 */
import { TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { EcsCluster as EcsClusterResource } from "@cdktf/provider-aws/lib/ecs-cluster";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { EcsCluster, EcsClusterProps } from "../../modules/ecs-cluster";
import { Network } from "../../modules/network";
import { addAwsProvider } from "../../stacks/aws-provider";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

type Block = Record<string, unknown>;
interface SynthJson {
  readonly resource: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
}
type TfType = { readonly tfResourceType: string };
type ClusterOptions = Omit<EcsClusterProps, "network">;

function resource(json: SynthJson, type: TfType, idPart: string, data = false): Block {
  const blocks = (data ? json.data : json.resource)?.[type.tfResourceType] ?? {};
  const matches = Object.entries(blocks).filter(([id]) => id.includes(idPart));
  if (matches.length !== 1) throw new Error(`expected one ${type.tfResourceType} matching ${idPart}`);
  return matches[0][1];
}

const variable = (stack: TerraformStack, name: string, type: string) =>
  new TerraformVariable(stack, name, { type });
const str = (s: TerraformStack, name: string) => variable(s, name, "string").stringValue;
const num = (s: TerraformStack, name: string) => variable(s, name, "number").numberValue;
const bool = (s: TerraformStack, name: string) =>
  variable(s, name, "bool").booleanValue as unknown as boolean;
const list = (s: TerraformStack, name: string) => variable(s, name, "list(string)").listValue;

/** Cluster options made with variables of the stack. */
type TokenOptions = (stack: TerraformStack) => ClusterOptions;

/** Synthesizes a Network ("net") and an EcsCluster ("main") with the options `options` builds. */
function synthWith(options: TokenOptions): SynthJson {
  const stack = new TerraformStack(Testing.app(), "stack");
  const net = new Network(stack, "net", { region: "eu-west-2" });
  new EcsCluster(stack, "main", { network: net, ...options(stack) });
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

function build(options: ClusterOptions): () => void {
  return () => synthWith(() => options);
}

/** The user data script of the cluster's capacity, as Terraform will encode it. */
function userData(json: SynthJson): string {
  return String(resource(json, LaunchTemplate, "default_launch-template").user_data);
}

const lt = (json: SynthJson) => resource(json, LaunchTemplate, "default_launch-template");
const asg = (json: SynthJson) => resource(json, AutoscalingGroup, "default_asg");
const provider = (json: SynthJson) =>
  resource(json, EcsCapacityProvider, "default_capacity-provider").auto_scaling_group_provider as Block;
const scaling = (json: SynthJson) => provider(json).managed_scaling as Block;

describe("EcsCluster: each validated prop as a token passes synth, the literal bad value still throws", () => {
  // GIVEN a prop whose check is literal-only, WHEN it is a Terraform variable THEN synth passes and
  // the resource reads the variable; WHEN it is the bad literal THEN the construct throws.
  it.each<[string, TokenOptions, (json: SynthJson) => void, ClusterOptions, RegExp]>([
    [
      "clusterName",
      (s) => ({ clusterName: str(s, "name") }),
      (json) => expect(resource(json, EcsClusterResource, "cluster").name).toBe("${var.name}"),
      { clusterName: "my cluster" },
      /^EcsCluster 'main': clusterName \("my cluster"\) must be 1 to 255 letters/,
    ],
    [
      "containerInsights",
      (s) => ({ containerInsights: str(s, "insights") as ClusterOptions["containerInsights"] }),
      (json) =>
        expect(resource(json, EcsClusterResource, "cluster").setting).toEqual([
          { name: "containerInsights", value: "${var.insights}" },
        ]),
      { containerInsights: "off" as ClusterOptions["containerInsights"] },
      /^EcsCluster 'main': containerInsights \("off"\) must be one of enabled, enhanced/,
    ],
    [
      "execLogRetentionDays",
      (s) => ({ execLogRetentionDays: num(s, "days") }),
      (json) =>
        expect(resource(json, CloudwatchLogGroup, "exec-log-group").retention_in_days).toBe("${var.days}"),
      { execLogRetentionDays: 2 },
      /^EcsCluster 'main': execLogRetentionDays \(2\) must be a CloudWatch Logs retention/,
    ],
    [
      "kmsKeyArn",
      (s) => ({ kmsKeyArn: str(s, "key") }),
      // A variable may be null: encryption of the Exec logs follows whether it is set.
      (json) =>
        expect(resource(json, EcsClusterResource, "cluster").configuration).toMatchObject({
          execute_command_configuration: {
            kms_key_id: "${var.key}",
            log_configuration: { cloud_watch_encryption_enabled: "${(var.key != null)}" },
          },
        }),
      { kmsKeyArn: "alias/exec" },
      /^EcsCluster 'main': kmsKeyArn \("alias\/exec"\) must be a KMS key ARN/,
    ],
    [
      "instanceType",
      (s) => ({ instanceType: str(s, "type") }),
      (json) => expect(lt(json).instance_type).toBe("${var.type}"),
      { instanceType: "t3small" },
      /^EcsCluster 'main': instanceType \("t3small"\) must be an EC2 instance type/,
    ],
    [
      "amiSsmParameterName",
      (s) => ({ amiSsmParameterName: str(s, "param") }),
      (json) => expect(resource(json, DataAwsSsmParameter, "default_ami", true).name).toBe("${var.param}"),
      { amiSsmParameterName: "ami id" },
      /^EcsCluster 'main': amiSsmParameterName \("ami id"\) must be an SSM parameter name/,
    ],
    [
      "rootVolumeSizeGib",
      (s) => ({ rootVolumeSizeGib: num(s, "gib") }),
      (json) =>
        expect(lt(json).block_device_mappings).toEqual([
          expect.objectContaining({ ebs: expect.objectContaining({ volume_size: "${var.gib}" }) }),
        ]),
      { rootVolumeSizeGib: 0 },
      /^EcsCluster 'main': rootVolumeSizeGib \(0\) must be an integer from 1 to 16384/,
    ],
    [
      "rootDeviceName",
      (s) => ({ rootDeviceName: str(s, "device") }),
      (json) =>
        expect(lt(json).block_device_mappings).toEqual([
          expect.objectContaining({ device_name: "${var.device}" }),
        ]),
      { rootDeviceName: "xvda" },
      /^EcsCluster 'main': rootDeviceName \("xvda"\) must be a device name/,
    ],
    [
      "imdsHopLimit",
      (s) => ({ imdsHopLimit: num(s, "hops") }),
      (json) =>
        expect(lt(json).metadata_options).toMatchObject({ http_put_response_hop_limit: "${var.hops}" }),
      { imdsHopLimit: 0 },
      /^EcsCluster 'main': imdsHopLimit \(0\) must be an integer from 1 to 64/,
    ],
    [
      "minSize and maxSize",
      (s) => ({ minSize: num(s, "min"), maxSize: num(s, "max") }),
      (json) => expect(asg(json)).toMatchObject({ min_size: "${var.min}", max_size: "${var.max}" }),
      { minSize: 3, maxSize: 2 },
      /^EcsCluster 'main': minSize \(3\) must be ≤ maxSize \(2\)/,
    ],
    [
      "managedScaling and managedTerminationProtection",
      (s) => ({ managedScaling: bool(s, "scaling"), managedTerminationProtection: bool(s, "protection") }),
      (json) => {
        expect(scaling(json).status).toBe('${var.scaling ? "ENABLED" : "DISABLED"}');
        expect(provider(json).managed_termination_protection).toBe(
          '${var.protection ? "ENABLED" : "DISABLED"}',
        );
        // protectFromScaleIn defaults to managedTerminationProtection, a token here too.
        expect(asg(json).protect_from_scale_in).toBe("${var.protection}");
      },
      { managedScaling: false, managedTerminationProtection: true },
      /^EcsCluster 'main': managedTerminationProtection \(true\) must be false when managedScaling is false/,
    ],
    [
      "protectFromScaleIn",
      (s) => ({ protectFromScaleIn: bool(s, "protect") }),
      (json) => expect(asg(json).protect_from_scale_in).toBe("${var.protect}"),
      { protectFromScaleIn: true },
      /^EcsCluster 'main': protectFromScaleIn \(true\) must be false unless managedTerminationProtection is true/,
    ],
    [
      "targetCapacityPercent",
      (s) => ({ targetCapacityPercent: num(s, "target") }),
      (json) => expect(scaling(json).target_capacity).toBe("${var.target}"),
      { targetCapacityPercent: 0 },
      /^EcsCluster 'main': targetCapacityPercent \(0\) must be an integer from 1 to 100/,
    ],
    [
      "minimumScalingStepSize and maximumScalingStepSize",
      (s) => ({ minimumScalingStepSize: num(s, "lo"), maximumScalingStepSize: num(s, "hi") }),
      (json) =>
        expect(scaling(json)).toMatchObject({
          minimum_scaling_step_size: "${var.lo}",
          maximum_scaling_step_size: "${var.hi}",
        }),
      { minimumScalingStepSize: 20, maximumScalingStepSize: 10 },
      /^EcsCluster 'main': minimumScalingStepSize \(20\) must be ≤ maximumScalingStepSize \(10\)/,
    ],
    [
      "instanceWarmupPeriodSeconds",
      (s) => ({ instanceWarmupPeriodSeconds: num(s, "warmup") }),
      (json) => expect(scaling(json).instance_warmup_period).toBe("${var.warmup}"),
      { instanceWarmupPeriodSeconds: -1 },
      /^EcsCluster 'main': instanceWarmupPeriodSeconds \(-1\) must be an integer from 0 to 10000/,
    ],
    [
      "instanceRefreshMinHealthyPercentage",
      (s) => ({ instanceRefreshMinHealthyPercentage: num(s, "healthy") }),
      (json) =>
        expect(asg(json).instance_refresh).toMatchObject({
          preferences: expect.objectContaining({ min_healthy_percentage: "${var.healthy}" }),
        }),
      { instanceRefreshMinHealthyPercentage: 101 },
      /^EcsCluster 'main': instanceRefreshMinHealthyPercentage \(101\) must be an integer from 0 to 100/,
    ],
    [
      "containerStopTimeoutSeconds",
      (s) => ({ containerStopTimeoutSeconds: num(s, "stop") }),
      // A number token inside the script stays an interpolation (not a bare `var.stop`).
      (json) => expect(userData(json)).toContain("ECS_CONTAINER_STOP_TIMEOUT=${var.stop}s\\n"),
      { containerStopTimeoutSeconds: 0 },
      /^EcsCluster 'main': containerStopTimeoutSeconds \(0\) must be an integer from 1 to 3600/,
    ],
    [
      "subnetIds",
      (s) => ({ subnetIds: list(s, "subnets") }),
      (json) => expect(asg(json).vpc_zone_identifier).toBe("${var.subnets}"),
      { subnetIds: [] },
      /^EcsCluster 'main': subnetIds \(\[\]\) must list at least one subnet/,
    ],
    [
      "capacityProviderName",
      (s) => ({ capacityProviderName: str(s, "cp") }),
      (json) =>
        expect(resource(json, EcsCapacityProvider, "default_capacity-provider").name).toBe("${var.cp}"),
      { capacityProviderName: "ecs-apps" },
      /^EcsCluster 'main': capacityProviderName \("ecs-apps"\) must not start with aws, ecs, fargate/,
    ],
  ])("%s", (_prop, tokenOptions, assertSynth, bad, error) => {
    assertSynth(synthWith(tokenOptions));
    expect(build(bad)).toThrow(error);
  });

  it("GIVEN detailedMonitoring, additionalUserData and additionalSecurityGroupIds as variables THEN they flow through", () => {
    const json = synthWith((s) => ({
      detailedMonitoring: bool(s, "monitoring"),
      additionalUserData: str(s, "extra"),
      additionalSecurityGroupIds: list(s, "sgs"),
    }));
    expect(lt(json).monitoring).toEqual({ enabled: "${var.monitoring}" });
    expect(userData(json)).toMatch(/\\n\$\{var\.extra\}\\n/);
    // A list token cannot be spread after the instance security group: Terraform concatenates.
    expect(lt(json).vpc_security_group_ids).toMatch(
      /^\$\{concat\(\[aws_security_group\.main_instance-sg_\w+\.id\], var\.sgs\)\}$/,
    );
  });

  it("GIVEN allowFrom with token ports THEN the port order check is skipped, a literal reversed range still throws", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const cluster = new EcsCluster(stack, "main", {
      network: new Network(stack, "net", { region: "eu-west-2" }),
    });
    const from = num(stack, "from");
    cluster.allowFrom({ securityGroupId: "sg-0123456789abcdef0" }, { from, to: 80 }, "from the ALB");
    const json = JSON.parse(Testing.synth(stack)) as SynthJson;
    expect(Object.values(json.resource[VpcSecurityGroupIngressRule.tfResourceType])[0]).toMatchObject({
      from_port: "${var.from}",
      to_port: 80,
    });
    expect(() => cluster.allowFrom({ securityGroupId: "sg-1" }, { from: 90, to: 80 }, "reversed")).toThrow(
      /^EcsCluster 'main': port\.from \(90\) must be ≤ port\.to \(80\)/,
    );
  });
});

describe("EcsCluster: props that shape the construct tree refuse a token", () => {
  // GIVEN a prop read at synth time to decide which resources or blocks exist, WHEN it is a
  // Terraform variable THEN the construct refuses it, naming the prop and what it decides.
  const literal = (field: string, decides: string) =>
    new RegExp(
      `^EcsCluster 'main': ${field} \\(.+\\) must be a literal, not a token: it decides at synth time ${decides}`,
    );
  it.each<[string, TokenOptions, RegExp]>([
    ["spot", (s) => ({ spot: bool(s, "spot") }), literal("spot", "the launch template's market options")],
    [
      "enableSessionManager",
      (s) => ({ enableSessionManager: bool(s, "ssm") }),
      literal("enableSessionManager", "whether the instance role's policy has the Session Manager statement"),
    ],
    [
      "tags",
      (s) => ({ tags: Token.asStringMap(variable(s, "tags", "map(string)").value) }),
      literal("tags", "the Auto Scaling group's tag blocks"),
    ],
    [
      "instanceAttributes",
      (s) => ({ instanceAttributes: Token.asStringMap(variable(s, "attrs", "map(string)").value) }),
      literal("instanceAttributes", "the ECS_INSTANCE_ATTRIBUTES line"),
    ],
    [
      "ecrRepositoryArns",
      (s) => ({ ecrRepositoryArns: list(s, "repos") }),
      literal("ecrRepositoryArns", "whether the instance role's policy has that statement"),
    ],
    [
      "logGroupArns",
      (s) => ({ logGroupArns: list(s, "groups") }),
      literal("logGroupArns", "whether the instance role's policy has that statement"),
    ],
    [
      "initialLifecycleHooks",
      (s) => ({
        initialLifecycleHooks: variable(s, "hooks", "list(any)")
          .value as ClusterOptions["initialLifecycleHooks"],
      }),
      literal("initialLifecycleHooks", "the Auto Scaling group's initial_lifecycle_hook blocks"),
    ],
  ])("%s", (_prop, tokenOptions, error) => {
    expect(() => synthWith(tokenOptions)).toThrow(error);
  });

  it("GIVEN literal tags and attributes whose values are tokens THEN they are accepted", () => {
    const json = synthWith((s) => ({
      tags: { team: str(s, "team") },
      instanceAttributes: { role: str(s, "role") },
    }));
    expect(asg(json).tag).toEqual(
      expect.arrayContaining([{ key: "team", value: "${var.team}", propagate_at_launch: true }]),
    );
    // Terraform writes the JSON (a literal one's quotes cannot go into base64encode()'s argument).
    expect(userData(json)).toContain('ECS_INSTANCE_ATTRIBUTES=${jsonencode({"role" = var.role})}\\n');
  });

  it("THEN Terraform accepts what the token paths synthesize (terraform validate, real provider)", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
    new EcsCluster(stack, "main", {
      network: new Network(stack, "net", { region: "eu-west-2" }),
      clusterName: str(stack, "name"),
      instanceAttributes: { role: str(stack, "role") },
      containerStopTimeoutSeconds: num(stack, "stop"),
      managedScaling: bool(stack, "scaling"),
      kmsKeyArn: str(stack, "key"),
      additionalSecurityGroupIds: list(stack, "sgs"),
    });
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });
});
