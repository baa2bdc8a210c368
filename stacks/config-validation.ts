import { KNOWN_AZ_LETTERS, MAX_AZS, NAT_GATEWAY_MODES } from "../modules/network";
import {
  DEFAULT_PROXY_HEALTH_PORT,
  ECS_RESERVED_HOST_PORTS,
  TLS_PASSTHROUGH_PORT,
} from "../modules/static-ip/props";
import { BackendConfig, EnvironmentConfig, ServiceConfig, StaticIpAddresses } from "./config-types";

/** Every value of {@link StaticIpAddresses}. */
export const STATIC_IP_ADDRESS_MODES: readonly StaticIpAddresses[] = ["one", "per-az", "none"];

/** Tags the stacks set on every resource themselves; `tags` may not override them. */
export const RESERVED_TAG_KEYS: readonly string[] = ["project", "environment", "managed-by", "Name"];

/** Most services one environment (one load balancer) holds. */
export const MAX_SERVICES = 20;

/** Shortest reason a checkov exception may give. */
export const MIN_EXCEPTION_REASON_LENGTH = 20;

/** Fewest availability zones: an Application Load Balancer needs subnets in two. */
export const MIN_AZ_COUNT = 2;

const ENV_NAME = /^[a-z][a-z0-9-]{0,15}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,23}$/;
const HOST_HEADER = /^[A-Za-z0-9*?]([A-Za-z0-9*?.-]{0,126}[A-Za-z0-9*?])?$/;
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KEY_PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;
const CHECKOV_ID = /^CKV2?_AWS_\d+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

type Fail = (field: string, value: unknown, must: string, fix: string) => never;

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isInteger(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function checkInteger(
  fail: Fail,
  field: string,
  value: unknown,
  min: number,
  max: number,
  fix: string,
): void {
  if (!isInteger(value, min, max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    fail(field, value, `be an integer ${range}`, fix);
  }
}

function checkOneOf<T>(fail: Fail, field: string, value: unknown, allowed: readonly T[]): void {
  if (!allowed.includes(value as T)) {
    fail(field, value, `be one of ${allowed.join(", ")}`, "pick one of those");
  }
}

function checkBoolean(fail: Fail, field: string, value: unknown): void {
  if (typeof value !== "boolean") fail(field, value, "be true or false", "set a boolean");
}

/** The problem with an IPv4 CIDR block, or undefined when it is a valid one within the prefixes. */
function cidrProblem(value: unknown, minPrefix: number, maxPrefix: number): string | undefined {
  const match = typeof value === "string" ? CIDR.exec(value) : null;
  if (!match) return "be an IPv4 CIDR block like 10.0.0.0/16";
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255)) return "have octets from 0 to 255";
  if (prefix < minPrefix || prefix > maxPrefix) return `have a prefix from /${minPrefix} to /${maxPrefix}`;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 2 ** (32 - prefix);
  if (address % hostBits !== 0) return "have no host bits set";
  return undefined;
}

/**
 * Checks every field of `config`, throwing on the first problem with
 * `Environment '<name>': <field> (<value>) must …; <fix>`.
 */
export function validateEnvironmentConfig(config: EnvironmentConfig): EnvironmentConfig {
  const label = typeof config.name === "string" && config.name ? config.name : show(config.name);
  const fail: Fail = (field, value, must, fix) => {
    throw new Error(`Environment '${label}': ${field} (${show(value)}) must ${must}; ${fix}`);
  };

  if (typeof config.name !== "string" || !ENV_NAME.test(config.name)) {
    fail(
      "name",
      config.name,
      "be 1 to 16 lower-case letters, digits or hyphens, starting with a letter",
      "shorten or rename it",
    );
  }
  if (typeof config.region !== "string" || !REGION.test(config.region)) {
    fail("region", config.region, "be an AWS region name like eu-west-2", "fix the region name");
  }
  validateNetwork(fail, config);
  validateCapacity(fail, config);
  validateLoadBalancer(fail, config);
  if (typeof config.imageTag !== "string" || !IMAGE_TAG.test(config.imageTag)) {
    fail(
      "imageTag",
      config.imageTag,
      "be an image tag: 1 to 128 letters, digits, `_`, `.` or `-`, not starting with `.` or `-`",
      "use e.g. the git SHA of the release",
    );
  }
  validateServices(fail, config);
  validateStaticIp(fail, config);
  checkBoolean(fail, "stopped", config.stopped);
  checkBoolean(fail, "deletionProtection", config.deletionProtection);
  validateCheckovExceptions(fail, config);
  validateBackend(fail, config.backend);
  validateTags(fail, config.tags);
  return config;
}

function validateNetwork(fail: Fail, config: EnvironmentConfig): void {
  const network = config.network;
  const cidr = cidrProblem(network.cidrBlock, 16, 24);
  if (cidr) fail("network.cidrBlock", network.cidrBlock, cidr, "e.g. 172.24.0.0/16");
  const maxAzs = Math.min(KNOWN_AZ_LETTERS[config.region]?.length ?? MAX_AZS, MAX_AZS);
  checkInteger(
    fail,
    "network.azCount",
    network.azCount,
    MIN_AZ_COUNT,
    maxAzs,
    `an Application Load Balancer needs ${MIN_AZ_COUNT} AZs, and ${config.region} has ${maxAzs}`,
  );
  checkOneOf(fail, "network.natGateways", network.natGateways, NAT_GATEWAY_MODES);
  const labels = typeof network.zoneName === "string" ? network.zoneName.split(".") : [];
  if (labels.length < 2 || labels.some((l) => !DNS_LABEL.test(l)) || network.zoneName.length > 253) {
    fail(
      "network.zoneName",
      network.zoneName,
      "be a lower-case DNS name of at least two labels, without a trailing dot",
      "e.g. myorg.local",
    );
  }
}

function validateCapacity(fail: Fail, config: EnvironmentConfig): void {
  const c = config.capacity;
  if (typeof c.instanceType !== "string" || !INSTANCE_TYPE.test(c.instanceType)) {
    fail("capacity.instanceType", c.instanceType, "be an EC2 instance type like t3.small", "fix the name");
  }
  checkInteger(fail, "capacity.minSize", c.minSize, 0, Number.MAX_SAFE_INTEGER, "e.g. 1");
  checkInteger(
    fail,
    "capacity.maxSize",
    c.maxSize,
    1,
    Number.MAX_SAFE_INTEGER,
    "use `stopped: true` to scale to zero",
  );
  if (c.minSize > c.maxSize) {
    fail("capacity.minSize", c.minSize, `be ≤ capacity.maxSize (${c.maxSize})`, "lower it or raise maxSize");
  }
  checkInteger(fail, "capacity.desiredCapacity", c.desiredCapacity, 0, Number.MAX_SAFE_INTEGER, "e.g. 1");
  if (c.desiredCapacity < c.minSize || c.desiredCapacity > c.maxSize) {
    fail(
      "capacity.desiredCapacity",
      c.desiredCapacity,
      `be from capacity.minSize (${c.minSize}) to capacity.maxSize (${c.maxSize})`,
      "change it or the limits",
    );
  }
}

function validateLoadBalancer(fail: Fail, config: EnvironmentConfig): void {
  const lb = config.loadBalancer;
  if (!Array.isArray(lb.ingressCidrs) || lb.ingressCidrs.length === 0) {
    fail(
      "loadBalancer.ingressCidrs",
      lb.ingressCidrs,
      "list at least one IPv4 CIDR block",
      'use ["0.0.0.0/0"] for the whole internet',
    );
  }
  lb.ingressCidrs.forEach((cidr, i) => {
    const problem = cidrProblem(cidr, 0, 32);
    if (problem) fail(`loadBalancer.ingressCidrs[${i}]`, cidr, problem, "e.g. 203.0.113.0/24");
  });
  checkBoolean(fail, "loadBalancer.accessLogs", lb.accessLogs);
  if (lb.certificateArn !== undefined) {
    const acm = new RegExp(`^arn:aws[a-z-]*:acm:${config.region}:\\d{12}:certificate/[A-Za-z0-9-]+$`);
    if (!acm.test(lb.certificateArn)) {
      fail(
        "loadBalancer.certificateArn",
        lb.certificateArn,
        `be an ACM certificate ARN in ${config.region} (arn:aws:acm:${config.region}:<account>:certificate/<id>)`,
        "request or import the certificate in the environment's region",
      );
    }
  }
}

function validateServices(fail: Fail, config: EnvironmentConfig): void {
  const services = config.services;
  if (!Array.isArray(services) || services.length === 0 || services.length > MAX_SERVICES) {
    fail(
      "services",
      Array.isArray(services) ? `${services.length} services` : services,
      `list 1 to ${MAX_SERVICES} services`,
      "one load balancer's listener holds that many rules here",
    );
  }
  const names = new Set<string>();
  const priorities = new Set<number>();
  services.forEach((service, i) => {
    validateService(fail, `services[${i}]`, service);
    if (names.has(service.name)) {
      fail(`services[${i}].name`, service.name, "be unique", "rename one of the services");
    }
    names.add(service.name);
    if (priorities.has(service.priority)) {
      fail(`services[${i}].priority`, service.priority, "be unique", "give each service its own priority");
    }
    priorities.add(service.priority);
  });
  services.forEach((service, i) => {
    const image = service.image;
    if (image.source !== "service") return;
    const target = services.find((s) => s.name === image.service);
    if (!target || target === service || target.image.source !== "ecr") {
      fail(
        `services[${i}].image.service`,
        image.service,
        "name another service of the list whose image source is ecr",
        `one of: ${
          services
            .filter((s) => s !== service && s.image.source === "ecr")
            .map((s) => s.name)
            .join(", ") || "(none)"
        }`,
      );
    }
  });
}

function validateService(fail: Fail, at: string, s: ServiceConfig): void {
  if (typeof s.name !== "string" || !SERVICE_NAME.test(s.name)) {
    fail(
      `${at}.name`,
      s.name,
      "be 1 to 24 lower-case letters, digits or hyphens, starting with a letter",
      "shorten or rename it",
    );
  }
  checkInteger(fail, `${at}.priority`, s.priority, 1, 50_000, "e.g. 100; lower is evaluated first");
  if (s.pathPatterns === undefined && s.hostHeaders === undefined) {
    fail(`${at}.pathPatterns`, s.pathPatterns, "be set when hostHeaders is not", 'e.g. ["/api/*"]');
  }
  if (s.pathPatterns !== undefined) {
    if (!Array.isArray(s.pathPatterns) || s.pathPatterns.length < 1 || s.pathPatterns.length > 3) {
      fail(
        `${at}.pathPatterns`,
        s.pathPatterns,
        "list 1 to 3 patterns",
        "split the service or merge patterns",
      );
    }
    s.pathPatterns.forEach((p, j) => {
      if (typeof p !== "string" || !p.startsWith("/") || p.length > 128 || /\s/.test(p)) {
        fail(
          `${at}.pathPatterns[${j}]`,
          p,
          "start with `/`, be at most 128 characters and hold no spaces",
          'e.g. "/api/*"',
        );
      }
    });
  }
  if (s.hostHeaders !== undefined) {
    if (!Array.isArray(s.hostHeaders) || s.hostHeaders.length < 1 || s.hostHeaders.length > 3) {
      fail(`${at}.hostHeaders`, s.hostHeaders, "list 1 to 3 host names", "split the service or merge hosts");
    }
    s.hostHeaders.forEach((h, j) => {
      if (typeof h !== "string" || !HOST_HEADER.test(h)) {
        fail(
          `${at}.hostHeaders[${j}]`,
          h,
          "be a host name (letters, digits, `-`, `.`, wildcards `*` and `?`; at most 128 characters)",
          'e.g. "api.example.com"',
        );
      }
    });
  }
  checkInteger(fail, `${at}.port`, s.port, 1, 65_535, "e.g. 8080");
  if (
    typeof s.healthCheckPath !== "string" ||
    !s.healthCheckPath.startsWith("/") ||
    /\s/.test(s.healthCheckPath)
  ) {
    fail(`${at}.healthCheckPath`, s.healthCheckPath, "start with `/` and hold no spaces", 'e.g. "/health"');
  }
  checkInteger(fail, `${at}.cpu`, s.cpu, 128, 10_240, "1024 is one vCPU; e.g. 256");
  checkInteger(
    fail,
    `${at}.memoryReservationMiB`,
    s.memoryReservationMiB,
    6,
    Number.MAX_SAFE_INTEGER,
    "e.g. 256",
  );
  checkInteger(fail, `${at}.memoryMiB`, s.memoryMiB, 6, Number.MAX_SAFE_INTEGER, "e.g. 512");
  if (s.memoryMiB < s.memoryReservationMiB) {
    fail(
      `${at}.memoryMiB`,
      s.memoryMiB,
      `be ≥ ${at}.memoryReservationMiB (${s.memoryReservationMiB})`,
      "raise the limit or lower the reservation",
    );
  }
  checkInteger(
    fail,
    `${at}.desiredCount`,
    s.desiredCount,
    1,
    Number.MAX_SAFE_INTEGER,
    "use `stopped: true` to scale to zero",
  );
  if (s.autoScaling !== undefined) {
    const a = s.autoScaling;
    checkInteger(
      fail,
      `${at}.autoScaling.minCount`,
      a.minCount,
      1,
      100,
      "use `stopped: true` to scale to zero",
    );
    checkInteger(fail, `${at}.autoScaling.maxCount`, a.maxCount, 1, 100, "e.g. 6");
    if (a.minCount > a.maxCount) {
      fail(
        `${at}.autoScaling.minCount`,
        a.minCount,
        `be ≤ ${at}.autoScaling.maxCount (${a.maxCount})`,
        "lower it or raise maxCount",
      );
    }
    checkInteger(fail, `${at}.autoScaling.cpuTargetPercent`, a.cpuTargetPercent, 1, 100, "e.g. 60");
    if (a.requestsPerTarget !== undefined) {
      checkInteger(
        fail,
        `${at}.autoScaling.requestsPerTarget`,
        a.requestsPerTarget,
        1,
        Number.MAX_SAFE_INTEGER,
        "e.g. 1000 requests per minute per task",
      );
    }
    if (s.desiredCount < a.minCount || s.desiredCount > a.maxCount) {
      fail(
        `${at}.desiredCount`,
        s.desiredCount,
        `be from ${at}.autoScaling.minCount (${a.minCount}) to maxCount (${a.maxCount})`,
        "change it or the limits",
      );
    }
  }
  checkOneOf(fail, `${at}.image.source`, s.image?.source, ["ecr", "service", "registry"]);
  if (
    s.image.source === "registry" &&
    (typeof s.image.uri !== "string" || !/^[^\s:/]+[^\s]*$/.test(s.image.uri))
  ) {
    fail(
      `${at}.image.uri`,
      s.image.uri,
      "be a full image reference without spaces",
      'e.g. "public.ecr.aws/nginx/nginx:1.27"',
    );
  }
  for (const name of Object.keys(s.environment ?? {})) {
    if (!ENV_VAR_NAME.test(name)) {
      fail(
        `${at}.environment`,
        name,
        "use names of letters, digits and `_`, not starting with a digit",
        "rename the variable",
      );
    }
  }
}

function validateStaticIp(fail: Fail, config: EnvironmentConfig): void {
  const s = config.staticIp;
  checkOneOf(fail, "staticIp.addresses", s.addresses, STATIC_IP_ADDRESS_MODES);
  if (!Array.isArray(s.proxyPorts) || s.proxyPorts.length === 0) {
    fail("staticIp.proxyPorts", s.proxyPorts, "list at least one port", "e.g. [80]");
  }
  const seen = new Set<number>();
  s.proxyPorts.forEach((port, i) => {
    checkInteger(fail, `staticIp.proxyPorts[${i}]`, port, 1, 65_535, "e.g. 80");
    if (seen.has(port)) fail(`staticIp.proxyPorts[${i}]`, port, "not repeat a port", "remove the duplicate");
    seen.add(port);
    if (ECS_RESERVED_HOST_PORTS.includes(port)) {
      fail(
        `staticIp.proxyPorts[${i}]`,
        port,
        `not be a port the ECS agent reserves (${ECS_RESERVED_HOST_PORTS.join(", ")})`,
        "ECS never places the host-network edge proxy on it; pick another port",
      );
    }
    if (port === DEFAULT_PROXY_HEALTH_PORT) {
      fail(
        `staticIp.proxyPorts[${i}]`,
        port,
        `not be the edge proxy's health port (${DEFAULT_PROXY_HEALTH_PORT})`,
        "pick another port",
      );
    }
    if (port === TLS_PASSTHROUGH_PORT && config.loadBalancer.certificateArn === undefined) {
      fail(
        `staticIp.proxyPorts[${i}]`,
        port,
        `be ${TLS_PASSTHROUGH_PORT} only with an HTTPS load balancer (the edge proxy passes TLS through to it)`,
        `set loadBalancer.certificateArn, or drop ${TLS_PASSTHROUGH_PORT}`,
      );
    }
  });
  checkBoolean(fail, "staticIp.allowEipDestroy", s.allowEipDestroy);
  checkBoolean(fail, "staticIp.alarms", s.alarms);
}

function validateCheckovExceptions(fail: Fail, config: EnvironmentConfig): void {
  const list = config.checkovExceptions;
  if (!Array.isArray(list)) fail("checkovExceptions", list, "be a list", "use [] for none");
  const seen = new Set<string>();
  list.forEach((e, i) => {
    if (typeof e?.id !== "string" || !CHECKOV_ID.test(e.id)) {
      fail(
        `checkovExceptions[${i}].id`,
        e?.id,
        "be a checkov check id like CKV_AWS_150",
        "copy the id checkov reports",
      );
    }
    if (seen.has(e.id))
      fail(`checkovExceptions[${i}].id`, e.id, "not repeat a check", "remove the duplicate");
    seen.add(e.id);
    if (typeof e.reason !== "string" || e.reason.trim().length < MIN_EXCEPTION_REASON_LENGTH) {
      fail(
        `checkovExceptions[${i}].reason`,
        e.reason,
        `explain the exception in at least ${MIN_EXCEPTION_REASON_LENGTH} characters`,
        "say why this environment accepts the finding",
      );
    }
  });
}

function validateBackend(fail: Fail, backend: BackendConfig): void {
  checkOneOf(fail, "backend.kind", backend?.kind, ["local", "s3"]);
  if (backend.kind === "local") {
    if (
      backend.directory !== undefined &&
      (typeof backend.directory !== "string" || backend.directory === "")
    ) {
      fail(
        "backend.directory",
        backend.directory,
        "be a directory path",
        "leave it unset for the working directory",
      );
    }
    return;
  }
  if (
    typeof backend.bucket !== "string" ||
    !BUCKET_NAME.test(backend.bucket) ||
    backend.bucket.includes("..")
  ) {
    fail(
      "backend.bucket",
      backend.bucket,
      "be an S3 bucket name: 3 to 63 lower-case letters, digits, `.` or `-`",
      "use the name of the existing state bucket",
    );
  }
  if (typeof backend.region !== "string" || !REGION.test(backend.region)) {
    fail("backend.region", backend.region, "be an AWS region name like eu-west-2", "the bucket's region");
  }
  if (backend.keyPrefix !== undefined && !KEY_PREFIX.test(backend.keyPrefix)) {
    fail(
      "backend.keyPrefix",
      backend.keyPrefix,
      "be S3 key segments separated by `/`, without a leading or trailing `/`",
      'e.g. "ecs-cdktf"',
    );
  }
  if (backend.kmsKeyArn !== undefined && !KMS_KEY_ARN.test(backend.kmsKeyArn)) {
    fail(
      "backend.kmsKeyArn",
      backend.kmsKeyArn,
      "be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
      "use the key's ARN, not an alias",
    );
  }
}

function validateTags(fail: Fail, tags: Readonly<Record<string, string>>): void {
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
    fail("tags", tags, "be an object of tag keys to values", "use {} for none");
  }
  for (const [key, value] of Object.entries(tags)) {
    if (RESERVED_TAG_KEYS.includes(key)) {
      fail("tags", key, `not set ${RESERVED_TAG_KEYS.join(", ")}`, "the stacks set those tags themselves");
    }
    if (key.length < 1 || key.length > 128 || key.startsWith("aws:")) {
      fail("tags", key, "use keys of 1 to 128 characters, not starting with aws:", "shorten the key");
    }
    if (typeof value !== "string" || value.length > 256) {
      fail(`tags.${key}`, value, "be a string of at most 256 characters", "shorten the value");
    }
  }
}
