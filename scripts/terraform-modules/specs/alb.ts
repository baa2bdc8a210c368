/**
 * terraform-aws-alb: the LoadBalancer construct (modules/load-balanced-service) with its inputs as
 * Terraform variables. The load balancer is its own module because several services share it: an
 * HCL user calls this module once and the ecs-service module once per service, passing this one's
 * outputs (cdktf users pass the LoadBalancer construct to each LoadBalancedService the same way).
 */
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { EcsCluster } from "../../../modules/ecs-cluster";
import {
  DEFAULT_IDLE_TIMEOUT_SECONDS,
  LoadBalancer,
  LoadBalancerProps,
} from "../../../modules/load-balanced-service";
import { INetwork, Network } from "../../../modules/network";
import { integerRule, ModuleSpec, ModuleSpecError } from "../spec";
import { hclRegex, securityGroupIdVariable, vpcIdVariable } from "./shared";
import { AWS_ARN_PATTERNS, AWS_ID_PATTERNS } from "../../../modules/shared/validation";

/** What LoadBalancer reads of its network, and the adapter variable each comes from. */
const NETWORK_MEMBERS = {
  vpcId: "vpc_id",
  publicSubnetIds: "public_subnet_ids",
  privateSubnetIds: "private_subnet_ids",
} as const;

/** The `network` prop: the network module's outputs as an imported network. */
function networkFromVariables(scope: Construct, vars: Readonly<Record<string, TerraformVariable>>): INetwork {
  return Network.fromAttributes(scope, "network", {
    vpcId: vars[NETWORK_MEMBERS.vpcId].stringValue,
    publicSubnetIds: vars[NETWORK_MEMBERS.publicSubnetIds].listValue,
    privateSubnetIds: vars[NETWORK_MEMBERS.privateSubnetIds].listValue,
  });
}

/**
 * Lets the load balancer reach the cluster's instances (another module's cluster, known here by
 * its instance security group): `allowTrafficTo` adds the ingress rule to that group and the
 * egress rule to the load balancer's. Both had other addresses before the module used
 * `EcsCluster.instancesFromAttributes` (the ingress rule was `cluster-ingress-from-alb`, the egress
 * rule's id came from a stand-in's path): `moved` blocks carry their state over.
 */
function allowTrafficToCluster(
  scope: Construct,
  alb: LoadBalancer,
  vars: Readonly<Record<string, TerraformVariable>>,
  tags: Readonly<Record<string, string>> | undefined,
): void {
  const instances = EcsCluster.instancesFromAttributes(scope, "cluster", {
    securityGroupId: vars.cluster_security_group_id.stringValue,
    tags,
  });
  alb.allowTrafficTo(instances);
  const only = <T>(rules: T[], what: string): T => {
    if (rules.length !== 1) {
      throw new ModuleSpecError(
        `terraform-aws-alb: expected one ${what} rule to the cluster, got ${rules.length}`,
      );
    }
    return rules[0]!;
  };
  only(
    instances.node.children.filter((c) => c instanceof VpcSecurityGroupIngressRule),
    "ingress",
  ).moveFromId("aws_vpc_security_group_ingress_rule.cluster-ingress-from-alb");
  only(
    alb.node.children.filter((c) => c instanceof VpcSecurityGroupEgressRule),
    "egress",
  ).moveFromId("aws_vpc_security_group_egress_rule.alb_egress-to-cluster_644BAF6B");
}

/** ALB names: RE2 has no look-ahead, so the `internal-` prefix is its own test. */
const NAME_REGEX = "^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$";
const NAME_MESSAGE =
  "name (${var.name}) must be 1 to 32 letters, digits or hyphens, not starting or ending with a hyphen nor starting with internal-; shorten or rename it.";

export const albSpec: ModuleSpec<LoadBalancerProps, LoadBalancer> = {
  module: "load-balanced-service",
  name: "alb",
  constructClass: "LoadBalancer",
  propsInterface: "LoadBalancerProps",
  summary:
    "An Application Load Balancer shared by ECS services (the ecs-service module adds a target group and a " +
    "listener rule per service): HTTPS with a TLS 1.2+/1.3 policy and HTTP redirected to it, unrouted " +
    "requests answered with a JSON 404, invalid header fields dropped, deletion protection; a security group " +
    "with ingress on 80 and 443 from the given blocks only, and egress only to the cluster's instances on the " +
    "dynamic host port range (the cluster's instance security group gets the matching ingress).",
  notes: [
    "One load balancer, many services: call the `ecs-service` module once per service with this module's " +
      "`vpc_id` and `https_listener_arn` outputs, a `rule_priority` unique on this load balancer and the " +
      "paths it routes. The cluster is the `ecs-cluster` module's: its `security_group_id` output goes to " +
      "`cluster_security_group_id` here, and its services' instances then accept this load balancer's traffic.",
  ],
  props: {
    network: {
      as: "adapter",
      from: Object.values(NETWORK_MEMBERS),
      reason:
        "A construct cannot cross a module boundary: the module takes the network's VPC id and subnet ids (the " +
        "network module's outputs) instead; `internal` picks the private subnets, else the public ones.",
    },
    name: {
      as: "variable",
      required: true,
      description:
        "Name of the load balancer: 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen " +
        "nor starting with internal-. Also the prefix of its security group and Name tags.",
      rules: [
        {
          condition: `can(regex("${NAME_REGEX}", var.name))`,
          errorMessage: NAME_MESSAGE,
          rejects: [{ name: "-web" }, { name: "a".repeat(33) }],
          synth: "same",
        },
        {
          condition: '!startswith(var.name, "internal-")',
          errorMessage: NAME_MESSAGE,
          rejects: [{ name: "internal-web" }],
          synth: "same",
        },
      ],
    },
    internal: {
      as: "variable",
      description:
        "An internal load balancer in the private subnets; false: internet-facing in the public subnets. " +
        "Set ingress_cidrs to the clients' blocks (the VPC's for an internal one).",
    },
    ingressCidrs: {
      as: "variable",
      default: ["0.0.0.0/0"],
      description:
        "IPv4 blocks allowed to reach the listeners (80, 443): each distinct, no host bits set. The default " +
        "is the internet; give an internal load balancer the VPC's block.",
      rules: [
        {
          condition: "length(var.ingress_cidrs) > 0",
          errorMessage:
            'ingress_cidrs (${jsonencode(var.ingress_cidrs)}) must list at least one CIDR block; e.g. ["0.0.0.0/0"] for the internet.',
          rejects: [{ ingress_cidrs: [] }],
          synth: "same",
        },
        {
          condition:
            'alltrue([for c in var.ingress_cidrs : can(regex("^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+/[0-9]+$", c)) && can(cidrhost(c, 0))])',
          errorMessage:
            "ingress_cidrs (${jsonencode(var.ingress_cidrs)}) must hold IPv4 CIDR blocks a.b.c.d/n; fix the block, e.g. 203.0.113.0/24.",
          rejects: [{ ingress_cidrs: ["10.0.0.0"] }],
          synth: "same",
        },
        {
          condition: "alltrue([for c in var.ingress_cidrs : try(cidrsubnet(c, 0, 0) == c, true)])",
          errorMessage:
            "ingress_cidrs (${jsonencode(var.ingress_cidrs)}) must have no host bits set; use the network address of each block.",
          rejects: [{ ingress_cidrs: ["10.0.0.1/16"] }],
          synth: "same",
        },
        {
          condition: "length(distinct(var.ingress_cidrs)) == length(var.ingress_cidrs)",
          errorMessage:
            "ingress_cidrs (${jsonencode(var.ingress_cidrs)}) must list each block once; remove the duplicate.",
          rejects: [{ ingress_cidrs: ["10.0.0.0/16", "10.0.0.0/16"] }],
          synth: "same",
        },
      ],
    },
    certificateArn: {
      as: "variable",
      required: true,
      description:
        "ACM certificate (ARN, in the load balancer's region) of the HTTPS listener. The module always serves " +
        "HTTPS and redirects HTTP to it.",
      rules: [
        {
          condition: `can(regex("${hclRegex(AWS_ARN_PATTERNS.acmCertificate)}", var.certificate_arn))`,
          errorMessage:
            "certificate_arn (${var.certificate_arn}) must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>); request or import the certificate in ACM, in the load balancer's region, and pass its ARN.",
          rejects: [{ certificate_arn: "abc-123" }],
          synth: "same",
        },
      ],
    },
    sslPolicy: {
      as: "variable",
      rules: [
        {
          condition: 'can(regex("^ELBSecurityPolicy-[A-Za-z0-9-]+$", var.ssl_policy))',
          errorMessage:
            "ssl_policy (${var.ssl_policy}) must be an ELBSecurityPolicy-… name; e.g. ELBSecurityPolicy-TLS13-1-2-2021-06.",
          rejects: [{ ssl_policy: "TLS13" }],
          synth: "same",
        },
      ],
    },
    redirectHttpToHttps: {
      as: "fixed",
      reason:
        "Decides at synth time the HTTP listener's default action and which listeners services add rules to; " +
        "the module always redirects HTTP to HTTPS (the construct's default with a certificate).",
    },
    deletionProtection: { as: "variable" },
    idleTimeoutSeconds: {
      as: "variable",
      rules: [integerRule("idle_timeout_seconds", 1, 4000, `e.g. ${DEFAULT_IDLE_TIMEOUT_SECONDS}`, [0])],
    },
    enableAccessLogs: {
      as: "fixed",
      reason:
        "Decides at synth time whether the access log bucket (and its policy for the region's log delivery) " +
        "exists; the module writes no access logs.",
    },
    accessLogsRetentionDays: {
      as: "fixed",
      reason: "Only with access logs, which the module does not write.",
    },
    region: {
      as: "fixed",
      reason: "Only with access logs, which the module does not write.",
    },
    webAclArn: {
      as: "fixed",
      reason:
        "Decides at synth time whether the web ACL association exists; associate one with an " +
        "`aws_wafv2_web_acl_association` on this module's `arn` output.",
    },
    tags: {
      as: "variable",
      default: {},
      description:
        "Tags of every resource, merged under each resource's own Name tag (which they must not set). The " +
        "provider's default_tags apply too.",
      rules: [
        {
          condition: '!contains(keys(var.tags), "Name")',
          errorMessage:
            "tags (${jsonencode(var.tags)}) must not set Name (each resource gets its own Name tag); set name instead.",
          rejects: [{ tags: { Name: "x" } }],
          synth: "same",
        },
      ],
    },
  },
  adapterVariables: {
    vpc_id: vpcIdVariable(
      "Id of the VPC of the load balancer and its security group: the network module's vpc_id output.",
    ),
    public_subnet_ids: {
      type: "list(string)",
      description:
        "Subnets of an internet-facing load balancer, in at least two availability zones: the network module's " +
        "public_subnet_ids output.",
      rules: [
        {
          condition: `length(var.public_subnet_ids) >= 2 && alltrue([for id in var.public_subnet_ids : can(regex("${AWS_ID_PATTERNS.subnet.source}", id))])`,
          errorMessage:
            "public_subnet_ids (${jsonencode(var.public_subnet_ids)}) must list subnet ids like subnet-0123456789abcdef0 in at least two availability zones (an ALB needs two); pass the network's public_subnet_ids.",
          rejects: [{ public_subnet_ids: ["subnet-0123456789abcdef0"] }, { public_subnet_ids: ["a", "b"] }],
          synth: { hclOnly: "the construct takes a Network, whose subnet ids are references" },
        },
      ],
    },
    private_subnet_ids: {
      type: "list(string)",
      description:
        "Subnets of an internal load balancer, in at least two availability zones: the network module's " +
        "private_subnet_ids output.",
      rules: [
        {
          condition: `length(var.private_subnet_ids) >= 2 && alltrue([for id in var.private_subnet_ids : can(regex("${AWS_ID_PATTERNS.subnet.source}", id))])`,
          errorMessage:
            "private_subnet_ids (${jsonencode(var.private_subnet_ids)}) must list subnet ids like subnet-0123456789abcdef0 in at least two availability zones (an ALB needs two); pass the network's private_subnet_ids.",
          rejects: [{ private_subnet_ids: [] }],
          synth: { hclOnly: "the construct takes a Network, whose subnet ids are references" },
        },
      ],
    },
    cluster_security_group_id: securityGroupIdVariable({
      name: "cluster_security_group_id",
      description:
        "The instance security group of the ECS cluster whose services this load balancer serves: the " +
        "ecs-cluster module's security_group_id output. It gets ingress from the load balancer on the dynamic " +
        "host port range (bridge-mode tasks), and the load balancer egress to it.",
      source: "the cluster's security_group_id",
      rejects: "apps",
      construct: "an EcsCluster, whose security group id",
    }),
  },
  create: (scope, props, adapter) => {
    const alb = new LoadBalancer(scope, "alb", { ...props, network: networkFromVariables(scope, adapter) });
    allowTrafficToCluster(scope, alb, adapter, props.tags);
    return alb;
  },
  skipAttributes: {
    hasHttpsListener:
      "Always true here (certificate_arn is required); https_listener_arn is the listener itself.",
  },
  outputDescriptions: {
    arn: "ARN of the load balancer.",
    name: "Name of the load balancer.",
    internal: "Whether the load balancer is internal (private subnets).",
    vpcId: "The VPC of the load balancer: the services' target groups go there too (ecs-service's vpc_id).",
    securityGroupId: "Id of the load balancer's security group.",
  },
  extraOutputs: {
    https_listener_arn: {
      description:
        "ARN of the HTTPS listener (443), where services add their rules: the ecs-service module's listener_arn.",
      value: (alb) => alb.httpsListener?.arn,
    },
    http_listener_arn: {
      description: "ARN of the HTTP listener (80), which redirects to HTTPS.",
      value: (alb) => alb.httpListener.arn,
    },
  },
  usage: {
    name: '"web"',
    certificate_arn: "aws_acm_certificate.web.arn",
    vpc_id: "module.network.vpc_id",
    public_subnet_ids: "module.network.public_subnet_ids",
    private_subnet_ids: "module.network.private_subnet_ids",
    cluster_security_group_id: "module.cluster.security_group_id",
  },
  example: {
    name: "web",
    certificate_arn: "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    vpc_id: "vpc-0123456789abcdef0",
    public_subnet_ids: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
    private_subnet_ids: ["subnet-00112233445566778", "subnet-08877665544332211"],
    cluster_security_group_id: "sg-0123456789abcdef0",
  },
};
