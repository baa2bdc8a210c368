import { Token } from "cdktf";
import { AutoscalingGroupInitialLifecycleHook } from "@cdktf/provider-aws/lib/autoscaling-group";
import {
  CONTAINER_INSIGHTS_MODES,
  ContainerInsights,
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
  DEFAULT_ROOT_DEVICE_NAME,
  DEFAULT_ROOT_VOLUME_SIZE_GIB,
  DEFAULT_TARGET_CAPACITY_PERCENT,
  EcsCapacityOptions,
  EcsClusterProps,
  LOG_RETENTION_DAYS_ALLOWED,
  PortSpec,
} from "./props";
import { INetwork, Network } from "../network";
import { AWS_ARN_PATTERNS, checkConstruct, checkKnownKeys, Fail, keysOf } from "../shared/validation";

/** Cluster names: what ECS accepts. */
export const CLUSTER_NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
/** Instance types such as `t3.small`, `m7g.2xlarge`, `u-6tb1.metal`. */
export const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
/** Capacity provider names: like cluster names, minus the prefixes ECS reserves. */
export const CAPACITY_PROVIDER_NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
/** Prefixes ECS reserves for its own capacity providers (compared case-insensitively). */
export const RESERVED_CAPACITY_PROVIDER_PREFIXES: readonly string[] = ["aws", "ecs", "fargate"];
/** Auto Scaling group names (this module keeps out colons and whitespace). */
export const AUTO_SCALING_GROUP_NAME_PATTERN = /^[^\s:]{1,255}$/;
const AMI_ID_PATTERN = /^ami-[0-9a-f]{8,17}$/;
const SSM_PARAMETER_NAME_PATTERN = /^[A-Za-z0-9_./-]{1,2048}$/;
/** Log group ARNs (the shared pattern). */
export const LOG_GROUP_ARN_PATTERN = AWS_ARN_PATTERNS.logGroup;
/** Names of ECS custom attributes (of container instances, and of placement expressions on them). */
export const ATTRIBUTE_NAME_PATTERN = /^[A-Za-z0-9_./\\-]{1,128}$/;
/** Values of ECS custom attributes. */
export const ATTRIBUTE_VALUE_PATTERN =
  /^[A-Za-z0-9_.@/\\:-]([A-Za-z0-9_.@/\\: -]{0,126}[A-Za-z0-9_.@/\\:-])?$/;
/** Custom attributes ECS allows on one container instance. */
export const MAX_INSTANCE_ATTRIBUTES = 10;
const RULE_DESCRIPTION_PATTERN = /^[A-Za-z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/;
/** Tags the module sets itself. */
export const RESERVED_TAG_KEYS: readonly string[] = ["Name", "AmazonECSManaged"];

// The shared error shape; re-exported for callers of resolveCapacityConfig (the static-ip
// Terraform module builds edge capacities with it).
export { failFor } from "../shared/validation";
export type { Fail } from "../shared/validation";

/** Every key of {@link EcsCapacityOptions} (the options of `addAutoScalingGroupCapacity`). */
export const CAPACITY_OPTION_KEYS: readonly string[] = keysOf<EcsCapacityOptions>()({
  subnetIds: true,
  instanceType: true,
  amiId: true,
  amiSsmParameterName: true,
  rootVolumeSizeGib: true,
  rootDeviceName: true,
  imdsHopLimit: true,
  detailedMonitoring: true,
  spot: true,
  minSize: true,
  maxSize: true,
  desiredCapacity: true,
  managedScaling: true,
  managedTerminationProtection: true,
  protectFromScaleIn: true,
  targetCapacityPercent: true,
  minimumScalingStepSize: true,
  maximumScalingStepSize: true,
  instanceWarmupPeriodSeconds: true,
  instanceRefreshMinHealthyPercentage: true,
  instanceAttributes: true,
  containerStopTimeoutSeconds: true,
  additionalUserData: true,
  additionalSecurityGroupIds: true,
  initialLifecycleHooks: true,
  capacityProviderName: true,
  autoScalingGroupName: true,
});

/** Every key of {@link EcsClusterProps}: the cluster's own and its capacity's. */
export const CLUSTER_PROP_KEYS: readonly string[] = [
  ...keysOf<Omit<EcsClusterProps, keyof EcsCapacityOptions>>()({
    network: true,
    clusterName: true,
    allowPrivateSubnetsWithoutNat: true,
    containerInsights: true,
    execLogRetentionDays: true,
    kmsKeyArn: true,
    ecrRepositoryArns: true,
    logGroupArns: true,
    enableSessionManager: true,
    fargateCapacityProviders: true,
    defaultCapacityProviderStrategy: true,
    tags: true,
  }),
  ...CAPACITY_OPTION_KEYS,
];

/** Every key of an initial lifecycle hook (the provider's struct, whose typos Terraform drops). */
export const LIFECYCLE_HOOK_KEYS: readonly string[] = keysOf<AutoscalingGroupInitialLifecycleHook>()({
  name: true,
  lifecycleTransition: true,
  defaultResult: true,
  heartbeatTimeout: true,
  notificationMetadata: true,
  notificationTargetArn: true,
  roleArn: true,
});

/** Fails on a key of `options` that {@link EcsCapacityOptions} lacks (e.g. a cluster-level prop). */
export function checkCapacityOptionKeys(fail: Fail, options: EcsCapacityOptions): void {
  checkKnownKeys(fail, "", options, CAPACITY_OPTION_KEYS);
}

/** Longest name AWS allows for ECS capacity providers and Auto Scaling groups. */
export const MAX_CAPACITY_NAME_LENGTH = 255;
/**
 * Longest launch template `name_prefix` hashicorp/aws accepts: its names are at most 125
 * characters, and a prefix gets a 26-character unique suffix (a timestamp and a counter).
 */
export const MAX_LAUNCH_TEMPLATE_NAME_PREFIX_LENGTH = 99;
/** Shortest launch template `name_prefix` hashicorp/aws accepts. */
export const MIN_LAUNCH_TEMPLATE_NAME_PREFIX_LENGTH = 3;
/** Longest security group or launch template description (EC2). */
export const MAX_EC2_DESCRIPTION_LENGTH = 255;
/** Longest tag value (EC2, ECS, IAM, CloudWatch Logs). */
export const MAX_TAG_VALUE_LENGTH = 256;
const LAUNCH_TEMPLATE_NAME_PATTERN = /^[0-9A-Za-z()./_-]+$/;

/**
 * Fails when `derived`, a name or text the module derives from `field`, is longer than AWS allows
 * (`what`, e.g. `the capacity provider name`), naming the derived value, the limit and the fix.
 */
function checkDerivedLength(
  fail: Fail,
  field: string,
  value: unknown,
  what: string,
  derived: string,
  limit: number,
  fix: string,
): void {
  if (derived.length > limit) {
    fail(
      field,
      value,
      `leave ${what} within its limit of ${limit} characters (${JSON.stringify(derived)} is ${derived.length})`,
      fix,
    );
  }
}

/** The instance security group's description (also checked for length here). */
export function instanceSecurityGroupDescription(clusterName: string): string {
  return `ECS container instances of cluster ${clusterName}`;
}

/** A capacity's launch template description. */
export function launchTemplateDescription(clusterName: string, capacityId: string): string {
  return `ECS container instances of ${clusterName} (${capacityId})`;
}

/** Name-tag suffixes the cluster itself uses (the longest bounds the cluster name). */
export const CLUSTER_NAME_TAG_SUFFIXES: readonly string[] = [
  "exec",
  "cluster",
  "instance",
  "instances",
  "egress-443",
  "egress-80",
];

/**
 * Fails when `name` is literal and its Name tag `<clusterName>-<suffix>` exceeds AWS's tag value
 * limit; `field` and `fix` say what to shorten.
 */
export function checkNameTag(fail: Fail, field: string, value: unknown, nameTag: string, fix: string): void {
  if (!literal(nameTag)) return;
  checkDerivedLength(fail, field, value, "the Name tag", nameTag, MAX_TAG_VALUE_LENGTH, fix);
}

/**
 * Rejects instances in the network's private subnets when the network has no NAT gateway: they
 * could neither register with ECS nor pull images nor reach SSM (no VPC endpoints exist).
 * `subnetIds` is the capacity's own option (undefined: the network's private subnets).
 */
export function checkPrivateSubnetEgress(
  fail: Fail,
  network: INetwork,
  subnetIds: string[] | undefined,
  allowed: boolean,
): void {
  const natGateways = network.natGateways;
  if (!literal(natGateways) || natGateways !== "none" || !literal(allowed) || allowed) return;
  const privateIds = network.privateSubnetIds;
  const usesPrivate =
    subnetIds === undefined ||
    (literal(subnetIds) && subnetIds.some((subnetId) => privateIds.includes(subnetId)));
  if (!usesPrivate) return;
  fail(
    "network.natGateways",
    natGateways,
    `not be "none" while the instances are in the network's private subnets (${
      subnetIds === undefined ? "the default subnetIds" : "listed in subnetIds"
    }): they could not register with ECS, pull images from ECR or reach SSM, and this library creates no VPC endpoints`,
    'give the network NAT gateways ("single" or "per-az"), or set allowPrivateSubnetsWithoutNat: true on the cluster if you provide VPC endpoints or a proxy yourself',
  );
}

/**
 * {@link EcsCapacityOptions} with every default applied, validated: what `EcsCapacity.config` holds
 * (read-only; a capacity is built by `EcsCluster` and `addAutoScalingGroupCapacity`, not from it).
 */
export interface CapacityConfig {
  readonly subnetIds: string[];
  readonly instanceType: string;
  /** The explicit AMI id, or undefined to read {@link amiSsmParameterName}. */
  readonly amiId: string | undefined;
  readonly amiSsmParameterName: string;
  readonly rootVolumeSizeGib: number;
  readonly rootDeviceName: string;
  readonly imdsHopLimit: number;
  readonly detailedMonitoring: boolean;
  readonly spot: boolean;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly managedScaling: boolean;
  readonly managedTerminationProtection: boolean;
  readonly protectFromScaleIn: boolean;
  readonly targetCapacityPercent: number;
  readonly minimumScalingStepSize: number;
  readonly maximumScalingStepSize: number;
  readonly instanceWarmupPeriodSeconds: number;
  readonly instanceRefreshMinHealthyPercentage: number;
  readonly instanceAttributes: Readonly<Record<string, string>>;
  readonly containerStopTimeoutSeconds: number;
  readonly additionalUserData: string | undefined;
  readonly additionalSecurityGroupIds: string[];
  readonly initialLifecycleHooks: AutoscalingGroupInitialLifecycleHook[];
  readonly capacityProviderName: string;
  readonly autoScalingGroupName: string;
}

/** The cluster-level part of {@link EcsClusterProps}, with defaults applied, validated. */
export interface ClusterConfig {
  readonly clusterName: string;
  readonly allowPrivateSubnetsWithoutNat: boolean;
  readonly containerInsights: ContainerInsights;
  readonly execLogRetentionDays: number;
  readonly kmsKeyArn: string | undefined;
  /** Undefined: the account/region-wide default the construct builds. */
  readonly ecrRepositoryArns: string[] | undefined;
  /** Undefined: the `/ecs/<clusterName>/*` default the construct builds. */
  readonly logGroupArns: string[] | undefined;
  readonly enableSessionManager: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

const literal = (value: unknown): boolean => !Token.isUnresolved(value);

/**
 * Refuses an unresolved token (e.g. a Terraform variable) for a prop that shapes the construct
 * tree or a synth-time branch, where a token would be silently read as the wrong value.
 */
function requireLiteral(fail: Fail, field: string, value: unknown, decides: string): void {
  if (!literal(value)) {
    fail(
      field,
      value,
      `be a literal, not a token: it decides at synth time ${decides}`,
      "pass a literal value (a generated Terraform module fixes it per module)",
    );
  }
}

/** Checks an integer in `[min, max]`, skipping unresolved tokens. */
function checkInteger(fail: Fail, field: string, value: number, min: number, max: number, fix: string): void {
  if (!literal(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    fail(field, value, `be an integer ${range}`, fix);
  }
}

/**
 * Applies defaults to one capacity's options and validates them, throwing on the first problem.
 * `capacityId` names the capacity in derived names (`<clusterName>-<capacityId>`).
 *
 * The parts are checked in the order of {@link CapacityConfig}: subnets, the instances (type,
 * image, root volume, metadata), sizes, managed scaling, the ECS agent, the names.
 */
export function resolveCapacityConfig(
  fail: Fail,
  capacityId: string,
  clusterName: string,
  defaultSubnetIds: { readonly field: string; readonly ids: string[] },
  options: EcsCapacityOptions,
): CapacityConfig {
  const subnetIds = resolveSubnetIds(fail, defaultSubnetIds, options);
  const instances = resolveInstances(fail, options);
  const sizes = resolveSizes(fail, options);
  const spot = options.spot ?? false;
  requireLiteral(fail, "spot", spot, "the launch template's market options and the agent's Spot draining");
  const scaling = resolveManagedScaling(fail, options);
  const agent = resolveAgent(fail, options);
  const names = resolveCapacityNames(fail, capacityId, clusterName, options);
  return {
    subnetIds,
    ...instances,
    detailedMonitoring: options.detailedMonitoring ?? false,
    spot,
    ...sizes,
    ...scaling,
    instanceAttributes: agent.instanceAttributes,
    containerStopTimeoutSeconds: agent.containerStopTimeoutSeconds,
    additionalUserData: options.additionalUserData,
    additionalSecurityGroupIds: [...(options.additionalSecurityGroupIds ?? [])],
    initialLifecycleHooks: agent.initialLifecycleHooks,
    ...names,
  };
}

/** The capacity's subnets: its own, or the default the cluster gives (the network's private ones). */
function resolveSubnetIds(
  fail: Fail,
  defaultSubnetIds: { readonly field: string; readonly ids: string[] },
  options: EcsCapacityOptions,
): string[] {
  const subnetField = options.subnetIds === undefined ? defaultSubnetIds.field : "subnetIds";
  const subnetIds = options.subnetIds ?? defaultSubnetIds.ids;
  if (literal(subnetIds) && subnetIds.length === 0) {
    fail(
      subnetField,
      subnetIds,
      "list at least one subnet",
      options.subnetIds === undefined
        ? "give the network private subnets or pass subnetIds"
        : "pass subnet ids or leave subnetIds unset for the network's private subnets",
    );
  }
  return [...subnetIds];
}

/** The instances: type, image, root volume and instance metadata. */
function resolveInstances(
  fail: Fail,
  options: EcsCapacityOptions,
): Pick<
  CapacityConfig,
  "instanceType" | "amiId" | "amiSsmParameterName" | "rootVolumeSizeGib" | "rootDeviceName" | "imdsHopLimit"
> {
  const instanceType = options.instanceType ?? DEFAULT_INSTANCE_TYPE;
  if (literal(instanceType) && !INSTANCE_TYPE_PATTERN.test(instanceType)) {
    fail("instanceType", instanceType, "be an EC2 instance type like t3.small", "fix the type name");
  }

  if (options.amiId !== undefined && options.amiSsmParameterName !== undefined) {
    fail("amiId", options.amiId, "be unset when amiSsmParameterName is set", "pass one of them");
  }
  const amiId = options.amiId;
  if (amiId !== undefined && literal(amiId) && !AMI_ID_PATTERN.test(amiId)) {
    fail("amiId", amiId, "be an AMI id like ami-0123456789abcdef0", "fix the id");
  }
  const amiSsmParameterName = options.amiSsmParameterName ?? DEFAULT_AMI_SSM_PARAMETER;
  if (literal(amiSsmParameterName) && !SSM_PARAMETER_NAME_PATTERN.test(amiSsmParameterName)) {
    fail(
      "amiSsmParameterName",
      amiSsmParameterName,
      "be an SSM parameter name",
      `e.g. ${DEFAULT_AMI_SSM_PARAMETER}`,
    );
  }

  const rootVolumeSizeGib = options.rootVolumeSizeGib ?? DEFAULT_ROOT_VOLUME_SIZE_GIB;
  checkInteger(
    fail,
    "rootVolumeSizeGib",
    rootVolumeSizeGib,
    1,
    16_384,
    `gp3 volumes hold 1 to 16384 GiB; the ECS AMI needs ${DEFAULT_ROOT_VOLUME_SIZE_GIB}`,
  );
  // EC2 refuses a root volume smaller than the AMI's snapshot: the instances would never start.
  const defaultAmi = amiId === undefined && options.amiSsmParameterName === undefined;
  if (defaultAmi && literal(rootVolumeSizeGib) && rootVolumeSizeGib < DEFAULT_ROOT_VOLUME_SIZE_GIB) {
    fail(
      "rootVolumeSizeGib",
      rootVolumeSizeGib,
      `be at least ${DEFAULT_ROOT_VOLUME_SIZE_GIB}, the root snapshot of the ECS-optimized AL2023 AMI (EC2 refuses a smaller volume at launch, so no instance would start)`,
      `use ${DEFAULT_ROOT_VOLUME_SIZE_GIB} or more`,
    );
  }
  const rootDeviceName = options.rootDeviceName ?? DEFAULT_ROOT_DEVICE_NAME;
  if (literal(rootDeviceName) && !/^\/dev\/[a-z0-9]+$/.test(rootDeviceName)) {
    fail("rootDeviceName", rootDeviceName, "be a device name like /dev/xvda", "use the AMI's root device");
  }

  const imdsHopLimit = options.imdsHopLimit ?? DEFAULT_IMDS_HOP_LIMIT;
  checkInteger(
    fail,
    "imdsHopLimit",
    imdsHopLimit,
    1,
    64,
    "keep 1 unless something outside the instance's own network namespace must read metadata",
  );
  return { instanceType, amiId, amiSsmParameterName, rootVolumeSizeGib, rootDeviceName, imdsHopLimit };
}

/** ECS managed scaling and termination protection, and the group's scale-in protection and refresh. */
function resolveManagedScaling(
  fail: Fail,
  options: EcsCapacityOptions,
): Pick<
  CapacityConfig,
  | "managedScaling"
  | "managedTerminationProtection"
  | "protectFromScaleIn"
  | "targetCapacityPercent"
  | "minimumScalingStepSize"
  | "maximumScalingStepSize"
  | "instanceWarmupPeriodSeconds"
  | "instanceRefreshMinHealthyPercentage"
> {
  // Tokens pass through (capacity.ts turns a boolean token into ENABLED/DISABLED with a
  // conditional); the rules between the three are checked when all their values are literal.
  const managedScaling = options.managedScaling ?? true;
  const managedTerminationProtection = options.managedTerminationProtection ?? false;
  const protectFromScaleIn = options.protectFromScaleIn ?? managedTerminationProtection;
  const scalingLiterals = literal(managedScaling) && literal(managedTerminationProtection);
  if (scalingLiterals && managedTerminationProtection && !managedScaling) {
    fail(
      "managedTerminationProtection",
      managedTerminationProtection,
      "be false when managedScaling is false (ECS needs managed scaling for it)",
      "enable managedScaling or drop managedTerminationProtection",
    );
  }
  const protectionLiterals = literal(managedTerminationProtection) && literal(protectFromScaleIn);
  if (protectionLiterals && managedTerminationProtection && !protectFromScaleIn) {
    fail(
      "protectFromScaleIn",
      protectFromScaleIn,
      "be true when managedTerminationProtection is true (ECS rejects the capacity provider otherwise)",
      "set protectFromScaleIn: true or leave it unset",
    );
  }
  if (protectionLiterals && !managedTerminationProtection && protectFromScaleIn) {
    fail(
      "protectFromScaleIn",
      protectFromScaleIn,
      "be false unless managedTerminationProtection is true (nothing would lift the protection, so scale-in stalls)",
      "set managedTerminationProtection: true or leave protectFromScaleIn unset",
    );
  }

  const targetCapacityPercent = options.targetCapacityPercent ?? DEFAULT_TARGET_CAPACITY_PERCENT;
  checkInteger(
    fail,
    "targetCapacityPercent",
    targetCapacityPercent,
    1,
    100,
    "100 packs instances fully; lower keeps spare capacity",
  );
  const minimumScalingStepSize = options.minimumScalingStepSize ?? DEFAULT_MINIMUM_SCALING_STEP_SIZE;
  checkInteger(fail, "minimumScalingStepSize", minimumScalingStepSize, 1, 10_000, "e.g. 1");
  const maximumScalingStepSize = options.maximumScalingStepSize ?? DEFAULT_MAXIMUM_SCALING_STEP_SIZE;
  checkInteger(fail, "maximumScalingStepSize", maximumScalingStepSize, 1, 10_000, "e.g. 10000");
  if (
    literal(minimumScalingStepSize) &&
    literal(maximumScalingStepSize) &&
    minimumScalingStepSize > maximumScalingStepSize
  ) {
    fail(
      "minimumScalingStepSize",
      minimumScalingStepSize,
      `be ≤ maximumScalingStepSize (${maximumScalingStepSize})`,
      "lower it or raise maximumScalingStepSize",
    );
  }
  const instanceWarmupPeriodSeconds =
    options.instanceWarmupPeriodSeconds ?? DEFAULT_INSTANCE_WARMUP_PERIOD_SECONDS;
  checkInteger(
    fail,
    "instanceWarmupPeriodSeconds",
    instanceWarmupPeriodSeconds,
    0,
    10_000,
    `e.g. ${DEFAULT_INSTANCE_WARMUP_PERIOD_SECONDS}`,
  );
  const instanceRefreshMinHealthyPercentage =
    options.instanceRefreshMinHealthyPercentage ?? DEFAULT_INSTANCE_REFRESH_MIN_HEALTHY_PERCENTAGE;
  checkInteger(
    fail,
    "instanceRefreshMinHealthyPercentage",
    instanceRefreshMinHealthyPercentage,
    0,
    100,
    `e.g. ${DEFAULT_INSTANCE_REFRESH_MIN_HEALTHY_PERCENTAGE}`,
  );
  return {
    managedScaling,
    managedTerminationProtection,
    protectFromScaleIn,
    targetCapacityPercent,
    minimumScalingStepSize,
    maximumScalingStepSize,
    instanceWarmupPeriodSeconds,
    instanceRefreshMinHealthyPercentage,
  };
}

/** What the ECS agent and the group's lifecycle hooks are given: attributes, stop timeout, hooks. */
function resolveAgent(
  fail: Fail,
  options: EcsCapacityOptions,
): Pick<CapacityConfig, "instanceAttributes" | "containerStopTimeoutSeconds" | "initialLifecycleHooks"> {
  const instanceAttributes = options.instanceAttributes ?? {};
  requireLiteral(
    fail,
    "instanceAttributes",
    instanceAttributes,
    "the ECS_INSTANCE_ATTRIBUTES line of the user data (list the attributes literally; values may be tokens)",
  );
  checkInstanceAttributes(fail, instanceAttributes);

  const containerStopTimeoutSeconds =
    options.containerStopTimeoutSeconds ?? DEFAULT_CONTAINER_STOP_TIMEOUT_SECONDS;
  checkInteger(
    fail,
    "containerStopTimeoutSeconds",
    containerStopTimeoutSeconds,
    1,
    3600,
    `e.g. ${DEFAULT_CONTAINER_STOP_TIMEOUT_SECONDS}`,
  );

  requireLiteral(
    fail,
    "initialLifecycleHooks",
    options.initialLifecycleHooks,
    "the Auto Scaling group's initial_lifecycle_hook blocks",
  );
  (options.initialLifecycleHooks ?? []).forEach((hook, i) => {
    if (literal(hook)) checkKnownKeys(fail, `initialLifecycleHooks[${i}]`, hook, LIFECYCLE_HOOK_KEYS);
  });
  return {
    instanceAttributes: { ...instanceAttributes },
    containerStopTimeoutSeconds,
    initialLifecycleHooks: [...(options.initialLifecycleHooks ?? [])],
  };
}

/** The capacity provider's and the Auto Scaling group's names: given, or `<clusterName>-<capacityId>`. */
function resolveCapacityNames(
  fail: Fail,
  capacityId: string,
  clusterName: string,
  options: EcsCapacityOptions,
): Pick<CapacityConfig, "capacityProviderName" | "autoScalingGroupName"> {
  const capacityProviderName = options.capacityProviderName ?? `${clusterName}-${capacityId}`;
  const autoScalingGroupName = options.autoScalingGroupName ?? `${clusterName}-${capacityId}`;
  checkCapacityNames(fail, options, clusterName, capacityId, capacityProviderName, autoScalingGroupName);
  if (literal(capacityProviderName)) {
    const fix =
      options.capacityProviderName === undefined
        ? "pass capacityProviderName (the default is <clusterName>-<capacity id>)"
        : "rename it";
    if (!CAPACITY_PROVIDER_NAME_PATTERN.test(capacityProviderName)) {
      fail(
        "capacityProviderName",
        capacityProviderName,
        "be 1 to 255 letters, digits, hyphens or underscores",
        fix,
      );
    }
    const lower = capacityProviderName.toLowerCase();
    if (RESERVED_CAPACITY_PROVIDER_PREFIXES.some((prefix) => lower.startsWith(prefix))) {
      fail(
        "capacityProviderName",
        capacityProviderName,
        `not start with ${RESERVED_CAPACITY_PROVIDER_PREFIXES.join(", ")} (reserved by ECS)`,
        fix,
      );
    }
  }
  if (literal(autoScalingGroupName) && !AUTO_SCALING_GROUP_NAME_PATTERN.test(autoScalingGroupName)) {
    fail(
      "autoScalingGroupName",
      autoScalingGroupName,
      "be 1 to 255 characters without colons or whitespace",
      options.autoScalingGroupName === undefined ? "pass autoScalingGroupName" : "rename it",
    );
  }
  return { capacityProviderName, autoScalingGroupName };
}

/** The names and texts a capacity derives from the cluster name, its id or its group name. */
function checkCapacityNames(
  fail: Fail,
  options: EcsCapacityOptions,
  clusterName: string,
  capacityId: string,
  capacityProviderName: string,
  autoScalingGroupName: string,
): void {
  const fromCluster = (name: string) => `shorten clusterName or pass ${name}`;
  if (options.capacityProviderName === undefined && literal(capacityProviderName)) {
    checkDerivedLength(
      fail,
      "clusterName",
      clusterName,
      "the capacity provider name <clusterName>-<capacity id>",
      capacityProviderName,
      MAX_CAPACITY_NAME_LENGTH,
      fromCluster("capacityProviderName"),
    );
  }
  if (options.autoScalingGroupName === undefined && literal(autoScalingGroupName)) {
    checkDerivedLength(
      fail,
      "clusterName",
      clusterName,
      "the Auto Scaling group name <clusterName>-<capacity id>",
      autoScalingGroupName,
      MAX_CAPACITY_NAME_LENGTH,
      fromCluster("autoScalingGroupName"),
    );
  }
  // A group name AWS refuses anyway is reported by its own check, after this one.
  if (literal(autoScalingGroupName) && AUTO_SCALING_GROUP_NAME_PATTERN.test(autoScalingGroupName)) {
    // The launch template is named `<group name>-` + Terraform's unique suffix.
    const [field, value, fix] =
      options.autoScalingGroupName === undefined
        ? ["clusterName", clusterName, fromCluster("a shorter autoScalingGroupName")]
        : ["autoScalingGroupName", autoScalingGroupName, "shorten autoScalingGroupName"];
    const prefix = `${autoScalingGroupName}-`;
    checkDerivedLength(
      fail,
      field,
      value,
      "the launch template name prefix <autoScalingGroupName>-",
      prefix,
      MAX_LAUNCH_TEMPLATE_NAME_PREFIX_LENGTH,
      fix,
    );
    if (
      prefix.length < MIN_LAUNCH_TEMPLATE_NAME_PREFIX_LENGTH ||
      !LAUNCH_TEMPLATE_NAME_PATTERN.test(prefix)
    ) {
      fail(
        field,
        value,
        `give a launch template name prefix of ${MIN_LAUNCH_TEMPLATE_NAME_PREFIX_LENGTH} or more letters, digits and ()./_- (${JSON.stringify(prefix)})`,
        options.autoScalingGroupName === undefined ? "rename the cluster" : "rename the group",
      );
    }
  }
  if (literal(clusterName) && literal(capacityId)) {
    checkDerivedLength(
      fail,
      "clusterName",
      clusterName,
      "the launch template's description",
      launchTemplateDescription(clusterName, capacityId),
      MAX_EC2_DESCRIPTION_LENGTH,
      "shorten clusterName (or the capacity id)",
    );
  }
}

function resolveSizes(
  fail: Fail,
  options: EcsCapacityOptions,
): { minSize: number; maxSize: number; desiredCapacity: number } {
  const minSize = options.minSize ?? DEFAULT_MIN_SIZE;
  checkInteger(fail, "minSize", minSize, 0, Number.MAX_SAFE_INTEGER, "e.g. 0 or 1");
  const maxSize =
    options.maxSize ?? (literal(minSize) && minSize > DEFAULT_MAX_SIZE ? minSize : DEFAULT_MAX_SIZE);
  // 0 (with minSize 0) stops the group: Auto Scaling lowers the desired capacity to it.
  checkInteger(fail, "maxSize", maxSize, 0, Number.MAX_SAFE_INTEGER, "e.g. 2, or 0 with minSize 0 to stop");
  const desiredCapacity = options.desiredCapacity ?? minSize;
  checkInteger(fail, "desiredCapacity", desiredCapacity, 0, Number.MAX_SAFE_INTEGER, "e.g. minSize");
  if (literal(minSize) && literal(maxSize) && minSize > maxSize) {
    fail("minSize", minSize, `be ≤ maxSize (${maxSize})`, "lower minSize or raise maxSize");
  }
  if (literal(desiredCapacity) && literal(minSize) && desiredCapacity < minSize) {
    fail("desiredCapacity", desiredCapacity, `be ≥ minSize (${minSize})`, "raise it or lower minSize");
  }
  if (literal(desiredCapacity) && literal(maxSize) && desiredCapacity > maxSize) {
    fail("desiredCapacity", desiredCapacity, `be ≤ maxSize (${maxSize})`, "lower it or raise maxSize");
  }
  return { minSize, maxSize, desiredCapacity };
}

function checkInstanceAttributes(fail: Fail, attributes: Readonly<Record<string, string>>): void {
  const entries = Object.entries(attributes);
  if (entries.length > MAX_INSTANCE_ATTRIBUTES) {
    fail(
      "instanceAttributes",
      attributes,
      `have at most ${MAX_INSTANCE_ATTRIBUTES} entries (ECS's limit per container instance)`,
      "drop some",
    );
  }
  for (const [name, value] of entries) {
    if (literal(name) && !ATTRIBUTE_NAME_PATTERN.test(name)) {
      fail(
        "instanceAttributes",
        name,
        "have names of 1 to 128 letters, digits, hyphens, underscores, periods or slashes",
        "rename the attribute",
      );
    }
    if (literal(value) && !ATTRIBUTE_VALUE_PATTERN.test(value)) {
      fail(
        `instanceAttributes.${name}`,
        value,
        "be 1 to 128 letters, digits, spaces or -_.@/\\: characters, not starting or ending with a space",
        "change the value",
      );
    }
  }
}

/** Applies defaults to the cluster-level props and validates them. */
export function resolveClusterConfig(fail: Fail, id: string, props: EcsClusterProps): ClusterConfig {
  checkKnownKeys(fail, "", props, CLUSTER_PROP_KEYS);
  checkConstruct(fail, "network", props.network, Network.isNetwork, "Network");
  const clusterName = props.clusterName ?? id;
  if (literal(clusterName) && !CLUSTER_NAME_PATTERN.test(clusterName)) {
    fail(
      "clusterName",
      clusterName,
      "be 1 to 255 letters, digits, hyphens or underscores",
      props.clusterName === undefined ? "pass clusterName or use a kebab-case construct id" : "rename it",
    );
  }
  if (literal(clusterName)) {
    const fix = props.clusterName === undefined ? "pass a shorter clusterName" : "shorten clusterName";
    checkDerivedLength(
      fail,
      "clusterName",
      clusterName,
      "the instance security group's description",
      instanceSecurityGroupDescription(clusterName),
      MAX_EC2_DESCRIPTION_LENGTH,
      fix,
    );
    for (const suffix of CLUSTER_NAME_TAG_SUFFIXES) {
      checkNameTag(fail, "clusterName", clusterName, `${clusterName}-${suffix}`, fix);
    }
  }

  const allowPrivateSubnetsWithoutNat = props.allowPrivateSubnetsWithoutNat ?? false;

  const containerInsights = props.containerInsights ?? DEFAULT_CONTAINER_INSIGHTS;
  if (literal(containerInsights) && !CONTAINER_INSIGHTS_MODES.includes(containerInsights)) {
    fail(
      "containerInsights",
      containerInsights,
      `be one of ${CONTAINER_INSIGHTS_MODES.join(", ")}`,
      "pick one of them",
    );
  }

  const execLogRetentionDays = props.execLogRetentionDays ?? DEFAULT_EXEC_LOG_RETENTION_DAYS;
  if (literal(execLogRetentionDays) && !LOG_RETENTION_DAYS_ALLOWED.includes(execLogRetentionDays)) {
    fail(
      "execLogRetentionDays",
      execLogRetentionDays,
      `be a CloudWatch Logs retention (${LOG_RETENTION_DAYS_ALLOWED.join(", ")})`,
      "pick the nearest allowed value",
    );
  }

  const kmsKeyArn = props.kmsKeyArn;
  if (kmsKeyArn !== undefined && literal(kmsKeyArn) && !AWS_ARN_PATTERNS.kmsKey.test(kmsKeyArn)) {
    fail(
      "kmsKeyArn",
      kmsKeyArn,
      "be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>)",
      "pass the key's ARN, not its id or alias",
    );
  }

  for (const [field, value] of [
    ["ecrRepositoryArns", props.ecrRepositoryArns],
    ["logGroupArns", props.logGroupArns],
  ] as const) {
    requireLiteral(
      fail,
      field,
      value,
      "whether the instance role's policy has that statement (list the ARNs literally; each may be a token)",
    );
  }
  checkArns(
    fail,
    "ecrRepositoryArns",
    props.ecrRepositoryArns,
    AWS_ARN_PATTERNS.ecrRepository,
    "arn:aws:ecr:<region>:<account>:repository/<name>",
  );
  checkArns(
    fail,
    "logGroupArns",
    props.logGroupArns,
    LOG_GROUP_ARN_PATTERN,
    "arn:aws:logs:<region>:<account>:log-group:<name>",
  );

  const enableSessionManager = props.enableSessionManager ?? true;
  requireLiteral(
    fail,
    "enableSessionManager",
    enableSessionManager,
    "whether the instance role's policy has the Session Manager statement",
  );

  const tags = props.tags ?? {};
  requireLiteral(
    fail,
    "tags",
    tags,
    "the Auto Scaling group's tag blocks, one per key (list the tags literally; values may be tokens)",
  );
  for (const key of RESERVED_TAG_KEYS) {
    if (key in tags) {
      fail(
        "tags",
        tags,
        `not set ${key} (the module sets it)`,
        key === "Name" ? "set clusterName instead" : `drop ${key}`,
      );
    }
  }

  return {
    clusterName,
    allowPrivateSubnetsWithoutNat,
    containerInsights,
    execLogRetentionDays,
    kmsKeyArn,
    ecrRepositoryArns: props.ecrRepositoryArns === undefined ? undefined : [...props.ecrRepositoryArns],
    logGroupArns: props.logGroupArns === undefined ? undefined : [...props.logGroupArns],
    enableSessionManager,
    tags,
  };
}

function checkArns(
  fail: Fail,
  field: string,
  arns: string[] | undefined,
  pattern: RegExp,
  example: string,
): void {
  if (arns === undefined) return;
  for (const arn of arns) {
    if (literal(arn) && !pattern.test(arn)) {
      fail(
        field,
        arn,
        `hold ARNs like ${example} (wildcards allowed in the name, never a bare *)`,
        "fix the ARN",
      );
    }
  }
}

const PORT_RANGE_KEYS = keysOf<{ readonly from: number; readonly to: number }>()({ from: true, to: true });

/** A validated TCP port range. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** Validates a port or range for a security group rule. */
export function resolvePortRange(fail: Fail, port: PortSpec): PortRange {
  if (typeof port !== "number") checkKnownKeys(fail, "port", port, PORT_RANGE_KEYS);
  const range = typeof port === "number" ? { from: port, to: port } : { from: port.from, to: port.to };
  for (const [field, value] of [
    ["port.from", range.from],
    ["port.to", range.to],
  ] as const) {
    checkInteger(
      fail,
      typeof port === "number" ? "port" : field,
      value,
      1,
      65_535,
      "use a TCP port from 1 to 65535",
    );
  }
  if (literal(range.from) && literal(range.to) && range.from > range.to) {
    fail("port.from", range.from, `be ≤ port.to (${range.to})`, "swap them");
  }
  return range;
}

/** Validates a security group rule description (AWS's character set, 1 to 255 characters). */
export function checkRuleDescription(fail: Fail, description: string): void {
  if (literal(description) && !RULE_DESCRIPTION_PATTERN.test(description)) {
    fail(
      "description",
      description,
      "be 1 to 255 characters of letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
      'say who the peer is, e.g. "from the public ALB"',
    );
  }
}
