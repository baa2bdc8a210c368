import type { NatGateways } from "../modules/network";
import type {
  ContainerHealthCheck,
  DeploymentAlarmsOptions,
  CapacityProviderStrategyItem,
  DeploymentOptions,
  Ec2Compute,
  ExternalCompute,
  FargateCompute,
} from "../modules/load-balanced-service";

/**
 * The typed configuration of one environment: everything the foundation and app stacks build
 * from. Presets live in `presets.ts`; {@link validateEnvironmentConfig} checks every field: the
 * shape (unknown keys, types) with the zod schema `ENVIRONMENT_CONFIG_SCHEMA` (`config-schema.ts`),
 * which the compiler keeps identical to these interfaces, then ranges and cross-field rules.
 */
export interface EnvironmentConfig {
  /**
   * Environment name: tags (`environment`), resource names and stack ids. 1 to 16 lower-case
   * letters, digits or hyphens, starting with a letter.
   */
  readonly name: string;

  /**
   * AWS region of every resource, e.g. `eu-west-2` (London): one AWS lists (`AWS_REGIONS`,
   * modules/network/regions.ts) unless `allowUnlistedRegion`.
   */
  readonly region: string;

  /**
   * Accept a `region` (and `backend.region`) that is not in `AWS_REGIONS`: for a region newer than
   * the table. The name must still have a region's shape (`xx-name-1`).
   * @default false
   */
  readonly allowUnlistedRegion?: boolean;

  /** The VPC and its private zone. */
  readonly network: NetworkConfig;

  /** The cluster's EC2 capacity (one Auto Scaling group). */
  readonly capacity: CapacityConfig;

  /** The Application Load Balancer every service shares. */
  readonly loadBalancer: LoadBalancerConfig;

  /**
   * Tag of the application image in its ECR repository (e.g. a git SHA). Tags are immutable: each
   * release pushes a new tag and changes this value.
   */
  readonly imageTag: string;

  /** The services on the load balancer (at least one, at most 20). */
  readonly services: readonly ServiceConfig[];

  /** The static public IPs (Elastic IPs on ENIs) and their edge. */
  readonly staticIp: StaticIpConfig;

  /**
   * The stop switch. `true` scales every service (desired, min and max tasks) and the cluster's
   * Auto Scaling group (min, max) to zero; the network, the zone, the load balancer, the ECR
   * repositories and the static IPs stay. `false` scales them back to the values above.
   */
  readonly stopped: boolean;

  /**
   * Prevents accidental deletion: the load balancer's deletion protection on, and ECR repositories
   * that still hold images are not force-deleted. Off for environments that are torn down often.
   */
  readonly deletionProtection: boolean;

  /**
   * Checkov checks this environment accepts failing, each with its reason, on top of the project's
   * list (policy/checkov-skips.json). The plan review's gate skips them for this environment only.
   */
  readonly checkovExceptions: readonly CheckovException[];

  /** Where Terraform keeps each stack's state. */
  readonly backend: BackendConfig;

  /**
   * Extra tags on every resource, next to the default `project`, `environment` and `managed-by`
   * (which cannot be overridden here).
   */
  readonly tags: Readonly<Record<string, string>>;
}

/** The VPC of an environment (the Network module). */
export interface NetworkConfig {
  /** IPv4 CIDR block of the VPC, a /16 to /24 with no host bits set. */
  readonly cidrBlock: string;
  /** Number of availability zones (2 or 3; the region must have that many). */
  readonly azCount: number;
  /** NAT gateways: one per AZ (`per-az`), one shared (`single`), or none. */
  readonly natGateways: NatGateways;
  /** Name of the private Route 53 zone, e.g. `myorg.local`. */
  readonly zoneName: string;
}

/** The cluster's default EC2 capacity. */
export interface CapacityConfig {
  /** EC2 instance type, e.g. `t3.small`. */
  readonly instanceType: string;
  /** Fewest instances (an integer ≥ 0). */
  readonly minSize: number;
  /** Most instances (an integer ≥ 1 and ≥ minSize). */
  readonly maxSize: number;
  /** Instances at creation, from minSize to maxSize (ECS managed scaling owns it afterwards). */
  readonly desiredCapacity: number;
  /**
   * Accept `network.natGateways: "none"` although the instances run in the private subnets: without
   * NAT (and this environment has no VPC endpoints) they can neither register with ECS nor pull
   * images. Only for a network that gives private subnets another way out.
   * @default false
   */
  readonly allowPrivateSubnetsWithoutNat?: boolean;
}

/** The shared load balancer. */
export interface LoadBalancerConfig {
  /**
   * An internal load balancer in the private subnets, reachable from the VPC only, instead of an
   * internet-facing one in the public subnets. With static IPs in front (the presets), internal is
   * the right choice: the edge proxy reaches it directly (the edge adds an ingress rule from the
   * cluster's instances) instead of through NAT to its public addresses. Changing it replaces the
   * load balancer.
   */
  readonly internal: boolean;
  /**
   * IPv4 CIDR blocks allowed to reach the listeners. `0.0.0.0/0` is the whole internet, which a
   * public website on an internet-facing load balancer needs.
   * @default - `["0.0.0.0/0"]`, or the VPC's CIDR block when `internal`
   */
  readonly ingressCidrs?: readonly string[];
  /**
   * ARN of an ACM certificate in the environment's region: adds an HTTPS listener and redirects
   * HTTP to it.
   * @default - HTTP only
   */
  readonly certificateArn?: string;
  /**
   * Access logs in a new S3 bucket. (Against the local AWS, hashicorp/aws 6.x reads the bucket's
   * tags through S3 Control, which `stacks/aws-provider.ts` routes to the emulator.)
   */
  readonly enableAccessLogs: boolean;
}

/** A checkov check an environment accepts failing, and why (the plan review's gate skips it). */
export interface CheckovException {
  /** The check id, e.g. `CKV_AWS_150`. */
  readonly id: string;
  /** Why this environment accepts it: at least a sentence. */
  readonly reason: string;
}

/** Where a service's image comes from. */
export type ServiceImage =
  /** A new ECR repository of the service, at the environment's `imageTag`. */
  | { readonly source: "ecr" }
  /** The image (and repository) of another service of the list with `source: "ecr"`. */
  | { readonly source: "service"; readonly service: string }
  /** A full image reference from another registry, e.g. `public.ecr.aws/nginx/nginx:1.27`. */
  | { readonly source: "registry"; readonly uri: string };

/** Target tracking auto scaling of a service. */
export interface ServiceAutoScalingConfig {
  /** Fewest tasks (an integer ≥ 1; the stop switch, not this, scales to zero). */
  readonly minCapacity: number;
  /** Most tasks (an integer ≥ minCapacity, at most 100). */
  readonly maxCapacity: number;
  /** Average CPU utilisation to keep, percent (1 to 100). */
  readonly targetCpuUtilizationPercent: number;
  /**
   * Requests per minute per task to keep (an integer ≥ 1).
   * @default - no request-count policy
   */
  readonly targetRequestsPerTarget?: number;
}

/**
 * Where a service's tasks run: the module's {@link ServiceCompute} types, Fargate without
 * `subnetIds` (an environment's Fargate tasks are in its network's private subnets). `external`
 * is accepted by the shape and refused by the module (a load-balanced service cannot run there).
 * `managedInstances` is not offered: it takes a capacity construct, and the environment config
 * creates no Managed Instances capacity to name.
 */
export type ServiceComputeConfig = Ec2Compute | Omit<FargateCompute, "subnetIds"> | ExternalCompute;

/** One service on the shared load balancer. */
export interface ServiceConfig {
  /** ECS service name: 1 to 24 lower-case letters, digits or hyphens, starting with a letter; unique. */
  readonly serviceName: string;
  /** Listener rule priority (1 to 50000, lower first), unique. */
  readonly rulePriority: number;
  /**
   * Path patterns the rule matches (1 to 3, each starting with `/`).
   * @default - every path of `hostHeaders` (one of the two is required)
   */
  readonly pathPatterns?: readonly string[];
  /**
   * Host names the rule matches (1 to 3), e.g. `api.example.com`.
   * @default - any host (one of `pathPatterns` and `hostHeaders` is required)
   */
  readonly hostHeaders?: readonly string[];
  /** Port the container listens on (1 to 65535). */
  readonly containerPort: number;
  /** Path of the load balancer's health check, starting with `/`. */
  readonly healthCheckPath: string;
  /** CPU units reserved (128 to 10240; 1024 is one vCPU). */
  readonly cpuUnits: number;
  /** Hard memory limit, MiB (at least memoryReservationMiB). */
  readonly memoryLimitMiB: number;
  /** Memory placement reserves, MiB (6 to memoryLimitMiB). */
  readonly memoryReservationMiB: number;
  /**
   * Tasks (an integer ≥ 1; the stop switch, not this, scales to zero). With `autoScaling`, the
   * count at creation, from minCapacity to maxCapacity.
   */
  readonly desiredCount: number;
  /**
   * Target tracking auto scaling.
   * @default - a fixed `desiredCount`
   */
  readonly autoScaling?: ServiceAutoScalingConfig;
  /** Where the image comes from. */
  readonly image: ServiceImage;
  /**
   * Plain environment variables of the container.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * The container's own health check (Docker runs it and reports to ECS), as the
   * LoadBalancedService prop of that name, e.g. `{ command: ["CMD", "python", "/app/healthcheck.py"],
   * startPeriodSeconds: 10 }` for the Flask service.
   * @default - none (the load balancer's health check still applies)
   */
  readonly containerHealthCheck?: ContainerHealthCheck;
  /**
   * How ECS deploys a new revision, as the LoadBalancedService prop of that name: rolling, or
   * `{ strategy: "blueGreen", testListener: { port: 9000 } }` (canary, linear). A test listener
   * port must not be one of `staticIp.proxyPorts`.
   * @default - rolling
   */
  readonly deployment?: DeploymentOptions;
  /**
   * CloudWatch alarms that fail (and roll back) a deployment, as the LoadBalancedService prop.
   * @default - none
   */
  readonly deploymentAlarms?: DeploymentAlarmsOptions;
  /**
   * Who deploys new images: `terraform` (the environment's `imageTag`) or `ci` (a pipeline; see
   * README, "Image deploys owned by CI").
   * @default "terraform"
   */
  readonly imageOwner?: "terraform" | "ci";
  /**
   * A new deployment on every update of the service: set it for the apply that changes the
   * service's capacity provider strategy.
   * @default false
   */
  readonly forceNewDeployment?: boolean;
  /**
   * Where the tasks run, as the LoadBalancedService prop of that name: the cluster's EC2 instances,
   * or `{ type: "fargate" }` (awsvpc in the network's private subnets, the service's own security
   * group open to the load balancer only; `cpuUnits` and `memoryLimitMiB` are then the task's size,
   * a combination Fargate runs), with `spot`, `assignPublicIp` or `platformVersion`. The cluster
   * gets the FARGATE and FARGATE_SPOT providers when a service runs on Fargate.
   * @default - `{ type: "ec2" }`
   */
  readonly compute?: ServiceComputeConfig;
  /**
   * Capacity provider strategy, as the LoadBalancedService prop: e.g. on Fargate
   * `[{ capacityProvider: "FARGATE", base: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 3 }]`.
   * @default - the cluster's EC2 provider; FARGATE (FARGATE_SPOT with `spot`) on Fargate
   */
  readonly capacityProviderStrategy?: readonly CapacityProviderStrategyItem[];
}

/** How many static public IPs an environment has. */
export type StaticIpAddresses =
  /** One, in the first availability zone. */
  | "one"
  /** One per availability zone. */
  | "per-az"
  /** None. */
  | "none";

/** The static public IPs: long-lived Elastic IPs (foundation) and their edge (app). */
export interface StaticIpConfig {
  /** How many. */
  readonly addresses: StaticIpAddresses;
  /**
   * TCP ports the static IPs accept from the internet and the edge proxy listens on: 1 to 65535, no
   * duplicates, at least one, none of the ports the ECS agent reserves (22, 2375, 2376, 51678,
   * 51679) or the proxy's health port (8404). 443 passes TLS through to the load balancer's HTTPS
   * listener, so it needs `loadBalancer.certificateArn`; every other port is HTTP to its port 80.
   */
  readonly proxyPorts: readonly number[];
  /**
   * Let Terraform release the Elastic IPs (`lifecycle.prevent_destroy` off): only to destroy the
   * foundation on purpose, since a released address is gone for good. `false` in the presets;
   * `ECS_CDKTF_ALLOW_EIP_DESTROY=1` turns it on for one run (`scripts/local.sh destroy
   * --include-foundation` sets it).
   */
  readonly allowEipDestroy: boolean;
  /**
   * CloudWatch alarms on the attacher Lambda's errors and on the dead-letter queue. Off only where
   * alarms cannot be created: the local AWS (moto) does not speak the protocol hashicorp/aws 6.x
   * uses for CloudWatch, so dev (deployed locally by `npm run local`) has none.
   */
  readonly alarms: boolean;
}

/** Terraform state kept in files next to the project (cdktf's local backend). */
export interface LocalBackendConfig {
  readonly kind: "local";
  /**
   * Directory of the state files `terraform.<stack id>.tfstate` (absolute, or relative to the
   * working directory). Ignored by git (`terraform.*.tfstate*`).
   * @default - the working directory (the repository root for `cdktf` and `npm run local`)
   */
  readonly directory?: string;
}

/**
 * Terraform state in S3, one object per stack (`<keyPrefix>/<environment>/<stack id>.tfstate`),
 * encrypted at rest and locked with S3's native lock file (`use_lockfile`, Terraform ≥ 1.10: no
 * DynamoDB table). The bucket exists beforehand (versioning on, public access blocked).
 */
export interface S3BackendConfig {
  readonly kind: "s3";
  /** Name of the existing state bucket. */
  readonly bucket: string;
  /** Region of the bucket. */
  readonly region: string;
  /**
   * Key prefix of the state objects.
   * @default "ecs-cdktf"
   */
  readonly keyPrefix?: string;
  /**
   * ARN of a KMS key that encrypts the state objects.
   * @default - SSE-S3 (`encrypt = true` without a key)
   */
  readonly kmsKeyArn?: string;
}

/** Where Terraform keeps state. */
export type BackendConfig = LocalBackendConfig | S3BackendConfig;
