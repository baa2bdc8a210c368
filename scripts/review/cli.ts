/**
 * The plan review and the local deploy, from the command line (run with tsx).
 *
 *   review  [--env E] [--format text|markdown|json] [--out FILE] [--comments-dir DIR]
 *           [--allow-destroy-protected] [--synthesized DIR | --outdir DIR]
 *     synthesizes the environment, plans every stack, prints the review; exit 1 when the gate fails.
 *     --comments-dir writes the Markdown review as pull-request comments, 1.md, 2.md, …, each
 *     within GitHub's comment limit (render.ts, markdownComments).
 *   deploy  [--env E] [--allow-destroy-protected] [--strict] [--outputs-file FILE] [--outdir DIR]
 *     plan, review, gate and apply the reviewed plan, stack by stack; prints the review and outputs.
 *     Checkov's findings are reported; --strict makes them block as in `review`.
 *   destroy [--env E] [--include-foundation] [--outdir DIR]
 *     destroys the app stack (and the foundation only with --include-foundation); says what it kept.
 *
 * Exit codes: 0 done (gate passed), 1 the gate failed, 2 a usage error or a failure.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadEnvironmentConfig, selectEnvironmentName } from "../../stacks/config";
import { validationErrorLine } from "../../stacks/errors";
import { Review } from "./analyze";
import { FORMATS, Format, markdownComments, render, renderText } from "./render";
import { deployEnvironment, destroyEnvironment, reviewEnvironment } from "./run";
import { readSynthesized, REPO_ROOT, synthesize, SynthesizedApp } from "./synth";

const COMMANDS = ["review", "deploy", "destroy"] as const;
type Command = (typeof COMMANDS)[number];

/** Parsed command line. */
export interface CliOptions {
  readonly command: Command;
  readonly env?: string;
  readonly format: Format;
  readonly out?: string;
  readonly commentsDir?: string;
  readonly allowDestroyProtected: boolean;
  readonly strict: boolean;
  readonly includeFoundation: boolean;
  readonly synthesized?: string;
  readonly outdir: string;
  readonly outputsFile?: string;
}

/** Thrown for a bad command line (exit 2, with usage). */
export class UsageError extends Error {}

/** Thrown for --help (exit 0, usage). */
export class HelpRequested extends Error {}

const FLAGS = ["--allow-destroy-protected", "--strict", "--include-foundation"];
const VALUED = [
  "--env",
  "--format",
  "--out",
  "--comments-dir",
  "--synthesized",
  "--outdir",
  "--outputs-file",
];

/** The command line, for --help and usage errors. */
export const USAGE = `usage: npm run review -- [review] [--env dev|prod] [--format text|markdown|json] [--out FILE]
                        [--comments-dir DIR] [--allow-destroy-protected] [--synthesized DIR | --outdir DIR]
       tsx scripts/review/cli.ts deploy [--env E] [--allow-destroy-protected] [--strict] [--outputs-file FILE] [--outdir DIR]
       tsx scripts/review/cli.ts destroy [--env E] [--include-foundation] [--outdir DIR]`;

/** Parses `argv` (without node and the script). */
export function parseArgs(argv: readonly string[]): CliOptions {
  const args = [...argv];
  if (args.includes("--help") || args.includes("-h")) throw new HelpRequested();
  const command = (args[0] && !args[0].startsWith("-") ? args.shift() : "review") as Command;
  if (!COMMANDS.includes(command)) {
    throw new UsageError(`unknown command ${JSON.stringify(command)}: use one of ${COMMANDS.join(", ")}`);
  }
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  while (args.length) {
    const arg = args.shift()!;
    const [name, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (FLAGS.includes(name) && inline === undefined) flags.add(name);
    else if (VALUED.includes(name)) {
      const value = inline ?? args.shift();
      if (value === undefined || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
      values[name] = value;
    } else throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
  }
  const format = (values["--format"] ?? "text") as Format;
  if (!FORMATS.includes(format)) {
    throw new UsageError(`--format (${format}) must be one of ${FORMATS.join(", ")}`);
  }
  if (values["--synthesized"] && values["--outdir"]) {
    throw new UsageError(
      "--synthesized (review an app synthesized already) and --outdir (where to synthesize) exclude each other",
    );
  }
  if (values["--synthesized"] && command !== "review")
    throw new UsageError("--synthesized works with review only");
  if (values["--comments-dir"] && command !== "review")
    throw new UsageError("--comments-dir works with review only");
  return {
    command,
    ...(values["--env"] !== undefined ? { env: values["--env"] } : {}),
    format,
    ...(values["--out"] !== undefined ? { out: values["--out"] } : {}),
    ...(values["--comments-dir"] !== undefined ? { commentsDir: values["--comments-dir"] } : {}),
    allowDestroyProtected: flags.has("--allow-destroy-protected"),
    strict: flags.has("--strict"),
    includeFoundation: flags.has("--include-foundation"),
    ...(values["--synthesized"] !== undefined ? { synthesized: values["--synthesized"] } : {}),
    outdir: values["--outdir"] ?? path.join(REPO_ROOT, "cdktf.out"),
    ...(values["--outputs-file"] !== undefined ? { outputsFile: values["--outputs-file"] } : {}),
  };
}

const log = (line: string) => process.stderr.write(`[review] ${line}\n`);

/** Runs the command; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv);
  // --env wins over nothing; with ECS_CDKTF_ENV set too, both must agree (no silent precedence).
  const name = selectEnvironmentName({ context: options.env, contextLabel: "--env", env: process.env });
  const config = loadEnvironmentConfig({ context: name, env: process.env });
  let app: SynthesizedApp;
  if (options.synthesized) {
    app = readSynthesized(path.resolve(options.synthesized));
  } else {
    log(`synthesizing environment ${name} into ${options.outdir}`);
    app = await synthesize(name, options.outdir);
  }
  const ctx = { config, app, allowDestroyProtected: options.allowDestroyProtected, log };

  if (options.command === "review") {
    const review = await reviewEnvironment(ctx);
    emit(review, options);
    return review.gate.passed ? 0 : 1;
  }

  if (options.command === "deploy") {
    const result = await deployEnvironment({ ...ctx, checkovBlocks: options.strict });
    emit(result.review, options);
    if (!result.review.gate.passed) {
      log("deploy stopped by the gate: nothing after the failing stack was applied");
      return 1;
    }
    const outputsText = `${JSON.stringify(result.outputs, null, 2)}\n`;
    if (options.outputsFile) fs.writeFileSync(options.outputsFile, outputsText);
    process.stdout.write(
      `\nOutputs${options.outputsFile ? ` (also in ${options.outputsFile})` : ""}:\n${outputsText}`,
    );
    return 0;
  }

  const foundationIds = app.stacks
    .filter((s) => app.stacks.some((o) => o.dependencies.includes(s.id)))
    .map((s) => s.id);
  const result = await destroyEnvironment(
    { app, log },
    (s) => options.includeFoundation || !foundationIds.includes(s.id),
  );
  process.stdout.write(`Destroyed: ${result.destroyed.join(", ") || "nothing"}\n`);
  for (const [stack, addresses] of Object.entries(result.kept)) {
    process.stdout.write(
      `Kept on purpose: ${stack} (${addresses.length} resources: ${summarize(addresses)}).\n`,
    );
  }
  if (Object.keys(result.kept).length) {
    process.stdout.write(
      "The foundation outlives an app teardown: its Route 53 zone and Elastic IPs keep their ids and addresses.\n" +
        "To remove it as well, on purpose: bash scripts/local.sh destroy --include-foundation\n",
    );
  }
  return 0;
}

/** `aws_subnet.a, aws_subnet.b, aws_vpc.v` → `2 aws_subnet, 1 aws_vpc`. */
function summarize(addresses: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const a of addresses.filter((x) => !x.startsWith("data."))) {
    const type = a.split(".")[0]!;
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return [...counts.entries()].map(([t, n]) => `${n} ${t}`).join(", ") || "none";
}

function emit(review: Review, options: CliOptions): void {
  const text = render(review, options.format);
  process.stdout.write(text);
  if (options.out) fs.writeFileSync(options.out, text);
  // The terminal gets the readable text too when the report itself goes to a file in another format.
  if (options.out && options.format !== "text") process.stderr.write(renderText(review));
  if (options.commentsDir) writeComments(review, options.commentsDir);
}

/** The Markdown review as comments `1.md`, `2.md`, … in `dir` (emptied of earlier ones first). */
export function writeComments(review: Review, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir).filter((f) => /^\d+\.md$/.test(f))) fs.rmSync(path.join(dir, f));
  return markdownComments(review).map((body, i) => {
    const file = path.join(dir, `${i + 1}.md`);
    fs.writeFileSync(file, body);
    return file;
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof HelpRequested) {
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      }
      // Bad input (a ValidationError, a usage error): one line, no stack trace. Anything else is a
      // bug: its stack trace is kept.
      const line = validationErrorLine(e);
      if (line !== undefined) process.stderr.write(`${line}\n`);
      else if (e instanceof UsageError) process.stderr.write(`error: ${e.message}\n${USAGE}\n`);
      else process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(2);
    },
  );
}
