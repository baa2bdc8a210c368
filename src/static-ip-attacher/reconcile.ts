/**
 * The reconcile: on a schedule, for each AZ's ENI, make sure it is on the InService edge instance of
 * that AZ. It repairs what the launch path cannot see: a launch event that was lost or dead-lettered,
 * an attach abandoned while the old owner was still leaving, an ENI left on a terminated instance.
 * It never completes a lifecycle action (InService instances have none open) and never touches an
 * instance that is still launching (Pending:Wait belongs to the launch hook).
 */
import { AttachDeps, attachStaticIp, OutcomeReason } from "./attach";
import { GroupInstanceView } from "./aws";
import { StepLogger } from "./log";

/** What the reconcile did for one AZ. */
export type ReconcileAction =
  /** The ENI is on an InService instance of the AZ's group: nothing to do. */
  | "in-place"
  /** The ENI was off (or on a departed instance) and is now attached to the InService instance. */
  | "attached"
  /** The AZ's group has no InService, healthy instance: nothing to attach to (the launch hook will). */
  | "no-in-service-instance"
  /** A healthy instance outside the InService set holds the ENI: never steal, leave it. */
  | "refused"
  /** The instance went away meanwhile: the next run (or its replacement's launch hook) handles it. */
  | "instance-gone"
  /** The attach failed (AWS error, timeout, configuration): the run fails so the alarms see it. */
  | "failed";

/** The result for one AZ. */
export interface ReconcileAzResult {
  readonly az: string;
  readonly eniId: string;
  readonly action: ReconcileAction;
  /** The instance the ENI is (now) on, or was meant for. */
  readonly instanceId?: string;
  /** The attach logic's reason, when it ran. */
  readonly reason?: OutcomeReason;
  /** Why, for a failure. */
  readonly detail?: string;
}

/** Thrown at the end of a run in which some AZ failed (every AZ is still tried first). */
export class ReconcileFailedError extends Error {
  override readonly name = "ReconcileFailedError";
  constructor(readonly results: readonly ReconcileAzResult[]) {
    super(
      "static-ip-attacher: reconcile failed for " +
        results
          .filter((r) => r.action === "failed")
          .map((r) => `${r.az} (${r.eniId}): ${r.detail ?? r.reason ?? "unknown"}`)
          .join("; "),
    );
  }
}

/** Attachment states in which the ENI is (or is about to be) on an instance. */
const HELD_STATES: ReadonlySet<string> = new Set(["attaching", "attached"]);

/** Whether the reconcile may attach to this group instance. */
function isCandidate(instance: GroupInstanceView): boolean {
  return instance.lifecycleState === "InService" && instance.healthStatus.toLowerCase() === "healthy";
}

/** Outcome reasons of the attach logic that are not failures of the reconcile. */
const BENIGN: Partial<Record<OutcomeReason, ReconcileAction>> = {
  attached: "attached",
  "already-attached": "in-place",
  "eni-in-use": "refused",
  "instance-gone": "instance-gone",
};

/**
 * Runs the reconcile over every AZ of `deps.config.eniByAz`, in order. Never throws for one AZ: the
 * caller decides what a failed AZ means (the handler throws {@link ReconcileFailedError}).
 */
export async function reconcileStaticIps(
  deps: AttachDeps,
  groupNames: readonly string[],
  log: StepLogger,
): Promise<ReconcileAzResult[]> {
  const { aws, config, deadlineMs } = deps;
  let instances: GroupInstanceView[];
  try {
    instances = await aws.groupInstances(groupNames, deadlineMs);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    log.step("describe-groups", "error", { error: detail }, "error");
    return [...config.eniByAz].map(([az, eniId]) => ({ az, eniId, action: "failed", detail }));
  }
  log.step("describe-groups", "ok", {
    groups: groupNames.length,
    instances: instances.length,
    inService: instances.filter(isCandidate).length,
  });

  const results: ReconcileAzResult[] = [];
  for (const [az, eniId] of config.eniByAz) {
    const azLog = log.with({ az, eniId });
    aws.useLogger(azLog);
    const result = await reconcileAz(deps, az, eniId, instances, azLog);
    azLog.step(
      "reconcile",
      result.action,
      {
        instanceId: result.instanceId,
        reason: result.reason,
        detail: result.detail,
      },
      result.action === "failed" ? "error" : "info",
    );
    results.push(result);
  }
  return results;
}

async function reconcileAz(
  deps: AttachDeps,
  az: string,
  eniId: string,
  instances: readonly GroupInstanceView[],
  log: StepLogger,
): Promise<ReconcileAzResult> {
  const candidates = instances
    .filter((i) => i.az === az && isCandidate(i))
    .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  if (candidates.length === 0) return { az, eniId, action: "no-in-service-instance" };
  try {
    const eni = await deps.aws.describeEni(eniId, deps.deadlineMs);
    if (eni === undefined)
      return { az, eniId, action: "failed", reason: "eni-not-found", detail: `${eniId} does not exist` };
    const held = eni.attachment;
    if (
      held !== undefined &&
      HELD_STATES.has(held.status) &&
      candidates.some((c) => c.instanceId === held.instanceId)
    ) {
      return { az, eniId, action: "in-place", instanceId: held.instanceId };
    }
    // Off, or on an instance that is not InService: the attach logic frees it from a departed or
    // departing owner and refuses to take it from a healthy one.
    const target = candidates[0].instanceId;
    log.step("reconcile", "attach", { instanceId: target, ownerInstanceId: held?.instanceId });
    const outcome = await attachStaticIp(deps, target, log.with({ instanceId: target }));
    const action = BENIGN[outcome.reason] ?? "failed";
    return {
      az,
      eniId,
      action,
      instanceId: target,
      reason: outcome.reason,
      ...(action === "failed" || action === "refused" ? { detail: outcome.detail } : {}),
    };
  } catch (error) {
    return { az, eniId, action: "failed", detail: error instanceof Error ? error.message : String(error) };
  }
}
