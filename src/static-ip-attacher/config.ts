/**
 * Configuration of the static-IP attacher, read from the Lambda's environment.
 *
 * The ENI for each AZ is given explicitly (`ENI_BY_AZ`), not discovered by tag: the Terraform module
 * that creates the ENIs knows their ids, the handler can then only ever touch those ENIs, and the same
 * ids scope the IAM policy. A tag lookup would let anyone who can tag an ENI redirect the static IP.
 */

/** Device index the ENI is attached at when `DEVICE_INDEX` is not set (0 is the primary interface). */
export const DEFAULT_DEVICE_INDEX = 1;
/** Shortest lifecycle-hook heartbeat AWS accepts. */
export const MIN_HEARTBEAT_TIMEOUT_SECONDS = 30;
/** Longest lifecycle-hook heartbeat AWS accepts. */
export const MAX_HEARTBEAT_TIMEOUT_SECONDS = 7200;
/** Largest device index we accept; no instance type has more network interfaces than this. */
export const MAX_DEVICE_INDEX = 15;

const ENI_ID = /^eni-[0-9a-f]{8,17}$/;
const AZ_NAME = /^[a-z]{2}(-[a-z0-9]+)+[a-z]$/;

/** Validated configuration of the handler. */
export interface AttacherConfig {
  /** AZ name (e.g. `eu-west-2a`) → id of the ENI that holds that AZ's Elastic IP. */
  readonly eniByAz: ReadonlyMap<string, string>;
  /**
   * Device index the ENI is attached at.
   * @default 1
   */
  readonly deviceIndex: number;
  /** Heartbeat timeout of the launch lifecycle hook; the handler gives up (ABANDON) before it ends. */
  readonly heartbeatTimeoutSeconds: number;
  /**
   * Names of the edge Auto Scaling groups, which the reconcile reads. Empty: the reconcile is not
   * configured (a scheduled event then fails with the fix in the message).
   * @default []
   */
  readonly edgeGroupNames?: readonly string[];
}

/** The environment variables the handler reads. */
export interface AttacherEnv {
  /** JSON object of AZ → ENI id, e.g. `{"eu-west-2a":"eni-0123456789abcdef0"}`. Required. */
  readonly ENI_BY_AZ?: string;
  /** Integer ≥ 1. @default "1" */
  readonly DEVICE_INDEX?: string;
  /** Integer 30..7200, the lifecycle hook's `HeartbeatTimeout`. Required. */
  readonly HEARTBEAT_TIMEOUT_SECONDS?: string;
  /** JSON array of the edge Auto Scaling group names, e.g. `["main-edge-eu-west-2a"]`. Needed by the reconcile. */
  readonly EDGE_GROUP_NAMES?: string;
}

function fail(field: string, value: unknown, must: string, fix: string): never {
  throw new Error(`static-ip-attacher: ${field} (${JSON.stringify(value)}) must ${must}; ${fix}`);
}

function parseEniByAz(raw: string | undefined): ReadonlyMap<string, string> {
  const fix = 'set it to a JSON object of AZ → ENI id, e.g. {"eu-west-2a":"eni-0123456789abcdef0"}';
  if (raw === undefined || raw.trim() === "") fail("ENI_BY_AZ", raw, "be set", fix);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    fail("ENI_BY_AZ", raw, "be valid JSON", fix);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    fail("ENI_BY_AZ", raw, "be a JSON object", fix);
  }
  const entries = Object.entries(parsed);
  if (entries.length === 0) fail("ENI_BY_AZ", raw, "name at least one AZ", fix);
  const byAz = new Map<string, string>();
  const azByEni = new Map<string, string>();
  for (const [az, eniId] of entries) {
    if (!AZ_NAME.test(az)) fail(`ENI_BY_AZ key`, az, "be an AZ name like eu-west-2a", fix);
    if (typeof eniId !== "string" || !ENI_ID.test(eniId)) {
      fail(`ENI_BY_AZ["${az}"]`, eniId, "be an ENI id like eni-0123456789abcdef0", fix);
    }
    const other = azByEni.get(eniId);
    if (other !== undefined) {
      fail(
        `ENI_BY_AZ["${az}"]`,
        eniId,
        `differ from ENI_BY_AZ["${other}"]`,
        "an ENI lives in exactly one AZ",
      );
    }
    azByEni.set(eniId, az);
    byAz.set(az, eniId);
  }
  return byAz;
}

/** Auto Scaling group names: 1 to 255 characters, no colon (AWS's pattern excludes it). */
const GROUP_NAME = /^[^:]{1,255}$/;

function parseGroupNames(raw: string | undefined): readonly string[] {
  if (raw === undefined || raw.trim() === "") return [];
  const fix = 'set it to a JSON array of the edge group names, e.g. ["main-edge-eu-west-2a"]';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    fail("EDGE_GROUP_NAMES", raw, "be valid JSON", fix);
  }
  if (!Array.isArray(parsed) || parsed.length === 0)
    fail("EDGE_GROUP_NAMES", raw, "be a non-empty JSON array", fix);
  const names: string[] = [];
  for (const name of parsed as unknown[]) {
    if (typeof name !== "string" || !GROUP_NAME.test(name)) {
      fail(
        "EDGE_GROUP_NAMES entry",
        name,
        "be an Auto Scaling group name (1 to 255 characters, no colon)",
        fix,
      );
    }
    if (names.includes(name))
      fail("EDGE_GROUP_NAMES", raw, `name each group once (${name} is repeated)`, fix);
    names.push(name);
  }
  return names;
}

function parseInteger(field: string, raw: string, min: number, max: number, fix: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    fail(field, raw, `be an integer from ${min} to ${max}`, fix);
  }
  return value;
}

/** Reads and validates the handler's configuration; throws one clear error on the first bad value. */
export function loadConfig(env: AttacherEnv): AttacherConfig {
  const eniByAz = parseEniByAz(env.ENI_BY_AZ);
  const deviceIndex =
    env.DEVICE_INDEX === undefined || env.DEVICE_INDEX.trim() === ""
      ? DEFAULT_DEVICE_INDEX
      : parseInteger(
          "DEVICE_INDEX",
          env.DEVICE_INDEX,
          1,
          MAX_DEVICE_INDEX,
          "0 is the instance's primary interface; leave it unset for 1",
        );
  const heartbeat = env.HEARTBEAT_TIMEOUT_SECONDS;
  if (heartbeat === undefined || heartbeat.trim() === "") {
    fail("HEARTBEAT_TIMEOUT_SECONDS", heartbeat, "be set", "set it to the lifecycle hook's HeartbeatTimeout");
  }
  const heartbeatTimeoutSeconds = parseInteger(
    "HEARTBEAT_TIMEOUT_SECONDS",
    heartbeat,
    MIN_HEARTBEAT_TIMEOUT_SECONDS,
    MAX_HEARTBEAT_TIMEOUT_SECONDS,
    "set it to the lifecycle hook's HeartbeatTimeout",
  );
  return {
    eniByAz,
    deviceIndex,
    heartbeatTimeoutSeconds,
    edgeGroupNames: parseGroupNames(env.EDGE_GROUP_NAMES),
  };
}
