/**
 * Prints a {@link Review}: readable terminal text, Markdown for a pull-request comment, or JSON.
 * Pure: strings in, strings out. Values are already masked by the analysis.
 */
import { ACTIONS, AttributeChange, Review, ResourceEntry, StackReview } from "./analyze";

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
  const changed = c.create + c.update + c.replace + c.delete;
  if (changed === 0) return `no changes (${c["no-op"]} unchanged)`;
  return `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete (${c["no-op"]} unchanged)`;
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

function entrySub(e: ResourceEntry, withAttributes: boolean): string[] {
  const sub: string[] = [];
  if (e.construct) sub.push(`construct: ${e.construct}`);
  if (e.forcedBy) sub.push(`forced by: ${e.forcedBy.length ? e.forcedBy.join(", ") : "(not reported)"}`);
  if (e.reason) sub.push(`reason: ${e.reason}`);
  if (e.why) sub.push(`why: ${e.why.join("; ")}`);
  if (withAttributes) sub.push(...e.attributes.map(showAttribute));
  return sub;
}

function grouped(
  review: Review,
  pick: (s: StackReview) => readonly ResourceEntry[],
  withAttributes: boolean,
) {
  return review.stacks.flatMap((s) =>
    pick(s).map((e) => ({ head: entryHead(s.stack, e), sub: entrySub(e, withAttributes) })),
  );
}

function sectionsOf(review: Review): Section[] {
  return [
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

function gateText(review: Review): string {
  const g = review.gate;
  const lines = [g.passed ? "GATE: PASSED" : "GATE: FAILED"];
  for (const f of g.failures) lines.push(`  ✗ ${f}`);
  for (const a of g.allowed) lines.push(`  ! ${a}`);
  return lines.join("\n");
}

function md(text: string): string {
  return text.replace(/([|`*_<>])/g, "\\$1");
}

/** Markdown, for a pull-request comment. */
export function renderMarkdown(review: Review): string {
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
  if (g.failures.length || g.allowed.length) {
    out.push("", "### Gate");
    for (const f of g.failures) out.push(`- ❌ ${md(f)}`);
    for (const a of g.allowed) out.push(`- ⚠️ ${md(a)}`);
  }
  for (const section of sectionsOf(review)) {
    out.push("", `### ${section.title}`);
    if (section.items.length === 0) out.push(`_${section.empty}_`);
    for (const item of section.items) {
      out.push(`- ${md(item.head)}`);
      for (const line of item.sub) out.push(`  - ${md(line)}`);
    }
  }
  return `${out.join("\n")}\n`;
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
