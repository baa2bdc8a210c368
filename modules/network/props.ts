/** Default VPC CIDR block. */
export const DEFAULT_VPC_CIDR = "172.24.0.0/16";

/** Default number of availability zones. */
export const DEFAULT_AZ_COUNT = 2;

/** Default bits added to the VPC prefix for each subnet (a /16 VPC gets /20 subnets). */
export const DEFAULT_SUBNET_NEW_BITS = 4;

/** Default NAT gateway layout. */
export const DEFAULT_NAT_GATEWAYS: NatGateways = "per-az";

/** Default name of the private Route 53 zone. */
export const DEFAULT_ZONE_NAME = "myorg.local";

/** Default retention of the VPC flow log group, in days (a year: what audits usually ask, and checkov CKV_AWS_338). */
export const DEFAULT_FLOW_LOG_RETENTION_DAYS = 365;

/**
 * How private subnets reach the internet.
 * - `per-az`: one NAT gateway (and Elastic IP) per AZ; each AZ's private subnet routes to its own.
 * - `single`: one NAT gateway in the first AZ, shared by every private subnet (cheaper, one AZ of failure).
 * - `none`: no NAT gateway; private subnets have no default route.
 */
export type NatGateways = "per-az" | "single" | "none";

/** Every value of {@link NatGateways}, for run-time validation of untyped callers. */
export const NAT_GATEWAY_MODES: readonly NatGateways[] = ["per-az", "single", "none"];

/** Props of {@link Network}. */
export interface NetworkProps {
  /**
   * IPv4 CIDR block of the VPC, a /16 to /28 with no host bits set. May be an unresolved token
   * (e.g. a Terraform variable); literal checks are then skipped and subnets use `cidrsubnet()`.
   * @default DEFAULT_VPC_CIDR ("172.24.0.0/16")
   */
  readonly cidrBlock?: string;

  /**
   * Region the network is deployed to. Used only to derive and validate AZ names: the stack's
   * provider decides where resources really go, and the two must agree (a literal region of the
   * stack's default AWS provider that differs is rejected).
   * @default - the region of the stack's AWS provider, else that of the literal `availabilityZones`; without either it must be given
   */
  readonly region?: string;

  /**
   * Accept a literal `region` that {@link AWS_REGIONS} does not list: set it for a region newer
   * than the module's table. Without it an unlisted region (a typo such as `eu-west-7`) is
   * rejected, naming the nearest listed one. The shape check (`eu-west-2`, `us-gov-west-1`) applies
   * either way.
   * @default false
   */
  readonly allowUnlistedRegion?: boolean;

  /**
   * Availability zone names, e.g. `["eu-west-2a", "eu-west-2c"]`. Each must be `<region><letter>`
   * and known for the region. Subnet numbers follow this order.
   * @default - the first `azCount` zones of the region (`<region>a`, `<region>b`, ...)
   */
  readonly availabilityZones?: string[];

  /**
   * Number of availability zones (1 to the zones known for the region, at most 8). When
   * `availabilityZones` is given too, both must agree.
   * @default DEFAULT_AZ_COUNT (2), or the length of `availabilityZones`
   */
  readonly azCount?: number;

  /**
   * Bits added to the VPC prefix for each subnet: 4 turns a /16 into /20 subnets. Public subnet `i`
   * is netnum `i` and private subnet `i` is netnum `8 + i`, so it must leave room for 16 subnets.
   * @default DEFAULT_SUBNET_NEW_BITS (4)
   */
  readonly subnetNewBits?: number;

  /**
   * NAT gateway layout for the private subnets' internet access.
   * @default DEFAULT_NAT_GATEWAYS ("per-az")
   */
  readonly natGateways?: NatGateways;

  /**
   * Name of the private Route 53 zone associated with the VPC. Lower-case RFC 1035 labels, at
   * least two, no trailing dot. A `.local` zone needs {@link Network.hostDnsUserData} on hosts.
   * @default DEFAULT_ZONE_NAME ("myorg.local")
   */
  readonly zoneName?: string;

  /**
   * Whether to send VPC flow logs (all traffic) to a CloudWatch log group.
   * @default true
   */
  readonly enableFlowLogs?: boolean;

  /**
   * Retention of the flow log group: a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90,
   * 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). Setting it while
   * `enableFlowLogs` is false is rejected as a contradiction.
   * @default DEFAULT_FLOW_LOG_RETENTION_DAYS (365)
   */
  readonly flowLogRetentionDays?: number;

  /**
   * ARN of a customer-managed KMS key that encrypts the flow log group. Its key policy must let
   * `logs.<region>.amazonaws.com` use it. Setting it while `enableFlowLogs` is false is rejected.
   * @default - CloudWatch Logs' own encryption at rest (no customer-managed key)
   */
  readonly flowLogKmsKeyArn?: string;

  /**
   * Prefix of Name tags (`<name>-vpc`, `<name>-public-eu-west-2a`, ...), the flow log group name
   * (`/vpc/<name>/flow-logs`) and the flow log role name prefix: 1 to 24 letters, digits and hyphens,
   * starting with a letter or digit.
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Tags added to every taggable resource, next to its Name tag (so `Name` itself is rejected).
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}
