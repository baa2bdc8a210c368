/**
 * Synthesizes one environment of the app (main.ts, as `cdktf synth` would) and reads what came
 * out: the stacks in dependency order, each with its directory and synthesized JSON.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ValidationError } from "../../modules/shared/validation";

/** The repository root (main.ts, cdktf.json). */
export const REPO_ROOT = path.join(__dirname, "..", "..");

/** One synthesized stack. */
export interface SynthesizedStack {
  readonly id: string;
  /** Its working directory (cdk.tf.json, .terraform, tfplan). */
  readonly dir: string;
  /** Stacks it reads through cross-stack references. */
  readonly dependencies: readonly string[];
  /** Its synthesized Terraform JSON. */
  readonly json: {
    resource?: Record<
      string,
      Record<string, { lifecycle?: { prevent_destroy?: boolean }; "//"?: { metadata?: { path?: string } } }>
    >;
  };
}

/** A synthesized app. */
export interface SynthesizedApp {
  readonly outdir: string;
  /** Dependencies first. */
  readonly stacks: readonly SynthesizedStack[];
}

interface Manifest {
  stacks: Record<string, { workingDirectory: string; dependencies?: string[] }>;
}

/** Reads an app synthesized into `outdir` (its manifest.json), stacks ordered dependencies first. */
export function readSynthesized(outdir: string): SynthesizedApp {
  const manifestPath = path.join(outdir, "manifest.json");
  if (!fs.existsSync(manifestPath)) throw new Error(`${outdir} holds no synthesized app (no manifest.json)`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as Manifest;
  const ordered: string[] = [];
  const visit = (id: string, trail: readonly string[]): void => {
    if (ordered.includes(id)) return;
    if (trail.includes(id))
      throw new Error(`stacks depend on each other in a cycle: ${[...trail, id].join(" -> ")}`);
    for (const dep of manifest.stacks[id]?.dependencies ?? []) visit(dep, [...trail, id]);
    ordered.push(id);
  };
  for (const id of Object.keys(manifest.stacks).sort()) visit(id, []);
  return {
    outdir,
    stacks: ordered.map((id) => {
      const dir = path.join(outdir, manifest.stacks[id]!.workingDirectory);
      return {
        id,
        dir,
        dependencies: manifest.stacks[id]!.dependencies ?? [],
        json: JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")),
      };
    }),
  };
}

/**
 * Runs main.ts for `environment` into `outdir` (the target and state directory come from the
 * caller's environment: ECS_CDKTF_TARGET, LOCAL_AWS_ENDPOINT, ECS_CDKTF_STATE_DIR).
 */
export function synthesize(environment: string, outdir: string): Promise<SynthesizedApp> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "main.ts"],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ECS_CDKTF_ENV: environment, CDKTF_OUTDIR: path.resolve(outdir) },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, _stdout, stderr) => {
        if (error) {
          // main.ts reports bad input as the one line `error: <message>` (stacks/errors.ts): it
          // stays a ValidationError, so the CLI prints it as one line too.
          const lines = stderr.trim().split("\n");
          const line = lines.find((l) => l.startsWith("error: "));
          if (line && !lines.some((l) => /^\s+at /.test(l))) {
            return reject(new ValidationError(line.slice("error: ".length)));
          }
          return reject(new Error(`synthesizing environment ${environment} failed:\n${stderr.trim()}`));
        }
        try {
          resolve(readSynthesized(path.resolve(outdir)));
        } catch (e) {
          reject(e);
        }
      },
    );
  });
}
