import { Token } from "cdktf";
import { INSTANCE_TYPE_PATTERN, LOG_RETENTION_DAYS_ALLOWED } from "../ecs-cluster";
import {
  DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
  DEFAULT_LAMBDA_LOG_RETENTION_DAYS,
  DEFAULT_PROXY_PORTS,
  HEARTBEAT_MARGIN_SECONDS,
  MAX_LAMBDA_EVENT_AGE_SECONDS,
  MAX_LAMBDA_TIMEOUT_SECONDS,
  MIN_EVENT_AGE_SECONDS,
  MAX_HEARTBEAT_TIMEOUT_SECONDS,
  MIN_HEARTBEAT_TIMEOUT_SECONDS,
  StaticIpProps,
} from "./props";

/** Allowed characters and length of {@link StaticIpProps.name} (room for the `-dlq`-style suffixes). */
export const STATIC_IP_NAME_PATTERN = /^[A-Za-z0-9_-]{1,60}$/;

/** Throws `StaticIp '<id>': <field> (<value>) must <must>; <fix>`. */
export type Fail = (field: string, value: unknown, must: string, fix: string) => never;

/** A {@link Fail} for one construct id. */
export function failFor(id: string): Fail {
  return (field, value, must, fix) => {
    const shown = typeof value === "string" ? value : JSON.stringify(value);
    throw new Error(`StaticIp '${id}': ${field} (${shown}) must ${must}; ${fix}`);
  };
}

/** {@link StaticIpProps} with every default applied, validated. */
export interface StaticIpConfig {
  readonly availabilityZones: readonly string[];
  readonly heartbeatTimeoutSeconds: number;
  readonly proxyPorts: readonly number[];
  readonly instanceType: string | undefined;
  readonly amiId: string | undefined;
  /** Undefined: derive from the cluster's name. */
  readonly name: string | undefined;
  readonly lambdaLogRetentionDays: number;
  readonly allowEipDestroy: boolean;
  readonly alarmActions: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** Applies the defaults and validates every prop; throws before anything is created. */
export function resolveStaticIpConfig(fail: Fail, props: StaticIpProps): StaticIpConfig {
  const network = props.network;
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
    if (Token.isUnresolved(az)) {
      fail(
        "availabilityZones",
        az,
        "be literal AZ names",
        "the ENIs and edge groups are created per AZ at synth time",
      );
    }
    if (seenAz.has(az))
      fail("availabilityZones", azs, `name each AZ once (${az} is repeated)`, "remove the duplicate");
    seenAz.add(az);
    if (!network.availabilityZones.includes(az)) {
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
        "the ENI holding the Elastic IP lives in the AZ's public subnet",
      );
    }
    if (props.cluster.node.tryFindChild(`edge-${az}`) !== undefined) {
      fail(
        "availabilityZones",
        az,
        `not have an edge capacity in the cluster already (edge-${az})`,
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

  const heartbeat = props.heartbeatTimeoutSeconds ?? DEFAULT_HEARTBEAT_TIMEOUT_SECONDS;
  if (!isIntegerIn(heartbeat, MIN_HEARTBEAT_TIMEOUT_SECONDS, MAX_HEARTBEAT_TIMEOUT_SECONDS)) {
    fail(
      "heartbeatTimeoutSeconds",
      heartbeat,
      `be an integer from ${MIN_HEARTBEAT_TIMEOUT_SECONDS} to ${MAX_HEARTBEAT_TIMEOUT_SECONDS}`,
      `AWS's lifecycle-hook limits; the default is ${DEFAULT_HEARTBEAT_TIMEOUT_SECONDS}`,
    );
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
    seenPort.add(port);
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
  if (
    props.name !== undefined &&
    !Token.isUnresolved(props.name) &&
    !STATIC_IP_NAME_PATTERN.test(props.name)
  ) {
    fail("name", props.name, "be 1 to 60 letters, digits, hyphens and underscores", "e.g. prod-static-ip");
  }

  const retention = props.lambdaLogRetentionDays ?? DEFAULT_LAMBDA_LOG_RETENTION_DAYS;
  if (!LOG_RETENTION_DAYS_ALLOWED.includes(retention)) {
    fail(
      "lambdaLogRetentionDays",
      retention,
      "be a CloudWatch Logs retention value",
      `one of ${LOG_RETENTION_DAYS_ALLOWED.join(", ")}`,
    );
  }

  const tags = props.tags ?? {};
  if (Object.prototype.hasOwnProperty.call(tags, "Name")) {
    fail("tags", tags, "not set Name", "the module names each resource itself");
  }

  return {
    availabilityZones: azs,
    heartbeatTimeoutSeconds: heartbeat,
    proxyPorts: ports,
    instanceType: props.instanceType,
    amiId: props.amiId,
    name: props.name,
    lambdaLogRetentionDays: retention,
    allowEipDestroy: props.allowEipDestroy ?? false,
    alarmActions: props.alarmActions ?? [],
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
