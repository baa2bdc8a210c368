import { NatGateways } from "../modules/network";
import { cidrProblem as cidrShapeProblem } from "../modules/network/cidr";
import { AWS_REGIONS, isListedRegion, maxAzCount, REGION_PATTERN } from "../modules/network/regions";
import { AWS_ARN_PATTERNS, Fail, nearestName } from "../modules/shared/validation";
import { environmentFail } from "./config-paths";
import { DEFAULT_PROXY_HEALTH_PORT } from "../modules/static-ip/props";
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

// The environment's own rules (no module has them). What a module checks is not repeated here:
// the stacks report the modules' errors under the config's paths (config-paths.ts).
const ENV_NAME = /^[a-z][a-z0-9-]{0,15}$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,23}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KEY_PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;
const CHECKOV_ID = /^CKV2?_AWS_\d+$/;

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
 * Checks `config`'s own rules, throwing on the first problem with
 * `Environment '<name>': <field> (<value>) must …; <fix>` (a `ValidationError`): first its shape
 * (unknown keys, types, choices: the zod schema in `config-schema.ts`), then the environment's
 * rules: its names, the region, the rules across constructs (unique services, references between
 * them, NAT for the cluster, the certificate's region), the sizes the stop switch hides from the
 * modules, the backend, the checkov exceptions and the tags. The rest, the props the config sets
 * on the constructs, the modules check when `addEnvironment` builds them, reported under the same
 * label and the config's paths.
 */
export function validateEnvironmentConfig(config: EnvironmentConfig): EnvironmentConfig {
  checkEnvironmentShape(config);
  const fail = environmentFail(config.name);

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
  // The sizes as configured: the cluster gets zeros when the environment is stopped, and would
  // not see them. The instance type is the module's to check.
  const c = config.capacity;
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
  if (lb.certificateArn !== undefined) {
    // The module checks the ARN's shape; across constructs, the certificate must be in the
    // environment's region (its fourth field), where the load balancer is.
    const arn = lb.certificateArn;
    if (AWS_ARN_PATTERNS.acmCertificate.test(arn) && arn.split(":")[3] !== config.region) {
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

/**
 * A service's own rules: the environment's naming and its stop switch. Everything else a service
 * sets is a `LoadBalancedService` prop of the same name, which the module checks (reported under
 * the config's path, `services[1].pathPatterns`).
 */
function validateService(fail: Fail, at: string, s: ServiceConfig): void {
  if (!SERVICE_NAME.test(s.serviceName)) {
    fail(
      `${at}.serviceName`,
      s.serviceName,
      "be 1 to 24 lower-case letters, digits or hyphens, starting with a letter",
      "shorten or rename it",
    );
  }
  // The module routes every path without either; an environment's services say what they serve.
  if (s.pathPatterns === undefined && s.hostHeaders === undefined) {
    fail(`${at}.pathPatterns`, s.pathPatterns, "be set when hostHeaders is not", 'e.g. ["/api/*"]');
  }
  // The counts as configured: the service gets zeros when the environment is stopped (the stop
  // switch, not a zero here, scales to zero), and would not see them.
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
    if (s.desiredCount < a.minCapacity || s.desiredCount > a.maxCapacity) {
      fail(
        `${at}.desiredCount`,
        s.desiredCount,
        `be from ${at}.autoScaling.minCapacity (${a.minCapacity}) to maxCapacity (${a.maxCapacity})`,
        "change it or the limits",
      );
    }
  }
}

/**
 * The static IPs' own rule: the edge proxy's health port is not the config's to choose, so a
 * public port on it is reported here. The ports themselves are the addresses' and the StaticIp's
 * to check (`staticIp.proxyPorts`).
 */
function validateStaticIp(fail: Fail, config: EnvironmentConfig): void {
  const proxyPorts = config.staticIp.proxyPorts;
  config.services.forEach((service, i) => {
    const port = service.deployment?.testListener?.port;
    if (port !== undefined && config.staticIp.addresses !== "none" && proxyPorts.includes(port)) {
      fail(
        `services[${i}].deployment.testListener.port`,
        port,
        `not be one of staticIp.proxyPorts (${proxyPorts.join(", ")}): those are the static IPs' public ports, which the edge proxy forwards to the production listener`,
        "pick a port of its own for test traffic, e.g. 9000",
      );
    }
  });
  proxyPorts.forEach((port, i) => {
    if (port === DEFAULT_PROXY_HEALTH_PORT) {
      fail(
        `staticIp.proxyPorts[${i}]`,
        port,
        `not be the edge proxy's health port (${DEFAULT_PROXY_HEALTH_PORT})`,
        "pick another port",
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
  if (backend.kmsKeyArn !== undefined && !AWS_ARN_PATTERNS.kmsKey.test(backend.kmsKeyArn)) {
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
