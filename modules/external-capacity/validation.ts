import { EcsCluster, LOG_RETENTION_DAYS_ALLOWED, MAX_INSTANCE_ATTRIBUTES } from "../ecs-cluster";
import { checkImageReference } from "../load-balanced-service/service-config";
import { checkDerivedNames, checkInteger, literal } from "../load-balanced-service/validation";
import { checkConstruct, checkKnownKeys } from "../shared/validation";
import type { Fail } from "../shared/validation";
import { ECS_RESERVED_HOST_PORTS, MIN_CONTAINER_MEMORY_MIB } from "../static-ip/props";
import { EXTERNAL_CAPACITY_PROPS_KEYS, TRAEFIK_EDGE_PROPS_KEYS } from "./keys";
import {
  DEFAULT_REGISTRATION_LIMIT,
  DEFAULT_TRAEFIK_CPU_UNITS,
  DEFAULT_TRAEFIK_DESIRED_COUNT,
  DEFAULT_TRAEFIK_ENTRY_POINTS,
  DEFAULT_TRAEFIK_IMAGE,
  DEFAULT_TRAEFIK_INSTANCE_ATTRIBUTES,
  DEFAULT_TRAEFIK_LOG_RETENTION_DAYS,
  DEFAULT_TRAEFIK_MEMORY_LIMIT_MIB,
  DEFAULT_TRAEFIK_MEMORY_RESERVATION_MIB,
  DEFAULT_TRAEFIK_PING_PORT,
  DEFAULT_TRAEFIK_REFRESH_SECONDS,
  ExternalCapacityProps,
  MAX_EXPIRATION_DAYS,
  MAX_REGISTRATION_LIMIT,
  MIN_REGISTRATION_LIMIT,
  TraefikEdgeProps,
} from "./props";

/** ECS attribute names (as ecs-cluster's instanceAttributes take them). */
export const ATTRIBUTE_NAME_PATTERN = /^[A-Za-z0-9_./\\-]{1,128}$/;
/** ECS attribute values: no leading or trailing space. */
export const ATTRIBUTE_VALUE_PATTERN =
  /^[A-Za-z0-9_.@/\\:-]([A-Za-z0-9_.@/\\: -]{0,126}[A-Za-z0-9_.@/\\:-])?$/;
/** IAM role names. */
export const ROLE_NAME_PATTERN = /^[A-Za-z0-9+=,.@_-]{1,64}$/;
/** The one form of expiration date the module takes: RFC 3339, UTC, whole seconds (what AWS returns). */
export const EXPIRATION_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** Longest activation description AWS accepts. */
export const MAX_DESCRIPTION_LENGTH = 256;
/** Base names of the Traefik edge (room for `-task` in a 64-character role name). */
export const TRAEFIK_NAME_PATTERN = /^[A-Za-z0-9_-]{1,59}$/;
/** Entry point names (Traefik takes more; these are safe in flags and labels). */
export const ENTRY_POINT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
/** Name of the entry point the module reserves for Traefik's ping endpoint. */
export const PING_ENTRY_POINT = "ping";
/** Shortest and longest ECS polling interval the module accepts, seconds. */
export const MIN_REFRESH_SECONDS = 5;
export const MAX_REFRESH_SECONDS = 3600;

/** {@link ExternalCapacityProps} with every default applied, validated. */
export interface ExternalCapacityConfig {
  /** Undefined: derive from the cluster's name. */
  readonly name: string | undefined;
  readonly registrationLimit: number;
  /** Undefined: AWS's default (24 hours after creation). */
  readonly expirationDate: string | undefined;
  /** Whether a literal expirationDate lies in the past at synthesis (a warning, not an error). */
  readonly expired: boolean;
  readonly description: string | undefined;
  readonly instanceAttributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** {@link TraefikEdgeProps} with every default applied, validated. */
export interface TraefikEdgeConfig {
  readonly region: string;
  readonly instanceAttributes: Readonly<Record<string, string>>;
  readonly entryPoints: Readonly<Record<string, number>>;
  readonly pingPort: number;
  readonly refreshSeconds: number;
  readonly image: string;
  readonly desiredCount: number;
  readonly name: string;
  readonly cpuUnits: number;
  readonly memoryReservationMiB: number;
  readonly memoryLimitMiB: number;
  readonly logRetentionDays: number;
  readonly accessLog: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Fails on attributes ECS would refuse: more than 10, a bad name or value (ecs-cluster's rules).
 * `min` is the fewest entries the field needs (a placement needs one).
 */
export function checkInstanceAttributes(
  fail: Fail,
  field: string,
  attributes: Readonly<Record<string, string>>,
  min = 0,
): void {
  if (
    typeof attributes !== "object" ||
    attributes === null ||
    Array.isArray(attributes) ||
    !literal(attributes)
  ) {
    fail(field, attributes, "be a literal map of attribute names to values", 'e.g. { role: "edge" }');
  }
  const entries = Object.entries(attributes);
  if (entries.length < min) {
    fail(field, attributes, `have at least ${min} entry`, 'e.g. { role: "edge" }');
  }
  if (entries.length > MAX_INSTANCE_ATTRIBUTES) {
    fail(
      field,
      attributes,
      `have at most ${MAX_INSTANCE_ATTRIBUTES} entries (ECS's limit per container instance)`,
      "drop some",
    );
  }
  for (const [name, value] of entries) {
    if (!ATTRIBUTE_NAME_PATTERN.test(name)) {
      fail(
        field,
        name,
        "have names of 1 to 128 letters, digits, hyphens, underscores, periods or slashes",
        "rename the attribute",
      );
    }
    if (typeof value !== "string" || !literal(value) || !ATTRIBUTE_VALUE_PATTERN.test(value)) {
      fail(
        `${field}.${name}`,
        value,
        "be 1 to 128 letters, digits, spaces or -_.@/\\: characters, not starting or ending with a space (a literal)",
        "change the value",
      );
    }
  }
}

/** The placement expression matching every attribute, e.g. `attribute:role == edge`. */
export function attributeExpression(attributes: Readonly<Record<string, string>>): string {
  return Object.entries(attributes)
    .map(([name, value]) => `attribute:${name} == ${/\s/.test(value) ? `'${value}'` : value}`)
    .join(" and ");
}

function checkTags(fail: Fail, tags: Readonly<Record<string, string>>): void {
  if (literal(tags) && Object.prototype.hasOwnProperty.call(tags, "Name")) {
    fail("tags", tags, "not set Name", "the module names each resource itself");
  }
}

/**
 * Checks a literal expiration date: the one form (UTC, whole seconds) and, against `now`, at most
 * MAX_EXPIRATION_DAYS ahead. Returns whether it has passed (allowed: an existing activation keeps it).
 */
function checkExpirationDate(fail: Fail, value: string | undefined, now: Date): boolean {
  if (value === undefined || !literal(value)) return false;
  const time = typeof value === "string" && EXPIRATION_DATE_PATTERN.test(value) ? Date.parse(value) : NaN;
  // Date.parse accepts 2026-02-30; the round trip does not.
  if (Number.isNaN(time) || new Date(time).toISOString().replace(".000Z", "Z") !== value) {
    fail(
      "expirationDate",
      value,
      "be an RFC 3339 time in UTC with whole seconds, YYYY-MM-DDTHH:MM:SSZ (the form AWS returns; another form would show a change, and replace the activation, on every plan)",
      "e.g. 2026-12-31T00:00:00Z",
    );
  }
  const latest = now.getTime() + MAX_EXPIRATION_DAYS * 24 * 3600 * 1000;
  if (time > latest) {
    fail(
      "expirationDate",
      value,
      `be at most ${MAX_EXPIRATION_DAYS} days ahead (AWS's limit; now is ${now.toISOString().replace(/\.\d{3}Z$/, "Z")})`,
      "pick an earlier date",
    );
  }
  return time <= now.getTime();
}

/** Applies the defaults and validates every prop of ExternalCapacity; throws before anything is created. */
export function resolveExternalCapacityConfig(
  fail: Fail,
  props: ExternalCapacityProps,
  now: Date = new Date(),
): ExternalCapacityConfig {
  checkKnownKeys(fail, "", props, EXTERNAL_CAPACITY_PROPS_KEYS);
  checkConstruct(fail, "cluster", props.cluster, EcsCluster.isEcsCluster, "EcsCluster");

  const registrationLimit = props.registrationLimit ?? DEFAULT_REGISTRATION_LIMIT;
  checkInteger(
    fail,
    "registrationLimit",
    registrationLimit,
    MIN_REGISTRATION_LIMIT,
    MAX_REGISTRATION_LIMIT,
    `AWS's limits for one activation; the default is ${DEFAULT_REGISTRATION_LIMIT}`,
  );
  const expired = checkExpirationDate(fail, props.expirationDate, now);

  if (props.description !== undefined && literal(props.description)) {
    if (typeof props.description !== "string" || props.description.length > MAX_DESCRIPTION_LENGTH) {
      fail(
        "description",
        props.description,
        `be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`,
        "shorten it",
      );
    }
  }

  const instanceAttributes = props.instanceAttributes ?? {};
  checkInstanceAttributes(fail, "instanceAttributes", instanceAttributes);

  if (props.name !== undefined && literal(props.name) && !ROLE_NAME_PATTERN.test(props.name)) {
    fail(
      "name",
      props.name,
      "be 1 to 64 letters, digits and +=,.@_- (it names the instances' IAM role)",
      "e.g. onprem-external",
    );
  }
  const clusterName = props.cluster.literalClusterName;
  if (props.name === undefined && clusterName !== undefined) {
    checkDerivedNames(
      fail,
      "cluster.clusterName",
      clusterName,
      [{ kind: "IAM role name", name: `${clusterName}-external`, limit: 64 }],
      (max) => `pass a name of at most 64 characters, or use a cluster name of at most ${max}`,
    );
  }

  const tags = props.tags ?? {};
  checkTags(fail, tags);
  return {
    name: props.name,
    registrationLimit,
    expirationDate: props.expirationDate,
    expired,
    description: props.description,
    instanceAttributes: { ...instanceAttributes },
    tags,
  };
}

function checkPort(fail: Fail, field: string, port: number, fix: string): void {
  checkInteger(fail, field, port, 1, 65535, fix);
  if (ECS_RESERVED_HOST_PORTS.includes(port)) {
    fail(
      field,
      port,
      `not be a port the ECS agent reserves on every instance (${ECS_RESERVED_HOST_PORTS.join(", ")})`,
      "ECS would never place the task; choose another port",
    );
  }
}

/** Applies the defaults and validates every prop of TraefikEdge; throws before anything is created. */
export function resolveTraefikEdgeConfig(fail: Fail, props: TraefikEdgeProps): TraefikEdgeConfig {
  checkKnownKeys(fail, "", props, TRAEFIK_EDGE_PROPS_KEYS);
  checkConstruct(fail, "cluster", props.cluster, EcsCluster.isEcsCluster, "EcsCluster");
  if (typeof props.region !== "string" || props.region.trim() === "") {
    fail("region", props.region, "be the cluster's region", "e.g. eu-west-2");
  }

  const instanceAttributes = props.instanceAttributes ?? DEFAULT_TRAEFIK_INSTANCE_ATTRIBUTES;
  checkInstanceAttributes(fail, "instanceAttributes", instanceAttributes, 1);

  const pingPort = props.pingPort ?? DEFAULT_TRAEFIK_PING_PORT;
  checkPort(fail, "pingPort", pingPort, `the default is ${DEFAULT_TRAEFIK_PING_PORT}`);

  const entryPoints = props.entryPoints ?? DEFAULT_TRAEFIK_ENTRY_POINTS;
  if (typeof entryPoints !== "object" || entryPoints === null || !literal(entryPoints)) {
    fail(
      "entryPoints",
      entryPoints,
      "be a literal map of names to ports",
      "e.g. { web: 80, websecure: 443 }",
    );
  }
  const entries = Object.entries(entryPoints);
  if (entries.length === 0)
    fail("entryPoints", entryPoints, "name at least one entry point", "e.g. { web: 80 }");
  const seen = new Map<number, string>();
  for (const [name, port] of entries) {
    if (!ENTRY_POINT_NAME_PATTERN.test(name)) {
      fail("entryPoints", name, "have names of 1 to 32 letters, digits, hyphens or underscores", "e.g. web");
    }
    if (name === PING_ENTRY_POINT) {
      fail(
        "entryPoints",
        name,
        `not be named ${PING_ENTRY_POINT} (the module's ping entry point)`,
        "rename it",
      );
    }
    checkPort(fail, `entryPoints.${name}`, port, "e.g. 80 or 443");
    const other = seen.get(port);
    if (other !== undefined) {
      fail(
        `entryPoints.${name}`,
        port,
        `differ from every other entry point's port (${other} has it)`,
        "pick another port",
      );
    }
    if (port === pingPort) {
      fail(
        `entryPoints.${name}`,
        port,
        `differ from pingPort (${pingPort})`,
        "Traefik cannot listen twice on one port of the host; change the entry point or pingPort",
      );
    }
    seen.set(port, name);
  }

  const refreshSeconds = props.refreshSeconds ?? DEFAULT_TRAEFIK_REFRESH_SECONDS;
  checkInteger(
    fail,
    "refreshSeconds",
    refreshSeconds,
    MIN_REFRESH_SECONDS,
    MAX_REFRESH_SECONDS,
    `the default is ${DEFAULT_TRAEFIK_REFRESH_SECONDS} (each poll makes ECS, EC2 and SSM calls)`,
  );

  const image = props.image ?? DEFAULT_TRAEFIK_IMAGE;
  checkImageReference(fail, "image", image);

  const desiredCount = props.desiredCount ?? DEFAULT_TRAEFIK_DESIRED_COUNT;
  checkInteger(fail, "desiredCount", desiredCount, 0, 1000, "0 stops the edge; one task per instance");

  const name = props.name ?? "traefik";
  if (literal(name) && !TRAEFIK_NAME_PATTERN.test(name)) {
    fail("name", name, "be 1 to 59 letters, digits, hyphens and underscores", "e.g. edge-traefik");
  }

  const cpuUnits = props.cpuUnits ?? DEFAULT_TRAEFIK_CPU_UNITS;
  checkInteger(fail, "cpuUnits", cpuUnits, 1, 10240, `the default is ${DEFAULT_TRAEFIK_CPU_UNITS}`);
  const reservation = props.memoryReservationMiB ?? DEFAULT_TRAEFIK_MEMORY_RESERVATION_MIB;
  checkInteger(
    fail,
    "memoryReservationMiB",
    reservation,
    MIN_CONTAINER_MEMORY_MIB,
    Number.MAX_SAFE_INTEGER,
    `ECS's minimum is ${MIN_CONTAINER_MEMORY_MIB}; the default is ${DEFAULT_TRAEFIK_MEMORY_RESERVATION_MIB}`,
  );
  const limit = props.memoryLimitMiB ?? DEFAULT_TRAEFIK_MEMORY_LIMIT_MIB;
  if (literal(limit) && literal(reservation) && (!Number.isInteger(limit) || limit < reservation)) {
    fail(
      "memoryLimitMiB",
      limit,
      `be an integer of at least memoryReservationMiB (${reservation})`,
      "raise the limit or lower the reservation",
    );
  }
  const logRetentionDays = props.logRetentionDays ?? DEFAULT_TRAEFIK_LOG_RETENTION_DAYS;
  if (literal(logRetentionDays) && !LOG_RETENTION_DAYS_ALLOWED.includes(logRetentionDays)) {
    fail(
      "logRetentionDays",
      logRetentionDays,
      "be a CloudWatch Logs retention value",
      `one of ${LOG_RETENTION_DAYS_ALLOWED.join(", ")}`,
    );
  }
  const accessLog = props.accessLog ?? false;
  if (typeof accessLog !== "boolean") {
    fail("accessLog", accessLog, "be true or false", "false (the default) writes no access log");
  }
  const tags = props.tags ?? {};
  checkTags(fail, tags);
  return {
    region: props.region,
    instanceAttributes: { ...instanceAttributes },
    entryPoints: { ...entryPoints },
    pingPort,
    refreshSeconds,
    image,
    desiredCount,
    name,
    cpuUnits,
    memoryReservationMiB: reservation,
    memoryLimitMiB: limit,
    logRetentionDays,
    accessLog,
    tags,
  };
}
