import {
  DefaultTokenResolver,
  StringConcat,
  TerraformStack,
  TerraformVariable,
  Testing,
  Tokenization,
} from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { EcsCluster as EcsClusterResource } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Network } from "../../modules/network";
import {
  DEFAULT_AMI_SSM_PARAMETER,
  DEFAULT_CONTAINER_INSIGHTS,
  DEFAULT_CONTAINER_STOP_TIMEOUT_SECONDS,
  DEFAULT_EXEC_LOG_RETENTION_DAYS,
  DEFAULT_IMDS_HOP_LIMIT,
  DEFAULT_INSTANCE_REFRESH_MIN_HEALTHY_PERCENTAGE,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_INSTANCE_WARMUP_PERIOD_SECONDS,
  DEFAULT_MAX_SIZE,
  DEFAULT_MAXIMUM_SCALING_STEP_SIZE,
  DEFAULT_MIN_SIZE,
  DEFAULT_MINIMUM_SCALING_STEP_SIZE,
  DEFAULT_ROOT_VOLUME_SIZE_GIB,
  DEFAULT_TARGET_CAPACITY_PERCENT,
  EcsCapacity,
  EcsCluster,
  EcsClusterProps,
} from "../../modules/ecs-cluster";
import { addAwsProvider } from "../../stacks/aws-provider";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

type Block = Record<string, unknown>;
interface SynthJson {
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
}
type TfType = { readonly tfResourceType: string };
interface Statement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string>>;
}

/** Props without the network, which {@link synthCluster} supplies. */
type ClusterOptions = Omit<EcsClusterProps, "network">;

/** A stack with a default Network ("net") and an EcsCluster ("main"), synthesized. */
function synthCluster(
  options: ClusterOptions = {},
  extend: (cluster: EcsCluster, net: Network) => void = () => undefined,
): { json: SynthJson; synth: string; cluster: EcsCluster; net: Network; stack: TerraformStack } {
  const stack = new TerraformStack(Testing.app(), "stack");
  const net = new Network(stack, "net", { region: "eu-west-2" });
  const cluster = new EcsCluster(stack, "main", { network: net, ...options });
  extend(cluster, net);
  const synth = Testing.synth(stack);
  return { json: JSON.parse(synth) as SynthJson, synth, cluster, net, stack };
}

/** Builds a cluster with `options` and returns what it throws (fails the test if nothing). */
function buildCluster(options: ClusterOptions, network?: (net: Network) => Network): () => EcsCluster {
  return () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const net = new Network(stack, "net", { region: "eu-west-2" });
    return new EcsCluster(stack, "main", { network: network ? network(net) : net, ...options });
  };
}

function resources(json: SynthJson, type: TfType): Record<string, Block> {
  return json.resource?.[type.tfResourceType] ?? {};
}

function count(json: SynthJson, type: TfType): number {
  return Object.keys(resources(json, type)).length;
}

/** The one resource of `type` whose logical id contains `idPart`. */
function resource(json: SynthJson, type: TfType, idPart: string): Block {
  const matches = Object.entries(resources(json, type)).filter(([id]) => id.includes(idPart));
  if (matches.length !== 1) {
    throw new Error(`expected one ${type.tfResourceType} matching ${idPart}, found ${matches.length}`);
  }
  return matches[0][1];
}

function address(json: SynthJson, type: TfType, idPart: string, data = false): string {
  const blocks = data ? (json.data?.[type.tfResourceType] ?? {}) : resources(json, type);
  const ids = Object.keys(blocks).filter((key) => key.includes(idPart));
  if (ids.length !== 1) throw new Error(`expected one ${type.tfResourceType} matching ${idPart}`);
  return `${data ? "data." : ""}${type.tfResourceType}.${ids[0]}`;
}

/** `${<address>.<attribute>}`, a reference as synthesized. */
function ref(json: SynthJson, type: TfType, idPart: string, attribute = "id"): string {
  return `\${${address(json, type, idPart)}.${attribute}}`;
}

/** Resolves tokens (e.g. an attribute) to the Terraform expressions they synthesize to. */
function resolveIn(stack: TerraformStack, value: unknown): unknown {
  return Tokenization.resolve(value, {
    scope: stack,
    resolver: new DefaultTokenResolver(new StringConcat()),
  });
}

function userDataOf(json: SynthJson, idPart = "default"): string {
  const template = resource(json, LaunchTemplate, `${idPart}_launch-template`);
  return Buffer.from(String(template.user_data), "base64").toString("utf8");
}

function instanceStatements(json: SynthJson): Statement[] {
  const policy = resource(json, IamRolePolicy, "main_instance-policy");
  return (JSON.parse(String(policy.policy)) as { Statement: Statement[] }).Statement;
}

function statement(json: SynthJson, sid: string): Statement | undefined {
  return instanceStatements(json).find((s) => s.Sid === sid);
}

describe("EcsCluster defaults", () => {
  // GIVEN a Network and no other props
  // WHEN the cluster is synthesized
  const { json, synth, cluster, net, stack } = synthCluster();
  const clusterRef = ref(json, EcsClusterResource, "main_cluster", "name");
  const clusterArn = ref(json, EcsClusterResource, "main_cluster", "arn");
  const region = "${data.aws_region.main_region_7E04C22D.region}";

  it("creates a cluster named after the construct id with Container Insights and logged ECS Exec", () => {
    expect(DEFAULT_CONTAINER_INSIGHTS).toBe("enabled");
    expect(count(json, EcsClusterResource)).toBe(1);
    expect(resource(json, EcsClusterResource, "main_cluster")).toEqual({
      name: "main",
      setting: [{ name: "containerInsights", value: "enabled" }],
      configuration: {
        execute_command_configuration: {
          logging: "OVERRIDE",
          log_configuration: {
            cloud_watch_log_group_name: ref(json, CloudwatchLogGroup, "exec-log-group", "name"),
            cloud_watch_encryption_enabled: false,
          },
        },
      },
      tags: { Name: "main-cluster" },
    });
  });

  it("keeps ECS Exec logs a year in /ecs/<cluster>/exec", () => {
    expect(DEFAULT_EXEC_LOG_RETENTION_DAYS).toBe(365);
    expect(resource(json, CloudwatchLogGroup, "exec-log-group")).toEqual({
      name: "/ecs/main/exec",
      retention_in_days: 365,
      tags: { Name: "main-exec" },
    });
  });

  it("reads the ECS-optimized AL2023 AMI from the public SSM parameter", () => {
    expect(DEFAULT_AMI_SSM_PARAMETER).toBe(
      "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    );
    expect(json.data?.aws_ssm_parameter).toEqual({
      [address(json, DataAwsSsmParameter, "default_ami", true).split(".")[2]]: {
        name: DEFAULT_AMI_SSM_PARAMETER,
      },
    });
  });

  it("launches t3.small with IMDSv2 only (hop limit 1), an encrypted gp3 root, no SSH key", () => {
    expect(DEFAULT_INSTANCE_TYPE).toBe("t3.small");
    expect(DEFAULT_IMDS_HOP_LIMIT).toBe(1);
    expect(DEFAULT_ROOT_VOLUME_SIZE_GIB).toBe(30);
    const template = resource(json, LaunchTemplate, "default_launch-template");
    expect(template).toMatchObject({
      name_prefix: "main-default-",
      image_id: `\${${address(json, DataAwsSsmParameter, "default_ami", true)}.insecure_value}`,
      instance_type: "t3.small",
      iam_instance_profile: { arn: ref(json, IamInstanceProfile, "instance-profile", "arn") },
      vpc_security_group_ids: [ref(json, SecurityGroup, "instance-sg")],
      metadata_options: {
        http_endpoint: "enabled",
        http_tokens: "required",
        http_put_response_hop_limit: 1,
        instance_metadata_tags: "disabled",
      },
      block_device_mappings: [
        {
          device_name: "/dev/xvda",
          ebs: { volume_size: 30, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" },
        },
      ],
      monitoring: { enabled: false },
      update_default_version: true,
      tag_specifications: [{ resource_type: "volume", tags: { Name: "main-default" } }],
      tags: { Name: "main-default" },
    });
    expect(template).not.toHaveProperty("key_name");
    expect(template).not.toHaveProperty("instance_market_options");
  });

  it("writes ecs.config with the cluster, metadata, stop timeout and IMDS block, then the DNS drop-in", () => {
    const script = userDataOf(json);
    expect(script.startsWith("#!/bin/bash\nset -euo pipefail\n")).toBe(true);
    expect(script).toContain(
      [
        "cat >> /etc/ecs/ecs.config <<'EOF'",
        "ECS_CLUSTER=main",
        "ECS_ENABLE_CONTAINER_METADATA=true",
        `ECS_CONTAINER_STOP_TIMEOUT=${DEFAULT_CONTAINER_STOP_TIMEOUT_SECONDS}s`,
        "ECS_AWSVPC_BLOCK_IMDS=true",
        "EOF",
      ].join("\n"),
    );
    expect(script).not.toContain("ECS_ENABLE_SPOT_INSTANCE_DRAINING");
    expect(script).not.toContain("ECS_INSTANCE_ATTRIBUTES");
    // The network's snippet: myorg.local goes to the VPC resolver, not multicast DNS.
    expect(script).toContain("cat > /etc/systemd/resolved.conf.d/myorg.local.conf <<'EOF'");
    expect(script).toContain("DNS=172.24.0.2\nDomains=~myorg.local\nMulticastDNS=no");
    expect(script.indexOf("ECS_CLUSTER")).toBeLessThan(script.indexOf("resolved.conf.d"));
    expect(cluster.defaultCapacity.userDataScript).toBe(script);
  });

  it("wires the network's host DNS, which silences its .local warning", () => {
    const warnings = net.node.metadata.filter((entry) => entry.type === "@cdktf/warn");
    expect(warnings).toEqual([]);
  });

  it("spreads a 1-2 instance group over the private subnets, rolling on new template versions", () => {
    expect([DEFAULT_MIN_SIZE, DEFAULT_MAX_SIZE]).toEqual([1, 2]);
    expect(resource(json, AutoscalingGroup, "default_asg")).toEqual({
      name: "main-default",
      vpc_zone_identifier: [ref(json, Subnet, "private-subnet-0"), ref(json, Subnet, "private-subnet-1")],
      min_size: 1,
      max_size: 2,
      desired_capacity: 1,
      launch_template: {
        id: ref(json, LaunchTemplate, "default_launch-template"),
        version: ref(json, LaunchTemplate, "default_launch-template", "latest_version"),
      },
      instance_refresh: {
        strategy: "Rolling",
        preferences: {
          min_healthy_percentage: DEFAULT_INSTANCE_REFRESH_MIN_HEALTHY_PERCENTAGE,
          skip_matching: true,
          scale_in_protected_instances: "Refresh",
        },
      },
      protect_from_scale_in: false,
      force_delete: true,
      tag: [
        { key: "Name", value: "main-default", propagate_at_launch: true },
        { key: "AmazonECSManaged", value: "true", propagate_at_launch: true },
      ],
      depends_on: [
        address(json, EcsClusterResource, "main_cluster"),
        address(json, IamRolePolicy, "instance-policy"),
      ],
      lifecycle: { ignore_changes: ["desired_capacity"] },
      wait_for_capacity_timeout: "0",
    });
    expect(DEFAULT_INSTANCE_REFRESH_MIN_HEALTHY_PERCENTAGE).toBe(90);
  });

  it("scales the group through a capacity provider: managed scaling and draining, no termination protection", () => {
    expect([
      DEFAULT_TARGET_CAPACITY_PERCENT,
      DEFAULT_MINIMUM_SCALING_STEP_SIZE,
      DEFAULT_MAXIMUM_SCALING_STEP_SIZE,
      DEFAULT_INSTANCE_WARMUP_PERIOD_SECONDS,
    ]).toEqual([100, 1, 10_000, 300]);
    expect(resource(json, EcsCapacityProvider, "default_capacity-provider")).toEqual({
      name: "main-default",
      auto_scaling_group_provider: {
        auto_scaling_group_arn: ref(json, AutoscalingGroup, "default_asg", "arn"),
        managed_draining: "ENABLED",
        managed_termination_protection: "DISABLED",
        managed_scaling: {
          status: "ENABLED",
          target_capacity: 100,
          minimum_scaling_step_size: 1,
          maximum_scaling_step_size: 10_000,
          instance_warmup_period: 300,
        },
      },
      tags: { Name: "main-default" },
    });
  });

  it("associates the capacity provider with the cluster as its default strategy", () => {
    expect(resource(json, EcsClusterCapacityProviders, "capacity-providers")).toEqual({
      cluster_name: clusterRef,
      capacity_providers: [ref(json, EcsCapacityProvider, "default_capacity-provider", "name")],
      default_capacity_provider_strategy: [
        {
          capacity_provider: ref(json, EcsCapacityProvider, "default_capacity-provider", "name"),
          weight: 1,
          base: 0,
        },
      ],
    });
  });

  it("gives the instances a role only EC2 may assume, in an instance profile", () => {
    const role = resource(json, IamRole, "main_instance-role");
    expect(role).toMatchObject({
      name_prefix: "main-instance-",
      description: "ECS container instances of cluster main",
      tags: { Name: "main-instance" },
    });
    expect(JSON.parse(String(role.assume_role_policy))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Ec2AssumeRole",
          Effect: "Allow",
          Principal: { Service: "ec2.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ],
    });
    expect(resource(json, IamInstanceProfile, "instance-profile")).toEqual({
      name_prefix: "main-instance-",
      role: ref(json, IamRole, "main_instance-role", "name"),
      tags: { Name: "main-instance" },
    });
    expect(resource(json, IamRolePolicy, "main_instance-policy")).toMatchObject({
      role: ref(json, IamRole, "main_instance-role"),
      name: "ecs-container-instance",
    });
  });

  it("scopes the agent's cluster actions to this cluster's ARN", () => {
    expect(statement(json, "EcsAgentOnCluster")).toEqual({
      Sid: "EcsAgentOnCluster",
      Effect: "Allow",
      Action: [
        "ecs:RegisterContainerInstance",
        "ecs:DeregisterContainerInstance",
        "ecs:SubmitContainerStateChange",
        "ecs:SubmitTaskStateChange",
        "ecs:SubmitAttachmentStateChanges",
      ],
      Resource: [clusterArn],
    });
  });

  it("scopes Poll, telemetry and state updates to container instances of this cluster", () => {
    const s = statement(json, "EcsAgentOnOwnContainerInstance");
    expect(s?.Action).toEqual(["ecs:Poll", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState"]);
    expect(s?.Resource).toEqual([
      `arn:\${data.aws_partition.main_partition_B7511D23.partition}:ecs:${region}:\${data.aws_caller_identity.main_account_69A20923.account_id}:container-instance/*`,
    ]);
    expect(s?.Condition).toEqual({ ArnEquals: { "ecs:cluster": clusterArn } });
  });

  it("pulls from the account's ECR repositories and writes to /ecs/<cluster>/* log groups", () => {
    expect(statement(json, "EcrPull")?.Resource).toEqual([
      `arn:\${data.aws_partition.main_partition_B7511D23.partition}:ecr:${region}:\${data.aws_caller_identity.main_account_69A20923.account_id}:repository/*`,
    ]);
    expect(statement(json, "EcrPull")?.Action).toEqual([
      "ecr:BatchCheckLayerAvailability",
      "ecr:GetDownloadUrlForLayer",
      "ecr:BatchGetImage",
    ]);
    expect(statement(json, "AwslogsWrite")).toMatchObject({
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [
        `arn:\${data.aws_partition.main_partition_B7511D23.partition}:logs:${region}:\${data.aws_caller_identity.main_account_69A20923.account_id}:log-group:/ecs/main/*`,
      ],
    });
  });

  it("grants Session Manager and the resource-less actions on * only", () => {
    expect(statement(json, "SessionManager")?.Resource).toBe("*");
    expect(statement(json, "SessionManager")?.Action).toContain("ssmmessages:OpenDataChannel");
    expect(statement(json, "EcsAgentDiscoverEndpoint")).toMatchObject({
      Action: ["ecs:DiscoverPollEndpoint"],
      Resource: "*",
    });
    expect(statement(json, "EcrAuthorizationToken")).toMatchObject({
      Action: ["ecr:GetAuthorizationToken"],
      Resource: "*",
    });
  });

  it("closes the instance security group to ingress and opens egress on 443 and 80 only", () => {
    expect(resource(json, SecurityGroup, "instance-sg")).toEqual({
      name_prefix: "main-instances-",
      description: "ECS container instances of cluster main",
      vpc_id: ref(json, Vpc, "net_vpc"),
      tags: { Name: "main-instances" },
    });
    expect(count(json, VpcSecurityGroupIngressRule)).toBe(0);
    expect(count(json, VpcSecurityGroupEgressRule)).toBe(2);
    for (const port of [443, 80]) {
      expect(resource(json, VpcSecurityGroupEgressRule, `egress-${port}`)).toEqual({
        security_group_id: ref(json, SecurityGroup, "instance-sg"),
        description: `Instances to any IPv4 address on ${port}`,
        ip_protocol: "tcp",
        from_port: port,
        to_port: port,
        cidr_ipv4: "0.0.0.0/0",
        tags: { Name: `main-egress-${port}` },
      });
    }
  });

  it("exposes the resources and their attributes", () => {
    const resolve = (value: unknown): unknown => resolveIn(stack, value);
    expect(resolve(cluster.clusterName)).toBe(clusterRef);
    expect(resolve(cluster.clusterArn)).toBe(clusterArn);
    expect(resolve(cluster.capacityProviderName)).toBe(
      ref(json, EcsCapacityProvider, "default_capacity-provider", "name"),
    );
    expect(resolve(cluster.autoScalingGroupName)).toBe(ref(json, AutoscalingGroup, "default_asg", "name"));
    expect(resolve(cluster.autoScalingGroupArn)).toBe(ref(json, AutoscalingGroup, "default_asg", "arn"));
    expect(resolve(cluster.securityGroupId)).toBe(ref(json, SecurityGroup, "instance-sg"));
    expect(resolve(cluster.instanceRoleArn)).toBe(ref(json, IamRole, "main_instance-role", "arn"));
    expect(cluster.cluster).toBeInstanceOf(EcsClusterResource);
    expect(cluster.autoScalingGroup).toBe(cluster.defaultCapacity.autoScalingGroup);
    expect(cluster.launchTemplate).toBe(cluster.defaultCapacity.launchTemplate);
    expect(cluster.capacityProvider).toBe(cluster.defaultCapacity.capacityProvider);
    expect(cluster.instanceRole).toBeInstanceOf(IamRole);
    expect(cluster.instanceProfile).toBeInstanceOf(IamInstanceProfile);
    expect(cluster.securityGroup).toBeInstanceOf(SecurityGroup);
    expect(cluster.execLogGroup).toBeInstanceOf(CloudwatchLogGroup);
    expect(cluster.capacityProviderNames).toEqual([cluster.capacityProviderName]);
    expect(synth).toHaveResourceWithProperties(EcsClusterCapacityProviders, { cluster_name: clusterRef });
  });
});

describe("EcsCluster options", () => {
  it("GIVEN clusterName, containerInsights and a retention THEN the cluster and its names follow", () => {
    const { json } = synthCluster({
      clusterName: "prod_apps",
      containerInsights: "enhanced",
      execLogRetentionDays: 731,
    });
    expect(resource(json, EcsClusterResource, "main_cluster")).toMatchObject({
      name: "prod_apps",
      setting: [{ name: "containerInsights", value: "enhanced" }],
      tags: { Name: "prod_apps-cluster" },
    });
    expect(resource(json, CloudwatchLogGroup, "exec-log-group")).toMatchObject({
      name: "/ecs/prod_apps/exec",
      retention_in_days: 731,
    });
    expect(resource(json, AutoscalingGroup, "default_asg").name).toBe("prod_apps-default");
    expect(resource(json, EcsCapacityProvider, "default_capacity-provider").name).toBe("prod_apps-default");
    expect(userDataOf(json)).toContain("ECS_CLUSTER=prod_apps\n");
    expect(resource(json, IamRole, "instance-role").name_prefix).toBe("prod_apps-instance-");
  });

  it("GIVEN a long clusterName THEN IAM name prefixes are cut to fit IAM's 38-character prefix limit", () => {
    const name = "a".repeat(60);
    const { json } = synthCluster({ clusterName: name, capacityProviderName: "cp" });
    const prefix = String(resource(json, IamRole, "instance-role").name_prefix);
    expect(prefix).toBe(`${"a".repeat(24)}-instance-`);
    expect(prefix.length).toBeLessThanOrEqual(38);
  });

  it("GIVEN kmsKeyArn THEN the exec log group and exec sessions are encrypted with it", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-2:123456789012:key/0b1c2d3e-0000-4000-8000-000000000000";
    const { json } = synthCluster({ kmsKeyArn });
    expect(resource(json, CloudwatchLogGroup, "exec-log-group").kms_key_id).toBe(kmsKeyArn);
    expect(resource(json, EcsClusterResource, "main_cluster").configuration).toEqual({
      execute_command_configuration: {
        kms_key_id: kmsKeyArn,
        logging: "OVERRIDE",
        log_configuration: {
          cloud_watch_log_group_name: ref(json, CloudwatchLogGroup, "exec-log-group", "name"),
          cloud_watch_encryption_enabled: true,
        },
      },
    });
  });

  it("GIVEN ecrRepositoryArns and logGroupArns THEN the pull and log statements use exactly them", () => {
    const repo = "arn:aws:ecr:eu-west-2:123456789012:repository/hello-world";
    const group = "arn:aws:logs:eu-west-2:123456789012:log-group:/apps/hello:*";
    const { json } = synthCluster({ ecrRepositoryArns: [repo], logGroupArns: [group] });
    expect(statement(json, "EcrPull")?.Resource).toEqual([repo]);
    expect(statement(json, "AwslogsWrite")?.Resource).toEqual([group]);
  });

  it("GIVEN empty ecrRepositoryArns and logGroupArns THEN no pull or log statement at all", () => {
    const { json } = synthCluster({ ecrRepositoryArns: [], logGroupArns: [] });
    expect(statement(json, "EcrPull")).toBeUndefined();
    expect(statement(json, "AwslogsWrite")).toBeUndefined();
    expect(statement(json, "EcrAuthorizationToken")).toMatchObject({ Resource: "*" });
  });

  it("GIVEN enableSessionManager false THEN no SSM permissions", () => {
    const { json } = synthCluster({ enableSessionManager: false });
    expect(statement(json, "SessionManager")).toBeUndefined();
    const actions = instanceStatements(json).flatMap((s) => s.Action);
    expect(actions.filter((a) => /^(ssm|ssmmessages|ec2messages):/.test(a))).toEqual([]);
  });

  it("GIVEN tags THEN every resource carries them and the group propagates them to instances", () => {
    const { json } = synthCluster({ tags: { team: "platform" } });
    for (const [type, id] of [
      [EcsClusterResource, "main_cluster"],
      [CloudwatchLogGroup, "exec-log-group"],
      [IamRole, "instance-role"],
      [IamInstanceProfile, "instance-profile"],
      [SecurityGroup, "instance-sg"],
      [VpcSecurityGroupEgressRule, "egress-443"],
      [LaunchTemplate, "default_launch-template"],
      [EcsCapacityProvider, "default_capacity-provider"],
    ] as const) {
      expect(resource(json, type, id).tags).toMatchObject({ team: "platform" });
    }
    expect(resource(json, AutoscalingGroup, "default_asg").tag).toContainEqual({
      key: "team",
      value: "platform",
      propagate_at_launch: true,
    });
  });

  it("GIVEN subnetIds THEN the group uses them instead of the private subnets", () => {
    const { json } = synthCluster({ subnetIds: ["subnet-0a", "subnet-0b", "subnet-0c"] });
    expect(resource(json, AutoscalingGroup, "default_asg").vpc_zone_identifier).toEqual([
      "subnet-0a",
      "subnet-0b",
      "subnet-0c",
    ]);
  });

  it("GIVEN instance settings THEN the launch template carries them", () => {
    const { json } = synthCluster({
      instanceType: "m7g.large",
      amiSsmParameterName: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
      rootVolumeSizeGib: 60,
      rootDeviceName: "/dev/sda1",
      imdsHopLimit: 2,
      detailedMonitoring: true,
      additionalSecurityGroupIds: ["sg-0123"],
    });
    expect(json.data?.aws_ssm_parameter).toMatchObject({
      [address(json, DataAwsSsmParameter, "default_ami", true).split(".")[2]]: {
        name: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
      },
    });
    expect(resource(json, LaunchTemplate, "default_launch-template")).toMatchObject({
      instance_type: "m7g.large",
      block_device_mappings: [
        {
          device_name: "/dev/sda1",
          ebs: { volume_size: 60, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" },
        },
      ],
      metadata_options: expect.objectContaining({ http_put_response_hop_limit: 2, http_tokens: "required" }),
      monitoring: { enabled: true },
      vpc_security_group_ids: [ref(json, SecurityGroup, "instance-sg"), "sg-0123"],
    });
  });

  it("GIVEN amiId THEN the template uses it and reads no SSM parameter", () => {
    const { json } = synthCluster({ amiId: "ami-0123456789abcdef0" });
    expect(resource(json, LaunchTemplate, "default_launch-template").image_id).toBe("ami-0123456789abcdef0");
    expect(json.data?.aws_ssm_parameter).toBeUndefined();
  });

  it("GIVEN spot THEN spot instances that drain on interruption", () => {
    const { json } = synthCluster({ spot: true });
    expect(resource(json, LaunchTemplate, "default_launch-template").instance_market_options).toEqual({
      market_type: "spot",
    });
    expect(userDataOf(json)).toContain("ECS_ENABLE_SPOT_INSTANCE_DRAINING=true\n");
  });

  it("GIVEN instanceAttributes, a stop timeout and extra user data THEN the script carries them in order", () => {
    const { json } = synthCluster({
      instanceAttributes: { role: "general", "team.name": "platform" },
      containerStopTimeoutSeconds: 120,
      additionalUserData: "echo extra > /tmp/extra",
    });
    const script = userDataOf(json);
    expect(script).toContain('ECS_INSTANCE_ATTRIBUTES={"role":"general","team.name":"platform"}\n');
    expect(script).toContain("ECS_CONTAINER_STOP_TIMEOUT=120s\n");
    expect(script.trimEnd().endsWith("echo extra > /tmp/extra")).toBe(true);
    expect(script.indexOf("resolved.conf.d")).toBeLessThan(script.indexOf("echo extra"));
  });

  it("GIVEN sizes THEN the group has them", () => {
    const { json } = synthCluster({ minSize: 0, desiredCapacity: 2, maxSize: 5 });
    expect(resource(json, AutoscalingGroup, "default_asg")).toMatchObject({
      min_size: 0,
      desired_capacity: 2,
      max_size: 5,
    });
  });

  it("GIVEN minSize and maxSize 0 THEN a stopped group of zero instances", () => {
    const { json } = synthCluster({ minSize: 0, maxSize: 0 });
    expect(resource(json, AutoscalingGroup, "default_asg")).toMatchObject({
      min_size: 0,
      desired_capacity: 0,
      max_size: 0,
    });
  });

  it("never makes Terraform wait for capacity (it ignores the desired count managed scaling owns)", () => {
    const { json } = synthCluster({});
    expect(resource(json, AutoscalingGroup, "default_asg")).toMatchObject({
      wait_for_capacity_timeout: "0",
      lifecycle: { ignore_changes: ["desired_capacity"] },
    });
  });

  it("GIVEN minSize above the default maximum and no maxSize THEN maxSize follows minSize", () => {
    const { json } = synthCluster({ minSize: 3 });
    expect(resource(json, AutoscalingGroup, "default_asg")).toMatchObject({
      min_size: 3,
      desired_capacity: 3,
      max_size: 3,
    });
  });

  it("GIVEN managed termination protection THEN the provider enables it and the group protects instances", () => {
    const { json } = synthCluster({ managedTerminationProtection: true });
    expect(resource(json, AutoscalingGroup, "default_asg")).toMatchObject({
      protect_from_scale_in: true,
      force_delete: true,
    });
    expect(
      resource(json, EcsCapacityProvider, "default_capacity-provider").auto_scaling_group_provider,
    ).toMatchObject({ managed_termination_protection: "ENABLED", managed_draining: "ENABLED" });
  });

  it("GIVEN both protections explicitly THEN they are accepted", () => {
    const { json } = synthCluster({ managedTerminationProtection: true, protectFromScaleIn: true });
    expect(resource(json, AutoscalingGroup, "default_asg").protect_from_scale_in).toBe(true);
  });

  it("GIVEN managed scaling settings THEN the capacity provider has them", () => {
    const { json } = synthCluster({
      targetCapacityPercent: 80,
      minimumScalingStepSize: 2,
      maximumScalingStepSize: 20,
      instanceWarmupPeriodSeconds: 0,
    });
    expect(
      resource(json, EcsCapacityProvider, "default_capacity-provider").auto_scaling_group_provider,
    ).toMatchObject({
      managed_scaling: {
        status: "ENABLED",
        target_capacity: 80,
        minimum_scaling_step_size: 2,
        maximum_scaling_step_size: 20,
        instance_warmup_period: 0,
      },
    });
  });

  it("GIVEN managedScaling false THEN the capacity provider's managed scaling is disabled", () => {
    const { json } = synthCluster({ managedScaling: false, minSize: 2, maxSize: 2 });
    expect(
      resource(json, EcsCapacityProvider, "default_capacity-provider").auto_scaling_group_provider,
    ).toMatchObject({ managed_scaling: expect.objectContaining({ status: "DISABLED" }) });
  });

  it("GIVEN instanceRefreshMinHealthyPercentage THEN the refresh keeps that share healthy", () => {
    const { json } = synthCluster({ instanceRefreshMinHealthyPercentage: 100 });
    expect(resource(json, AutoscalingGroup, "default_asg").instance_refresh).toMatchObject({
      strategy: "Rolling",
      preferences: expect.objectContaining({ min_healthy_percentage: 100 }),
    });
  });

  it("GIVEN initial lifecycle hooks THEN the group declares them itself", () => {
    const hook = {
      name: "attach-eni",
      lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
      defaultResult: "ABANDON",
      heartbeatTimeout: 120,
    };
    const { json } = synthCluster({ initialLifecycleHooks: [hook] });
    expect(resource(json, AutoscalingGroup, "default_asg").initial_lifecycle_hook).toEqual([
      {
        name: "attach-eni",
        lifecycle_transition: "autoscaling:EC2_INSTANCE_LAUNCHING",
        default_result: "ABANDON",
        heartbeat_timeout: 120,
      },
    ]);
  });

  it("GIVEN capacityProviderName and autoScalingGroupName THEN they are used", () => {
    const { json } = synthCluster({ capacityProviderName: "apps-cp", autoScalingGroupName: "apps-asg" });
    expect(resource(json, EcsCapacityProvider, "default_capacity-provider").name).toBe("apps-cp");
    expect(resource(json, AutoscalingGroup, "default_asg").name).toBe("apps-asg");
    expect(resource(json, LaunchTemplate, "default_launch-template").name_prefix).toBe("apps-asg-");
  });

  it("GIVEN an unresolved clusterName and sizes THEN literal checks are skipped and user data is encoded by Terraform", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const name = new TerraformVariable(stack, "cluster_name", { type: "string" });
    const min = new TerraformVariable(stack, "min", { type: "number" });
    const net = new Network(stack, "net", { region: "eu-west-2" });
    new EcsCluster(stack, "main", {
      network: net,
      clusterName: name.stringValue,
      capacityProviderName: "apps",
      minSize: min.numberValue,
      maxSize: 4,
      desiredCapacity: 1,
    });
    const json = JSON.parse(Testing.synth(stack)) as SynthJson;
    const userData = String(resource(json, LaunchTemplate, "default_launch-template").user_data);
    expect(userData).toMatch(/^\$\{base64encode\(".*ECS_CLUSTER=\$\{var\.cluster_name\}/s);
    expect(resource(json, IamRole, "instance-role").name_prefix).toBe("ecs-instance-");
    expect(resource(json, AutoscalingGroup, "default_asg").min_size).toBe("${var.min}");
  });
});

describe("EcsCluster.addAutoScalingGroupCapacity", () => {
  // GIVEN a cluster WHEN an edge group is added in one AZ with a custom attribute
  let edge: EcsCapacity | undefined;
  const { json, cluster, stack } = synthCluster({}, (c, net) => {
    edge = c.addAutoScalingGroupCapacity("edge-a", {
      subnetIds: [net.privateSubnetIds[0]],
      instanceAttributes: { role: "edge" },
      minSize: 1,
      maxSize: 1,
      managedScaling: false,
    });
  });

  it("creates its own launch template, group and capacity provider", () => {
    expect(count(json, LaunchTemplate)).toBe(2);
    expect(count(json, AutoscalingGroup)).toBe(2);
    expect(count(json, EcsCapacityProvider)).toBe(2);
    expect(resource(json, AutoscalingGroup, "edge-a_asg")).toMatchObject({
      name: "main-edge-a",
      vpc_zone_identifier: [ref(json, Subnet, "private-subnet-0")],
      min_size: 1,
      max_size: 1,
      force_delete: true,
      lifecycle: { ignore_changes: ["desired_capacity"] },
      tag: expect.arrayContaining([{ key: "AmazonECSManaged", value: "true", propagate_at_launch: true }]),
    });
    expect(resource(json, EcsCapacityProvider, "edge-a_capacity-provider")).toMatchObject({
      name: "main-edge-a",
      auto_scaling_group_provider: expect.objectContaining({
        auto_scaling_group_arn: ref(json, AutoscalingGroup, "edge-a_asg", "arn"),
        managed_scaling: expect.objectContaining({ status: "DISABLED" }),
      }),
    });
  });

  it("registers its instances in the cluster with the custom attribute", () => {
    const script = userDataOf(json, "edge-a");
    expect(script).toContain("ECS_CLUSTER=main\n");
    expect(script).toContain('ECS_INSTANCE_ATTRIBUTES={"role":"edge"}\n');
    expect(script).toContain("Domains=~myorg.local");
    expect(edge?.userDataScript).toBe(script);
  });

  it("shares the cluster's instance profile and security group", () => {
    expect(resource(json, LaunchTemplate, "edge-a_launch-template")).toMatchObject({
      iam_instance_profile: { arn: ref(json, IamInstanceProfile, "instance-profile", "arn") },
      vpc_security_group_ids: [ref(json, SecurityGroup, "instance-sg")],
    });
    expect(count(json, IamRole)).toBe(2); // the cluster's and the network's flow log role
  });

  it("adds its provider to the cluster but not to the default strategy", () => {
    const association = resource(json, EcsClusterCapacityProviders, "capacity-providers");
    const edgeName = ref(json, EcsCapacityProvider, "edge-a_capacity-provider", "name");
    const defaultName = ref(json, EcsCapacityProvider, "default_capacity-provider", "name");
    expect(association.capacity_providers).toEqual([defaultName, edgeName]);
    expect(association.default_capacity_provider_strategy).toEqual([
      { capacity_provider: defaultName, weight: 1, base: 0 },
    ]);
    expect(cluster.capacityProviderNames.map((n) => resolveIn(stack, n))).toEqual([defaultName, edgeName]);
  });

  it("returns the capacity with its resources", () => {
    expect(edge).toBeInstanceOf(EcsCapacity);
    expect(resolveIn(stack, edge?.capacityProviderName)).toBe(
      ref(json, EcsCapacityProvider, "edge-a_capacity-provider", "name"),
    );
    expect(resolveIn(stack, edge?.autoScalingGroupArn)).toBe(
      ref(json, AutoscalingGroup, "edge-a_asg", "arn"),
    );
    expect(edge?.config.instanceAttributes).toEqual({ role: "edge" });
  });

  it("GIVEN bad options THEN it throws naming the capacity, before creating anything", () => {
    const stack2 = new TerraformStack(Testing.app(), "stack");
    const c = new EcsCluster(stack2, "main", {
      network: new Network(stack2, "net", { region: "eu-west-2" }),
    });
    const before = c.node.children.length;
    expect(() => c.addAutoScalingGroupCapacity("edge", { minSize: 2, maxSize: 1 })).toThrow(
      "EcsCapacity 'edge': minSize (2) must be ≤ maxSize (1); lower minSize or raise maxSize",
    );
    expect(() => c.addAutoScalingGroupCapacity("edge", { instanceAttributes: { "bad name": "x" } })).toThrow(
      /EcsCapacity 'edge': instanceAttributes \("bad name"\) must have names of 1 to 128/,
    );
    expect(() => c.addAutoScalingGroupCapacity("edge", { subnetIds: [] })).toThrow(
      /EcsCapacity 'edge': subnetIds \(\[\]\) must list at least one subnet/,
    );
    expect(() => c.addAutoScalingGroupCapacity("default")).toThrow(
      /id \("default"\) must be kebab-case and not "default"/,
    );
    expect(() => c.addAutoScalingGroupCapacity("Edge_A")).toThrow(/id \("Edge_A"\) must be kebab-case/);
    expect(c.node.children.length).toBe(before);
    c.addAutoScalingGroupCapacity("edge");
    expect(() => c.addAutoScalingGroupCapacity("edge")).toThrow(
      /id \("edge"\) must be unique in the cluster/,
    );
  });
});

describe("EcsCluster security group rules", () => {
  it("GIVEN allowFrom with a port THEN one TCP ingress rule from the peer's group", () => {
    const { json } = synthCluster({}, (c) => {
      c.allowFrom({ securityGroupId: "sg-0alb" }, 8080, "from the public ALB");
    });
    expect(count(json, VpcSecurityGroupIngressRule)).toBe(1);
    expect(resource(json, VpcSecurityGroupIngressRule, "ingress-from-the-public-alb-8080")).toEqual({
      security_group_id: ref(json, SecurityGroup, "instance-sg"),
      referenced_security_group_id: "sg-0alb",
      ip_protocol: "tcp",
      from_port: 8080,
      to_port: 8080,
      description: "from the public ALB",
      tags: { Name: "main-ingress-from-the-public-alb-8080" },
    });
  });

  it("GIVEN allowFrom with a range THEN the rule spans it", () => {
    const { json } = synthCluster({}, (c) => {
      c.allowFrom({ securityGroupId: "sg-0alb" }, { from: 32768, to: 65535 }, "ALB to dynamic host ports");
    });
    expect(resource(json, VpcSecurityGroupIngressRule, "32768-65535")).toMatchObject({
      from_port: 32768,
      to_port: 65535,
      referenced_security_group_id: "sg-0alb",
    });
  });

  it("GIVEN allowTo THEN a TCP egress rule to the peer's group", () => {
    const { json } = synthCluster({}, (c) => {
      c.allowTo({ securityGroupId: "sg-0db" }, 5432, "to the database");
    });
    expect(resource(json, VpcSecurityGroupEgressRule, "egress-to-to-the-database-5432")).toMatchObject({
      security_group_id: ref(json, SecurityGroup, "instance-sg"),
      referenced_security_group_id: "sg-0db",
      ip_protocol: "tcp",
      from_port: 5432,
      to_port: 5432,
    });
  });

  it.each([
    [0, /EcsCluster 'main': port \(0\) must be an integer from 1 to 65535/],
    [65536, /port \(65536\) must be an integer from 1 to 65535/],
    [{ from: 100, to: 99 }, /port\.from \(100\) must be ≤ port\.to \(99\); swap them/],
    [{ from: 0, to: 99 }, /port\.from \(0\) must be an integer from 1 to 65535/],
  ])("GIVEN port %j THEN allowFrom throws", (port, message) => {
    const { cluster } = synthCluster();
    expect(() => cluster.allowFrom({ securityGroupId: "sg-1" }, port, "peer")).toThrow(message);
  });

  it("GIVEN a bad or repeated description THEN allowFrom throws", () => {
    const { cluster } = synthCluster();
    expect(() => cluster.allowFrom({ securityGroupId: "sg-1" }, 80, "")).toThrow(
      /description \(""\) must be 1 to 255/,
    );
    expect(() => cluster.allowFrom({ securityGroupId: "sg-1" }, 80, "naïve")).toThrow(
      /description \("naïve"\)/,
    );
    cluster.allowFrom({ securityGroupId: "sg-1" }, 80, "from the ALB");
    expect(() => cluster.allowFrom({ securityGroupId: "sg-2" }, 80, "from the ALB")).toThrow(
      /description \("from the ALB"\) must be unique per port \(80\)/,
    );
  });
});

describe("EcsCluster.grantToInstances", () => {
  it("GIVEN a scoped grant THEN the instance policy has the statement", () => {
    const { json } = synthCluster({}, (c) => {
      c.grantToInstances({
        sid: "ReadConfig",
        actions: ["s3:GetObject"],
        resources: ["arn:aws:s3:::config-bucket/ecs/*"],
        condition: { StringEquals: { "s3:ExistingObjectTag/env": "dev" } },
      });
    });
    expect(statement(json, "ReadConfig")).toEqual({
      Sid: "ReadConfig",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: ["arn:aws:s3:::config-bucket/ecs/*"],
      Condition: { StringEquals: { "s3:ExistingObjectTag/env": "dev" } },
    });
  });

  it.each([
    [
      { sid: "A", actions: ["s3:*"], resources: ["arn:aws:s3:::b/*"] },
      /grant\.actions \("s3:\*"\) must be an explicit/,
    ],
    [
      { sid: "A", actions: ["*"], resources: ["arn:aws:s3:::b/*"] },
      /grant\.actions \("\*"\) must be an explicit/,
    ],
    [
      { sid: "A", actions: ["s3:GetObject"], resources: ["*"] },
      /grant\.resources \(\["\*"\]\) must not include "\*"/,
    ],
    [
      { sid: "A", actions: [], resources: ["arn:aws:s3:::b/*"] },
      /grant\.actions \(\[\]\) must list an action/,
    ],
    [
      { sid: "A", actions: ["s3:GetObject"], resources: [] },
      /grant\.resources \(\[\]\) must list a resource/,
    ],
    [
      { sid: "bad-sid", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] },
      /grant\.sid \("bad-sid"\)/,
    ],
  ])("GIVEN %j THEN it throws", (grant, message) => {
    const { cluster } = synthCluster();
    expect(() => cluster.grantToInstances(grant)).toThrow(message);
  });

  it("GIVEN a repeated sid THEN it throws", () => {
    const { cluster } = synthCluster();
    const grant = { sid: "Same", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] };
    cluster.grantToInstances(grant);
    expect(() => cluster.grantToInstances(grant)).toThrow(
      /grant\.sid \("Same"\) must be 1 to 128 letters or digits, unique/,
    );
  });
});

describe("EcsCluster validation", () => {
  it("states the field, the value, the rule and the fix", () => {
    expect(buildCluster({ minSize: 3, maxSize: 2 })).toThrow(
      "EcsCluster 'main': minSize (3) must be ≤ maxSize (2); lower minSize or raise maxSize",
    );
  });

  it("throws before creating any resource", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const net = new Network(stack, "net", { region: "eu-west-2" });
    expect(() => new EcsCluster(stack, "main", { network: net, instanceType: "large" })).toThrow();
    const partial = stack.node.tryFindChild("main");
    expect(partial?.node.children ?? []).toEqual([]);
  });

  it.each<[string, ClusterOptions, RegExp]>([
    ["min > max", { minSize: 3, maxSize: 2 }, /minSize \(3\) must be ≤ maxSize \(2\)/],
    [
      "desired < min",
      { minSize: 2, maxSize: 4, desiredCapacity: 1 },
      /desiredCapacity \(1\) must be ≥ minSize \(2\)/,
    ],
    ["desired > max", { maxSize: 2, desiredCapacity: 3 }, /desiredCapacity \(3\) must be ≤ maxSize \(2\)/],
    ["negative max", { minSize: 0, maxSize: -1 }, /maxSize \(-1\) must be an integer ≥ 0/],
    ["max 0 above min", { minSize: 1, maxSize: 0 }, /minSize \(1\) must be ≤ maxSize \(0\)/],
    ["negative min", { minSize: -1 }, /minSize \(-1\) must be an integer ≥ 0/],
    ["fractional desired", { desiredCapacity: 1.5 }, /desiredCapacity \(1\.5\) must be an integer ≥ 0/],
    [
      "bad instance type",
      { instanceType: "T3.Small" },
      /instanceType \("T3\.Small"\) must be an EC2 instance type like t3\.small/,
    ],
    ["type without size", { instanceType: "t3" }, /instanceType \("t3"\) must be an EC2 instance type/],
    [
      "target 0",
      { targetCapacityPercent: 0 },
      /targetCapacityPercent \(0\) must be an integer from 1 to 100/,
    ],
    [
      "target 101",
      { targetCapacityPercent: 101 },
      /targetCapacityPercent \(101\) must be an integer from 1 to 100/,
    ],
    [
      "min step 0",
      { minimumScalingStepSize: 0 },
      /minimumScalingStepSize \(0\) must be an integer from 1 to 10000/,
    ],
    [
      "max step 10001",
      { maximumScalingStepSize: 10_001 },
      /maximumScalingStepSize \(10001\) must be an integer from 1 to 10000/,
    ],
    [
      "min step > max step",
      { minimumScalingStepSize: 5, maximumScalingStepSize: 4 },
      /minimumScalingStepSize \(5\) must be ≤ maximumScalingStepSize \(4\)/,
    ],
    [
      "negative warm-up",
      { instanceWarmupPeriodSeconds: -1 },
      /instanceWarmupPeriodSeconds \(-1\) must be an integer from 0 to 10000/,
    ],
    [
      "termination protection without scale-in protection",
      { managedTerminationProtection: true, protectFromScaleIn: false },
      /protectFromScaleIn \(false\) must be true when managedTerminationProtection is true/,
    ],
    [
      "scale-in protection without termination protection",
      { protectFromScaleIn: true },
      /protectFromScaleIn \(true\) must be false unless managedTerminationProtection is true/,
    ],
    [
      "termination protection without managed scaling",
      { managedTerminationProtection: true, managedScaling: false },
      /managedTerminationProtection \(true\) must be false when managedScaling is false/,
    ],
    [
      "empty subnetIds",
      { subnetIds: [] },
      /subnetIds \(\[\]\) must list at least one subnet; pass subnet ids/,
    ],
    ["hop limit 0", { imdsHopLimit: 0 }, /imdsHopLimit \(0\) must be an integer from 1 to 64/],
    ["hop limit 65", { imdsHopLimit: 65 }, /imdsHopLimit \(65\) must be an integer from 1 to 64/],
    [
      "cluster name with a dot",
      { clusterName: "my.cluster" },
      /clusterName \("my\.cluster"\) must be 1 to 255 letters, digits, hyphens or underscores; rename it/,
    ],
    ["empty cluster name", { clusterName: "" }, /clusterName \(""\) must be 1 to 255/],
    ["cluster name too long", { clusterName: "c".repeat(256) }, /clusterName \("c+"\) must be 1 to 255/],
    [
      "derived capacity provider name with a reserved prefix",
      { clusterName: "ecs-prod" },
      /capacityProviderName \("ecs-prod-default"\) must not start with aws, ecs, fargate \(reserved by ECS\); pass capacityProviderName/,
    ],
    [
      "reserved capacity provider name",
      { capacityProviderName: "FARGATE-x" },
      /capacityProviderName \("FARGATE-x"\) must not start with/,
    ],
    [
      "capacity provider name with a space",
      { capacityProviderName: "my cp" },
      /capacityProviderName \("my cp"\) must be 1 to 255 letters/,
    ],
    [
      "group name with a colon",
      { autoScalingGroupName: "a:b" },
      /autoScalingGroupName \("a:b"\) must be 1 to 255 characters/,
    ],
    ["malformed AMI id", { amiId: "ami-XYZ" }, /amiId \("ami-XYZ"\) must be an AMI id/],
    [
      "AMI id and parameter",
      { amiId: "ami-0123456789abcdef0", amiSsmParameterName: "/x" },
      /amiId \("ami-0123456789abcdef0"\) must be unset when amiSsmParameterName is set/,
    ],
    [
      "bad SSM parameter",
      { amiSsmParameterName: "a b" },
      /amiSsmParameterName \("a b"\) must be an SSM parameter name/,
    ],
    ["root volume 0", { rootVolumeSizeGib: 0 }, /rootVolumeSizeGib \(0\) must be an integer from 1 to 16384/],
    ["root device", { rootDeviceName: "xvda" }, /rootDeviceName \("xvda"\) must be a device name/],
    [
      "bad attribute value",
      { instanceAttributes: { role: " edge" } },
      /instanceAttributes\.role \(" edge"\) must be 1 to 128/,
    ],
    [
      "too many attributes",
      { instanceAttributes: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, "v"])) },
      /instanceAttributes \(.*\) must have at most 10 entries/,
    ],
    [
      "stop timeout 0",
      { containerStopTimeoutSeconds: 0 },
      /containerStopTimeoutSeconds \(0\) must be an integer from 1 to 3600/,
    ],
    [
      "min healthy 101",
      { instanceRefreshMinHealthyPercentage: 101 },
      /instanceRefreshMinHealthyPercentage \(101\) must be an integer from 0 to 100/,
    ],
    [
      "retention 2",
      { execLogRetentionDays: 2 },
      /execLogRetentionDays \(2\) must be a CloudWatch Logs retention/,
    ],
    [
      "kms key id instead of ARN",
      { kmsKeyArn: "0b1c2d3e" },
      /kmsKeyArn \("0b1c2d3e"\) must be a KMS key ARN/,
    ],
    [
      "bare * repository",
      { ecrRepositoryArns: ["*"] },
      /ecrRepositoryArns \("\*"\) must hold ARNs like arn:aws:ecr/,
    ],
    [
      "log group of another service",
      { logGroupArns: ["arn:aws:s3:::bucket"] },
      /logGroupArns \("arn:aws:s3:::bucket"\) must hold ARNs like arn:aws:logs/,
    ],
    [
      "Name tag",
      { tags: { Name: "x" } },
      /tags \(\{"Name":"x"\}\) must not set Name \(the module sets it\); set clusterName instead/,
    ],
    ["AmazonECSManaged tag", { tags: { AmazonECSManaged: "false" } }, /must not set AmazonECSManaged/],
  ])("GIVEN %s THEN it throws", (_case, options, message) => {
    expect(buildCluster(options)).toThrow(message);
  });

  it("GIVEN an untyped containerInsights value THEN it throws", () => {
    const options = { containerInsights: "disabled" } as unknown as ClusterOptions;
    expect(buildCluster(options)).toThrow(
      /containerInsights \("disabled"\) must be one of enabled, enhanced/,
    );
  });

  it("GIVEN a network without private subnets THEN it throws naming the network", () => {
    const withoutPrivateSubnets = (net: Network): Network => {
      Object.defineProperty(net, "privateSubnetIds", { value: [] });
      return net;
    };
    expect(buildCluster({}, withoutPrivateSubnets)).toThrow(
      /network\.privateSubnetIds \(\[\]\) must list at least one subnet; give the network private subnets or pass subnetIds/,
    );
  });

  it("GIVEN a construct id that is not a valid cluster name and no clusterName THEN the fix names the prop", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const net = new Network(stack, "net", { region: "eu-west-2" });
    expect(() => new EcsCluster(stack, "my cluster", { network: net })).toThrow(
      /EcsCluster 'my cluster': clusterName \("my cluster"\) must be .*; pass clusterName or use a kebab-case construct id/,
    );
  });
});

describe("EcsCluster Terraform validity", () => {
  it("GIVEN a stack with the AWS provider, a Network and an EcsCluster with extra capacity THEN terraform validate passes", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
    const net = new Network(stack, "net", { region: "eu-west-2" });
    const cluster = new EcsCluster(stack, "main", { network: net, managedTerminationProtection: true });
    cluster.addAutoScalingGroupCapacity("edge-a", {
      subnetIds: [net.privateSubnetIds[0]],
      instanceAttributes: { role: "edge" },
      spot: true,
    });
    cluster.allowFrom({ securityGroupId: net.vpc.defaultSecurityGroupId }, 80, "from the VPC default group");
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });
});

describe("EcsCluster unknown keys", () => {
  it("GIVEN a misspelt prop THEN it fails naming the nearest key", () => {
    const options = { instanceTyp: "t3.small" } as unknown as ClusterOptions;
    expect(buildCluster(options)).toThrow(
      /^EcsCluster 'main': instanceTyp \("t3\.small"\) must be a known key; did you mean instanceType\? \(valid: additionalSecurityGroupIds, additionalUserData, allowPrivateSubnetsWithoutNat, /,
    );
  });

  it("GIVEN a misspelt or cluster-level key in addAutoScalingGroupCapacity THEN it fails naming the capacity", () => {
    const { cluster } = synthCluster();
    expect(() =>
      cluster.addAutoScalingGroupCapacity("edge", { minSzie: 1 } as unknown as ClusterOptions),
    ).toThrow(/^EcsCapacity 'edge': minSzie \(1\) must be a known key; did you mean minSize\? \(valid: /);
    expect(() =>
      cluster.addAutoScalingGroupCapacity("edge", { clusterName: "x" } as unknown as ClusterOptions),
    ).toThrow(/^EcsCapacity 'edge': clusterName \("x"\) must be a known key; /);
  });

  it("GIVEN a misspelt lifecycle hook key THEN it fails naming the hook", () => {
    const hook = {
      name: "h",
      lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
      heartbeatTimout: 60,
    };
    expect(buildCluster({ initialLifecycleHooks: [hook] })).toThrow(
      /^EcsCluster 'main': initialLifecycleHooks\[0\]\.heartbeatTimout \(60\) must be a known key; did you mean heartbeatTimeout\?/,
    );
    const { cluster } = synthCluster();
    expect(() => cluster.addAutoScalingGroupCapacity("edge", { initialLifecycleHooks: [hook] })).toThrow(
      /^EcsCapacity 'edge': initialLifecycleHooks\[0\]\.heartbeatTimout \(60\) must be a known key/,
    );
  });

  it("GIVEN a misspelt grant or port range key THEN it fails", () => {
    const { cluster } = synthCluster();
    const grant = { sid: "A", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"], conditions: {} };
    expect(() => cluster.grantToInstances(grant)).toThrow(
      /^EcsCluster 'main': grant\.conditions \(\{\}\) must be a known key; did you mean condition\?/,
    );
    const range = { from: 80, too: 81 } as unknown as { from: number; to: number };
    expect(() => cluster.allowFrom({ securityGroupId: "sg-1" }, range, "peer")).toThrow(
      /^EcsCluster 'main': port\.too \(81\) must be a known key; did you mean to\?/,
    );
  });

  it("GIVEN valid props, hooks and maps with any keys THEN it passes", () => {
    expect(
      buildCluster({
        clusterName: "apps",
        allowPrivateSubnetsWithoutNat: false,
        containerInsights: "enhanced",
        enableSessionManager: true,
        tags: { instanceTyp: "a tag, not a prop" },
        instanceType: "t3.medium",
        rootVolumeSizeGib: 40,
        instanceAttributes: { minSzie: "an attribute" },
        initialLifecycleHooks: [
          {
            name: "h",
            lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
            heartbeatTimeout: 60,
            defaultResult: "ABANDON",
          },
        ],
      }),
    ).not.toThrow();
  });
});

describe("EcsCluster without NAT", () => {
  const NO_NAT =
    'network.natGateways ("none") must not be "none" while the instances are in the network\'s private subnets';
  function build(options: ClusterOptions, extend?: (cluster: EcsCluster, net: Network) => void): () => void {
    return () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const net = new Network(stack, "net", { region: "eu-west-2", natGateways: "none" });
      const cluster = new EcsCluster(stack, "main", {
        network: net,
        ...(typeof options === "function" ? {} : options),
      });
      extend?.(cluster, net);
    };
  }

  it("GIVEN the default (private) subnets THEN it fails: no ECS, ECR or SSM without NAT", () => {
    expect(build({})).toThrow(
      `EcsCluster 'main': ${NO_NAT} (the default subnetIds): they could not register with ECS, pull images from ECR or reach SSM, and this library creates no VPC endpoints; give the network NAT gateways ("single" or "per-az"), or set allowPrivateSubnetsWithoutNat: true on the cluster if you provide VPC endpoints or a proxy yourself`,
    );
  });

  it("GIVEN allowPrivateSubnetsWithoutNat THEN it passes", () => {
    expect(build({ allowPrivateSubnetsWithoutNat: true })).not.toThrow();
  });

  it("GIVEN one of the network's private subnets explicitly THEN it fails too", () => {
    expect(() => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const net = new Network(stack, "net", { region: "eu-west-2", natGateways: "none" });
      new EcsCluster(stack, "main", { network: net, subnetIds: [net.privateSubnetIds[1]] });
    }).toThrow(`EcsCluster 'main': ${NO_NAT} (listed in subnetIds)`);
  });

  it("GIVEN other subnets THEN they are not checked (the module cannot see their routes)", () => {
    expect(() => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const net = new Network(stack, "net", { region: "eu-west-2", natGateways: "none" });
      new EcsCluster(stack, "main", { network: net, subnetIds: net.publicSubnetIds });
      new EcsCluster(stack, "other", { network: net, subnetIds: ["subnet-0123456789abcdef0"] });
    }).not.toThrow();
  });

  it("GIVEN added capacity in the private subnets THEN it fails unless the cluster allows it", () => {
    const withEdge = (allow: boolean) => () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const net = new Network(stack, "net", { region: "eu-west-2", natGateways: "none" });
      const cluster = new EcsCluster(stack, "main", {
        network: net,
        subnetIds: ["subnet-0123456789abcdef0"],
        allowPrivateSubnetsWithoutNat: allow,
      });
      cluster.addAutoScalingGroupCapacity("edge");
    };
    expect(withEdge(false)).toThrow(`EcsCapacity 'edge': ${NO_NAT} (the default subnetIds)`);
    expect(withEdge(true)).not.toThrow();
  });

  it("GIVEN a single NAT gateway THEN private subnets are fine", () => {
    expect(() => {
      const stack = new TerraformStack(Testing.app(), "stack");
      new EcsCluster(stack, "main", {
        network: new Network(stack, "net", { region: "eu-west-2", natGateways: "single" }),
      });
    }).not.toThrow();
  });
});

describe("EcsCluster root volume and the AMI", () => {
  it("GIVEN the default AMI and a volume below its 30 GiB snapshot THEN it fails", () => {
    expect(buildCluster({ rootVolumeSizeGib: 20 })).toThrow(
      "EcsCluster 'main': rootVolumeSizeGib (20) must be at least 30, the root snapshot of the ECS-optimized AL2023 AMI (EC2 refuses a smaller volume at launch, so no instance would start); use 30 or more",
    );
    expect(buildCluster({ rootVolumeSizeGib: DEFAULT_ROOT_VOLUME_SIZE_GIB })).not.toThrow();
  });

  it("GIVEN an explicit AMI or another parameter THEN only the range is checked (the snapshot size is unknown)", () => {
    expect(buildCluster({ rootVolumeSizeGib: 8, amiId: "ami-0123456789abcdef0" })).not.toThrow();
    expect(
      buildCluster({
        rootVolumeSizeGib: 8,
        amiSsmParameterName: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
      }),
    ).not.toThrow();
  });

  it("GIVEN added capacity with a small volume and the default AMI THEN it fails naming the capacity", () => {
    const { cluster } = synthCluster();
    expect(() => cluster.addAutoScalingGroupCapacity("edge", { rootVolumeSizeGib: 29 })).toThrow(
      /^EcsCapacity 'edge': rootVolumeSizeGib \(29\) must be at least 30/,
    );
  });
});

describe("EcsCluster derived names within their limits", () => {
  const named = { autoScalingGroupName: "apps", capacityProviderName: "apps-cp" };

  it("GIVEN a 255-character cluster name THEN the security group description is too long", () => {
    const name = "c".repeat(255);
    expect(buildCluster({ clusterName: name })).toThrow(
      `EcsCluster 'main': clusterName ("${name}") must leave the instance security group's description within its limit of 255 characters ("ECS container instances of cluster ${name}" is 290); shorten clusterName`,
    );
  });

  it("GIVEN a 91-character cluster name THEN the launch template name prefix is too long", () => {
    const name = "c".repeat(91);
    expect(buildCluster({ clusterName: name })).toThrow(
      `EcsCluster 'main': clusterName ("${name}") must leave the launch template name prefix <autoScalingGroupName>- within its limit of 99 characters ("${name}-default-" is 100); shorten clusterName or pass a shorter autoScalingGroupName`,
    );
    expect(buildCluster({ clusterName: "c".repeat(90) })).not.toThrow();
    expect(buildCluster({ clusterName: name, ...named })).not.toThrow();
  });

  it("GIVEN a group name too long or unfit for a launch template prefix THEN it fails naming it", () => {
    expect(buildCluster({ autoScalingGroupName: "g".repeat(99) })).toThrow(
      /^EcsCluster 'main': autoScalingGroupName \("g{99}"\) must leave the launch template name prefix <autoScalingGroupName>- within its limit of 99 characters \("g{99}-" is 100\); shorten autoScalingGroupName$/,
    );
    expect(buildCluster({ autoScalingGroupName: "apps@eu" })).toThrow(
      /^EcsCluster 'main': autoScalingGroupName \("apps@eu"\) must give a launch template name prefix of 3 or more letters, digits and \(\)\.\/_- \("apps@eu-"\); rename the group$/,
    );
  });

  it("GIVEN a 219-character cluster name THEN the launch template description is too long", () => {
    const name = "c".repeat(219);
    expect(buildCluster({ clusterName: name, ...named })).toThrow(
      `EcsCluster 'main': clusterName ("${name}") must leave the launch template's description within its limit of 255 characters ("ECS container instances of ${name} (default)" is 256); shorten clusterName (or the capacity id)`,
    );
    expect(buildCluster({ clusterName: "c".repeat(218), ...named })).not.toThrow();
  });

  it("GIVEN a long cluster name and capacity id THEN the derived capacity provider name is too long", () => {
    const name = "c".repeat(200);
    const { cluster } = synthCluster({ clusterName: name, ...named });
    const id = "e".repeat(60);
    expect(() => cluster.addAutoScalingGroupCapacity(id, { autoScalingGroupName: "edge" })).toThrow(
      `EcsCapacity '${id}': clusterName ("${name}") must leave the capacity provider name <clusterName>-<capacity id> within its limit of 255 characters ("${name}-${id}" is 261); shorten clusterName or pass capacityProviderName`,
    );
  });

  it("GIVEN a rule whose Name tag would pass 256 characters THEN allowFrom fails naming the description", () => {
    const { cluster } = synthCluster({ clusterName: "c".repeat(200), ...named });
    const description = "from the load balancer of the public site";
    expect(() =>
      cluster.allowFrom({ securityGroupId: "sg-1" }, { from: 32768, to: 65535 }, description),
    ).toThrow(
      /^EcsCluster 'main': description \("from the load balancer of the public site"\) must leave the Name tag within its limit of 256 characters \("c{200}-ingress-from-the-load-balancer-of-the-public-sit-32768-65535" is 261\); shorten the description/,
    );
    expect(() => cluster.allowFrom({ securityGroupId: "sg-1" }, 80, "from the ALB")).not.toThrow();
  });

  it("GIVEN the longest cluster name with derived names THEN IAM and security group prefixes fit", () => {
    const { json } = synthCluster({ clusterName: "c".repeat(90) });
    for (const [type, id] of [
      [IamRole, "instance-role"],
      [IamInstanceProfile, "instance-profile"],
    ] as const) {
      expect((resource(json, type, id).name_prefix as string).length).toBeLessThanOrEqual(38);
    }
    expect((resource(json, SecurityGroup, "instance-sg").name_prefix as string).length).toBeLessThanOrEqual(
      255,
    );
    expect((resource(json, LaunchTemplate, "default_launch-template").name_prefix as string).length).toBe(99);
  });
});
