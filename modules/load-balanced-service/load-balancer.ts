import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener, LbListenerDefaultAction } from "@cdktf/provider-aws/lib/lb-listener";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import {
  ILoadBalancer,
  ImportedLoadBalancer,
  LoadBalancerAttributes,
  LoadBalancerBase,
  NO_ROUTE_RESPONSE,
  ServiceListenerRef,
} from "./load-balancer-ref";
import { createAccessLogsBucket } from "./access-logs";
import { LoadBalancerProps } from "./props";
import { failFor, literal, LoadBalancerConfig, resolveLoadBalancerConfig, withTags } from "./validation";

/** HTTP listener port. */
export const HTTP_PORT = 80;
/** HTTPS listener port. */
export const HTTPS_PORT = 443;

export { describeRuleConflict, NO_ROUTE_RESPONSE } from "./load-balancer-ref";
export type { RuleConflict, RuleReservation } from "./load-balancer-ref";

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
export class LoadBalancer extends LoadBalancerBase {
  /**
   * An existing Application Load Balancer as an {@link ILoadBalancer}, for services and the static
   * IP: no resource is created (services add their target groups and listener rules; the security
   * group gets egress to the clusters' instances unless `allowAllOutbound`). The attributes are
   * validated first; errors read `LoadBalancer.fromAttributes '<id>': …`.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: LoadBalancerAttributes): ILoadBalancer {
    return new ImportedLoadBalancer(scope, id, attrs);
  }

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

  /** ARN of {@link httpsListener}, when a certificate is given. */
  public readonly httpsListenerArn: string | undefined;
  /** Whether it has {@link httpsListener}. */
  public readonly hasHttpsListener: boolean;
  /** {@link serviceListeners} as services read them. */
  public readonly serviceListenerRefs: readonly ServiceListenerRef[];

  protected readonly addsEgressRules = true;
  protected readonly managesClusterRules = true;
  private readonly config: LoadBalancerConfig;

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
    for (const port of ports) this.allowIngress(port);

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
    this.httpsListenerArn = this.httpsListener?.arn;
    this.hasHttpsListener = this.httpsListener !== undefined;
    this.serviceListeners = [
      ...(this.httpsListener ? [this.httpsListener] : []),
      ...(config.redirectHttpToHttps ? [] : [this.httpListener]),
    ];
    this.serviceListenerRefs = [
      ...(this.httpsListener ? [{ id: "https" as const, arn: this.httpsListener.arn }] : []),
      ...(config.redirectHttpToHttps ? [] : [{ id: "http" as const, arn: this.httpListener.arn }]),
    ];

    if (config.webAclArn !== undefined) {
      new Wafv2WebAclAssociation(this, "web-acl", { resourceArn: this.arn, webAclArn: config.webAclArn });
    }
  }

  /** Ingress on `port` from each of `ingressCidrs` (by for_each for a token list). */
  private allowIngress(port: number): void {
    const config = this.config;
    if (!literal(config.ingressCidrs)) {
      // A token list (a Terraform variable): one rule per block and port, by for_each.
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
      return;
    }
    config.ingressCidrs.forEach((cidr, i) => {
      const slug = literal(cidr) ? cidr.replace(/[./]/g, "-") : `${i}`;
      new VpcSecurityGroupIngressRule(this, `ingress-${port}-${slug}`, {
        securityGroupId: this.securityGroupId,
        description: `Clients in ${literal(cidr) ? cidr : "a given block"} on ${port}`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: cidr,
        tags: this.tagsFor(`ingress-${port}`),
      });
    });
  }

  /** The clients of the production listeners reach a test listener too. */
  protected allowTestTraffic(port: number): void {
    this.allowIngress(port);
  }

  protected override get testListenerCertificateArn(): string | undefined {
    return this.config.certificateArn;
  }

  protected override get testListenerSslPolicy(): string | undefined {
    return this.config.sslPolicy;
  }

  protected tagsFor(suffix: string): Record<string, string> {
    return withTags(this.config.tags, { Name: `${this.config.name}-${suffix}` });
  }
}
