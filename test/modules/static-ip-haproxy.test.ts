/**
 * The edge proxy's HAProxy configuration, run for real: the generator's output (the same function
 * the StaticIp module synthesizes into the task definition) with loopback addresses and free high
 * ports instead of the ENI's address and 80/443, checked by `haproxy -c`, then started through the
 * container's own command in front of local HTTP echo servers standing in for the ALB's nodes, with
 * a local DNS server standing in for the VPC resolver.
 *
 * The binary is Debian 12's HAProxy 2.6 (scripts/setup-haproxy.sh); the module's default image is
 * the 2.6 line (DEFAULT_PROXY_IMAGE). When the tests run as root, HAProxy starts as root with only
 * the container's capabilities (PROXY_CAPABILITIES, through setpriv) and drops to the image's
 * haproxy user, as in ECS. What differs from ECS: no container (the command runs under the local
 * bash), and the ports are high ones.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  backendName,
  DNS_RESOLVE_INTERVAL_SECONDS,
  HAPROXY_IMAGE_USER,
  HaproxyConfigOptions,
  HEALTH_PATH,
  healthCheckCommand,
  PROXY_COMMAND,
  renderHaproxyConfig,
} from "../../modules/static-ip/haproxy-config";
import { PROXY_CAPABILITIES } from "../../modules/static-ip/edge-proxy";
import {
  DnsServer,
  Echo,
  EchoServer,
  eventually,
  freePort,
  get,
  haproxyBinary,
  RunningProcess,
  startDnsServer,
  startEchoServer,
  startProcess,
} from "./static-ip-haproxy-fixtures";

jest.setTimeout(90_000);

const ALB_NAME = "internal-edge-alb-123456789.eu-west-2.elb.amazonaws.test";
const isRoot = process.getuid?.() === 0;

/**
 * As root: `setpriv` limiting the capabilities to the container's (PROXY_CAPABILITIES), so HAProxy
 * runs with exactly what ECS grants it. Otherwise nothing (an ordinary user has no capabilities).
 */
function withContainerCapabilities(command: string, args: readonly string[]): [string, string[]] {
  if (!isRoot) return [command, [...args]];
  const keep = PROXY_CAPABILITIES.map((c) => `+${c.toLowerCase()}`).join(",");
  return ["setpriv", [`--bounding-set=-all,${keep}`, "--inh-caps=-all", command, ...args]];
}

describe("edge proxy HAProxy config (real haproxy)", () => {
  let binary: string;
  let work: string;
  let dns: DnsServer;
  let nodeA: EchoServer;
  let nodeB: EchoServer;
  let options: HaproxyConfigOptions;
  let proxy: RunningProcess;
  let httpPort: number;
  let tcpPort: number;
  let healthPort: number;
  const started: RunningProcess[] = [];

  /** Starts the container's command (PROXY_COMMAND) with `config`, the Debian haproxy first on PATH. */
  function startContainerCommand(config: string, name: string): RunningProcess {
    const [command, args] = withContainerCapabilities(PROXY_COMMAND[0], PROXY_COMMAND.slice(1));
    const running = startProcess(command, args, {
      ...process.env,
      PATH: `${path.dirname(binary)}:${process.env.PATH ?? ""}`,
      HAPROXY_CONFIG: config,
      HAPROXY_CONFIG_PATH: path.join(work, `${name}.cfg`),
    });
    started.push(running);
    return running;
  }

  async function echoVia(port: number, headers: Record<string, string> = {}): Promise<Echo> {
    const res = await get(`http://127.0.0.1:${port}/orders?id=7`, headers);
    expect(res.status).toBe(200);
    return JSON.parse(res.body) as Echo;
  }

  beforeAll(async () => {
    binary = haproxyBinary();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "static-ip-haproxy-"));
    dns = await startDnsServer();
    nodeA = await startEchoServer("node-a", "127.0.0.1");
    // The second ALB node: same port, another loopback address (Linux routes all of 127/8 locally).
    nodeB = await startEchoServer("node-b", "127.0.0.2", nodeA.port);
    dns.set(ALB_NAME, [nodeA.host]);
    [httpPort, tcpPort, healthPort] = [await freePort(), await freePort(), await freePort()];
    // The substitution: loopback for the ENI's private IP, free ports for 80/443 and the health
    // port, the echo servers' port for the ALB's 80/443, the local DNS server for the VPC resolver.
    options = {
      bindAddress: "127.0.0.1",
      listeners: [
        { port: httpPort, mode: "http", targetPort: nodeA.port },
        { port: tcpPort, mode: "tcp", targetPort: nodeA.port },
      ],
      targetHost: ALB_NAME,
      nameservers: [{ address: "127.0.0.1", port: dns.port }],
      healthPort,
      // As root HAProxy drops to the image's haproxy user as in ECS; otherwise it cannot switch user.
      ...(isRoot ? {} : { runAs: undefined }),
    };
    proxy = startContainerCommand(renderHaproxyConfig(options), "edge");
    await eventually("the proxy's health endpoint to answer 200", async () => {
      const res = await get(`http://127.0.0.1:${healthPort}${HEALTH_PATH}`);
      return res.status === 200 ? res : undefined;
    });
  });

  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
    await Promise.all([nodeA?.close(), nodeB?.close(), dns?.close()]);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("GIVEN the generated config THEN haproxy -c accepts it", () => {
    const file = path.join(work, "check.cfg");
    fs.writeFileSync(file, renderHaproxyConfig(options));
    const out = execFileSync(binary, ["-c", "-f", file], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(out).toContain("Configuration file is valid");
  });

  test("GIVEN an HTTP request with forged X-Forwarded-* headers THEN the ALB gets the client's address, http and the port, and the Host unchanged", async () => {
    const echo = await echoVia(httpPort, {
      Host: "api.example.com",
      "X-Forwarded-For": "203.0.113.66",
      "X-Forwarded-Proto": "https",
      "X-Forwarded-Port": "443",
    });

    expect(echo.server).toBe("node-a");
    expect(echo.url).toBe("/orders?id=7");
    expect(echo.headers.host).toBe("api.example.com");
    // Replaced, not appended: a client cannot put an address of its choice first.
    expect(echo.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(echo.headers["x-forwarded-proto"]).toBe("http");
    expect(echo.headers["x-forwarded-port"]).toBe(String(httpPort));
  });

  test("GIVEN a connection on the TCP (443) port THEN the bytes pass through untouched: no X-Forwarded-* added", async () => {
    const echo = await echoVia(tcpPort, { "X-Forwarded-Proto": "kept-as-sent" });

    expect(echo.server).toBe("node-a");
    expect(echo.headers["x-forwarded-proto"]).toBe("kept-as-sent");
    expect(echo.headers["x-forwarded-for"]).toBeUndefined();
    expect(echo.headers["x-forwarded-port"]).toBeUndefined();
  });

  test("GIVEN the ALB resolves THEN the health endpoint answers 200, the container health check passes, other paths 404", async () => {
    const health = await get(`http://127.0.0.1:${healthPort}${HEALTH_PATH}`);
    expect(health.status).toBe(200);
    expect((await get(`http://127.0.0.1:${healthPort}/admin`)).status).toBe(404);

    const [command, ...args] = healthCheckCommand(healthPort).slice(1);
    const check = spawnSync(command, args, { encoding: "utf8", timeout: 5_000 });
    expect(check.status).toBe(0);
  });

  test("GIVEN the ALB's name stops resolving to node A THEN HAProxy re-resolves it at run time and reaches node B", async () => {
    dns.set(ALB_NAME, [nodeB.host]);
    const started = Date.now();

    const echo = await eventually(
      "a request to reach node B",
      async () => {
        const seen = await echoVia(httpPort);
        return seen.server === "node-b" ? seen : undefined;
      },
      (DNS_RESOLVE_INTERVAL_SECONDS + 10) * 1000,
    );

    expect(echo.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(Date.now() - started).toBeLessThan((DNS_RESOLVE_INTERVAL_SECONDS + 10) * 1000);
    expect(dns.queries.some((q) => q.name === ALB_NAME.toLowerCase() && q.type === 1)).toBe(true);
  });

  test("GIVEN HAProxy runs THEN it has dropped to the image's haproxy user (as root) with no capabilities left", () => {
    const pid = proxy.child.pid;
    expect(pid).toBeDefined();
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string): string => status.match(new RegExp(`^${name}:\\s+(.*)$`, "m"))?.[1] ?? "";
    // exec: the container's PID 1 is haproxy itself, not bash.
    expect(fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim()).toBe("haproxy");
    const expectedUid = isRoot ? HAPROXY_IMAGE_USER.uid : process.getuid?.();
    expect(field("Uid").split(/\s+/)).toEqual(Array(4).fill(String(expectedUid)));
    expect(field("CapEff")).toBe("0000000000000000");
  });

  test("GIVEN the load balancer's name does not resolve THEN the health endpoint answers 503 and the health check fails", async () => {
    const port = await freePort();
    const unhealthy = startContainerCommand(
      renderHaproxyConfig({
        ...options,
        targetHost: "nowhere.edge.test",
        listeners: [{ port: await freePort(), mode: "http", targetPort: nodeA.port }],
        healthPort: port,
      }),
      "unresolved",
    );
    const res = await eventually("the health endpoint to answer", () =>
      get(`http://127.0.0.1:${port}${HEALTH_PATH}`),
    );

    expect(res.status).toBe(503);
    const [command, ...args] = healthCheckCommand(port).slice(1);
    expect(spawnSync(command, args, { encoding: "utf8", timeout: 5_000 }).status).not.toBe(0);
    expect(dns.queries.some((q) => q.name === "nowhere.edge.test")).toBe(true);
    await unhealthy.stop();
  });

  test("GIVEN the ENI is not attached yet (its address is not on the host) THEN HAProxy still binds it, thanks to `transparent`", async () => {
    // 192.0.2.0/24 is TEST-NET-1: never a local address. With the container's capabilities (no
    // NET_ADMIN or NET_RAW) the kernel refuses IP_TRANSPARENT and HAProxy falls back to IP_FREEBIND.
    const [listenPort, port] = [await freePort(), await freePort()];
    const config = renderHaproxyConfig({
      ...options,
      bindAddress: "192.0.2.10",
      listeners: [{ port: listenPort, mode: "http", targetPort: nodeA.port }],
      healthPort: port,
    });
    const running = startContainerCommand(config, "not-attached");

    // 503 until HAProxy's first check of the backend passes (seconds, under load): wait for 200.
    const res = await eventually("the health endpoint to answer 200", async () => {
      const answer = await get(`http://127.0.0.1:${port}${HEALTH_PATH}`);
      return answer.status === 200 ? answer : undefined;
    });

    expect(res.status).toBe(200);
    expect(running.child.exitCode).toBeNull();
    const listening = execFileSync("ss", ["-ltn", `sport = :${listenPort}`], { encoding: "utf8" });
    expect(listening).toContain(`192.0.2.10:${listenPort}`);

    // Without `transparent`, the same bind fails: this is why the generator sets it.
    const plain = path.join(work, "plain.cfg");
    fs.writeFileSync(plain, config.replace(/ transparent$/m, ""));
    const [command, args] = withContainerCapabilities(binary, ["-db", "-f", plain]);
    const refused = spawnSync(command, args, { encoding: "utf8", timeout: 10_000 });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(
      /cannot bind socket \(Cannot assign requested address\) for \[192\.0\.2\.10/,
    );
    await running.stop();
  });

  test("GIVEN only a TCP listener THEN the config has no HTTP backend and the health check watches the TCP one", () => {
    const config = renderHaproxyConfig({
      ...options,
      listeners: [{ port: 443, mode: "tcp", targetPort: 443 }],
    });
    const file = path.join(work, "tcp-only.cfg");
    fs.writeFileSync(file, config);

    expect(execFileSync(binary, ["-c", "-f", file], { encoding: "utf8" })).toContain("valid");
    expect(config).toContain(`monitor fail if { nbsrv(${backendName("tcp")}) lt 1 }`);
    expect(config).not.toContain(`backend ${backendName("http")}`);
  });
});
