/**
 * The EventBridge event Amazon EC2 Auto Scaling sends for a launch lifecycle hook, and its validation.
 * Shape: https://docs.aws.amazon.com/autoscaling/ec2/userguide/prepare-for-lifecycle-notifications.html
 */

/** `detail-type` of the event this handler acts on. */
export const LAUNCH_DETAIL_TYPE = "EC2 Instance-launch Lifecycle Action";
/** `source` of every Auto Scaling event. */
export const AUTOSCALING_SOURCE = "aws.autoscaling";
/** `detail.LifecycleTransition` of a launch. */
export const LAUNCHING_TRANSITION = "autoscaling:EC2_INSTANCE_LAUNCHING";
/** Sent once when a hook's notification target is set up; carries no instance. */
export const TEST_NOTIFICATION = "autoscaling:TEST_NOTIFICATION";
/** `detail-type` of an EventBridge schedule's event: the reconcile. */
export const SCHEDULED_DETAIL_TYPE = "Scheduled Event";
/** `source` of an EventBridge schedule's event. */
export const EVENTS_SOURCE = "aws.events";

/** `detail` of a launch lifecycle action, as Auto Scaling sends it. */
export interface LaunchLifecycleDetail {
  readonly LifecycleActionToken: string;
  readonly AutoScalingGroupName: string;
  readonly LifecycleHookName: string;
  readonly EC2InstanceId: string;
  readonly LifecycleTransition: string;
  readonly NotificationMetadata?: string;
  /** `EC2` or `WarmPool`. */
  readonly Origin?: string;
  /** `AutoScalingGroup` or `WarmPool`. */
  readonly Destination?: string;
}

/** The EventBridge envelope of a launch lifecycle action. */
export interface LaunchLifecycleEvent {
  readonly version: string;
  readonly id: string;
  readonly "detail-type": string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: LaunchLifecycleDetail;
}

/** A launch the handler must act on, with the fields it needs. */
export interface LaunchAction {
  readonly kind: "launch";
  readonly eventId: string | undefined;
  /** Event time (ms since epoch); undefined when absent or unparsable. */
  readonly eventTimeMs: number | undefined;
  readonly instanceId: string;
  readonly autoScalingGroupName: string;
  readonly lifecycleHookName: string;
  readonly lifecycleActionToken: string;
  readonly origin: string | undefined;
  readonly destination: string | undefined;
}

/** A scheduled run of the reconcile (an EventBridge schedule rule's event). */
export interface ReconcileRequest {
  readonly kind: "reconcile";
  readonly eventId: string | undefined;
  /** The rule that fired, from `resources`. */
  readonly ruleArn: string | undefined;
}

/** An event the handler logs and leaves alone. */
export interface IgnoredEvent {
  readonly kind: "ignored";
  readonly reason: "test-notification" | "not-a-launch-lifecycle-action";
  readonly detailType: string | undefined;
}

/** Result of {@link parseEvent}. */
export type ParsedEvent = LaunchAction | ReconcileRequest | IgnoredEvent;

/** Thrown for an event that claims to be a launch lifecycle action but cannot be acted on. */
export class InvalidLifecycleEventError extends Error {
  override readonly name = "InvalidLifecycleEventError";
}

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
const LAUNCHING_TRANSITION_PATTERN = /^autoscaling:EC2_INSTANCE_LAUNCHING$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * Classifies an incoming Lambda event. A launch lifecycle action is validated in full; an
 * EventBridge "Scheduled Event" asks for a reconcile; a test notification or any other event is
 * reported as ignored. Throws {@link InvalidLifecycleEventError},
 * naming every bad field, when the input is not an event at all or is a launch with fields missing.
 */
export function parseEvent(input: unknown): ParsedEvent {
  if (!isRecord(input)) {
    throw new InvalidLifecycleEventError(
      `static-ip-attacher: event (${JSON.stringify(input) ?? String(input)}) must be an EventBridge event object; ` +
        "invoke the function from an EventBridge rule without an input transformer",
    );
  }
  const detailType = optionalString(input["detail-type"]);
  const detail = input.detail;
  if (
    isRecord(detail) &&
    (detail.LifecycleTransition === TEST_NOTIFICATION || detail.Event === TEST_NOTIFICATION)
  ) {
    return { kind: "ignored", reason: "test-notification", detailType };
  }
  if (detailType === SCHEDULED_DETAIL_TYPE && input.source === EVENTS_SOURCE) {
    const resources = Array.isArray(input.resources) ? input.resources : [];
    return { kind: "reconcile", eventId: optionalString(input.id), ruleArn: optionalString(resources[0]) };
  }
  if (detailType !== LAUNCH_DETAIL_TYPE || input.source !== AUTOSCALING_SOURCE) {
    return { kind: "ignored", reason: "not-a-launch-lifecycle-action", detailType };
  }

  const invalid = (problems: readonly string[]): InvalidLifecycleEventError =>
    new InvalidLifecycleEventError(
      `static-ip-attacher: invalid "${LAUNCH_DETAIL_TYPE}" event: ${problems.join("; ")}; ` +
        "the EventBridge rule must deliver the event unmodified (no input transformer)",
    );
  if (!isRecord(detail)) {
    throw invalid([`detail (${JSON.stringify(detail) ?? "undefined"}) must be an object`]);
  }
  const problems: string[] = [];
  const field = (key: keyof LaunchLifecycleDetail, pattern?: RegExp, like?: string): string => {
    const value = detail[key];
    if (typeof value === "string" && value !== "" && (pattern === undefined || pattern.test(value)))
      return value;
    problems.push(
      `detail.${key} (${JSON.stringify(value) ?? "undefined"}) must be ${like ?? "a non-empty string"}`,
    );
    return "";
  };
  const instanceId = field("EC2InstanceId", INSTANCE_ID, "an instance id like i-0123456789abcdef0");
  const autoScalingGroupName = field("AutoScalingGroupName");
  const lifecycleHookName = field("LifecycleHookName");
  const lifecycleActionToken = field("LifecycleActionToken");
  field("LifecycleTransition", LAUNCHING_TRANSITION_PATTERN, `"${LAUNCHING_TRANSITION}"`);
  if (problems.length > 0) throw invalid(problems);

  const time = optionalString(input.time);
  const parsedTime = time === undefined ? Number.NaN : Date.parse(time);
  return {
    kind: "launch",
    eventId: optionalString(input.id),
    eventTimeMs: Number.isFinite(parsedTime) ? parsedTime : undefined,
    instanceId,
    autoScalingGroupName,
    lifecycleHookName,
    lifecycleActionToken,
    origin: optionalString(detail.Origin),
    destination: optionalString(detail.Destination),
  };
}
