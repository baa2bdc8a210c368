/** terraform-aws-ecs-cluster: the EcsCluster construct with its inputs as Terraform variables. */
import { Fn, TerraformVariable, Token } from "cdktf";
import {
  DEFAULT_AMI_SSM_PARAMETER,
  DEFAULT_INSTANCE_REFRESH_MIN_HEALTHY_PERCENTAGE,
  DEFAULT_INSTANCE_WARMUP_PERIOD_SECONDS,
  DEFAULT_CONTAINER_STOP_TIMEOUT_SECONDS,
  DEFAULT_ROOT_VOLUME_SIZE_GIB,
  EcsCluster,
  EcsClusterProps,
  LOG_RETENTION_DAYS_ALLOWED,
} from "../../../modules/ecs-cluster";
import { Construct } from "constructs";
import { INetwork, NatGateways, Network } from "../../../modules/network";
import { integerRule, ModuleSpec } from "../spec";
import { optionalArnCondition, vpcIdVariable } from "./shared";
import { AWS_ID_PATTERNS } from "../../../modules/shared/validation";

/** What EcsCluster reads of its network, and the adapter variable each comes from. */
const NETWORK_MEMBERS = {
  vpcId: "vpc_id",
  privateSubnetIds: "private_subnet_ids",
  hostDnsUserData: "host_dns_user_data",
  natGateways: "nat_gateways",
} as const;

/**
 * The `network` prop: the network module's outputs as an imported network. EcsCluster reads its
 * VPC, private subnets, host DNS user data and NAT layout (a token: the construct skips its NAT
 * check, which the nat_gateways rule makes at plan time).
 */
export function networkFromVariables(
  scope: Construct,
  vars: Readonly<Record<string, TerraformVariable>>,
): INetwork {
  return Network.fromAttributes(scope, "network", {
    vpcId: vars[NETWORK_MEMBERS.vpcId].stringValue,
    privateSubnetIds: vars[NETWORK_MEMBERS.privateSubnetIds].listValue,
    hostDnsUserData: vars[NETWORK_MEMBERS.hostDnsUserData].stringValue,
    natGateways: vars[NETWORK_MEMBERS.natGateways].stringValue as NatGateways,
  });
}

/** The retentions CloudWatch Logs accepts, as an HCL list body. */
const RETENTIONS = LOG_RETENTION_DAYS_ALLOWED.join(", ");

export const ecsClusterSpec: ModuleSpec<EcsClusterProps, EcsCluster> = {
  module: "ecs-cluster",
  constructClass: "EcsCluster",
  summary:
    "An ECS cluster whose capacity is an EC2 Auto Scaling group (launch template with IMDSv2 and an " +
    "encrypted gp3 root volume) in the given private subnets, behind a capacity provider with managed " +
    "scaling; a least-privilege instance role; an instance security group without ingress.",
  props: {
    network: {
      as: "adapter",
      from: Object.values(NETWORK_MEMBERS),
      reason:
        "A construct cannot cross a module boundary: the module takes the network's VPC id, private subnet " +
        "ids, host DNS user data and NAT gateway layout (the network module's outputs) instead.",
    },
    clusterName: {
      as: "variable",
      required: true,
      description:
        "Name of the ECS cluster: 1 to 218 letters, digits, hyphens and underscores, not starting with " +
        "aws, ecs or fargate. Also the prefix of the capacity's names (`<cluster_name>-default`) and part " +
        "of the launch template's description (at most 255 characters).",
      rules: [
        {
          condition: 'can(regex("^[A-Za-z0-9_-]{1,218}$", var.cluster_name))',
          errorMessage:
            "cluster_name (${var.cluster_name}) must be 1 to 218 letters, digits, hyphens or underscores (the launch template's description \"ECS container instances of <cluster_name> (default)\" must fit EC2's 255 characters); rename it.",
          rejects: [
            { cluster_name: "my cluster" },
            { cluster_name: "c".repeat(219) },
            { cluster_name: "c".repeat(250) },
          ],
          synth: "same",
        },
        {
          condition: '!can(regex("^(?i)(aws|ecs|fargate)", var.cluster_name))',
          errorMessage:
            "cluster_name (${var.cluster_name}) must not start with aws, ecs or fargate (its capacity provider <cluster_name>-default would use a prefix ECS reserves); rename it.",
          rejects: [{ cluster_name: "ECS-apps" }],
          synth: "same",
        },
      ],
    },
    allowPrivateSubnetsWithoutNat: {
      as: "variable",
      description:
        'Accept nat_gateways = "none": the instances in private_subnet_ids then cannot reach ECS, ECR, SSM or ' +
        "CloudWatch unless you provide VPC endpoints (ecs, ecs-agent, ecs-telemetry, ecr.api, ecr.dkr, an S3 " +
        "gateway, ssm, ssmmessages, ec2messages, logs) or a proxy yourself; these modules create none.",
    },
    containerInsights: { as: "variable" },
    execLogRetentionDays: {
      as: "variable",
      description:
        "Retention of the ECS Exec log group `/ecs/<cluster_name>/exec`, in days (a value CloudWatch Logs accepts).",
      rules: [
        {
          condition: `contains([${RETENTIONS}], var.exec_log_retention_days)`,
          errorMessage: `exec_log_retention_days (\${var.exec_log_retention_days}) must be a CloudWatch Logs retention (${RETENTIONS}); pick the nearest allowed value.`,
          rejects: [{ exec_log_retention_days: 2 }],
          synth: "same",
        },
      ],
    },
    kmsKeyArn: {
      as: "variable",
      default: null,
      description:
        "A KMS key (ARN) that encrypts the ECS Exec log group and the Exec sessions; the key policy must " +
        "let CloudWatch Logs use it. null: CloudWatch Logs' default encryption and the Exec channel's TLS only.",
      rules: [
        {
          condition: optionalArnCondition("kms_key_arn", "kmsKey"),
          errorMessage:
            'kms_key_arn (${coalesce(var.kms_key_arn, "null")}) must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>); pass the key\'s ARN, not its id or alias.',
          rejects: [{ kms_key_arn: "alias/exec" }],
          synth: "same",
        },
      ],
    },
    ecrRepositoryArns: {
      as: "fixed",
      reason:
        "Whether the instance role may pull from ECR at all is decided at synth time (an empty list drops " +
        "the statement); the module grants every repository of the account and region.",
    },
    logGroupArns: {
      as: "fixed",
      reason:
        "Whether the instance role may write logs is decided at synth time (an empty list drops the " +
        "statement); the module grants the groups named `/ecs/<cluster_name>/*`.",
    },
    enableSessionManager: {
      as: "fixed",
      reason:
        "Decides at synth time whether the instance role has the Session Manager statement; the module " +
        "always has it (the construct's default).",
    },
    defaultCapacityProviderStrategy: {
      as: "fixed",
      reason:
        "Its names are checked at synth time against the capacities the construct adds; the generated " +
        "module has only its own capacity, so the default strategy stays that capacity's provider " +
        "(the construct's default).",
    },
    fargateCapacityProviders: {
      as: "fixed",
      reason:
        "Decides at synth time whether Fargate services are accepted; the generated ecs-service module " +
        "runs on EC2 only, so the module leaves FARGATE out (the construct's default).",
    },
    tags: {
      as: "fixed",
      reason:
        "The Auto Scaling group's tag blocks are made one per key at synth time; the module sets only Name " +
        "and AmazonECSManaged. Tag the other resources with the provider's default_tags.",
    },
    subnetIds: {
      as: "fixed",
      reason: "The Auto Scaling group uses private_subnet_ids, the network's private subnets.",
    },
    instanceType: {
      as: "variable",
      rules: [
        {
          condition: 'can(regex("^[a-z][a-z0-9-]*[.][a-z0-9]+$", var.instance_type))',
          errorMessage:
            "instance_type (${var.instance_type}) must be an EC2 instance type like t3.small; fix the type name.",
          rejects: [{ instance_type: "t3small" }],
          synth: "same",
        },
      ],
    },
    amiId: {
      as: "fixed",
      reason:
        "An explicit AMI id decides at synth time that no SSM parameter is read; the module reads the AMI " +
        "id from ami_ssm_parameter_name.",
    },
    amiSsmParameterName: {
      as: "variable",
      rules: [
        {
          condition:
            'length(var.ami_ssm_parameter_name) <= 2048 && can(regex("^[A-Za-z0-9_./-]+$", var.ami_ssm_parameter_name))',
          errorMessage:
            "ami_ssm_parameter_name (${var.ami_ssm_parameter_name}) must be an SSM parameter name; e.g. /aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id.",
          rejects: [{ ami_ssm_parameter_name: "ami id" }],
          synth: "same",
        },
      ],
    },
    rootVolumeSizeGib: {
      as: "variable",
      description:
        "Size of the encrypted gp3 root volume, GiB: an integer from 1 to 16384, and at least the AMI's root " +
        `snapshot size, or EC2 refuses to launch the instances: ${DEFAULT_ROOT_VOLUME_SIZE_GIB} with the default ` +
        "ami_ssm_parameter_name (the ECS-optimized AL2023 AMI), checked; with another parameter the module cannot " +
        "know the snapshot's size (look it up with `aws ec2 describe-images`).",
      rules: [
        integerRule(
          "root_volume_size_gib",
          1,
          16_384,
          `gp3 volumes hold 1 to 16384 GiB; the ECS AMI needs ${DEFAULT_ROOT_VOLUME_SIZE_GIB}`,
          [0],
        ),
        {
          condition: `var.ami_ssm_parameter_name != "${DEFAULT_AMI_SSM_PARAMETER}" || var.root_volume_size_gib >= ${DEFAULT_ROOT_VOLUME_SIZE_GIB}`,
          errorMessage: `root_volume_size_gib (\${var.root_volume_size_gib}) must be at least ${DEFAULT_ROOT_VOLUME_SIZE_GIB}, the root snapshot of the ECS-optimized AL2023 AMI (EC2 refuses a smaller volume at launch, so no instance would start); use ${DEFAULT_ROOT_VOLUME_SIZE_GIB} or more.`,
          rejects: [{ root_volume_size_gib: 20 }],
          synth: "same",
        },
      ],
    },
    rootDeviceName: {
      as: "variable",
      rules: [
        {
          condition: 'can(regex("^/dev/[a-z0-9]+$", var.root_device_name))',
          errorMessage:
            "root_device_name (${var.root_device_name}) must be a device name like /dev/xvda; use the AMI's root device.",
          rejects: [{ root_device_name: "xvda" }],
          synth: "same",
        },
      ],
    },
    imdsHopLimit: {
      as: "variable",
      rules: [
        integerRule(
          "imds_hop_limit",
          1,
          64,
          "keep 1 unless something outside the instance's own network namespace must read metadata",
          [0],
        ),
      ],
    },
    detailedMonitoring: { as: "variable" },
    spot: {
      as: "fixed",
      reason:
        "Decides at synth time the launch template's market options and the agent's Spot draining; the " +
        "module launches On-Demand instances.",
    },
    minSize: {
      as: "variable",
      rules: [
        integerRule("min_size", 0, undefined, "e.g. 0 or 1", [-1]),
        {
          condition: "var.min_size <= var.max_size",
          errorMessage:
            "min_size (${var.min_size}) must be ≤ max_size (${var.max_size}); lower min_size or raise max_size.",
          rejects: [{ min_size: 3, max_size: 2 }],
          synth: "same",
        },
      ],
    },
    maxSize: {
      as: "variable",
      description:
        "Maximum size of the Auto Scaling group (an integer ≥ min_size). 0, with min_size 0, stops the " +
        "capacity: Auto Scaling lowers the desired capacity to 0 and terminates the instances.",
      rules: [integerRule("max_size", 0, undefined, "e.g. 2, or 0 with min_size 0 to stop", [1.5])],
    },
    desiredCapacity: {
      as: "fixed",
      reason:
        "The group starts at min_size; managed scaling owns the desired capacity afterwards (Terraform " +
        "ignores its changes).",
    },
    managedScaling: { as: "variable" },
    managedTerminationProtection: {
      as: "variable",
      description:
        "ECS managed termination protection: ECS keeps scale-in protection on instances running non-daemon " +
        "tasks (the group protects new instances from scale-in to match). Needs managed_scaling. Off by " +
        "default: protected instances make scale-in wait for tasks to move.",
      rules: [
        {
          condition: "!var.managed_termination_protection || var.managed_scaling",
          errorMessage:
            "managed_termination_protection (${var.managed_termination_protection}) must be false when managed_scaling is false (ECS needs managed scaling for it); enable managed_scaling or drop managed_termination_protection.",
          rejects: [{ managed_termination_protection: true, managed_scaling: false }],
          synth: "same",
        },
      ],
    },
    protectFromScaleIn: {
      as: "fixed",
      reason: "Must equal managed_termination_protection; the module sets it from that.",
    },
    targetCapacityPercent: {
      as: "variable",
      rules: [
        integerRule(
          "target_capacity_percent",
          1,
          100,
          "100 packs instances fully; lower keeps spare capacity",
          [0],
        ),
      ],
    },
    minimumScalingStepSize: {
      as: "variable",
      rules: [
        integerRule("minimum_scaling_step_size", 1, 10_000, "e.g. 1", [0]),
        {
          condition: "var.minimum_scaling_step_size <= var.maximum_scaling_step_size",
          errorMessage:
            "minimum_scaling_step_size (${var.minimum_scaling_step_size}) must be ≤ maximum_scaling_step_size (${var.maximum_scaling_step_size}); lower it or raise maximum_scaling_step_size.",
          rejects: [{ minimum_scaling_step_size: 20, maximum_scaling_step_size: 10 }],
          synth: "same",
        },
      ],
    },
    maximumScalingStepSize: {
      as: "variable",
      rules: [integerRule("maximum_scaling_step_size", 1, 10_000, "e.g. 10000", [10_001])],
    },
    instanceWarmupPeriodSeconds: {
      as: "variable",
      rules: [
        integerRule(
          "instance_warmup_period_seconds",
          0,
          10_000,
          `e.g. ${DEFAULT_INSTANCE_WARMUP_PERIOD_SECONDS}`,
          [-1],
        ),
      ],
    },
    instanceRefreshMinHealthyPercentage: {
      as: "variable",
      rules: [
        integerRule(
          "instance_refresh_min_healthy_percentage",
          0,
          100,
          `e.g. ${DEFAULT_INSTANCE_REFRESH_MIN_HEALTHY_PERCENTAGE}`,
          [101],
        ),
      ],
    },
    instanceAttributes: {
      as: "fixed",
      reason:
        "The ECS_INSTANCE_ATTRIBUTES line of the user data is written from the literal map at synth time; " +
        "the module's instances have no custom attributes.",
    },
    containerStopTimeoutSeconds: {
      as: "variable",
      rules: [
        integerRule(
          "container_stop_timeout_seconds",
          1,
          3600,
          `e.g. ${DEFAULT_CONTAINER_STOP_TIMEOUT_SECONDS}`,
          [0],
        ),
      ],
    },
    additionalUserData: {
      as: "variable",
      default: "",
      description: 'Extra bash appended to the user data, after the ECS and DNS configuration ("": none).',
    },
    additionalSecurityGroupIds: {
      as: "variable",
      default: [],
      description: "Security groups attached to the instances next to the cluster's instance security group.",
    },
    initialLifecycleHooks: {
      as: "fixed",
      reason:
        "A list of objects the construct turns into the group's initial_lifecycle_hook blocks at synth " +
        "time; the module has none.",
    },
    capacityProviderName: {
      as: "fixed",
      reason: "Derived: `<cluster_name>-default`.",
    },
    autoScalingGroupName: {
      as: "fixed",
      reason: "Derived: `<cluster_name>-default`.",
    },
  },
  adapterVariables: {
    vpc_id: vpcIdVariable(
      "Id of the VPC of the instance security group: the network module's vpc_id output.",
    ),
    private_subnet_ids: {
      type: "list(string)",
      description:
        "Subnets the Auto Scaling group launches into: the network module's private_subnet_ids output.",
      rules: [
        {
          condition: `length(var.private_subnet_ids) > 0 && alltrue([for id in var.private_subnet_ids : can(regex("${AWS_ID_PATTERNS.subnet.source}", id))])`,
          errorMessage:
            "private_subnet_ids (${jsonencode(var.private_subnet_ids)}) must list at least one subnet id like subnet-0123456789abcdef0; pass the network's private_subnet_ids.",
          rejects: [{ private_subnet_ids: [] }, { private_subnet_ids: ["my-subnet"] }],
          synth: { hclOnly: "the construct takes a Network, whose subnet ids are references" },
        },
      ],
    },
    extra_capacity_provider_names: {
      type: "list(string)",
      default: [],
      description:
        "Capacity providers of Auto Scaling groups created outside this module, registered with the cluster " +
        "after its own and outside its default strategy: the static-ip module's edge_capacity_provider_names output.",
      rules: [
        {
          condition:
            'alltrue([for n in var.extra_capacity_provider_names : can(regex("^[A-Za-z0-9_-]{1,255}$", n))])',
          errorMessage:
            "extra_capacity_provider_names (${jsonencode(var.extra_capacity_provider_names)}) must be capacity provider names (1 to 255 letters, digits, hyphens or underscores); pass the static-ip module's edge_capacity_provider_names.",
          rejects: [{ extra_capacity_provider_names: ["my provider"] }],
          synth: { hclOnly: "the construct registers the capacity providers it creates itself" },
        },
      ],
    },
    nat_gateways: {
      type: "string",
      default: "per-az",
      description:
        "NAT gateway layout of the network whose private subnets hold the instances: the network module's " +
        'nat_gateways output ("per-az", "single" or "none").',
      rules: [
        {
          condition: 'contains(["per-az", "single", "none"], var.nat_gateways)',
          errorMessage:
            "nat_gateways (${var.nat_gateways}) must be one of per-az, single, none; pass the network's nat_gateways.",
          rejects: [{ nat_gateways: "two" }],
          synth: { hclOnly: "the construct takes a Network, whose layout is typed" },
        },
        {
          condition: 'var.nat_gateways != "none" || var.allow_private_subnets_without_nat',
          errorMessage:
            'nat_gateways (${var.nat_gateways}) must not be "none" while the instances are in the network\'s private subnets: they could not register with ECS, pull images from ECR or reach SSM, and these modules create no VPC endpoints; give the network NAT gateways, or set allow_private_subnets_without_nat = true if you provide VPC endpoints or a proxy yourself.',
          rejects: [{ nat_gateways: "none" }],
          synth: { hclOnly: "the construct reads the layout from a Network (the same check, at synth time)" },
        },
      ],
    },
    host_dns_user_data: {
      type: "string",
      default: "",
      description:
        "Bash that makes the instances resolve the network's private zone: the network module's " +
        'host_dns_user_data output (needed for a `.local` zone). "": none.',
    },
  },
  create: (scope, props, adapter) => {
    const cluster = new EcsCluster(scope, "cluster", {
      ...props,
      network: networkFromVariables(scope, adapter),
    });
    // Capacity providers of other modules' groups join the cluster's one association (ECS allows
    // one per cluster), after its own; the construct's addAutoScalingGroupCapacity does the same.
    cluster.clusterCapacityProviders.capacityProviders = Token.asList(
      Fn.concat([cluster.capacityProviderNames, adapter.extra_capacity_provider_names.listValue]),
    );
    return cluster;
  },
  skipAttributes: {
    instanceTypes:
      "It lists literal instance types only, and this module's instance_type is a variable (always empty here).",
    allInstanceTypesKnown:
      "Whether instanceTypes lists every capacity's type, for the services' task-size check: never here (instance_type is a variable).",
    fargateCapacityProviders:
      "Whether FARGATE and FARGATE_SPOT are associated: never here (fargateCapacityProviders is fixed to false, see its input row).",
  },
  outputDescriptions: {
    clusterName: "Name of the ECS cluster.",
    capacityProviderName:
      "Name of the capacity provider of the cluster's Auto Scaling group, its default strategy.",
    autoScalingGroupName: "Name of the Auto Scaling group of the cluster's capacity.",
    autoScalingGroupArn: "ARN of the Auto Scaling group of the cluster's capacity.",
    instanceRoleArn: "ARN of the role of every container instance.",
    securityGroupId:
      "Id of the security group of every container instance (no ingress until a rule allows it).",
  },
  extraOutputs: {
    launch_template_id: {
      description: "Id of the launch template of the cluster's capacity.",
      value: (cluster) => cluster.launchTemplate.id,
    },
    instance_role_name: {
      description: "Name of the role of every container instance.",
      value: (cluster) => cluster.instanceRole.name,
    },
    instance_profile_arn: {
      description: "ARN of the instance profile holding that role.",
      value: (cluster) => cluster.instanceProfile.arn,
    },
    service_cluster_name: {
      description:
        "The cluster's name, read from its capacity provider association: pass it to the ecs-service module " +
        "(cluster_name), so services wait until the capacity provider their strategy names is associated.",
      value: (cluster) => cluster.clusterCapacityProviders.clusterName,
    },
    exec_log_group_name: {
      description: "The log group ECS Exec sessions are logged to, `/ecs/<cluster_name>/exec`.",
      value: (cluster) => cluster.execLogGroup.name,
    },
  },
  usage: {
    cluster_name: '"dev"',
    vpc_id: "module.network.vpc_id",
    private_subnet_ids: "module.network.private_subnet_ids",
    host_dns_user_data: "module.network.host_dns_user_data",
    nat_gateways: "module.network.nat_gateways",
  },
  example: {
    cluster_name: "dev",
    vpc_id: "vpc-0123456789abcdef0",
    private_subnet_ids: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
  },
};
