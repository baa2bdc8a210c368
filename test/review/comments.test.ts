import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { byConstruct, evaluateGate, ResourceEntry, Review, StackReview } from "../../scripts/review/analyze";
import { writeComments } from "../../scripts/review/cli";
import {
  COMMENT_LIMIT,
  COMMENT_RESERVE,
  markdownComments,
  renderMarkdown,
} from "../../scripts/review/render";

// The Markdown review split into pull-request comments within GitHub's limit. These reviews are
// built in the test (a review of any size, without planning thousands of resources); the split
// of a real plan's review is in review.local.test.ts.

/** A planned stack with `n` updates of `attributes` changed attributes each. */
function stackWith(n: number, attributes: number, prefix = "r"): StackReview {
  const changes: ResourceEntry[] = Array.from({ length: n }, (_, i) => ({
    address: `aws_security_group.${prefix}${i}_sg_0123ABCD`,
    type: "aws_security_group",
    action: "update",
    construct: `dev-app/service-${i % 40}/sg-${i}`,
    attributes: Array.from({ length: attributes }, (_, k) => ({
      path: `tags_all.key${k}`,
      before: null,
      after: `a value that is long enough to matter ${k}`,
    })),
  }));
  return {
    stack: "dev-app",
    status: "planned",
    counts: { create: 0, update: n, replace: 0, delete: 0, forget: 0, read: 0, "no-op": 3 },
    destructive: [],
    warnings: [],
    groups: { iam: [], securityGroups: changes, publicExposure: [], encryption: [] },
    changes,
    state: [],
    drift: [],
    outputs: [],
    constructs: byConstruct(changes),
  };
}

function reviewOf(stack: StackReview): Review {
  return {
    environment: "dev",
    stacks: [stack],
    gate: evaluateGate([stack], { allowDestroyProtected: false }),
  };
}

/** The lines that carry the review's content (no titles, notes or "continued" headings). */
function contentLines(markdown: string): string[] {
  return markdown
    .split("\n")
    .filter((l) => !/^## Plan review:|^_Split into|\(continued\)$/.test(l))
    .filter((l) => l !== "");
}

describe("markdownComments", () => {
  it("GIVEN a review that fits THEN one comment, the whole Markdown review", () => {
    const r = reviewOf(stackWith(3, 2));
    expect(markdownComments(r)).toEqual([renderMarkdown(r)]);
  });

  it("GIVEN a review longer than a comment THEN parts within the limit, numbered, the first saying why, holding every line once, in order", () => {
    const r = reviewOf(stackWith(400, 3));
    const whole = renderMarkdown(r);
    expect(whole.length).toBeGreaterThan(COMMENT_LIMIT);
    const parts = markdownComments(r);
    expect(parts.length).toBeGreaterThan(1);
    for (const [i, part] of parts.entries()) {
      expect(part.length).toBeLessThanOrEqual(COMMENT_LIMIT - COMMENT_RESERVE);
      expect(part.split("\n")[0]).toBe(
        `## Plan review: \`dev\` — ✅ gate passed (part ${i + 1} of ${parts.length})`,
      );
    }
    expect(parts[0]).toContain(
      `_Split into ${parts.length} comments: the review is longer than GitHub's 65,536-character comment limit._`,
    );
    expect(parts.flatMap(contentLines)).toEqual(contentLines(whole));
    // A section split over two comments says so where it goes on.
    expect(parts.slice(1).some((p) => /\n### \S.* \(continued\)\n/.test(p))).toBe(true);
  });

  it("GIVEN one item longer than a comment THEN it keeps the lines that fit and says how many it leaves out", () => {
    const r = reviewOf(stackWith(1, 3000));
    const parts = markdownComments(r);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(COMMENT_LIMIT - COMMENT_RESERVE);
    const cut = parts.join("").match(/- … (\d+) more lines \(see the JSON review: --format json\)/g) ?? [];
    expect(cut.length).toBeGreaterThan(0);
  });

  it("writeComments writes 1.md, 2.md, … and removes the parts of an earlier, longer review", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "comments-"));
    const long = writeComments(reviewOf(stackWith(400, 3)), dir);
    expect(long.length).toBeGreaterThan(1);
    const short = writeComments(reviewOf(stackWith(3, 2)), dir);
    expect(short).toEqual([path.join(dir, "1.md")]);
    expect(fs.readdirSync(dir)).toEqual(["1.md"]);
  });
});
