import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createServer } from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/** A moto server this test process started on 127.0.0.1. */
export interface LocalAws {
  /** e.g. `http://127.0.0.1:53211` */
  readonly endpoint: string;
  /** Forgets every resource. */
  reset(): Promise<void>;
  /** moto's log (every request it answered), a file under the OS temp directory. */
  readonly logPath: string;
  /** Stops the server and removes its log. */
  stop(): Promise<void>;
}

/** Region every local test uses (moto serves any; London is the project's default). */
export const LOCAL_REGION = "eu-west-2";

/** Client settings for AWS SDK v3 clients pointed at the local AWS. */
export function localClientConfig(aws: LocalAws) {
  return {
    region: LOCAL_REGION,
    endpoint: aws.endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** moto server plus the project's fixes of its known gaps (tools/moto_server.py). */
function motoServerCommand(): [string, string] {
  const venv = process.env.ECS_CDKTF_VENV;
  if (!venv) {
    throw new Error(
      "ECS_CDKTF_VENV is not set: run the tests through `npm test` (or source ~/.cache/ecs-cdktf/toolchain.env)",
    );
  }
  return [path.join(venv, "bin", "python"), path.join(__dirname, "..", "..", "tools", "moto_server.py")];
}

/** The last `bytes` of a file, or a note that it cannot be read. */
function tail(file: string, bytes = 4000): string {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.slice(-bytes);
  } catch (e) {
    return `(no log: ${(e as Error).message})`;
  }
}

/** Options of {@link startLocalAws}. */
export interface LocalAwsOptions {
  /** Extra environment of the server, e.g. moto's `MOTO_IAM_LOAD_MANAGED_POLICIES`. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts a fresh moto server on a free port and waits until it answers. Never reuses one. */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const [python, server] = motoServerCommand();
  // moto logs every request to stderr. A pipe into this process is drained only between turns of
  // the event loop, so it fills up during a long synchronous `terraform apply` and moto blocks on
  // the write: a file never does.
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "moto-"));
  const logPath = path.join(logDir, "moto.log");
  const logFd = fs.openSync(logPath, "a");
  let child: ChildProcess;
  try {
    child = spawn(python, [server, "-H", "127.0.0.1", "-p", String(port)], {
      stdio: ["ignore", "ignore", logFd],
      ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
    });
  } finally {
    fs.closeSync(logFd);
  }
  const deadline = Date.now() + 30_000;
  while (!(await answers(endpoint))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(
        `moto server did not start on ${endpoint}; the end of its log ${logPath}:\n${tail(logPath)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    logPath,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
    },
    async stop() {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
      fs.rmSync(logDir, { recursive: true, force: true });
    },
  };
}
