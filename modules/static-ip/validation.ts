import { Token } from "cdktf";
import { checkConstruct, checkKnownKeys, shownValue } from "../shared/validation";
import type { Fail } from "../shared/validation";
import { checkImageReference } from "../load-balanced-service/service-config";
import { checkDerivedNames, DerivedName } from "../load-balanced-service/validation";
import { EDGE_PROXY_OPTIONS_KEYS, STATIC_IP_ADDRESSES_PROPS_KEYS, STATIC_IP_PROPS_KEYS } from "./keys";
import { EcsCluster, LOG_RETENTION_DAYS_ALLOWED } from "../ecs-cluster";
import { INSTANCE_TYPE_PATTERN } from "../ecs-cluster/validation";
import { LoadBalancer } from "../load-balanced-service";
import { HTTPS_PORT } from "../load-balanced-service/load-balancer";
import { Network } from "../network";
import { StaticIpAddresses } from "./addresses";
import {
  DEFAULT_ADDRESSES_NAME,
  DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
  DEFAULT_LAMBDA_LOG_RETENTION_DAYS,
  DEFAULT_PROXY_CPU_UNITS,
  DEFAULT_PROXY_HEALTH_PORT,
  DEFAULT_PROXY_IMAGE,
  DEFAULT_PROXY_LOG_RETENTION_DAYS,
  DEFAULT_PROXY_MEMORY_LIMIT_MIB,
  DEFAULT_PROXY_MEMORY_RESERVATION_MIB,
  DEFAULT_PROXY_PORTS,
  DEFAULT_RECONCILE_SCHEDULE,
  ECS_RESERVED_HOST_PORTS,
  HEARTBEAT_MARGIN_SECONDS,
  MAX_HEARTBEAT_TIMEOUT_SECONDS,
  MAX_LAMBDA_EVENT_AGE_SECONDS,
  MAX_LAMBDA_TIMEOUT_SECONDS,
  MIN_CONTAINER_MEMORY_MIB,
  MIN_EVENT_AGE_SECONDS,
  MIN_HEARTBEAT_TIMEOUT_SECONDS,
  StaticIpAddressesProps,
  StaticIpProps,
  TLS_PASSTHROUGH_PORT,
} from "./props";

/** Allowed characters and length of a base name (room for the `-dlq`-style suffixes). */
export const STATIC_IP_NAME_PATTERN = /^[A-Za-z0-9_-]{1,60}$/;

/** EventBridge schedule expressions the reconcile accepts: `rate(…)` or a six-field `cron(…)`. */
export const SCHEDULE_EXPRESSION_PATTERN =
  /^(rate\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\)|cron\(\S+( \S+){5}\))$/;

/**
 * The part of a construct id (and of an Auto Scaling group's name) that stands for an AZ: its name,
 * or for an AZ given as a token (a generated Terraform module's variable) its position in `azs`,
 * since a token is no valid id and its value is known only at plan time.
 */
export function azIdPart(azs: readonly string[], az: string): string {
  return Token.isUnresolved(az) ? String(azs.indexOf(az)) : az;
}

/** {@link StaticIpAddressesProps} with every default applied, validated. */
export interface StaticIpAddressesConfig {
  readonly availabilityZones: readonly string[];
  readonly proxyPorts: readonly number[];
  readonly name: string;
  readonly allowEipDestroy: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

/** The edge proxy's options with every default applied, validated. */
export interface EdgeProxyConfig {
  readonly image: string;
  readonly healthPort: number;
  readonly cpuUnits: number;
  readonly memoryReservationMiB: number;
  readonly memoryLimitMiB: number;
  readonly logRetentionDays: number;
}

/** {@link StaticIpProps} with every default applied, validated. */
export interface StaticIpConfig {
  /** The AZs of the addresses. */
  readonly availabilityZones: readonly string[];
  /** The public ports of the addresses. */
  readonly proxyPorts: readonly number[];
  /** The VPC resolver the edge proxy resolves the load balancer's name with. */
  readonly resolverAddress: string;
  /** The addresses' config when StaticIp creates them; undefined when they were given. */
  readonly ownAddresses: Omit<StaticIpAddressesConfig, "name"> | undefined;
  readonly heartbeatTimeoutSeconds: number;
  readonly instanceType: string | undefined;
  readonly amiId: string | undefined;
  /** Undefined: derive from the cluster's name. */
  readonly name: string | undefined;
  readonly lambdaLogRetentionDays: number;
  readonly reconcileSchedule: string;
  readonly proxy: EdgeProxyConfig;
  readonly alarmActions: readonly string[];
  readonly stopped: boolean;
  readonly alarms: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function checkName(fail: Fail, name: string | undefined): void {
  if (name !== undefined && !Token.isUnresolved(name) && !STATIC_IP_NAME_PATTERN.test(name)) {
    fail("name", name, "be 1 to 60 letters, digits, hyphens and underscores", "e.g. prod-static-ip");
  }
}

function checkTags(fail: Fail, tags: Readonly<Record<string, string>>): void {
  if (Object.prototype.hasOwnProperty.call(tags, "Name")) {
    fail("tags", tags, "not set Name", "the module names each resource itself");
  }
}

function checkRetention(fail: Fail, field: string, days: number): void {
  if (!Token.isUnresolved(days) && !LOG_RETENTION_DAYS_ALLOWED.includes(days)) {
    fail(
      field,
      days,
      "be a CloudWatch Logs retention value",
      `one of ${LOG_RETENTION_DAYS_ALLOWED.join(", ")}`,
    );
  }
}

/** Applies the defaults of the address props and validates them; throws before anything is created. */
export function resolveAddressesConfig(
  fail: Fail,
  props: Omit<StaticIpAddressesProps, "name">,
): Omit<StaticIpAddressesConfig, "name"> {
  const network = props.network;
  checkConstruct(fail, "network", network, Network.isNetwork, "Network");
  const azs = props.availabilityZones ?? [...network.availabilityZones];
  if (azs.length === 0) {
    fail(
      "availabilityZones",
      azs,
      "name at least one AZ",
      `omit it for every AZ of the network (${network.availabilityZones.join(", ")})`,
    );
  }
  const seenAz = new Set<string>();
  for (const az of azs) {
    if (seenAz.has(az))
      fail("availabilityZones", azs, `name each AZ once (${az} is repeated)`, "remove the duplicate");
    seenAz.add(az);
    // An AZ given as a token (a generated Terraform module's variable) is checked by Terraform: the
    // network must still resolve its public subnet.
    if (!Token.isUnresolved(az) && !network.availabilityZones.includes(az)) {
      fail(
        "availabilityZones",
        az,
        `be an AZ of the network (${network.availabilityZones.join(", ")})`,
        "add it to the network or pick one of those",
      );
    }
    if (network.publicSubnetIdsByAz[az] === undefined) {
      fail(
        "availabilityZones",
        az,
        "have a public subnet in the network",
        Token.isUnresolved(az)
          ? "the network has public subnets by literal AZ name only; pass the AZ names, not a reference"
          : "the ENI holding the Elastic IP lives in the AZ's public subnet",
      );
    }
  }

  const ports = props.proxyPorts ?? [...DEFAULT_PROXY_PORTS];
  if (ports.length === 0) fail("proxyPorts", ports, "name at least one port", "e.g. [80, 443]");
  const seenPort = new Set<number>();
  for (const port of ports) {
    if (!isIntegerIn(port, 1, 65535))
      fail("proxyPorts", port, "be an integer from 1 to 65535", "e.g. 80 or 443");
    if (seenPort.has(port)) {
      fail("proxyPorts", ports, `name each port once (${port} clashes with itself)`, "remove the duplicate");
    }
    if (ECS_RESERVED_HOST_PORTS.includes(port)) {
      fail(
        "proxyPorts",
        port,
        `not be a port the ECS agent reserves on every instance (${ECS_RESERVED_HOST_PORTS.join(", ")})`,
        "ECS would never place the proxy; choose another port",
      );
    }
    seenPort.add(port);
  }

  const tags = props.tags ?? {};
  checkTags(fail, tags);
  return { availabilityZones: azs, proxyPorts: ports, allowEipDestroy: props.allowEipDestroy ?? false, tags };
}

/** {@link resolveAddressesConfig} plus the name, for a standalone {@link StaticIpAddresses}. */
export function resolveStandaloneAddressesConfig(
  fail: Fail,
  props: StaticIpAddressesProps,
): StaticIpAddressesConfig {
  checkKnownKeys(fail, "", props, STATIC_IP_ADDRESSES_PROPS_KEYS);
  checkName(fail, props.name);
  // Every name derived from the name (≤ 60) fits: the security group's name_prefix `<name>-edge-`
  // (229), the Name tags `<name>-<az>` and `<name>-edge-<port>` (256).
  return { ...resolveAddressesConfig(fail, props), name: props.name ?? DEFAULT_ADDRESSES_NAME };
}

/**
 * The names StaticIp derives from its base name (`<clusterName>-static-ip` by default) that can
 * exceed AWS's limit. The others are bounded by the Lambda function's 64: the role `<name>` (64),
 * the queue `<name>-dlq` (80), the alarms `<name>-errors` and `<name>-dlq-messages` (255), the log
 * groups `/aws/lambda/<name>` and `/ecs/<cluster>/<name>-proxy` (512), the proxy services
 * `<name>-proxy-<az>` (255).
 */
export function staticIpDerivedNames(name: string): DerivedName[] {
  return [
    { kind: "Lambda function name", name, limit: 64 },
    { kind: "EventBridge rule name", name: `${name}-launch`, limit: 64 },
    { kind: "EventBridge rule name", name: `${name}-reconcile`, limit: 64 },
  ];
}

/**
 * The edge capacities' names StaticIp derives from the cluster's name: the launch templates'
 * name_prefix `<cluster>-edge-<az>-` (128 less Terraform's 26-character suffix), which also bounds
 * the Auto Scaling groups `<cluster>-edge-<az>` (255).
 */
export function edgeCapacityDerivedNames(clusterName: string, azs: readonly string[]): DerivedName[] {
  return azs.map((az) => ({
    kind: "launch template name_prefix",
    name: `${clusterName}-edge-${azIdPart(azs, az)}-`,
    limit: MAX_LAUNCH_TEMPLATE_NAME_LENGTH - TERRAFORM_UNIQUE_SUFFIX_LENGTH,
  }));
}

/** Most characters of a launch template's name. */
const MAX_LAUNCH_TEMPLATE_NAME_LENGTH = 128;
/** Characters Terraform appends to a name_prefix. */
const TERRAFORM_UNIQUE_SUFFIX_LENGTH = 26;

function resolveProxyConfig(fail: Fail, props: StaticIpProps, ports: readonly number[]): EdgeProxyConfig {
  const options = props.proxy ?? {};
  checkKnownKeys(fail, "proxy", options, EDGE_PROXY_OPTIONS_KEYS);
  const image = options.image ?? DEFAULT_PROXY_IMAGE;
  checkImageReference(fail, "proxy.image", image);
  const healthPort = options.healthPort ?? DEFAULT_PROXY_HEALTH_PORT;
  if (!isIntegerIn(healthPort, 1, 65535)) {
    fail(
      "proxy.healthPort",
      healthPort,
      "be an integer from 1 to 65535",
      `the default is ${DEFAULT_PROXY_HEALTH_PORT}`,
    );
  }
  if (ports.includes(healthPort)) {
    fail(
      "proxy.healthPort",
      healthPort,
      `differ from every proxy port (${ports.join(", ")})`,
      "HAProxy cannot listen twice on one port of the host; choose another health port",
    );
  }
  if (ECS_RESERVED_HOST_PORTS.includes(healthPort)) {
    fail(
      "proxy.healthPort",
      healthPort,
      `not be a port the ECS agent reserves (${ECS_RESERVED_HOST_PORTS.join(", ")})`,
      `choose another, e.g. ${DEFAULT_PROXY_HEALTH_PORT}`,
    );
  }
  const cpuUnits = options.cpuUnits ?? DEFAULT_PROXY_CPU_UNITS;
  if (!isIntegerIn(cpuUnits, 1, 10240)) {
    fail(
      "proxy.cpuUnits",
      cpuUnits,
      "be an integer from 1 to 10240",
      `the default is ${DEFAULT_PROXY_CPU_UNITS}`,
    );
  }
  const reservation = options.memoryReservationMiB ?? DEFAULT_PROXY_MEMORY_RESERVATION_MIB;
  const limit = options.memoryLimitMiB ?? DEFAULT_PROXY_MEMORY_LIMIT_MIB;
  if (!Number.isInteger(reservation) || reservation < MIN_CONTAINER_MEMORY_MIB) {
    fail(
      "proxy.memoryReservationMiB",
      reservation,
      `be an integer of at least ${MIN_CONTAINER_MEMORY_MIB}`,
      `ECS's minimum; the default is ${DEFAULT_PROXY_MEMORY_RESERVATION_MIB}`,
    );
  }
  if (!Number.isInteger(limit) || limit < reservation) {
    fail(
      "proxy.memoryLimitMiB",
      limit,
      `be an integer of at least memoryReservationMiB (${reservation})`,
      "raise the limit or lower the reservation",
    );
  }
  const logRetentionDays = options.logRetentionDays ?? DEFAULT_PROXY_LOG_RETENTION_DAYS;
  checkRetention(fail, "proxy.logRetentionDays", logRetentionDays);
  return {
    image,
    healthPort,
    cpuUnits,
    memoryReservationMiB: reservation,
    memoryLimitMiB: limit,
    logRetentionDays,
  };
}

/** Applies the defaults and validates every prop; throws before anything is created. */
export function resolveStaticIpConfig(fail: Fail, props: StaticIpProps): StaticIpConfig {
  checkKnownKeys(fail, "", props, STATIC_IP_PROPS_KEYS);
  const { network, cluster } = props;

  // From plain JavaScript (or through a type assertion) anything can arrive here.
  checkConstruct(fail, "network", network, Network.isNetwork, "Network");
  checkConstruct(fail, "cluster", cluster, EcsCluster.isEcsCluster, "EcsCluster");
  checkConstruct(fail, "loadBalancer", props.loadBalancer, LoadBalancer.isLoadBalancer, "LoadBalancer");

  let ownAddresses: Omit<StaticIpAddressesConfig, "name"> | undefined;
  let azs: readonly string[];
  let ports: readonly number[];
  if (props.addresses !== undefined) {
    if (!StaticIpAddresses.isStaticIpAddresses(props.addresses)) {
      fail(
        "addresses",
        shownValue(props.addresses),
        "be a StaticIpAddresses",
        "omit it to create the addresses here",
      );
    }
    for (const field of ["availabilityZones", "proxyPorts", "allowEipDestroy"] as const) {
      if (props[field] !== undefined) {
        fail(
          field,
          props[field],
          "not be set together with addresses",
          `set it on StaticIpAddresses '${props.addresses.node.id}' (it is ${JSON.stringify(props.addresses.config[field])} there)`,
        );
      }
    }
    if (props.addresses.network !== network) {
      fail(
        "addresses",
        props.addresses.node.path,
        `be in the same network (${network.node.path})`,
        `the addresses are in ${props.addresses.network.node.path}`,
      );
    }
    azs = props.addresses.config.availabilityZones;
    ports = props.addresses.config.proxyPorts;
  } else {
    ownAddresses = resolveAddressesConfig(fail, {
      network,
      availabilityZones: props.availabilityZones,
      proxyPorts: props.proxyPorts,
      allowEipDestroy: props.allowEipDestroy,
      tags: props.tags,
    });
    azs = ownAddresses.availabilityZones;
    ports = ownAddresses.proxyPorts;
  }

  for (const az of azs) {
    const edgeId = `edge-${azIdPart(azs, az)}`;
    if (cluster.node.tryFindChild(edgeId) !== undefined) {
      fail(
        "availabilityZones",
        az,
        `not have an edge capacity in the cluster already (${edgeId})`,
        "use one StaticIp per cluster",
      );
    }
    if (network.privateSubnetIdsByAz[az] === undefined) {
      fail(
        "availabilityZones",
        az,
        "have a private subnet in the network",
        "the edge instance launches in the AZ's private subnet",
      );
    }
  }

  if (ports.includes(TLS_PASSTHROUGH_PORT) && !props.loadBalancer.hasHttpsListener) {
    fail(
      "proxyPorts",
      ports,
      `include ${TLS_PASSTHROUGH_PORT} only when the load balancer has an HTTPS listener (the proxy passes TLS through to its ${HTTPS_PORT})`,
      `give LoadBalancer '${props.loadBalancer.node.id}' a certificateArn, or drop ${TLS_PASSTHROUGH_PORT}`,
    );
  }

  const heartbeat = props.heartbeatTimeoutSeconds ?? DEFAULT_HEARTBEAT_TIMEOUT_SECONDS;
  if (!isIntegerIn(heartbeat, MIN_HEARTBEAT_TIMEOUT_SECONDS, MAX_HEARTBEAT_TIMEOUT_SECONDS)) {
    fail(
      "heartbeatTimeoutSeconds",
      heartbeat,
      `be an integer from ${MIN_HEARTBEAT_TIMEOUT_SECONDS} to ${MAX_HEARTBEAT_TIMEOUT_SECONDS}`,
      `AWS's lifecycle-hook limits; the default is ${DEFAULT_HEARTBEAT_TIMEOUT_SECONDS}`,
    );
  }

  if (
    props.instanceType !== undefined &&
    !Token.isUnresolved(props.instanceType) &&
    !INSTANCE_TYPE_PATTERN.test(props.instanceType)
  ) {
    fail("instanceType", props.instanceType, "be an EC2 instance type", "e.g. t3.small");
  }
  if (props.amiId !== undefined && props.amiId.trim() === "") {
    fail("amiId", props.amiId, "not be empty", "omit it to read the ECS-optimized AMI from SSM");
  }
  checkName(fail, props.name);

  const retention = props.lambdaLogRetentionDays ?? DEFAULT_LAMBDA_LOG_RETENTION_DAYS;
  checkRetention(fail, "lambdaLogRetentionDays", retention);

  const schedule = props.reconcileSchedule ?? DEFAULT_RECONCILE_SCHEDULE;
  if (!Token.isUnresolved(schedule) && !SCHEDULE_EXPRESSION_PATTERN.test(schedule)) {
    fail(
      "reconcileSchedule",
      schedule,
      "be an EventBridge schedule expression, rate(…) or cron(…)",
      `e.g. ${DEFAULT_RECONCILE_SCHEDULE} or cron(0/10 * * * ? *)`,
    );
  }

  const proxy = resolveProxyConfig(fail, props, ports);

  const alarms = props.alarms ?? true;
  if (typeof alarms !== "boolean") {
    fail("alarms", alarms, "be true or false", "true (the default) creates the two alarms");
  }
  if (!alarms && (props.alarmActions ?? []).length > 0) {
    fail(
      "alarmActions",
      props.alarmActions,
      "be empty when alarms is false (there is no alarm to act)",
      "drop alarmActions, or set alarms to true",
    );
  }
  const stopped = props.stopped ?? false;
  if (typeof stopped !== "boolean") {
    fail("stopped", stopped, "be true or false", "true scales the edge to zero, false (the default) runs it");
  }

  const tags = props.tags ?? {};
  checkTags(fail, tags);

  const clusterName = cluster.literalClusterName;
  if (clusterName !== undefined) {
    checkDerivedNames(
      fail,
      "cluster.clusterName",
      clusterName,
      edgeCapacityDerivedNames(clusterName, azs),
      (max) => `give EcsCluster '${cluster.node.id}' a clusterName of at most ${max} characters`,
    );
  }
  const name = props.name ?? (clusterName === undefined ? undefined : `${clusterName}-static-ip`);
  if (name !== undefined) {
    checkDerivedNames(fail, "name", name, staticIpDerivedNames(name), (max) =>
      props.name === undefined
        ? `pass a name of at most ${max} characters (the default is <clusterName>-static-ip)`
        : `shorten name to at most ${max} characters`,
    );
  }

  const resolverAddress = network.vpcResolverAddress;
  if (resolverAddress === undefined) {
    fail(
      "network",
      network.node.path,
      "know the VPC's DNS resolver address (the edge proxy resolves the load balancer's name with it)",
      "give Network.fromAttributes the vpcCidrBlock or the vpcResolverAddress",
    );
  }

  return {
    availabilityZones: azs,
    proxyPorts: ports,
    resolverAddress,
    ownAddresses,
    heartbeatTimeoutSeconds: heartbeat,
    instanceType: props.instanceType,
    amiId: props.amiId,
    name: props.name,
    lambdaLogRetentionDays: retention,
    reconcileSchedule: schedule,
    proxy,
    alarmActions: props.alarmActions ?? [],
    stopped,
    alarms,
    tags,
  };
}

/** Lambda timeout: below the heartbeat, so the handler always reports before the hook times out. */
export function lambdaTimeoutSeconds(heartbeatTimeoutSeconds: number): number {
  return Math.min(heartbeatTimeoutSeconds, MAX_LAMBDA_TIMEOUT_SECONDS) - HEARTBEAT_MARGIN_SECONDS;
}

/**
 * Maximum age of an event (EventBridge retry policy and Lambda async config): below the heartbeat
 * where AWS allows it. AWS's floor is 60 s, so for heartbeats ≤ 70 s a late retry can arrive after
 * the hook has timed out; the handler then sees its deadline passed and makes no EC2 call.
 */
export function maximumEventAgeSeconds(heartbeatTimeoutSeconds: number): number {
  return Math.max(MIN_EVENT_AGE_SECONDS, heartbeatTimeoutSeconds - HEARTBEAT_MARGIN_SECONDS);
}

/** Maximum event age of the Lambda's asynchronous invocation: as above, within Lambda's 60–21600 s. */
export function lambdaAsyncEventAgeSeconds(heartbeatTimeoutSeconds: number): number {
  return Math.min(maximumEventAgeSeconds(heartbeatTimeoutSeconds), MAX_LAMBDA_EVENT_AGE_SECONDS);
}
