/**
 * Lambda entry point: EventBridge delivers "EC2 Instance-launch Lifecycle Action" for an edge Auto
 * Scaling group; the handler attaches that AZ's static-IP ENI to the new instance, then completes the
 * lifecycle action (CONTINUE on success, ABANDON otherwise, so a broken instance is replaced). An
 * EventBridge schedule's "Scheduled Event" runs the reconcile instead (reconcile.ts).
 * See README.md for the decision table.
 */
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EC2Client } from "@aws-sdk/client-ec2";
import { attachStaticIp, DEFAULT_TIMING, LifecycleResult, Outcome, OutcomeReason, Timing } from "./attach";
import { AutoScalingApi, AwsGateway, Ec2Api } from "./aws";
import { AttacherConfig, loadConfig } from "./config";
import { IgnoredEvent, LaunchAction, ParsedEvent, parseEvent } from "./events";
import { StepLogger } from "./log";
import { ReconcileAzResult, ReconcileFailedError, reconcileStaticIps } from "./reconcile";
import { DEFAULT_RETRY_POLICY, errorCode, errorMessage, RetryPolicy } from "./retry";

/** The part of the Lambda context the handler reads. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/** What the handler did with one event. */
export type HandlerResult =
  | { readonly status: "ignored"; readonly reason: IgnoredEvent["reason"] }
  | {
      readonly status: "handled";
      readonly instanceId: string;
      readonly result: LifecycleResult;
      readonly reason: OutcomeReason;
      /** `already-completed`: Auto Scaling had no open lifecycle action (a duplicate, or a timed-out hook). */
      readonly completion: "completed" | "already-completed" | "failed-ignored";
      /** AWS API attempts made, retries included. */
      readonly awsCalls: number;
    }
  | {
      readonly status: "reconciled";
      /** One result per AZ of ENI_BY_AZ, in its order. */
      readonly azs: readonly ReconcileAzResult[];
      /** AWS API attempts made, retries included. */
      readonly awsCalls: number;
    };

/** A handler as the Lambda runtime calls it. */
export type StaticIpHandler = (event: unknown, context?: LambdaContextLike) => Promise<HandlerResult>;

/** Everything the handler depends on; tests pass fakes. */
export interface HandlerDeps {
  readonly ec2: Ec2Api;
  readonly autoscaling: AutoScalingApi;
  readonly config: AttacherConfig;
  /** @default a setTimeout-based sleep */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
  /** Source of jitter in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Where log lines go. @default console.log */
  readonly writeLog?: (line: string) => void;
  /** @default DEFAULT_RETRY_POLICY (5 attempts, 200 ms doubling to 5 s) */
  readonly retryPolicy?: RetryPolicy;
  /** @default DEFAULT_TIMING */
  readonly timing?: Partial<Timing>;
}

/** Ignores a "lifecycle action not active" answer only this way: it is what a duplicate or late delivery gets. */
const LIFECYCLE_ACTION_GONE = "ValidationError";

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The instant (ms since epoch) after which the handler stops and reports ABANDON: the hook's
 * heartbeat counted from the event time (Lambda retries of an old event keep less time), and the
 * Lambda's own remaining time, each less a margin to send CompleteLifecycleAction.
 */
export function deadlineFor(
  eventTimeMs: number | undefined,
  nowMs: number,
  heartbeatTimeoutSeconds: number,
  marginMs: number,
  lambdaRemainingMs?: number,
): number {
  // An event time in the future is clock skew; never trust it to extend the budget.
  const start = eventTimeMs !== undefined && eventTimeMs <= nowMs ? eventTimeMs : nowMs;
  const hook = start + heartbeatTimeoutSeconds * 1000 - marginMs;
  const lambda =
    lambdaRemainingMs === undefined ? Number.POSITIVE_INFINITY : nowMs + lambdaRemainingMs - marginMs;
  return Math.min(hook, lambda);
}

/** Builds the handler around injected clients and config. */
export function createHandler(deps: HandlerDeps): StaticIpHandler {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const random = deps.random ?? Math.random;
  const writeLog = deps.writeLog ?? ((line: string) => console.log(line));
  const timing: Timing = { ...DEFAULT_TIMING, ...deps.timing };
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;

  return async (event, context) => {
    const startedAtMs = now();
    let log = new StepLogger(writeLog, now, startedAtMs);
    let parsed: ParsedEvent;
    try {
      parsed = parseEvent(event);
    } catch (error) {
      log.step("event", "invalid", { error: errorMessage(error) }, "error");
      throw error;
    }
    if (parsed.kind === "ignored") {
      log.step("event", "ignored", { reason: parsed.reason, detailType: parsed.detailType });
      return { status: "ignored", reason: parsed.reason };
    }

    if (parsed.kind === "reconcile") {
      return reconcile(parsed.eventId, parsed.ruleArn, context);
    }

    log = log.with({ instanceId: parsed.instanceId, eventId: parsed.eventId });
    const deadlineMs = deadlineFor(
      parsed.eventTimeMs,
      startedAtMs,
      deps.config.heartbeatTimeoutSeconds,
      timing.deadlineMarginMs,
      context?.getRemainingTimeInMillis(),
    );
    log.step("event", "launch", {
      autoScalingGroupName: parsed.autoScalingGroupName,
      lifecycleHookName: parsed.lifecycleHookName,
      origin: parsed.origin,
      destination: parsed.destination,
      budgetMs: deadlineMs - startedAtMs,
    });

    const aws = new AwsGateway(deps.ec2, deps.autoscaling, { policy, sleep, now, random }, log);
    let outcome: Outcome;
    if (parsed.destination === "WarmPool") {
      // Launching into the warm pool: the ENI is attached when the instance later enters the group
      // (Auto Scaling sends another launch action then, with Origin WarmPool).
      log.step("warm-pool", "skip-attach");
      outcome = { result: "CONTINUE", reason: "warm-pool" };
    } else {
      outcome = await attachStaticIp(
        { aws, config: deps.config, timing, now, sleep, deadlineMs },
        parsed.instanceId,
        log,
      );
    }

    log = log.with({ az: outcome.az, eniId: outcome.eniId });
    const completion = await complete(aws, parsed, outcome, log);
    log.step("done", outcome.result, {
      reason: outcome.reason,
      detail: outcome.detail,
      publicIp: outcome.publicIp,
      completion,
      awsCalls: aws.totalCalls,
    });
    return {
      status: "handled",
      instanceId: parsed.instanceId,
      result: outcome.result,
      reason: outcome.reason,
      completion,
      awsCalls: aws.totalCalls,
    };

    async function reconcile(
      eventId: string | undefined,
      ruleArn: string | undefined,
      lambdaContext: LambdaContextLike | undefined,
    ): Promise<HandlerResult> {
      const groupNames = deps.config.edgeGroupNames ?? [];
      const runLog = log.with({ eventId });
      if (groupNames.length === 0) {
        runLog.step("reconcile", "not-configured", {}, "error");
        throw new Error(
          "static-ip-attacher: EDGE_GROUP_NAMES (undefined) must be set for the reconcile; " +
            'set it to a JSON array of the edge group names, e.g. ["main-edge-eu-west-2a"]',
        );
      }
      // No lifecycle hook is waiting: the budget is the Lambda's own time (the heartbeat bounds it
      // where there is no Lambda context, as in tests).
      const deadlineMs = deadlineFor(
        undefined,
        startedAtMs,
        deps.config.heartbeatTimeoutSeconds,
        timing.deadlineMarginMs,
        lambdaContext?.getRemainingTimeInMillis(),
      );
      runLog.step("event", "reconcile", {
        ruleArn,
        groups: groupNames.join(","),
        budgetMs: deadlineMs - startedAtMs,
      });
      const aws = new AwsGateway(deps.ec2, deps.autoscaling, { policy, sleep, now, random }, runLog);
      const azs = await reconcileStaticIps(
        { aws, config: deps.config, timing, now, sleep, deadlineMs },
        groupNames,
        runLog,
      );
      const counts = new Map<string, number>();
      for (const r of azs) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
      const failed = azs.some((r) => r.action === "failed");
      runLog.step(
        "done",
        failed ? "reconcile-failed" : "reconciled",
        { ...Object.fromEntries(counts), awsCalls: aws.totalCalls },
        failed ? "error" : "info",
      );
      // Throwing makes the failure count: the Errors alarm, Lambda's retries, then the dead-letter queue.
      if (failed) throw new ReconcileFailedError(azs);
      return { status: "reconciled", azs, awsCalls: aws.totalCalls };
    }
  };
}

async function complete(
  aws: AwsGateway,
  action: LaunchAction,
  outcome: Outcome,
  log: StepLogger,
): Promise<Extract<HandlerResult, { status: "handled" }>["completion"]> {
  try {
    await aws.completeLifecycleAction({
      autoScalingGroupName: action.autoScalingGroupName,
      lifecycleHookName: action.lifecycleHookName,
      lifecycleActionToken: action.lifecycleActionToken,
      instanceId: action.instanceId,
      result: outcome.result,
    });
    log.step("complete", outcome.result, { reason: outcome.reason });
    return "completed";
  } catch (error) {
    const code = errorCode(error);
    if (code === LIFECYCLE_ACTION_GONE) {
      log.step("complete", "already-completed", {
        lifecycleResult: outcome.result,
        error: errorMessage(error),
      });
      return "already-completed";
    }
    if (outcome.reason === "instance-gone") {
      // Nothing left to report on; the hook's timeout cleans up.
      log.step("complete", "failed-ignored", { code, error: errorMessage(error) }, "warn");
      return "failed-ignored";
    }
    // Throwing makes Lambda retry the event (then the dead-letter queue); the handler is idempotent.
    log.step("complete", "failed", { code, error: errorMessage(error) }, "error");
    throw error;
  }
}

/** Request timeouts keep one hung call from eating the lifecycle hook's heartbeat. */
const CLIENT_SETTINGS = {
  maxAttempts: 1, // retry.ts is the only retry layer
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
} as const;

let lambdaHandler: StaticIpHandler | undefined;

/**
 * The Lambda handler (runtime nodejs22.x). Configuration comes from the environment: `ENI_BY_AZ`,
 * `DEVICE_INDEX`, `HEARTBEAT_TIMEOUT_SECONDS`, `EDGE_GROUP_NAMES` (see config.ts and README.md).
 */
export async function handler(event: unknown, context?: LambdaContextLike): Promise<HandlerResult> {
  if (lambdaHandler === undefined) {
    // A bad environment fails every invocation loudly (errors alarm, events go to the DLQ); nothing is cached.
    const config = loadConfig(process.env);
    lambdaHandler = createHandler({
      ec2: new EC2Client(CLIENT_SETTINGS),
      autoscaling: new AutoScalingClient(CLIENT_SETTINGS),
      config,
    });
  }
  return lambdaHandler(event, context);
}
