import { Fn, Token } from "cdktf";
import { cidrProblem } from "../network/cidr";
import { AWS_ARN_PATTERNS, checkConstruct, checkKnownKeys } from "../shared/validation";
import { Network } from "../network";
import { REGION_PATTERN } from "../network/regions";
import type { Fail } from "../shared/validation";
import { LOAD_BALANCER_PROPS_KEYS } from "./keys";
import {
  DEFAULT_ACCESS_LOGS_RETENTION_DAYS,
  DEFAULT_IDLE_TIMEOUT_SECONDS,
  DEFAULT_INTERNET_INGRESS_CIDRS,
  DEFAULT_SSL_POLICY,
  LoadBalancerProps,
} from "./props";

export { failFor } from "../shared/validation";
export type { Fail } from "../shared/validation";

/** Whether `value` is known at synth time (not an unresolved token). */
export const literal = (value: unknown): boolean => !Token.isUnresolved(value);

/** Checks an integer in `[min, max]`, skipping unresolved tokens. */
export function checkInteger(
  fail: Fail,
  field: string,
  value: number,
  min: number,
  max: number,
  fix: string,
): void {
  if (!literal(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    fail(field, value, `be an integer ${range}`, fix);
  }
}

/** Checks a literal string against a pattern, skipping unresolved tokens. */
export function checkPattern(
  fail: Fail,
  field: string,
  value: string,
  pattern: RegExp,
  must: string,
  fix: string,
): void {
  if (literal(value) && !pattern.test(value)) fail(field, value, must, fix);
}

/**
 * Refuses an unresolved token (e.g. a Terraform variable) for a prop that shapes the construct
 * tree at synth time, where a token would be silently read as the wrong value.
 */
export function requireLiteral(fail: Fail, field: string, value: unknown, decides: string): void {
  if (!literal(value)) {
    fail(
      field,
      value,
      `be a literal, not a token: it decides at synth time ${decides}`,
      "pass a literal value (a generated Terraform module fixes it per module)",
    );
  }
}

/** A name a construct derives from a user value, and the AWS limit on its length. */
export interface DerivedName {
  /** What it is, e.g. `ECR repository name` or `IAM role name_prefix`. */
  readonly kind: string;
  /** The derived name (skipped while it holds an unresolved token). */
  readonly name: string;
  /** Most characters AWS accepts. */
  readonly limit: number;
}

/**
 * Fails when a name derived from `value` (the prop `field`) is longer than AWS allows, naming the
 * derived name, its length, the limit and how short `field` must be. `fix` words the fix for the
 * longest `field` that fits (`max`, below 1 when no value of `field` fits).
 */
export function checkDerivedNames(
  fail: Fail,
  field: string,
  value: string,
  names: readonly DerivedName[],
  fix: (max: number) => string = (max) => `shorten ${field} to at most ${max} characters`,
): void {
  if (!literal(value)) return;
  for (const { kind, name, limit } of names) {
    if (!literal(name) || name.length <= limit) continue;
    const max = limit - (name.length - value.length);
    fail(
      field,
      value,
      `keep the ${kind} ${JSON.stringify(name)} (${name.length} characters) within AWS's limit of ${limit}`,
      fix(max),
    );
  }
}

/** `tags` with `extra` over them; a token map (a Terraform variable) is merged by Terraform. */
export function withTags(
  tags: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  return literal(tags) ? { ...tags, ...extra } : Token.asStringMap(Fn.merge([tags, extra]));
}

/** Rejects a `Name` tag: each resource gets its own. A token map is checked by its module. */
export function checkTags(fail: Fail, tags: Readonly<Record<string, string>>, fix: string): void {
  if (literal(tags) && "Name" in tags) {
    fail("tags", tags, "not set Name (each resource gets its own Name tag)", fix);
  }
}

/** ACM certificate ARNs (the shared pattern). */
export const ACM_CERTIFICATE_ARN_PATTERN = AWS_ARN_PATTERNS.acmCertificate;
/** KMS key ARNs (the shared pattern). */
export const KMS_KEY_ARN_PATTERN = AWS_ARN_PATTERNS.kmsKey;
/** Load balancer names: what ELB accepts. */
export const LOAD_BALANCER_NAME_PATTERN = /^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
const SSL_POLICY_PATTERN = /^ELBSecurityPolicy-[A-Za-z0-9-]+$/;
const WEB_ACL_ARN_PATTERN = /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[^/\s]+\/[^/\s]+$/;
const MAX_ACCESS_LOGS_RETENTION_DAYS = 3650;

/** {@link LoadBalancerProps} with every default applied, validated. */
export interface LoadBalancerConfig {
  readonly name: string;
  readonly internal: boolean;
  readonly subnetIds: string[];
  readonly ingressCidrs: string[];
  readonly certificateArn: string | undefined;
  readonly sslPolicy: string;
  readonly redirectHttpToHttps: boolean;
  readonly deletionProtection: boolean;
  readonly idleTimeoutSeconds: number;
  readonly enableAccessLogs: boolean;
  readonly accessLogsRetentionDays: number;
  /** Literal region (for the log delivery principal); undefined without access logs. */
  readonly region: string | undefined;
  readonly webAclArn: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Applies defaults to {@link LoadBalancerProps} and validates them, throwing on the first problem
 * before any resource exists. Literal checks are skipped for unresolved tokens.
 */
export function resolveLoadBalancerConfig(
  fail: Fail,
  id: string,
  props: LoadBalancerProps,
): LoadBalancerConfig {
  checkKnownKeys(fail, "", props, LOAD_BALANCER_PROPS_KEYS);
  checkConstruct(fail, "network", props.network, Network.isNetwork, "Network");
  const name = props.name ?? id;
  checkPattern(
    fail,
    "name",
    name,
    LOAD_BALANCER_NAME_PATTERN,
    "be 1 to 32 letters, digits or hyphens, not starting or ending with a hyphen nor starting with internal-",
    props.name === undefined ? "pass `name` or use a shorter construct id" : "shorten or rename it",
  );

  const internal = props.internal ?? false;
  if (!literal(internal) && props.ingressCidrs === undefined) {
    fail(
      "ingressCidrs",
      props.ingressCidrs,
      "be set when internal is a token (its default, the VPC or the internet, depends on internal at synth time)",
      "pass the client blocks",
    );
  }
  const subnetField = internal ? "network.privateSubnetIds" : "network.publicSubnetIds";
  const subnetIds = !literal(internal)
    ? Token.asList(Fn.conditional(internal, props.network.privateSubnetIds, props.network.publicSubnetIds))
    : internal
      ? props.network.privateSubnetIds
      : props.network.publicSubnetIds;
  if (literal(subnetIds) && subnetIds.length < 2) {
    fail(
      subnetField,
      subnetIds,
      "list subnets in at least two availability zones (an ALB needs two)",
      "give the network azCount 2 or more",
    );
  }

  const vpcCidrBlock = props.network.vpcCidrBlock;
  if (props.ingressCidrs === undefined && internal && vpcCidrBlock === undefined) {
    fail(
      "ingressCidrs",
      props.ingressCidrs,
      `be given for an internal load balancer on network '${props.network.node.id}', whose vpcCidrBlock is not known (the default admits the VPC's block)`,
      "pass ingressCidrs, or give Network.fromAttributes the vpcCidrBlock",
    );
  }
  const ingressCidrs =
    props.ingressCidrs ?? (internal ? [vpcCidrBlock ?? ""] : [...DEFAULT_INTERNET_INGRESS_CIDRS]);
  if (literal(ingressCidrs)) {
    if (ingressCidrs.length === 0) {
      fail(
        "ingressCidrs",
        ingressCidrs,
        "list at least one CIDR block",
        'e.g. ["0.0.0.0/0"] for the internet',
      );
    }
    const seen = new Set<string>();
    for (const cidr of ingressCidrs) {
      if (!literal(cidr)) continue;
      const problem = cidrProblem(cidr);
      if (problem) fail("ingressCidrs", cidr, problem, "fix the block, e.g. 203.0.113.0/24");
      if (seen.has(cidr)) fail("ingressCidrs", cidr, "be listed once", "remove the duplicate");
      seen.add(cidr);
    }
  }

  const certificateArn = props.certificateArn;
  if (certificateArn !== undefined) {
    checkPattern(
      fail,
      "certificateArn",
      certificateArn,
      ACM_CERTIFICATE_ARN_PATTERN,
      "be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)",
      "request or import the certificate in ACM, in the load balancer's region, and pass its ARN",
    );
  }
  if (props.sslPolicy !== undefined && certificateArn === undefined) {
    fail(
      "sslPolicy",
      props.sslPolicy,
      "be unset without certificateArn (no HTTPS listener)",
      "pass certificateArn or drop sslPolicy",
    );
  }
  const sslPolicy = props.sslPolicy ?? DEFAULT_SSL_POLICY;
  checkPattern(
    fail,
    "sslPolicy",
    sslPolicy,
    SSL_POLICY_PATTERN,
    "be an ELBSecurityPolicy-… name",
    `e.g. ${DEFAULT_SSL_POLICY}`,
  );
  requireLiteral(
    fail,
    "redirectHttpToHttps",
    props.redirectHttpToHttps,
    "the HTTP listener's default action and which listeners services add rules to",
  );
  requireLiteral(fail, "enableAccessLogs", props.enableAccessLogs, "whether the access log bucket exists");
  if (props.redirectHttpToHttps === true && certificateArn === undefined) {
    fail(
      "redirectHttpToHttps",
      props.redirectHttpToHttps,
      "be false without certificateArn (there is no HTTPS listener to redirect to)",
      "pass certificateArn or drop redirectHttpToHttps",
    );
  }
  const redirectHttpToHttps = props.redirectHttpToHttps ?? certificateArn !== undefined;

  const idleTimeoutSeconds = props.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS;
  checkInteger(
    fail,
    "idleTimeoutSeconds",
    idleTimeoutSeconds,
    1,
    4000,
    `e.g. ${DEFAULT_IDLE_TIMEOUT_SECONDS}`,
  );

  const enableAccessLogs = props.enableAccessLogs ?? false;
  if (!enableAccessLogs && props.accessLogsRetentionDays !== undefined) {
    fail(
      "accessLogsRetentionDays",
      props.accessLogsRetentionDays,
      "be unset when enableAccessLogs is false",
      "drop one",
    );
  }
  if (!enableAccessLogs && props.region !== undefined) {
    fail(
      "region",
      props.region,
      "be unset when enableAccessLogs is false (only access logs use it)",
      "drop one",
    );
  }
  const accessLogsRetentionDays = props.accessLogsRetentionDays ?? DEFAULT_ACCESS_LOGS_RETENTION_DAYS;
  checkInteger(
    fail,
    "accessLogsRetentionDays",
    accessLogsRetentionDays,
    1,
    MAX_ACCESS_LOGS_RETENTION_DAYS,
    `e.g. ${DEFAULT_ACCESS_LOGS_RETENTION_DAYS}`,
  );
  const region = enableAccessLogs ? resolveRegion(fail, props) : undefined;

  const webAclArn = props.webAclArn;
  if (webAclArn !== undefined) {
    checkPattern(
      fail,
      "webAclArn",
      webAclArn,
      WEB_ACL_ARN_PATTERN,
      "be a regional WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>)",
      "pass the ARN of a REGIONAL web ACL",
    );
  }

  const tags = props.tags ?? {};
  checkTags(fail, tags, "set the `name` prop instead");

  return {
    name,
    internal,
    subnetIds: literal(subnetIds) ? [...subnetIds] : subnetIds,
    ingressCidrs: literal(ingressCidrs) ? [...ingressCidrs] : ingressCidrs,
    certificateArn,
    sslPolicy,
    redirectHttpToHttps,
    deletionProtection: props.deletionProtection ?? true,
    idleTimeoutSeconds,
    enableAccessLogs,
    accessLogsRetentionDays,
    region,
    webAclArn,
    tags,
  };
}

function resolveRegion(fail: Fail, props: LoadBalancerProps): string {
  if (props.region !== undefined) {
    if (!literal(props.region) || !REGION_PATTERN.test(props.region)) {
      fail(
        "region",
        props.region,
        "be a literal region name like eu-west-2 (it picks the log delivery principal at synth time)",
        "pass the region as a string",
      );
    }
    return props.region;
  }
  const firstAz = props.network.availabilityZones[0];
  const derived = firstAz !== undefined && literal(firstAz) ? firstAz.replace(/[a-z]$/, "") : undefined;
  if (derived === undefined || !REGION_PATTERN.test(derived)) {
    fail(
      "region",
      props.region,
      "be known at synth time to pick the access log principal (the network's zones are not literal)",
      "pass `region`",
    );
  }
  return derived;
}
