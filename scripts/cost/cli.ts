/**
 * `npm run cost -- [--env dev|prod] [--format text|json] [--out FILE]`: the monthly cost estimate
 * of one environment, offline. Synthesizes the environment in-process (nothing is deployed or
 * planned, no AWS is called) and prices its stacks' resources at scripts/cost/prices.json.
 *
 * Exit codes: 0 done, 2 a usage error or bad input (an unknown environment, a region or instance
 * type the price table lacks).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { EnvironmentConfig, loadEnvironmentConfig, selectEnvironmentName } from "../../stacks/config";
import { addEnvironment } from "../../stacks/environment";
import { validationErrorLine } from "../../stacks/errors";
import { readSynthesized } from "../review/synth";
import { CostEstimate, estimateCost, renderEstimate, resourcesOfSynthesized, usd } from "./estimate";
import { loadPriceTable, MissingPriceError, PriceTable } from "./prices";

/** The estimate of one environment: each stack's, and the whole. */
export interface EnvironmentCost {
  readonly environment: string;
  readonly region: string;
  readonly stacks: ReadonlyArray<{ readonly stack: string; readonly estimate: CostEstimate }>;
  /** All stacks together. */
  readonly total: CostEstimate;
}

/** Estimates `environment` (a preset name, or ECS_CDKTF_CONFIG's file) from its synthesized stacks. */
export function estimateEnvironment(
  environment: string,
  env: NodeJS.ProcessEnv = process.env,
): EnvironmentCost {
  return estimateConfig(loadEnvironmentConfig({ context: environment, env }));
}

/** Estimates an environment's configuration from its synthesized stacks, at `table`'s prices. */
export function estimateConfig(
  config: EnvironmentConfig,
  table: PriceTable = loadPriceTable(),
): EnvironmentCost {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-"));
  try {
    const app = new App({ outdir });
    // The real-AWS target: what the estimate prices is what would be deployed there.
    addEnvironment(app, { ...config, backend: { kind: "local", directory: outdir } }, { kind: "aws" });
    app.synth();
    const synthesized = readSynthesized(outdir);
    const stacks = synthesized.stacks.map((s) => ({
      stack: s.id,
      estimate: estimateCost(resourcesOfSynthesized(s.json as never), config.region, table),
    }));
    const total = estimateCost(
      { resources: synthesized.stacks.flatMap((s) => resourcesOfSynthesized(s.json as never).resources) },
      config.region,
      table,
    );
    return { environment: config.name, region: config.region, stacks, total };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The environment's estimate as text: the whole, then a line per stack. */
export function renderEnvironmentCost(cost: EnvironmentCost): string {
  const perStack = cost.stacks.map((s) => `  ${s.stack}: ${usd(s.estimate.monthly)} a month`);
  return `${renderEstimate(`Monthly estimate: environment ${cost.environment}`, cost.total)}\nBy stack:\n${perStack.join("\n")}\n`;
}

const USAGE = "usage: npm run cost -- [--env dev|prod] [--format text|json] [--out FILE]";

/** Runs the command; resolves with the exit code. */
export function main(argv: readonly string[]): number {
  const args = [...argv];
  const values: Record<string, string> = {};
  while (args.length) {
    const arg = args.shift()!;
    if (arg === "--help" || arg === "-h") {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const [name, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (!["--env", "--format", "--out"].includes(name)) {
      process.stderr.write(`error: unknown option ${JSON.stringify(arg)}\n${USAGE}\n`);
      return 2;
    }
    const value = inline ?? args.shift();
    if (value === undefined || value.startsWith("--")) {
      process.stderr.write(`error: ${name} needs a value\n${USAGE}\n`);
      return 2;
    }
    values[name] = value;
  }
  const format = values["--format"] ?? "text";
  if (format !== "text" && format !== "json") {
    process.stderr.write(`error: --format (${format}) must be one of text, json\n${USAGE}\n`);
    return 2;
  }
  try {
    const name = selectEnvironmentName({ context: values["--env"], contextLabel: "--env", env: process.env });
    const cost = estimateEnvironment(name);
    const text = format === "json" ? `${JSON.stringify(cost, null, 2)}\n` : renderEnvironmentCost(cost);
    process.stdout.write(text);
    if (values["--out"]) fs.writeFileSync(values["--out"], text);
    return 0;
  } catch (e) {
    const line = validationErrorLine(e);
    if (line !== undefined) process.stderr.write(`${line}\n`);
    else if (e instanceof MissingPriceError) process.stderr.write(`error: ${e.message}\n`);
    else throw e;
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
