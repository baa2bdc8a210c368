import type { IEcsCluster, IManagedInstancesCapacity } from "../ecs-cluster";
import type { INetwork } from "../network";
import type { ILoadBalancer } from "./load-balancer-ref";

// ---------------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------------

/** Default CIDR blocks an internet-facing load balancer accepts HTTP(S) from: the whole internet. */
export const DEFAULT_INTERNET_INGRESS_CIDRS: readonly string[] = ["0.0.0.0/0"];

/** Default TLS policy of the HTTPS listener: TLS 1.3 and 1.2 only, forward-secret ciphers. */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Default idle timeout of the load balancer, seconds (AWS's default). */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 60;

/** Default retention of access log objects in their bucket, days. */
export const DEFAULT_ACCESS_LOGS_RETENTION_DAYS = 90;

/**
 * Host ports Docker picks from for `hostPort: 0` in bridge mode. The ECS-optimized Amazon Linux
 * 2023 AMI uses the kernel's ephemeral range (32768–60999); older agents and Docker versions used
 * 49153–65535. One range covers both, and it is all the load balancer needs to reach on instances.
 */
export const DYNAMIC_HOST_PORT_RANGE = { from: 32768, to: 65535 } as const;

/** Default container (and target group) port: the Flask service's 8080. */
export const DEFAULT_CONTAINER_PORT = 8080;

/** Default name of the service's (single) container. */
export const DEFAULT_CONTAINER_NAME = "app";

/** Default CPU units reserved for the container (1024 = one vCPU). */
export const DEFAULT_CPU_UNITS = 256;

/** Default soft memory limit (`memoryReservation`), MiB: what placement reserves. */
export const DEFAULT_MEMORY_RESERVATION_MIB = 256;

/** Default hard memory limit (`memory`), MiB: the container is killed above it. */
export const DEFAULT_MEMORY_LIMIT_MIB = 512;

/** Fewest CPU units this module accepts for a container (an eighth of a vCPU). */
export const MIN_CPU_UNITS = 128;

/** Most CPU units this module accepts for a container (10 vCPU, ECS's per-container maximum). */
export const MAX_CPU_UNITS = 10_240;

/** Smallest memory ECS accepts for a container, MiB. */
export const MIN_CONTAINER_MEMORY_MIB = 6;

/** Default writable paths on an otherwise read-only root filesystem. */
export const DEFAULT_WRITABLE_PATHS: readonly string[] = ["/tmp"];

/** Default retention of the service's log group, days (a year, which checkov's CKV_AWS_338 asks for). */
export const DEFAULT_LOG_RETENTION_DAYS = 365;

/** Default number of images the ECR lifecycle policy keeps (older ones expire). */
export const DEFAULT_MAX_IMAGE_COUNT = 30;

/** Default number of tasks. */
export const DEFAULT_DESIRED_COUNT = 2;

/** Default upper limit of running tasks during a deployment, percent of the desired count. */
export const DEFAULT_DEPLOYMENT_MAXIMUM_PERCENT = 200;

/** Default lower limit of healthy tasks during a deployment, percent of the desired count. */
export const DEFAULT_DEPLOYMENT_MINIMUM_HEALTHY_PERCENT = 50;

/** Default share of tasks a canary deployment moves first, percent. */
export const DEFAULT_CANARY_PERCENT = 10;
/** Default minutes a canary deployment waits with the canary share before moving the rest. */
export const DEFAULT_CANARY_BAKE_TIME_MINUTES = 5;
/** Default share of tasks each step of a linear deployment moves, percent (four steps). */
export const DEFAULT_LINEAR_STEP_PERCENT = 25;
/** Default minutes a linear deployment waits after each step. */
export const DEFAULT_LINEAR_STEP_BAKE_TIME_MINUTES = 5;
/**
 * Default minutes a blue/green, canary or linear deployment keeps the old (blue) revision after all
 * traffic has moved, so that a rollback is instant.
 */
export const DEFAULT_BAKE_TIME_MINUTES = 10;
/** Most minutes of any bake time ECS accepts (a day). */
export const MAX_BAKE_TIME_MINUTES = 1440;
/** The range of a canary share ECS accepts, percent. */
export const CANARY_PERCENT_RANGE = { min: 0.1, max: 100 } as const;
/** The range of a linear step ECS accepts, percent. */
export const LINEAR_STEP_PERCENT_RANGE = { min: 3, max: 100 } as const;
/** Most CloudWatch alarms a service's deployment watches (ECS's limit). */
export const MAX_DEPLOYMENT_ALARMS = 10;
/** 5xx answers of a service's targets in a minute that put its `targetErrorsAlarm` in ALARM. */
export const DEFAULT_TARGET_ERRORS_THRESHOLD = 10;
/** Values of the test header rule when `testListener.headerValues` is not given. */
export const DEFAULT_TEST_HEADER_VALUES: readonly string[] = ["true"];

/** The deployment lifecycle stages ECS can invoke a hook at, in the order a deployment runs them. */
export const DEPLOYMENT_LIFECYCLE_STAGES = [
  "RECONCILE_SERVICE",
  "PRE_SCALE_UP",
  "POST_SCALE_UP",
  "TEST_TRAFFIC_SHIFT",
  "POST_TEST_TRAFFIC_SHIFT",
  "PRODUCTION_TRAFFIC_SHIFT",
  "POST_PRODUCTION_TRAFFIC_SHIFT",
] as const;

/**
 * Default placement of a service on external (ECS Anywhere) instances: one task per instance first
 * (they have no availability zone attribute to spread over).
 */
export const DEFAULT_EXTERNAL_PLACEMENT_STRATEGIES: readonly PlacementStrategy[] = [
  { type: "spread", field: "instanceId" },
];

/** Default placement: spread over AZs first, then pack by memory on the fewest instances. */
export const DEFAULT_PLACEMENT_STRATEGIES: readonly PlacementStrategy[] = [
  { type: "spread", field: "attribute:ecs.availability-zone" },
  { type: "binpack", field: "memory" },
];

/** Default health check path of the target group. */
export const DEFAULT_HEALTH_CHECK_PATH = "/health";
/** Default seconds between target health checks. */
export const DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS = 15;
/** Default seconds before a health check without answer fails. */
export const DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS = 5;
/** Default consecutive successes before a target is healthy. */
export const DEFAULT_HEALTHY_THRESHOLD_COUNT = 2;
/** Default consecutive failures before a target is unhealthy. */
export const DEFAULT_UNHEALTHY_THRESHOLD_COUNT = 2;
/** Default HTTP codes a healthy target answers. */
export const DEFAULT_HEALTH_CHECK_SUCCESS_CODES = "200";

/**
 * Default seconds the load balancer keeps draining a deregistering target. AWS's default (300)
 * made every rolling update wait five minutes per batch; the Flask service finishes requests in
 * well under 30 s (gunicorn's graceful timeout is 20 s).
 */
export const DEFAULT_DEREGISTRATION_DELAY_SECONDS = 30;

/** Default seconds ECS ignores failing load balancer health checks of a new task. */
export const DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS = 60;

/** Default average CPU utilisation target tracking aims for, percent. */
export const DEFAULT_TARGET_CPU_UTILIZATION_PERCENT = 60;
/** Default seconds after a scale-in before the next one. */
export const DEFAULT_SCALE_IN_COOLDOWN_SECONDS = 300;
/** Default seconds after a scale-out before the next one. */
export const DEFAULT_SCALE_OUT_COOLDOWN_SECONDS = 60;

// ---------------------------------------------------------------------------------------------
// Load balancer
// ---------------------------------------------------------------------------------------------

/** Props of {@link LoadBalancer}. */
export interface LoadBalancerProps {
  /**
   * The network: its public subnets (or private ones with `internal`), in at least two availability
   * zones, hold the load balancer; its VPC holds the load balancer's security group.
   */
  readonly network: INetwork;

  /**
   * Name of the load balancer: 1 to 32 letters, digits and hyphens, not starting or ending with a
   * hyphen nor starting with `internal-`. Unique per account and region.
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * An internal load balancer in the private subnets (reachable from the VPC only) instead of an
   * internet-facing one in the public subnets.
   * @default false
   */
  readonly internal?: boolean;

  /**
   * IPv4 CIDR blocks allowed to connect on port 80 (and 443 with a certificate). The default for an
   * internet-facing load balancer is `0.0.0.0/0`, the whole internet: that is what a public website
   * needs. Narrow it for an office-only or partner-only endpoint.
   * @default DEFAULT_INTERNET_INGRESS_CIDRS (["0.0.0.0/0"]), or the VPC's CIDR block when `internal`
   */
  readonly ingressCidrs?: string[];

  /**
   * ARN of an ACM certificate (`arn:aws:acm:<region>:<account>:certificate/<id>`). With it the load
   * balancer gets an HTTPS listener on 443 and services are routed there.
   * @default - no HTTPS listener; services are routed on the HTTP listener
   */
  readonly certificateArn?: string;

  /**
   * TLS policy of the HTTPS listener (an `ELBSecurityPolicy-…` name). Needs `certificateArn`.
   * @default DEFAULT_SSL_POLICY ("ELBSecurityPolicy-TLS13-1-2-2021-06")
   */
  readonly sslPolicy?: string;

  /**
   * Answer every HTTP request with a 301 redirect to HTTPS. Needs `certificateArn`. When false
   * with a certificate, services are routed on both listeners.
   * @default - true with a certificate, false without
   */
  readonly redirectHttpToHttps?: boolean;

  /**
   * Refuse to delete the load balancer (AWS's `deletion_protection.enabled`): `destroy` fails
   * until an apply turns it off. On by default, like the static IPs: a replaced load balancer
   * gets a new DNS name, which breaks every CNAME pointing at it.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Seconds a connection may stay idle (1 to 4000). Keep targets' keep-alive above it (the Flask
   * service's gunicorn keeps 75 s).
   * @default DEFAULT_IDLE_TIMEOUT_SECONDS (60)
   */
  readonly idleTimeoutSeconds?: number;

  /**
   * Write access logs to a new S3 bucket (SSE-S3 encrypted, as ALB log delivery requires; public
   * access blocked; TLS-only; writable by the regional Elastic Load Balancing account only).
   * @default false
   */
  readonly enableAccessLogs?: boolean;

  /**
   * Days access log objects are kept (an integer from 1 to 3650). Needs `enableAccessLogs`.
   * @default DEFAULT_ACCESS_LOGS_RETENTION_DAYS (90)
   */
  readonly accessLogsRetentionDays?: number;

  /**
   * Region of the load balancer, used to pick the principal that writes access logs (the
   * regional Elastic Load Balancing account, or the log delivery service principal in regions
   * opened since August 2022). Needs `enableAccessLogs`.
   * @default - derived from the network's first availability zone (`eu-west-2a` → `eu-west-2`)
   */
  readonly region?: string;

  /**
   * ARN of a WAFv2 web ACL (scope REGIONAL) to associate with the load balancer.
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * Tags added to every taggable resource, next to `Name` (so `Name` itself is rejected).
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------
// Services (shared by LoadBalancedService and WorkerService)
// ---------------------------------------------------------------------------------------------

/** A volume bind-mounted into the container. */
export interface ContainerVolume {
  /** Volume name: 1 to 255 letters, digits, hyphens and underscores, unique in the task. */
  readonly name: string;
  /** Absolute path in the container. */
  readonly containerPath: string;
  /**
   * Absolute path on the container instance to mount.
   * @default - an empty Docker-managed directory that lives as long as the task
   */
  readonly hostPath?: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** The container's own health check (run by Docker, reported to ECS). */
export interface ContainerHealthCheck {
  /**
   * The command: `["CMD", "executable", "arg", …]` or `["CMD-SHELL", "shell command"]`, e.g.
   * `["CMD", "python", "/app/healthcheck.py"]` for the Flask service.
   */
  readonly command: string[];
  /**
   * Seconds between checks (5 to 300).
   * @default 30
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds before a check fails (2 to 60).
   * @default 5
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before the container is unhealthy (1 to 10).
   * @default 3
   */
  readonly retries?: number;
  /**
   * Seconds after start during which failures do not count (0 to 300).
   * @default 0
   */
  readonly startPeriodSeconds?: number;
}

/** One entry of a capacity provider strategy. */
export interface CapacityProviderStrategyItem {
  /** Name of a capacity provider of the cluster (e.g. `cluster.capacityProviderName`). */
  readonly capacityProvider: string;
  /**
   * Relative share of tasks (0 to 1000).
   * @default 1
   */
  readonly weight?: number;
  /**
   * Tasks placed on this provider before weights apply (0 to 100000; only one entry may set it).
   * @default 0
   */
  readonly base?: number;
}

/** A task placement strategy, applied in order. */
export interface PlacementStrategy {
  /** `spread` over a field's values, `binpack` on a resource, or `random`. */
  readonly type: "spread" | "binpack" | "random";
  /**
   * `spread`: `instanceId`, `host` or an attribute such as `attribute:ecs.availability-zone`;
   * `binpack`: `cpu` or `memory`; `random`: none.
   * @default - none
   */
  readonly field?: string;
}

/** A task placement constraint. */
export type PlacementConstraint =
  /** Only instances matching a cluster query language expression, e.g. `attribute:role == edge`. */
  | { readonly type: "memberOf"; readonly expression: string }
  /** Each task on a different instance. */
  | { readonly type: "distinctInstance" };

/** Tasks on the cluster's EC2 instances (bridge network mode, dynamic host ports): the default. */
export interface Ec2Compute {
  /** `ec2`. */
  readonly type: "ec2";
}

/**
 * Tasks on AWS Fargate (`requires_compatibilities = ["FARGATE"]`, awsvpc network mode): each task
 * gets its own network interface in `subnetIds` and the service's own security group (ingress from
 * the load balancer on the container port only, egress on 443). `cpuUnits` and `memoryLimitMiB` are
 * then the task's size and must be a combination Fargate runs (`FARGATE_TASK_SIZES`). The cluster
 * needs `fargateCapacityProviders`.
 */
export interface FargateCompute {
  /** `fargate`. */
  readonly type: "fargate";
  /**
   * Subnets of the tasks' network interfaces (1 to 16).
   * @default - the private subnets of the cluster's network
   */
  readonly subnetIds?: string[];
  /**
   * Give each task a public IP (only for public subnets without NAT).
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /**
   * Run every task on `FARGATE_SPOT` instead of `FARGATE` (AWS may stop them with two minutes'
   * notice). For a mix, leave it unset and give `capacityProviderStrategy` entries for both.
   * @default false
   */
  readonly spot?: boolean;
  /**
   * Fargate platform version, e.g. `1.4.0`.
   * @default - LATEST (AWS's default)
   */
  readonly platformVersion?: string;
}

/** The network mode of a task on external instances (ECS Anywhere supports no awsvpc). */
export type ExternalNetworkMode = "bridge" | "host";

/**
 * Tasks on external (ECS Anywhere) instances registered with the cluster: launch type `EXTERNAL`
 * (no capacity provider), placed by a memberOf constraint on the instances' custom attributes.
 * A {@link WorkerService} only: a load balancer's target groups cannot reach instances outside the
 * VPC.
 */
export interface ExternalCompute {
  /** `external`. */
  readonly type: "external";
  /**
   * Custom attributes the tasks' instances have (1 to 10), e.g. `{ role: "edge" }`: the service gets
   * the constraint `attribute:role == edge and …`. Names and values as `instanceAttributes`.
   */
  readonly placementAttributes: Readonly<Record<string, string>>;
  /**
   * `bridge` (Docker's network) or `host` (the instance's, e.g. for a proxy binding its ports).
   * @default "bridge"
   */
  readonly networkMode?: ExternalNetworkMode;
}

/**
 * Tasks on an ECS Managed Instances capacity provider of the cluster
 * (`requires_compatibilities = ["MANAGED_INSTANCES"]`, awsvpc network mode): as on Fargate, each
 * task gets its own network interface in `subnetIds` and the service's own security group (ingress
 * from the load balancer on the container port only, egress on 443), and the load balancer
 * registers `ip` targets. `cpuUnits` and `memoryLimitMiB` are also the task's size (any values the
 * instances fit; no Fargate table). The service's capacity provider strategy names `capacity`
 * (weight 1), or is the given `capacityProviderStrategy`, which may name Managed Instances providers
 * only. Placement strategies (none by default) and constraints are passed as given.
 */
export interface ManagedInstancesCompute {
  /** `managedInstances`. */
  readonly type: "managedInstances";
  /**
   * The capacity provider: what `EcsCluster.addManagedInstancesCapacity` returns (of the service's
   * cluster), or `{ capacityProviderName }` for one that exists already.
   */
  readonly capacity: IManagedInstancesCapacity;
  /**
   * Subnets of the tasks' network interfaces (1 to 16).
   * @default - the private subnets of the cluster's network
   */
  readonly subnetIds?: string[];
  /**
   * Give each task a public IP (only for public subnets without NAT).
   * @default false
   */
  readonly assignPublicIp?: boolean;
}

/**
 * Where a service's tasks run: see {@link Ec2Compute}, {@link FargateCompute},
 * {@link ManagedInstancesCompute}, {@link ExternalCompute}.
 */
export type ServiceCompute = Ec2Compute | FargateCompute | ManagedInstancesCompute | ExternalCompute;

/** Service auto scaling shared by every service kind. */
export interface AutoScalingOptions {
  /** Fewest tasks (an integer ≥ 0). */
  readonly minCapacity: number;
  /**
   * Most tasks (an integer ≥ minCapacity). 0, with minCapacity 0, stops the service: Application
   * Auto Scaling brings the running count into the new range.
   */
  readonly maxCapacity: number;
  /**
   * Average CPU utilisation of the service that target tracking keeps (1 to 100 percent).
   * @default DEFAULT_TARGET_CPU_UTILIZATION_PERCENT (60)
   */
  readonly targetCpuUtilizationPercent?: number;
  /**
   * Seconds after a scale-in before another (0 to 3600).
   * @default DEFAULT_SCALE_IN_COOLDOWN_SECONDS (300)
   */
  readonly scaleInCooldownSeconds?: number;
  /**
   * Seconds after a scale-out before another (0 to 3600).
   * @default DEFAULT_SCALE_OUT_COOLDOWN_SECONDS (60)
   */
  readonly scaleOutCooldownSeconds?: number;
}

/** Auto scaling of a load-balanced service: CPU and, optionally, requests per target. */
export interface LoadBalancedAutoScalingOptions extends AutoScalingOptions {
  /**
   * Requests per minute per task that target tracking keeps (`ALBRequestCountPerTarget`, an
   * integer ≥ 1). Both policies run; the one asking for more tasks wins.
   * @default - no request count policy
   */
  readonly targetRequestsPerTarget?: number;
}

/** Props every service kind shares: image, container, task, IAM, ECS service, scaling. */
export interface ContainerServiceProps {
  /** The cluster the service runs on. */
  readonly cluster: IEcsCluster;

  /**
   * Name of the ECS service: 1 to 255 letters, digits, hyphens and underscores, unique in the
   * cluster. Also names the log group, the repository, the task family and the roles. When it names
   * the repository (`imageTag` without `repositoryName`) it must be lower case: letters and digits
   * separated by `.`, `_` or `-`. The names derived from it must stay within AWS's limits, checked
   * at synth time: the task family `<cluster name>-<serviceName>` (255), the scaling policies
   * `<serviceName>-request-count-scaling` (256) and the Name tags `<serviceName>-repository` (256).
   * @default - the construct id
   */
  readonly serviceName?: string;

  /**
   * Tag of the image in the service's own ECR repository, e.g. a git SHA. Tags are immutable, so
   * every release pushes a new tag and changes this value. Exactly one of `imageTag` and `image`.
   * @default - none: required unless `image` is given
   */
  readonly imageTag?: string;

  /**
   * A full image reference from another registry or repository, e.g.
   * `public.ecr.aws/docker/library/nginx:1.27`, as the OCI distribution grammar defines it:
   * `[registry[:port]/]path[:tag][@sha256:<64 hex>]`, the path lower case (`/`-separated letters and
   * digits joined by `.`, `_`, `__` or `-`), the tag up to 128 characters, the name up to 255. No ECR
   * repository is created then. Exactly one of `imageTag` and `image`.
   * @default - `<the service's repository URL>:<imageTag>`
   */
  readonly image?: string;

  /**
   * ARN of the private ECR repository `image` lives in, so the execution role may pull from it.
   * Only with `image`.
   * @default - no ECR pull permission (public registries need none)
   */
  readonly imageRepositoryArn?: string;

  /**
   * Name of the ECR repository created for `imageTag`: 2 to 256 lower-case letters, digits and
   * `._-`, `/`-separated. Only with `imageTag`.
   * @default - `<cluster name>/<serviceName>`
   */
  readonly repositoryName?: string;

  /**
   * Images the repository keeps; older ones expire (lifecycle policy, an integer from 1 to 10000).
   * Only with `imageTag`.
   * @default DEFAULT_MAX_IMAGE_COUNT (30)
   */
  readonly maxImageCount?: number;

  /**
   * Let `destroy` delete the repository with its images. Only with `imageTag`.
   * @default false
   */
  readonly repositoryForceDelete?: boolean;

  /**
   * KMS key (ARN) encrypting the repository. Only with `imageTag`.
   * @default - the AWS-managed key `aws/ecr` (encryption type KMS)
   */
  readonly repositoryKmsKeyArn?: string;

  /**
   * Name of the container: 1 to 255 letters, digits, hyphens and underscores.
   * @default DEFAULT_CONTAINER_NAME ("app")
   */
  readonly containerName?: string;

  /**
   * CPU units reserved for the container (1024 = one vCPU). With the EC2 launch type ECS accepts
   * almost any value; this module keeps it from {@link MIN_CPU_UNITS} (128) to
   * {@link MAX_CPU_UNITS} (10240), and at most what one instance of the cluster offers (see
   * `memoryLimitMiB`).
   * @default DEFAULT_CPU_UNITS (256)
   */
  readonly cpuUnits?: number;

  /**
   * Soft memory limit, MiB (`memoryReservation`): what placement reserves on an instance; the
   * container may use more up to `memoryLimitMiB`. At least 6, at most `memoryLimitMiB`.
   * @default DEFAULT_MEMORY_RESERVATION_MIB (256)
   */
  readonly memoryReservationMiB?: number;

  /**
   * Hard memory limit, MiB (`memory`): the container is killed above it. At least
   * `memoryReservationMiB`. Some instance type of the cluster must hold the task (its CPU units,
   * reservation and limit together): the construct checks it at synth time against
   * `instanceCapacity()` of `EcsCluster.instanceTypes`, and skips the check when the cluster's
   * instance types are unknown (a token, a type not in the ecs-cluster module's `INSTANCE_TYPES`,
   * or a cluster from another Terraform module).
   * @default DEFAULT_MEMORY_LIMIT_MIB (512)
   */
  readonly memoryLimitMiB?: number;

  /**
   * Plain environment variables. Names: letters, digits and `_`, not starting with a digit.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;

  /**
   * Docker labels of the container, e.g. the `traefik.http.routers.<name>.rule` labels a Traefik
   * edge routes by. Keys: letters, digits and `._/-`, starting with a letter or digit.
   * @default - none
   */
  readonly dockerLabels?: Readonly<Record<string, string>>;

  /**
   * Environment variables filled from secrets at task start, by ARN: SSM parameters
   * (`arn:aws:ssm:…:parameter/…`) or Secrets Manager secrets (`arn:aws:secretsmanager:…:secret:…`,
   * optionally with `:<json-key>:<version-stage>:<version-id>`). The execution role may read exactly
   * these.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, string>>;

  /**
   * KMS keys (ARNs) the secrets are encrypted with, when not the AWS-managed ones; the execution
   * role may decrypt with exactly these. Needs `secrets`.
   * @default - none
   */
  readonly secretsKmsKeyArns?: string[];

  /**
   * Overrides the image's `ENTRYPOINT`; not empty (leave it unset for the image's own).
   * @default - the image's
   */
  readonly entryPoint?: string[];

  /**
   * Overrides the image's `CMD`; not empty (leave it unset for the image's own).
   * @default - the image's
   */
  readonly command?: string[];

  /**
   * Volumes mounted into the container.
   * @default - none
   */
  readonly volumes?: ContainerVolume[];

  /**
   * Mount the container's root filesystem read-only. `writablePaths` stay writable.
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;

  /**
   * Absolute paths that get an empty, writable, task-lifetime volume each (for a read-only root),
   * named `writable-<path>` (`/var/cache` → `writable-var-cache`).
   * @default DEFAULT_WRITABLE_PATHS (["/tmp"])
   */
  readonly writablePaths?: string[];

  /**
   * The container's own health check.
   * @default - none (the load balancer's health check still applies to load-balanced services)
   */
  readonly containerHealthCheck?: ContainerHealthCheck;

  /**
   * Retention of the log group `/ecs/<cluster name>/<serviceName>`, a CloudWatch Logs value.
   * @default DEFAULT_LOG_RETENTION_DAYS (365)
   */
  readonly logRetentionDays?: number;

  /**
   * KMS key (ARN) encrypting the log group; its key policy must allow CloudWatch Logs.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;

  /**
   * Number of tasks (an integer ≥ 0). With `autoScaling` it is the count at creation only, from
   * `minCapacity` to `maxCapacity`; auto scaling owns it afterwards.
   * @default DEFAULT_DESIRED_COUNT (2), or `autoScaling.minCapacity` (at least 1)
   */
  readonly desiredCount?: number;

  /**
   * Most running tasks during a deployment, percent of the desired count (an integer from 100 to 1000).
   * @default DEFAULT_DEPLOYMENT_MAXIMUM_PERCENT (200)
   */
  readonly deploymentMaximumPercent?: number;

  /**
   * Fewest healthy tasks during a deployment, percent of the desired count (an integer from 0 to
   * 100, below `deploymentMaximumPercent`).
   * @default DEFAULT_DEPLOYMENT_MINIMUM_HEALTHY_PERCENT (50)
   */
  readonly deploymentMinimumHealthyPercent?: number;

  /**
   * How ECS replaces the tasks with a new revision's: rolling (the default), or, for a
   * {@link LoadBalancedService}, blue/green, canary or linear traffic shifting between two target
   * groups. See {@link DeploymentOptions}.
   * @default - rolling, with the circuit breaker rolling back a failed deployment
   */
  readonly deployment?: DeploymentOptions;

  /**
   * CloudWatch alarms that fail a deployment while they are in ALARM (and roll it back), beside
   * the circuit breaker.
   * @default - none: the circuit breaker alone
   */
  readonly deploymentAlarms?: DeploymentAlarmsOptions;

  /**
   * Who deploys new images: `terraform` (the image tag in the task definition, changed by the next
   * apply), or `ci`, where Terraform creates the service and its first task definition and then
   * ignores the service's task definition, so that a pipeline registering new revisions and
   * updating the service (see README, "Image deploys owned by CI") is not rolled back by the next
   * apply.
   * @default "terraform"
   */
  readonly imageOwner?: "terraform" | "ci";

  /**
   * Starts a new deployment on every update Terraform makes to the service. hashicorp/aws refuses
   * to change `capacityProviderStrategy` of an existing service without it; set it for that apply
   * (see README, "Changing the capacity provider strategy").
   * @default false
   */
  readonly forceNewDeployment?: boolean;

  /**
   * Where the tasks run: the cluster's EC2 instances, AWS Fargate, an ECS Managed Instances
   * capacity of the cluster, or external (ECS Anywhere) instances (a {@link WorkerService} only).
   * See {@link ServiceCompute}.
   * @default - `{ type: "ec2" }`
   */
  readonly compute?: ServiceCompute;

  /**
   * Capacity provider strategy of the service (1 to 20 entries): each provider once, at least one
   * with a weight above 0, at most one with a base. With `compute` type `fargate` it names
   * `FARGATE` and/or `FARGATE_SPOT` only (e.g. base 1 on FARGATE, weight 3 on FARGATE_SPOT); with
   * `managedInstances`, Managed Instances providers only, `compute.capacity`'s among them; EC2
   * services name the cluster's Auto Scaling group providers (not its Managed Instances ones);
   * `external` takes none.
   * @default - the cluster's default capacity provider, weight 1 (the cluster's default strategy);
   * `FARGATE` (or `FARGATE_SPOT` with `spot`), weight 1, with compute type fargate;
   * `compute.capacity`, weight 1, with compute type managedInstances
   */
  readonly capacityProviderStrategy?: CapacityProviderStrategyItem[];

  /**
   * Placement strategies, in order (at most 5); none on Fargate (it places tasks itself).
   * @default DEFAULT_PLACEMENT_STRATEGIES (spread over AZs, then binpack memory); on external
   * instances DEFAULT_EXTERNAL_PLACEMENT_STRATEGIES (spread over instances); none on Fargate and
   * on Managed Instances (ECS places the tasks by the capacity's instance requirements)
   */
  readonly placementStrategies?: PlacementStrategy[];

  /**
   * Placement constraints (at most 10): `{ type: "memberOf", expression: "attribute:role == edge" }`
   * for instances with that custom attribute (see `EcsCapacityOptions.instanceAttributes`), or
   * `{ type: "distinctInstance" }` for one task per instance. None on Fargate; on external instances
   * they come beside the one of `compute.placementAttributes`.
   * @default - none
   */
  readonly placementConstraints?: PlacementConstraint[];

  /**
   * ECS Exec into the containers. Needs a writable root filesystem (the SSM agent writes to it),
   * so it is rejected with `readonlyRootFilesystem`.
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * Tags added to every taggable resource, next to `Name` (so `Name` itself is rejected); ECS
   * propagates the service's tags to its tasks.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A deployment strategy: see {@link DeploymentOptions.strategy}. */
export type DeploymentStrategyType = "rolling" | "blueGreen" | "canary" | "linear";

/** A stage of a deployment a lifecycle hook runs at. */
export type DeploymentLifecycleStage = (typeof DEPLOYMENT_LIFECYCLE_STAGES)[number];

/**
 * A Lambda function ECS invokes at deployment stages; it answers whether the deployment goes on
 * (`SUCCEEDED`), waits (`IN_PROGRESS`) or rolls back (`FAILED`).
 */
export interface DeploymentLifecycleHook {
  /** ARN of the Lambda function (`arn:<partition>:lambda:<region>:<account>:function:<name>`). */
  readonly functionArn: string;
  /** Stages it runs at (1 or more, each once): see {@link DEPLOYMENT_LIFECYCLE_STAGES}. */
  readonly stages: DeploymentLifecycleStage[];
  /**
   * Details ECS passes to the function with each invocation, as JSON.
   * @default - none
   */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Where test traffic reaches the new (green) revision before production traffic does: a listener
 * of its own on `port` (shared by every service that names the same port), or a rule on the
 * production listener matching a request header.
 */
export interface TestListenerOptions {
  /**
   * Port of the test listener (1 to 65535; not a port the load balancer serves production on,
   * 80 or 443). Created on the load balancer once, with the production listener's ingress CIDRs;
   * the service's test rule on it has the service's priority and conditions.
   * @default - none: give `port` or `headerName`
   */
  readonly port?: number;
  /**
   * Name of the request header whose `headerValues` send a request on the production listener to
   * the new revision (letters, digits and `-`, at most 40 characters), e.g. `X-Test-Traffic`.
   * @default - none: give `port` or `headerName`
   */
  readonly headerName?: string;
  /**
   * Values of `headerName` that select the new revision (1 to 5, `*` and `?` wildcards).
   * @default DEFAULT_TEST_HEADER_VALUES (["true"])
   */
  readonly headerValues?: string[];
  /**
   * Priority of the header rule on the production listener (1 to 50000), below (before) the
   * service's `rulePriority` and unique on the load balancer. Only with `headerName`.
   * @default - none: required with `headerName`
   */
  readonly rulePriority?: number;
}

/**
 * How ECS deploys a new revision of the service.
 *
 * - `rolling`: tasks are replaced in batches within `deploymentMinimumHealthyPercent` and
 *   `deploymentMaximumPercent`; the circuit breaker rolls a failed deployment back.
 * - `blueGreen`: the new revision starts beside the old one behind a second (alternate) target
 *   group; test traffic reaches it first, then all production traffic moves at once, and the old
 *   revision stays for `bakeTimeMinutes`.
 * - `canary`: `canaryPercent` of production traffic moves first, the rest after
 *   `canaryBakeTimeMinutes`.
 * - `linear`: production traffic moves in steps of `linearStepPercent`, `linearStepBakeTimeMinutes`
 *   apart.
 *
 * The last three need a load balancer (a {@link LoadBalancedService}). ECS moves traffic by
 * rewriting the weights of the service's listener rules, through a role this module creates and
 * scopes to those rules and the two target groups; Terraform ignores the rules' actions after
 * creation so that it never moves traffic back.
 */
export interface DeploymentOptions {
  /**
   * `rolling`, `blueGreen`, `canary` or `linear`; the last three need a load balancer.
   * @default "rolling"
   */
  readonly strategy?: DeploymentStrategyType;
  /**
   * Minutes the old revision is kept after production traffic has moved (0 to 1440); not for
   * rolling.
   * @default DEFAULT_BAKE_TIME_MINUTES (10)
   */
  readonly bakeTimeMinutes?: number;
  /**
   * Share of production traffic the canary takes first, percent (0.1 to 100); canary only.
   * @default DEFAULT_CANARY_PERCENT (10)
   */
  readonly canaryPercent?: number;
  /**
   * Minutes between the canary share and the rest (0 to 1440); canary only.
   * @default DEFAULT_CANARY_BAKE_TIME_MINUTES (5)
   */
  readonly canaryBakeTimeMinutes?: number;
  /**
   * Share of production traffic each step moves, percent (3 to 100); linear only.
   * @default DEFAULT_LINEAR_STEP_PERCENT (25)
   */
  readonly linearStepPercent?: number;
  /**
   * Minutes between steps (0 to 1440); linear only.
   * @default DEFAULT_LINEAR_STEP_BAKE_TIME_MINUTES (5)
   */
  readonly linearStepBakeTimeMinutes?: number;
  /**
   * Where test traffic reaches the new revision; not for rolling.
   * @default - none: no test traffic before production traffic moves
   */
  readonly testListener?: TestListenerOptions;
  /**
   * Lambda functions ECS runs at deployment stages (at most 10); not for rolling. The role ECS
   * uses may invoke exactly these functions.
   * @default - none
   */
  readonly lifecycleHooks?: DeploymentLifecycleHook[];
}

/** Alarms that fail a deployment: see {@link ContainerServiceProps.deploymentAlarms}. */
export interface DeploymentAlarmsOptions {
  /**
   * Names of existing CloudWatch alarms (each once, 1 to 255 characters) in the service's region and
   * account; with `targetErrorsAlarm`, 10 alarms at most in all.
   * @default - none: give alarmNames, targetErrorsAlarm or both
   */
  readonly alarmNames?: string[];
  /**
   * An alarm of the service's own, `<cluster>-<serviceName>-target-5xx`: its targets' HTTP 5xx
   * answers (`HTTPCode_Target_5XX_Count` of its target group, summed with the alternate group's
   * under a blue/green, canary or linear deployment) reach `targetErrorsThreshold` in a minute.
   * `LoadBalancedService` only.
   * @default false
   */
  readonly targetErrorsAlarm?: boolean;
  /**
   * 5xx answers in a minute that put `targetErrorsAlarm` in ALARM (an integer ≥ 1).
   * @default DEFAULT_TARGET_ERRORS_THRESHOLD (10)
   */
  readonly targetErrorsThreshold?: number;
  /**
   * Roll back to the last completed deployment when an alarm fails it.
   * @default true
   */
  readonly rollback?: boolean;
}

/** Props of {@link WorkerService}: a service without a load balancer (queue consumers and the like). */
export interface WorkerServiceProps extends ContainerServiceProps {
  /**
   * Service auto scaling on CPU; Terraform then ignores the desired count.
   * @default - none: `desiredCount` tasks
   */
  readonly autoScaling?: AutoScalingOptions;
}

/** Props of {@link LoadBalancedService}. */
export interface LoadBalancedServiceProps extends ContainerServiceProps {
  /** The load balancer (shared with other services) that routes to this service. */
  readonly loadBalancer: ILoadBalancer;

  /**
   * Priority of the service's listener rule (an integer from 1 to 50000, lower first), unique on
   * the load balancer.
   */
  readonly rulePriority: number;

  /**
   * Path patterns the rule matches (1 to 3; each starting with `/`, at most 128 characters, `*`
   * and `?` wildcards). Unique per host set on the load balancer.
   * @default ["/*"] when `hostHeaders` is not set; none (every path of the hosts) otherwise
   */
  readonly pathPatterns?: string[];

  /**
   * Host names the rule matches (1 to 3; `*` and `?` wildcards), e.g. `api.example.com`. With
   * `pathPatterns`, at most 5 values per rule (an ALB limit).
   * @default - any host
   */
  readonly hostHeaders?: string[];

  /**
   * Port the container listens on (1 to 65535); on EC2 Docker maps it to a dynamic host port, on
   * Fargate the load balancer reaches the task's own address on it (an `ip` target group).
   * @default DEFAULT_CONTAINER_PORT (8080)
   */
  readonly containerPort?: number;

  /**
   * Path the target group health check requests: starting with `/`, at most 1024 characters, no
   * spaces.
   * @default DEFAULT_HEALTH_CHECK_PATH ("/health")
   */
  readonly healthCheckPath?: string;

  /**
   * Seconds between target health checks (5 to 300).
   * @default DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS (15)
   */
  readonly healthCheckIntervalSeconds?: number;

  /**
   * Seconds before a health check fails (2 to 120, below the interval).
   * @default DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS (5)
   */
  readonly healthCheckTimeoutSeconds?: number;

  /**
   * Consecutive successes that make a target healthy (2 to 10).
   * @default DEFAULT_HEALTHY_THRESHOLD_COUNT (2)
   */
  readonly healthyThresholdCount?: number;

  /**
   * Consecutive failures that make a target unhealthy (2 to 10).
   * @default DEFAULT_UNHEALTHY_THRESHOLD_COUNT (2)
   */
  readonly unhealthyThresholdCount?: number;

  /**
   * HTTP codes of a healthy answer: `200`, `200,204` or `200-299`.
   * @default DEFAULT_HEALTH_CHECK_SUCCESS_CODES ("200")
   */
  readonly healthCheckSuccessCodes?: string;

  /**
   * Seconds a deregistering target keeps serving in-flight requests (0 to 3600). AWS's default
   * (300) made every rolling update wait five minutes per batch; the Flask service's gunicorn
   * finishes in-flight requests within its 20 s graceful timeout.
   * @default DEFAULT_DEREGISTRATION_DELAY_SECONDS (30)
   */
  readonly deregistrationDelaySeconds?: number;

  /**
   * Sticky sessions: the load balancer's cookie (`lb_cookie`) pins a client to a target for this
   * many seconds (1 to 604800).
   * @default - no stickiness
   */
  readonly stickinessDurationSeconds?: number;

  /**
   * Seconds ECS ignores failing load balancer health checks of a new task (0 to 2147483647).
   * @default DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS (60)
   */
  readonly healthCheckGracePeriodSeconds?: number;

  /**
   * Name of the target group (1 to 32 letters, digits and hyphens, not starting or ending with a
   * hyphen; unique per account and region). Without it the name is generated, which lets a replaced
   * target group be created before the old one is destroyed (`create_before_destroy`).
   * @default - a unique name Terraform generates (`tf-…`); the `Name` tag is `<serviceName>`
   */
  readonly targetGroupName?: string;

  /**
   * Service auto scaling on CPU and, optionally, on requests per target; Terraform then ignores
   * the desired count.
   * @default - none: `desiredCount` tasks
   */
  readonly autoScaling?: LoadBalancedAutoScalingOptions;
}
