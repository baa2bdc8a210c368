import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import {
  availabilityZonesOf,
  DEFAULT_ENVIRONMENT,
  DEV,
  ENVIRONMENT_NAMES,
  EnvironmentConfig,
  loadEnvironmentConfig,
  PRESETS,
  PROD,
  selectEnvironmentName,
  ServiceConfig,
  staticIpAvailabilityZonesOf,
  validateEnvironmentConfig,
  withEipDestroyAllowed,
  withStateDirectory,
  ENVIRONMENT_CONFIG_SCHEMA,
} from "../../stacks/config";
import { ValidationError } from "../../modules/shared/validation";
import { addEnvironment } from "../../stacks/environment";

/** A copy of `base` with `change` applied to a deep clone (the presets stay untouched). */
function mutate(change: (c: Mutable) => void, base: EnvironmentConfig = DEV): EnvironmentConfig {
  const copy = JSON.parse(JSON.stringify(base)) as Mutable;
  change(copy);
  return copy as unknown as EnvironmentConfig;
}

/**
 * The message of what building the environment from `config` throws (it must throw): the config's
 * own rules first (`validateEnvironmentConfig`), then the modules' rules on what the config sets,
 * which `addEnvironment` reports under the config's paths.
 */
function rejection(config: EnvironmentConfig): string {
  try {
    validateEnvironmentConfig(config);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "config-test-"));
    addEnvironment(new App({ outdir }), config, { kind: "aws" });
  } catch (e) {
    if (!ValidationError.isValidationError(e)) throw e;
    return e.message;
  }
  throw new Error("the environment was built: expected a ValidationError");
}

// Tests write fields the types declare readonly, and invalid values the types forbid.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mutable = any;

describe("presets", () => {
  it.each(ENVIRONMENT_NAMES)("GIVEN the %s preset THEN it validates", (name) => {
    expect(validateEnvironmentConfig(PRESETS[name])).toBe(PRESETS[name]);
  });

  it("dev: one NAT gateway, one small instance, one static IP, London, no deletion protection", () => {
    expect(DEV.region).toBe("eu-west-2");
    expect(DEV.network.natGateways).toBe("single");
    expect(DEV.capacity).toEqual({ instanceType: "t3.small", minSize: 1, maxSize: 1, desiredCapacity: 1 });
    expect(DEV.staticIp.addresses).toBe("one");
    expect(DEV.staticIp).toMatchObject({ allowEipDestroy: false, alarms: false });
    expect(staticIpAvailabilityZonesOf(DEV)).toEqual(["eu-west-2a"]);
    expect(DEV.deletionProtection).toBe(false);
    expect(DEV.stopped).toBe(false);
    expect(DEV.backend).toEqual({ kind: "local" });
    expect(DEV.loadBalancer.enableAccessLogs).toBe(false);
    // Internal behind the static IP: the edge proxy reaches it directly, not through NAT.
    expect(DEV.loadBalancer).toEqual({ internal: true, enableAccessLogs: false });
    expect(DEV.checkovExceptions.map((e) => e.id)).toEqual([
      "CKV_AWS_150",
      "CKV_AWS_2",
      "CKV2_AWS_20",
      "CKV_AWS_103",
      "CKV_AWS_91",
    ]);
  });

  it("prod: a NAT gateway and a static IP per AZ, two or more instances, deletion protection", () => {
    expect(PROD.network.natGateways).toBe("per-az");
    expect(PROD.capacity.minSize).toBeGreaterThanOrEqual(2);
    expect(PROD.capacity.desiredCapacity).toBeGreaterThanOrEqual(2);
    expect(PROD.staticIp.addresses).toBe("per-az");
    expect(PROD.staticIp).toMatchObject({ allowEipDestroy: false, alarms: true });
    expect(staticIpAvailabilityZonesOf(PROD)).toEqual(["eu-west-2a", "eu-west-2b"]);
    expect(PROD.deletionProtection).toBe(true);
    expect(PROD.loadBalancer.enableAccessLogs).toBe(true);
    expect(PROD.loadBalancer).toEqual({ internal: true, enableAccessLogs: true });
    expect(PROD.checkovExceptions).toEqual([]);
  });

  it("both run several services on the one load balancer, routed by path, one image repository", () => {
    for (const preset of [DEV, PROD]) {
      expect(preset.services.map((s) => [s.serviceName, s.rulePriority, s.pathPatterns])).toEqual([
        ["web", 1000, ["/*"]],
        ["api", 100, ["/api/*"]],
      ]);
      expect(preset.services.map((s) => s.image)).toEqual([
        { source: "ecr" },
        { source: "service", service: "web" },
      ]);
    }
  });

  it("the dev and prod VPCs do not overlap (they may be peered later)", () => {
    expect(DEV.network.cidrBlock).not.toBe(PROD.network.cidrBlock);
  });
});

describe("availability zones", () => {
  it("GIVEN a known region THEN the first azCount zones", () => {
    expect(availabilityZonesOf(mutate((c) => ((c.region = "us-east-1"), (c.network.azCount = 3))))).toEqual([
      "us-east-1a",
      "us-east-1b",
      "us-east-1c",
    ]);
  });

  it("GIVEN a region not in the list THEN zones a, b, ...", () => {
    expect(availabilityZonesOf(mutate((c) => (c.region = "ap-southeast-2")))).toEqual([
      "ap-southeast-2a",
      "ap-southeast-2b",
    ]);
  });

  it("GIVEN no static IPs THEN no static-IP AZs", () => {
    expect(staticIpAvailabilityZonesOf(mutate((c) => (c.staticIp.addresses = "none")))).toEqual([]);
  });
});

describe("validateEnvironmentConfig accepts", () => {
  it.each<[string, (c: Mutable) => void]>([
    ["another region", (c) => (c.region = "eu-central-1")],
    ["three AZs", (c) => (c.network.azCount = 3)],
    [
      "no NAT gateway, with capacity.allowPrivateSubnetsWithoutNat",
      (c) => ((c.network.natGateways = "none"), (c.capacity.allowPrivateSubnetsWithoutNat = true)),
    ],
    [
      "a region newer than the table, with allowUnlistedRegion",
      (c) => ((c.region = "eu-west-9"), (c.allowUnlistedRegion = true)),
    ],
    [
      "an unlisted S3 backend region, with allowUnlistedRegion",
      (c) => (
        (c.allowUnlistedRegion = true),
        (c.backend = { kind: "s3", bucket: "my-state", region: "eu-west-9" })
      ),
    ],
    ["an internet-facing load balancer", (c) => (c.loadBalancer.internal = false)],
    ["explicit ingress CIDRs", (c) => (c.loadBalancer.ingressCidrs = ["10.0.0.0/8", "203.0.113.0/24"])],
    ["capacity min 0 (scale from zero)", (c) => ((c.capacity.minSize = 0), (c.capacity.desiredCapacity = 0))],
    [
      "a certificate in the region",
      (c) => (c.loadBalancer.certificateArn = "arn:aws:acm:eu-west-2:123456789012:certificate/abc-123"),
    ],
    [
      "static IPs on 443 (TLS passed through) with a certificate",
      (c) => (
        (c.loadBalancer.certificateArn = "arn:aws:acm:eu-west-2:123456789012:certificate/abc-123"),
        (c.staticIp.proxyPorts = [80, 443])
      ),
    ],
    [
      "releasable Elastic IPs and alarms",
      (c) => ((c.staticIp.allowEipDestroy = true), (c.staticIp.alarms = true)),
    ],
    [
      "a host-only rule",
      (c) => ((c.services[1].pathPatterns = undefined), (c.services[1].hostHeaders = ["api.example.com"])),
    ],
    [
      "a container health check",
      (c) =>
        (c.services[0].containerHealthCheck = {
          command: ["CMD", "python", "/app/healthcheck.py"],
          startPeriodSeconds: 10,
        }),
    ],
    [
      "a registry image",
      (c) => (c.services[1].image = { source: "registry", uri: "public.ecr.aws/nginx/nginx:1.27" }),
    ],
    [
      "auto scaling with requests per target",
      (c) =>
        (c.services[0].autoScaling = {
          minCapacity: 1,
          maxCapacity: 3,
          targetCpuUtilizationPercent: 50,
          targetRequestsPerTarget: 500,
        }),
    ],
    [
      "20 services",
      (c) =>
        (c.services = Array.from({ length: 20 }, (_, i) => ({
          ...c.services[0],
          serviceName: `s${i}`,
          rulePriority: i + 1,
          pathPatterns: [`/s${i}/*`],
        }))),
    ],
    [
      "an S3 backend",
      (c) =>
        (c.backend = {
          kind: "s3",
          bucket: "my-state",
          region: "eu-west-2",
          keyPrefix: "a/b",
          kmsKeyArn: "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        }),
    ],
    ["extra tags", (c) => (c.tags = { team: "platform", "cost-centre": "42" })],
    ["stopped", (c) => (c.stopped = true)],
  ])("%s", (_name, change) => {
    const config = mutate(change);
    expect(validateEnvironmentConfig(config)).toBe(config);
  });
});

// The config's own rules, and the modules' on the props it sets (reported under its paths).
describe("an environment is rejected", () => {
  const service0 = (f: (s: Mutable) => void) => (c: Mutable) => f(c.services[0]);
  const cases: Array<[string, (c: Mutable) => void, string]> = [
    [
      "name with upper case",
      (c) => (c.name = "Dev"),
      "Environment 'Dev': name (\"Dev\") must be 1 to 16 lower-case letters, digits or hyphens, starting with a letter; shorten or rename it",
    ],
    ["name too long", (c) => (c.name = "a".repeat(17)), 'name ("aaaaaaaaaaaaaaaaa") must be 1 to 16'],
    [
      "region",
      (c) => (c.region = "London"),
      "Environment 'dev': region (\"London\") must be an AWS region name like eu-west-2; fix the region name",
    ],
    [
      "cidr shape",
      (c) => (c.network.cidrBlock = "10.0.0.0"),
      'network.cidrBlock ("10.0.0.0") must be an IPv4 CIDR block a.b.c.d/n (decimal, no leading zeros); e.g. 172.24.0.0/16',
    ],
    [
      "cidr octet",
      (c) => (c.network.cidrBlock = "10.300.0.0/16"),
      'network.cidrBlock ("10.300.0.0/16") must have octets from 0 to 255',
    ],
    [
      "cidr prefix",
      (c) => (c.network.cidrBlock = "10.0.0.0/8"),
      'network.cidrBlock ("10.0.0.0/8") must have a prefix from /16 to /24',
    ],
    [
      "cidr host bits",
      (c) => (c.network.cidrBlock = "10.0.1.0/16"),
      'network.cidrBlock ("10.0.1.0/16") must have no host bits set (the network address is 10.0.0.0/16)',
    ],
    [
      "one AZ",
      (c) => (c.network.azCount = 1),
      "network.azCount (1) must be an integer from 2 to 3; an Application Load Balancer needs 2 AZs, and eu-west-2 has 3",
    ],
    [
      "more AZs than the region",
      (c) => (c.network.azCount = 4),
      "network.azCount (4) must be an integer from 2 to 3",
    ],
    [
      "NAT mode",
      (c) => (c.network.natGateways = "two"),
      'network.natGateways ("two") must be one of "per-az", "single", "none"; pick one of those',
    ],
    [
      "zone one label",
      (c) => (c.network.zoneName = "local"),
      "Environment 'dev': network.zoneName (\"local\") must be at least two lower-case DNS labels (a-z, 0-9 and inner hyphens, 1-63 characters each, 253 in all); e.g. myorg.local",
    ],
    [
      "zone trailing dot",
      (c) => (c.network.zoneName = "myorg.local."),
      "Environment 'dev': network.zoneName (\"myorg.local.\") must not end with a dot; write myorg.local",
    ],
    [
      "instance type",
      (c) => (c.capacity.instanceType = "small"),
      "Environment 'dev': capacity.instanceType (\"small\") must be an EC2 instance type like t3.small; fix the type name",
    ],
    [
      "min negative",
      (c) => (c.capacity.minSize = -1),
      "capacity.minSize (-1) must be an integer ≥ 0; e.g. 1",
    ],
    [
      "max zero",
      (c) => ((c.capacity.minSize = 0), (c.capacity.maxSize = 0), (c.capacity.desiredCapacity = 0)),
      "capacity.maxSize (0) must be an integer ≥ 1; use `stopped: true` to scale to zero",
    ],
    [
      "min above max",
      (c) => ((c.capacity.minSize = 3), (c.capacity.maxSize = 2)),
      "capacity.minSize (3) must be ≤ capacity.maxSize (2); lower it or raise maxSize",
    ],
    [
      "desired not integer",
      (c) => (c.capacity.desiredCapacity = 1.5),
      "capacity.desiredCapacity (1.5) must be an integer; write a whole number, without quotes",
    ],
    [
      "desired outside",
      (c) => ((c.capacity.maxSize = 3), (c.capacity.desiredCapacity = 4)),
      "capacity.desiredCapacity (4) must be from capacity.minSize (1) to capacity.maxSize (3); change it or the limits",
    ],
    [
      "no ingress CIDR",
      (c) => (c.loadBalancer.ingressCidrs = []),
      "Environment 'dev': loadBalancer.ingressCidrs ([]) must list at least one CIDR block; e.g. [\"0.0.0.0/0\"] for the internet",
    ],
    [
      "bad ingress CIDR",
      (c) => (c.loadBalancer.ingressCidrs = ["0.0.0.0/0", "1.2.3.4"]),
      "Environment 'dev': loadBalancer.ingressCidrs (\"1.2.3.4\") must be an IPv4 CIDR block a.b.c.d/n (decimal, no leading zeros); fix the block, e.g. 203.0.113.0/24",
    ],
    [
      "certificate not an ACM ARN (the module's rule)",
      (c) => (c.loadBalancer.certificateArn = "arn:aws:iam::123456789012:server-certificate/x"),
      "Environment 'dev': loadBalancer.certificateArn (\"arn:aws:iam::123456789012:server-certificate/x\") must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>); request or import the certificate in ACM, in the load balancer's region, and pass its ARN",
    ],
    [
      "certificate elsewhere",
      (c) => (c.loadBalancer.certificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"),
      'loadBalancer.certificateArn ("arn:aws:acm:us-east-1:123456789012:certificate/abc") must be an ACM certificate ARN in eu-west-2',
    ],
    [
      "image tag",
      (c) => (c.imageTag = "-latest"),
      "Environment 'dev': imageTag (\"-latest\") must be a Docker tag (letters, digits, _ . -; up to 128, not starting with . or -); e.g. 1.4.2 or a git SHA",
    ],
    [
      "no services",
      (c) => (c.services = []),
      "services.length (0) must be from 1 to 20; one load balancer's listener holds that many rules here",
    ],
    [
      "21 services",
      (c) =>
        (c.services = Array.from({ length: 21 }, (_, i) => ({
          ...c.services[0],
          serviceName: `s${i}`,
          rulePriority: i + 1,
        }))),
      "services.length (21) must be from 1 to 20",
    ],
    [
      "service name",
      service0((s) => (s.serviceName = "Web")),
      'services[0].serviceName ("Web") must be 1 to 24 lower-case letters, digits or hyphens, starting with a letter; shorten or rename it',
    ],
    [
      "duplicate name",
      (c) => (c.services[1].serviceName = "web"),
      'services[1].serviceName ("web") must be unique; rename one of the services',
    ],
    [
      "priority range",
      service0((s) => (s.rulePriority = 0)),
      "Environment 'dev': services[0].rulePriority (0) must be an integer from 1 to 50000; listener rule priorities run from 1 (first) to 50000",
    ],
    [
      "duplicate priority",
      (c) => (c.services[1].rulePriority = 1000),
      "services[1].rulePriority (1000) must be unique; give each service its own priority",
    ],
    [
      "no rule condition",
      service0((s) => delete s.pathPatterns),
      'services[0].pathPatterns (undefined) must be set when hostHeaders is not; e.g. ["/api/*"]',
    ],
    [
      "container health check interval",
      service0((s) => (s.containerHealthCheck = { command: ["CMD", "true"], intervalSeconds: 1 })),
      "Environment 'dev': services[0].containerHealthCheck.intervalSeconds (1) must be",
    ],
    [
      "four path patterns",
      service0((s) => (s.pathPatterns = ["/a", "/b", "/c", "/d"])),
      'Environment \'dev\': services[0].pathPatterns (["/a","/b","/c","/d"]) must list at most 3 values (an ALB condition\'s limit); split the service\'s routes or use wildcards',
    ],
    [
      "empty path patterns",
      service0((s) => (s.pathPatterns = [])),
      "Environment 'dev': services[0].pathPatterns ([]) must not be empty; leave pathPatterns unset or list e.g. /api/*",
    ],
    [
      "relative path",
      service0((s) => (s.pathPatterns = ["api/*"])),
      "Environment 'dev': services[0].pathPatterns (\"api/*\") must start with / and be at most 128 characters of A-Z a-z 0-9 _-.$/~\"'@:+&*?; e.g. /api/*",
    ],
    [
      "empty hosts",
      service0((s) => (s.hostHeaders = [])),
      "Environment 'dev': services[0].hostHeaders ([]) must not be empty; leave hostHeaders unset or list e.g. api.example.com",
    ],
    [
      "bad host",
      service0((s) => (s.hostHeaders = ["api example.com"])),
      "Environment 'dev': services[0].hostHeaders (\"api example.com\") must be host names of at most 128 characters of A-Z a-z 0-9 - . * ?; e.g. api.example.com",
    ],
    [
      "port",
      service0((s) => (s.containerPort = 70000)),
      "Environment 'dev': services[0].containerPort (70000) must be an integer from 1 to 65535; use the TCP port the container listens on",
    ],
    [
      "health path",
      service0((s) => (s.healthCheckPath = "health")),
      "Environment 'dev': services[0].healthCheckPath (\"health\") must start with / (a path of at most 1024 characters, no spaces); e.g. /health",
    ],
    [
      "cpu",
      service0((s) => (s.cpuUnits = 64)),
      "Environment 'dev': services[0].cpuUnits (64) must be an integer from 128 to 10240; 1024 units are one vCPU; this module keeps a container between an eighth and ten vCPUs",
    ],
    [
      "reservation",
      service0((s) => (s.memoryReservationMiB = 4)),
      "Environment 'dev': services[0].memoryReservationMiB (4) must be an integer ≥ 6; ECS needs at least 6 MiB",
    ],
    [
      "memory",
      service0((s) => (s.memoryLimitMiB = 0)),
      "Environment 'dev': services[0].memoryLimitMiB (0) must be an integer ≥ 6; ECS needs at least 6 MiB",
    ],
    [
      "memory below reservation",
      service0((s) => (s.memoryLimitMiB = 128)),
      "Environment 'dev': services[0].memoryLimitMiB (128) must be ≥ memoryReservationMiB (256): the hard limit cannot be below the soft one; raise memoryLimitMiB or lower memoryReservationMiB",
    ],
    [
      "desired zero",
      service0((s) => (s.desiredCount = 0)),
      "services[0].desiredCount (0) must be an integer ≥ 1; use `stopped: true` to scale to zero",
    ],
    [
      "scaling min zero",
      service0((s) => (s.autoScaling = { minCapacity: 0, maxCapacity: 2, targetCpuUtilizationPercent: 60 })),
      "services[0].autoScaling.minCapacity (0) must be an integer from 1 to 100; use `stopped: true` to scale to zero",
    ],
    [
      "scaling max",
      service0(
        (s) => (s.autoScaling = { minCapacity: 1, maxCapacity: 101, targetCpuUtilizationPercent: 60 }),
      ),
      "services[0].autoScaling.maxCapacity (101) must be an integer from 1 to 100; e.g. 6",
    ],
    [
      "scaling min above max",
      service0((s) => (s.autoScaling = { minCapacity: 3, maxCapacity: 2, targetCpuUtilizationPercent: 60 })),
      "services[0].autoScaling.minCapacity (3) must be ≤ services[0].autoScaling.maxCapacity (2); lower it or raise maxCapacity",
    ],
    [
      "scaling cpu",
      service0((s) => (s.autoScaling = { minCapacity: 1, maxCapacity: 2, targetCpuUtilizationPercent: 0 })),
      "services[0].autoScaling.targetCpuUtilizationPercent (0) must be an integer from 1 to 100; e.g. 60",
    ],
    [
      "scaling requests",
      service0(
        (s) =>
          (s.autoScaling = {
            minCapacity: 1,
            maxCapacity: 2,
            targetCpuUtilizationPercent: 60,
            targetRequestsPerTarget: 0,
          }),
      ),
      "Environment 'dev': services[0].autoScaling.targetRequestsPerTarget (0) must be an integer ≥ 1; requests per minute per task, e.g. 1000",
    ],
    [
      "desired outside scaling",
      service0(
        (s) => (
          (s.desiredCount = 5),
          (s.autoScaling = { minCapacity: 1, maxCapacity: 2, targetCpuUtilizationPercent: 60 })
        ),
      ),
      "services[0].desiredCount (5) must be from services[0].autoScaling.minCapacity (1) to maxCapacity (2); change it or the limits",
    ],
    [
      "image source",
      service0((s) => (s.image = { source: "docker" })),
      'services[0].image.source ("docker") must be one of "ecr", "service", "registry"; pick one of those',
    ],
    [
      "registry uri",
      (c) => (c.services[1].image = { source: "registry", uri: "nginx 1.27" }),
      "Environment 'dev': services[1].image.uri (\"nginx 1.27\") must be an image reference without whitespace ([registry[:port]/]path[:tag][@sha256:<digest>]); e.g. public.ecr.aws/docker/library/nginx:1.27",
    ],
    [
      "image of an unknown service",
      (c) => (c.services[1].image = { source: "service", service: "www" }),
      'services[1].image.service ("www") must name another service of the list whose image source is ecr; one of: web',
    ],
    [
      "image of itself",
      (c) => (c.services[1].image = { source: "service", service: "api" }),
      'services[1].image.service ("api") must name another service of the list whose image source is ecr',
    ],
    [
      "image of a service without a repository",
      (c) => (
        (c.services[0].image = { source: "registry", uri: "nginx:1" }),
        (c.services[1].image = { source: "service", service: "web" })
      ),
      'services[1].image.service ("web") must name another service of the list whose image source is ecr; one of: (none)',
    ],
    [
      "environment variable name",
      service0((s) => (s.environment = { "1X": "y" })),
      "Environment 'dev': services[0].environment (\"1X\") must have names of letters, digits and _, not starting with a digit; rename the variable",
    ],
    [
      "static IP mode",
      (c) => (c.staticIp.addresses = "two"),
      'staticIp.addresses ("two") must be one of "one", "per-az", "none"; pick one of those',
    ],
    [
      "no proxy port",
      (c) => (c.staticIp.proxyPorts = []),
      "Environment 'dev': staticIp.proxyPorts ([]) must name at least one port; e.g. [80, 443]",
    ],
    [
      "proxy port range",
      (c) => (c.staticIp.proxyPorts = [80, 0]),
      "Environment 'dev': staticIp.proxyPorts (0) must be an integer from 1 to 65535; e.g. 80 or 443",
    ],
    [
      "blue/green test listener on a static IP's public port",
      (c) => (
        (c.staticIp.proxyPorts = [80, 8443]),
        (c.services[0].deployment = { strategy: "blueGreen", testListener: { port: 8443 } })
      ),
      "Environment 'dev': services[0].deployment.testListener.port (8443) must not be one of staticIp.proxyPorts (80, 8443): those are the static IPs' public ports, which the edge proxy forwards to the production listener; pick a port of its own for test traffic, e.g. 9000",
    ],
    [
      "blue/green test listener on the production listener's port",
      service0((s) => (s.deployment = { strategy: "blueGreen", testListener: { port: 443 } })),
      "Environment 'dev': services[0].deployment.testListener.port (443) must not be a port the load balancer serves production traffic on (80, 443); pick a port of its own, e.g. 9000",
    ],
    [
      "canary percent outside ECS's range",
      service0((s) => (s.deployment = { strategy: "canary", canaryPercent: 0 })),
      "Environment 'dev': services[0].deployment.canaryPercent (0) must be a number from 0.1 to 100 (ECS's range); the share of traffic the canary takes first, e.g. 10",
    ],
    [
      "linear step outside ECS's range",
      service0((s) => (s.deployment = { strategy: "linear", linearStepPercent: 1 })),
      "Environment 'dev': services[0].deployment.linearStepPercent (1) must be a number from 3 to 100 (ECS's range)",
    ],
    [
      "bake time outside ECS's range",
      service0((s) => (s.deployment = { strategy: "blueGreen", bakeTimeMinutes: 1500 })),
      "Environment 'dev': services[0].deployment.bakeTimeMinutes (1500) must be an integer from 0 to 1440",
    ],
    [
      "unknown deployment strategy",
      service0((s) => (s.deployment = { strategy: "blue-green" })),
      'Environment \'dev\': services[0].deployment.strategy ("blue-green") must be one of "rolling", "blueGreen", "canary", "linear"',
    ],
    [
      "blue/green with request-count scaling",
      service0(
        (s) => (
          (s.autoScaling = {
            minCapacity: 1,
            maxCapacity: 2,
            targetCpuUtilizationPercent: 60,
            targetRequestsPerTarget: 1000,
          }),
          (s.deployment = { strategy: "blueGreen" })
        ),
      ),
      "Environment 'dev': services[0].autoScaling.targetRequestsPerTarget (1000) must be unset with deployment.strategy \"blueGreen\"",
    ],
    [
      "alarm rollback without alarms",
      service0((s) => (s.deploymentAlarms = { alarmNames: [] })),
      "Environment 'dev': services[0].deploymentAlarms.alarmNames ([]) must name 1 to 10 CloudWatch alarms; set targetErrorsAlarm: true for the service's own, or drop deploymentAlarms for none",
    ],
    [
      "image owner",
      service0((s) => (s.imageOwner = "jenkins")),
      'Environment \'dev\': services[0].imageOwner ("jenkins") must be one of "terraform", "ci"',
    ],
    [
      "proxy port twice",
      (c) => (c.staticIp.proxyPorts = [80, 80]),
      "Environment 'dev': staticIp.proxyPorts ([80,80]) must name each port once (80 clashes with itself); remove the duplicate",
    ],
    [
      "proxy port the ECS agent reserves",
      (c) => (c.staticIp.proxyPorts = [80, 51678]),
      "Environment 'dev': staticIp.proxyPorts (51678) must not be a port the ECS agent reserves on every instance (22, 2375, 2376, 51678, 51679); ECS would never place the proxy; choose another port",
    ],
    [
      "proxy port is the health port",
      (c) => (c.staticIp.proxyPorts = [8404]),
      "staticIp.proxyPorts[0] (8404) must not be the edge proxy's health port (8404); pick another port",
    ],
    [
      "443 without a certificate",
      (c) => (c.staticIp.proxyPorts = [80, 443]),
      "Environment 'dev': staticIp.proxyPorts ([80,443]) must include 443 only when the load balancer has an HTTPS listener (the proxy passes TLS through to its 443); give LoadBalancer 'alb' a certificateArn, or drop 443",
    ],
    [
      "allowEipDestroy not boolean",
      (c) => (c.staticIp.allowEipDestroy = "yes"),
      'staticIp.allowEipDestroy ("yes") must be true or false; write true or false, without quotes',
    ],
    [
      "alarms not boolean",
      (c) => (c.staticIp.alarms = undefined),
      "staticIp.alarms (undefined) must be true or false; write true or false, without quotes",
    ],
    [
      "enableAccessLogs not boolean",
      (c) => (c.loadBalancer.enableAccessLogs = "on"),
      'loadBalancer.enableAccessLogs ("on") must be true or false; write true or false, without quotes',
    ],
    [
      "exceptions not a list",
      (c) => (c.checkovExceptions = {}),
      "checkovExceptions ({}) must be a list; use [ … ] (an empty list is [])",
    ],
    [
      "exception id",
      (c) => (c.checkovExceptions = [{ id: "AWS_150", reason: "a reason long enough to pass" }]),
      'checkovExceptions[0].id ("AWS_150") must be a checkov check id like CKV_AWS_150; copy the id checkov reports',
    ],
    [
      "exception twice",
      (c) =>
        (c.checkovExceptions = [
          { id: "CKV_AWS_2", reason: "a reason long enough to pass" },
          { id: "CKV_AWS_2", reason: "a reason long enough to pass" },
        ]),
      'checkovExceptions[1].id ("CKV_AWS_2") must not repeat a check; remove the duplicate',
    ],
    [
      "exception without a reason",
      (c) => (c.checkovExceptions = [{ id: "CKV_AWS_2", reason: "  because  " }]),
      'checkovExceptions[0].reason ("  because  ") must explain the exception in at least 20 characters; say why this environment accepts the finding',
    ],
    [
      "stopped not boolean",
      (c) => (c.stopped = "yes"),
      'stopped ("yes") must be true or false; write true or false, without quotes',
    ],
    [
      "deletionProtection not boolean",
      (c) => (c.deletionProtection = 1),
      "deletionProtection (1) must be true or false; write true or false, without quotes",
    ],
    [
      "backend kind",
      (c) => (c.backend = { kind: "gcs" }),
      'backend.kind ("gcs") must be one of "local", "s3"; pick one of those',
    ],
    [
      "local directory empty",
      (c) => (c.backend = { kind: "local", directory: "" }),
      'backend.directory ("") must be a directory path; leave it unset for the working directory',
    ],
    [
      "bucket name",
      (c) => (c.backend = { kind: "s3", bucket: "My_State", region: "eu-west-2" }),
      'backend.bucket ("My_State") must be an S3 bucket name: 3 to 63 lower-case letters, digits, `.` or `-`; use the name of the existing state bucket',
    ],
    [
      "bucket region",
      (c) => (c.backend = { kind: "s3", bucket: "my-state", region: "eu" }),
      'backend.region ("eu") must be an AWS region name like eu-west-2; fix it: the bucket\'s region',
    ],
    [
      "key prefix",
      (c) => (c.backend = { kind: "s3", bucket: "my-state", region: "eu-west-2", keyPrefix: "/state/" }),
      'backend.keyPrefix ("/state/") must be S3 key segments separated by `/`, without a leading or trailing `/`; e.g. "ecs-cdktf"',
    ],
    [
      "kms key",
      (c) => (c.backend = { kind: "s3", bucket: "my-state", region: "eu-west-2", kmsKeyArn: "alias/state" }),
      'backend.kmsKeyArn ("alias/state") must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); use the key\'s ARN, not an alias',
    ],
    ["tags not an object", (c) => (c.tags = ["a"]), 'tags (["a"]) must be an object; use { … }'],
    [
      "reserved tag",
      (c) => (c.tags = { environment: "x" }),
      'tags ("environment") must not set project, environment, managed-by, Name; the stacks set those tags themselves',
    ],
    [
      "aws: tag",
      (c) => (c.tags = { "aws:x": "y" }),
      'tags ("aws:x") must use keys of 1 to 128 characters, not starting with aws:; shorten the key',
    ],
    [
      "long tag value",
      (c) => (c.tags = { team: "x".repeat(257) }),
      'tags.team ("' + "x".repeat(257) + '") must be a string of at most 256 characters; shorten the value',
    ],
  ];

  it.each(cases)("%s", (_name, change, message) => {
    expect(rejection(mutate(change))).toContain(message);
  });

  it("names the environment in every message", () => {
    expect(() => validateEnvironmentConfig(mutate((c) => (c.network.azCount = 9), PROD))).toThrow(
      /^Environment 'prod': network\.azCount \(9\)/,
    );
  });
});

describe("the config's shape (the zod schema): unknown keys", () => {
  const valid = (keys: readonly string[]) => [...keys].sort().join(", ");
  const TOP = Object.keys(ENVIRONMENT_CONFIG_SCHEMA.shape);
  const SERVICE = Object.keys(DEV.services[0]!).concat(
    "hostHeaders",
    "autoScaling",
    "containerHealthCheck",
    "deployment",
    "deploymentAlarms",
    "imageOwner",
    "forceNewDeployment",
    "compute",
    "capacityProviderStrategy",
  );
  it.each<[string, (c: Mutable) => void, string]>([
    [
      "at the top level",
      (c) => ((c.stoped = false), delete c.stopped),
      `Environment 'dev': stoped (false) must be a known key; did you mean stopped? (valid: ${valid(TOP)})`,
    ],
    [
      "nested",
      (c) => ((c.network.natGateway = "single"), delete c.network.natGateways),
      `Environment 'dev': network.natGateway ("single") must be a known key; did you mean natGateways? (valid: azCount, cidrBlock, natGateways, zoneName)`,
    ],
    [
      "in a service",
      (c) =>
        (c.services[0].autoscaling = { minCapacity: 1, maxCapacity: 2, targetCpuUtilizationPercent: 60 }),
      `Environment 'dev': services[0].autoscaling ({"minCapacity":1,"maxCapacity":2,"targetCpuUtilizationPercent":60}) must be a known key; did you mean autoScaling? (valid: ${valid(SERVICE)})`,
    ],
    [
      "in autoScaling",
      (c) =>
        (c.services[1].autoScaling = {
          minCapacty: 1,
          minCapacity: 1,
          maxCapacity: 2,
          targetCpuUtilizationPercent: 60,
        }),
      "Environment 'dev': services[1].autoScaling.minCapacty (1) must be a known key; did you mean minCapacity? (valid: maxCapacity, minCapacity, targetCpuUtilizationPercent, targetRequestsPerTarget)",
    ],
    [
      "in a service's image (of its own source)",
      (c) => (c.services[0].image = { source: "ecr", uri: "nginx:1" }),
      `Environment 'dev': services[0].image.uri ("nginx:1") must be a known key; remove it; the valid keys are source`,
    ],
    [
      "in the S3 backend",
      (c) => (c.backend = { kind: "s3", bukcet: "my-state", region: "eu-west-2" }),
      "Environment 'dev': backend.bukcet (\"my-state\") must be a known key; did you mean bucket? (valid: bucket, keyPrefix, kind, kmsKeyArn, region)",
    ],
    [
      "a service key under its name before the config took the module's (cpu)",
      (c) => ((c.services[0].cpu = 256), delete c.services[0].cpuUnits),
      "Environment 'dev': services[0].cpu (256) must be a known key; it is now cpuUnits (the module's prop name); rename it",
    ],
    [
      "an autoScaling key under its old name (minCount)",
      (c) => (c.services[1].autoScaling = { minCount: 1, maxCapacity: 2, targetCpuUtilizationPercent: 60 }),
      "Environment 'dev': services[1].autoScaling.minCount (1) must be a known key; it is now minCapacity (the module's prop name); rename it",
    ],
    [
      "a load balancer key under its old name (accessLogs)",
      (c) => ((c.loadBalancer.accessLogs = false), delete c.loadBalancer.enableAccessLogs),
      "Environment 'dev': loadBalancer.accessLogs (false) must be a known key; it is now enableAccessLogs (the module's prop name); rename it",
    ],
    [
      "an old name where it never was a key (name in the network) gets no rename hint",
      (c) => (c.network.name = "x"),
      "Environment 'dev': network.name (\"x\") must be a known key; remove it; the valid keys are azCount, cidrBlock, natGateways, zoneName",
    ],
    [
      "with no near name",
      (c) => (c.loadBalancer.zzz = 1),
      "Environment 'dev': loadBalancer.zzz (1) must be a known key; remove it; the valid keys are certificateArn, enableAccessLogs, ingressCidrs, internal",
    ],
  ])("%s", (_name, change, message) => {
    expect(rejection(mutate(change))).toContain(message);
  });

  it("throws a ValidationError, in one line", () => {
    const error = (() => {
      try {
        validateEnvironmentConfig(mutate((c) => (c.capacity.minsize = 1)));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(ValidationError.isValidationError(error)).toBe(true);
    expect((error as Error).message).not.toContain("\n");
  });
});

describe("the config's shape (the zod schema): types", () => {
  it.each<[string, (c: Mutable) => void, string]>([
    [
      "a boolean as a string",
      (c) => (c.stopped = "true"),
      `Environment 'dev': stopped ("true") must be true or false; write true or false, without quotes`,
    ],
    [
      "NaN for an integer",
      (c) => (c.capacity.minSize = NaN),
      "Environment 'dev': capacity.minSize (NaN) must be an integer; write a whole number, without quotes",
    ],
    [
      "Infinity for an integer",
      (c) =>
        (c.services[1].autoScaling = {
          minCapacity: 1,
          maxCapacity: Infinity,
          targetCpuUtilizationPercent: 60,
        }),
      "Environment 'dev': services[1].autoScaling.maxCapacity (Infinity) must be an integer",
    ],
    [
      "a number as a string",
      (c) => (c.services[0].containerPort = "8080"),
      `Environment 'dev': services[0].containerPort ("8080") must be an integer; write a whole number, without quotes`,
    ],
    [
      "a port of a list as a string",
      (c) => (c.staticIp.proxyPorts = [80, "443"]),
      `Environment 'dev': staticIp.proxyPorts[1] ("443") must be an integer`,
    ],
    [
      "a missing key",
      (c) => delete c.deletionProtection,
      "Environment 'dev': deletionProtection (undefined) must be true or false; set it to true or false",
    ],
    [
      "a missing nested key",
      (c) => delete c.loadBalancer.internal,
      "Environment 'dev': loadBalancer.internal (undefined) must be true or false; set it to true or false",
    ],
    [
      "a string that is a number",
      (c) => (c.region = 2),
      "Environment 'dev': region (2) must be a string; quote the value",
    ],
    [
      "a list that is a string",
      (c) => (c.services = "web"),
      `Environment 'dev': services ("web") must be a list`,
    ],
    [
      "an object that is a list",
      (c) => (c.network = []),
      "Environment 'dev': network ([]) must be an object",
    ],
    [
      "a tag value that is a number",
      (c) => (c.tags = { team: 42 }),
      "Environment 'dev': tags.team (42) must be a string; quote the value",
    ],
    [
      "an environment variable value that is a boolean",
      (c) => (c.services[0].environment = { DEBUG: true }),
      "Environment 'dev': services[0].environment.DEBUG (true) must be a string",
    ],
    [
      "a backend without a kind",
      (c) => (c.backend = { bucket: "my-state" }),
      `Environment 'dev': backend.kind (undefined) must be one of "local", "s3"; pick one of those`,
    ],
    [
      "a name that is not a string",
      (c) => (c.name = 7),
      "Environment '7': name (7) must be a string; quote the value",
    ],
  ])("%s", (_name, change, message) => {
    expect(rejection(mutate(change))).toContain(message);
  });

  it("GIVEN no object at all THEN the config itself is named", () => {
    expect(() => validateEnvironmentConfig(undefined as unknown as EnvironmentConfig)).toThrow(
      "Environment 'undefined': config (undefined) must be an object",
    );
  });

  it("the schema accepts both presets as they are", () => {
    for (const preset of [DEV, PROD]) expect(ENVIRONMENT_CONFIG_SCHEMA.safeParse(preset).success).toBe(true);
  });
});

describe("region", () => {
  it("GIVEN a region AWS does not list THEN the nearest listed one and allowUnlistedRegion", () => {
    expect(() => validateEnvironmentConfig(mutate((c) => (c.region = "eu-west-7")))).toThrow(
      `Environment 'dev': region ("eu-west-7") must be a region AWS lists (AWS_REGIONS in modules/network/regions.ts); did you mean eu-west-1? for a region newer than the table, set allowUnlistedRegion: true`,
    );
  });

  it("GIVEN allowUnlistedRegion THEN the region must still look like one", () => {
    expect(() =>
      validateEnvironmentConfig(mutate((c) => ((c.region = "London"), (c.allowUnlistedRegion = true)))),
    ).toThrow(`region ("London") must be an AWS region name like eu-west-2`);
  });

  it("GIVEN an S3 backend in a region AWS does not list THEN the same rule", () => {
    expect(() =>
      validateEnvironmentConfig(
        mutate((c) => (c.backend = { kind: "s3", bucket: "my-state", region: "eu-wset-2" })),
      ),
    ).toThrow(
      `Environment 'dev': backend.region ("eu-wset-2") must be a region AWS lists (AWS_REGIONS in modules/network/regions.ts); did you mean eu-west-2? for a region newer than the table, set allowUnlistedRegion: true`,
    );
  });

  it("GIVEN allowUnlistedRegion not a boolean THEN a type error", () => {
    expect(() => validateEnvironmentConfig(mutate((c) => (c.allowUnlistedRegion = "yes")))).toThrow(
      `allowUnlistedRegion ("yes") must be true or false`,
    );
  });
});

describe("no NAT gateway with the cluster in the private subnets", () => {
  it("GIVEN natGateways none THEN an error naming what breaks and both ways out", () => {
    expect(() => validateEnvironmentConfig(mutate((c) => (c.network.natGateways = "none")))).toThrow(
      `Environment 'dev': network.natGateways ("none") must give the private subnets a way out while the cluster's instances run there: without NAT (and this environment has no VPC endpoints) they can neither register with ECS nor pull images; use "single" (or "per-az"), or set capacity.allowPrivateSubnetsWithoutNat: true if the network has another way out`,
    );
  });

  it("GIVEN allowPrivateSubnetsWithoutNat false THEN the same error", () => {
    expect(() =>
      validateEnvironmentConfig(
        mutate((c) => ((c.network.natGateways = "none"), (c.capacity.allowPrivateSubnetsWithoutNat = false))),
      ),
    ).toThrow('network.natGateways ("none") must give the private subnets a way out');
  });

  it("GIVEN allowPrivateSubnetsWithoutNat not a boolean THEN a type error", () => {
    expect(() =>
      validateEnvironmentConfig(mutate((c) => (c.capacity.allowPrivateSubnetsWithoutNat = 1))),
    ).toThrow("capacity.allowPrivateSubnetsWithoutNat (1) must be true or false");
  });
});

describe("selectEnvironmentName", () => {
  it("GIVEN nothing THEN dev", () => {
    expect(selectEnvironmentName()).toBe("dev");
    expect(DEFAULT_ENVIRONMENT).toBe("dev");
    expect(selectEnvironmentName({ context: "", env: { ECS_CDKTF_ENV: "" } })).toBe("dev");
  });

  it("GIVEN the app context env THEN that environment", () => {
    expect(selectEnvironmentName({ context: "prod" })).toBe("prod");
  });

  it("GIVEN ECS_CDKTF_ENV THEN that environment (surrounding spaces ignored)", () => {
    expect(selectEnvironmentName({ env: { ECS_CDKTF_ENV: " prod " } })).toBe("prod");
  });

  it("GIVEN both, equal THEN that environment", () => {
    expect(selectEnvironmentName({ context: "prod", env: { ECS_CDKTF_ENV: "prod" } })).toBe("prod");
  });

  it("GIVEN both, different THEN an error naming both", () => {
    expect(() => selectEnvironmentName({ context: "prod", env: { ECS_CDKTF_ENV: "dev" } })).toThrow(
      'The environment is chosen twice: the app context "env" (prod) and ECS_CDKTF_ENV (dev) differ; set only one of them',
    );
  });

  it("GIVEN an unknown environment variable value THEN an error listing the valid choices", () => {
    expect(() => selectEnvironmentName({ env: { ECS_CDKTF_ENV: "staging" } })).toThrow(
      'Unknown environment "staging" (from ECS_CDKTF_ENV): the valid choices are dev, prod; pick one of them, or add a preset to PRESETS in stacks/presets.ts',
    );
  });

  it("GIVEN a label for the context's source THEN errors name it", () => {
    expect(() => selectEnvironmentName({ context: "qa", contextLabel: "--env" })).toThrow(
      'Unknown environment "qa" (from --env): the valid choices are dev, prod',
    );
    expect(() =>
      selectEnvironmentName({ context: "dev", contextLabel: "--env", env: { ECS_CDKTF_ENV: "prod" } }),
    ).toThrow(
      "The environment is chosen twice: --env (dev) and ECS_CDKTF_ENV (prod) differ; set only one of them",
    );
  });

  it("GIVEN an unknown or non-string context value THEN an error listing the valid choices", () => {
    expect(() => selectEnvironmentName({ context: "Prod" })).toThrow(
      'Unknown environment "Prod" (from the app context "env"): the valid choices are dev, prod',
    );
    expect(() => selectEnvironmentName({ context: 3 })).toThrow(
      'Unknown environment 3 (from the app context "env"): the valid choices are dev, prod',
    );
  });
});

describe("loadEnvironmentConfig", () => {
  it("GIVEN an environment THEN its validated preset", () => {
    expect(loadEnvironmentConfig({ env: { ECS_CDKTF_ENV: "prod" } })).toBe(PROD);
  });

  it("GIVEN ECS_CDKTF_STATE_DIR THEN the local backend's directory, made absolute", () => {
    const config = loadEnvironmentConfig({ env: { ECS_CDKTF_STATE_DIR: "tmp/state" } });
    expect(config.backend).toEqual({ kind: "local", directory: path.resolve("tmp/state") });
    expect(config.services).toBe(DEV.services);
  });

  it("GIVEN ECS_CDKTF_ALLOW_EIP_DESTROY=1 THEN the Elastic IPs may be released, nothing else changes", () => {
    const config = loadEnvironmentConfig({ env: { ECS_CDKTF_ALLOW_EIP_DESTROY: "1" } });
    expect(config.staticIp).toEqual({ ...DEV.staticIp, allowEipDestroy: true });
    expect({ ...config, staticIp: DEV.staticIp }).toEqual(DEV);
    expect(loadEnvironmentConfig({ env: { ECS_CDKTF_ALLOW_EIP_DESTROY: "" } })).toBe(DEV);
  });

  it("GIVEN ECS_CDKTF_ALLOW_EIP_DESTROY other than 1 THEN an error naming the fix", () => {
    expect(() => withEipDestroyAllowed(PROD, "true")).toThrow(
      "Environment 'prod': ECS_CDKTF_ALLOW_EIP_DESTROY (\"true\") must be 1 or empty; set it to 1 only to release the Elastic IPs on purpose, else unset it",
    );
  });

  it("GIVEN ECS_CDKTF_STATE_DIR with an S3 backend THEN an error", () => {
    const s3 = mutate((c) => (c.backend = { kind: "s3", bucket: "my-state", region: "eu-west-2" }));
    expect(() => withStateDirectory(s3, "/tmp/x")).toThrow(
      `Environment 'dev': ECS_CDKTF_STATE_DIR ("/tmp/x") applies to the local backend only, and this environment's backend is s3; unset it`,
    );
  });

  it("GIVEN an invalid edited preset THEN loading fails with the validation error", () => {
    const broken: ServiceConfig = { ...DEV.services[0], serviceName: "Web" };
    expect(() => withStateDirectory({ ...DEV, services: [broken] }, undefined)).toThrow(
      `Environment 'dev': services[0].serviceName ("Web") must be 1 to 24 lower-case letters`,
    );
  });
});
