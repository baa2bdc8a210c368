/**
 * Prints a {@link Review}: readable terminal text, Markdown for a pull-request comment, or JSON.
 * Pure: strings in, strings out. Values are already masked by the analysis.
 */
import { signedUsd, usd } from "../cost/estimate";
import {
  ACTION_REASONS,
  ACTIONS,
  AttributeChange,
  DowntimeWarning,
  Review,
  ResourceEntry,
  StackReview,
} from "./analyze";

/** Output formats of the review. */
export const FORMATS = ["text", "markdown", "json"] as const;
/** One of {@link FORMATS}. */
export type Format = (typeof FORMATS)[number];

/** Longest value shown in text and Markdown (JSON shows everything). */
const MAX_VALUE_LENGTH = 100;

function showValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

function showAttribute(a: AttributeChange): string {
  return `${a.path}: ${showValue(a.before)} → ${showValue(a.after)}`;
}

/** A one-line summary of a stack's counts, e.g. `2 to create, 1 to update, 0 to replace, 0 to delete`. */
export function countsLine(s: StackReview): string {
  if (s.status !== "planned") return `${s.status}: ${s.note ?? ""}`;
  const c = s.counts;
  const changed = c.create + c.update + c.replace + c.delete + c.forget;
  if (changed === 0 && s.state.length === 0) return `no changes (${c["no-op"]} unchanged)`;
  const forget = c.forget ? `, ${c.forget} to forget` : "";
  return `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete${forget} (${c["no-op"]} unchanged)`;
}

interface Section {
  readonly title: string;
  /** Items; each item a headline and sub-lines. */
  readonly items: ReadonlyArray<{ readonly head: string; readonly sub: readonly string[] }>;
  /** Shown when there are no items. */
  readonly empty: string;
}

function entryHead(stack: string, e: ResourceEntry): string {
  const marks = e.protected ? ` [PROTECTED: ${e.protected}]` : "";
  return `${e.action} ${stack}: ${e.address}${marks}`;
}

function entrySub(e: ResourceEntry, withAttributes: boolean, warning?: DowntimeWarning): string[] {
  const sub: string[] = [];
  if (warning) {
    sub.push(`WARNING: ${warning.message}`);
    sub.push(...warning.withoutDowntime.map((w) => `without downtime: ${w}`));
  }
  if (e.construct) sub.push(`construct: ${e.construct}`);
  if (e.forcedBy) sub.push(`forced by: ${e.forcedBy.length ? e.forcedBy.join(", ") : "(not reported)"}`);
  if (e.reason) sub.push(`reason: ${reasonText(e.reason)}`);
  if (e.movedFrom) sub.push(`moved from: ${e.movedFrom}`);
  if (e.importId) sub.push(`imported by id: ${e.importId}`);
  if (e.why) sub.push(`why: ${e.why.join("; ")}`);
  if (withAttributes) sub.push(...e.attributes.map(showAttribute));
  return sub;
}

/** `replace_because_cannot_update (an attribute that cannot change in place changes …)`. */
export function reasonText(reason: string): string {
  const meaning = ACTION_REASONS[reason];
  return meaning ? `${reason} (${meaning})` : reason;
}

/** What a state-only entry does: `moved`, `imported`, `forgotten`, with its planned action. */
function stateHead(stack: string, e: ResourceEntry): string {
  const what = [
    ...(e.movedFrom ? ["moved"] : []),
    ...(e.importId ? ["imported"] : []),
    ...(e.action === "forget" ? ["forgotten (removed from the state; the object stays in AWS)"] : []),
  ].join(", ");
  const then = e.action === "no-op" || e.action === "forget" ? "" : `, then ${e.action}`;
  return `${what}${then} ${stack}: ${e.address}`;
}

function grouped(
  review: Review,
  pick: (s: StackReview) => readonly ResourceEntry[],
  withAttributes: boolean,
) {
  return review.stacks.flatMap((s) =>
    pick(s).map((e) => ({ head: entryHead(s.stack, e), sub: entrySub(e, withAttributes, warningOf(s, e)) })),
  );
}

/** The downtime warning of a destructive entry, when it has one. */
function warningOf(s: StackReview, e: ResourceEntry): DowntimeWarning | undefined {
  return e.action === "replace" ? s.warnings.find((w) => w.address === e.address) : undefined;
}

function sectionsOf(review: Review): Section[] {
  return [
    {
      title: "Plan errors",
      items: review.stacks
        .filter((s) => s.status === "refused" || s.status === "error")
        .map((s) => ({ head: `${s.stack}: ${s.status}: ${s.note ?? ""}`, sub: s.explanation ?? [] })),
      empty: "none",
    },
    {
      title: "Deletes and replacements",
      items: grouped(review, (s) => s.destructive, true),
      empty: "none",
    },
    { title: "IAM", items: grouped(review, (s) => s.groups.iam, true), empty: "no change" },
    {
      title: "Security groups",
      items: grouped(review, (s) => s.groups.securityGroups, true),
      empty: "no change",
    },
    {
      title: "Public exposure (listeners, public IPs, 0.0.0.0/0)",
      items: grouped(review, (s) => s.groups.publicExposure, false),
      empty: "no change",
    },
    { title: "Encryption", items: grouped(review, (s) => s.groups.encryption, false), empty: "no change" },
    {
      title: "Moved, imported and forgotten",
      items: review.stacks.flatMap((s) =>
        s.state.map((e) => ({
          head: stateHead(s.stack, e),
          sub: entrySub(e, e.action === "update"),
        })),
      ),
      empty: "none",
    },
    {
      title: "Drift (changed outside Terraform since the last apply)",
      items: review.stacks.flatMap((s) =>
        s.drift.map((e) => ({
          head: `${e.action} ${s.stack}: ${e.address}`,
          sub: [...(e.construct ? [`construct: ${e.construct}`] : []), ...e.attributes.map(showAttribute)],
        })),
      ),
      empty: "none",
    },
    {
      title: "Other changes",
      items: review.stacks.flatMap((s) =>
        s.changes
          .filter((e) => e.action === "update")
          .filter((e) => !isGrouped(s, e))
          .map((e) => ({ head: entryHead(s.stack, e), sub: entrySub(e, true) })),
      ),
      empty: "no other updates",
    },
    {
      title: "Changes by construct",
      items: review.stacks.flatMap((s) =>
        s.constructs.map((c) => ({
          head: `${c.construct}: ${constructCounts(c.changes)}`,
          sub: c.changes.map((x) => `${x.action} ${x.address}`),
        })),
      ),
      empty: "no change",
    },
    {
      title: "Outputs",
      items: review.stacks.flatMap((s) =>
        s.outputs.map((o) => ({
          head: `${o.action} ${s.stack}: ${o.name}`,
          sub: [`${showValue(o.before)} → ${showValue(o.after)}`],
        })),
      ),
      empty: "no change",
    },
    {
      title: "Cost (monthly estimate of fixed charges, scripts/cost)",
      items: review.stacks
        .filter((s) => s.cost || s.costNote)
        .map((s) =>
          s.cost
            ? {
                head: `${s.stack}: ${usd(s.cost.before)} → ${usd(s.cost.after)} (${signedUsd(s.cost.delta)} a month)`,
                sub: s.cost.lines.map(
                  (l) =>
                    `${l.kind}: ${l.quantityBefore} → ${l.quantityAfter} ${l.quantityUnit}, ${usd(l.before)} → ${usd(l.after)} (${signedUsd(l.after - l.before)})`,
                ),
              }
            : { head: `${s.stack}: no estimate`, sub: [s.costNote!] },
        ),
      empty: "not estimated",
    },
    {
      title: "Checkov (plan JSON)",
      items: review.stacks
        .filter((s) => s.checkov)
        .map((s) => ({
          head: `${s.stack}: ${s.checkov!.passed} passed, ${s.checkov!.failed} failed, ${s.checkov!.skipped} skipped`,
          sub: s.checkov!.findings.map((f) => `${f.id} ${f.resource}: ${f.name}`),
        })),
      empty: "not run",
    },
  ];
}

/** `2 update, 1 replace`: a construct's changes by action, in the order of {@link ACTIONS}. */
function constructCounts(changes: ReadonlyArray<{ readonly action: string }>): string {
  return ACTIONS.map((a) => [a, changes.filter((c) => c.action === a).length] as const)
    .filter(([, n]) => n > 0)
    .map(([a, n]) => `${n} ${a}`)
    .join(", ");
}

function isGrouped(s: StackReview, e: ResourceEntry): boolean {
  const g = s.groups;
  return [g.iam, g.securityGroups, g.publicExposure, g.encryption].some((list) =>
    list.some((x) => x.address === e.address),
  );
}

/** Terminal text. */
export function renderText(review: Review): string {
  const out: string[] = [`Plan review: environment ${review.environment}`, ""];
  for (const s of review.stacks) out.push(`  ${s.stack}: ${countsLine(s)}`);
  const cost = costLine(review);
  if (cost) out.push(`  ${cost}`);
  for (const w of review.gate.warnings) out.push(`  ! WARNING ${w}`);
  for (const section of sectionsOf(review)) {
    out.push("", `== ${section.title}`);
    if (section.items.length === 0) out.push(`  ${section.empty}`);
    for (const item of section.items) {
      out.push(`  - ${item.head}`);
      for (const line of item.sub) out.push(`      ${line}`);
    }
  }
  out.push("", gateText(review));
  return `${out.join("\n")}\n`;
}

/** `monthly estimate (fixed charges): $103.84 → $138.30 (+$34.46)`, over the stacks with an estimate. */
export function costLine(review: Review): string | undefined {
  const priced = review.stacks.filter((s) => s.cost);
  if (priced.length === 0) return undefined;
  const before = priced.reduce((n, s) => n + s.cost!.before, 0);
  const after = priced.reduce((n, s) => n + s.cost!.after, 0);
  const missing = review.stacks.length - priced.length;
  return (
    `monthly estimate (fixed charges): ${usd(before)} → ${usd(after)} (${signedUsd(after - before)})` +
    (missing ? `, ${missing} stack${missing === 1 ? "" : "s"} not estimated` : "")
  );
}

function gateText(review: Review): string {
  const g = review.gate;
  const lines = [g.passed ? "GATE: PASSED" : "GATE: FAILED"];
  for (const f of g.failures) lines.push(`  ✗ ${f}`);
  for (const a of g.allowed) lines.push(`  ! ${a}`);
  for (const w of g.warnings) lines.push(`  ! WARNING ${w}`);
  return lines.join("\n");
}

function md(text: string): string {
  return text.replace(/([|`*_<>])/g, "\\$1");
}

/** Markdown, for a pull-request comment (longer than a comment takes: {@link markdownComments}). */
export function renderMarkdown(review: Review): string {
  return joinBlocks(markdownBlocks(review));
}

/** The Markdown document of {@link markdownBlocks}' lines. */
function joinBlocks({ head, sections }: ReturnType<typeof markdownBlocks>): string {
  const out = [...head];
  for (const section of sections) {
    out.push("", `### ${section.title}`);
    for (const item of section.items) out.push(...item);
  }
  return `${out.join("\n")}\n`;
}

/** The Markdown review's lines: the head (title, counts, gate), and per section its items' lines. */
function markdownBlocks(review: Review): {
  head: string[];
  sections: { title: string; items: string[][] }[];
} {
  const g = review.gate;
  const out: string[] = [
    `## Plan review: \`${review.environment}\` — ${g.passed ? "✅ gate passed" : "❌ gate failed"}`,
    "",
    `| stack | ${ACTIONS.filter((a) => a !== "read").join(" | ")} | status |`,
    `| --- | ${ACTIONS.filter((a) => a !== "read")
      .map(() => "---:")
      .join(" | ")} | --- |`,
    ...review.stacks.map(
      (s) =>
        `| \`${s.stack}\` | ${ACTIONS.filter((a) => a !== "read")
          .map((a) => String(s.counts[a]))
          .join(" | ")} | ${md(s.status === "planned" ? "planned" : `${s.status}: ${s.note ?? ""}`)} |`,
    ),
  ];
  const cost = costLine(review);
  if (cost) out.push("", `**${md(cost.charAt(0).toUpperCase() + cost.slice(1))}**`);
  if (g.failures.length || g.allowed.length || g.warnings.length) {
    out.push("", "### Gate");
    for (const f of g.failures) out.push(`- ❌ ${md(f)}`);
    for (const a of g.allowed) out.push(`- ⚠️ ${md(a)}`);
    for (const w of g.warnings) out.push(`- ⚠️ **Downtime**: ${md(w)}`);
  }
  const sections = sectionsOf(review).map((section) => ({
    title: section.title,
    items:
      section.items.length === 0
        ? [[`_${section.empty}_`]]
        : section.items.map((item) => [`- ${md(item.head)}`, ...item.sub.map((line) => `  - ${md(line)}`)]),
  }));
  return { head: out, sections };
}

/** GitHub's limit on a pull-request comment's body, in characters. */
export const COMMENT_LIMIT = 65_536;

/** Room kept in each comment for what the workflow adds (its marker line). */
export const COMMENT_RESERVE = 256;

/**
 * The Markdown review as pull-request comments of at most `limit` characters each: the whole
 * {@link renderMarkdown} when it fits, else split between section items (a section that goes on
 * in the next comment says "continued"), each comment headed "part k of n", the first saying why.
 * An item longer than a comment by itself keeps as many of its lines as fit and says how many it
 * leaves out (the JSON review has them all).
 */
export function markdownComments(review: Review, limit = COMMENT_LIMIT - COMMENT_RESERVE): string[] {
  const blocks = markdownBlocks(review);
  const whole = joinBlocks(blocks);
  if (whole.length <= limit) return [whole];
  const { head, sections } = blocks;
  // Room for the "part k of n" title and the note, written once the count is known.
  const budget = limit - 400;
  const parts: string[][] = [[...head]];
  const size = (lines: readonly string[]) => lines.reduce((n, l) => n + l.length + 1, 0);
  for (const section of sections) {
    let current = parts[parts.length - 1]!;
    const heading = ["", `### ${section.title}`];
    if (size(current) + size(heading) + size(section.items[0] ?? []) > budget) {
      current = [];
      parts.push(current);
    }
    current.push(...heading);
    for (const item of section.items) {
      if (size(current) + size(item) > budget) {
        current = ["", `### ${section.title} (continued)`];
        parts.push(current);
      }
      current.push(...fitted(item, budget - size(current)));
    }
  }
  const title = `## Plan review: \`${review.environment}\` — ${review.gate.passed ? "✅ gate passed" : "❌ gate failed"}`;
  return parts.map((lines, i) => {
    const top =
      i === 0
        ? [
            `${title} (part 1 of ${parts.length})`,
            "",
            `_Split into ${parts.length} comments: the review is longer than GitHub's ${COMMENT_LIMIT.toLocaleString("en")}-character comment limit._`,
          ]
        : [`${title} (part ${i + 1} of ${parts.length})`];
    return `${[...top, ...(i === 0 ? lines.slice(1) : lines)].join("\n")}\n`;
  });
}

/** An item cut to `room` characters: its first lines, then how many it leaves out. */
function fitted(item: readonly string[], room: number): string[] {
  if (item.reduce((n, l) => n + l.length + 1, 0) <= room) return [...item];
  let used = 0;
  const kept: string[] = [];
  for (const [i, line] of item.entries()) {
    const rest = item.length - i;
    if (used + line.length + 1 > room - 80) {
      kept.push(`  - … ${rest} more line${rest === 1 ? "" : "s"} (see the JSON review: --format json)`);
      return kept;
    }
    kept.push(line);
    used += line.length + 1;
  }
  return kept;
}

/** JSON: the review itself. */
export function renderJson(review: Review): string {
  return `${JSON.stringify(review, null, 2)}\n`;
}

/** The review in `format`. */
export function render(review: Review, format: Format): string {
  switch (format) {
    case "text":
      return renderText(review);
    case "markdown":
      return renderMarkdown(review);
    case "json":
      return renderJson(review);
  }
}
