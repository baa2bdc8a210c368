import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener, LbListenerDefaultAction } from "@cdktf/provider-aws/lib/lb-listener";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { EcsCluster } from "../ecs-cluster";
import { formatValue, ValidationError } from "../shared/validation";
import { createAccessLogsBucket } from "./access-logs";
import { DYNAMIC_HOST_PORT_RANGE, LoadBalancerProps } from "./props";
import { failFor, literal, LoadBalancerConfig, resolveLoadBalancerConfig, withTags } from "./validation";

/** HTTP listener port. */
export const HTTP_PORT = 80;
/** HTTPS listener port. */
export const HTTPS_PORT = 443;

/** What the listeners answer when no service's rule matches. */
export const NO_ROUTE_RESPONSE = {
  contentType: "application/json",
  messageBody: '{"error":{"status":404,"name":"Not Found","message":"no service is routed here"}}',
  statusCode: "404",
} as const;

/** A listener rule a service holds on a load balancer (see {@link LoadBalancer.reserveRule}). */
export interface RuleReservation {
  /** Who holds it, for error messages: e.g. `LoadBalancedService 'web'`. */
  readonly owner: string;
  readonly priority: number;
  /** Host names; empty for any host. */
  readonly hostHeaders: readonly string[];
  /** Path patterns; empty for any path. */
  readonly pathPatterns: readonly string[];
}

/** A conflict {@link LoadBalancer.findRuleConflict} found. */
export interface RuleConflict {
  readonly field: "rulePriority" | "pathPatterns";
  readonly value: unknown;
  readonly holder: string;
}

/** `<field> (<value>) must be unique on load balancer '<id>'; <fix>` for a conflict. */
export function describeRuleConflict(conflict: RuleConflict, loadBalancerId: string): string {
  const fix =
    conflict.field === "rulePriority"
      ? `choose another priority (${conflict.holder} holds it)`
      : `route another path or host (${conflict.holder} routes it)`;
  return `${conflict.field} (${formatValue(conflict.value)}) must be unique on load balancer '${loadBalancerId}'; ${fix}`;
}

/** `internal` or `internet-facing`; for a token flag, Terraform's conditional. */
function visibility(internal: boolean): string {
  return literal(internal)
    ? internal
      ? "internal"
      : "internet-facing"
    : Token.asString(Fn.conditional(internal, "internal", "internet-facing"));
}

/**
 * An Application Load Balancer with its security group and listeners, shared by any number of
 * {@link LoadBalancedService}s, each adding its own target group and listener rule.
 *
 * - Internet-facing in the network's public subnets, or `internal` in its private subnets.
 * - Security group: ingress on 80 (and 443 with a certificate) from `ingressCidrs` only; egress
 *   only to the instance security groups of the clusters its services run on, on the dynamic host
 *   port range ({@link allowTrafficTo}).
 * - HTTP listener; with a certificate an HTTPS listener with a TLS 1.2+/1.3 policy and HTTP
 *   redirected to HTTPS. Unrouted requests get a JSON 404.
 * - Invalid header fields dropped, deletion protection on, optional access logs to S3 and WAF.
 *
 * It configures no provider, region, backend or outputs: the stack does.
 */
export class LoadBalancer extends Construct {
  /** The `aws_lb`. */
  public readonly alb: Lb;
  /** Its ARN. */
  public readonly arn: string;
  /** Its ARN suffix (`app/<name>/<id>`), as CloudWatch metrics name it. */
  public readonly arnSuffix: string;
  /** Its DNS name, for a CNAME or alias record. */
  public readonly dnsName: string;
  /** Its Route 53 hosted zone id, for an alias record. */
  public readonly zoneId: string;
  /** Name of the load balancer. */
  public readonly name: string;
  /** Whether it is internal (private subnets). */
  public readonly internal: boolean;
  /** The VPC it is in (target groups of its services go there too). */
  public readonly vpcId: string;
  /** Its security group. */
  public readonly securityGroup: SecurityGroup;
  /** Id of {@link securityGroup}; also makes the load balancer a `SecurityGroupPeer`. */
  public readonly securityGroupId: string;
  /** The HTTP listener on port 80. */
  public readonly httpListener: LbListener;
  /** The HTTPS listener on port 443, when a certificate is given. */
  public readonly httpsListener?: LbListener;
  /** The listeners services add their rules to: HTTPS, and HTTP unless it redirects. */
  public readonly serviceListeners: LbListener[];
  /** Whether HTTP requests are redirected to HTTPS. */
  public readonly redirectsHttpToHttps: boolean;
  /** The access log bucket, when access logs are on. */
  public readonly accessLogsBucket?: S3Bucket;

  private readonly config: LoadBalancerConfig;
  private readonly rules: RuleReservation[] = [];
  private readonly clustersAllowed = new Set<string>();

  /** Validates `props` (throwing before any resource is created), then builds the load balancer. */
  public constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const fail = failFor(`LoadBalancer '${id}'`);
    this.config = resolveLoadBalancerConfig(fail, id, props);
    const config = this.config;
    this.name = config.name;
    this.internal = config.internal;
    this.vpcId = props.network.vpcId;
    this.redirectsHttpToHttps = config.redirectHttpToHttps;

    this.securityGroup = new SecurityGroup(this, "sg", {
      namePrefix: literal(config.name) ? `${config.name}-alb-` : "alb-",
      description: `Load balancer ${config.name}: ${visibility(config.internal)}`,
      vpcId: props.network.vpcId,
      tags: this.tagsFor("alb"),
    });
    this.securityGroupId = this.securityGroup.id;
    const ports = config.certificateArn === undefined ? [HTTP_PORT] : [HTTP_PORT, HTTPS_PORT];
    if (!literal(config.ingressCidrs)) {
      // A token list (a Terraform variable): one rule per block and port, by for_each.
      for (const port of ports) {
        const cidrs = TerraformIterator.fromList(config.ingressCidrs);
        new VpcSecurityGroupIngressRule(this, `ingress-${port}`, {
          forEach: cidrs,
          securityGroupId: this.securityGroupId,
          description: `Clients in ${Token.asString(cidrs.value)} on ${port}`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: Token.asString(cidrs.value),
          tags: this.tagsFor(`ingress-${port}`),
        });
      }
    }
    (literal(config.ingressCidrs) ? config.ingressCidrs : []).forEach((cidr, i) => {
      const slug = literal(cidr) ? cidr.replace(/[./]/g, "-") : `${i}`;
      for (const port of ports) {
        new VpcSecurityGroupIngressRule(this, `ingress-${port}-${slug}`, {
          securityGroupId: this.securityGroupId,
          description: `Clients in ${literal(cidr) ? cidr : "a given block"} on ${port}`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
          tags: this.tagsFor(`ingress-${port}`),
        });
      }
    });

    const accessLogs = config.enableAccessLogs
      ? createAccessLogsBucket(this, {
          name: config.name,
          // resolveLoadBalancerConfig sets the region whenever access logs are on.
          region: config.region ?? "",
          retentionDays: config.accessLogsRetentionDays,
          tags: config.tags,
        })
      : undefined;
    this.accessLogsBucket = accessLogs?.bucket;

    this.alb = new Lb(this, "alb", {
      name: config.name,
      loadBalancerType: "application",
      internal: config.internal,
      subnets: config.subnetIds,
      securityGroups: [this.securityGroupId],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: config.deletionProtection,
      idleTimeout: config.idleTimeoutSeconds,
      accessLogs: accessLogs && {
        bucket: accessLogs.bucket.id,
        prefix: accessLogs.prefix,
        enabled: true,
      },
      tags: this.tagsFor("alb"),
      // ELB writes a test object when access logs are turned on: the policy must exist first.
      dependsOn: accessLogs ? [accessLogs.policy] : undefined,
    });
    this.arn = this.alb.arn;
    this.arnSuffix = this.alb.arnSuffix;
    this.dnsName = this.alb.dnsName;
    this.zoneId = this.alb.zoneId;

    const notFound: LbListenerDefaultAction = {
      type: "fixed-response",
      fixedResponse: { ...NO_ROUTE_RESPONSE },
    };
    this.httpListener = new LbListener(this, "http", {
      loadBalancerArn: this.arn,
      port: HTTP_PORT,
      protocol: "HTTP",
      defaultAction: [
        config.redirectHttpToHttps
          ? {
              type: "redirect",
              redirect: { protocol: "HTTPS", port: `${HTTPS_PORT}`, statusCode: "HTTP_301" },
            }
          : notFound,
      ],
      tags: this.tagsFor("http"),
    });
    if (config.certificateArn !== undefined) {
      this.httpsListener = new LbListener(this, "https", {
        loadBalancerArn: this.arn,
        port: HTTPS_PORT,
        protocol: "HTTPS",
        certificateArn: config.certificateArn,
        sslPolicy: config.sslPolicy,
        defaultAction: [notFound],
        tags: this.tagsFor("https"),
      });
    }
    this.serviceListeners = [
      ...(this.httpsListener ? [this.httpsListener] : []),
      ...(config.redirectHttpToHttps ? [] : [this.httpListener]),
    ];

    if (config.webAclArn !== undefined) {
      new Wafv2WebAclAssociation(this, "web-acl", { resourceArn: this.arn, webAclArn: config.webAclArn });
    }
  }

  /** Every rule reserved so far, in order. */
  public get reservedRules(): readonly RuleReservation[] {
    return [...this.rules];
  }

  /**
   * The first conflict of `rule` with a reserved rule: the same priority, or a path pattern already
   * routed for the same set of hosts. Undefined when it fits. Unresolved tokens never conflict.
   */
  public findRuleConflict(rule: Omit<RuleReservation, "owner">): RuleConflict | undefined {
    for (const held of this.rules) {
      if (literal(rule.priority) && held.priority === rule.priority) {
        return { field: "rulePriority", value: rule.priority, holder: held.owner };
      }
    }
    const key = (hosts: readonly string[]): string => [...hosts].sort().join(",");
    for (const held of this.rules) {
      if (key(held.hostHeaders) !== key(rule.hostHeaders)) continue;
      const heldPaths = held.pathPatterns.length === 0 ? ["/*"] : held.pathPatterns;
      const paths = rule.pathPatterns.length === 0 ? ["/*"] : rule.pathPatterns;
      const same = paths.find((path) => literal(path) && heldPaths.includes(path));
      if (same !== undefined) return { field: "pathPatterns", value: same, holder: held.owner };
    }
    return undefined;
  }

  /**
   * Records a service's rule so later services cannot reuse its priority or paths. Services call
   * it after validating their props; it throws on a conflict all the same.
   */
  public reserveRule(rule: RuleReservation): void {
    const conflict = this.findRuleConflict(rule);
    if (conflict) {
      throw new ValidationError(`${rule.owner}: ${describeRuleConflict(conflict, this.node.id)}`);
    }
    this.rules.push({ ...rule, hostHeaders: [...rule.hostHeaders], pathPatterns: [...rule.pathPatterns] });
  }

  /**
   * Lets the load balancer reach `cluster`'s instances on the dynamic host port range (bridge-mode
   * tasks, health checks included): ingress on the instances' security group from this one
   * (`cluster.allowFrom`), egress from this one to theirs. Idempotent per cluster.
   */
  public allowTrafficTo(cluster: EcsCluster): void {
    const key = cluster.node.path;
    if (this.clustersAllowed.has(key)) return;
    this.clustersAllowed.add(key);
    const range = DYNAMIC_HOST_PORT_RANGE;
    cluster.allowFrom(this, { from: range.from, to: range.to }, `from load balancer ${this.node.id}`);
    const slug = key.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
    new VpcSecurityGroupEgressRule(this, `egress-to-${slug}`, {
      securityGroupId: this.securityGroupId,
      description: `To the instances of ${cluster.node.id} on dynamic host ports`,
      referencedSecurityGroupId: cluster.securityGroupId,
      ipProtocol: "tcp",
      fromPort: range.from,
      toPort: range.to,
      tags: this.tagsFor(`egress-${cluster.node.id}`),
    });
  }

  private tagsFor(suffix: string): Record<string, string> {
    return withTags(this.config.tags, { Name: `${this.config.name}-${suffix}` });
  }
}
