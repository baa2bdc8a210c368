import { EcsCluster, IEcsCluster, instanceCapacity, LOG_RETENTION_DAYS_ALLOWED } from "../ecs-cluster";
import {
  CapacityProviderStrategyItem,
  ContainerHealthCheck,
  ContainerServiceProps,
  ContainerVolume,
  DEFAULT_CONTAINER_NAME,
  DEFAULT_CPU_UNITS,
  DEFAULT_EXTERNAL_PLACEMENT_STRATEGIES,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_MAX_IMAGE_COUNT,
  DEFAULT_MEMORY_LIMIT_MIB,
  DEFAULT_MEMORY_RESERVATION_MIB,
  DEFAULT_PLACEMENT_STRATEGIES,
  DEFAULT_WRITABLE_PATHS,
  LoadBalancedAutoScalingOptions,
  MAX_CPU_UNITS,
  MIN_CONTAINER_MEMORY_MIB,
  MIN_CPU_UNITS,
  PlacementConstraint,
  PlacementStrategy,
} from "./props";
import { AWS_ARN_PATTERNS, checkConstruct, checkKnownKeys } from "../shared/validation";
import {
  DeploymentAlarmsConfig,
  DeploymentConfig,
  resolveDeploymentAlarms,
  resolveDeploymentConfig,
} from "./deployment-config";
import { imageReferenceProblem } from "./image-reference";
import {
  checkFargateTaskSize,
  checkStrategyFitsCompute,
  ComputeConfig,
  resolveComputeConfig,
} from "./compute-config";
import {
  CAPACITY_PROVIDER_STRATEGY_ITEM_KEYS,
  CONTAINER_HEALTH_CHECK_KEYS,
  CONTAINER_VOLUME_KEYS,
  PLACEMENT_CONSTRAINT_KEYS,
  PLACEMENT_STRATEGY_KEYS,
} from "./keys";
import {
  checkDerivedNames,
  checkInteger,
  checkPattern,
  checkTags,
  DerivedName,
  Fail,
  KMS_KEY_ARN_PATTERN,
  literal,
  requireLiteral,
} from "./validation";
import {
  AutoScalingConfig,
  resolveAutoScaling,
  resolveCapacityProviderStrategy,
  resolveDeployment,
  resolveDesiredCount,
  resolvePlacementConstraints,
  resolvePlacementStrategies,
} from "./scheduling-config";

/** ECS service and container names. */
export const ECS_NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
/** ECR repository names (lower case, `/`-separated path components). */
export const ECR_REPOSITORY_NAME_PATTERN =
  /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** Docker image tags. */
export const IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** Environment variable names. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** SSM parameter ARNs. */
export const SSM_PARAMETER_ARN_PATTERN =
  /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.\-/]+$/;
/** Secrets Manager secret ARNs, optionally with `:<json-key>:<version-stage>:<version-id>`. */
export const SECRETS_MANAGER_ARN_PATTERN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:\s]*:[^:\s]*:[^:\s]*)?$/;
/** ECR repository ARNs. */
export const ECR_REPOSITORY_ARN_PATTERN = AWS_ARN_PATTERNS.ecrRepository;
const REPOSITORY_COMPONENT_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const ABSOLUTE_PATH_PATTERN = /^\/[^\s]*$/;
const VOLUME_NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
/** Docker label keys this module accepts. */
export const DOCKER_LABEL_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/;

/** A validated secret reference. */
export interface SecretRef {
  readonly name: string;
  readonly valueFrom: string;
  /** `unknown` for an unresolved token: the read is then granted on it for both services. */
  readonly kind: "ssm" | "secretsmanager" | "unknown";
  /** What IAM scopes the read to: the parameter ARN, or the secret ARN without the JSON-key suffix. */
  readonly resourceArn: string;
}

/** A validated task volume and where it is mounted. */
export interface VolumeMount {
  readonly name: string;
  readonly containerPath: string;
  readonly hostPath: string | undefined;
  readonly readOnly: boolean;
}

/** A validated container health check with defaults. */
export interface HealthCheckConfig {
  readonly command: string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
}

/** Where the image comes from. */
export type ImageSource =
  | { readonly kind: "repository"; readonly tag: string; readonly repositoryName: string | undefined }
  | { readonly kind: "external"; readonly image: string; readonly repositoryArn: string | undefined };

/** {@link ContainerServiceProps} with every default applied, validated. */
export interface ContainerServiceConfig {
  readonly serviceName: string;
  readonly image: ImageSource;
  readonly maxImageCount: number;
  readonly repositoryForceDelete: boolean;
  readonly repositoryKmsKeyArn: string | undefined;
  readonly containerName: string;
  readonly cpuUnits: number;
  readonly memoryReservationMiB: number;
  readonly memoryLimitMiB: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly dockerLabels: Readonly<Record<string, string>>;
  readonly secrets: SecretRef[];
  readonly secretsKmsKeyArns: string[];
  readonly entryPoint: string[] | undefined;
  readonly command: string[] | undefined;
  readonly volumes: VolumeMount[];
  readonly readonlyRootFilesystem: boolean;
  readonly containerHealthCheck: HealthCheckConfig | undefined;
  readonly logRetentionDays: number;
  readonly logKmsKeyArn: string | undefined;
  readonly desiredCount: number;
  readonly deploymentMaximumPercent: number;
  readonly deploymentMinimumHealthyPercent: number;
  readonly deployment: DeploymentConfig;
  readonly deploymentAlarms: DeploymentAlarmsConfig | undefined;
  readonly imageOwner: "terraform" | "ci";
  readonly forceNewDeployment: boolean;
  /** Where the tasks run. */
  readonly compute: ComputeConfig;
  /**
   * Undefined: the cluster's default capacity provider, weight 1 (FARGATE for Fargate,
   * compute.capacity for Managed Instances).
   */
  readonly capacityProviderStrategy: CapacityProviderStrategyItem[] | undefined;
  readonly placementStrategies: PlacementStrategy[];
  readonly placementConstraints: PlacementConstraint[];
  readonly enableExecuteCommand: boolean;
  readonly autoScaling: AutoScalingConfig | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Applies defaults to the props every service kind shares and validates them, throwing on the
 * first problem before any resource exists. Literal checks are skipped for unresolved tokens.
 */
export function resolveContainerServiceConfig(
  fail: Fail,
  id: string,
  props: ContainerServiceProps,
  autoScaling: LoadBalancedAutoScalingOptions | undefined,
  hasLoadBalancer: boolean,
): ContainerServiceConfig {
  checkConstruct(fail, "cluster", props.cluster, EcsCluster.isEcsCluster, "EcsCluster");
  checkNestedKeys(fail, props);
  const compute = resolveComputeConfig(fail, props, hasLoadBalancer);
  const serviceName = props.serviceName ?? id;
  checkPattern(
    fail,
    "serviceName",
    serviceName,
    ECS_NAME_PATTERN,
    "be 1 to 255 letters, digits, hyphens or underscores",
    props.serviceName === undefined ? "pass serviceName or use a kebab-case construct id" : "rename it",
  );

  const image = resolveImage(fail, props);
  const maxImageCount = props.maxImageCount ?? DEFAULT_MAX_IMAGE_COUNT;
  checkInteger(fail, "maxImageCount", maxImageCount, 1, 10_000, `e.g. ${DEFAULT_MAX_IMAGE_COUNT}`);
  if (props.repositoryKmsKeyArn !== undefined) {
    checkPattern(
      fail,
      "repositoryKmsKeyArn",
      props.repositoryKmsKeyArn,
      KMS_KEY_ARN_PATTERN,
      "be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>)",
      "pass the key's ARN, not its id or alias",
    );
  }

  if (
    image.kind === "repository" &&
    image.repositoryName === undefined &&
    literal(serviceName) &&
    !REPOSITORY_COMPONENT_PATTERN.test(serviceName)
  ) {
    fail(
      "serviceName",
      serviceName,
      "be lower case letters and digits separated by . _ or - to name the ECR repository <cluster>/<serviceName>",
      "pass repositoryName",
    );
  }

  const clusterName = props.cluster.literalClusterName;
  if (
    image.kind === "repository" &&
    image.repositoryName === undefined &&
    clusterName !== undefined &&
    !REPOSITORY_COMPONENT_PATTERN.test(clusterName)
  ) {
    fail(
      "repositoryName",
      image.repositoryName,
      `be set when the default <cluster name>/<serviceName> (${JSON.stringify(`${clusterName}/${serviceName}`)}) is no ECR repository name (lower-case letters, digits and ._- separated by /)`,
      "pass a lower-case repositoryName, or give the cluster a lower-case clusterName",
    );
  }

  const containerName = props.containerName ?? DEFAULT_CONTAINER_NAME;
  checkPattern(
    fail,
    "containerName",
    containerName,
    ECS_NAME_PATTERN,
    "be 1 to 255 letters, digits, hyphens or underscores",
    "rename it",
  );

  const { cpuUnits, memoryReservationMiB, memoryLimitMiB } = resolveSize(fail, props);
  if (compute.kind === "ec2") {
    checkTaskFitsCluster(fail, props.cluster, { cpuUnits, memoryReservationMiB, memoryLimitMiB });
  } else if (compute.kind === "fargate") {
    checkFargateTaskSize(fail, cpuUnits, memoryLimitMiB);
  }
  const environment = props.environment ?? {};
  const dockerLabels = resolveDockerLabels(fail, props.dockerLabels);
  requireLiteral(fail, "environment", environment, "the container definition's environment entries");
  requireLiteral(fail, "secrets", props.secrets, "the container's secrets and the execution role's reads");
  requireLiteral(
    fail,
    "secretsKmsKeyArns",
    props.secretsKmsKeyArns,
    "the execution role's kms:Decrypt statement",
  );
  requireLiteral(fail, "writablePaths", props.writablePaths, "one volume per path");
  requireLiteral(
    fail,
    "enableExecuteCommand",
    props.enableExecuteCommand,
    "whether the task role gets the ECS Exec statements",
  );
  const secrets = resolveSecrets(fail, props.secrets ?? {}, environment);
  for (const name of Object.keys(environment)) {
    checkPattern(
      fail,
      "environment",
      name,
      ENV_NAME_PATTERN,
      "have names of letters, digits and _, not starting with a digit",
      "rename the variable",
    );
  }
  const secretsKmsKeyArns = [...(props.secretsKmsKeyArns ?? [])];
  for (const arn of secretsKmsKeyArns) {
    checkPattern(
      fail,
      "secretsKmsKeyArns",
      arn,
      KMS_KEY_ARN_PATTERN,
      "hold KMS key ARNs (arn:aws:kms:<region>:<account>:key/<key-id>)",
      "pass the keys' ARNs",
    );
  }
  if (secretsKmsKeyArns.length > 0 && secrets.length === 0) {
    fail(
      "secretsKmsKeyArns",
      secretsKmsKeyArns,
      "be unset without secrets (nothing to decrypt)",
      "drop it or add secrets",
    );
  }
  for (const [field, list] of [
    ["entryPoint", props.entryPoint],
    ["command", props.command],
  ] as const) {
    if (list !== undefined && literal(list) && list.length === 0) {
      fail(field, list, "not be empty", `leave ${field} unset for the image's own`);
    }
  }

  const readonlyRootFilesystem = props.readonlyRootFilesystem ?? true;
  const volumes = resolveVolumes(
    fail,
    props.volumes ?? [],
    props.writablePaths ?? [...DEFAULT_WRITABLE_PATHS],
  );
  const hostVolume = volumes.find((v) => v.hostPath !== undefined);
  if (compute.kind === "fargate" && hostVolume) {
    fail(
      "volumes.hostPath",
      hostVolume.hostPath,
      "be unset with compute type fargate (a Fargate task has no host to mount from)",
      "drop hostPath for a task-lifetime volume, or run on ec2",
    );
  }
  const enableExecuteCommand = props.enableExecuteCommand ?? false;
  if (enableExecuteCommand && literal(readonlyRootFilesystem) && readonlyRootFilesystem) {
    fail(
      "enableExecuteCommand",
      enableExecuteCommand,
      "be false with readonlyRootFilesystem (ECS Exec's SSM agent writes to the root filesystem)",
      "set readonlyRootFilesystem: false for this service, or drop enableExecuteCommand",
    );
  }
  if (enableExecuteCommand && props.cluster.execLogGroupArn === undefined) {
    fail(
      "enableExecuteCommand",
      enableExecuteCommand,
      `be false on cluster '${props.cluster.node.id}', which has no ECS Exec log group to scope the task role's log permissions to`,
      "give EcsCluster.fromAttributes the cluster's execLogGroupArn, or drop enableExecuteCommand",
    );
  }
  const containerHealthCheck =
    props.containerHealthCheck && resolveHealthCheck(fail, props.containerHealthCheck);

  const logRetentionDays = props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  if (literal(logRetentionDays) && !LOG_RETENTION_DAYS_ALLOWED.includes(logRetentionDays)) {
    fail(
      "logRetentionDays",
      logRetentionDays,
      `be a CloudWatch Logs retention (${LOG_RETENTION_DAYS_ALLOWED.join(", ")})`,
      "pick the nearest allowed value",
    );
  }
  if (props.logKmsKeyArn !== undefined) {
    checkPattern(
      fail,
      "logKmsKeyArn",
      props.logKmsKeyArn,
      KMS_KEY_ARN_PATTERN,
      "be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>)",
      "pass the key's ARN",
    );
  }

  const resolvedAutoScaling = autoScaling && resolveAutoScaling(fail, autoScaling);
  const desiredCount = resolveDesiredCount(fail, props.desiredCount, resolvedAutoScaling);
  const { deploymentMaximumPercent, deploymentMinimumHealthyPercent } = resolveDeployment(fail, props);
  const deployment = resolveDeploymentConfig(fail, props, hasLoadBalancer);
  const deploymentAlarms = resolveDeploymentAlarms(fail, props.deploymentAlarms, hasLoadBalancer);
  const imageOwner = props.imageOwner ?? "terraform";
  if (imageOwner !== "terraform" && imageOwner !== "ci") {
    fail("imageOwner", imageOwner, 'be "terraform" or "ci"', 'e.g. "ci" when a pipeline deploys images');
  }
  const forceNewDeployment = props.forceNewDeployment ?? false;
  if (typeof forceNewDeployment !== "boolean" && literal(forceNewDeployment)) {
    fail(
      "forceNewDeployment",
      forceNewDeployment,
      "be true or false",
      "e.g. true for the apply that changes capacityProviderStrategy",
    );
  }

  const capacityProviderStrategy = checkStrategyFitsCompute(
    fail,
    compute,
    props.capacityProviderStrategy && resolveCapacityProviderStrategy(fail, props.capacityProviderStrategy),
    props.cluster,
  );
  if (compute.kind === "fargate") {
    for (const [field, list] of [
      ["placementStrategies", props.placementStrategies],
      ["placementConstraints", props.placementConstraints],
    ] as const) {
      if (list !== undefined && (!literal(list) || list.length > 0)) {
        fail(
          field,
          list,
          "be unset with compute type fargate (Fargate places tasks across the subnets' zones itself)",
          "drop it",
        );
      }
    }
  }
  const defaultPlacementStrategies =
    // Managed Instances: none by default (ECS spreads the tasks over the zones itself).
    compute.kind === "fargate" || compute.kind === "managedInstances"
      ? []
      : compute.kind === "external"
        ? DEFAULT_EXTERNAL_PLACEMENT_STRATEGIES
        : DEFAULT_PLACEMENT_STRATEGIES;
  const placementStrategies = resolvePlacementStrategies(
    fail,
    props.placementStrategies ?? [...defaultPlacementStrategies],
  );
  const placementConstraints = resolvePlacementConstraints(fail, props.placementConstraints ?? []);

  const tags = props.tags ?? {};
  checkTags(fail, tags, "set serviceName instead");

  checkDerivedNames(
    fail,
    "serviceName",
    serviceName,
    serviceDerivedNames(serviceName, clusterName, image, resolvedAutoScaling),
    (max) =>
      props.serviceName === undefined
        ? `pass serviceName of at most ${max} characters, or use a shorter construct id`
        : `shorten serviceName to at most ${max} characters`,
  );

  return {
    serviceName,
    image,
    maxImageCount,
    repositoryForceDelete: props.repositoryForceDelete ?? false,
    repositoryKmsKeyArn: props.repositoryKmsKeyArn,
    containerName,
    cpuUnits,
    memoryReservationMiB,
    memoryLimitMiB,
    environment: { ...environment },
    dockerLabels,
    secrets,
    secretsKmsKeyArns,
    entryPoint: props.entryPoint && [...props.entryPoint],
    command: props.command && [...props.command],
    volumes,
    readonlyRootFilesystem,
    containerHealthCheck,
    logRetentionDays,
    logKmsKeyArn: props.logKmsKeyArn,
    desiredCount,
    deploymentMaximumPercent,
    deploymentMinimumHealthyPercent,
    deployment,
    deploymentAlarms,
    imageOwner,
    forceNewDeployment,
    compute,
    capacityProviderStrategy,
    placementStrategies,
    placementConstraints,
    enableExecuteCommand,
    autoScaling: resolvedAutoScaling,
    tags,
  };
}

function resolveDockerLabels(
  fail: Fail,
  labels: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> {
  if (labels === undefined) return {};
  requireLiteral(
    fail,
    "dockerLabels",
    labels,
    "the container definition's dockerLabels (values may be tokens)",
  );
  for (const [key, value] of Object.entries(labels)) {
    checkPattern(
      fail,
      "dockerLabels",
      key,
      DOCKER_LABEL_KEY_PATTERN,
      "have keys of 1 to 255 letters, digits and ._/-, starting with a letter or digit",
      "e.g. traefik.http.routers.web.rule",
    );
    if (typeof value !== "string") {
      fail(`dockerLabels.${key}`, value, "be a string", "quote it");
    }
  }
  return { ...labels };
}

function resolveImage(fail: Fail, props: ContainerServiceProps): ImageSource {
  const repositoryOnly = [
    ["repositoryName", props.repositoryName],
    ["maxImageCount", props.maxImageCount],
    ["repositoryForceDelete", props.repositoryForceDelete],
    ["repositoryKmsKeyArn", props.repositoryKmsKeyArn],
  ] as const;
  if (props.image !== undefined) {
    if (props.imageTag !== undefined) {
      fail("imageTag", props.imageTag, "be unset when image is set", "pass one of them");
    }
    for (const [field, value] of repositoryOnly) {
      if (value !== undefined) {
        fail(
          field,
          value,
          "be unset with image (no repository is created for an external image)",
          "drop it, or use imageTag",
        );
      }
    }
    checkImageReference(fail, "image", props.image);
    if (props.imageRepositoryArn !== undefined) {
      checkPattern(
        fail,
        "imageRepositoryArn",
        props.imageRepositoryArn,
        ECR_REPOSITORY_ARN_PATTERN,
        "be an ECR repository ARN (arn:aws:ecr:<region>:<account>:repository/<name>)",
        "pass the repository's ARN",
      );
    }
    return { kind: "external", image: props.image, repositoryArn: props.imageRepositoryArn };
  }
  if (props.imageRepositoryArn !== undefined) {
    fail(
      "imageRepositoryArn",
      props.imageRepositoryArn,
      "be unset without image (the service's own repository is used)",
      "drop it, or pass image",
    );
  }
  if (props.imageTag === undefined) {
    fail(
      "imageTag",
      props.imageTag,
      "be set when image is not (tags are immutable, so each release names its own)",
      "pass the tag your pipeline pushed, e.g. a git SHA, or a full image reference as image",
    );
  }
  checkPattern(
    fail,
    "imageTag",
    props.imageTag,
    IMAGE_TAG_PATTERN,
    "be a Docker tag (letters, digits, _ . -; up to 128, not starting with . or -)",
    "e.g. 1.4.2 or a git SHA",
  );
  if (props.repositoryName !== undefined) {
    checkPattern(
      fail,
      "repositoryName",
      props.repositoryName,
      ECR_REPOSITORY_NAME_PATTERN,
      "be an ECR repository name (2 to 256 lower-case letters, digits and ._-, /-separated)",
      "e.g. dev/web",
    );
  }
  return { kind: "repository", tag: props.imageTag, repositoryName: props.repositoryName };
}

function resolveSize(
  fail: Fail,
  props: ContainerServiceProps,
): { cpuUnits: number; memoryReservationMiB: number; memoryLimitMiB: number } {
  const cpuUnits = props.cpuUnits ?? DEFAULT_CPU_UNITS;
  checkInteger(
    fail,
    "cpuUnits",
    cpuUnits,
    MIN_CPU_UNITS,
    MAX_CPU_UNITS,
    "1024 units are one vCPU; this module keeps a container between an eighth and ten vCPUs",
  );
  const memoryReservationMiB = props.memoryReservationMiB ?? DEFAULT_MEMORY_RESERVATION_MIB;
  checkInteger(
    fail,
    "memoryReservationMiB",
    memoryReservationMiB,
    MIN_CONTAINER_MEMORY_MIB,
    Number.MAX_SAFE_INTEGER,
    "ECS needs at least 6 MiB",
  );
  const memoryLimitMiB = props.memoryLimitMiB ?? DEFAULT_MEMORY_LIMIT_MIB;
  checkInteger(
    fail,
    "memoryLimitMiB",
    memoryLimitMiB,
    MIN_CONTAINER_MEMORY_MIB,
    Number.MAX_SAFE_INTEGER,
    "ECS needs at least 6 MiB",
  );
  if (literal(memoryReservationMiB) && literal(memoryLimitMiB) && memoryLimitMiB < memoryReservationMiB) {
    fail(
      "memoryLimitMiB",
      memoryLimitMiB,
      `be ≥ memoryReservationMiB (${memoryReservationMiB}): the hard limit cannot be below the soft one`,
      "raise memoryLimitMiB or lower memoryReservationMiB",
    );
  }
  return { cpuUnits, memoryReservationMiB, memoryLimitMiB };
}

function resolveSecrets(
  fail: Fail,
  secrets: Readonly<Record<string, string>>,
  environment: Readonly<Record<string, string>>,
): SecretRef[] {
  return Object.entries(secrets).map(([name, arn]) => {
    checkPattern(
      fail,
      "secrets",
      name,
      ENV_NAME_PATTERN,
      "have names of letters, digits and _, not starting with a digit",
      "rename the variable",
    );
    if (name in environment) {
      fail("secrets", name, "not repeat a name of environment", "keep the variable in one of them");
    }
    if (!literal(arn)) {
      // A token (an SSM parameter's or a secret's ARN attribute): its service is unknown until apply,
      // so the read is granted for both services, on exactly that ARN.
      return { name, valueFrom: arn, kind: "unknown", resourceArn: arn };
    }
    if (SSM_PARAMETER_ARN_PATTERN.test(arn)) return { name, valueFrom: arn, kind: "ssm", resourceArn: arn };
    if (SECRETS_MANAGER_ARN_PATTERN.test(arn)) {
      return {
        name,
        valueFrom: arn,
        kind: "secretsmanager",
        resourceArn: arn.split(":").slice(0, 7).join(":"),
      };
    }
    return fail(
      `secrets.${name}`,
      arn,
      "be an SSM parameter ARN (arn:aws:ssm:…:parameter/…) or a Secrets Manager secret ARN (arn:aws:secretsmanager:…:secret:…)",
      "pass the full ARN, not a name",
    );
  });
}

function resolveVolumes(
  fail: Fail,
  volumes: readonly ContainerVolume[],
  writablePaths: readonly string[],
): VolumeMount[] {
  const mounts: VolumeMount[] = [];
  const names = new Set<string>();
  const paths = new Set<string>();
  const add = (mount: VolumeMount, field: string): void => {
    if (names.has(mount.name)) fail(field, mount.name, "have a unique volume name", "rename the volume");
    if (paths.has(mount.containerPath))
      fail(field, mount.containerPath, "mount each container path once", "remove the duplicate");
    names.add(mount.name);
    paths.add(mount.containerPath);
    mounts.push(mount);
  };
  for (const path of writablePaths) {
    checkPattern(fail, "writablePaths", path, ABSOLUTE_PATH_PATTERN, "hold absolute paths", "e.g. /tmp");
    const slug = literal(path) ? path.replace(/^\/+|\/+$/g, "").replace(/[^A-Za-z0-9_-]+/g, "-") : "";
    add(
      {
        name: `writable-${slug || mounts.length}`,
        containerPath: path,
        hostPath: undefined,
        readOnly: false,
      },
      "writablePaths",
    );
  }
  for (const volume of volumes) {
    checkPattern(
      fail,
      "volumes.name",
      volume.name,
      VOLUME_NAME_PATTERN,
      "be 1 to 255 letters, digits, hyphens or underscores",
      "rename the volume",
    );
    checkPattern(
      fail,
      "volumes.containerPath",
      volume.containerPath,
      ABSOLUTE_PATH_PATTERN,
      "be an absolute path",
      "e.g. /var/cache/app",
    );
    if (volume.hostPath !== undefined) {
      checkPattern(
        fail,
        "volumes.hostPath",
        volume.hostPath,
        ABSOLUTE_PATH_PATTERN,
        "be an absolute path",
        "e.g. /mnt/data",
      );
    }
    add(
      {
        name: volume.name,
        containerPath: volume.containerPath,
        hostPath: volume.hostPath,
        readOnly: volume.readOnly ?? false,
      },
      "volumes",
    );
  }
  return mounts;
}

function resolveHealthCheck(fail: Fail, check: ContainerHealthCheck): HealthCheckConfig {
  const [kind] = check.command;
  if (check.command.length < 2 || (kind !== "CMD" && kind !== "CMD-SHELL")) {
    fail(
      "containerHealthCheck.command",
      check.command,
      'start with "CMD" or "CMD-SHELL" followed by the command',
      'e.g. ["CMD", "python", "/app/healthcheck.py"]',
    );
  }
  const config: HealthCheckConfig = {
    command: [...check.command],
    intervalSeconds: check.intervalSeconds ?? 30,
    timeoutSeconds: check.timeoutSeconds ?? 5,
    retries: check.retries ?? 3,
    startPeriodSeconds: check.startPeriodSeconds ?? 0,
  };
  checkInteger(fail, "containerHealthCheck.intervalSeconds", config.intervalSeconds, 5, 300, "e.g. 30");
  checkInteger(fail, "containerHealthCheck.timeoutSeconds", config.timeoutSeconds, 2, 60, "e.g. 5");
  checkInteger(fail, "containerHealthCheck.retries", config.retries, 1, 10, "e.g. 3");
  checkInteger(fail, "containerHealthCheck.startPeriodSeconds", config.startPeriodSeconds, 0, 300, "e.g. 10");
  return config;
}

/**
 * Fails on a literal `image` that is no image reference as registries define it (see
 * {@link imageReferenceProblem}); an unresolved token is checked by whoever resolves it.
 */
export function checkImageReference(fail: Fail, field: string, image: string): void {
  if (!literal(image)) return;
  const problem = imageReferenceProblem(image);
  if (problem) fail(field, image, problem.must, problem.fix);
}

/** Unknown keys in the nested option objects fail (a typo would otherwise be silently ignored). */
function checkNestedKeys(fail: Fail, props: ContainerServiceProps): void {
  checkKnownKeys(fail, "containerHealthCheck", props.containerHealthCheck, CONTAINER_HEALTH_CHECK_KEYS);
  for (const [field, list, keys] of [
    ["volumes", props.volumes, CONTAINER_VOLUME_KEYS],
    ["capacityProviderStrategy", props.capacityProviderStrategy, CAPACITY_PROVIDER_STRATEGY_ITEM_KEYS],
    ["placementStrategies", props.placementStrategies, PLACEMENT_STRATEGY_KEYS],
  ] as const) {
    if (list === undefined || !literal(list)) continue;
    list.forEach((item, i) => checkKnownKeys(fail, `${field}[${i}]`, item, keys));
  }
  if (props.placementConstraints !== undefined && literal(props.placementConstraints)) {
    props.placementConstraints.forEach((constraint, i) => {
      const keys = PLACEMENT_CONSTRAINT_KEYS[constraint.type] as readonly string[] | undefined;
      // An unknown type fails with its own message (resolvePlacementConstraints).
      if (keys) checkKnownKeys(fail, `placementConstraints[${i}]`, constraint, keys);
    });
  }
}

/**
 * Every name a service derives from its serviceName (and its cluster's name, when literal) that can
 * exceed AWS's limit, with that limit. The others are bounded by these or by construction: the ECR
 * repository `<cluster>/<service>` (256) and the log group `/ecs/<cluster>/<service>` (512) by the
 * task family `<cluster>-<service>` (255); the roles' name_prefix `<first 24 of service>-exec-` and
 * `-task-` (38) by the cut; the ECS service name (255) by its pattern.
 */
export function serviceDerivedNames(
  name: string,
  clusterName: string | undefined,
  image: ImageSource,
  autoScaling: AutoScalingConfig | undefined,
): DerivedName[] {
  const names: DerivedName[] = [];
  if (clusterName !== undefined) {
    names.push({ kind: "task definition family", name: `${clusterName}-${name}`, limit: 255 });
  }
  if (autoScaling) {
    names.push({ kind: "scaling policy name", name: `${name}-cpu-scaling`, limit: 256 });
    if (autoScaling.targetRequestsPerTarget !== undefined) {
      names.push({ kind: "scaling policy name", name: `${name}-request-count-scaling`, limit: 256 });
    }
  }
  // The longest Name tag a service's resources carry (tag values: at most 256 characters).
  const longestTag = image.kind === "repository" ? `${name}-repository` : `${name}-execution`;
  names.push({ kind: "Name tag value", name: longestTag, limit: 256 });
  return names;
}

/**
 * Fails when no instance type of `cluster` can hold the task: its CPU units, its memory reservation
 * (what placement reserves) or its memory limit (a hard limit above the instance's memory is never
 * reached: the kernel kills first) above what one empty instance offers
 * (`instanceCapacity()` of `EcsCluster.instanceTypes`). Such a task would stay PENDING forever.
 * Skipped when a capacity's instance type is a token or not in the table (`INSTANCE_TYPES`): its
 * capacity is unknown, and it may be the one that fits.
 */
export function checkTaskFitsCluster(
  fail: Fail,
  cluster: IEcsCluster,
  size: { readonly cpuUnits: number; readonly memoryReservationMiB: number; readonly memoryLimitMiB: number },
): void {
  const types = cluster.instanceTypes;
  if (types.length === 0 || !cluster.allInstanceTypesKnown) return;
  const capacities: { type: string; cpuUnits: number; memoryMiB: number }[] = [];
  for (const type of types) {
    const capacity = instanceCapacity(type);
    if (capacity === undefined) return;
    capacities.push({ type, ...capacity });
  }
  const described = capacities
    .map((c) => `${c.type}: ${c.cpuUnits} CPU units, ${c.memoryMiB} MiB for tasks`)
    .join("; ");
  const fields = [
    ["cpuUnits", size.cpuUnits, "cpuUnits", "CPU units"],
    ["memoryReservationMiB", size.memoryReservationMiB, "memoryMiB", "MiB"],
    ["memoryLimitMiB", size.memoryLimitMiB, "memoryMiB", "MiB"],
  ] as const;
  // A token size (a Terraform variable) counts as fitting: Terraform's validation checks it.
  const fits = (c: (typeof capacities)[number]): boolean =>
    fields.every(([, value, resource]) => !literal(value) || value <= c[resource]);
  if (capacities.some(fits)) return;
  const rule = `fit an instance of EcsCluster '${cluster.node.id}' (${described}): no instance type of the cluster can hold the task, so it would never be placed`;
  const grow =
    "or give the cluster an instance type with more (instanceType, or addAutoScalingGroupCapacity)";
  for (const [field, value, resource, unit] of fields) {
    const available = Math.max(...capacities.map((c) => c[resource]));
    if (literal(value) && value > available) {
      fail(field, value, rule, `lower ${field} to at most ${available} ${unit}, ${grow}`);
    }
  }
  // Each fits some type, but no type holds them together.
  fail(
    "cpuUnits",
    size.cpuUnits,
    `${rule} (the types with enough CPU have too little memory)`,
    `lower cpuUnits or the memory, ${grow}`,
  );
}
