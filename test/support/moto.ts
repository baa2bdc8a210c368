import { ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import * as path from "node:path";

/** A moto server this test process started on 127.0.0.1. */
export interface LocalAws {
  /** e.g. `http://127.0.0.1:53211` */
  readonly endpoint: string;
  /** Forgets every resource. */
  reset(): Promise<void>;
  /** Stops the server. */
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

/** Starts a fresh moto server on a free port and waits until it answers. Never reuses one. */
export async function startLocalAws(): Promise<LocalAws> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const [python, server] = motoServerCommand();
  const child: ChildProcess = spawn(python, [server, "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 30_000;
  while (!(await answers(endpoint))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto server did not start on ${endpoint}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
    },
    stop() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
