import { execFileSync } from "node:child_process";

/**
 * Runs a command (the package tests' npm, node and tsc) and returns its stdout; a failure throws
 * with the command, its directory and its output.
 */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(command, args, {
      cwd,
      env: { ...process.env, ...env },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd}:\n${err.stderr ?? ""}\n${err.stdout ?? err.message}`,
    );
  }
}
