import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parseArgs } from "../../scripts/review/cli";

// The pull-request workflow cannot run here (no GitHub, no AWS), so its syntax, expressions,
// action inputs and job structure are checked by the real actionlint (built from its Go module by
// scripts/setup.sh), and the review command it runs is checked against the CLI's own parser.
// (actionlint also runs shellcheck on `run:` scripts when shellcheck is installed; it is not here.)

const ROOT = path.join(__dirname, "..", "..");
const WORKFLOW = path.join(ROOT, ".github", "workflows", "plan-review.yml");
const run = promisify(execFile);

function actionlint(): string {
  const binary = process.env.ECS_CDKTF_ACTIONLINT;
  if (!binary) throw new Error("ECS_CDKTF_ACTIONLINT is not set: run `npm run setup` (it builds actionlint)");
  return binary;
}

async function lint(file: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(actionlint(), ["-no-color", file], { cwd: ROOT });
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, output: err.stdout + err.stderr };
  }
}

describe(".github/workflows/plan-review.yml", () => {
  const text = fs.readFileSync(WORKFLOW, "utf8");

  it("passes actionlint", async () => {
    expect(await lint(WORKFLOW)).toEqual({ code: 0, output: "" });
  });

  it("GIVEN a broken copy THEN actionlint fails on it (the check is real)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-"));
    fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    const broken = path.join(dir, ".github", "workflows", "broken.yml");
    fs.writeFileSync(broken, text.replace("${{ matrix.environment }}", "${{ matrix.enviroment }}"));
    const result = await lint(broken);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/property "enviroment" is not defined/);
  });

  it("runs the review on pull requests with the permissions a comment and OIDC need, and nothing more", () => {
    expect(text).toMatch(/^on:\n {2}pull_request:/m);
    expect(text).toMatch(/^permissions:\n {2}contents: read\n/m);
    expect(text).toContain("id-token: write");
    expect(text).toContain("pull-requests: write");
    expect(text).not.toMatch(/secrets\.AWS_(ACCESS|SECRET)/);
  });

  it("calls the review CLI with options the CLI accepts, and fails the job on its gate", () => {
    const line = text.split("\n").find((l) => l.includes("args=(review"))!;
    const args = line
      .replace(/.*args=\(/, "")
      .replace(/\)$/, "")
      .split(" ")
      .map((a) =>
        a
          .replace(/"\$ENVIRONMENT"/, "prod")
          .replace(/"\$RUNNER_TEMP\/review.md"/, "/tmp/review.md")
          .replace(/"\$RUNNER_TEMP\/review-comments"/, "/tmp/review-comments"),
      );
    expect(parseArgs([...args, "--allow-destroy-protected"])).toMatchObject({
      command: "review",
      env: "prod",
      format: "markdown",
      out: "/tmp/review.md",
      commentsDir: "/tmp/review-comments",
      allowDestroyProtected: true,
    });
    expect(text).toContain("node --import tsx scripts/review/cli.ts");
    expect(text).toMatch(/if: steps\.review\.outputs\.exit-code != '0'\n\s+run: \|\n[^\n]*\n\s+exit 1/);
  });
});

describe("the review CLI's arguments", () => {
  it("defaults to review, text, no override", () => {
    expect(parseArgs([])).toMatchObject({ command: "review", format: "text", allowDestroyProtected: false });
  });

  it.each<[string[], string]>([
    [["plan"], 'unknown command "plan": use one of review, deploy, destroy'],
    [["--format", "html"], "--format (html) must be one of text, markdown, json"],
    [["--env"], "--env needs a value"],
    [["--nope"], 'unknown option "--nope"'],
    [
      ["--synthesized", "a", "--outdir", "b"],
      "--synthesized (review an app synthesized already) and --outdir",
    ],
    [["deploy", "--synthesized", "a"], "--synthesized works with review only"],
    [["deploy", "--comments-dir", "a"], "--comments-dir works with review only"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

/** GitHub's REST calls the comment step makes, recorded; the comments a pull request holds. */
function fakeGitHub(existing: { id: number; body: string; bot?: boolean }[]) {
  const calls: string[] = [];
  const rest = {
    issues: {
      listComments: "listComments",
      createComment: async (a: { body: string }) => void calls.push(`create ${a.body.split("\n")[0]}`),
      updateComment: async (a: { comment_id: number; body: string }) =>
        void calls.push(`update ${a.comment_id} ${a.body.split("\n")[0]}`),
      deleteComment: async (a: { comment_id: number }) => void calls.push(`delete ${a.comment_id}`),
    },
  };
  const github = {
    rest,
    paginate: async () =>
      existing.map((c) => ({ id: c.id, body: c.body, user: { type: c.bot === false ? "User" : "Bot" } })),
  };
  return { github, calls };
}

describe("the workflow's comment step (its script run here against a recording GitHub API: no GitHub is reachable)", () => {
  const workflow = fs.readFileSync(WORKFLOW, "utf8");
  const step = workflow.slice(workflow.indexOf("- name: Comment"), workflow.indexOf("- name: Gate"));
  const script = step
    .slice(step.indexOf("script: |") + "script: |".length)
    .split("\n")
    .map((l) => l.replace(/^ {12}/, ""))
    .join("\n");
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;

  async function runStep(parts: number, existing: { id: number; body: string; bot?: boolean }[]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-comments-"));
    for (let i = 1; i <= parts; i++) fs.writeFileSync(path.join(dir, `${i}.md`), `part ${i}\n`);
    const { github, calls } = fakeGitHub(existing);
    const context = { repo: { owner: "o", repo: "r" }, payload: { pull_request: { number: 7 } } };
    const env = { ENVIRONMENT: "prod", COMMENTS_DIR: dir };
    await new AsyncFunction("require", "github", "context", "process", script)(require, github, context, {
      env,
    });
    return calls;
  }

  it("GIVEN no comment yet THEN it creates one per part, marked with the environment and the part", async () => {
    expect(await runStep(2, [])).toEqual([
      "create <!-- plan-review:prod:1 -->",
      "create <!-- plan-review:prod:2 -->",
    ]);
  });

  it("GIVEN its own comments THEN a push updates them in place and deletes the parts a shorter review no longer needs", async () => {
    const calls = await runStep(1, [
      { id: 11, body: "<!-- plan-review:prod:1 -->\nold" },
      { id: 12, body: "<!-- plan-review:prod:2 -->\nold" },
      { id: 13, body: "<!-- plan-review:dev:1 -->\nother environment" },
      { id: 14, body: "<!-- plan-review:prod:1 -->\na person's quote", bot: false },
    ]);
    expect(calls).toEqual(["update 11 <!-- plan-review:prod:1 -->", "delete 12"]);
  });

  it("GIVEN a comment of the single-comment marker (before the split) THEN it is updated as part 1", async () => {
    expect(await runStep(1, [{ id: 21, body: "<!-- plan-review:prod -->\nold" }])).toEqual([
      "update 21 <!-- plan-review:prod:1 -->",
    ]);
  });
});
