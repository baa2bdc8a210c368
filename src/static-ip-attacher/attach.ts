/**
 * The decision logic: find the instance's AZ and ENI, free the ENI from a departing owner if needed,
 * attach it, wait until attached. Returns the lifecycle result to report; never throws.
 */
import { AttachmentView, AwsGateway, EniView, INSTANCE_NOT_FOUND, InstanceView } from "./aws";
import { AttacherConfig } from "./config";
import { StepLogger } from "./log";
import { errorCode, errorMessage } from "./retry";

/** Result reported to the lifecycle hook. */
export type LifecycleResult = "CONTINUE" | "ABANDON";

/** Why the handler reports what it reports (see the decision table in README.md). */
export type OutcomeReason =
  | "attached"
  | "already-attached"
  | "warm-pool"
  | "instance-gone"
  | "no-eni-for-az"
  | "eni-not-found"
  | "eni-in-other-az"
  | "device-index-taken"
  | "eni-in-use"
  | "deadline-exceeded"
  | "aws-error";

/** The decision for one launch. */
export interface Outcome {
  readonly result: LifecycleResult;
  readonly reason: OutcomeReason;
  /** Why, in words, for a failure. */
  readonly detail?: string;
  /** Public (Elastic) IP of the ENI once attached. */
  readonly publicIp?: string;
  /** The instance's AZ, once known. */
  readonly az?: string;
  /** The ENI chosen for it, once known. */
  readonly eniId?: string;
}

/** Pacing of polls and give-up points. */
export interface Timing {
  /** First wait before reading an ENI again; grows ×1.5 per poll. */
  readonly pollInitialMs: number;
  /** Longest wait between two polls. */
  readonly pollMaxMs: number;
  /** How long a normal detach may take before it is forced. */
  readonly forceDetachAfterMs: number;
  /** How long "instance not found" is retried for (EC2 reads are eventually consistent after launch). */
  readonly notFoundGraceMs: number;
  /** Time kept in hand before the hook's heartbeat (and the Lambda timeout) to report ABANDON. */
  readonly deadlineMarginMs: number;
}

/** Defaults of {@link Timing}. */
export const DEFAULT_TIMING: Timing = {
  pollInitialMs: 1_000,
  pollMaxMs: 5_000,
  forceDetachAfterMs: 15_000,
  notFoundGraceMs: 10_000,
  deadlineMarginMs: 10_000,
};

/** EC2 states of an instance that will never run again. */
const GONE_STATES: ReadonlySet<string> = new Set(["shutting-down", "terminated"]);
/** States of an ENI owner that is on its way out (an ENI can be taken from it). */
const LEAVING_STATES: ReadonlySet<string> = new Set(["shutting-down", "stopping", "stopped"]);
/** Attachment states in which the ENI is (or is about to be) on an instance. */
const HELD_STATES: ReadonlySet<string> = new Set(["attaching", "attached"]);
/** EC2's answer to attaching to an instance that is still `pending`. */
const NOT_READY_CODES: ReadonlySet<string> = new Set(["IncorrectInstanceState", "IncorrectState"]);

class DeadlineExceeded extends Error {
  constructor(readonly step: string) {
    super(`deadline reached during ${step}`);
  }
}

class InstanceGone extends Error {}

type Owner = { readonly kind: "gone" | "leaving" | "healthy"; readonly state: string };

/** Dependencies of {@link attachStaticIp}. */
export interface AttachDeps {
  readonly aws: AwsGateway;
  readonly config: AttacherConfig;
  readonly timing: Timing;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Instant (ms since epoch) after which the handler stops trying and reports ABANDON. */
  readonly deadlineMs: number;
}

/** Attaches the static-IP ENI of the instance's AZ to `instanceId`. */
export function attachStaticIp(deps: AttachDeps, instanceId: string, log: StepLogger): Promise<Outcome> {
  return new Attachment(deps, instanceId, log).run();
}

class Attachment {
  constructor(
    private readonly deps: AttachDeps,
    private readonly instanceId: string,
    private log: StepLogger,
  ) {}

  private context: { az?: string; eniId?: string } = {};

  async run(): Promise<Outcome> {
    return { ...(await this.decideSafely()), ...this.context };
  }

  private async decideSafely(): Promise<Outcome> {
    try {
      return await this.decide();
    } catch (error) {
      if (error instanceof DeadlineExceeded) {
        this.log.step("deadline", "exceeded", { during: error.step }, "warn");
        return this.abandon("deadline-exceeded", error.message);
      }
      if (error instanceof InstanceGone) {
        this.log.step("attach", "instance-gone", {}, "warn");
        return this.abandon("instance-gone", "the instance disappeared while attaching");
      }
      this.log.step("error", errorCode(error) ?? "error", { error: errorMessage(error) }, "error");
      return this.abandon("aws-error", `${errorCode(error) ?? "error"}: ${errorMessage(error)}`);
    }
  }

  private abandon(reason: OutcomeReason, detail: string): Outcome {
    return { result: "ABANDON", reason, detail };
  }

  private setContext(context: { az?: string; eniId?: string }): void {
    this.context = { ...this.context, ...context };
    this.log = this.log.with(context);
    this.deps.aws.useLogger(this.log);
  }

  private async decide(): Promise<Outcome> {
    const { config, deadlineMs, now } = this.deps;
    if (now() >= deadlineMs) throw new DeadlineExceeded("start (the hook's heartbeat has already run out)");

    const instance = await this.findInstance();
    if (instance === undefined || GONE_STATES.has(instance.state)) {
      const state = instance?.state ?? "not-found";
      this.log.step("describe-instance", "instance-gone", { state }, "warn");
      return this.abandon("instance-gone", `instance is ${state}`);
    }
    this.setContext({ az: instance.az });
    this.log.step("describe-instance", instance.state);

    const eniId = config.eniByAz.get(instance.az);
    if (eniId === undefined) {
      const configured = [...config.eniByAz.keys()].join(",");
      this.log.step("lookup-eni", "no-eni-for-az", { configuredAzs: configured }, "error");
      return this.abandon(
        "no-eni-for-az",
        `no ENI configured for ${instance.az} (ENI_BY_AZ has ${configured})`,
      );
    }
    this.setContext({ eniId });

    const taken = instance.interfaces.find((i) => i.deviceIndex === config.deviceIndex && i.eniId !== eniId);
    if (taken !== undefined) {
      this.log.step("lookup-eni", "device-index-taken", { otherEniId: taken.eniId }, "error");
      return this.abandon("device-index-taken", `device index ${config.deviceIndex} holds ${taken.eniId}`);
    }

    const eni = await this.deps.aws.describeEni(eniId, deadlineMs);
    if (eni === undefined) {
      this.log.step("describe-eni", "eni-not-found", {}, "error");
      return this.abandon("eni-not-found", `${eniId} does not exist`);
    }
    if (eni.az !== instance.az) {
      this.log.step("describe-eni", "eni-in-other-az", { eniAz: eni.az }, "error");
      return this.abandon("eni-in-other-az", `${eniId} is in ${eni.az}, the instance in ${instance.az}`);
    }

    const held = eni.attachment;
    if (held !== undefined && held.instanceId === this.instanceId && HELD_STATES.has(held.status)) {
      // A duplicate delivery, or a retry after a timeout: the work is done or under way.
      this.log.step("describe-eni", "already-attached", { attachmentStatus: held.status });
      const attached = held.status === "attached" ? eni : await this.waitAttached(eniId);
      return { result: "CONTINUE", reason: "already-attached", publicIp: attached.publicIp };
    }
    if (held !== undefined) {
      const refused = await this.takeFromOwner(eni, held);
      if (refused !== undefined) return refused;
    } else {
      this.log.step("describe-eni", eni.status);
    }

    await this.attach(eniId);
    const attached = await this.waitAttached(eniId);
    return { result: "CONTINUE", reason: "attached", publicIp: attached.publicIp };
  }

  /** Frees the ENI from its current holder, or returns the refusal when that holder must keep it. */
  private async takeFromOwner(eni: EniView, held: AttachmentView): Promise<Outcome | undefined> {
    this.log.step("describe-eni", "in-use", {
      ownerInstanceId: held.instanceId,
      attachmentStatus: held.status,
      deviceIndex: held.deviceIndex,
    });
    if (held.instanceId === this.instanceId) {
      // Being detached from this very instance: let that finish, then attach again.
      await this.free(eni, false);
      return undefined;
    }
    if (held.deviceIndex === 0) {
      this.log.step(
        "refuse",
        "primary-interface-of-other-instance",
        { ownerInstanceId: held.instanceId },
        "error",
      );
      return this.abandon("eni-in-use", `${eni.eniId} is the primary interface of ${held.instanceId}`);
    }
    const owner = await this.classifyOwner(held.instanceId);
    this.log.step("check-owner", owner.kind, { ownerInstanceId: held.instanceId, ownerState: owner.state });
    if (owner.kind === "healthy") {
      // Never steal: the healthy owner is serving the static IP right now.
      this.log.step("refuse", "owner-healthy", { ownerInstanceId: held.instanceId }, "warn");
      return this.abandon(
        "eni-in-use",
        `${eni.eniId} is attached to healthy ${held.instanceId} (${owner.state})`,
      );
    }
    await this.free(eni, owner.kind === "gone");
    return undefined;
  }

  /** DescribeInstances, retrying "not found" for a short grace: a just-launched instance may not be visible yet. */
  private async findInstance(): Promise<InstanceView | undefined> {
    const { aws, timing, now, sleep, deadlineMs } = this.deps;
    const graceUntil = Math.min(now() + timing.notFoundGraceMs, deadlineMs);
    let delay = timing.pollInitialMs;
    for (;;) {
      const instance = await aws.describeInstance(this.instanceId, deadlineMs);
      if (instance !== undefined || now() + delay > graceUntil) return instance;
      await sleep(delay);
      delay = this.nextDelay(delay);
    }
  }

  private async classifyOwner(ownerId: string): Promise<Owner> {
    const { aws, deadlineMs } = this.deps;
    const owner = await aws.describeInstance(ownerId, deadlineMs);
    if (owner === undefined) return { kind: "gone", state: "not-found" };
    if (owner.state === "terminated") return { kind: "gone", state: owner.state };
    if (LEAVING_STATES.has(owner.state)) return { kind: "leaving", state: owner.state };
    // Still running, but Auto Scaling may be terminating it (e.g. held in Terminating:Wait by a drain hook).
    const lifecycle = await aws.lifecycleState(ownerId, deadlineMs);
    const state = lifecycle === undefined ? owner.state : `${owner.state}/${lifecycle}`;
    return { kind: lifecycle?.startsWith("Terminating") ? "leaving" : "healthy", state };
  }

  /**
   * Detaches the ENI from its departing owner and waits until it is `available`. The detach is forced
   * at once when the owner is gone (nothing left to detach cleanly), otherwise only after a normal
   * detach has had `forceDetachAfterMs`.
   */
  private async free(eni: EniView, ownerGone: boolean): Promise<void> {
    const { aws, timing, now, deadlineMs } = this.deps;
    const held = eni.attachment;
    if (held === undefined) return;
    let forced = false;
    if (HELD_STATES.has(held.status)) {
      forced = ownerGone;
      const sent = await aws.detach(held.attachmentId, forced, deadlineMs);
      this.log.step("detach", sent, { attachmentId: held.attachmentId, force: forced });
    } else {
      this.log.step("detach", "already-detaching", { attachmentId: held.attachmentId });
    }
    const isFree = (e: EniView): boolean => e.status === "available" && e.attachment === undefined;
    let freed = await this.waitFor(
      "wait-detached",
      eni.eniId,
      isFree,
      forced ? deadlineMs : now() + timing.forceDetachAfterMs,
    );
    if (freed === undefined && !forced) {
      const sent = await aws.detach(held.attachmentId, true, deadlineMs);
      this.log.step("detach", sent, { attachmentId: held.attachmentId, force: true }, "warn");
      freed = await this.waitFor("wait-detached", eni.eniId, isFree, deadlineMs);
    }
    if (freed === undefined) throw new DeadlineExceeded("wait-detached");
  }

  private async attach(eniId: string): Promise<void> {
    const { aws, config, now, sleep, deadlineMs } = this.deps;
    let delay = this.deps.timing.pollInitialMs;
    for (;;) {
      try {
        const attachmentId = await aws.attach(eniId, this.instanceId, config.deviceIndex, deadlineMs);
        this.log.step("attach", "sent", { attachmentId, deviceIndex: config.deviceIndex });
        return;
      } catch (error) {
        const code = errorCode(error);
        if (code === INSTANCE_NOT_FOUND) throw new InstanceGone();
        if (code !== undefined && NOT_READY_CODES.has(code) && now() + delay < deadlineMs) {
          // Still pending (retry), or terminated meanwhile (give up): only a fresh read tells which.
          const current = await aws.describeInstance(this.instanceId, deadlineMs);
          if (current === undefined || GONE_STATES.has(current.state)) throw new InstanceGone();
          this.log.step(
            "attach",
            "instance-not-ready",
            { code, state: current.state, retryInMs: delay },
            "warn",
          );
          await sleep(delay);
          delay = this.nextDelay(delay);
          continue;
        }
        // A duplicate delivery may have attached it between our read and our call.
        const eni = await aws.describeEni(eniId, deadlineMs);
        const held = eni?.attachment;
        if (held?.instanceId === this.instanceId && HELD_STATES.has(held.status)) {
          this.log.step("attach", "attached-by-duplicate", { attachmentStatus: held.status });
          return;
        }
        throw error;
      }
    }
  }

  private async waitAttached(eniId: string): Promise<EniView> {
    const attached = await this.waitFor(
      "wait-attached",
      eniId,
      (e) => e.attachment?.instanceId === this.instanceId && e.attachment.status === "attached",
      this.deps.deadlineMs,
    );
    if (attached === undefined) throw new DeadlineExceeded("wait-attached");
    return attached;
  }

  /** Polls the ENI until `done` holds (returns it) or `untilMs` passes (returns undefined). Logs one line. */
  private async waitFor(
    step: string,
    eniId: string,
    done: (eni: EniView) => boolean,
    untilMs: number,
  ): Promise<EniView | undefined> {
    const { aws, now, sleep, deadlineMs } = this.deps;
    let delay = this.deps.timing.pollInitialMs;
    let polls = 0;
    let last: EniView | undefined;
    for (;;) {
      const remaining = Math.min(untilMs, deadlineMs) - now();
      if (remaining <= 0) {
        this.log.step(
          step,
          "timeout",
          { polls, status: last?.status, attachmentStatus: last?.attachment?.status },
          "warn",
        );
        return undefined;
      }
      await sleep(Math.min(delay, remaining));
      last = await aws.describeEni(eniId, deadlineMs);
      polls++;
      if (last === undefined) throw new Error(`${eniId} disappeared while waiting (${step})`);
      if (done(last)) {
        this.log.step(step, last.attachment?.status ?? last.status, { polls, publicIp: last.publicIp });
        return last;
      }
      delay = this.nextDelay(delay);
    }
  }

  private nextDelay(delay: number): number {
    return Math.min(Math.round(delay * 1.5), this.deps.timing.pollMaxMs);
  }
}
