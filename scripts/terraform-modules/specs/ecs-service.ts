/**
 * terraform-aws-ecs-service: the LoadBalancedService construct (modules/load-balanced-service)
 * with its inputs as Terraform variables; one call per service, behind the alb module's load
 * balancer, on the ecs-cluster module's cluster.
 */
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { EcsCluster, IEcsCluster, LOG_RETENTION_DAYS_ALLOWED } from "../../../modules/ecs-cluster";
import {
  DEFAULT_DEPLOYMENT_MAXIMUM_PERCENT,
  DEFAULT_DEPLOYMENT_MINIMUM_HEALTHY_PERCENT,
  DEFAULT_DEREGISTRATION_DELAY_SECONDS,
  DEFAULT_DESIRED_COUNT,
  DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS,
  DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS,
  DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS,
  DEFAULT_HEALTHY_THRESHOLD_COUNT,
  DEFAULT_UNHEALTHY_THRESHOLD_COUNT,
  DeploymentAlarmsOptions,
  LoadBalancedService,
  ILoadBalancer,
  LoadBalancedServiceProps,
  LoadBalancer,
  MAX_CPU_UNITS,
  MAX_DEPLOYMENT_ALARMS,
  MIN_CONTAINER_MEMORY_MIB,
  MIN_CPU_UNITS,
} from "../../../modules/load-balanced-service";
import { IMAGE_REFERENCE_PATTERN } from "../../../modules/load-balanced-service/image-reference";
import { AdapterVariable, integerRule, ModuleSpec, VariableRule } from "../spec";
import { CLUSTER_ARN_VARIABLE, optionalArnCondition } from "./shared";
import { AWS_ID_PATTERNS } from "../../../modules/shared/validation";

/** The adapter variables of `cluster`. */
const CLUSTER_MEMBERS = {
  clusterName: "cluster_name",
  clusterArn: "cluster_arn",
  capacityProviderName: "capacity_provider_name",
} as const;

/** The adapter variables of `loadBalancer`. */
const LOAD_BALANCER_MEMBERS = { vpcId: "vpc_id", serviceListeners: "listener_arn" } as const;

/**
 * The `cluster` prop: the ecs-cluster module's outputs as an imported cluster. The service waits
 * for the cluster's capacity provider association (its strategy names the provider) through
 * `depends_on = [var.cluster_name]`: the ecs-cluster module's `service_cluster_name` output is read
 * from that association. Its name is a variable (no literal to derive names from) and its instance
 * types are unknown here, so the construct skips those checks.
 */
function clusterFromVariables(
  scope: Construct,
  vars: Readonly<Record<string, TerraformVariable>>,
): IEcsCluster {
  const clusterName = vars[CLUSTER_MEMBERS.clusterName];
  return EcsCluster.fromAttributes(scope, "cluster", {
    clusterName: clusterName.stringValue,
    clusterArn: vars[CLUSTER_MEMBERS.clusterArn].stringValue,
    capacityProviderName: vars[CLUSTER_MEMBERS.capacityProviderName].stringValue,
    capacityProviderAssociation: clusterName,
  });
}

/**
 * The `loadBalancer` prop: the alb module's outputs as an imported load balancer. Its listener is
 * the alb module's HTTPS one; the alb module already lets the load balancer reach the cluster
 * (`manageClusterRules: false`). Rule conflicts between services are the caller's to avoid across
 * module calls (AWS refuses a priority used twice on a listener).
 */
function loadBalancerFromVariables(
  scope: Construct,
  vars: Readonly<Record<string, TerraformVariable>>,
): ILoadBalancer {
  return LoadBalancer.fromAttributes(scope, "alb", {
    vpcId: vars[LOAD_BALANCER_MEMBERS.vpcId].stringValue,
    httpsListenerArn: vars[LOAD_BALANCER_MEMBERS.serviceListeners].stringValue,
    manageClusterRules: false,
  });
}

/** `<variable> (<value>) must <must>; <fix>.` for a pattern every value of a string must match. */
export function patternRule(
  variable: string,
  regex: string,
  must: string,
  fix: string,
  rejects: readonly string[],
): VariableRule {
  return {
    condition: `can(regex("${regex}", var.${variable}))`,
    errorMessage: `${variable} (\${var.${variable}}) must ${must}; ${fix}.`,
    rejects: rejects.map((value) => ({ [variable]: value })),
    synth: "same",
  };
}

const ECS_NAME_REGEX = "^[A-Za-z0-9_-]{1,255}$";
const RETENTIONS = LOG_RETENTION_DAYS_ALLOWED.join(", ");
const CODE = "[1-5][0-9][0-9]";

/** Why a prop is fixed: it is a list or map the construct writes entry by entry at synth time. */
const fixedEntries = (what: string): string =>
  `The construct writes ${what} entry by entry at synth time; the module has none. Use the construct for them.`;

/** Why a rule on an adapter variable is only the module's: the construct gets it as a token. */
const tokenOnly = (prop: string): { hclOnly: string } => ({
  hclOnly: `the module passes it to the construct's ${prop} as a variable (a token), which the construct checks only as a literal (test/modules/load-balanced-service-deployments.test.ts)`,
});

/** The `deploymentAlarms` prop's adapter variables. */
export const DEPLOYMENT_ALARM_VARIABLES: Readonly<Record<string, AdapterVariable>> = {
  deployment_alarm_names: {
    type: "list(string)",
    default: [],
    description:
      "CloudWatch alarms (at most 10, in the service's region) that fail a deployment while in ALARM; " +
      "[]: no alarm rollback, the circuit breaker alone.",
    rules: [
      {
        condition: `length(var.deployment_alarm_names) <= ${MAX_DEPLOYMENT_ALARMS} && length(distinct(var.deployment_alarm_names)) == length(var.deployment_alarm_names)`,
        errorMessage: `deployment_alarm_names (\${jsonencode(var.deployment_alarm_names)}) must name at most ${MAX_DEPLOYMENT_ALARMS} alarms, each once; drop some or the duplicate.`,
        rejects: [
          { deployment_alarm_names: Array.from({ length: MAX_DEPLOYMENT_ALARMS + 1 }, (_, i) => `a${i}`) },
          { deployment_alarm_names: ["web-5xx", "web-5xx"] },
        ],
        synth: tokenOnly("deploymentAlarms.alarmNames"),
      },
      {
        condition: "alltrue([for n in var.deployment_alarm_names : length(n) >= 1 && length(n) <= 255])",
        errorMessage:
          "deployment_alarm_names (${jsonencode(var.deployment_alarm_names)}) must be alarm names of 1 to 255 characters; pass the alarms' names.",
        rejects: [{ deployment_alarm_names: [""] }],
        synth: tokenOnly("deploymentAlarms.alarmNames"),
      },
    ],
  },
  deployment_alarm_rollback: {
    type: "bool",
    default: true,
    description: "Roll a deployment back when one of deployment_alarm_names fails it.",
  },
};

/** The `deploymentAlarms` prop from its adapter variables. */
function deploymentAlarmsFromVariables(
  vars: Readonly<Record<string, TerraformVariable>>,
): DeploymentAlarmsOptions {
  return {
    alarmNames: vars.deployment_alarm_names!.listValue,
    // A boolean token: the construct passes it through to the alarms block.
    rollback: vars.deployment_alarm_rollback!.booleanValue as unknown as boolean,
  };
}

/**
 * The service of an ecs-service module (`extra`: what a traffic-shifting module adds): the
 * variables' props, the cluster and the load balancer from their adapter variables, the alarms.
 */
export function serviceFromVariables(
  scope: Construct,
  props: Partial<LoadBalancedServiceProps>,
  adapter: Readonly<Record<string, TerraformVariable>>,
  extra: Partial<LoadBalancedServiceProps> = {},
): LoadBalancedService {
  return new LoadBalancedService(scope, "service", {
    ...props,
    cluster: clusterFromVariables(scope, adapter),
    loadBalancer: loadBalancerFromVariables(scope, adapter),
    deploymentAlarms: deploymentAlarmsFromVariables(adapter),
    ...extra,
  } as LoadBalancedServiceProps);
}

export const ecsServiceSpec: ModuleSpec<LoadBalancedServiceProps, LoadBalancedService> = {
  module: "load-balanced-service",
  name: "ecs-service",
  constructClass: "LoadBalancedService",
  summary:
    "An ECS service on an EC2 cluster behind a shared Application Load Balancer: its own target group " +
    "(health check, deregistration delay) and HTTPS listener rule by path, a log group, a scoped execution " +
    "role and an empty task role, a bridge-mode task definition with a dynamic host port and a read-only " +
    "root filesystem, and a rolling deployment with a circuit breaker and rollback, spread over AZs.",
  notes: [
    "Call it once per service, after the `alb` and `ecs-cluster` modules: `cluster_name` is the cluster " +
      "module's `service_cluster_name` output (read from the capacity provider association, so the service " +
      "waits for it), `listener_arn` the alb module's `https_listener_arn`. Give each service of a load " +
      "balancer its own `rule_priority` and paths: AWS refuses a priority used twice on a listener (the " +
      "construct checks it at synth time when it sees every service; separate module calls cannot).",
  ],
  props: {
    cluster: {
      as: "adapter",
      from: Object.values(CLUSTER_MEMBERS),
      reason:
        "A construct cannot cross a module boundary: the module takes the cluster's name, ARN and capacity " +
        "provider name (the ecs-cluster module's outputs) instead.",
    },
    loadBalancer: {
      as: "adapter",
      from: Object.values(LOAD_BALANCER_MEMBERS),
      reason:
        "A construct cannot cross a module boundary: the module takes the load balancer's VPC id and HTTPS " +
        "listener ARN (the alb module's outputs) instead. The alb module opens the cluster's instances to it.",
    },
    serviceName: {
      as: "variable",
      required: true,
      description:
        "Name of the ECS service: 1 to 255 letters, digits, hyphens and underscores. Also names its log " +
        "group `/ecs/<cluster_name>/<service_name>`, task family and roles.",
      rules: [
        patternRule(
          "service_name",
          ECS_NAME_REGEX,
          "be 1 to 255 letters, digits, hyphens or underscores",
          "rename it",
          ["my service"],
        ),
      ],
    },
    imageTag: {
      as: "fixed",
      reason:
        "With a tag the construct creates the service's own ECR repository, with `image` it creates none: " +
        "decided at synth time. The module runs `image` (no repository).",
    },
    image: {
      as: "variable",
      required: true,
      description:
        "Image reference the container runs, e.g. public.ecr.aws/docker/library/nginx:1.27 (a public " +
        "registry: the execution role has no ECR pull permission).",
      rules: [
        {
          condition: `can(regex("${IMAGE_REFERENCE_PATTERN.source.replace(/\\/g, "\\\\")}", var.image))`,
          errorMessage:
            "image (${var.image}) must be an image reference, [registry[:port]/]path[:tag][@sha256:<digest>] with a lower-case path; e.g. public.ecr.aws/docker/library/nginx:1.27.",
          rejects: [{ image: "nginx 1.27" }, { image: "MyApp:1.0" }, { image: "nginx@sha256:1234" }],
          synth: "same",
        },
      ],
    },
    imageRepositoryArn: {
      as: "fixed",
      reason:
        "Decides at synth time whether the execution role gets an ECR pull statement; the module runs public " +
        "images.",
    },
    repositoryName: { as: "fixed", reason: "Only with imageTag (the service's own repository)." },
    maxImageCount: { as: "fixed", reason: "Only with imageTag (the service's own repository)." },
    repositoryForceDelete: { as: "fixed", reason: "Only with imageTag (the service's own repository)." },
    repositoryKmsKeyArn: { as: "fixed", reason: "Only with imageTag (the service's own repository)." },
    containerName: {
      as: "variable",
      rules: [
        patternRule(
          "container_name",
          ECS_NAME_REGEX,
          "be 1 to 255 letters, digits, hyphens or underscores",
          "rename it",
          ["my app"],
        ),
      ],
    },
    cpuUnits: {
      as: "variable",
      rules: [
        integerRule(
          "cpu_units",
          MIN_CPU_UNITS,
          MAX_CPU_UNITS,
          "1024 units are one vCPU; this module keeps a container between an eighth and ten vCPUs",
          [64],
        ),
      ],
    },
    memoryReservationMiB: {
      as: "variable",
      name: "memory_reservation_mib",
      rules: [
        integerRule(
          "memory_reservation_mib",
          MIN_CONTAINER_MEMORY_MIB,
          undefined,
          "ECS needs at least 6 MiB",
          [4],
        ),
      ],
    },
    memoryLimitMiB: {
      as: "variable",
      name: "memory_limit_mib",
      rules: [
        integerRule("memory_limit_mib", MIN_CONTAINER_MEMORY_MIB, undefined, "ECS needs at least 6 MiB", [4]),
        {
          condition: "var.memory_limit_mib >= var.memory_reservation_mib",
          errorMessage:
            "memory_limit_mib (${var.memory_limit_mib}) must be ≥ memory_reservation_mib (${var.memory_reservation_mib}): the hard limit cannot be below the soft one; raise memory_limit_mib or lower memory_reservation_mib.",
          rejects: [{ memory_limit_mib: 128, memory_reservation_mib: 256 }],
          synth: "same",
        },
      ],
    },
    environment: { as: "fixed", reason: fixedEntries("the container's environment") },
    dockerLabels: { as: "fixed", reason: fixedEntries("the container's Docker labels") },
    compute: {
      as: "fixed",
      reason:
        "Decides at synth time the launch type, the task definition's network mode and size, the target " +
        "type and whether the service gets a security group of its own; the module runs on the cluster's " +
        "EC2 capacity (the construct's default). Fargate and Managed Instances services: use the cdktf " +
        "construct (see its README).",
    },
    secrets: { as: "fixed", reason: fixedEntries("the container's secrets and the execution role's reads") },
    secretsKmsKeyArns: { as: "fixed", reason: "Only with secrets, which the module has none of." },
    entryPoint: {
      as: "variable",
      default: null,
      description: "The container's entry point (null: the image's).",
      rules: [
        {
          condition: "var.entry_point == null || try(length(var.entry_point) > 0, true)",
          errorMessage:
            "entry_point (${jsonencode(var.entry_point)}) must not be empty; leave entry_point null for the image's own.",
          rejects: [{ entry_point: [] }],
          synth: "same",
        },
      ],
    },
    command: {
      as: "variable",
      default: null,
      description: "The container's command (null: the image's).",
      rules: [
        {
          condition: "var.command == null || try(length(var.command) > 0, true)",
          errorMessage:
            "command (${jsonencode(var.command)}) must not be empty; leave command null for the image's own.",
          rejects: [{ command: [] }],
          synth: "same",
        },
      ],
    },
    volumes: { as: "fixed", reason: fixedEntries("the task's volumes and the container's mount points") },
    readonlyRootFilesystem: { as: "variable" },
    writablePaths: {
      as: "fixed",
      reason: `${fixedEntries("one volume per writable path")} The module keeps the construct's default, /tmp.`,
    },
    containerHealthCheck: {
      as: "fixed",
      reason:
        "An object that decides at synth time whether the container has a health check; the module relies on " +
        "the load balancer's health check.",
    },
    logRetentionDays: {
      as: "variable",
      rules: [
        {
          condition: `contains([${RETENTIONS}], var.log_retention_days)`,
          errorMessage: `log_retention_days (\${var.log_retention_days}) must be a CloudWatch Logs retention (${RETENTIONS}); pick the nearest allowed value.`,
          rejects: [{ log_retention_days: 2 }],
          synth: "same",
        },
      ],
    },
    logKmsKeyArn: {
      as: "variable",
      default: null,
      description:
        "A KMS key (ARN) that encrypts the service's log group; its key policy must let CloudWatch Logs use it. " +
        "null: CloudWatch Logs' own encryption.",
      rules: [
        {
          condition: optionalArnCondition("log_kms_key_arn", "kmsKey"),
          errorMessage:
            'log_kms_key_arn (${coalesce(var.log_kms_key_arn, "null")}) must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>); pass the key\'s ARN.',
          rejects: [{ log_kms_key_arn: "alias/logs" }],
          synth: "same",
        },
      ],
    },
    desiredCount: {
      as: "variable",
      default: DEFAULT_DESIRED_COUNT,
      description: "Number of tasks the service keeps running.",
      rules: [integerRule("desired_count", 0, undefined, "e.g. 2", [-1])],
    },
    deploymentMaximumPercent: {
      as: "variable",
      rules: [
        integerRule(
          "deployment_maximum_percent",
          100,
          1000,
          `e.g. ${DEFAULT_DEPLOYMENT_MAXIMUM_PERCENT}`,
          [99],
        ),
      ],
    },
    deploymentMinimumHealthyPercent: {
      as: "variable",
      rules: [
        integerRule(
          "deployment_minimum_healthy_percent",
          0,
          100,
          `e.g. ${DEFAULT_DEPLOYMENT_MINIMUM_HEALTHY_PERCENT}`,
          [101],
        ),
        {
          condition: "var.deployment_minimum_healthy_percent < var.deployment_maximum_percent",
          errorMessage:
            "deployment_minimum_healthy_percent (${var.deployment_minimum_healthy_percent}) must be below deployment_maximum_percent (${var.deployment_maximum_percent}): otherwise a deployment can neither stop an old task nor start a new one; lower the minimum or raise the maximum.",
          rejects: [{ deployment_minimum_healthy_percent: 100, deployment_maximum_percent: 100 }],
          synth: "same",
        },
      ],
    },
    deployment: {
      as: "fixed",
      reason:
        "The strategy decides at synth time whether the service has an alternate target group, test rule and " +
        "deployment role; this module deploys rolling. The ecs-service-blue-green module is this service with a " +
        "blue/green deployment.",
    },
    deploymentAlarms: {
      as: "adapter",
      from: ["deployment_alarm_names", "deployment_alarm_rollback"],
      reason:
        "An object: the module takes the alarm names (an empty list turns alarm rollback off) and whether a " +
        "failing alarm rolls the deployment back. It creates no alarm of its own (the construct's " +
        "targetErrorsAlarm exists or not at synth time): pass your target 5xx alarm's name, using the " +
        "target_group_arn_suffix output.",
    },
    imageOwner: {
      as: "fixed",
      reason:
        "It sets the service's lifecycle.ignore_changes, which Terraform requires to be a literal: no variable " +
        "can switch it. The module's task definition is Terraform's (`imageOwner: \"terraform\"`); for deploys " +
        'owned by CI, use the construct with `imageOwner: "ci"`.',
    },
    forceNewDeployment: {
      as: "variable",
      description:
        "Start a new deployment on every update of the service; hashicorp/aws requires it for an update of the " +
        "capacity provider strategy.",
    },
    capacityProviderStrategy: {
      as: "fixed",
      reason:
        "A list of objects; the module runs on the cluster's default capacity provider (capacity_provider_name).",
    },
    placementStrategies: {
      as: "fixed",
      reason: "A list of objects written as ordered_placement_strategy blocks at synth time.",
    },
    placementConstraints: {
      as: "fixed",
      reason: "A list of objects written as placement_constraints blocks at synth time; the module has none.",
    },
    enableExecuteCommand: {
      as: "fixed",
      reason:
        "Decides at synth time whether the task role gets the ECS Exec statements (which need the cluster's " +
        "exec log group); the module has ECS Exec off.",
    },
    tags: {
      as: "variable",
      default: {},
      description:
        "Tags of every resource, merged under each resource's own Name tag (which they must not set). The " +
        "provider's default_tags apply too.",
      rules: [
        {
          condition: '!contains(keys(var.tags), "Name")',
          errorMessage:
            "tags (${jsonencode(var.tags)}) must not set Name (each resource gets its own Name tag); set service_name instead.",
          rejects: [{ tags: { Name: "x" } }],
          synth: "same",
        },
      ],
    },
    rulePriority: {
      as: "variable",
      required: true,
      description:
        "Priority of the service's listener rule, unique on the load balancer's listener: 1 (evaluated first) " +
        "to 50000.",
      rules: [
        integerRule("rule_priority", 1, 50_000, "listener rule priorities run from 1 (first) to 50000", [0]),
      ],
    },
    pathPatterns: {
      as: "variable",
      default: ["/*"],
      description:
        "Path patterns the listener rule forwards to the service (1 to 3; `*` and `?` wildcards), e.g. " +
        '["/api/*"].',
      rules: [
        {
          condition: "length(var.path_patterns) >= 1 && length(var.path_patterns) <= 3",
          errorMessage:
            "path_patterns (${jsonencode(var.path_patterns)}) must list 1 to 3 values (an ALB condition's limit); split the service's routes or use wildcards.",
          rejects: [{ path_patterns: ["/a", "/b", "/c", "/d"] }],
          synth: "same",
        },
        {
          condition:
            'alltrue([for p in var.path_patterns : can(regex("^/[-A-Za-z0-9_.$/~\\"\'@:+&*?]{0,127}$", p))])',
          errorMessage:
            "path_patterns (${jsonencode(var.path_patterns)}) must start with / and be at most 128 characters of A-Z a-z 0-9 _-.$/~\"'@:+&*?; e.g. /api/*.",
          rejects: [{ path_patterns: ["api/*"] }],
          synth: "same",
        },
        {
          condition: "length(distinct(var.path_patterns)) == length(var.path_patterns)",
          errorMessage:
            "path_patterns (${jsonencode(var.path_patterns)}) must list each value once; remove the duplicate.",
          rejects: [{ path_patterns: ["/api/*", "/api/*"] }],
          synth: "same",
        },
      ],
    },
    hostHeaders: {
      as: "fixed",
      reason:
        "Decides at synth time whether the listener rule has a host-header condition; the module routes by " +
        "path on every host.",
    },
    containerPort: {
      as: "variable",
      rules: [
        integerRule("container_port", 1, 65_535, "use the TCP port the container listens on", [70_000]),
      ],
    },
    healthCheckPath: {
      as: "variable",
      rules: [
        {
          condition:
            'startswith(var.health_check_path, "/") && length(var.health_check_path) <= 1024 && !can(regex("[[:space:]]", var.health_check_path))',
          errorMessage:
            "health_check_path (${var.health_check_path}) must start with / (a path of at most 1024 characters, no spaces); e.g. /health.",
          rejects: [{ health_check_path: "health" }],
          synth: "same",
        },
      ],
    },
    healthCheckIntervalSeconds: {
      as: "variable",
      rules: [
        integerRule(
          "health_check_interval_seconds",
          5,
          300,
          `e.g. ${DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS}`,
          [4],
        ),
      ],
    },
    healthCheckTimeoutSeconds: {
      as: "variable",
      rules: [
        integerRule(
          "health_check_timeout_seconds",
          2,
          120,
          `e.g. ${DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS}`,
          [1],
        ),
        {
          condition: "var.health_check_timeout_seconds < var.health_check_interval_seconds",
          errorMessage:
            "health_check_timeout_seconds (${var.health_check_timeout_seconds}) must be below health_check_interval_seconds (${var.health_check_interval_seconds}); shorten the timeout or lengthen the interval.",
          rejects: [{ health_check_timeout_seconds: 20, health_check_interval_seconds: 10 }],
          synth: "same",
        },
      ],
    },
    healthyThresholdCount: {
      as: "variable",
      rules: [integerRule("healthy_threshold_count", 2, 10, `e.g. ${DEFAULT_HEALTHY_THRESHOLD_COUNT}`, [1])],
    },
    unhealthyThresholdCount: {
      as: "variable",
      rules: [
        integerRule("unhealthy_threshold_count", 2, 10, `e.g. ${DEFAULT_UNHEALTHY_THRESHOLD_COUNT}`, [11]),
      ],
    },
    healthCheckSuccessCodes: {
      as: "variable",
      rules: [
        patternRule(
          "health_check_success_codes",
          `^${CODE}(-${CODE})?(,${CODE}(-${CODE})?)*$`,
          "be HTTP codes like 200, 200,204 or 200-299",
          "e.g. 200",
          ["ok"],
        ),
      ],
    },
    deregistrationDelaySeconds: {
      as: "variable",
      rules: [
        integerRule(
          "deregistration_delay_seconds",
          0,
          3600,
          `e.g. ${DEFAULT_DEREGISTRATION_DELAY_SECONDS}`,
          [3601],
        ),
      ],
    },
    stickinessDurationSeconds: {
      as: "fixed",
      reason: "Decides at synth time whether the target group's stickiness is on; the module has it off.",
    },
    healthCheckGracePeriodSeconds: {
      as: "variable",
      rules: [
        integerRule(
          "health_check_grace_period_seconds",
          0,
          2_147_483_647,
          `e.g. ${DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS}`,
          [-1],
        ),
      ],
    },
    targetGroupName: {
      as: "fixed",
      reason:
        "Decides at synth time whether the target group is created before the old one is destroyed (only " +
        "with a generated name); the module lets Terraform name it (`tf-…`).",
    },
    autoScaling: {
      as: "fixed",
      reason:
        "An object that decides at synth time whether the scalable target and its policies exist; the module " +
        "runs desired_count tasks.",
    },
  },
  adapterVariables: {
    ...DEPLOYMENT_ALARM_VARIABLES,
    cluster_name: {
      type: "string",
      description:
        "Name of the ECS cluster: the ecs-cluster module's service_cluster_name output (read from the capacity " +
        "provider association, so the service waits until the provider its strategy names is associated).",
      rules: [
        patternRule(
          "cluster_name",
          ECS_NAME_REGEX,
          "be an ECS cluster name (1 to 255 letters, digits, hyphens or underscores)",
          "pass the cluster module's service_cluster_name",
          ["my cluster"],
        ),
      ].map((r) => ({
        ...r,
        synth: { hclOnly: "the construct takes an EcsCluster, whose name is a reference" },
      })),
    },
    cluster_arn: CLUSTER_ARN_VARIABLE,
    capacity_provider_name: {
      type: "string",
      description:
        "The capacity provider the service's tasks run on: the ecs-cluster module's capacity_provider_name output.",
    },
    vpc_id: {
      type: "string",
      description: "VPC of the service's target group: the alb module's vpc_id output.",
      rules: [
        {
          condition: `can(regex("${AWS_ID_PATTERNS.vpc.source}", var.vpc_id))`,
          errorMessage:
            "vpc_id (${var.vpc_id}) must be a VPC id like vpc-0123456789abcdef0; pass the alb module's vpc_id.",
          rejects: [{ vpc_id: "my-vpc" }],
          synth: { hclOnly: "the construct takes a LoadBalancer, whose VPC id is a reference" },
        },
      ],
    },
    listener_arn: {
      type: "string",
      description:
        "The HTTPS listener the service's rule goes on: the alb module's https_listener_arn output.",
      rules: [
        {
          condition:
            'can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:listener/app/", var.listener_arn))',
          errorMessage:
            "listener_arn (${var.listener_arn}) must be an ALB listener ARN (arn:aws:elasticloadbalancing:<region>:<account>:listener/app/…); pass the alb module's https_listener_arn.",
          rejects: [{ listener_arn: "https" }],
          synth: { hclOnly: "the construct takes a LoadBalancer, whose listeners are references" },
        },
      ],
    },
  },
  create: (scope, props, adapter) => serviceFromVariables(scope, props, adapter),
  skipAttributes: {},
  outputDescriptions: {
    targetGroupArn: "ARN of the service's target group.",
    containerName: "Name of the service's container.",
    containerPort: "Port the container listens on.",
  },
  extraOutputs: {
    service_name: {
      description: "Name of the ECS service.",
      value: (s) => s.serviceName,
    },
    service_arn: {
      description: "ARN of the ECS service.",
      value: (s) => s.service.id,
    },
    task_definition_arn: {
      description: "ARN of the service's task definition (its current revision).",
      value: (s) => s.taskDefinitionArn,
    },
    task_role_arn: {
      description: "ARN of the tasks' role (no permissions: attach policies for what the service calls).",
      value: (s) => s.taskRole.arn,
    },
    task_role_name: {
      description: "Name of the tasks' role, for aws_iam_role_policy.",
      value: (s) => s.taskRole.name,
    },
    execution_role_arn: {
      description: "ARN of the execution role (the ECS agent's: logs).",
      value: (s) => s.executionRole.arn,
    },
    log_group_name: {
      description: "The service's log group, `/ecs/<cluster_name>/<service_name>`.",
      value: (s) => s.logGroupName,
    },
    target_group_arn_suffix: {
      description: "ARN suffix of the target group, as CloudWatch metrics name it.",
      value: (s) => s.targetGroup.arnSuffix,
    },
  },
  usage: {
    service_name: '"web"',
    image: '"ghcr.io/my-org/web:1.4.2"',
    rule_priority: "100",
    path_patterns: '["/*"]',
    cluster_name: "module.cluster.service_cluster_name",
    cluster_arn: "module.cluster.cluster_arn",
    capacity_provider_name: "module.cluster.capacity_provider_name",
    vpc_id: "module.alb.vpc_id",
    listener_arn: "module.alb.https_listener_arn",
  },
  example: {
    service_name: "web",
    image: "public.ecr.aws/docker/library/nginx:1.27",
    rule_priority: 100,
    cluster_name: "apps",
    cluster_arn: "arn:aws:ecs:eu-west-2:123456789012:cluster/apps",
    capacity_provider_name: "apps-default",
    vpc_id: "vpc-0123456789abcdef0",
    listener_arn:
      "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/web/0123456789abcdef/0123456789abcdef",
  },
};
