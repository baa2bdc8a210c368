/**
 * The I/O half of the plan review: runs Terraform per stack (init, plan, show -json), checkov on
 * each plan, and hands the plans to the pure analysis. Also the local deploy (plan, review, gate,
 * then apply exactly the reviewed plan, stack by stack) and the app teardown.
 */
import type { EnvironmentConfig } from "../../stacks/config";
import {
  analyzePlan,
  evaluateGate,
  Gate,
  constructPathsOf,
  preventDestroyAddresses,
  Protection,
  Review,
  StackReview,
  unplannedStack,
} from "./analyze";
import { loadPriceTable } from "../cost/prices";
import { runCheckovOnPlan, runCheckovOnPlans } from "./checkov";
import { explainPlanError } from "./ecs-service";
import { SynthesizedApp, SynthesizedStack } from "./synth";
import { Terraform, TerraformError } from "./terraform";

/** What a review or deploy works on. */
export interface RunContext {
  /** The environment's configuration (its backend and checkov exceptions). */
  readonly config: EnvironmentConfig;
  /** The environment, synthesized. */
  readonly app: SynthesizedApp;
  /** Let protected resources be deleted or replaced on purpose. */
  readonly allowDestroyProtected: boolean;
  /** Progress lines (stderr by default). */
  readonly log?: (line: string) => void;
}

function protectionOf(ctx: RunContext, stack: SynthesizedStack): Protection {
  return {
    preventDestroy: preventDestroyAddresses(stack.json),
    ...(ctx.config.backend.kind === "s3" ? { stateBucket: ctx.config.backend.bucket } : {}),
  };
}

function say(ctx: Pick<RunContext, "log">, line: string): void {
  (ctx.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
}

/**
 * Plans one stack and reviews the plan, checkov included. Never throws for a failed plan.
 * `initialized`: the caller ran `terraform init` in the stack's directory already.
 */
async function planStack(
  ctx: RunContext,
  stack: SynthesizedStack,
  deployed: ReadonlySet<string>,
  initialized = false,
): Promise<StackReview> {
  const review = await planOnly(ctx, stack, deployed, initialized);
  if (review.status !== "planned") return review;
  say(ctx, `checkov on ${stack.id}'s plan`);
  const checkov = await runCheckovOnPlan(
    new Terraform(stack.dir).planJsonPath,
    ctx.config.checkovExceptions.map((x) => x.id),
  );
  return { ...review, checkov };
}

/** Plans one stack and reviews the plan, without checkov. Never throws for a failed plan. */
async function planOnly(
  ctx: RunContext,
  stack: SynthesizedStack,
  deployed: ReadonlySet<string>,
  initialized: boolean,
): Promise<StackReview> {
  const tf = new Terraform(stack.dir);
  if (!initialized) await tf.init();
  const missing = stack.dependencies.filter((d) => !deployed.has(d));
  if (missing.length) {
    return unplannedStack(
      stack.id,
      "not-planned",
      `it reads ${missing.join(", ")} (cross-stack references), which is not deployed yet; deploy that first`,
    );
  }
  say(ctx, `planning ${stack.id}`);
  let review: StackReview;
  try {
    review = analyzePlan(stack.id, await tf.plan(), protectionOf(ctx, stack), constructPathsOf(stack.json), {
      region: ctx.config.region,
      table: loadPriceTable(),
    });
  } catch (e) {
    if (!(e instanceof TerraformError)) throw e;
    return failedPlan(stack.id, e);
  }
  return review;
}

/**
 * The review of a stack whose plan failed: Terraform's error as the note (refused when it is
 * `prevent_destroy`'s), and for an error the review knows (`explainPlanError`), what it means and
 * the fix.
 */
export function failedPlan(stackId: string, e: TerraformError): StackReview {
  const detail = e.stderr.replace(/\s+/g, " ").trim().slice(0, 600);
  const refused = /prevent_destroy/.test(e.stderr);
  const known = explainPlanError(e.stderr);
  return unplannedStack(stackId, refused ? "refused" : "error", detail || e.message, known?.lines);
}

/** Whether a stack has anything in its state (after `terraform init` in its directory). */
async function isDeployed(stack: SynthesizedStack): Promise<boolean> {
  const tf = new Terraform(stack.dir);
  await tf.init();
  return (await tf.stateList()).length > 0;
}

/**
 * Reviews every stack of the environment without changing anything. A stack whose dependency has
 * no state yet is reported as not planned (its cross-stack inputs do not exist).
 */
export async function reviewEnvironment(ctx: RunContext): Promise<Review> {
  const planned: StackReview[] = [];
  const deployed = new Set<string>();
  for (const stack of ctx.app.stacks) {
    if (await isDeployed(stack)) deployed.add(stack.id);
    planned.push(await planOnly(ctx, stack, deployed, true));
  }
  // Nothing is applied here, so checkov scans every plan at the end, in one process.
  const scan = ctx.app.stacks.filter((_, i) => planned[i]!.status === "planned");
  if (scan.length) say(ctx, `checkov on the plans of ${scan.map((s) => s.id).join(", ")}`);
  const outcomes =
    scan.length === 0
      ? []
      : await runCheckovOnPlans(
          scan.map((s) => new Terraform(s.dir).planJsonPath),
          ctx.config.checkovExceptions.map((x) => x.id),
        );
  const reviews = planned.map((r, i) => {
    const at = scan.indexOf(ctx.app.stacks[i]!);
    return at < 0 ? r : { ...r, checkov: outcomes[at] };
  });
  return {
    environment: ctx.config.name,
    stacks: reviews,
    gate: evaluateGate(reviews, { allowDestroyProtected: ctx.allowDestroyProtected }),
  };
}

/** What a deploy did. */
export interface DeployResult {
  /** The reviews of the plans that were applied (or stopped the deploy), and the gate. */
  readonly review: Review;
  /** Stacks applied (those with changes). */
  readonly applied: readonly string[];
  /** Outputs of every stack, when the deploy went through. */
  readonly outputs: Readonly<Record<string, Record<string, unknown>>>;
}

/**
 * Deploys the environment stack by stack, dependencies first: plan, review, gate, then apply the
 * reviewed plan file itself. The gate blocks on protected resources (unless allowed) and on
 * refused or failed plans; checkov's findings are reviewed and reported but block only with
 * `checkovBlocks` (`npm run review` always blocks on them).
 */
export async function deployEnvironment(
  ctx: RunContext & { readonly checkovBlocks: boolean },
): Promise<DeployResult> {
  const reviews: StackReview[] = [];
  const applied: string[] = [];
  const deployed = new Set<string>();
  for (const stack of ctx.app.stacks) {
    const review = await planStack(ctx, stack, deployed);
    reviews.push(review);
    const gate = deployGate([review], ctx);
    if (!gate.passed) {
      return {
        review: { environment: ctx.config.name, stacks: reviews, gate: deployGate(reviews, ctx) },
        applied,
        outputs: {},
      };
    }
    // A move or an import that changes nothing else is still a change of the state to apply.
    const changes = review.changes.length + review.state.length + review.outputs.length;
    if (changes > 0) {
      say(ctx, `applying ${stack.id}'s reviewed plan`);
      await new Terraform(stack.dir).applyPlan({ echo: true });
      applied.push(stack.id);
    } else {
      say(ctx, `${stack.id}: no changes`);
    }
    deployed.add(stack.id);
  }
  const outputs: Record<string, Record<string, unknown>> = {};
  for (const stack of ctx.app.stacks) {
    outputs[stack.id] = declaredOutputs(await new Terraform(stack.dir).outputs());
  }
  return {
    review: { environment: ctx.config.name, stacks: reviews, gate: deployGate(reviews, ctx) },
    applied,
    outputs,
  };
}

/** Prefix of the outputs cdktf adds to a stack that another stack reads (cross-stack references). */
export const CROSS_STACK_OUTPUT_PREFIX = "cross-stack-output-";

/**
 * A stack's outputs as its author declared them: without cdktf's cross-stack plumbing
 * (`cross-stack-output-aws_network_interface…`), which only the stacks that read it need.
 */
export function declaredOutputs(outputs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outputs).filter(([name]) => !name.startsWith(CROSS_STACK_OUTPUT_PREFIX)),
  );
}

function deployGate(
  reviews: readonly StackReview[],
  ctx: RunContext & { readonly checkovBlocks: boolean },
): Gate {
  if (ctx.checkovBlocks) return evaluateGate(reviews, ctx);
  const withoutCheckov = reviews.map((r) => ({ ...r, checkov: undefined }));
  const gate = evaluateGate(withoutCheckov, ctx);
  const reported = reviews.flatMap((r) =>
    (r.checkov?.findings ?? []).map(
      (f) =>
        `${r.stack}: checkov ${f.id} failed on ${f.resource} (reported; \`npm run review\` blocks on it)`,
    ),
  );
  return { ...gate, allowed: [...gate.allowed, ...reported] };
}

/** What a teardown removed and kept. */
export interface DestroyResult {
  readonly destroyed: readonly string[];
  /** Stacks kept, each with the addresses in its state. */
  readonly kept: Readonly<Record<string, readonly string[]>>;
}

/**
 * Destroys the environment's stacks in reverse dependency order: only those `shouldDestroy`
 * picks (the app alone by default: the foundation, with the zone and the static IPs, stays).
 */
export async function destroyEnvironment(
  ctx: Pick<RunContext, "app" | "log">,
  shouldDestroy: (stack: SynthesizedStack) => boolean,
): Promise<DestroyResult> {
  const destroyed: string[] = [];
  const kept: Record<string, string[]> = {};
  for (const stack of [...ctx.app.stacks].reverse()) {
    const tf = new Terraform(stack.dir);
    await tf.init();
    if (shouldDestroy(stack)) {
      say(ctx, `destroying ${stack.id}`);
      await tf.destroy({ echo: true });
      destroyed.push(stack.id);
    } else {
      kept[stack.id] = await tf.stateList();
    }
  }
  return { destroyed, kept };
}
