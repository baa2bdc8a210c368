/**
 * Real local stand-ins for the edge proxy's test (static-ip-haproxy.test.ts): a tiny DNS server (the
 * VPC resolver), HTTP echo servers (the ALB's nodes), and HAProxy processes started with the
 * Debian binary that scripts/setup-haproxy.sh unpacks (ECS_CDKTF_HAPROXY).
 */
import { ChildProcess, spawn } from "node:child_process";
import { createSocket, Socket } from "node:dgram";
import * as http from "node:http";
import { AddressInfo, createServer } from "node:net";

/** The HAProxy binary (wrapper) from scripts/setup-haproxy.sh. */
export function haproxyBinary(): string {
  const binary = process.env.ECS_CDKTF_HAPROXY;
  if (!binary) {
    throw new Error(
      "ECS_CDKTF_HAPROXY is not set: run `bash scripts/setup-haproxy.sh` and export the line it prints " +
        "(npm test does, through toolchain.env)",
    );
  }
  return binary;
}

/** A TCP port free on `host` right now. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}: ${String(lastError ?? "no value")}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// --- DNS -------------------------------------------------------------------------------------

const TYPE_A = 1;

/** A DNS server on 127.0.0.1 answering A queries from a table it lets the test change. */
export interface DnsServer {
  readonly port: number;
  /** Sets the A records of `name` (lower case, no trailing dot); [] answers NXDOMAIN. */
  set(name: string, addresses: readonly string[]): void;
  /** Names asked so far, with their query type. */
  readonly queries: Array<{ readonly name: string; readonly type: number }>;
  close(): Promise<void>;
}

function readName(packet: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  for (;;) {
    const length = packet[at];
    if (length === undefined) throw new Error("truncated DNS name");
    if (length === 0) return { name: labels.join(".").toLowerCase(), end: at + 1 };
    labels.push(packet.subarray(at + 1, at + 1 + length).toString("ascii"));
    at += 1 + length;
  }
}

/** Builds the answer to one DNS query (RFC 1035 §4.1): A records from `table`, nothing for other types. */
function answer(query: Buffer, table: ReadonlyMap<string, readonly string[]>, ttl: number): Buffer {
  const { name, end } = readName(query, 12);
  const type = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const addresses = table.get(name);
  const records = type === TYPE_A && addresses !== undefined ? addresses : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  const recursionDesired = query.readUInt16BE(2) & 0x0100;
  // QR, AA, RD copied, RA; rcode 3 (NXDOMAIN) for a name we do not know.
  const rcode = addresses === undefined || addresses.length === 0 ? 3 : 0;
  header.writeUInt16BE(0x8000 | 0x0400 | recursionDesired | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(records.length, 6); // ANCOUNT
  const rrs = records.map((address) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(ttl, 6);
    rr.writeUInt16BE(4, 10);
    address.split(".").forEach((octet, i) => rr.writeUInt8(Number(octet), 12 + i));
    return rr;
  });
  return Buffer.concat([header, question, ...rrs]);
}

/** Starts the DNS server on a free UDP port of 127.0.0.1. */
export function startDnsServer(ttlSeconds = 1): Promise<DnsServer> {
  const table = new Map<string, readonly string[]>();
  const queries: Array<{ name: string; type: number }> = [];
  const socket: Socket = createSocket("udp4");
  socket.on("message", (message, remote) => {
    try {
      const { name, end } = readName(message, 12);
      queries.push({ name, type: message.readUInt16BE(end) });
      socket.send(answer(message, table, ttlSeconds), remote.port, remote.address);
    } catch {
      // A malformed query gets no answer, as from a real server that drops it.
    }
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      resolve({
        port: socket.address().port,
        set: (name, addresses) => table.set(name.toLowerCase(), [...addresses]),
        queries,
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}

// --- HTTP echo (the load balancer's stand-in) --------------------------------------------------

/** What the echo server saw of one request. */
export interface Echo {
  /** Which echo server answered. */
  readonly server: string;
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  /** The peer address of the connection the request came on (the proxy). */
  readonly peer: string;
}

/** An HTTP server answering every request with a JSON {@link Echo}. */
export interface EchoServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts an echo server on `host:port` (port 0: any free port). */
export function startEchoServer(name: string, host: string, port = 0): Promise<EchoServer> {
  const server = http.createServer((req, res) => {
    const echo: Echo = {
      server: name,
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      peer: req.socket.remoteAddress ?? "",
    };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(echo));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      resolve({
        name,
        host,
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A GET over a fresh connection (no keep-alive), with the headers given. */
export function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false, timeout: 5_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
  });
}

// --- HAProxy ---------------------------------------------------------------------------------

/** A running HAProxy (or the container command around it). */
export interface RunningProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far (HAProxy logs to stdout). */
  output(): string;
  stop(): Promise<void>;
}

/** Spawns `command` with `args`, collecting its output; `stop` sends SIGTERM and waits. */
export function startProcess(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): RunningProcess {
  const child = spawn(command, [...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  return {
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
