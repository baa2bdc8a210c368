/**
 * terraform-aws-static-ip: the StaticIp construct (per AZ an ENI with an Elastic IP, an edge Auto
 * Scaling group whose launch lifecycle hook waits for the attacher Lambda, the HAProxy edge proxy)
 * with its inputs as Terraform variables. Its network, cluster and load balancer are other modules'.
 */
import { Fn, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import { EcsCluster, IEcsCluster } from "../../../modules/ecs-cluster";
import { ILoadBalancer, LoadBalancer } from "../../../modules/load-balanced-service";
import { INetwork, Network } from "../../../modules/network";
import {
  DEFAULT_LAMBDA_LOG_RETENTION_DAYS,
  DEFAULT_RECONCILE_SCHEDULE,
  StaticIp,
  StaticIpProps,
  TLS_PASSTHROUGH_PORT,
} from "../../../modules/static-ip";
import { LOG_RETENTION_DAYS_ALLOWED } from "../../../modules/ecs-cluster";
import { SCHEDULE_EXPRESSION_PATTERN, STATIC_IP_NAME_PATTERN } from "../../../modules/static-ip/validation";
import { INSTANCE_TYPE_PATTERN } from "../../../modules/ecs-cluster/validation";
import { HclValue, ModuleSpec, VariableRule } from "../spec";
import { CLUSTER_ARN_VARIABLE, hclRegex, securityGroupIdVariable, vpcIdVariable } from "./shared";
import { AWS_ID_PATTERNS } from "../../../modules/shared/validation";

/** Zones the generated module has a static IP in (one ENI, edge group and proxy service each). */
export const STATIC_IP_MODULE_AZ_COUNT = 2;

/** The public ports of the generated module: HTTP, and HTTPS passed through to the ALB's listener. */
export const STATIC_IP_MODULE_PROXY_PORTS: readonly number[] = [80, TLS_PASSTHROUGH_PORT];

/** What StaticIp reads of its network, and the adapter variable each comes from. */
const NETWORK_MEMBERS = {
  vpcId: "vpc_id",
  publicSubnetIdsByAz: "public_subnet_ids_by_az",
  privateSubnetIdsByAz: "private_subnet_ids_by_az",
  vpcResolverAddress: "vpc_resolver_address",
} as const;

/** What StaticIp reads of its cluster (and its edge capacities need), by adapter variable. */
const CLUSTER_MEMBERS = {
  clusterName: "cluster_name",
  clusterArn: "cluster_arn",
  serviceClusterName: "service_cluster_name",
  securityGroupId: "cluster_security_group_id",
  instanceProfileArn: "instance_profile_arn",
  hostDnsUserData: "host_dns_user_data",
} as const;

/** What StaticIp reads of its load balancer, by adapter variable. */
const LOAD_BALANCER_MEMBERS = {
  dnsName: "load_balancer_dns_name",
  securityGroupId: "load_balancer_security_group_id",
  internal: "load_balancer_internal",
} as const;

type Vars = Readonly<Record<string, TerraformVariable>>;

/**
 * The `network` prop: the network module's outputs as an imported network. Its subnets come as
 * maps by AZ whose keys are only known at plan time: subnet `i` is Terraform's
 * `lookup(var.<map>, availability_zones[i])` (a missing key fails the plan; the availability_zones
 * rule names it). The host DNS user data goes to the edge instances.
 */
function networkFromVariables(scope: Construct, vars: Vars, availabilityZones: readonly string[]): INetwork {
  const lookups = (variable: TerraformVariable): string[] =>
    availabilityZones.map((az) => Token.asString(Fn.lookup(variable.value, az)));
  return Network.fromAttributes(scope, "network", {
    vpcId: vars[NETWORK_MEMBERS.vpcId].stringValue,
    availabilityZones: [...availabilityZones],
    publicSubnetIds: lookups(vars[NETWORK_MEMBERS.publicSubnetIdsByAz]),
    privateSubnetIds: lookups(vars[NETWORK_MEMBERS.privateSubnetIdsByAz]),
    vpcResolverAddress: vars[NETWORK_MEMBERS.vpcResolverAddress].stringValue,
    hostDnsUserData: vars[CLUSTER_MEMBERS.hostDnsUserData].stringValue,
  });
}

/**
 * The `cluster` prop: the ecs-cluster module's outputs as an imported cluster, with its instance
 * profile, so `addAutoScalingGroupCapacity` builds the edge groups here (under the `cluster` scope,
 * with the cluster module's instance profile and security group). Their capacity providers leave
 * through the `edge_capacity_provider_names` output, which the ecs-cluster module registers
 * (`extra_capacity_provider_names`). The proxy services wait for that registration through
 * `depends_on = [var.service_cluster_name]`, the ecs-cluster module's output read from it.
 */
function clusterFromVariables(scope: Construct, vars: Vars, network: INetwork): IEcsCluster {
  return EcsCluster.fromAttributes(scope, "cluster", {
    clusterName: vars[CLUSTER_MEMBERS.clusterName].stringValue,
    clusterArn: vars[CLUSTER_MEMBERS.clusterArn].stringValue,
    securityGroupId: vars[CLUSTER_MEMBERS.securityGroupId].stringValue,
    instanceProfileArn: vars[CLUSTER_MEMBERS.instanceProfileArn].stringValue,
    network,
    capacityProviderAssociation: vars[CLUSTER_MEMBERS.serviceClusterName],
  });
}

/**
 * The `loadBalancer` prop: the alb module's outputs as an imported load balancer. The alb module
 * always has its HTTPS listener; the internal flag is checked by the variable's rule (the proxy
 * reaches an internal load balancer directly).
 */
function loadBalancerFromVariables(scope: Construct, vars: Vars): ILoadBalancer {
  return LoadBalancer.fromAttributes(scope, "alb", {
    vpcId: vars[NETWORK_MEMBERS.vpcId].stringValue,
    dnsName: vars[LOAD_BALANCER_MEMBERS.dnsName].stringValue,
    securityGroupId: vars[LOAD_BALANCER_MEMBERS.securityGroupId].stringValue,
    internal: true,
    hasHttpsListener: true,
  });
}

/** A rule that every value of a map variable matches `regex`. */
function mapRule(
  variable: string,
  regex: string,
  must: string,
  fix: string,
  rejects: HclValue[],
): VariableRule {
  return {
    condition: `alltrue([for v in values(var.${variable}) : can(regex("${regex}", v))])`,
    errorMessage: `${variable} (\${jsonencode(var.${variable})}) must ${must}; ${fix}.`,
    rejects: rejects.map((value) => ({ [variable]: value })),
    synth: { hclOnly: "the construct takes a Network, whose subnet ids are references" },
  };
}

const RETENTIONS = LOG_RETENTION_DAYS_ALLOWED.join(", ");

export const staticIpSpec: ModuleSpec<StaticIpProps, StaticIp> = {
  module: "static-ip",
  constructClass: "StaticIp",
  summary:
    `Static public IPs in front of an internal load balancer, in ${STATIC_IP_MODULE_AZ_COUNT} availability zones: per zone ` +
    "an ENI in the public subnet holding an Elastic IP (protected from destroy), a one-instance edge Auto Scaling " +
    "group in the ECS cluster whose launch lifecycle hook waits until the attacher Lambda (EventBridge rule, " +
    "retries, dead-letter queue, alarms) has attached the zone's ENI to the new instance, a reconcile schedule, " +
    `and an HAProxy edge proxy on the edge instance forwarding ports ${STATIC_IP_MODULE_PROXY_PORTS.join(" and ")} ` +
    "(TLS passed through) to the load balancer.",
  notes: [
    "Wire it to the other modules: the network module's `vpc_id`, `public_subnet_ids_by_az`, " +
      "`private_subnet_ids_by_az`, `vpc_resolver_address` and `host_dns_user_data` outputs; the ecs-cluster " +
      "module's `cluster_name`, `cluster_arn`, `service_cluster_name`, `security_group_id` and " +
      "`instance_profile_arn`; the alb module's `dns_name`, `security_group_id` and `internal` (it must be an " +
      "internal load balancer, `internal = true`). Then hand this module's `edge_capacity_provider_names` " +
      "output back to the ecs-cluster module's `extra_capacity_provider_names`: ECS has one capacity provider " +
      "association per cluster, and the edge groups' providers must be in it before the proxy services start. " +
      "Terraform resolves the two-way wiring resource by resource; there is no cycle.",
    "The Lambda's code ships in the module as `attacher-code.zip` (built from src/static-ip-attacher).",
    "The Elastic IPs have `prevent_destroy`: `terraform destroy` stops at them. Releasing an address loses it " +
      "for good; to do it anyway, remove them from the state (`terraform state rm`) and release them in EC2.",
  ],
  props: {
    network: {
      as: "adapter",
      from: Object.values(NETWORK_MEMBERS),
      reason:
        "A construct cannot cross a module boundary: the module takes the network module's VPC id, subnet ids by " +
        "zone and resolver address instead.",
    },
    cluster: {
      as: "adapter",
      from: Object.values(CLUSTER_MEMBERS),
      reason:
        "A construct cannot cross a module boundary: the module takes the ecs-cluster module's name, ARN, " +
        "security group and instance profile, and builds the edge groups with them.",
    },
    loadBalancer: {
      as: "adapter",
      from: Object.values(LOAD_BALANCER_MEMBERS),
      reason:
        "A construct cannot cross a module boundary: the module takes the alb module's DNS name and security group.",
    },
    addresses: {
      as: "fixed",
      reason:
        "The module creates its own addresses (ENIs and Elastic IPs); keep the module call as long as you need them.",
    },
    availabilityZones: {
      as: "variable",
      required: true,
      fixedLength: STATIC_IP_MODULE_AZ_COUNT,
      description:
        `Exactly ${STATIC_IP_MODULE_AZ_COUNT} availability zones that get a static IP, each a key of ` +
        "public_subnet_ids_by_az and private_subnet_ids_by_az: the network module's availability_zones output.",
      rules: [
        {
          condition: `length(var.availability_zones) == ${STATIC_IP_MODULE_AZ_COUNT}`,
          errorMessage:
            `availability_zones (\${jsonencode(var.availability_zones)}) must list exactly ${STATIC_IP_MODULE_AZ_COUNT} ` +
            `zones (the module's ENIs, edge groups and proxy services are generated per zone); list ${STATIC_IP_MODULE_AZ_COUNT}.`,
          rejects: [{ availability_zones: ["eu-west-2a"] }],
          synth: {
            hclOnly:
              "the construct takes any number of zones; the generated module is built for a fixed count",
          },
        },
        {
          condition: "length(distinct(var.availability_zones)) == length(var.availability_zones)",
          errorMessage:
            "availability_zones (${jsonencode(var.availability_zones)}) must list each zone once; remove the duplicate.",
          rejects: [{ availability_zones: ["eu-west-2a", "eu-west-2a"] }],
          synth: "same",
        },
        {
          condition:
            "alltrue([for az in var.availability_zones : contains(keys(var.public_subnet_ids_by_az), az) && contains(keys(var.private_subnet_ids_by_az), az)])",
          errorMessage:
            "availability_zones (${jsonencode(var.availability_zones)}) must be zones of the network (${jsonencode(keys(var.public_subnet_ids_by_az))}); pass the network module's availability_zones.",
          rejects: [{ availability_zones: ["eu-west-2a", "eu-west-2c"] }],
          synth: {
            hclOnly:
              "the construct checks the zones against a Network's own; here the network is the subnet maps",
          },
        },
      ],
    },
    proxyPorts: {
      as: "fixed",
      value: [...STATIC_IP_MODULE_PROXY_PORTS],
      reason:
        "Decides at synth time the security group rules and the HAProxy listeners: 80 (to the load balancer's HTTP " +
        "listener) and 443 (TLS passed through to its HTTPS listener, which the alb module always has).",
    },
    allowEipDestroy: {
      as: "fixed",
      reason:
        "Terraform's `prevent_destroy` takes no variables: the Elastic IPs are protected (see the note on releasing them).",
    },
    heartbeatTimeoutSeconds: {
      as: "fixed",
      reason:
        "The Lambda's timeout and the events' maximum ages are computed from it at synth time; the module uses " +
        "the construct's default, 300 seconds.",
    },
    instanceType: {
      as: "variable",
      default: "t3.small",
      description: "EC2 instance type of the edge instances (one per zone; HAProxy needs little).",
      rules: [
        {
          condition: `can(regex("${hclRegex(INSTANCE_TYPE_PATTERN)}", var.instance_type))`,
          errorMessage:
            "instance_type (${var.instance_type}) must be an EC2 instance type like t3.small; fix the type name.",
          rejects: [{ instance_type: "small" }],
          synth: "same",
        },
      ],
    },
    amiId: {
      as: "fixed",
      reason:
        "The edge instances run the ECS-optimized Amazon Linux 2023 AMI from its public SSM parameter, like the " +
        "cluster's own capacity.",
    },
    name: {
      as: "variable",
      required: true,
      description:
        "Base name of the Lambda function (and its log group `/aws/lambda/<name>`), the dead-letter queue " +
        "(`<name>-dlq`), the EventBridge rules, the role, the alarms, the proxy services and the addresses' tags: " +
        "1 to 54 letters, digits, hyphens and underscores (60 by its pattern, 54 so that `<name>-reconcile` fits " +
        "an EventBridge rule name's 64).",
      rules: [
        {
          condition: `can(regex("${hclRegex(STATIC_IP_NAME_PATTERN)}", var.name))`,
          errorMessage:
            "name (${var.name}) must be 1 to 60 letters, digits, hyphens and underscores; e.g. prod-static-ip.",
          rejects: [{ name: "my static ip" }, { name: "n".repeat(61) }],
          synth: "same",
        },
        {
          condition: "length(var.name) <= 54",
          errorMessage:
            "name (${var.name}) must keep the EventBridge rule name <name>-reconcile within AWS's limit of 64; shorten name to at most 54 characters.",
          rejects: [{ name: "n".repeat(55) }],
          synth: "same",
        },
      ],
    },
    lambdaLogRetentionDays: {
      as: "variable",
      default: DEFAULT_LAMBDA_LOG_RETENTION_DAYS,
      rules: [
        {
          condition: `contains([${RETENTIONS}], var.lambda_log_retention_days)`,
          errorMessage: `lambda_log_retention_days (\${var.lambda_log_retention_days}) must be a CloudWatch Logs retention (${RETENTIONS}); pick the nearest allowed value.`,
          rejects: [{ lambda_log_retention_days: 10 }],
          synth: "same",
        },
      ],
    },
    reconcileSchedule: {
      as: "variable",
      default: DEFAULT_RECONCILE_SCHEDULE,
      rules: [
        {
          condition: `can(regex("${hclRegex(SCHEDULE_EXPRESSION_PATTERN)}", var.reconcile_schedule))`,
          errorMessage:
            "reconcile_schedule (${var.reconcile_schedule}) must be an EventBridge schedule expression, rate(…) or cron(…); e.g. rate(5 minutes) or cron(0/10 * * * ? *).",
          rejects: [{ reconcile_schedule: "every 5 minutes" }],
          synth: "same",
        },
      ],
    },
    proxy: {
      as: "fixed",
      reason:
        "An object of the proxy's image and resources; the module uses its defaults (HAProxy 2.6.18, 128 CPU " +
        "units, 64 to 256 MiB, health port 8404, logs kept 365 days).",
    },
    stopped: {
      as: "fixed",
      reason:
        "Decides at synth time the edge groups' sizes and the proxy services' counts; the module runs one edge " +
        "instance and one proxy per zone. Scale to zero with the construct (cdktf), not this module.",
    },
    alarms: {
      as: "fixed",
      reason: "Decides at synth time whether the two alarms exist; this module always has them.",
    },
    alarmActions: {
      as: "variable",
      default: [],
      description:
        "Actions (e.g. SNS topic ARNs) of the two alarms, Lambda errors and messages in the dead-letter queue. " +
        "[]: the alarms only change state.",
      rules: [
        {
          condition: 'alltrue([for a in var.alarm_actions : can(regex("^arn:", a))])',
          errorMessage:
            "alarm_actions (${jsonencode(var.alarm_actions)}) must be ARNs (e.g. of SNS topics); pass each action's ARN.",
          rejects: [{ alarm_actions: ["my-topic"] }],
          synth: { hclOnly: "the construct passes alarm actions to CloudWatch as given" },
        },
      ],
    },
    tags: {
      as: "fixed",
      reason:
        "The edge Auto Scaling groups' tag blocks are made one per key at synth time; the module sets only Name " +
        "(and AmazonECSManaged on the groups). Tag the resources with the provider's default_tags.",
    },
  },
  adapterVariables: {
    vpc_id: vpcIdVariable("Id of the VPC of the ENIs' security group: the network module's vpc_id output."),
    public_subnet_ids_by_az: {
      type: "map(string)",
      description:
        "Public subnet id by zone (the ENIs' subnets): the network module's public_subnet_ids_by_az output.",
      rules: [
        mapRule(
          "public_subnet_ids_by_az",
          AWS_ID_PATTERNS.subnet.source,
          "map zones to subnet ids like subnet-0123456789abcdef0",
          "pass the network's public_subnet_ids_by_az",
          [{ "eu-west-2a": "public-a", "eu-west-2b": "subnet-0fedcba9876543210" }],
        ),
      ],
    },
    private_subnet_ids_by_az: {
      type: "map(string)",
      description:
        "Private subnet id by zone (the edge instances' subnets): the network module's private_subnet_ids_by_az output.",
      rules: [
        mapRule(
          "private_subnet_ids_by_az",
          AWS_ID_PATTERNS.subnet.source,
          "map zones to subnet ids like subnet-0123456789abcdef0",
          "pass the network's private_subnet_ids_by_az",
          [{ "eu-west-2a": "private-a", "eu-west-2b": "subnet-0fedcba9876543211" }],
        ),
      ],
    },
    vpc_resolver_address: {
      type: "string",
      description:
        "The VPC's DNS resolver (the proxy resolves the load balancer's name with it): the network module's " +
        "vpc_resolver_address output.",
      rules: [
        {
          condition: 'can(cidrhost("${var.vpc_resolver_address}/32", 0))',
          errorMessage:
            "vpc_resolver_address (${var.vpc_resolver_address}) must be an IPv4 address; pass the network's vpc_resolver_address.",
          rejects: [{ vpc_resolver_address: "resolver" }],
          synth: {
            hclOnly: "the construct takes a Network, whose resolver address is derived from its CIDR block",
          },
        },
      ],
    },
    host_dns_user_data: {
      type: "string",
      default: "",
      description:
        "Bash that makes the edge instances resolve the network's private zone: the network module's " +
        'host_dns_user_data output (needed for a `.local` zone). "": none.',
    },
    cluster_name: {
      type: "string",
      description:
        "Name of the ECS cluster the edge instances join: the ecs-cluster module's cluster_name output (not " +
        "service_cluster_name: the edge groups must exist before the cluster's capacity provider association).",
      rules: [
        {
          condition: 'can(regex("^[A-Za-z0-9_-]{1,230}$", var.cluster_name))',
          errorMessage:
            "cluster_name (${var.cluster_name}) must be an ECS cluster name of 1 to 230 letters, digits, hyphens or underscores (the edge groups are <cluster_name>-edge-<n>); pass the cluster module's cluster_name.",
          rejects: [{ cluster_name: "my cluster" }],
          synth: { hclOnly: "the construct takes an EcsCluster, whose name is a reference" },
        },
      ],
    },
    cluster_arn: CLUSTER_ARN_VARIABLE,
    service_cluster_name: {
      type: "string",
      description:
        "The ecs-cluster module's service_cluster_name output (read from its capacity provider association): the " +
        "proxy services wait for it, since ECS refuses a strategy naming a provider the cluster does not have yet.",
    },
    cluster_security_group_id: securityGroupIdVariable({
      name: "cluster_security_group_id",
      description:
        "Security group of the cluster's instances (the edge instances' too; the load balancer admits it on the " +
        "proxied ports): the ecs-cluster module's security_group_id output.",
      source: "the cluster module's security_group_id",
      rejects: "cluster",
      construct: "an EcsCluster, whose security group id",
    }),
    instance_profile_arn: {
      type: "string",
      description:
        "Instance profile of the cluster's instances (the edge instances use it too): the ecs-cluster module's " +
        "instance_profile_arn output.",
      rules: [
        {
          condition:
            'can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:instance-profile/", var.instance_profile_arn))',
          errorMessage:
            "instance_profile_arn (${var.instance_profile_arn}) must be an IAM instance profile ARN (arn:aws:iam::<account>:instance-profile/<name>); pass the cluster module's instance_profile_arn.",
          rejects: [{ instance_profile_arn: "ecs-instance" }],
          synth: { hclOnly: "the construct takes an EcsCluster, whose instance profile is a reference" },
        },
      ],
    },
    load_balancer_dns_name: {
      type: "string",
      description: "DNS name of the load balancer the proxy forwards to: the alb module's dns_name output.",
    },
    load_balancer_security_group_id: securityGroupIdVariable({
      name: "load_balancer_security_group_id",
      description:
        "Security group of the load balancer, which gets ingress from the cluster's instances on 80 and 443: the " +
        "alb module's security_group_id output.",
      source: "the alb module's security_group_id",
      rejects: "alb",
      construct: "a LoadBalancer, whose security group id",
    }),
    load_balancer_internal: {
      type: "bool",
      description:
        "Whether the load balancer is internal: the alb module's internal output. It must be: the proxy reaches " +
        "an internal load balancer directly from the private subnets.",
      rules: [
        {
          condition: "var.load_balancer_internal",
          errorMessage:
            "load_balancer_internal (${var.load_balancer_internal}) must be true (an internet-facing load balancer's name resolves to public addresses, reached only through NAT); call the alb module with internal = true.",
          rejects: [{ load_balancer_internal: false }],
          synth: {
            hclOnly: "the construct forwards to an internet-facing load balancer too, with a warning",
          },
        },
      ],
    },
  },
  create: (scope, props, adapter) => {
    const network = networkFromVariables(scope, adapter, props.availabilityZones ?? []);
    return new StaticIp(scope, "static-ip", {
      ...props,
      network,
      cluster: clusterFromVariables(scope, adapter, network),
      loadBalancer: loadBalancerFromVariables(scope, adapter),
    });
  },
  skipAttributes: {},
  outputDescriptions: {
    publicIps: "The static public IPs, by availability zone.",
    networkInterfaceIds: "Ids of the ENIs holding the static IPs, by availability zone.",
    edgeAutoScalingGroupNames: "Names of the edge Auto Scaling groups, by availability zone.",
    lambdaFunctionName: "Name of the attacher Lambda function.",
    deadLetterQueueName: "Name of the dead-letter queue of the launch and reconcile events.",
  },
  extraOutputs: {
    edge_capacity_provider_names: {
      description:
        "Capacity providers of the edge groups: pass them to the ecs-cluster module's extra_capacity_provider_names.",
      value: (staticIp) => Object.values(staticIp.edgeCapacities).map((c) => c.capacityProviderName),
    },
  },
  usage: {
    name: '"dev-static-ip"',
    availability_zones: "module.network.availability_zones",
    vpc_id: "module.network.vpc_id",
    public_subnet_ids_by_az: "module.network.public_subnet_ids_by_az",
    private_subnet_ids_by_az: "module.network.private_subnet_ids_by_az",
    vpc_resolver_address: "module.network.vpc_resolver_address",
    host_dns_user_data: "module.network.host_dns_user_data",
    cluster_name: "module.cluster.cluster_name",
    cluster_arn: "module.cluster.cluster_arn",
    service_cluster_name: "module.cluster.service_cluster_name",
    cluster_security_group_id: "module.cluster.security_group_id",
    instance_profile_arn: "module.cluster.instance_profile_arn",
    load_balancer_dns_name: "module.alb.dns_name",
    load_balancer_security_group_id: "module.alb.security_group_id",
    load_balancer_internal: "module.alb.internal",
  },
  example: {
    name: "dev-static-ip",
    availability_zones: ["eu-west-2a", "eu-west-2b"],
    vpc_id: "vpc-0123456789abcdef0",
    public_subnet_ids_by_az: {
      "eu-west-2a": "subnet-0123456789abcdef0",
      "eu-west-2b": "subnet-0fedcba9876543210",
    },
    private_subnet_ids_by_az: {
      "eu-west-2a": "subnet-0123456789abcdef1",
      "eu-west-2b": "subnet-0fedcba9876543211",
    },
    vpc_resolver_address: "10.0.0.2",
    cluster_name: "dev",
    cluster_arn: "arn:aws:ecs:eu-west-2:123456789012:cluster/dev",
    service_cluster_name: "dev",
    cluster_security_group_id: "sg-0123456789abcdef0",
    instance_profile_arn: "arn:aws:iam::123456789012:instance-profile/dev-instance",
    load_balancer_dns_name: "internal-dev-web-123456.eu-west-2.elb.amazonaws.com",
    load_balancer_security_group_id: "sg-0fedcba9876543210",
    load_balancer_internal: true,
  },
};
