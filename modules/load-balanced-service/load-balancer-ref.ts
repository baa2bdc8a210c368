import { Fn, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { IClusterInstances, SecurityGroupPeer } from "../ecs-cluster";
import {
  checkAwsId,
  checkKnownKeys,
  Fail,
  failFor,
  formatValue,
  keysOf,
  ValidationError,
} from "../shared/validation";
import { DYNAMIC_HOST_PORT_RANGE } from "./props";

/** What the listeners answer when no service's rule matches. */
export const NO_ROUTE_RESPONSE = {
  contentType: "application/json",
  messageBody: '{"error":{"status":404,"name":"Not Found","message":"no service is routed here"}}',
  statusCode: "404",
} as const;

/** Ports a load balancer serves production traffic on: HTTP and HTTPS. */
export const PRODUCTION_LISTENER_PORTS: readonly number[] = [80, 443];

/** Marks every {@link ILoadBalancer} this library made, also across copies of the package. */
const LOAD_BALANCER_SYMBOL = Symbol.for("@ecs-cdktf/modules/load-balanced-service.ILoadBalancer");

/** A listener rule a service holds on a load balancer (see {@link ILoadBalancer.reserveRule}). */
export interface RuleReservation {
  /** Who holds it, for error messages: e.g. `LoadBalancedService 'web'`. */
  readonly owner: string;
  readonly priority: number;
  /** Host names; empty for any host. */
  readonly hostHeaders: readonly string[];
  /** Path patterns; empty for any path. */
  readonly pathPatterns: readonly string[];
  /**
   * A request header the rule also matches (a blue/green test rule); rules with a header never
   * clash on paths with rules without one.
   * @default - none
   */
  readonly httpHeader?: string;
}

/** A conflict {@link ILoadBalancer.findRuleConflict} found. */
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

/** A listener services add their rules to: `id` names the rules (`rule-<id>`). */
export interface ServiceListenerRef {
  /** `https` or `http`. */
  readonly id: "https" | "http";
  /** ARN of the listener. */
  readonly arn: string;
}

/**
 * What services and the static IP read of a load balancer: a {@link LoadBalancer} built here, or
 * one that exists already, imported with {@link LoadBalancer.fromAttributes}.
 */
export interface ILoadBalancer extends IConstruct {
  /** ARN of the load balancer. */
  readonly arn: string;
  /** Its ARN suffix (`app/<name>/<id>`), as CloudWatch metrics name it. */
  readonly arnSuffix: string;
  /** Its DNS name. */
  readonly dnsName: string;
  /** Whether it is internal (private subnets). */
  readonly internal: boolean;
  /** The VPC it is in (target groups of its services go there too). */
  readonly vpcId: string;
  /** Id of its security group. */
  readonly securityGroupId: string;
  /** ARN of its HTTPS listener, when it has one and it is known. */
  readonly httpsListenerArn: string | undefined;
  /** Whether it listens on HTTPS (443): the static IP passes TLS through to it. */
  readonly hasHttpsListener: boolean;
  /** The listeners services add their rules to: HTTPS, and HTTP unless it redirects. */
  readonly serviceListenerRefs: readonly ServiceListenerRef[];
  /**
   * The first conflict of `rule` with a rule reserved so far in this app: the same priority, or a
   * path pattern already routed for the same set of hosts. Undefined when it fits.
   */
  findRuleConflict(rule: Omit<RuleReservation, "owner">): RuleConflict | undefined;
  /** Records a service's rule so later services cannot reuse its priority or paths. */
  reserveRule(rule: RuleReservation): void;
  /**
   * Lets the load balancer reach `cluster`'s instances on the dynamic host port range: ingress on
   * the instances' security group from this one, egress from this one to theirs. Idempotent.
   */
  allowTrafficTo(cluster: IClusterInstances): void;
  /**
   * Lets the load balancer reach the tasks of a Fargate service (awsvpc: their own security group,
   * `tasks`) on `port`: egress from this one to theirs, unless it allows all outbound traffic (the
   * service adds the ingress on its own group). Idempotent per service and port.
   */
  allowTrafficToTasks(service: IConstruct, tasks: SecurityGroupPeer, port: number): void;
  /**
   * ARN of the test listener on `port` (blue/green, canary and linear test traffic), created on
   * first use with a JSON 404 default; every service naming the same port shares it.
   */
  testListenerArn(port: number): string;
}

const literal = (value: unknown): boolean => !Token.isUnresolved(value);

/**
 * What {@link LoadBalancer} and an imported load balancer share: the {@link ILoadBalancer} mark,
 * the rules services reserve, and the security group rules to the clusters they run on. Exported as
 * the base of `LoadBalancer` and for {@link LoadBalancerBase.isLoadBalancer} (also
 * `LoadBalancer.isLoadBalancer`); build a `LoadBalancer` or import one with
 * `LoadBalancer.fromAttributes` rather than extending it.
 */
export abstract class LoadBalancerBase extends Construct implements ILoadBalancer {
  /** Whether `x` is an {@link ILoadBalancer} (built or imported), by a symbol rather than a class. */
  public static isLoadBalancer(x: unknown): x is ILoadBalancer {
    return typeof x === "object" && x !== null && LOAD_BALANCER_SYMBOL in x;
  }

  /** See the interface's `arn`. */
  public abstract readonly arn: string;
  /** See the interface's `arnSuffix`. */
  public abstract readonly arnSuffix: string;
  /** See the interface's `dnsName`. */
  public abstract readonly dnsName: string;
  /** See the interface's `internal`. */
  public abstract readonly internal: boolean;
  /** See the interface's `vpcId`. */
  public abstract readonly vpcId: string;
  /** See the interface's `securityGroupId`. */
  public abstract readonly securityGroupId: string;
  /** See the interface's `httpsListenerArn`. */
  public abstract readonly httpsListenerArn: string | undefined;
  /** See the interface's `hasHttpsListener`. */
  public abstract readonly hasHttpsListener: boolean;
  /** See the interface's `serviceListenerRefs`. */
  public abstract readonly serviceListenerRefs: readonly ServiceListenerRef[];

  /** Whether egress rules to the clusters' instances are added to {@link securityGroupId}. */
  protected abstract readonly addsEgressRules: boolean;
  /** Whether {@link allowTrafficTo} adds any rule (false: they exist already). */
  protected abstract readonly managesClusterRules: boolean;
  private readonly rules: RuleReservation[] = [];
  private readonly clustersAllowed = new Set<string>();
  private readonly tasksAllowed = new Set<string>();
  private readonly testListeners = new Map<number, string>();

  protected constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, LOAD_BALANCER_SYMBOL, { value: true });
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
    const key = (r: Omit<RuleReservation, "owner">): string =>
      `${[...r.hostHeaders].sort().join(",")}|${r.httpHeader ?? ""}`;
    for (const held of this.rules) {
      if (key(held) !== key(rule)) continue;
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
  public allowTrafficTo(cluster: IClusterInstances): void {
    const key = cluster.node.path;
    if (!this.managesClusterRules || this.clustersAllowed.has(key)) return;
    this.clustersAllowed.add(key);
    const range = DYNAMIC_HOST_PORT_RANGE;
    cluster.allowFrom(this, { from: range.from, to: range.to }, `from load balancer ${this.node.id}`);
    if (!this.addsEgressRules) return;
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

  /** See the interface's `allowTrafficToTasks`. */
  public allowTrafficToTasks(service: IConstruct, tasks: SecurityGroupPeer, port: number): void {
    const key = `${service.node.path}:${port}`;
    if (!this.addsEgressRules || this.tasksAllowed.has(key)) return;
    this.tasksAllowed.add(key);
    const slug = service.node.path.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
    new VpcSecurityGroupEgressRule(this, `egress-to-tasks-${slug}-${port}`, {
      securityGroupId: this.securityGroupId,
      description: `To the Fargate tasks of ${service.node.id} on ${port}`,
      referencedSecurityGroupId: tasks.securityGroupId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      tags: this.tagsFor(`egress-${service.node.id}`),
    });
  }

  /**
   * ARN of the test listener on `port`, created on first use: HTTPS with the load balancer's
   * certificate when it has one it knows of, else HTTP; a JSON 404 for requests no test rule takes.
   */
  public testListenerArn(port: number): string {
    const known = this.testListeners.get(port);
    if (known !== undefined) return known;
    const https = this.testListenerCertificateArn;
    const listener = new LbListener(this, `test-listener-${port}`, {
      loadBalancerArn: this.arn,
      port,
      protocol: https === undefined ? "HTTP" : "HTTPS",
      ...(https === undefined ? {} : { certificateArn: https, sslPolicy: this.testListenerSslPolicy }),
      defaultAction: [{ type: "fixed-response", fixedResponse: { ...NO_ROUTE_RESPONSE } }],
      tags: this.tagsFor(`test-${port}`),
    });
    this.allowTestTraffic(port);
    this.testListeners.set(port, listener.arn);
    return listener.arn;
  }

  /** The certificate a test listener serves HTTPS with; undefined for HTTP. */
  protected get testListenerCertificateArn(): string | undefined {
    return undefined;
  }

  /** The TLS policy of an HTTPS test listener. */
  protected get testListenerSslPolicy(): string | undefined {
    return undefined;
  }

  /** Lets the clients that reach production reach the test listener on `port` (when managed here). */
  protected abstract allowTestTraffic(port: number): void;

  /** Tags of a resource the construct adds, with the Name `<name>-<suffix>`. */
  protected abstract tagsFor(suffix: string): Record<string, string>;
}

/**
 * Attributes of an existing Application Load Balancer for {@link LoadBalancer.fromAttributes}: the
 * load balancer, its security group and the listeners services add their rules to.
 */
export interface LoadBalancerAttributes {
  /**
   * ARN of the load balancer (`arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>`);
   * request-count auto scaling reads its suffix.
   * @default - not known: reading `arn` or `arnSuffix` fails, naming this attribute
   */
  readonly loadBalancerArn?: string;
  /**
   * Its DNS name (the static IP's edge proxy forwards to it).
   * @default - not known: reading `dnsName` fails, naming this attribute
   */
  readonly dnsName?: string;
  /**
   * Id of its security group: it gets egress to the clusters' instances, they get ingress from it.
   * @default - not known: reading `securityGroupId` fails, naming this attribute
   */
  readonly securityGroupId?: string;
  /** The VPC it is in: the services' target groups are created there. */
  readonly vpcId: string;
  /**
   * Whether it is internal.
   * @default false
   */
  readonly internal?: boolean;
  /**
   * ARN of the HTTPS listener services add their rules to.
   * @default - none: services add their rules to httpListenerArn
   */
  readonly httpsListenerArn?: string;
  /**
   * Whether it listens on HTTPS (443), for the static IP's TLS passthrough.
   * @default - whether httpsListenerArn is given
   */
  readonly hasHttpsListener?: boolean;
  /**
   * ARN of the HTTP listener services add their rules to; leave it out when HTTP redirects to
   * HTTPS. Services need one of the two listener ARNs.
   * @default - none
   */
  readonly httpListenerArn?: string;
  /**
   * Whether its security group allows all outbound traffic already (or is managed elsewhere with
   * the rules the services need): then no egress rule is added to it.
   * @default false: an egress rule to each cluster's instances on the dynamic host ports is added
   */
  readonly allowAllOutbound?: boolean;
  /**
   * Whether services add the rules between this load balancer and their cluster's instances
   * (ingress on the instances' group, egress on this one's). False when those rules exist already,
   * e.g. made where the load balancer is defined.
   * @default true
   */
  readonly manageClusterRules?: boolean;
}

/** Every key of {@link LoadBalancerAttributes}. */
export const LOAD_BALANCER_ATTRIBUTE_KEYS: readonly string[] = keysOf<LoadBalancerAttributes>()({
  loadBalancerArn: true,
  dnsName: true,
  securityGroupId: true,
  vpcId: true,
  internal: true,
  httpsListenerArn: true,
  hasHttpsListener: true,
  httpListenerArn: true,
  allowAllOutbound: true,
  manageClusterRules: true,
});

/** Application Load Balancer ARNs: the name and id after `loadbalancer/app/` are the ARN suffix. */
const ALB_ARN_PATTERN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/(app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+)$/;
const LISTENER_ARN_PATTERN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+\/[0-9a-f]+$/;
const DNS_NAME_PATTERN = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/** A load balancer that exists already, as {@link LoadBalancer.fromAttributes} imports it. */
export class ImportedLoadBalancer extends LoadBalancerBase {
  public readonly internal: boolean;
  public readonly vpcId: string;
  public readonly httpsListenerArn: string | undefined;
  public readonly hasHttpsListener: boolean;
  public readonly serviceListenerRefs: readonly ServiceListenerRef[];
  protected readonly addsEgressRules: boolean;
  protected readonly managesClusterRules: boolean;
  private readonly fail: Fail;
  private readonly attrs: LoadBalancerAttributes;

  /** Validates `attrs` (throwing before the construct is added to `scope`), then holds them. */
  public constructor(scope: Construct, id: string, attrs: LoadBalancerAttributes) {
    const fail = failFor(`LoadBalancer.fromAttributes '${id}'`);
    checkLoadBalancerAttributes(fail, attrs);
    super(scope, id);
    this.fail = fail;
    this.attrs = attrs;
    this.internal = attrs.internal ?? false;
    this.vpcId = attrs.vpcId;
    this.httpsListenerArn = attrs.httpsListenerArn;
    this.hasHttpsListener = attrs.hasHttpsListener ?? attrs.httpsListenerArn !== undefined;
    this.serviceListenerRefs = [
      ...(attrs.httpsListenerArn === undefined
        ? []
        : [{ id: "https" as const, arn: attrs.httpsListenerArn }]),
      ...(attrs.httpListenerArn === undefined ? [] : [{ id: "http" as const, arn: attrs.httpListenerArn }]),
    ];
    this.addsEgressRules = !(attrs.allowAllOutbound ?? false);
    this.managesClusterRules = attrs.manageClusterRules ?? true;
  }

  /** The given loadBalancerArn; fails when it was not. */
  public get arn(): string {
    return this.given(
      "loadBalancerArn",
      "arn",
      "request-count auto scaling and a blue/green test listener on a port of its own read it",
    );
  }

  /** The suffix of {@link arn} (`app/<name>/<id>`), as CloudWatch metrics name it. */
  public get arnSuffix(): string {
    const arn = this.arn;
    return literal(arn) ? ALB_ARN_PATTERN.exec(arn)![1]! : Fn.element(Fn.split("loadbalancer/", arn), 1);
  }

  /** The given dnsName; fails when it was not. */
  public get dnsName(): string {
    return this.given("dnsName", "dnsName", "the static IP's edge proxy forwards to it");
  }

  /** The given securityGroupId; fails when it was not. */
  public get securityGroupId(): string {
    return this.given(
      "securityGroupId",
      "securityGroupId",
      "services add rules to it (import with manageClusterRules: false when they exist)",
    );
  }

  private given(
    field: "loadBalancerArn" | "dnsName" | "securityGroupId",
    member: string,
    why: string,
  ): string {
    const value = this.attrs[field];
    if (value === undefined) {
      this.fail(
        field,
        value,
        `be given to read ${member}: ${why}`,
        `give LoadBalancer.fromAttributes the ${field}`,
      );
    }
    return value;
  }

  /**
   * No rule: the imported load balancer's security group is managed where it is defined; open the
   * test port there (see README, "Deployments").
   */
  protected allowTestTraffic(): void {}

  /** Only the Name tag, `<load balancer id>-<suffix>`. */
  protected tagsFor(suffix: string): Record<string, string> {
    return { Name: `${this.node.id}-${suffix}` };
  }
}

/** Validates every attribute of an imported load balancer; literal checks skip unresolved tokens. */
export function checkLoadBalancerAttributes(fail: Fail, attrs: LoadBalancerAttributes): void {
  if (typeof attrs !== "object" || attrs === null) {
    fail(
      "attributes",
      attrs,
      "be an object of LoadBalancerAttributes",
      "pass { loadBalancerArn, dnsName, securityGroupId, vpcId, httpsListenerArn }",
    );
  }
  checkKnownKeys(fail, "", attrs, LOAD_BALANCER_ATTRIBUTE_KEYS);
  const check = (field: string, value: unknown, pattern: RegExp, must: string, example: string): void => {
    if (typeof value !== "string" || (literal(value) && !pattern.test(value))) {
      fail(field, value, must, `e.g. ${example}`);
    }
  };
  const account = "arn:aws:elasticloadbalancing:eu-west-2:123456789012";
  const optional = (
    field: "loadBalancerArn" | "dnsName" | "securityGroupId",
    pattern: RegExp,
    must: string,
    example: string,
  ) => {
    if (attrs[field] !== undefined) check(field, attrs[field], pattern, must, example);
  };
  optional(
    "loadBalancerArn",
    ALB_ARN_PATTERN,
    "be an Application Load Balancer ARN",
    `${account}:loadbalancer/app/web/50dc6c495c0c9188`,
  );
  optional("dnsName", DNS_NAME_PATTERN, "be a DNS name", "web-1234567890.eu-west-2.elb.amazonaws.com");
  if (attrs.securityGroupId !== undefined) {
    checkAwsId(fail, "securityGroupId", attrs.securityGroupId, "securityGroup");
  }
  checkAwsId(fail, "vpcId", attrs.vpcId, "vpc");
  for (const field of ["internal", "hasHttpsListener", "allowAllOutbound", "manageClusterRules"] as const) {
    const value = attrs[field];
    if (value !== undefined && typeof value !== "boolean" && literal(value)) {
      fail(field, value, "be true or false", "omit it for its default");
    }
  }
  for (const field of ["httpsListenerArn", "httpListenerArn"] as const) {
    if (attrs[field] !== undefined) {
      check(
        field,
        attrs[field],
        LISTENER_ARN_PATTERN,
        "be a listener ARN of an Application Load Balancer",
        `${account}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`,
      );
    }
  }
  if (attrs.hasHttpsListener === false && attrs.httpsListenerArn !== undefined) {
    fail("hasHttpsListener", false, "be true with an httpsListenerArn", "drop hasHttpsListener");
  }
  const lbPart = (arn: string): string | undefined => /\/app\/([A-Za-z0-9-]+\/[0-9a-f]+)/.exec(arn)?.[1];
  for (const field of ["httpsListenerArn", "httpListenerArn"] as const) {
    const arn = attrs[field];
    const lbArn = attrs.loadBalancerArn;
    if (
      arn !== undefined &&
      lbArn !== undefined &&
      literal(arn) &&
      literal(lbArn) &&
      lbPart(arn) !== lbPart(lbArn)
    ) {
      fail(
        field,
        arn,
        "be a listener of the load balancer loadBalancerArn names",
        "give the listener of that load balancer",
      );
    }
  }
}
