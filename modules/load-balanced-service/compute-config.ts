import {
  FARGATE_CAPACITY_PROVIDERS,
  IEcsCluster,
  IManagedInstancesCapacity,
  MAX_INSTANCE_ATTRIBUTES,
} from "../ecs-cluster";
import { ATTRIBUTE_NAME_PATTERN, ATTRIBUTE_VALUE_PATTERN } from "../ecs-cluster/validation";
import { checkAwsId, checkKnownKeys } from "../shared/validation";
import { COMPUTE_KEYS } from "./keys";
import {
  CapacityProviderStrategyItem,
  ContainerServiceProps,
  ExternalNetworkMode,
  ServiceCompute,
} from "./props";
import { Fail, literal, requireLiteral } from "./validation";

/** The compute types a service runs on: see {@link ServiceCompute}. */
export const COMPUTE_TYPES = [
  "ec2",
  "fargate",
  "managedInstances",
  "external",
] as const satisfies readonly ServiceCompute["type"][];

/** The network modes of a task on external (ECS Anywhere) instances: awsvpc is not supported there. */
export const EXTERNAL_NETWORK_MODES = ["bridge", "host"] as const satisfies readonly ExternalNetworkMode[];

/**
 * The task sizes Fargate runs (AWS's table of valid CPU and memory combinations, Linux): for each
 * task CPU value (units, 1024 per vCPU), the memory values it takes (MiB).
 */
export const FARGATE_TASK_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16_384, 1024),
  4096: range(8192, 30_720, 1024),
  8192: range(16_384, 61_440, 4096),
  16_384: range(32_768, 122_880, 8192),
};

/**
 * Ports a Fargate or Managed Instances service's tasks (awsvpc) reach any IPv4 address on: HTTPS
 * (ECR, CloudWatch Logs, Secrets).
 */
export const FARGATE_TASK_EGRESS_PORTS: readonly number[] = [443];

/** Longest placement expression ECS accepts. */
const MAX_PLACEMENT_EXPRESSION_LENGTH = 2000;

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

/** The network of an awsvpc task (Fargate, Managed Instances): its interfaces' subnets. */
export interface AwsvpcNetworkConfig {
  /** The given subnets, or the cluster network's private subnets. */
  readonly subnetIds: string[];
  readonly assignPublicIp: boolean;
}

/** {@link ServiceCompute} validated, with defaults. */
export type ComputeConfig =
  | { readonly kind: "ec2" }
  | ({
      readonly kind: "fargate";
      readonly spot: boolean;
      readonly platformVersion: string | undefined;
    } & AwsvpcNetworkConfig)
  | ({
      readonly kind: "managedInstances";
      readonly capacity: IManagedInstancesCapacity;
    } & AwsvpcNetworkConfig)
  | {
      readonly kind: "external";
      readonly placementAttributes: Readonly<Record<string, string>>;
      readonly networkMode: ExternalNetworkMode;
      /** `attribute:<name> == <value> and …`, the memberOf constraint placing the tasks. */
      readonly placementExpression: string;
    };

/** Whether the tasks have network interfaces of their own (awsvpc): Fargate and Managed Instances. */
export function isAwsvpc(
  compute: ComputeConfig,
): compute is Extract<ComputeConfig, { kind: "fargate" | "managedInstances" }> {
  return compute.kind === "fargate" || compute.kind === "managedInstances";
}

/** The memberOf expression of custom attributes: `attribute:k == v and …` (as the edge proxy's). */
export function attributePlacementExpression(attributes: Readonly<Record<string, string>>): string {
  return Object.entries(attributes)
    .map(([name, value]) => `attribute:${name} == ${value}`)
    .join(" and ");
}

/**
 * Validates `props.compute` (default EC2) against the service kind and the cluster: Fargate needs
 * the cluster's FARGATE providers and a network, EXTERNAL refuses a load balancer and needs
 * placement attributes. Errors name the field, the value and the fix.
 */
export function resolveComputeConfig(
  fail: Fail,
  props: ContainerServiceProps,
  hasLoadBalancer: boolean,
): ComputeConfig {
  const compute: ServiceCompute = props.compute ?? { type: "ec2" };
  requireLiteral(fail, "compute", compute, "the launch type, the network mode and the resources made");
  if (typeof compute !== "object" || compute === null) {
    fail("compute", compute, "be an object with a type", 'e.g. { type: "fargate" }');
  }
  requireLiteral(fail, "compute.type", compute.type, "the launch type and the resources made");
  const keys = COMPUTE_KEYS[compute.type] as readonly string[] | undefined;
  if (keys === undefined) {
    fail(
      "compute.type",
      compute.type,
      `be one of ${COMPUTE_TYPES.map((t) => JSON.stringify(t)).join(", ")}`,
      'leave compute unset for EC2, or e.g. { type: "fargate" }',
    );
  }
  checkKnownKeys(fail, "compute", compute, keys);
  const cluster = props.cluster;
  if (compute.type === "ec2") return { kind: "ec2" };
  if (compute.type === "fargate") return resolveFargate(fail, compute, cluster, hasLoadBalancer);
  if (compute.type === "managedInstances") {
    return resolveManagedInstances(fail, compute, cluster, hasLoadBalancer);
  }
  if (hasLoadBalancer) {
    fail(
      "compute.type",
      compute.type,
      "not be external on a LoadBalancedService: external (ECS Anywhere) instances are outside the VPC, where the load balancer's target groups cannot reach them",
      "run it as a WorkerService (route to it with an edge proxy on the external instances), or use ec2 or fargate",
    );
  }
  return resolveExternal(fail, compute);
}

function resolveFargate(
  fail: Fail,
  compute: Extract<ServiceCompute, { type: "fargate" }>,
  cluster: IEcsCluster,
  hasLoadBalancer: boolean,
): ComputeConfig {
  if (!cluster.fargateCapacityProviders) {
    fail(
      "compute.type",
      compute.type,
      `run on a cluster whose capacity providers include ${FARGATE_CAPACITY_PROVIDERS.join(" and ")}: cluster '${cluster.node.id}' has not associated them`,
      "set fargateCapacityProviders: true on the EcsCluster (or on EcsCluster.fromAttributes when the cluster's association lists them)",
    );
  }
  const network = resolveAwsvpcNetwork(fail, compute, cluster, hasLoadBalancer);
  const spot = compute.spot ?? false;
  if (typeof spot !== "boolean" && literal(spot))
    fail("compute.spot", spot, "be true or false", "e.g. false");
  const platformVersion = compute.platformVersion;
  if (
    platformVersion !== undefined &&
    literal(platformVersion) &&
    !/^(LATEST|\d+\.\d+\.\d+)$/.test(platformVersion)
  ) {
    fail(
      "compute.platformVersion",
      platformVersion,
      "be LATEST or a Fargate platform version (e.g. 1.4.0)",
      "leave it unset for LATEST",
    );
  }
  return { kind: "fargate", ...network, spot, platformVersion };
}

/**
 * The subnets and public IP of an awsvpc service's tasks: the given subnets (1 to 16) or the
 * cluster network's private subnets; a worker needs the cluster's network (for its VPC).
 */
function resolveAwsvpcNetwork(
  fail: Fail,
  compute: { readonly type: string; readonly subnetIds?: string[]; readonly assignPublicIp?: boolean },
  cluster: IEcsCluster,
  hasLoadBalancer: boolean,
): AwsvpcNetworkConfig {
  const network = cluster.network;
  if (!hasLoadBalancer && network === undefined) {
    fail(
      "compute.type",
      compute.type,
      `run on a cluster whose network is known: the tasks' security group goes in its VPC, and cluster '${cluster.node.id}' has none`,
      "give EcsCluster.fromAttributes the network",
    );
  }
  const subnetIds = compute.subnetIds ?? network?.privateSubnetIds;
  if (subnetIds === undefined) {
    fail(
      "compute.subnetIds",
      subnetIds,
      `be given when cluster '${cluster.node.id}' has no network (the tasks' subnets default to its private subnets)`,
      "pass subnetIds, or give EcsCluster.fromAttributes the network",
    );
  }
  if (compute.subnetIds !== undefined && literal(compute.subnetIds)) {
    if (compute.subnetIds.length < 1 || compute.subnetIds.length > 16) {
      fail(
        "compute.subnetIds",
        compute.subnetIds,
        "have 1 to 16 subnets (ECS's limit)",
        "e.g. the private subnets",
      );
    }
    compute.subnetIds.forEach((id, i) => checkAwsId(fail, `compute.subnetIds[${i}]`, id, "subnet"));
  }
  const assignPublicIp = compute.assignPublicIp ?? false;
  if (typeof assignPublicIp !== "boolean" && literal(assignPublicIp)) {
    fail("compute.assignPublicIp", assignPublicIp, "be true or false", "e.g. false");
  }
  return { subnetIds: [...subnetIds], assignPublicIp };
}

/** Both names of a Managed Instances capacity: its reference and, for one made here, the literal. */
function managedInstancesNames(capacity: IManagedInstancesCapacity): string[] {
  const config = (capacity as { readonly config?: { readonly capacityProviderName?: unknown } }).config;
  const literalName = config?.capacityProviderName;
  return typeof literalName === "string"
    ? [capacity.capacityProviderName, literalName]
    : [capacity.capacityProviderName];
}

function resolveManagedInstances(
  fail: Fail,
  compute: Extract<ServiceCompute, { type: "managedInstances" }>,
  cluster: IEcsCluster,
  hasLoadBalancer: boolean,
): ComputeConfig {
  const capacity = compute.capacity as IManagedInstancesCapacity | undefined;
  if (
    typeof capacity !== "object" ||
    capacity === null ||
    typeof (capacity.capacityProviderName as unknown) !== "string"
  ) {
    fail(
      "compute.capacity",
      capacity,
      "be a Managed Instances capacity provider (with its capacityProviderName)",
      'pass what cluster.addManagedInstancesCapacity(...) returns, or { capacityProviderName: "<name>" } for one that exists',
    );
  }
  const own = cluster.managedInstances;
  if (
    own !== undefined &&
    (capacity as { readonly node?: unknown }).node !== undefined &&
    !own.includes(capacity)
  ) {
    fail(
      "compute.capacity",
      capacity.capacityProviderName,
      `be a Managed Instances capacity of the service's cluster '${cluster.node.id}' (it is another cluster's)`,
      `add it with addManagedInstancesCapacity on cluster '${cluster.node.id}'`,
    );
  }
  const network = resolveAwsvpcNetwork(fail, compute, cluster, hasLoadBalancer);
  return { kind: "managedInstances", capacity, ...network };
}

function resolveExternal(fail: Fail, compute: Extract<ServiceCompute, { type: "external" }>): ComputeConfig {
  const attributes = compute.placementAttributes;
  requireLiteral(
    fail,
    "compute.placementAttributes",
    attributes,
    "the placement constraint's expression (list the attributes literally)",
  );
  const entries = typeof attributes === "object" && attributes !== null ? Object.entries(attributes) : [];
  if (entries.length === 0 || entries.length > MAX_INSTANCE_ATTRIBUTES) {
    fail(
      "compute.placementAttributes",
      attributes,
      `have 1 to ${MAX_INSTANCE_ATTRIBUTES} custom attributes the external instances are registered with (ECS's limit per instance): without one, tasks could land on any external instance`,
      'e.g. { role: "worker" }, as the instances\' ECS_INSTANCE_ATTRIBUTES say',
    );
  }
  for (const [name, value] of entries) {
    if (!ATTRIBUTE_NAME_PATTERN.test(name)) {
      fail(
        "compute.placementAttributes",
        name,
        "have names of 1 to 128 letters, digits, hyphens, underscores, periods or slashes",
        "rename the attribute",
      );
    }
    if (!literal(value) || typeof value !== "string" || !ATTRIBUTE_VALUE_PATTERN.test(value)) {
      fail(
        `compute.placementAttributes.${name}`,
        value,
        "be 1 to 128 letters, digits, spaces or -_.@/\\: characters, not starting or ending with a space (a literal: it is part of the placement expression)",
        "change the value",
      );
    }
  }
  const networkMode = compute.networkMode ?? "bridge";
  if (!(EXTERNAL_NETWORK_MODES as readonly string[]).includes(networkMode)) {
    fail(
      "compute.networkMode",
      networkMode,
      `be ${EXTERNAL_NETWORK_MODES.map((m) => JSON.stringify(m)).join(" or ")} (ECS Anywhere supports no awsvpc)`,
      'e.g. "host" for a proxy that binds the instance\'s ports',
    );
  }
  const placementExpression = attributePlacementExpression(attributes);
  if (placementExpression.length > MAX_PLACEMENT_EXPRESSION_LENGTH) {
    fail(
      "compute.placementAttributes",
      attributes,
      `make a placement expression of at most ${MAX_PLACEMENT_EXPRESSION_LENGTH} characters (ECS's limit)`,
      "use fewer or shorter attributes",
    );
  }
  return { kind: "external", placementAttributes: { ...attributes }, networkMode, placementExpression };
}

/**
 * Fails on a capacity provider strategy that contradicts the compute: a Fargate or Managed Instances
 * provider on an EC2 service, another provider on a Fargate service (or with `spot`), anything but
 * Managed Instances providers on a Managed Instances service, any strategy on EXTERNAL. Returns the
 * strategy, with the names of the cluster's Managed Instances capacities given literally turned
 * into their references (so Terraform creates the providers first).
 */
export function checkStrategyFitsCompute(
  fail: Fail,
  compute: ComputeConfig,
  strategy: readonly CapacityProviderStrategyItem[] | undefined,
  cluster: IEcsCluster,
): CapacityProviderStrategyItem[] | undefined {
  if (strategy === undefined || !literal(strategy))
    return strategy as CapacityProviderStrategyItem[] | undefined;
  const isFargate = (name: string): boolean => FARGATE_CAPACITY_PROVIDERS.includes(name);
  // Every name of a Managed Instances capacity known here, to its reference.
  const managed = new Map<string, string>();
  for (const capacity of [
    ...(cluster.managedInstances ?? []),
    ...(compute.kind === "managedInstances" ? [compute.capacity] : []),
  ]) {
    for (const name of managedInstancesNames(capacity)) managed.set(name, capacity.capacityProviderName);
  }
  if (compute.kind === "external") {
    fail(
      "capacityProviderStrategy",
      strategy,
      'be unset with compute type "external": ECS Anywhere tasks run by the EXTERNAL launch type, not a capacity provider',
      "drop it; compute.placementAttributes chooses the instances",
    );
  }
  for (const item of strategy) {
    const name = item.capacityProvider;
    if (!literal(name) && !managed.has(name)) continue;
    if (compute.kind === "ec2" && isFargate(name)) {
      fail(
        "capacityProviderStrategy",
        name,
        "name the cluster's EC2 capacity providers with compute type ec2 (the default): a Fargate task definition differs (awsvpc, task size)",
        'set compute: { type: "fargate" } to run on Fargate, or name an EC2 capacity provider',
      );
    }
    if (compute.kind === "ec2" && managed.has(name)) {
      fail(
        "capacityProviderStrategy",
        literal(name) ? name : "<a Managed Instances capacity's name>",
        "name the cluster's Auto Scaling group capacity providers with compute type ec2 (the default): tasks on Managed Instances need requires_compatibilities MANAGED_INSTANCES and awsvpc, or they fail at launch",
        'set compute: { type: "managedInstances", capacity } to run on the Managed Instances capacity',
      );
    }
    if (compute.kind === "fargate" && !isFargate(name)) {
      fail(
        "capacityProviderStrategy",
        name,
        `name only ${FARGATE_CAPACITY_PROVIDERS.join(" or ")} with compute type fargate`,
        'drop it, or leave compute unset (type "ec2") to run on the cluster\'s instances',
      );
    }
    if (
      compute.kind === "managedInstances" &&
      !managed.has(name) &&
      (isFargate(name) ||
        name === cluster.capacityProviderName ||
        (cluster.managedInstances !== undefined && literal(name)))
    ) {
      fail(
        "capacityProviderStrategy",
        name,
        "name only Managed Instances capacity providers with compute type managedInstances (ECS refuses a strategy mixing them with Auto Scaling group or Fargate providers)",
        "drop it (the default strategy is compute.capacity, weight 1), or run the other tasks as a separate service",
      );
    }
  }
  if (compute.kind === "fargate" && compute.spot) {
    fail(
      "compute.spot",
      compute.spot,
      "be unset with capacityProviderStrategy (the strategy says how many tasks run on FARGATE_SPOT)",
      "drop one of them",
    );
  }
  if (compute.kind !== "managedInstances") return [...strategy];
  const own = managedInstancesNames(compute.capacity);
  if (!strategy.some((item) => own.includes(item.capacityProvider))) {
    fail(
      "capacityProviderStrategy",
      strategy.map((item) => item.capacityProvider),
      "name compute.capacity's provider",
      "add it to the strategy, or drop the strategy (the default is compute.capacity, weight 1)",
    );
  }
  return strategy.map((item) => ({
    ...item,
    capacityProvider: managed.get(item.capacityProvider) ?? item.capacityProvider,
  }));
}

/**
 * Fails on a Fargate task size that is not one of {@link FARGATE_TASK_SIZES}: `cpuUnits` and
 * `memoryLimitMiB` are the task's CPU and memory on Fargate.
 */
export function checkFargateTaskSize(fail: Fail, cpuUnits: number, memoryLimitMiB: number): void {
  if (!literal(cpuUnits)) return;
  const memories = FARGATE_TASK_SIZES[cpuUnits];
  if (memories === undefined) {
    fail(
      "cpuUnits",
      cpuUnits,
      `be a Fargate task CPU (${Object.keys(FARGATE_TASK_SIZES).join(", ")} units) with compute type fargate`,
      `pick the nearest, e.g. ${nearest(Object.keys(FARGATE_TASK_SIZES).map(Number), cpuUnits)}`,
    );
  }
  if (literal(memoryLimitMiB) && !memories.includes(memoryLimitMiB)) {
    fail(
      "memoryLimitMiB",
      memoryLimitMiB,
      `be a memory Fargate runs with ${cpuUnits} CPU units: ${describeMemories(memories)} MiB`,
      `pick one of them, e.g. ${nearest(memories, memoryLimitMiB)}, or change cpuUnits`,
    );
  }
}

function nearest(values: readonly number[], to: number): number {
  return values.reduce((best, v) => (Math.abs(v - to) < Math.abs(best - to) ? v : best), values[0]!);
}

function describeMemories(memories: readonly number[]): string {
  if (memories.length <= 4) return memories.join(", ");
  const step = memories[1]! - memories[0]!;
  return `${memories[0]} to ${memories[memories.length - 1]} in steps of ${step}`;
}
