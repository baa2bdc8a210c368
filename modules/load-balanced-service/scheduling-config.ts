import {
  AutoScalingOptions,
  CapacityProviderStrategyItem,
  ContainerServiceProps,
  DEFAULT_DEPLOYMENT_MAXIMUM_PERCENT,
  DEFAULT_DEPLOYMENT_MINIMUM_HEALTHY_PERCENT,
  DEFAULT_DESIRED_COUNT,
  DEFAULT_SCALE_IN_COOLDOWN_SECONDS,
  DEFAULT_SCALE_OUT_COOLDOWN_SECONDS,
  DEFAULT_TARGET_CPU_UTILIZATION_PERCENT,
  LoadBalancedAutoScalingOptions,
  PlacementConstraint,
  PlacementStrategy,
} from "./props";
import { checkInteger, Fail, literal } from "./validation";
import { resolveCapacityStrategy } from "../shared/capacity-strategy";

/** Validated auto scaling. */
export interface AutoScalingConfig {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly targetCpuUtilizationPercent: number;
  readonly targetRequestsPerTarget: number | undefined;
  readonly scaleInCooldownSeconds: number;
  readonly scaleOutCooldownSeconds: number;
}

/** Applies defaults to `autoScaling` and validates it (min ≤ max, targets, cooldowns). */
export function resolveAutoScaling(fail: Fail, options: LoadBalancedAutoScalingOptions): AutoScalingConfig {
  const { minCapacity, maxCapacity } = options;
  checkInteger(fail, "autoScaling.minCapacity", minCapacity, 0, Number.MAX_SAFE_INTEGER, "e.g. 2");
  // 0 (with minCapacity 0) stops the service: Application Auto Scaling brings the task count into range.
  checkInteger(fail, "autoScaling.maxCapacity", maxCapacity, 0, Number.MAX_SAFE_INTEGER, "e.g. 10");
  if (literal(minCapacity) && literal(maxCapacity) && minCapacity > maxCapacity) {
    fail(
      "autoScaling.minCapacity",
      minCapacity,
      `be ≤ autoScaling.maxCapacity (${maxCapacity}): the fewest tasks cannot exceed the most`,
      "lower minCapacity or raise maxCapacity",
    );
  }
  const targetCpuUtilizationPercent =
    options.targetCpuUtilizationPercent ?? DEFAULT_TARGET_CPU_UTILIZATION_PERCENT;
  checkInteger(
    fail,
    "autoScaling.targetCpuUtilizationPercent",
    targetCpuUtilizationPercent,
    1,
    100,
    `e.g. ${DEFAULT_TARGET_CPU_UTILIZATION_PERCENT}`,
  );
  const targetRequestsPerTarget = options.targetRequestsPerTarget;
  if (targetRequestsPerTarget !== undefined) {
    checkInteger(
      fail,
      "autoScaling.targetRequestsPerTarget",
      targetRequestsPerTarget,
      1,
      Number.MAX_SAFE_INTEGER,
      "requests per minute per task, e.g. 1000",
    );
  }
  const scaleInCooldownSeconds = options.scaleInCooldownSeconds ?? DEFAULT_SCALE_IN_COOLDOWN_SECONDS;
  checkInteger(
    fail,
    "autoScaling.scaleInCooldownSeconds",
    scaleInCooldownSeconds,
    0,
    3600,
    `e.g. ${DEFAULT_SCALE_IN_COOLDOWN_SECONDS}`,
  );
  const scaleOutCooldownSeconds = options.scaleOutCooldownSeconds ?? DEFAULT_SCALE_OUT_COOLDOWN_SECONDS;
  checkInteger(
    fail,
    "autoScaling.scaleOutCooldownSeconds",
    scaleOutCooldownSeconds,
    0,
    3600,
    `e.g. ${DEFAULT_SCALE_OUT_COOLDOWN_SECONDS}`,
  );
  return {
    minCapacity,
    maxCapacity,
    targetCpuUtilizationPercent,
    targetRequestsPerTarget,
    scaleInCooldownSeconds,
    scaleOutCooldownSeconds,
  };
}

/** The desired count: the given one (within the scaling range), else the default or `minCapacity` (at least 1). */
export function resolveDesiredCount(
  fail: Fail,
  desiredCount: number | undefined,
  autoScaling: AutoScalingConfig | undefined,
): number {
  if (desiredCount === undefined) {
    if (autoScaling === undefined) return DEFAULT_DESIRED_COUNT;
    return literal(autoScaling.minCapacity)
      ? Math.max(autoScaling.minCapacity, Math.min(1, autoScaling.maxCapacity))
      : autoScaling.minCapacity;
  }
  checkInteger(fail, "desiredCount", desiredCount, 0, Number.MAX_SAFE_INTEGER, "e.g. 2");
  if (autoScaling !== undefined && literal(desiredCount)) {
    const { minCapacity, maxCapacity } = autoScaling;
    if (
      (literal(minCapacity) && desiredCount < minCapacity) ||
      (literal(maxCapacity) && desiredCount > maxCapacity)
    ) {
      fail(
        "desiredCount",
        desiredCount,
        `be from autoScaling.minCapacity (${minCapacity}) to autoScaling.maxCapacity (${maxCapacity})`,
        "change it or leave it unset (it then starts at minCapacity)",
      );
    }
  }
  return desiredCount;
}

/** Validates the rolling deployment limits: minimum below maximum, each in its range. */
export function resolveDeployment(
  fail: Fail,
  props: ContainerServiceProps,
): { deploymentMaximumPercent: number; deploymentMinimumHealthyPercent: number } {
  const max = props.deploymentMaximumPercent ?? DEFAULT_DEPLOYMENT_MAXIMUM_PERCENT;
  const min = props.deploymentMinimumHealthyPercent ?? DEFAULT_DEPLOYMENT_MINIMUM_HEALTHY_PERCENT;
  if (literal(min) && literal(max) && min >= max) {
    fail(
      "deploymentMinimumHealthyPercent",
      min,
      `be below deploymentMaximumPercent (${max}): otherwise a deployment can neither stop an old task nor start a new one`,
      "lower the minimum or raise the maximum",
    );
  }
  checkInteger(
    fail,
    "deploymentMaximumPercent",
    max,
    100,
    1000,
    `e.g. ${DEFAULT_DEPLOYMENT_MAXIMUM_PERCENT}`,
  );
  checkInteger(
    fail,
    "deploymentMinimumHealthyPercent",
    min,
    0,
    100,
    `e.g. ${DEFAULT_DEPLOYMENT_MINIMUM_HEALTHY_PERCENT}`,
  );
  return { deploymentMaximumPercent: max, deploymentMinimumHealthyPercent: min };
}

/** Validates a capacity provider strategy and fills in weight 1 and base 0. */
export function resolveCapacityProviderStrategy(
  fail: Fail,
  items: readonly CapacityProviderStrategyItem[],
): CapacityProviderStrategyItem[] {
  return resolveCapacityStrategy(
    fail,
    "capacityProviderStrategy",
    items,
    "leave it unset for the cluster's default",
  );
}

/** Validates placement strategies: the field each type needs, at most 5. */
export function resolvePlacementStrategies(
  fail: Fail,
  strategies: readonly PlacementStrategy[],
): PlacementStrategy[] {
  if (strategies.length > 5) fail("placementStrategies", strategies, "have at most 5 entries", "drop some");
  for (const strategy of strategies) {
    if (strategy.type === "random") {
      if (strategy.field !== undefined)
        fail("placementStrategies.field", strategy.field, "be unset for random", "drop it");
    } else if (strategy.type === "binpack") {
      if (strategy.field !== "cpu" && strategy.field !== "memory") {
        fail(
          "placementStrategies.field",
          strategy.field,
          'be "cpu" or "memory" for binpack',
          'e.g. "memory"',
        );
      }
    } else if (strategy.type === "spread") {
      if (
        strategy.field === undefined ||
        (literal(strategy.field) && !/^(instanceId|host|attribute:\S+)$/.test(strategy.field))
      ) {
        fail(
          "placementStrategies.field",
          strategy.field,
          "be instanceId, host or attribute:<name> for spread",
          'e.g. "attribute:ecs.availability-zone"',
        );
      }
    } else {
      fail(
        "placementStrategies.type",
        (strategy as { type: unknown }).type,
        "be spread, binpack or random",
        "pick one",
      );
    }
  }
  return strategies.map((s) => ({ ...s }));
}

/** Validates placement constraints: a non-empty memberOf expression, at most 10. */
export function resolvePlacementConstraints(
  fail: Fail,
  constraints: readonly PlacementConstraint[],
): PlacementConstraint[] {
  if (constraints.length > 10)
    fail("placementConstraints", constraints, "have at most 10 entries", "drop some");
  for (const constraint of constraints) {
    if (constraint.type === "memberOf") {
      if (literal(constraint.expression) && constraint.expression.trim() === "") {
        fail(
          "placementConstraints.expression",
          constraint.expression,
          "not be empty for memberOf",
          'e.g. "attribute:role == edge"',
        );
      }
    } else if (constraint.type !== "distinctInstance") {
      fail(
        "placementConstraints.type",
        (constraint as { type: unknown }).type,
        "be memberOf or distinctInstance",
        "pick one",
      );
    }
  }
  return constraints.map((c) => ({ ...c }));
}

/** Rejects auto scaling options that need a load balancer on a service without one. */
export function checkWorkerAutoScaling(fail: Fail, autoScaling: AutoScalingOptions | undefined): void {
  const requests = (autoScaling as LoadBalancedAutoScalingOptions | undefined)?.targetRequestsPerTarget;
  if (requests !== undefined) {
    fail(
      "autoScaling.targetRequestsPerTarget",
      requests,
      "be unset on a service without a load balancer",
      "use a LoadBalancedService, or scale on CPU",
    );
  }
}
