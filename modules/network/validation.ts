import { Token } from "cdktf";
import { AWS_ARN_PATTERNS, checkKnownKeys, Fail, failFor, keysOf, nearestName } from "../shared/validation";
import { cidrProblem, Ipv4Cidr, parseCidr } from "./cidr";
import {
  DEFAULT_AZ_COUNT,
  DEFAULT_FLOW_LOG_RETENTION_DAYS,
  DEFAULT_NAT_GATEWAYS,
  DEFAULT_SUBNET_NEW_BITS,
  DEFAULT_VPC_CIDR,
  DEFAULT_ZONE_NAME,
  NAT_GATEWAY_MODES,
  NatGateways,
  NetworkProps,
} from "./props";
import {
  AWS_REGIONS,
  azLetters,
  defaultAvailabilityZones,
  isKnownRegion,
  isListedRegion,
  MAX_AZS,
  maxAzCount,
  REGION_PATTERN,
} from "./regions";

/** Retention values CloudWatch Logs accepts, in days. */
export const FLOW_LOG_RETENTION_DAYS_ALLOWED: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** AWS allows VPC (and subnet) prefixes from /16 to /28. */
export const MIN_VPC_PREFIX = 16;
/** Smallest VPC or subnet AWS allows. */
export const MAX_SUBNET_PREFIX = 28;

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,23}$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_ZONE_NAME_LENGTH = 253;

/** Every key of {@link NetworkProps}: anything else (a typo from untyped code) is rejected. */
export const NETWORK_PROP_KEYS: readonly string[] = keysOf<NetworkProps>()({
  cidrBlock: true,
  region: true,
  allowUnlistedRegion: true,
  availabilityZones: true,
  azCount: true,
  subnetNewBits: true,
  natGateways: true,
  zoneName: true,
  enableFlowLogs: true,
  flowLogRetentionDays: true,
  flowLogKmsKeyArn: true,
  name: true,
  tags: true,
});

/** {@link NetworkProps} with every default applied, validated. */
export interface NetworkConfig {
  readonly name: string;
  readonly cidrBlock: string;
  /** The parsed block, or `undefined` when `cidrBlock` is an unresolved token. */
  readonly literalCidr: Ipv4Cidr | undefined;
  /** Undefined only when every zone is a token (no region was needed to name or check them). */
  readonly region: string | undefined;
  readonly availabilityZones: readonly string[];
  readonly subnetNewBits: number;
  readonly natGateways: NatGateways;
  readonly zoneName: string;
  readonly enableFlowLogs: boolean;
  readonly flowLogRetentionDays: number;
  readonly flowLogKmsKeyArn: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Applies defaults and validates every prop, throwing on the first problem, before any resource
 * exists. Literal checks are skipped for unresolved tokens.
 */
export function resolveNetworkConfig(
  id: string,
  props: NetworkProps,
  providerRegion: string | undefined,
): NetworkConfig {
  const fail = failFor(`Network '${id}'`);
  checkKnownKeys(fail, "", props, NETWORK_PROP_KEYS);

  const name = props.name ?? id;
  if (!Token.isUnresolved(name) && !NAME_PATTERN.test(name)) {
    fail(
      "name",
      name,
      "be 1 to 24 letters, digits or hyphens, starting with a letter or digit",
      props.name === undefined
        ? "pass `name` or use a short kebab-case construct id"
        : "shorten or rename it",
    );
  }
  const tags = props.tags ?? {};
  // A token map (a Terraform variable) is merged with each Name at plan time (see tags.ts).
  if (!Token.isUnresolved(tags) && "Name" in tags) {
    fail("tags", tags, "not set Name (each resource gets its own Name tag)", "set the `name` prop instead");
  }

  const region = resolveRegion(props, providerRegion, fail);
  if (region !== undefined && !Token.isUnresolved(region) && !REGION_PATTERN.test(region)) {
    fail("region", region, "be an AWS region name like eu-west-2", "fix the region name");
  }
  const allowUnlistedRegion = props.allowUnlistedRegion ?? false;
  requireLiteral(
    fail,
    "allowUnlistedRegion",
    allowUnlistedRegion,
    "whether region is checked against AWS_REGIONS",
  );
  if (
    region !== undefined &&
    !Token.isUnresolved(region) &&
    !allowUnlistedRegion &&
    !isListedRegion(region)
  ) {
    const near = nearestName(region, AWS_REGIONS);
    fail(
      "region",
      region,
      "be a region AWS lists (AWS_REGIONS)",
      `${near ? `did you mean ${near}? ` : "check the name; "}for a region newer than the table, set allowUnlistedRegion: true`,
    );
  }
  const availabilityZones = resolveAvailabilityZones(props, region, fail);

  const cidrBlock = props.cidrBlock ?? DEFAULT_VPC_CIDR;
  const subnetNewBits = props.subnetNewBits ?? DEFAULT_SUBNET_NEW_BITS;
  if (!Token.isUnresolved(subnetNewBits)) checkSubnetNewBits(subnetNewBits, availabilityZones.length, fail);
  const literalCidr = Token.isUnresolved(cidrBlock) ? undefined : checkCidr(cidrBlock, subnetNewBits, fail);

  const natGateways = props.natGateways ?? DEFAULT_NAT_GATEWAYS;
  requireLiteral(
    fail,
    "natGateways",
    natGateways,
    `how many NAT gateways, Elastic IPs and private route tables exist (${NAT_GATEWAY_MODES.join(", ")})`,
  );
  if (!NAT_GATEWAY_MODES.includes(natGateways)) {
    fail("natGateways", natGateways, `be one of ${NAT_GATEWAY_MODES.join(", ")}`, "pick one of them");
  }

  const zoneName = props.zoneName ?? DEFAULT_ZONE_NAME;
  if (!Token.isUnresolved(zoneName)) checkZoneName(zoneName, fail);

  const enableFlowLogs = props.enableFlowLogs ?? true;
  requireLiteral(
    fail,
    "enableFlowLogs",
    enableFlowLogs,
    "whether the flow log, its log group and role exist",
  );
  if (!enableFlowLogs && props.flowLogRetentionDays !== undefined) {
    fail(
      "flowLogRetentionDays",
      props.flowLogRetentionDays,
      "be unset when enableFlowLogs is false",
      "drop one",
    );
  }
  const flowLogRetentionDays = props.flowLogRetentionDays ?? DEFAULT_FLOW_LOG_RETENTION_DAYS;
  if (
    !Token.isUnresolved(flowLogRetentionDays) &&
    !FLOW_LOG_RETENTION_DAYS_ALLOWED.includes(flowLogRetentionDays)
  ) {
    fail(
      "flowLogRetentionDays",
      flowLogRetentionDays,
      `be a CloudWatch Logs retention (${FLOW_LOG_RETENTION_DAYS_ALLOWED.join(", ")})`,
      "pick the nearest allowed value",
    );
  }

  const flowLogKmsKeyArn = props.flowLogKmsKeyArn;
  if (flowLogKmsKeyArn !== undefined) {
    if (!enableFlowLogs) {
      fail("flowLogKmsKeyArn", flowLogKmsKeyArn, "be unset when enableFlowLogs is false", "drop one");
    }
    if (!Token.isUnresolved(flowLogKmsKeyArn) && !AWS_ARN_PATTERNS.kmsKey.test(flowLogKmsKeyArn)) {
      fail(
        "flowLogKmsKeyArn",
        flowLogKmsKeyArn,
        "be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>)",
        "pass the key's ARN, not its id or alias",
      );
    }
  }

  return {
    name,
    cidrBlock,
    literalCidr,
    region,
    availabilityZones,
    subnetNewBits,
    natGateways,
    zoneName,
    enableFlowLogs,
    flowLogRetentionDays,
    flowLogKmsKeyArn,
    tags,
  };
}

/**
 * Refuses an unresolved token (e.g. a Terraform variable) for a prop that shapes the construct
 * tree at synth time, where a token would be silently read as the wrong value.
 */
function requireLiteral(fail: Fail, field: string, value: unknown, decides: string): void {
  if (Token.isUnresolved(value)) {
    fail(
      field,
      value,
      `be a literal, not a token: it decides at synth time ${decides}`,
      "pass a literal value (a generated Terraform module fixes it per module)",
    );
  }
}

function checkSubnetNewBits(subnetNewBits: number, azCount: number, fail: Fail): void {
  const maxNewBits = MAX_SUBNET_PREFIX - MIN_VPC_PREFIX;
  if (!Number.isInteger(subnetNewBits) || subnetNewBits < 1 || subnetNewBits > maxNewBits) {
    fail(
      "subnetNewBits",
      subnetNewBits,
      `be an integer from 1 to ${maxNewBits}`,
      "e.g. 4 for /20 subnets in a /16",
    );
  }
  // Public subnets use netnums 0..7 and private ones 8.., so both families can grow to MAX_AZS.
  const netnumsNeeded = MAX_AZS + azCount;
  if (2 ** subnetNewBits < netnumsNeeded) {
    fail(
      "subnetNewBits",
      subnetNewBits,
      `give at least ${netnumsNeeded} subnets (public netnums 0-${MAX_AZS - 1}, private from ${MAX_AZS})`,
      "use 4 or more",
    );
  }
}

/**
 * The network's region: `region` when given (it must agree with a literal region of the stack's
 * AWS provider), else the provider's, else the region of the literal `availabilityZones`; none is
 * needed only when every zone is a token (the zones are not checked then). Never a silent default.
 */
function resolveRegion(
  props: NetworkProps,
  providerRegion: string | undefined,
  fail: Fail,
): string | undefined {
  const literalProvider =
    providerRegion !== undefined && !Token.isUnresolved(providerRegion) ? providerRegion : undefined;
  if (props.region !== undefined) {
    if (
      literalProvider !== undefined &&
      !Token.isUnresolved(props.region) &&
      props.region !== literalProvider
    ) {
      fail(
        "region",
        props.region,
        `agree with the region of the stack's AWS provider (${JSON.stringify(literalProvider)}): the provider decides where the subnets go`,
        "drop region, or configure the provider with the same one",
      );
    }
    return props.region;
  }
  if (providerRegion !== undefined) return providerRegion;
  const zones = props.availabilityZones;
  const literalZones = Array.isArray(zones) ? zones.filter((az) => !Token.isUnresolved(az)) : [];
  if (literalZones.length > 0) return literalZones[0]!.replace(/[a-z]$/, "");
  if (Array.isArray(zones) && zones.length > 0) return undefined;
  return fail(
    "region",
    props.region,
    "be given when the stack's AWS provider sets no region: it names the availability zones",
    'pass region (e.g. "eu-west-2"), configure the stack\'s AwsProvider with one, or list availabilityZones',
  );
}

function resolveAvailabilityZones(
  props: NetworkProps,
  region: string | undefined,
  fail: Fail,
): readonly string[] {
  const literalRegion = region !== undefined && !Token.isUnresolved(region);
  const max = literalRegion ? maxAzCount(region) : MAX_AZS;
  const zonesOf = literalRegion && isKnownRegion(region) ? ` (${region} has ${max} known zones)` : "";
  const { azCount, availabilityZones } = props;
  requireLiteral(fail, "azCount", azCount, "how many subnets, NAT gateways and route tables exist");
  requireLiteral(
    fail,
    "availabilityZones",
    availabilityZones,
    "how many subnets exist (list the zones literally; each zone name may be a token)",
  );
  if (azCount !== undefined && (!Number.isInteger(azCount) || azCount < 1 || azCount > max)) {
    fail(
      "azCount",
      azCount,
      `be an integer from 1 to ${max}${zonesOf}`,
      "choose fewer zones or another region",
    );
  }
  if (availabilityZones === undefined) {
    // resolveRegion fails without a region when no zones are given.
    return defaultAvailabilityZones(region!, azCount ?? DEFAULT_AZ_COUNT);
  }
  if (azCount !== undefined && azCount !== availabilityZones.length) {
    fail("azCount", azCount, `equal the ${availabilityZones.length} availabilityZones given`, "drop azCount");
  }
  if (availabilityZones.length < 1 || availabilityZones.length > max) {
    fail("availabilityZones", availabilityZones, `list 1 to ${max} zones${zonesOf}`, "list fewer zones");
  }
  const seen = new Set<string>();
  for (const az of availabilityZones) {
    if (literalRegion && !Token.isUnresolved(az)) {
      const letters = azLetters(region);
      if (!az.startsWith(region) || !letters.includes(az.slice(region.length))) {
        const expected = isKnownRegion(region) ? letters.map((l) => region + l).join(", ") : `${region}[a-z]`;
        fail(
          "availabilityZones",
          az,
          `be a zone of ${region} (${expected})`,
          "fix the zone name or the region",
        );
      }
    }
    if (seen.has(az)) fail("availabilityZones", az, "be listed once", "remove the duplicate");
    seen.add(az);
  }
  return [...availabilityZones];
}

function checkCidr(cidrBlock: string, subnetNewBits: number, fail: Fail): Ipv4Cidr {
  const problem = cidrProblem(cidrBlock);
  if (problem) fail("cidrBlock", cidrBlock, problem, `e.g. ${DEFAULT_VPC_CIDR}`);
  const cidr = parseCidr(cidrBlock);
  if (cidr.prefix < MIN_VPC_PREFIX || cidr.prefix > MAX_SUBNET_PREFIX) {
    fail(
      "cidrBlock",
      cidrBlock,
      `have a prefix from /${MIN_VPC_PREFIX} to /${MAX_SUBNET_PREFIX} (AWS's VPC range)`,
      "use e.g. a /16",
    );
  }
  const subnetPrefix = cidr.prefix + subnetNewBits;
  if (!Token.isUnresolved(subnetNewBits) && subnetPrefix > MAX_SUBNET_PREFIX) {
    fail(
      "cidrBlock",
      cidrBlock,
      `be large enough for /${subnetPrefix} subnets (subnetNewBits ${subnetNewBits}; AWS's smallest is /${MAX_SUBNET_PREFIX})`,
      "use a larger block or a smaller subnetNewBits",
    );
  }
  return cidr;
}

export function checkZoneName(zoneName: string, fail: Fail): void {
  if (zoneName.endsWith(".")) {
    fail("zoneName", zoneName, "not end with a dot", `write ${zoneName.replace(/\.+$/, "")}`);
  }
  const labels = zoneName.split(".");
  const valid =
    zoneName.length <= MAX_ZONE_NAME_LENGTH &&
    labels.length >= 2 &&
    labels.every((label) => DNS_LABEL.test(label));
  if (!valid) {
    fail(
      "zoneName",
      zoneName,
      "be at least two lower-case DNS labels (a-z, 0-9 and inner hyphens, 1-63 characters each, 253 in all)",
      `e.g. ${DEFAULT_ZONE_NAME}`,
    );
  }
}
