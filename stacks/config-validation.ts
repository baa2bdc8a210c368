import { NatGateways } from "../modules/network";
import { cidrProblem as cidrShapeProblem } from "../modules/network/cidr";
import { AWS_REGIONS, isListedRegion, maxAzCount, REGION_PATTERN } from "../modules/network/regions";
import { INSTANCE_TYPE_PATTERN } from "../modules/ecs-cluster/validation";
import { HOST_HEADER_PATTERN, PATH_PATTERN_PATTERN } from "../modules/load-balanced-service/routing-config";
import { ENV_NAME_PATTERN, IMAGE_TAG_PATTERN } from "../modules/load-balanced-service/service-config";
import { KMS_KEY_ARN_PATTERN } from "../modules/load-balanced-service/validation";
import { Fail, failFor, nearestName } from "../modules/shared/validation";
import {
  DEFAULT_PROXY_HEALTH_PORT,
  ECS_RESERVED_HOST_PORTS,
  TLS_PASSTHROUGH_PORT,
} from "../modules/static-ip/props";
import { BackendConfig, EnvironmentConfig, ServiceConfig } from "./config-types";
import { checkEnvironmentShape, STATIC_IP_ADDRESS_MODES } from "./config-schema";

export { STATIC_IP_ADDRESS_MODES };

/** Tags the stacks set on every resource themselves; `tags` may not override them. */
export const RESERVED_TAG_KEYS: readonly string[] = ["project", "environment", "managed-by", "Name"];

/** Most services one environment (one load balancer) holds. */
export const MAX_SERVICES = 20;

/** Shortest reason a checkov exception may give. */
export const MIN_EXCEPTION_REASON_LENGTH = 20;

/** Fewest availability zones: an Application Load Balancer needs subnets in two. */
export const MIN_AZ_COUNT = 2;

// Stack-only rules (no module has them). The patterns shared with the modules are imported above.
const ENV_NAME = /^[a-z][a-z0-9-]{0,15}$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,23}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KEY_PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;
const CHECKOV_ID = /^CKV2?_AWS_\d+$/;
const REGISTRY_IMAGE = /^[^\s:/]+[^\s]*$/;

/** A range check; zod has checked already that `value` is an integer. */
function checkRange(fail: Fail, field: string, value: number, min: number, max: number, fix: string): void {
  if (value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    fail(field, value, `be an integer ${range}`, fix);
  }
}

/** The problem with an IPv4 CIDR block, or undefined when it is a valid one within the prefixes. */
function cidrProblem(value: string, minPrefix: number, maxPrefix: number): string | undefined {
  const shape = cidrShapeProblem(value);
  if (shape) return shape;
  const prefix = Number(value.split("/")[1]);
  if (prefix < minPrefix || prefix > maxPrefix) return `have a prefix from /${minPrefix} to /${maxPrefix}`;
  return undefined;
}

/** Checks that `region` is one AWS lists, or at least a region's shape with `allowUnlistedRegion`. */
function checkRegion(fail: Fail, field: string, region: string, allowUnlisted: boolean, what: string): void {
  if (!REGION_PATTERN.test(region)) {
    fail(field, region, "be an AWS region name like eu-west-2", `fix ${what}`);
  }
  if (!allowUnlisted && !isListedRegion(region)) {
    const near = nearestName(region, AWS_REGIONS);
    fail(
      field,
      region,
      "be a region AWS lists (AWS_REGIONS in modules/network/regions.ts)",
      `${near ? `did you mean ${near}? ` : "check the name; "}for a region newer than the table, set allowUnlistedRegion: true`,
    );
  }
}

/**
 * Checks every field of `config`, throwing on the first problem with
 * `Environment '<name>': <field> (<value>) must …; <fix>` (a `ValidationError`): first its shape
 * (unknown keys, types, choices: the zod schema in `config-schema.ts`), then ranges, patterns and
 * the rules across fields.
 */
export function validateEnvironmentConfig(config: EnvironmentConfig): EnvironmentConfig {
  checkEnvironmentShape(config);
  const fail = failFor(`Environment '${config.name || JSON.stringify(config.name)}'`);

  if (!ENV_NAME.test(config.name)) {
    fail(
      "name",
      config.name,
      "be 1 to 16 lower-case letters, digits or hyphens, starting with a letter",
      "shorten or rename it",
    );
  }
  checkRegion(fail, "region", config.region, config.allowUnlistedRegion ?? false, "the region name");
  validateNetwork(fail, config);
  validateCapacity(fail, config);
  validateLoadBalancer(fail, config);
  if (!IMAGE_TAG_PATTERN.test(config.imageTag)) {
    fail(
      "imageTag",
      config.imageTag,
      "be an image tag: 1 to 128 letters, digits, `_`, `.` or `-`, not starting with `.` or `-`",
      "use e.g. the git SHA of the release",
    );
  }
  validateServices(fail, config);
  validateStaticIp(fail, config);
  validateCheckovExceptions(fail, config);
  validateBackend(fail, config.backend, config.allowUnlistedRegion ?? false);
  validateTags(fail, config.tags);
  return config;
}

/** NAT modes that give the private subnets a way out to ECS and the image registries. */
const NAT_MODES_WITH_EGRESS: readonly NatGateways[] = ["per-az", "single"];

function validateNetwork(fail: Fail, config: EnvironmentConfig): void {
  const network = config.network;
  const cidr = cidrProblem(network.cidrBlock, 16, 24);
  if (cidr) fail("network.cidrBlock", network.cidrBlock, cidr, "e.g. 172.24.0.0/16");
  const maxAzs = maxAzCount(config.region);
  checkRange(
    fail,
    "network.azCount",
    network.azCount,
    MIN_AZ_COUNT,
    maxAzs,
    `an Application Load Balancer needs ${MIN_AZ_COUNT} AZs, and ${config.region} has ${maxAzs}`,
  );
  const labels = network.zoneName.split(".");
  if (labels.length < 2 || labels.some((l) => !DNS_LABEL.test(l)) || network.zoneName.length > 253) {
    fail(
      "network.zoneName",
      network.zoneName,
      "be a lower-case DNS name of at least two labels, without a trailing dot",
      "e.g. myorg.local",
    );
  }
  // The cluster's instances always run in the private subnets (AppStack passes no subnetIds).
  if (
    !NAT_MODES_WITH_EGRESS.includes(network.natGateways) &&
    !config.capacity.allowPrivateSubnetsWithoutNat
  ) {
    fail(
      "network.natGateways",
      network.natGateways,
      "give the private subnets a way out while the cluster's instances run there: without NAT (and this " +
        "environment has no VPC endpoints) they can neither register with ECS nor pull images",
      'use "single" (or "per-az"), or set capacity.allowPrivateSubnetsWithoutNat: true if the network has another way out',
    );
  }
}

function validateCapacity(fail: Fail, config: EnvironmentConfig): void {
  const c = config.capacity;
  if (!INSTANCE_TYPE_PATTERN.test(c.instanceType)) {
    fail("capacity.instanceType", c.instanceType, "be an EC2 instance type like t3.small", "fix the name");
  }
  checkRange(fail, "capacity.minSize", c.minSize, 0, Number.MAX_SAFE_INTEGER, "e.g. 1");
  checkRange(
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
  checkRange(fail, "capacity.desiredCapacity", c.desiredCapacity, 0, Number.MAX_SAFE_INTEGER, "e.g. 1");
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
  if (lb.ingressCidrs !== undefined) {
    if (lb.ingressCidrs.length === 0) {
      fail(
        "loadBalancer.ingressCidrs",
        lb.ingressCidrs,
        "list at least one IPv4 CIDR block",
        'use ["0.0.0.0/0"] for the whole internet, or leave it unset for the default',
      );
    }
    lb.ingressCidrs.forEach((cidr, i) => {
      const problem = cidrProblem(cidr, 0, 32);
      if (problem) fail(`loadBalancer.ingressCidrs[${i}]`, cidr, problem, "e.g. 203.0.113.0/24");
    });
  }
  if (lb.certificateArn !== undefined) {
    // Stricter than the module's ACM_CERTIFICATE_ARN_PATTERN: the certificate must be in this region.
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
  if (services.length === 0 || services.length > MAX_SERVICES) {
    fail(
      "services.length",
      services.length,
      `be from 1 to ${MAX_SERVICES}`,
      "one load balancer's listener holds that many rules here",
    );
  }
  const names = new Set<string>();
  const priorities = new Set<number>();
  services.forEach((service, i) => {
    validateService(fail, `services[${i}]`, service);
    if (names.has(service.serviceName)) {
      fail(`services[${i}].serviceName`, service.serviceName, "be unique", "rename one of the services");
    }
    names.add(service.serviceName);
    if (priorities.has(service.rulePriority)) {
      fail(
        `services[${i}].rulePriority`,
        service.rulePriority,
        "be unique",
        "give each service its own priority",
      );
    }
    priorities.add(service.rulePriority);
  });
  services.forEach((service, i) => {
    const image = service.image;
    if (image.source !== "service") return;
    const target = services.find((s) => s.serviceName === image.service);
    if (!target || target === service || target.image.source !== "ecr") {
      fail(
        `services[${i}].image.service`,
        image.service,
        "name another service of the list whose image source is ecr",
        `one of: ${
          services
            .filter((s) => s !== service && s.image.source === "ecr")
            .map((s) => s.serviceName)
            .join(", ") || "(none)"
        }`,
      );
    }
  });
}

function validateService(fail: Fail, at: string, s: ServiceConfig): void {
  if (!SERVICE_NAME.test(s.serviceName)) {
    fail(
      `${at}.serviceName`,
      s.serviceName,
      "be 1 to 24 lower-case letters, digits or hyphens, starting with a letter",
      "shorten or rename it",
    );
  }
  checkRange(fail, `${at}.rulePriority`, s.rulePriority, 1, 50_000, "e.g. 100; lower is evaluated first");
  if (s.pathPatterns === undefined && s.hostHeaders === undefined) {
    fail(`${at}.pathPatterns`, s.pathPatterns, "be set when hostHeaders is not", 'e.g. ["/api/*"]');
  }
  if (s.pathPatterns !== undefined) {
    if (s.pathPatterns.length < 1 || s.pathPatterns.length > 3) {
      fail(
        `${at}.pathPatterns`,
        s.pathPatterns,
        "list 1 to 3 patterns",
        "split the service or merge patterns",
      );
    }
    s.pathPatterns.forEach((p, j) => {
      if (!PATH_PATTERN_PATTERN.test(p)) {
        fail(
          `${at}.pathPatterns[${j}]`,
          p,
          "start with `/`, be at most 128 characters of letters, digits and _-.$/~\"'@:+&*?",
          'e.g. "/api/*"',
        );
      }
    });
  }
  if (s.hostHeaders !== undefined) {
    if (s.hostHeaders.length < 1 || s.hostHeaders.length > 3) {
      fail(`${at}.hostHeaders`, s.hostHeaders, "list 1 to 3 host names", "split the service or merge hosts");
    }
    s.hostHeaders.forEach((h, j) => {
      if (!HOST_HEADER_PATTERN.test(h)) {
        fail(
          `${at}.hostHeaders[${j}]`,
          h,
          "be a host name (letters, digits, `-`, `.`, wildcards `*` and `?`; at most 128 characters)",
          'e.g. "api.example.com"',
        );
      }
    });
  }
  checkRange(fail, `${at}.containerPort`, s.containerPort, 1, 65_535, "e.g. 8080");
  if (!s.healthCheckPath.startsWith("/") || /\s/.test(s.healthCheckPath)) {
    fail(`${at}.healthCheckPath`, s.healthCheckPath, "start with `/` and hold no spaces", 'e.g. "/health"');
  }
  checkRange(fail, `${at}.cpuUnits`, s.cpuUnits, 128, 10_240, "1024 is one vCPU; e.g. 256");
  checkRange(
    fail,
    `${at}.memoryReservationMiB`,
    s.memoryReservationMiB,
    6,
    Number.MAX_SAFE_INTEGER,
    "e.g. 256",
  );
  checkRange(fail, `${at}.memoryLimitMiB`, s.memoryLimitMiB, 6, Number.MAX_SAFE_INTEGER, "e.g. 512");
  if (s.memoryLimitMiB < s.memoryReservationMiB) {
    fail(
      `${at}.memoryLimitMiB`,
      s.memoryLimitMiB,
      `be ≥ ${at}.memoryReservationMiB (${s.memoryReservationMiB})`,
      "raise the limit or lower the reservation",
    );
  }
  checkRange(
    fail,
    `${at}.desiredCount`,
    s.desiredCount,
    1,
    Number.MAX_SAFE_INTEGER,
    "use `stopped: true` to scale to zero",
  );
  if (s.autoScaling !== undefined) {
    const a = s.autoScaling;
    checkRange(
      fail,
      `${at}.autoScaling.minCapacity`,
      a.minCapacity,
      1,
      100,
      "use `stopped: true` to scale to zero",
    );
    checkRange(fail, `${at}.autoScaling.maxCapacity`, a.maxCapacity, 1, 100, "e.g. 6");
    if (a.minCapacity > a.maxCapacity) {
      fail(
        `${at}.autoScaling.minCapacity`,
        a.minCapacity,
        `be ≤ ${at}.autoScaling.maxCapacity (${a.maxCapacity})`,
        "lower it or raise maxCapacity",
      );
    }
    checkRange(
      fail,
      `${at}.autoScaling.targetCpuUtilizationPercent`,
      a.targetCpuUtilizationPercent,
      1,
      100,
      "e.g. 60",
    );
    if (a.targetRequestsPerTarget !== undefined) {
      checkRange(
        fail,
        `${at}.autoScaling.targetRequestsPerTarget`,
        a.targetRequestsPerTarget,
        1,
        Number.MAX_SAFE_INTEGER,
        "e.g. 1000 requests per minute per task",
      );
    }
    if (s.desiredCount < a.minCapacity || s.desiredCount > a.maxCapacity) {
      fail(
        `${at}.desiredCount`,
        s.desiredCount,
        `be from ${at}.autoScaling.minCapacity (${a.minCapacity}) to maxCapacity (${a.maxCapacity})`,
        "change it or the limits",
      );
    }
  }
  if (s.image.source === "registry" && !REGISTRY_IMAGE.test(s.image.uri)) {
    fail(
      `${at}.image.uri`,
      s.image.uri,
      "be a full image reference without spaces",
      'e.g. "public.ecr.aws/nginx/nginx:1.27"',
    );
  }
  for (const name of Object.keys(s.environment ?? {})) {
    if (!ENV_NAME_PATTERN.test(name)) {
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
  if (s.proxyPorts.length === 0) {
    fail("staticIp.proxyPorts", s.proxyPorts, "list at least one port", "e.g. [80]");
  }
  const seen = new Set<number>();
  s.proxyPorts.forEach((port, i) => {
    checkRange(fail, `staticIp.proxyPorts[${i}]`, port, 1, 65_535, "e.g. 80");
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
}

function validateCheckovExceptions(fail: Fail, config: EnvironmentConfig): void {
  const seen = new Set<string>();
  config.checkovExceptions.forEach((e, i) => {
    if (!CHECKOV_ID.test(e.id)) {
      fail(
        `checkovExceptions[${i}].id`,
        e.id,
        "be a checkov check id like CKV_AWS_150",
        "copy the id checkov reports",
      );
    }
    if (seen.has(e.id))
      fail(`checkovExceptions[${i}].id`, e.id, "not repeat a check", "remove the duplicate");
    seen.add(e.id);
    if (e.reason.trim().length < MIN_EXCEPTION_REASON_LENGTH) {
      fail(
        `checkovExceptions[${i}].reason`,
        e.reason,
        `explain the exception in at least ${MIN_EXCEPTION_REASON_LENGTH} characters`,
        "say why this environment accepts the finding",
      );
    }
  });
}

function validateBackend(fail: Fail, backend: BackendConfig, allowUnlistedRegion: boolean): void {
  if (backend.kind === "local") {
    if (backend.directory === "") {
      fail(
        "backend.directory",
        backend.directory,
        "be a directory path",
        "leave it unset for the working directory",
      );
    }
    return;
  }
  if (!BUCKET_NAME.test(backend.bucket) || backend.bucket.includes("..")) {
    fail(
      "backend.bucket",
      backend.bucket,
      "be an S3 bucket name: 3 to 63 lower-case letters, digits, `.` or `-`",
      "use the name of the existing state bucket",
    );
  }
  checkRegion(fail, "backend.region", backend.region, allowUnlistedRegion, "it: the bucket's region");
  if (backend.keyPrefix !== undefined && !KEY_PREFIX.test(backend.keyPrefix)) {
    fail(
      "backend.keyPrefix",
      backend.keyPrefix,
      "be S3 key segments separated by `/`, without a leading or trailing `/`",
      'e.g. "ecs-cdktf"',
    );
  }
  if (backend.kmsKeyArn !== undefined && !KMS_KEY_ARN_PATTERN.test(backend.kmsKeyArn)) {
    fail(
      "backend.kmsKeyArn",
      backend.kmsKeyArn,
      "be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
      "use the key's ARN, not an alias",
    );
  }
}

function validateTags(fail: Fail, tags: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(tags)) {
    if (RESERVED_TAG_KEYS.includes(key)) {
      fail("tags", key, `not set ${RESERVED_TAG_KEYS.join(", ")}`, "the stacks set those tags themselves");
    }
    if (key.length < 1 || key.length > 128 || key.startsWith("aws:")) {
      fail("tags", key, "use keys of 1 to 128 characters, not starting with aws:", "shorten the key");
    }
    if (value.length > 256) {
      fail(`tags.${key}`, value, "be a string of at most 256 characters", "shorten the value");
    }
  }
}
