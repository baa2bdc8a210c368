/** terraform-aws-network: the Network construct with its inputs as Terraform variables. */
import { MAX_AZS, Network, NetworkProps } from "../../../modules/network";
import { ModuleSpec } from "../spec";
import { optionalArnCondition } from "./shared";

/** Zones the generated module spans: subnets, NAT gateways and route tables exist per zone. */
export const NETWORK_MODULE_AZ_COUNT = 2;

/** Subnet netnums the construct needs: public 0..MAX_AZS-1, private from MAX_AZS. */
const NETNUMS_NEEDED = MAX_AZS + NETWORK_MODULE_AZ_COUNT;

/** The prefix length of a CIDR block, in HCL (fails on a malformed block: wrap it in try()). */
const PREFIX = 'tonumber(split("/", var.cidr_block)[1])';

export const networkSpec: ModuleSpec<NetworkProps, Network> = {
  module: "network",
  constructClass: "Network",
  summary:
    `A VPC over ${NETWORK_MODULE_AZ_COUNT} availability zones with a public and a private subnet per zone, ` +
    "an internet gateway, a NAT gateway per zone, a private Route 53 zone, VPC flow logs and a " +
    "closed default security group.",
  props: {
    name: {
      as: "variable",
      required: true,
      description:
        "Prefix of Name tags, the flow log group name and the flow log role name: 1 to 24 letters, " +
        "digits and hyphens, starting with a letter or digit.",
      rules: [
        {
          condition: 'can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,23}$", var.name))',
          errorMessage:
            "name (${var.name}) must be 1 to 24 letters, digits or hyphens, starting with a letter or digit; shorten or rename it.",
          rejects: [{ name: "-dev" }, { name: "a-name-far-longer-than-24-chars" }],
          synth: "same",
        },
      ],
    },
    cidrBlock: {
      as: "variable",
      description: "IPv4 CIDR block of the VPC, a /16 to /28 with no host bits set.",
      rules: [
        {
          condition:
            'can(regex("^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+/[0-9]+$", var.cidr_block)) && can(cidrhost(var.cidr_block, 0))',
          errorMessage:
            "cidr_block (${var.cidr_block}) must be an IPv4 CIDR block a.b.c.d/n; e.g. 172.24.0.0/16.",
          rejects: [{ cidr_block: "172.24.0.0" }, { cidr_block: "172.24.300.0/16" }],
          synth: "same",
        },
        {
          condition: "try(cidrsubnet(var.cidr_block, 0, 0) == var.cidr_block, true)",
          errorMessage:
            'cidr_block (${var.cidr_block}) must have no host bits set; use the network address ${try(cidrsubnet(var.cidr_block, 0, 0), "")}.',
          rejects: [{ cidr_block: "172.24.1.0/16" }],
          synth: "same",
        },
        {
          condition: `try(${PREFIX} >= 16 && ${PREFIX} <= 28, true)`,
          errorMessage:
            "cidr_block (${var.cidr_block}) must have a prefix from /16 to /28 (AWS's VPC range); use e.g. a /16.",
          rejects: [{ cidr_block: "10.0.0.0/8" }],
          synth: "same",
        },
        {
          condition: `try(${PREFIX} + var.subnet_new_bits <= 28, true)`,
          errorMessage:
            "cidr_block (${var.cidr_block}) must be large enough for subnets ${var.subnet_new_bits} bits longer (AWS's smallest subnet is a /28); use a larger block or a smaller subnet_new_bits.",
          rejects: [{ cidr_block: "10.0.0.0/26" }],
          synth: "same",
        },
      ],
    },
    region: {
      as: "fixed",
      reason:
        "The construct uses it only to derive and check zone names; this module takes availability_zones " +
        "instead, and the provider decides the region.",
    },
    allowUnlistedRegion: {
      as: "fixed",
      reason:
        "It only lets the construct accept a region its table does not list; this module has no region " +
        "(the provider decides it).",
    },
    availabilityZones: {
      as: "variable",
      default: ["eu-west-2a", "eu-west-2b"],
      fixedLength: NETWORK_MODULE_AZ_COUNT,
      description:
        `Exactly ${NETWORK_MODULE_AZ_COUNT} availability zone names of the provider's region, e.g. ` +
        '`["eu-west-2a", "eu-west-2c"]`. Subnet numbers follow this order.',
      rules: [
        {
          condition: `length(var.availability_zones) == ${NETWORK_MODULE_AZ_COUNT}`,
          errorMessage:
            `availability_zones (\${jsonencode(var.availability_zones)}) must list exactly ${NETWORK_MODULE_AZ_COUNT} ` +
            `zones (the module's subnets, NAT gateways and route tables are generated per zone); list ${NETWORK_MODULE_AZ_COUNT}.`,
          rejects: [{ availability_zones: ["eu-west-2a", "eu-west-2b", "eu-west-2c"] }],
          synth: {
            hclOnly: "the construct takes 1 to 8 zones; the generated module is built for a fixed count",
          },
        },
        {
          condition:
            'alltrue([for az in var.availability_zones : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$", az))])',
          errorMessage:
            "availability_zones (${jsonencode(var.availability_zones)}) must be zone names like eu-west-2a; fix the names.",
          rejects: [{ availability_zones: ["eu-west-2", "eu-west-2b"] }],
          synth: "same",
        },
        {
          condition: "length(distinct(var.availability_zones)) == length(var.availability_zones)",
          errorMessage:
            "availability_zones (${jsonencode(var.availability_zones)}) must list each zone once; remove the duplicate.",
          rejects: [{ availability_zones: ["eu-west-2a", "eu-west-2a"] }],
          synth: "same",
        },
      ],
    },
    azCount: {
      as: "fixed",
      reason:
        `Decides at synth time how many subnets, NAT gateways and route tables exist: ${NETWORK_MODULE_AZ_COUNT}, ` +
        "the length of availability_zones.",
    },
    subnetNewBits: {
      as: "variable",
      rules: [
        {
          condition:
            "var.subnet_new_bits == floor(var.subnet_new_bits) && var.subnet_new_bits >= 1 && var.subnet_new_bits <= 12",
          errorMessage:
            "subnet_new_bits (${var.subnet_new_bits}) must be an integer from 1 to 12; e.g. 4 for /20 subnets in a /16.",
          rejects: [{ subnet_new_bits: 4.5 }],
          synth: "same",
        },
        {
          condition: `pow(2, var.subnet_new_bits) >= ${NETNUMS_NEEDED}`,
          errorMessage: `subnet_new_bits (\${var.subnet_new_bits}) must give at least ${NETNUMS_NEEDED} subnets (public netnums 0-${MAX_AZS - 1}, private from ${MAX_AZS}); use 4 or more.`,
          rejects: [{ subnet_new_bits: 3 }],
          synth: "same",
        },
      ],
    },
    natGateways: {
      as: "fixed",
      reason:
        "Decides at synth time how many NAT gateways, Elastic IPs and private route tables exist; this " +
        'module has one NAT gateway per zone (the construct\'s default, "per-az").',
    },
    zoneName: {
      as: "variable",
      description:
        "Name of the private Route 53 zone associated with the VPC: lower-case RFC 1035 labels, at least " +
        "two, no trailing dot. A `.local` zone needs the host_dns_user_data output in the instances' user data.",
      rules: [
        {
          condition: '!endswith(var.zone_name, ".")',
          errorMessage: "zone_name (${var.zone_name}) must not end with a dot; write it without the dot.",
          rejects: [{ zone_name: "myorg.local." }],
          synth: "same",
        },
        {
          condition:
            'length(var.zone_name) <= 253 && length(split(".", var.zone_name)) >= 2 && alltrue([for label in split(".", var.zone_name) : can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", label))])',
          errorMessage:
            "zone_name (${var.zone_name}) must be at least two lower-case DNS labels (a-z, 0-9 and inner hyphens, 1-63 characters each, 253 in all); e.g. myorg.local.",
          rejects: [{ zone_name: "MyOrg.local" }, { zone_name: "local" }],
          synth: "same",
        },
      ],
    },
    enableFlowLogs: {
      as: "fixed",
      reason:
        "Decides at synth time whether the flow log, its log group and its role exist; this module always " +
        "has them (the construct's default).",
    },
    flowLogRetentionDays: {
      as: "variable",
      description:
        "Retention of the flow log group, in days: a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, " +
        "90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).",
      rules: [
        {
          condition:
            "contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)",
          errorMessage:
            "flow_log_retention_days (${var.flow_log_retention_days}) must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653); pick the nearest allowed value.",
          rejects: [{ flow_log_retention_days: 10 }],
          synth: "same",
        },
      ],
    },
    flowLogKmsKeyArn: {
      as: "variable",
      default: null,
      description:
        "ARN of a customer-managed KMS key that encrypts the flow log group; its key policy must let " +
        "`logs.<region>.amazonaws.com` use it. null: CloudWatch Logs' own encryption at rest.",
      rules: [
        {
          condition: optionalArnCondition("flow_log_kms_key_arn", "kmsKey"),
          errorMessage:
            'flow_log_kms_key_arn (${coalesce(var.flow_log_kms_key_arn, "null")}) must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>); pass the key\'s ARN, not its id or alias.',
          rejects: [{ flow_log_kms_key_arn: "alias/flow-logs" }],
          synth: "same",
        },
      ],
    },
    tags: {
      as: "variable",
      default: {},
      description:
        "Tags added to every taggable resource, next to its Name tag (so `Name` itself is rejected).",
      rules: [
        {
          condition: '!contains(keys(var.tags), "Name")',
          errorMessage:
            "tags (${jsonencode(var.tags)}) must not set Name (each resource gets its own Name tag); set name instead.",
          rejects: [{ tags: { Name: "mine" } }],
          synth: "same",
        },
      ],
    },
  },
  create: (scope, props) => new Network(scope, "network", props),
  skipAttributes: {},
  outputDescriptions: {
    vpcCidrBlock: "CIDR block of the VPC.",
    publicSubnetIds: "Ids of the public subnets, in availability_zones order.",
    privateSubnetIds: "Ids of the private subnets, in availability_zones order.",
    privateRouteTableIds: "Ids of the private route tables, one per zone.",
    zoneId: "Id of the private Route 53 zone.",
    zoneName: "Name of the private Route 53 zone, e.g. `myorg.local`.",
    natPublicIps: "Public IPs of the NAT gateways, one per zone.",
    natGateways:
      'The NAT gateway layout, "per-az" in this module: pass it to the ecs-cluster module\'s nat_gateways.',
  },
  extraOutputs: {
    flow_log_group_name: {
      description: "Name of the VPC flow log group.",
      value: (network) => network.flowLogGroup?.name,
    },
    host_dns_user_data: {
      description:
        "Bash for EC2 user data that routes zone_name to the VPC resolver through a systemd-resolved " +
        "drop-in (a `.local` zone needs it: systemd-resolved sends `.local` to multicast DNS).",
      value: (network) => network.hostDnsUserData(),
    },
  },
  example: { name: "dev" },
};
