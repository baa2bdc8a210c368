/**
 * What the plan review says about ECS services beyond the generic analysis: a replaced
 * `aws_ecs_service` takes the service down, and hashicorp/aws refuses to change a service's
 * capacity provider strategy without a new deployment. Pure, like analyze.ts.
 *
 * hashicorp/aws replaces a service when a ForceNew attribute changes (`name`, `cluster`,
 * `launch_type`, `scheduling_strategy`, `iam_role`, …), and before 6.15.0 also for most changes of
 * `capacity_provider_strategy` (hashicorp/terraform-provider-aws#22823, fixed by #43533 in
 * 6.15.0). A replacement is a delete, then a create: ECS drains and stops the old service's tasks,
 * deletes it, and only then does the new service start its tasks. 6.15.0 and later update the
 * strategy in place, as a new deployment, and their plan fails unless `force_new_deployment` is
 * true (`capacityProviderStrategyCustomizeDiff` in the provider's internal/service/ecs/service.go).
 */
import type { DowntimeWarning, ResourceEntry } from "./analyze";

/** The resource type the review warns about. */
export const ECS_SERVICE_TYPE = "aws_ecs_service";

/** The first hashicorp/aws version that changes `capacity_provider_strategy` in place (#43533). */
export const IN_PLACE_STRATEGY_PROVIDER_VERSION = "6.15.0";

/** What a replaced ECS service does, in one line (without what forces it). */
export const SERVICE_DOWNTIME =
  "replacing this ECS service causes downtime: ECS deletes the old service, draining and stopping its tasks, before the new service starts any";

/** The way round a replacement that always works: a second service beside the first. */
export const SECOND_SERVICE =
  "or, with any provider: add a second service beside this one (another LoadBalancedService with its own serviceName and the new setting), move the traffic to it (its listener rule), then remove the old one";

/** Whether `path` is `attribute` or lies under it (`capacity_provider_strategy[0].weight`). */
function under(path: string, attribute: string): boolean {
  return path === attribute || (path.startsWith(attribute) && /^[.[]/.test(path.slice(attribute.length)));
}

/** How to make a change forced by `forcedBy` without downtime (empty: no advice but a second service). */
function withoutDowntime(forcedBy: readonly string[]): string[] {
  const strategy = forcedBy.some((p) => under(p, "capacity_provider_strategy"));
  const launchType = forcedBy.some((p) => under(p, "launch_type"));
  const advice: string[] = [];
  if (strategy) {
    advice.push(
      `hashicorp/aws ${IN_PLACE_STRATEGY_PROVIDER_VERSION} and later change capacity_provider_strategy in place, as a rolling deployment ` +
        "(hashicorp/terraform-provider-aws#43533): upgrade the provider (terraform init -upgrade; this project's constraint asks for >= 6.25.0) " +
        "and set forceNewDeployment: true on the service for the apply that changes the strategy, then remove it",
    );
  }
  if (launchType) {
    advice.push(
      "launch_type cannot change in place in any hashicorp/aws version: leave launch_type out and give the service a capacity provider strategy " +
        `instead (hashicorp/aws ${IN_PLACE_STRATEGY_PROVIDER_VERSION} and later update the strategy in place with forceNewDeployment: true for that apply)`,
    );
  }
  advice.push(SECOND_SERVICE);
  return advice;
}

/**
 * The downtime warning of an ECS service replaced delete first (`actions` of its planned change:
 * `["delete", "create"]`, Terraform's default), or undefined for any other entry. A replacement
 * with `create_before_destroy` (`["create", "delete"]`) starts the new service before it deletes
 * the old one, so it gets no warning.
 */
export function downtimeWarningOf(e: ResourceEntry, actions: readonly string[]): DowntimeWarning | undefined {
  if (e.type !== ECS_SERVICE_TYPE || e.action !== "replace" || actions[0] !== "delete") return undefined;
  const forcedBy = e.forcedBy ?? [];
  const why = forcedBy.length
    ? `forced by ${forcedBy.join(", ")}`
    : `forced by: not reported (${e.reason ?? "no reason given"})`;
  return {
    address: e.address,
    type: e.type,
    forcedBy,
    message: `${SERVICE_DOWNTIME} (${why})`,
    withoutDowntime: withoutDowntime(forcedBy),
  };
}

/** The provider's error when a plan changes a service's strategy without a new deployment. */
export const FORCE_NEW_DEPLOYMENT_ERROR =
  "force_new_deployment should be true when capacity_provider_strategy is being updated";

/** A plan error the review knows: what it means, and the fix. */
export interface PlanErrorExplanation {
  /** The resources it names (Terraform's `with <address>,` lines). */
  readonly addresses: readonly string[];
  /** What it means, then the fix (last). */
  readonly lines: readonly string[];
}

/** The addresses a Terraform error output names in its diagnostics (`with aws_x.y,`). */
function diagnosticAddresses(stderr: string): string[] {
  return [...new Set([...stderr.matchAll(/^[\s│]*with ([A-Za-z0-9_.[\]"-]+),$/gm)].map((m) => m[1]!))];
}

/** What a failed plan's error output means and how to fix it, when the review knows the error. */
export function explainPlanError(stderr: string): PlanErrorExplanation | undefined {
  if (!stderr.includes(FORCE_NEW_DEPLOYMENT_ERROR)) return undefined;
  const addresses = diagnosticAddresses(stderr).filter((a) => a.startsWith(`${ECS_SERVICE_TYPE}.`));
  const which = addresses.length ? addresses.join(", ") : "an ECS service";
  return {
    addresses,
    lines: [
      `the capacity provider strategy of ${which} changes: hashicorp/aws (${IN_PLACE_STRATEGY_PROVIDER_VERSION} and later) changes it in place only as ` +
        "part of a new deployment (ECS starts tasks on the new strategy, then drains the old ones: no downtime), and refuses to plan the change " +
        "unless force_new_deployment is true",
      "fix: set forceNewDeployment: true on that service (LoadBalancedService's prop) for the apply that changes capacityProviderStrategy, " +
        "review and apply, then remove it again (while it is set, every apply that updates the service starts a new deployment)",
    ],
  };
}
