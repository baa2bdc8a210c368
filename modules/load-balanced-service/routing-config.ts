import { checkConstruct } from "../shared/validation";
import { LoadBalancerBase } from "./load-balancer-ref";
import {
  DEFAULT_CONTAINER_PORT,
  DEFAULT_DEREGISTRATION_DELAY_SECONDS,
  DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS,
  DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS,
  DEFAULT_HEALTH_CHECK_PATH,
  DEFAULT_HEALTH_CHECK_SUCCESS_CODES,
  DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS,
  DEFAULT_HEALTHY_THRESHOLD_COUNT,
  DEFAULT_UNHEALTHY_THRESHOLD_COUNT,
  LoadBalancedServiceProps,
} from "./props";
import { checkInteger, checkPattern, Fail, literal, requireLiteral } from "./validation";

/** Target group names. */
export const TARGET_GROUP_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
/** ALB path pattern values: `/`-rooted, the characters ALB accepts, `*` and `?` wildcards. */
export const PATH_PATTERN_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]{0,127}$/;
/** ALB host header values. */
export const HOST_HEADER_PATTERN = /^[A-Za-z0-9\-.*?]{1,128}$/;
/** Target group health check success codes: `200`, `200,204`, `200-299`. */
export const SUCCESS_CODES_PATTERN = /^[1-5]\d\d(-[1-5]\d\d)?(,[1-5]\d\d(-[1-5]\d\d)?)*$/;
const MAX_CONDITION_VALUES = 3;
const MAX_RULE_VALUES = 5;

/** The load-balancing part of {@link LoadBalancedServiceProps}, validated. */
export interface RoutingConfig {
  readonly rulePriority: number;
  readonly pathPatterns: string[];
  readonly hostHeaders: string[];
  readonly containerPort: number;
  readonly healthCheckPath: string;
  readonly healthCheckIntervalSeconds: number;
  readonly healthCheckTimeoutSeconds: number;
  readonly healthyThresholdCount: number;
  readonly unhealthyThresholdCount: number;
  readonly healthCheckSuccessCodes: string;
  readonly deregistrationDelaySeconds: number;
  readonly stickinessDurationSeconds: number | undefined;
  readonly healthCheckGracePeriodSeconds: number;
  readonly targetGroupName: string | undefined;
}

/** Applies defaults to the load-balancing props and validates them. */
export function resolveRoutingConfig(fail: Fail, props: LoadBalancedServiceProps): RoutingConfig {
  checkConstruct(fail, "loadBalancer", props.loadBalancer, LoadBalancerBase.isLoadBalancer, "LoadBalancer");
  if (props.loadBalancer.serviceListenerRefs.length === 0) {
    fail(
      "loadBalancer",
      props.loadBalancer.node.path,
      "have a listener services can add their rules to",
      "give LoadBalancer.fromAttributes the httpsListenerArn or the httpListenerArn",
    );
  }
  const rulePriority = props.rulePriority;
  checkInteger(
    fail,
    "rulePriority",
    rulePriority,
    1,
    50_000,
    "listener rule priorities run from 1 (first) to 50000",
  );

  requireLiteral(
    fail,
    "hostHeaders",
    props.hostHeaders,
    "whether the listener rule has a host-header condition",
  );
  const hostHeaders = [...(props.hostHeaders ?? [])];
  const pathPatterns = [...(props.pathPatterns ?? (props.hostHeaders === undefined ? ["/*"] : []))];
  for (const [field, values, pattern, must, example] of [
    [
      "pathPatterns",
      pathPatterns,
      PATH_PATTERN_PATTERN,
      "start with / and be at most 128 characters of A-Z a-z 0-9 _-.$/~\"'@:+&*?",
      "/api/*",
    ],
    [
      "hostHeaders",
      hostHeaders,
      HOST_HEADER_PATTERN,
      "be host names of at most 128 characters of A-Z a-z 0-9 - . * ?",
      "api.example.com",
    ],
  ] as const) {
    // A token list (a Terraform variable) is checked by its module's validation rules.
    if (!literal(values)) continue;
    if (props[field] !== undefined && values.length === 0) {
      fail(field, values, "not be empty", `leave ${field} unset or list e.g. ${example}`);
    }
    if (values.length > MAX_CONDITION_VALUES) {
      fail(
        field,
        values,
        `list at most ${MAX_CONDITION_VALUES} values (an ALB condition's limit)`,
        "split the service's routes or use wildcards",
      );
    }
    const seen = new Set<string>();
    for (const value of values) {
      checkPattern(fail, field, value, pattern, must, `e.g. ${example}`);
      if (seen.has(value)) fail(field, value, "be listed once", "remove the duplicate");
      seen.add(value);
    }
  }
  if (literal(pathPatterns) && pathPatterns.length + hostHeaders.length > MAX_RULE_VALUES) {
    fail(
      "pathPatterns",
      pathPatterns,
      `hold, with hostHeaders, at most ${MAX_RULE_VALUES} values (an ALB rule's limit)`,
      "route fewer values per service",
    );
  }

  const containerPort = props.containerPort ?? DEFAULT_CONTAINER_PORT;
  checkInteger(fail, "containerPort", containerPort, 1, 65_535, "use the TCP port the container listens on");

  const healthCheckPath = props.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH;
  if (
    literal(healthCheckPath) &&
    (!healthCheckPath.startsWith("/") || healthCheckPath.length > 1024 || /\s/.test(healthCheckPath))
  ) {
    fail(
      "healthCheckPath",
      healthCheckPath,
      "start with / (a path of at most 1024 characters, no spaces)",
      `e.g. ${DEFAULT_HEALTH_CHECK_PATH}`,
    );
  }
  const healthCheckIntervalSeconds =
    props.healthCheckIntervalSeconds ?? DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS;
  checkInteger(
    fail,
    "healthCheckIntervalSeconds",
    healthCheckIntervalSeconds,
    5,
    300,
    `e.g. ${DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS}`,
  );
  const healthCheckTimeoutSeconds = props.healthCheckTimeoutSeconds ?? DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS;
  checkInteger(
    fail,
    "healthCheckTimeoutSeconds",
    healthCheckTimeoutSeconds,
    2,
    120,
    `e.g. ${DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS}`,
  );
  if (
    literal(healthCheckTimeoutSeconds) &&
    literal(healthCheckIntervalSeconds) &&
    healthCheckTimeoutSeconds >= healthCheckIntervalSeconds
  ) {
    fail(
      "healthCheckTimeoutSeconds",
      healthCheckTimeoutSeconds,
      `be below healthCheckIntervalSeconds (${healthCheckIntervalSeconds})`,
      "shorten the timeout or lengthen the interval",
    );
  }
  const healthyThresholdCount = props.healthyThresholdCount ?? DEFAULT_HEALTHY_THRESHOLD_COUNT;
  checkInteger(
    fail,
    "healthyThresholdCount",
    healthyThresholdCount,
    2,
    10,
    `e.g. ${DEFAULT_HEALTHY_THRESHOLD_COUNT}`,
  );
  const unhealthyThresholdCount = props.unhealthyThresholdCount ?? DEFAULT_UNHEALTHY_THRESHOLD_COUNT;
  checkInteger(
    fail,
    "unhealthyThresholdCount",
    unhealthyThresholdCount,
    2,
    10,
    `e.g. ${DEFAULT_UNHEALTHY_THRESHOLD_COUNT}`,
  );
  const healthCheckSuccessCodes = props.healthCheckSuccessCodes ?? DEFAULT_HEALTH_CHECK_SUCCESS_CODES;
  checkPattern(
    fail,
    "healthCheckSuccessCodes",
    healthCheckSuccessCodes,
    SUCCESS_CODES_PATTERN,
    "be HTTP codes like 200, 200,204 or 200-299",
    "e.g. 200",
  );

  const deregistrationDelaySeconds = props.deregistrationDelaySeconds ?? DEFAULT_DEREGISTRATION_DELAY_SECONDS;
  checkInteger(
    fail,
    "deregistrationDelaySeconds",
    deregistrationDelaySeconds,
    0,
    3600,
    `e.g. ${DEFAULT_DEREGISTRATION_DELAY_SECONDS}`,
  );
  const stickinessDurationSeconds = props.stickinessDurationSeconds;
  if (stickinessDurationSeconds !== undefined) {
    checkInteger(
      fail,
      "stickinessDurationSeconds",
      stickinessDurationSeconds,
      1,
      604_800,
      "e.g. 86400 (a day)",
    );
  }
  const healthCheckGracePeriodSeconds =
    props.healthCheckGracePeriodSeconds ?? DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS;
  checkInteger(
    fail,
    "healthCheckGracePeriodSeconds",
    healthCheckGracePeriodSeconds,
    0,
    2_147_483_647,
    `e.g. ${DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS}`,
  );
  const targetGroupName = props.targetGroupName;
  if (targetGroupName !== undefined) {
    checkPattern(
      fail,
      "targetGroupName",
      targetGroupName,
      TARGET_GROUP_NAME_PATTERN,
      "be 1 to 32 letters, digits or hyphens, not starting or ending with a hyphen",
      "shorten or rename it",
    );
  }

  return {
    rulePriority,
    pathPatterns,
    hostHeaders,
    containerPort,
    healthCheckPath,
    healthCheckIntervalSeconds,
    healthCheckTimeoutSeconds,
    healthyThresholdCount,
    unhealthyThresholdCount,
    healthCheckSuccessCodes,
    deregistrationDelaySeconds,
    stickinessDurationSeconds,
    healthCheckGracePeriodSeconds,
    targetGroupName,
  };
}
