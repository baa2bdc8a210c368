import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { ValidationError } from "../../modules/shared/validation";
import { validationErrorLine } from "../../stacks/errors";

// The commands users run print bad input as one line on stderr, without a stack trace, and exit
// non-zero; a bug keeps its stack trace. Each test runs the real command as a child process.
const run = promisify(execFile);
const root = path.join(__dirname, "..", "..");
const UNKNOWN = (from: string) =>
  `error: Unknown environment "staging" (from ${from}): the valid choices are dev, prod; pick one of them, or add a preset to PRESETS in stacks/presets.ts`;

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function exec(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd: root,
      env: {
        ...process.env,
        ECS_CDKTF_ENV: "",
        CDKTF_CONTEXT_JSON: "",
        ECS_CDKTF_TARGET: "local",
        LOCAL_AWS_ENDPOINT: "http://127.0.0.1:4566",
        ...env,
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
const count = (text: string, part: string) => plain(text).split(part).length - 1;
const STACK_LINE = /^\s+at /m;

describe("validationErrorLine", () => {
  it("GIVEN a ValidationError THEN `error: <message>` in one line", () => {
    expect(validationErrorLine(new ValidationError("Environment 'dev': a (1) must b; c"))).toBe(
      "error: Environment 'dev': a (1) must b; c",
    );
    expect(validationErrorLine(new ValidationError("two\n  lines"))).toBe("error: two lines");
  });

  it("GIVEN any other error THEN undefined (a bug: the caller keeps its stack)", () => {
    expect(validationErrorLine(new Error("bug"))).toBeUndefined();
    expect(validationErrorLine("text")).toBeUndefined();
  });
});

describe("main.ts (npx tsx main.ts)", () => {
  const outdir = () => fs.mkdtempSync(path.join(os.tmpdir(), "main-error-"));

  it("GIVEN an unknown environment THEN exit 1 and exactly one line on stderr", async () => {
    const dir = outdir();
    const result = await exec(process.execPath, ["--import", "tsx", "main.ts"], {
      ECS_CDKTF_ENV: "staging",
      CDKTF_OUTDIR: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${UNKNOWN("ECS_CDKTF_ENV")}\n`);
    // No file: cdktf's App constructor itself creates the empty `stacks/` directory, nothing more.
    expect(fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())).toEqual(
      [],
    );
  });

  it("GIVEN a bad target (another ValidationError) THEN one line too", async () => {
    const result = await exec(process.execPath, ["--import", "tsx", "main.ts"], {
      ECS_CDKTF_TARGET: "prod",
      CDKTF_OUTDIR: outdir(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: ECS_CDKTF_TARGET ("prod") must be one of local, aws; unset it for the local AWS\n',
    );
  });

  it("GIVEN an exception that is not bad input THEN its stack trace is kept", async () => {
    // Malformed context JSON: cdktf's App throws a SyntaxError, not a ValidationError.
    const result = await exec(process.execPath, ["--import", "tsx", "main.ts"], {
      CDKTF_CONTEXT_JSON: "{not json",
      CDKTF_OUTDIR: outdir(),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/SyntaxError/);
    expect(result.stderr).toMatch(STACK_LINE);
  });
});

describe("npx cdktf synth (cdktf.json runs npx tsx main.ts)", () => {
  it("GIVEN an unknown environment THEN exit 1, the error line once per stream, no stack trace", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-synth-error-"));
    const result = await exec("npx", ["cdktf", "synth", "--output", dir], { ECS_CDKTF_ENV: "staging" });
    expect(result.code).not.toBe(0);
    // The CLI echoes the app's stderr as it comes ("[ERROR] default - ..." on stdout) and repeats it
    // once in its summary on stderr ("Command output on stderr:"): the app itself prints it once.
    expect(plain(result.stderr)).toContain("cdktf encountered an error while synthesizing");
    expect(count(result.stderr, UNKNOWN("ECS_CDKTF_ENV"))).toBe(1);
    expect(count(result.stdout, UNKNOWN("ECS_CDKTF_ENV"))).toBe(1);
    expect(plain(result.stderr)).not.toMatch(STACK_LINE);
    expect(plain(result.stdout)).not.toMatch(STACK_LINE);
    expect(fs.existsSync(path.join(dir, "manifest.json"))).toBe(false);
  });
});

describe("npm run review (scripts/review/cli.ts)", () => {
  it("GIVEN --env staging THEN exit 2 and exactly one line on stderr", async () => {
    const result = await exec(
      process.execPath,
      ["--import", "tsx", "scripts/review/cli.ts", "review", "--env", "staging"],
      { ECS_CDKTF_TARGET: "aws" },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${UNKNOWN("--env")}\n`);
  });

  it("GIVEN --env staging through npm THEN the line once and no stack trace", async () => {
    const result = await exec("npm", ["run", "--silent", "review", "--", "--env", "staging"], {
      ECS_CDKTF_TARGET: "aws",
    });
    expect(result.code).not.toBe(0);
    expect(count(result.stderr, UNKNOWN("--env"))).toBe(1);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });
});
