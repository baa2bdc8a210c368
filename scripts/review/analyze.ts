/**
 * The pure half of the plan review: from one stack's plan JSON to a {@link StackReview}, and from
 * every stack's review (and checkov's findings) to the gate's verdict. No I/O here; `run.ts` runs
 * Terraform and checkov, `render.ts` prints.
 */
import { costDelta, CostDelta } from "../cost/estimate";
import { MissingPriceError, PriceTable } from "../cost/prices";
import { downtimeWarningOf } from "./ecs-service";
import { Change, PlanJson, ResourceChange, SensitiveMask } from "./plan-json";

/**
 * What a change does to a resource. `forget`: a `removed` block with `destroy = false` takes it out
 * of the state and leaves the object itself in AWS (Terraform 1.7 and later).
 */
export type Action = "create" | "update" | "replace" | "delete" | "forget" | "read" | "no-op";

/** Every {@link Action}, in the order the review counts them. */
export const ACTIONS: readonly Action[] = [
  "create",
  "update",
  "replace",
  "delete",
  "forget",
  "read",
  "no-op",
];

/**
 * What Terraform's `action_reason` codes mean (the plan JSON's documented values), for readers.
 * See https://developer.hashicorp.com/terraform/internals/json-format ("action_reason").
 */
export const ACTION_REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: "the object is tainted (a create or an apply failed part way)",
  replace_because_cannot_update: "an attribute that cannot change in place changes (see forced by)",
  replace_by_request: "replacement was asked for (-replace)",
  replace_by_triggers: "a replace_triggered_by reference changed",
  delete_because_no_resource_config: "its resource is no longer in the configuration",
  delete_because_no_module: "its module is no longer in the configuration",
  delete_because_wrong_repetition: "count or for_each was added or removed",
  delete_because_count_index: "its count index is past the new count",
  delete_because_each_key: "its for_each key is no longer in the map",
  delete_because_no_move_target: "a moved block points at an address that is not in the configuration",
  read_because_config_unknown: "the data source's arguments are known only after apply",
  read_because_dependency_pending: "a resource it depends on has pending changes",
  read_because_check_nested: "a check block reads it",
};

/** Shown instead of a sensitive value. */
export const SENSITIVE = "(sensitive)";
/** Shown instead of a value known only after apply. */
export const UNKNOWN = "(known after apply)";

/** Resource types the gate protects, with a label: losing one loses something that cannot be had back. */
export const PROTECTED_TYPES: Readonly<Record<string, string>> = {
  aws_eip: "Elastic IP (its address is gone for good once released)",
  aws_route53_zone: "Route 53 zone (a new zone gets new name servers and an empty record set)",
};

/** What else the gate protects, beyond {@link PROTECTED_TYPES}. */
export interface Protection {
  /** Name of the Terraform state bucket (S3 backend): a bucket of that name is protected. */
  readonly stateBucket?: string;
  /** Addresses whose configuration sets `lifecycle.prevent_destroy`. */
  readonly preventDestroy?: readonly string[];
}

/** One attribute that differs between before and after (values masked). */
export interface AttributeChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** One resource in the review. */
export interface ResourceEntry {
  readonly address: string;
  readonly type: string;
  readonly action: Action;
  /** Why it is protected, when it is. */
  readonly protected?: string;
  /** For a replacement: the attributes that force it (`replace_paths`). */
  readonly forcedBy?: readonly string[];
  /** Terraform's reason for the action, e.g. `replace_because_cannot_update` ({@link ACTION_REASONS}). */
  readonly reason?: string;
  /** The address it had in the state, when a `moved` block moves it (`previous_address`). */
  readonly movedFrom?: string;
  /** The id it is imported by, when an `import` block brings it into the state. */
  readonly importId?: string;
  /** What puts it in a group (IAM, security group, exposure, encryption). */
  readonly why?: readonly string[];
  /**
   * The construct path that made it (the synthesized JSON's `//.metadata.path`), e.g.
   * `dev-app/cluster/instance-sg`; absent when the synthesized JSON does not say.
   */
  readonly construct?: string;
  /** The attributes that change (updates, replacements and drift). */
  readonly attributes: readonly AttributeChange[];
}

/** The groups the review shows apart. */
export interface Groups {
  readonly iam: readonly ResourceEntry[];
  readonly securityGroups: readonly ResourceEntry[];
  readonly publicExposure: readonly ResourceEntry[];
  readonly encryption: readonly ResourceEntry[];
}

/** A changed output (values masked). */
export interface OutputEntry {
  readonly name: string;
  readonly action: Action;
  readonly before: unknown;
  readonly after: unknown;
}

/** A failed checkov check. */
export interface CheckovFinding {
  readonly id: string;
  readonly name: string;
  readonly resource: string;
}

/** What checkov found in one stack's plan JSON. */
export interface CheckovOutcome {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly findings: readonly CheckovFinding[];
  /** Checks skipped: the project's list and the environment's exceptions. */
  readonly skippedChecks: readonly string[];
}

/**
 * A replacement that takes a service down: ECS deletes the old service (draining and stopping its
 * tasks) before Terraform creates the new one, so nothing serves in between.
 */
export interface DowntimeWarning {
  readonly address: string;
  readonly type: string;
  /** The attributes that force the replacement (`replace_paths`), as in {@link ResourceEntry.forcedBy}. */
  readonly forcedBy: readonly string[];
  /** What happens, in one line. */
  readonly message: string;
  /** How to make the same change without downtime. */
  readonly withoutDowntime: readonly string[];
}

/** The review of one stack. */
export interface StackReview {
  readonly stack: string;
  /**
   * `planned`; `not-planned` (a stack it depends on is not deployed yet); `refused` (Terraform
   * refused to plan: a `prevent_destroy` resource would be destroyed); `error` (the plan failed).
   */
  readonly status: "planned" | "not-planned" | "refused" | "error";
  /** Why it was not planned, or the error. */
  readonly note?: string;
  /**
   * For a plan that failed with an error the review knows (`explainPlanError` of ecs-service.ts):
   * what it means and the fix, line by line.
   */
  readonly explanation?: readonly string[];
  readonly counts: Readonly<Record<Action, number>>;
  /** Deletes and replacements, protected ones first. */
  readonly destructive: readonly ResourceEntry[];
  /** Replacements that take a service down (replaced ECS services), in plan order. */
  readonly warnings: readonly DowntimeWarning[];
  readonly groups: Groups;
  /** Every resource that changes (no no-ops, no reads; forgotten ones too), in plan order. */
  readonly changes: readonly ResourceEntry[];
  /**
   * What changes in the state only, or besides the resource: resources moved to a new address
   * (`moved`), imported (`import`), or forgotten (`removed` with `destroy = false`), in plan order;
   * with their action (a moved resource may also update, an imported one too).
   */
  readonly state: readonly ResourceEntry[];
  /** Changes made outside Terraform since the last apply (`resource_drift`). */
  readonly drift: readonly ResourceEntry[];
  readonly outputs: readonly OutputEntry[];
  /**
   * The changes grouped by the construct that made them (the resource's construct path without
   * its last segment, e.g. `dev-app/cluster`), constructs in path order.
   */
  readonly constructs: readonly ConstructChanges[];
  readonly checkov?: CheckovOutcome;
  /** What the plan changes in the stack's monthly estimate (fixed charges; scripts/cost). */
  readonly cost?: CostDelta;
  /** Why there is no cost delta, when prices were asked for and one is missing. */
  readonly costNote?: string;
}

/** The prices a review estimates its plans' cost delta at. */
export interface Pricing {
  readonly region: string;
  readonly table: PriceTable;
}

/** The changes one construct made. */
export interface ConstructChanges {
  /** The construct's path, e.g. `dev-app/cluster`; `(unknown)` for resources with no path. */
  readonly construct: string;
  readonly changes: ReadonlyArray<{ readonly address: string; readonly action: Action }>;
}

/** Construct paths by resource address, from a stack's synthesized JSON (`constructPathsOf`). */
export type ConstructPaths = Readonly<Record<string, string>>;

/** The gate's verdict. */
export interface Gate {
  readonly passed: boolean;
  /** Why it fails (empty when it passes). */
  readonly failures: readonly string[];
  /** What it let through on purpose (protected changes allowed by the override flag). */
  readonly allowed: readonly string[];
  /**
   * What it lets through but wants read before the apply: one line per replaced ECS service (its
   * downtime). Not a failure: the service comes back, unlike a protected resource.
   */
  readonly warnings: readonly string[];
}

/** The whole review of one environment. */
export interface Review {
  readonly environment: string;
  readonly stacks: readonly StackReview[];
  readonly gate: Gate;
}

/** The action of a change's action list. */
export function actionOf(actions: readonly string[]): Action {
  if (actions.length === 2 && actions.includes("delete") && actions.includes("create")) return "replace";
  const [first] = actions;
  if (
    first === "create" ||
    first === "update" ||
    first === "delete" ||
    first === "forget" ||
    first === "read"
  )
    return first;
  return "no-op";
}

/** `["ingress", 0, "cidr_blocks"]` → `ingress[0].cidr_blocks`; odd keys are quoted: `tags["managed-by"]`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  return path
    .map((step, i) => {
      if (typeof step === "number") return `[${step}]`;
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(step)) return i === 0 ? step : `.${step}`;
      return `[${JSON.stringify(step)}]`;
    })
    .join("");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function child(mask: SensitiveMask | undefined, key: string | number): SensitiveMask | undefined {
  if (mask === undefined || typeof mask === "boolean") return mask;
  return (mask as Record<string | number, SensitiveMask>)[key];
}

/** `value` with every sensitive part (per `mask`) replaced by {@link SENSITIVE}. */
export function maskSensitive(value: unknown, mask: SensitiveMask | undefined): unknown {
  if (mask === true) return SENSITIVE;
  if (mask === undefined || mask === false) return value;
  if (Array.isArray(value)) return value.map((v, i) => maskSensitive(v, child(mask, i)));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSensitive(v, child(mask, k))]));
  }
  return value;
}

/** `after` with every part known only after apply (per `unknown`) replaced by {@link UNKNOWN}. */
function withUnknowns(after: unknown, unknown: SensitiveMask | undefined): unknown {
  if (unknown === true) return UNKNOWN;
  if (unknown === undefined || unknown === false) return after;
  if (Array.isArray(unknown)) {
    const list = Array.isArray(after) ? after : [];
    const length = Math.max(list.length, unknown.length);
    return Array.from({ length }, (_, i) => withUnknowns(list[i], child(unknown, i)));
  }
  if (isObject(unknown)) {
    const base = isObject(after) ? { ...after } : {};
    for (const k of Object.keys(unknown)) base[k] = withUnknowns(base[k], child(unknown, k));
    return base;
  }
  return after;
}

/** The masked before and after values of a change (sensitive parts hidden, unknown parts marked). */
export function maskedValues(change: Change): { before: unknown; after: unknown } {
  return {
    before: maskSensitive(change.before, change.before_sensitive),
    after: maskSensitive(withUnknowns(change.after, change.after_unknown), change.after_sensitive),
  };
}

/** The leaf differences between two values, with their paths as steps. */
function diffSteps(
  before: unknown,
  after: unknown,
  steps: Array<string | number> = [],
): Array<{ steps: Array<string | number>; before: unknown; after: unknown }> {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => diffSteps(before[i], after[i], [...steps, i])).flat();
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffSteps(before[k], after[k], [...steps, k]));
  }
  return [{ steps, before, after }];
}

/** The value at `steps` in a masked value; a masked part on the way answers for all below it. */
function at(value: unknown, steps: ReadonlyArray<string | number>): unknown {
  let current = value;
  for (const step of steps) {
    if (current === SENSITIVE) return SENSITIVE;
    if (current === null || typeof current !== "object") return null;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current ?? null;
}

/**
 * The attributes a change changes. The comparison runs on the real values (a sensitive value that
 * changes is a change), and what is reported comes from the masked ones: a sensitive value shows
 * as {@link SENSITIVE} on both sides, never in clear.
 */
export function changedAttributes(change: Change): AttributeChange[] {
  const masked = maskedValues(change);
  const rawAfter = withUnknowns(change.after, change.after_unknown);
  return diffSteps(change.before, rawAfter).map((d) => ({
    path: d.steps.length ? formatPath(d.steps) : "(whole value)",
    before: at(masked.before, d.steps),
    after: at(masked.after, d.steps),
  }));
}

/** Every (path, leaf value) of a value. */
function leaves(value: unknown, path: Array<string | number> = []): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [[formatPath(path), value]];
}

const IAM = /^aws_iam_/;
const SECURITY_GROUP =
  /^aws_(security_group|security_group_rule|default_security_group|vpc_security_group_(ingress|egress)_rule)$/;
const ENCRYPTION_TYPE =
  /^aws_(kms_|ebs_encryption_by_default|s3_bucket_server_side_encryption_configuration|acm_)/;
const ENCRYPTION_ATTRIBUTE = /(encrypt|kms|sse|ssl_policy|certificate)/i;
const OPEN_CIDR = new Set(["0.0.0.0/0", "::/0"]);

/** Why a change concerns public exposure (empty when it does not). */
function exposureReasons(type: string, before: unknown, after: unknown): string[] {
  const reasons: string[] = [];
  const values = [before, after].filter(isObject);
  if (type === "aws_lb_listener") reasons.push("a load balancer listener");
  if (type === "aws_lb" && values.some((v) => v.internal === false))
    reasons.push("an internet-facing load balancer");
  if (type === "aws_eip" || type === "aws_eip_association") reasons.push("a public IP (Elastic IP)");
  if (type === "aws_internet_gateway") reasons.push("an internet gateway");
  if (type === "aws_subnet" && values.some((v) => v.map_public_ip_on_launch === true)) {
    reasons.push("a subnet that gives instances public IPs");
  }
  if (/^aws_s3_bucket_(public_access_block|policy|acl)$/.test(type)) reasons.push("S3 bucket access");
  const open = new Set<string>();
  for (const v of values) {
    for (const [path, leaf] of leaves(v)) {
      if (typeof leaf === "string" && OPEN_CIDR.has(leaf)) open.add(`${leaf} in ${path}`);
      if (/associate_public_ip_address$/.test(path) && (leaf === true || leaf === "true")) {
        open.add(`public IPs on instances (${path})`);
      }
    }
  }
  return [...reasons, ...[...open].sort()];
}

/** Why a change concerns encryption (empty when it does not). */
function encryptionReasons(
  type: string,
  action: Action,
  before: unknown,
  after: unknown,
  attributes: readonly AttributeChange[],
): string[] {
  const reasons: string[] = [];
  if (ENCRYPTION_TYPE.test(type)) reasons.push(`${type.replace(/^aws_/, "")}`);
  if (action === "update" || action === "replace") {
    for (const a of attributes) if (ENCRYPTION_ATTRIBUTE.test(a.path)) reasons.push(`${a.path} changes`);
  } else {
    const value = action === "delete" ? before : after;
    for (const [path, leaf] of leaves(value)) {
      if (/encrypt/i.test(path) && (leaf === false || leaf === "false")) reasons.push(`${path} is false`);
    }
  }
  return reasons;
}

/** The label of a protected resource, or undefined. */
export function protectionOf(rc: ResourceChange, protection: Protection): string | undefined {
  if (PROTECTED_TYPES[rc.type]) return PROTECTED_TYPES[rc.type];
  const base = rc.address.replace(/\[[^\]]*\]$/, "");
  if (protection.preventDestroy?.includes(base)) return "lifecycle.prevent_destroy";
  const before = rc.change.before;
  if (
    rc.type === "aws_s3_bucket" &&
    protection.stateBucket !== undefined &&
    isObject(before) &&
    before.bucket === protection.stateBucket
  ) {
    return "the Terraform state bucket";
  }
  return undefined;
}

function entryOf(
  rc: ResourceChange,
  protection: Protection,
  constructs: ConstructPaths,
): ResourceEntry & { before: unknown; after: unknown } {
  const action = actionOf(rc.change.actions);
  const { before, after } = maskedValues(rc.change);
  const attributes = action === "update" || action === "replace" ? changedAttributes(rc.change) : [];
  const destructive = action === "delete" || action === "replace";
  const label = destructive ? protectionOf(rc, protection) : undefined;
  const construct = constructs[rc.address.replace(/\[[^\]]*\]$/, "")];
  return {
    address: rc.address,
    type: rc.type,
    action,
    ...(construct ? { construct } : {}),
    ...(label ? { protected: label } : {}),
    ...(action === "replace" ? { forcedBy: (rc.change.replace_paths ?? []).map(formatPath) } : {}),
    ...(rc.action_reason ? { reason: rc.action_reason } : {}),
    ...(rc.previous_address && rc.previous_address !== rc.address ? { movedFrom: rc.previous_address } : {}),
    ...(rc.change.importing ? { importId: rc.change.importing.id ?? UNKNOWN } : {}),
    attributes,
    before,
    after,
  };
}

function strip(e: ResourceEntry & { before: unknown; after: unknown }, why?: string[]): ResourceEntry {
  const rest: ResourceEntry = {
    address: e.address,
    type: e.type,
    action: e.action,
    ...(e.construct ? { construct: e.construct } : {}),
    ...(e.protected ? { protected: e.protected } : {}),
    ...(e.forcedBy ? { forcedBy: e.forcedBy } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.movedFrom ? { movedFrom: e.movedFrom } : {}),
    ...(e.importId ? { importId: e.importId } : {}),
    attributes: e.attributes,
  };
  return why ? { ...rest, why } : rest;
}

function zeroCounts(): Record<Action, number> {
  return { create: 0, update: 0, replace: 0, delete: 0, forget: 0, read: 0, "no-op": 0 };
}

/** The changes grouped by the construct that made them (see {@link StackReview.constructs}). */
export function byConstruct(changes: readonly ResourceEntry[]): ConstructChanges[] {
  const groups = new Map<string, { address: string; action: Action }[]>();
  for (const e of changes) {
    const construct = e.construct ? e.construct.split("/").slice(0, -1).join("/") : "(unknown)";
    if (!groups.has(construct)) groups.set(construct, []);
    groups.get(construct)!.push({ address: e.address, action: e.action });
  }
  return [...groups.keys()].sort().map((construct) => ({ construct, changes: groups.get(construct)! }));
}

/**
 * Reviews one stack's plan. `constructs` names each resource's construct path
 * ({@link constructPathsOf} of the stack's synthesized JSON); with `pricing`, the review carries
 * the plan's cost delta.
 */
export function analyzePlan(
  stack: string,
  plan: PlanJson,
  protection: Protection = {},
  constructs: ConstructPaths = {},
  pricing?: Pricing,
): StackReview {
  const counts = zeroCounts();
  const changes: ResourceEntry[] = [];
  const state: ResourceEntry[] = [];
  const destructive: ResourceEntry[] = [];
  const warnings: DowntimeWarning[] = [];
  const groups = {
    iam: [] as ResourceEntry[],
    securityGroups: [] as ResourceEntry[],
    publicExposure: [] as ResourceEntry[],
    encryption: [] as ResourceEntry[],
  };
  for (const rc of plan.resource_changes ?? []) {
    const e = entryOf(rc, protection, constructs);
    counts[e.action] += 1;
    if (e.movedFrom || e.importId || e.action === "forget") state.push(strip(e));
    if (e.action === "no-op" || e.action === "read") continue;
    changes.push(strip(e));
    if (e.action === "delete" || e.action === "replace") destructive.push(strip(e));
    const warning = downtimeWarningOf(strip(e), rc.change.actions);
    if (warning) warnings.push(warning);
    if (IAM.test(rc.type)) groups.iam.push(strip(e));
    if (SECURITY_GROUP.test(rc.type)) groups.securityGroups.push(strip(e));
    const exposure = exposureReasons(rc.type, e.before, e.after);
    if (exposure.length) groups.publicExposure.push(strip(e, exposure));
    const encryption = encryptionReasons(rc.type, e.action, e.before, e.after, e.attributes);
    if (encryption.length) groups.encryption.push(strip(e, encryption));
  }
  destructive.sort((a, b) => Number(Boolean(b.protected)) - Number(Boolean(a.protected)));
  const drift = relevantDrift(plan, protection, constructs);
  const outputs = Object.entries(plan.output_changes ?? {})
    .map(([name, change]) => ({ name, action: actionOf(change.actions), ...maskedValues(change) }))
    .filter((o) => o.action !== "no-op");
  return {
    stack,
    status: "planned",
    counts,
    destructive,
    warnings,
    groups,
    changes,
    state,
    drift,
    outputs,
    constructs: byConstruct(changes),
    ...(pricing ? costOf(plan, pricing) : {}),
  };
}

/** The plan's cost delta, or why there is none (a price the table lacks). */
function costOf(plan: PlanJson, pricing: Pricing): { cost: CostDelta } | { costNote: string } {
  try {
    return { cost: costDelta(plan, pricing.region, pricing.table) };
  } catch (e) {
    if (e instanceof MissingPriceError) return { costNote: e.message };
    throw e;
  }
}

/** null, "", [] or {}: a refresh turning one into another is a provider's normalization, not drift. */
function isEmptyish(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

/** Whether `path` is `prefix` or lies under it (`tags["a"]` under `tags`, not `tags_all`). */
function under(path: string, prefix: string): boolean {
  return path === prefix || (path.startsWith(prefix) && /^[.[]/.test(path.slice(prefix.length)));
}

/**
 * Drift that matters: `resource_drift` narrowed to the attributes the plan changes back (the same
 * attribute changes in the resource's planned change) or that other planned changes depend on
 * (`relevant_attributes`). A refresh also reports values the provider merely normalizes (null
 * read back as [], computed attributes filled in); no change follows from those, so they are left
 * out. A resource deleted outside Terraform always counts.
 */
function relevantDrift(plan: PlanJson, protection: Protection, constructs: ConstructPaths): ResourceEntry[] {
  const relevant = plan.relevant_attributes ?? [];
  const planned = new Map((plan.resource_changes ?? []).map((rc) => [rc.address, rc.change]));
  return (plan.resource_drift ?? []).flatMap((rc) => {
    const entry = strip(entryOf(rc, protection, constructs));
    if (entry.action === "delete") return [entry];
    const prefixes = relevant.filter((r) => r.resource === rc.address).map((r) => formatPath(r.attribute));
    const change = planned.get(rc.address);
    const reverted = change ? changedAttributes(change) : [];
    const attributes = changedAttributes(rc.change)
      .filter((a) => !(isEmptyish(a.before) && isEmptyish(a.after)))
      .filter(
        (a) =>
          prefixes.some((p) => p === "" || under(a.path, p)) ||
          reverted.some((r) => under(a.path, r.path) || under(r.path, a.path)),
      );
    return attributes.length ? [{ ...entry, attributes }] : [];
  });
}

/** A stack that was not planned, was refused or failed: no changes, a note. */
export function unplannedStack(
  stack: string,
  status: "not-planned" | "refused" | "error",
  note: string,
  explanation?: readonly string[],
): StackReview {
  return {
    stack,
    status,
    note,
    ...(explanation?.length ? { explanation } : {}),
    counts: zeroCounts(),
    destructive: [],
    warnings: [],
    groups: { iam: [], securityGroups: [], publicExposure: [], encryption: [] },
    changes: [],
    state: [],
    drift: [],
    outputs: [],
    constructs: [],
  };
}

/** Options of the gate. */
export interface GateOptions {
  /** Let protected resources be deleted or replaced on purpose (`--allow-destroy-protected`). */
  readonly allowDestroyProtected: boolean;
}

/**
 * The gate: it fails when a protected resource would be deleted or replaced (unless allowed on
 * purpose), when Terraform refused or failed to plan a stack, or when checkov failed on a plan.
 * A replaced ECS service is a warning, not a failure: like any other unprotected replacement it
 * comes back (with downtime in between, which the warning says), and protection is kept for what
 * cannot be had back.
 */
export function evaluateGate(stacks: readonly StackReview[], options: GateOptions): Gate {
  const failures: string[] = [];
  const allowed: string[] = [];
  const warnings: string[] = [];
  for (const s of stacks) {
    if (s.status === "refused") {
      failures.push(
        `${s.stack}: Terraform refused the plan: ${s.note} (lifecycle.prevent_destroy cannot be overridden here: ` +
          "change the configuration that sets it first)",
      );
    }
    if (s.status === "error") {
      // An explained error's last line is its fix (`fix: …`).
      const fix = s.explanation?.length ? ` (${s.explanation[s.explanation.length - 1]})` : "";
      failures.push(`${s.stack}: the plan failed: ${s.note}${fix}`);
    }
    for (const e of s.destructive.filter((d) => d.protected)) {
      const what = `${s.stack}: ${e.address} would be ${e.action === "replace" ? "replaced" : "deleted"} (protected: ${e.protected})`;
      if (options.allowDestroyProtected) allowed.push(`${what}; allowed by --allow-destroy-protected`);
      else failures.push(`${what}; pass --allow-destroy-protected to allow it on purpose`);
    }
    for (const f of s.checkov?.findings ?? []) {
      failures.push(`${s.stack}: checkov ${f.id} failed on ${f.resource}: ${f.name}`);
    }
    for (const w of s.warnings) warnings.push(`${s.stack}: ${w.address}: ${w.message}`);
  }
  return { passed: failures.length === 0, failures, allowed, warnings };
}

/** The review of an environment: its stacks and the gate over them. */
export function reviewOf(environment: string, stacks: readonly StackReview[], options: GateOptions): Review {
  return { environment, stacks, gate: evaluateGate(stacks, options) };
}

/** Addresses with `lifecycle.prevent_destroy` in a synthesized stack (`cdk.tf.json`). */
export function preventDestroyAddresses(synthesized: {
  resource?: Record<string, Record<string, { lifecycle?: { prevent_destroy?: boolean } }>>;
}): string[] {
  return Object.entries(synthesized.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName)
      .filter(([, block]) => block.lifecycle?.prevent_destroy === true)
      .map(([name]) => `${type}.${name}`),
  );
}

/**
 * Each resource's construct path by address (`aws_vpc.network_vpc_4E8F0223` →
 * `dev-foundation/network/vpc`), from a stack's synthesized JSON: cdktf writes it to every
 * resource's `//.metadata.path`.
 */
export function constructPathsOf(synthesized: {
  resource?: Record<string, Record<string, { "//"?: { metadata?: { path?: string } } }>>;
}): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const [type, byName] of Object.entries(synthesized.resource ?? {})) {
    for (const [name, block] of Object.entries(byName)) {
      const path = block["//"]?.metadata?.path;
      if (path) paths[`${type}.${name}`] = path;
    }
  }
  return paths;
}
