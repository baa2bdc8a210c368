import { AutoscalingGroupInitialLifecycleHook } from "@cdktf/provider-aws/lib/autoscaling-group";
import type { INetwork } from "../network";

/** Public SSM parameter holding the current ECS-optimized Amazon Linux 2023 (x86_64) AMI id. */
export const DEFAULT_AMI_SSM_PARAMETER =
  "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";

/** Default EC2 instance type of the capacity. */
export const DEFAULT_INSTANCE_TYPE = "t3.small";

/** Default root volume size, GiB: the size of the ECS-optimized AL2023 AMI's root snapshot. */
export const DEFAULT_ROOT_VOLUME_SIZE_GIB = 30;

/** Root device of Amazon Linux 2023 AMIs. */
export const DEFAULT_ROOT_DEVICE_NAME = "/dev/xvda";

/** Default IMDSv2 response hop limit: the instance itself only (see README, "IMDS hop limit"). */
export const DEFAULT_IMDS_HOP_LIMIT = 1;

/** Default Auto Scaling group sizes. */
export const DEFAULT_MIN_SIZE = 1;
/** Default maximum size of the Auto Scaling group. */
export const DEFAULT_MAX_SIZE = 2;

/** Default target capacity of managed scaling, percent (100: no spare instances). */
export const DEFAULT_TARGET_CAPACITY_PERCENT = 100;
/** Default minimum managed scaling step, instances (AWS's default). */
export const DEFAULT_MINIMUM_SCALING_STEP_SIZE = 1;
/** Default maximum managed scaling step, instances (AWS's default). */
export const DEFAULT_MAXIMUM_SCALING_STEP_SIZE = 10_000;
/** Default instance warm-up before an instance counts in managed scaling metrics, seconds (AWS's default). */
export const DEFAULT_INSTANCE_WARMUP_PERIOD_SECONDS = 300;

/** Default minimum healthy percentage during an instance refresh (AWS's default). */
export const DEFAULT_INSTANCE_REFRESH_MIN_HEALTHY_PERCENTAGE = 90;

/** Default time the ECS agent waits after SIGTERM before SIGKILL, seconds (the agent's default). */
export const DEFAULT_CONTAINER_STOP_TIMEOUT_SECONDS = 30;

/** Default Container Insights mode. */
export const DEFAULT_CONTAINER_INSIGHTS: ContainerInsights = "enabled";

/** Default retention of the ECS Exec log group, days (a year, which checkov's CKV_AWS_338 asks for). */
export const DEFAULT_EXEC_LOG_RETENTION_DAYS = 365;

/** Retention values CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS_ALLOWED: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Ports the instances may reach on any IPv4 address by default: HTTPS (AWS APIs, ECR) and HTTP (package mirrors). */
export const DEFAULT_EGRESS_PORTS: readonly number[] = [443, 80];

/**
 * CloudWatch Container Insights mode of the cluster. Both are on: `enhanced` adds task- and
 * container-level metrics at a higher CloudWatch cost. (Turning it off is deliberately not offered.)
 */
export type ContainerInsights = "enabled" | "enhanced";

/** Every value of {@link ContainerInsights}, for run-time validation of untyped callers. */
export const CONTAINER_INSIGHTS_MODES: readonly ContainerInsights[] = ["enabled", "enhanced"];

/**
 * Settings of one Auto Scaling group registered as ECS capacity: the cluster's own (via
 * {@link EcsClusterProps}) or an extra one (via `EcsCluster.addAutoScalingGroupCapacity`).
 */
export interface EcsCapacityOptions {
  /**
   * Subnets the Auto Scaling group launches into. Must not be empty. With the network's private
   * subnets (the default, or any of `network.privateSubnetIds` listed here) and
   * `natGateways: "none"`, the cluster is rejected unless `allowPrivateSubnetsWithoutNat` is set.
   * Other subnets are not checked: the module cannot see their routes. The network's public
   * subnets map no public IP and the launch template asks for none, so instances there have no
   * way out either, NAT or not.
   * @default - the network's private subnets (`network.privateSubnetIds`)
   */
  readonly subnetIds?: string[];

  /**
   * EC2 instance type, e.g. `t3.small` or `m7g.large`, matching `^[a-z][a-z0-9-]*\.[a-z0-9]+$`
   * (an arm64 type needs an arm64 AMI: see `amiSsmParameterName`).
   * @default DEFAULT_INSTANCE_TYPE ("t3.small")
   */
  readonly instanceType?: string;

  /**
   * An explicit AMI id. Set it where the public SSM parameter does not exist (some emulators,
   * isolated partitions) or to pin an image. Rejected together with `amiSsmParameterName`.
   * @default - the value of `amiSsmParameterName`, read at plan time
   */
  readonly amiId?: string;

  /**
   * SSM parameter the AMI id is read from (data `aws_ssm_parameter`). A new value in AWS's parameter
   * changes the launch template on the next apply, which rolls the instances. Use the `arm64`
   * parameter for Graviton instance types.
   * @default DEFAULT_AMI_SSM_PARAMETER (ECS-optimized Amazon Linux 2023, x86_64)
   */
  readonly amiSsmParameterName?: string;

  /**
   * Size of the encrypted gp3 root volume, GiB: an integer from 1 to 16384, and at least the AMI's
   * root snapshot size, or EC2 refuses to launch the instances. With the default SSM parameter
   * (the ECS-optimized AL2023 AMI) that is {@link DEFAULT_ROOT_VOLUME_SIZE_GIB} (30), checked at
   * synth time. With an explicit `amiId` or another `amiSsmParameterName` the module cannot know
   * the snapshot's size and checks only the range: look it up (`aws ec2 describe-images`).
   * @default DEFAULT_ROOT_VOLUME_SIZE_GIB (30)
   */
  readonly rootVolumeSizeGib?: number;

  /**
   * Device name of the AMI's root volume, which the volume settings apply to.
   * @default DEFAULT_ROOT_DEVICE_NAME ("/dev/xvda", Amazon Linux 2023)
   */
  readonly rootDeviceName?: string;

  /**
   * IMDSv2 response hop limit, 1 to 64. 1 lets only the instance itself (and host-network
   * containers) read instance metadata, so bridge-mode containers cannot take the instance role's
   * credentials. Every extra hop widens that hole: 2 lets any container on the docker bridge read
   * them. Give containers a task role instead.
   * @default DEFAULT_IMDS_HOP_LIMIT (1)
   */
  readonly imdsHopLimit?: number;

  /**
   * EC2 detailed (1-minute) monitoring. Off by default: ECS managed scaling runs on the
   * `CapacityProviderReservation` metric ECS publishes itself, not on EC2 metrics, and detailed
   * monitoring is billed per instance.
   * @default false
   */
  readonly detailedMonitoring?: boolean;

  /**
   * Launch Spot instances (launch template market type `spot`) and let the ECS agent drain them
   * on an interruption notice (`ECS_ENABLE_SPOT_INSTANCE_DRAINING=true`).
   * @default false
   */
  readonly spot?: boolean;

  /**
   * Minimum size of the Auto Scaling group (an integer ≥ 0).
   * @default DEFAULT_MIN_SIZE (1)
   */
  readonly minSize?: number;

  /**
   * Maximum size of the Auto Scaling group (an integer ≥ minSize). 0, with minSize 0, stops the
   * capacity: Auto Scaling lowers the desired capacity to 0 and terminates the instances.
   * @default DEFAULT_MAX_SIZE (2), or minSize when that is larger
   */
  readonly maxSize?: number;

  /**
   * Desired capacity at creation (minSize ≤ desired ≤ maxSize). Terraform ignores later changes:
   * the capacity provider's managed scaling owns it.
   * @default - minSize
   */
  readonly desiredCapacity?: number;

  /**
   * ECS managed scaling: ECS sets the group's desired capacity from the tasks' needs.
   * @default true
   */
  readonly managedScaling?: boolean;

  /**
   * ECS managed termination protection: ECS keeps scale-in protection on instances running
   * non-daemon tasks. Needs `protectFromScaleIn` and `managedScaling`. Off by default because
   * protected instances make scale-in (and deletion without force) wait for tasks to move.
   * @default false
   */
  readonly managedTerminationProtection?: boolean;

  /**
   * Protect new instances from scale-in (the group's `protect_from_scale_in`). Must equal
   * `managedTerminationProtection`: protection without it leaves scale-in stuck, and managed
   * termination protection without it is rejected by ECS.
   * @default - managedTerminationProtection
   */
  readonly protectFromScaleIn?: boolean;

  /**
   * Target utilisation of managed scaling, percent (1 to 100). Below 100 keeps spare instances.
   * @default DEFAULT_TARGET_CAPACITY_PERCENT (100)
   */
  readonly targetCapacityPercent?: number;

  /**
   * Fewest instances managed scaling adds or removes at once (1 to 10000, ≤ maximumScalingStepSize).
   * @default DEFAULT_MINIMUM_SCALING_STEP_SIZE (1)
   */
  readonly minimumScalingStepSize?: number;

  /**
   * Most instances managed scaling adds or removes at once (1 to 10000).
   * @default DEFAULT_MAXIMUM_SCALING_STEP_SIZE (10000)
   */
  readonly maximumScalingStepSize?: number;

  /**
   * Seconds after launch before an instance counts in managed scaling metrics (0 to 10000).
   * @default DEFAULT_INSTANCE_WARMUP_PERIOD_SECONDS (300)
   */
  readonly instanceWarmupPeriodSeconds?: number;

  /**
   * Healthy share of the group an instance refresh keeps while it replaces instances, percent
   * (0 to 100).
   * @default DEFAULT_INSTANCE_REFRESH_MIN_HEALTHY_PERCENTAGE (90)
   */
  readonly instanceRefreshMinHealthyPercentage?: number;

  /**
   * Custom ECS attributes of the instances (`ECS_INSTANCE_ATTRIBUTES`), e.g. `{ role: "edge" }`, for
   * placement constraints such as `attribute:role == edge`. Names: up to 128 letters, digits and
   * `-_./\`; values: up to 128 letters, digits, spaces and `-_.@/\:`, not starting or ending with a space.
   * At most 10 attributes (ECS's limit per container instance).
   * @default - none
   */
  readonly instanceAttributes?: Readonly<Record<string, string>>;

  /**
   * Seconds the ECS agent waits after stopping a container before killing it
   * (`ECS_CONTAINER_STOP_TIMEOUT`), an integer from 1 to 3600.
   * @default DEFAULT_CONTAINER_STOP_TIMEOUT_SECONDS (30)
   */
  readonly containerStopTimeoutSeconds?: number;

  /**
   * Extra bash appended to the user data, after the ECS and DNS configuration.
   * @default - none
   */
  readonly additionalUserData?: string;

  /**
   * Security groups attached to the instances next to the cluster's instance security group.
   * @default - none
   */
  readonly additionalSecurityGroupIds?: string[];

  /**
   * Lifecycle hooks declared in the Auto Scaling group itself, so they apply to the instances
   * launched when the group is first created (a separately created hook misses those).
   * @default - none
   */
  readonly initialLifecycleHooks?: AutoscalingGroupInitialLifecycleHook[];

  /**
   * Name of the ECS capacity provider: 1 to 255 letters, digits, hyphens and underscores, not
   * starting with `aws`, `ecs` or `fargate` (reserved by ECS). The derived default must fit the
   * same 255.
   * @default - `<clusterName>-<capacity id>` (the cluster's own capacity id is `default`)
   */
  readonly capacityProviderName?: string;

  /**
   * Name of the Auto Scaling group: 1 to 255 characters without `:` or whitespace. It is also the
   * launch template's name prefix (`<name>-`, to which Terraform appends 26 characters; hashicorp/aws
   * takes prefixes of 3 to 99), so a literal name must be 2 to 98 letters, digits and `()./_-`:
   * with the default `<clusterName>-<capacity id>`, the cluster name is bounded by it (90
   * characters for the cluster's own `-default` group).
   * @default - `<clusterName>-<capacity id>`
   */
  readonly autoScalingGroupName?: string;
}

/** Props of {@link EcsCluster}: the cluster, its IAM and security group, and its own capacity. */
export interface EcsClusterProps extends EcsCapacityOptions {
  /** The network whose private subnets hold the instances and whose VPC holds the security group. */
  readonly network: INetwork;

  /**
   * Name of the ECS cluster: 1 to 255 letters, digits, hyphens and underscores. Also the prefix of
   * the capacity's names and the key of the IAM scoping, so the names derived from it must fit
   * their limits too: the instance security group's and launch templates' descriptions (255
   * characters), Name tags (256), the capacity provider and Auto Scaling group names (255) and the
   * launch template's name prefix (99, see `autoScalingGroupName`: this one bounds a literal name
   * to 90 characters); a literal name that breaks one is rejected, naming the derived value.
   * @default - the construct id
   */
  readonly clusterName?: string;

  /**
   * Accept instances in the network's private subnets when the network has no NAT gateway
   * (`natGateways: "none"`). Without NAT those instances cannot reach the ECS, ECR, SSM or
   * CloudWatch endpoints, so they never register and no task starts; this library creates no VPC
   * endpoints. Set it when you provide VPC endpoints (ecs, ecs-agent, ecs-telemetry, ecr.api,
   * ecr.dkr, an S3 gateway, ssm, ssmmessages, ec2messages, logs) or a proxy yourself. Applies to
   * the cluster's own capacity and to every `addAutoScalingGroupCapacity` group.
   * @default false
   */
  readonly allowPrivateSubnetsWithoutNat?: boolean;

  /**
   * Container Insights mode.
   * @default DEFAULT_CONTAINER_INSIGHTS ("enabled")
   */
  readonly containerInsights?: ContainerInsights;

  /**
   * Retention of the ECS Exec log group `/ecs/<clusterName>/exec`, a CloudWatch Logs value
   * ({@link LOG_RETENTION_DAYS_ALLOWED}).
   * @default DEFAULT_EXEC_LOG_RETENTION_DAYS (365)
   */
  readonly execLogRetentionDays?: number;

  /**
   * A KMS key (ARN) that encrypts the ECS Exec log group and the Exec sessions between client and
   * container. The key policy must let CloudWatch Logs use it for the log group.
   * @default - CloudWatch Logs' default encryption and the Exec channel's TLS only
   */
  readonly kmsKeyArn?: string;

  /**
   * ECR repositories the instances may pull from (BatchGetImage, GetDownloadUrlForLayer,
   * BatchCheckLayerAvailability). An empty list grants no ECR pull at all; a bare `*` is rejected.
   * @default - every repository of the stack's account and region (`arn:…:ecr:<region>:<account>:repository/*`)
   */
  readonly ecrRepositoryArns?: string[];

  /**
   * Log groups the instance role may write to (CreateLogStream, PutLogEvents), as ARNs or ARN
   * patterns. Only tasks that log with the `awslogs` driver and no execution role use it. An empty
   * list grants no log writing.
   * @default - groups named `/ecs/<clusterName>/*` in the stack's account and region
   */
  readonly logGroupArns?: string[];

  /**
   * Give the instances the SSM agent permissions Session Manager needs (shell access without SSH).
   * @default true
   */
  readonly enableSessionManager?: boolean;

  /**
   * Associate AWS's `FARGATE` and `FARGATE_SPOT` capacity providers with the cluster (beside its
   * EC2 capacity providers; the default strategy stays the EC2 one), so that services with
   * `compute: { type: "fargate" }` can name them in their capacity provider strategy.
   * @default false
   */
  readonly fargateCapacityProviders?: boolean;

  /**
   * The cluster's default capacity provider strategy (services without a strategy of their own
   * use it). Each name must be a capacity provider of this cluster: the default capacity's, one of
   * {@link EcsCluster.addAutoScalingGroupCapacity}, or `FARGATE`/`FARGATE_SPOT` when
   * `fargateCapacityProviders` is on; Auto Scaling group and Fargate providers do not mix in one
   * strategy. A Managed Instances capacity is refused (hashicorp/terraform-provider-aws#44783:
   * the association API cannot take it). Weight 0 to 1000 (default 1), base 0 to 100000 (default
   * 0) on one entry at most, at least one weight above 0, each provider once.
   * @default - the default capacity's provider, weight 1, base 0
   */
  readonly defaultCapacityProviderStrategy?: ClusterCapacityProviderStrategyItem[];

  /**
   * Tags added to every taggable resource (and propagated to the instances), next to `Name`.
   * `Name` and `AmazonECSManaged` are rejected: the module sets them.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A security group to allow traffic from, e.g. a load balancer's. */
export interface SecurityGroupPeer {
  /** Id of the peer's security group. */
  readonly securityGroupId: string;
}

/** One TCP port, or an inclusive range. */
export type PortSpec = number | { readonly from: number; readonly to: number };

/** One entry of the cluster's default capacity provider strategy. */
export interface ClusterCapacityProviderStrategyItem {
  /** Name of a capacity provider of the cluster (e.g. `cluster.capacityProviderName`, `"FARGATE"`). */
  readonly capacityProvider: string;
  /**
   * Relative share of tasks (0 to 1000).
   * @default 1
   */
  readonly weight?: number;
  /**
   * Tasks placed on this provider before weights apply (0 to 100000; only one entry may set it).
   * @default 0
   */
  readonly base?: number;
}

/** Default `monitoring` of a Managed Instances capacity. */
export const DEFAULT_MANAGED_INSTANCES_MONITORING = "BASIC";

/** Options of {@link EcsCluster.addManagedInstancesCapacity}: an ECS Managed Instances capacity provider. */
export interface ManagedInstancesCapacityOptions {
  /**
   * Name of the capacity provider.
   * @default - `<clusterName>-<capacity id>`
   */
  readonly capacityProviderName?: string;
  /** vCPUs per instance: `min` 1 or more, `max` (optional) at least `min`. */
  readonly vcpuCount: { readonly min: number; readonly max?: number };
  /** Memory per instance in MiB: `min` 1 or more, `max` (optional) at least `min`. */
  readonly memoryMib: { readonly min: number; readonly max?: number };
  /**
   * Instance types ECS may choose from (e.g. `["m7g.*", "c7g.large"]`, at most 400).
   * @default - any type meeting the vCPU and memory requirements
   */
  readonly allowedInstanceTypes?: string[];
  /**
   * Subnets the instances are launched in.
   * @default - the network's private subnets
   */
  readonly subnetIds?: string[];
  /**
   * Security groups of the instances (1 to 5).
   * @default - the cluster's instance security group
   */
  readonly securityGroupIds?: string[];
  /**
   * Root volume size in GiB (1 to 16384).
   * @default - ECS's default
   */
  readonly storageSizeGib?: number;
  /**
   * `BASIC` (5-minute) or `DETAILED` (1-minute) CloudWatch monitoring of the instances.
   * @default "BASIC"
   */
  readonly monitoring?: "BASIC" | "DETAILED";
  /**
   * Propagate the capacity provider's tags to the instances it launches.
   * @default true
   */
  readonly propagateTags?: boolean;
  /**
   * Seconds an idle or underused instance is kept before ECS optimizes it away (0 to 3600).
   * @default - ECS's default (300)
   */
  readonly scaleInAfterSeconds?: number;
}
