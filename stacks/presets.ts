import { EnvironmentConfig, ServiceConfig } from "./config-types";

/** Tag of the application image the presets run (the Flask `hello_world` service, src/service). */
export const DEFAULT_IMAGE_TAG = "0.1.0";

/** The default region: London. */
export const DEFAULT_REGION = "eu-west-2";

/** The Flask service (src/service): gunicorn on 8080, `/health` for the load balancer. */
const FLASK: Pick<ServiceConfig, "containerPort" | "healthCheckPath" | "environment"> = {
  containerPort: 8080,
  healthCheckPath: "/health",
  environment: { WEB_CONCURRENCY: "2", GUNICORN_THREADS: "4" },
};

/** What dev accepts on purpose: it runs locally and is torn down often. */
const NO_CERTIFICATE =
  "dev has no ACM certificate (the local AWS issues none): the load balancer listens on HTTP only.";
const DEV_CHECKOV_EXCEPTIONS = [
  {
    id: "CKV_AWS_150",
    reason:
      "dev is torn down often (npm run local:destroy); load balancer deletion protection would block that.",
  },
  { id: "CKV_AWS_2", reason: NO_CERTIFICATE },
  { id: "CKV2_AWS_20", reason: NO_CERTIFICATE },
  { id: "CKV_AWS_103", reason: NO_CERTIFICATE },
  {
    id: "CKV_AWS_91",
    reason:
      "dev writes no load balancer access logs (loadBalancer.enableAccessLogs: false) and so has no log bucket: a small, short-lived environment; prod turns them on.",
  },
] as const;

/**
 * `dev`: small and cheap, torn down often. One NAT gateway, one small instance, one static IP,
 * one task per service, no deletion protection.
 */
export const DEV: EnvironmentConfig = {
  name: "dev",
  region: DEFAULT_REGION,
  network: { cidrBlock: "172.24.0.0/16", azCount: 2, natGateways: "single", zoneName: "myorg.local" },
  capacity: { instanceType: "t3.small", minSize: 1, maxSize: 1, desiredCapacity: 1 },
  // Internal: the static IP is the public entry, and its edge proxy reaches an internal load
  // balancer directly (an internet-facing one only through NAT, to its public addresses).
  loadBalancer: { internal: true, enableAccessLogs: false },
  imageTag: DEFAULT_IMAGE_TAG,
  services: [
    {
      serviceName: "web",
      // Evaluated last: every path the more specific rules leave.
      rulePriority: 1000,
      pathPatterns: ["/*"],
      ...FLASK,
      cpuUnits: 256,
      memoryLimitMiB: 512,
      memoryReservationMiB: 256,
      desiredCount: 1,
      image: { source: "ecr" },
    },
    {
      serviceName: "api",
      rulePriority: 100,
      pathPatterns: ["/api/*"],
      ...FLASK,
      cpuUnits: 256,
      memoryLimitMiB: 512,
      memoryReservationMiB: 256,
      desiredCount: 1,
      image: { source: "service", service: "web" },
    },
  ],
  // No alarms: the local AWS cannot create CloudWatch alarms (see StaticIpConfig.alarms).
  staticIp: { addresses: "one", proxyPorts: [80], allowEipDestroy: false, alarms: false },
  stopped: false,
  deletionProtection: false,
  checkovExceptions: DEV_CHECKOV_EXCEPTIONS,
  backend: { kind: "local" },
  tags: {},
};

/**
 * `prod`: a NAT gateway and a static IP per AZ, at least two instances, auto-scaled services,
 * deletion protection on.
 */
export const PROD: EnvironmentConfig = {
  name: "prod",
  region: DEFAULT_REGION,
  network: { cidrBlock: "172.25.0.0/16", azCount: 2, natGateways: "per-az", zoneName: "myorg.local" },
  capacity: { instanceType: "t3.medium", minSize: 2, maxSize: 6, desiredCapacity: 2 },
  // Internal behind the static IPs, as in dev.
  loadBalancer: { internal: true, enableAccessLogs: true },
  imageTag: DEFAULT_IMAGE_TAG,
  services: [
    {
      serviceName: "web",
      rulePriority: 1000,
      pathPatterns: ["/*"],
      ...FLASK,
      cpuUnits: 512,
      memoryLimitMiB: 1024,
      memoryReservationMiB: 512,
      desiredCount: 2,
      // CPU only: a request-count policy follows one target group, and blue/green moves traffic
      // between two.
      autoScaling: { minCapacity: 2, maxCapacity: 10, targetCpuUtilizationPercent: 60 },
      image: { source: "ecr" },
      // Blue/green: a new revision starts beside the old one, takes test traffic on port 9000
      // (from inside the VPC: the load balancer is internal), then all production traffic at once;
      // the old revision stays 10 minutes for an instant rollback.
      deployment: { strategy: "blueGreen", testListener: { port: 9000 } },
      // A deployment fails and rolls back when web's targets answer 10 or more 5xx in a minute.
      deploymentAlarms: { targetErrorsAlarm: true },
    },
    {
      serviceName: "api",
      rulePriority: 100,
      pathPatterns: ["/api/*"],
      ...FLASK,
      cpuUnits: 256,
      memoryLimitMiB: 512,
      memoryReservationMiB: 256,
      desiredCount: 2,
      autoScaling: { minCapacity: 2, maxCapacity: 6, targetCpuUtilizationPercent: 60 },
      image: { source: "service", service: "web" },
    },
  ],
  staticIp: { addresses: "per-az", proxyPorts: [80], allowEipDestroy: false, alarms: true },
  stopped: false,
  deletionProtection: true,
  // None: prod's review fails until it has a certificate (HTTPS) and its other findings are fixed.
  checkovExceptions: [],
  backend: { kind: "local" },
  tags: {},
};

/** The presets, by environment name. */
export const PRESETS = { dev: DEV, prod: PROD } as const;

/** A preset's name. */
export type EnvironmentName = keyof typeof PRESETS;

/** Every preset name, in the order error messages list them. */
export const ENVIRONMENT_NAMES = Object.keys(PRESETS) as EnvironmentName[];

/** The environment `npm run local` and a bare `cdktf synth` build. */
export const DEFAULT_ENVIRONMENT: EnvironmentName = "dev";
