import { dependable, Fn, ITerraformDependable, Op, Token } from "cdktf";
import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcsService, EcsServiceAlarms } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { IEcsCluster } from "../ecs-cluster";
import { policyDocument } from "../shared/iam";
import { ContainerDefinitionJson, renderContainerDefinition } from "./container-definition";
import {
  ecsTasksAssumeRolePolicy,
  execCommandStatements,
  executionRoleStatements,
  TaskRoleGrants,
} from "./iam";
import { DeploymentAlarmsConfig, ECS_DEPLOYMENT_STRATEGY } from "./deployment-config";
import { ComputeConfig, FARGATE_TASK_EGRESS_PORTS, isAwsvpc } from "./compute-config";
import { ContainerServiceConfig } from "./service-config";
import { Fail, literal, withTags } from "./validation";

/** How a load-balanced service attaches its tasks to a target group. */
export interface WorkloadLoadBalancing {
  /** The load balancer's VPC: a Fargate service's security group goes there. */
  readonly vpcId: string;
  readonly targetGroupArn: string;
  readonly containerPort: number;
  readonly healthCheckGracePeriodSeconds: number;
  /**
   * `<load balancer ARN suffix>/<target group ARN suffix>`, for `ALBRequestCountPerTarget`; read
   * only when that policy is made.
   */
  readonly requestCountResourceLabel: () => string;
  /**
   * What the ECS service waits for: ECS rejects a target group that no listener (rule) uses yet.
   */
  readonly dependsOn: ITerraformDependable[];
  /** Names of the service's own deployment alarms (`deploymentAlarms.targetErrorsAlarm`). */
  readonly ownAlarmNames?: readonly string[];
  /** With a blue/green, canary or linear deployment: what ECS shifts traffic with. */
  readonly shifting?: {
    readonly alternateTargetGroupArn: string;
    readonly productionListenerRuleArn: string;
    readonly testListenerRuleArn: string | undefined;
    /** The deployment role: moves the rules, registers targets, invokes the lifecycle hooks. */
    readonly roleArn: string;
  };
}

/** The resources of one service, shared by every service kind. */
export interface Workload {
  readonly repository: EcrRepository | undefined;
  readonly image: string;
  readonly logGroup: CloudwatchLogGroup;
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;
  readonly taskRoleGrants: TaskRoleGrants;
  readonly taskDefinition: EcsTaskDefinition;
  /** The tasks' own security group, on Fargate (awsvpc). */
  readonly securityGroup: SecurityGroup | undefined;
  readonly service: EcsService;
  readonly scalableTarget: AppautoscalingTarget | undefined;
  readonly cpuScalingPolicy: AppautoscalingPolicy | undefined;
  readonly requestCountScalingPolicy: AppautoscalingPolicy | undefined;
}

/**
 * The service's `alarms` block, for literal alarm names. A token list (a generated module's
 * variable, which may be empty) gets {@link addDynamicAlarms} instead.
 */
function deploymentAlarmsBlock(alarms: DeploymentAlarmsConfig): EcsServiceAlarms | undefined {
  if (!literal(alarms.alarmNames)) return undefined;
  return { alarmNames: alarms.alarmNames, enable: true, rollback: alarms.rollback };
}

/**
 * For a token list of alarm names: a dynamic `alarms` block, present only when the list has names
 * (ECS needs at least one). The provider's binding types the block as one object, which cdktf
 * cannot make dynamic, hence the override.
 */
function addDynamicAlarms(service: EcsService, alarms: DeploymentAlarmsConfig): void {
  if (literal(alarms.alarmNames)) return;
  service.addOverride("dynamic.alarms", {
    for_each: Fn.conditional(Op.gte(Fn.lengthOf(alarms.alarmNames), 1), ["alarms"], []),
    content: { alarm_names: alarms.alarmNames, enable: true, rollback: alarms.rollback },
  });
}

/** ECR lifecycle policy keeping the newest `count` images. */
export function keepLastImagesPolicy(count: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Keep the newest ${count} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: count },
        action: { type: "expire" },
      },
    ],
  });
}

/**
 * The task definition's `container_definitions`: the JSON text, or, when a number, boolean or list
 * in it is a Terraform token (a variable of a generated module), Terraform's `jsonencode()` of it
 * (a number token inside JSON text would not resolve; string tokens interpolate either way).
 */
function containerDefinitionsJson(container: ContainerDefinitionJson): string {
  const hasValueToken = (value: unknown): boolean => {
    if (typeof value === "string") return false;
    if (Token.isUnresolved(value)) return true;
    if (Array.isArray(value)) return value.some(hasValueToken);
    if (value && typeof value === "object") return Object.values(value).some(hasValueToken);
    return false;
  };
  return hasValueToken(container) ? Fn.jsonencode([container]) : JSON.stringify([container]);
}

/**
 * Creates, in `scope`, what every service kind has: the ECR repository (for `imageTag`), the log
 * group, the execution and task roles, the task definition (bridge mode), the ECS service and its
 * auto scaling. `loadBalancing` attaches the service to a target group.
 */
export function createWorkload(
  scope: Construct,
  cluster: IEcsCluster,
  config: ContainerServiceConfig,
  fail: Fail,
  loadBalancing?: WorkloadLoadBalancing,
): Workload {
  const name = config.serviceName;
  const tagsFor = (suffix: string): Record<string, string> =>
    withTags(config.tags, { Name: `${name}-${suffix}` });
  const partition = new DataAwsPartition(scope, "partition").partition;
  const region = new DataAwsRegion(scope, "region").region;
  const account = new DataAwsCallerIdentity(scope, "account").accountId;

  let repository: EcrRepository | undefined;
  let image: string;
  let repositoryArn: string | undefined;
  if (config.image.kind === "repository") {
    repository = new EcrRepository(scope, "repository", {
      name: config.image.repositoryName ?? `${cluster.clusterName}/${name}`,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: config.repositoryKmsKeyArn }],
      forceDelete: config.repositoryForceDelete,
      tags: tagsFor("repository"),
    });
    new EcrLifecyclePolicy(scope, "repository-lifecycle", {
      repository: repository.name,
      policy: keepLastImagesPolicy(config.maxImageCount),
    });
    image = `${repository.repositoryUrl}:${config.image.tag}`;
    repositoryArn = repository.arn;
  } else {
    image = config.image.image;
    repositoryArn = config.image.repositoryArn;
  }

  const logGroup = new CloudwatchLogGroup(scope, "log-group", {
    name: `/ecs/${cluster.clusterName}/${name}`,
    retentionInDays: config.logRetentionDays,
    kmsKeyId: config.logKmsKeyArn,
    tags: tagsFor("logs"),
  });

  const namePrefix = Token.isUnresolved(name) ? "svc" : name.slice(0, 24);
  const executionRole = new IamRole(scope, "execution-role", {
    namePrefix: `${namePrefix}-exec-`,
    description: `ECS agent for service ${name}: image pull, logs, secrets`,
    // AWS documents the execution role's trust without conditions; see README, "IAM".
    assumeRolePolicy: ecsTasksAssumeRolePolicy(),
    tags: tagsFor("execution"),
  });
  const secretArns = (kind: "ssm" | "secretsmanager"): string[] => [
    ...new Set(
      config.secrets.filter((s) => s.kind === kind || s.kind === "unknown").map((s) => s.resourceArn),
    ),
  ];
  const executionPolicy = new IamRolePolicy(scope, "execution-policy", {
    role: executionRole.id,
    name: "ecs-task-execution",
    policy: policyDocument(
      executionRoleStatements({
        repositoryArn,
        logGroupArn: logGroup.arn,
        ssmParameterArns: secretArns("ssm"),
        secretArns: secretArns("secretsmanager"),
        kmsKeyArns: config.secretsKmsKeyArns,
      }),
    ),
  });

  const ecsArnPrefix = `arn:${partition}:ecs:${region}:${account}`;
  const taskRole = new IamRole(scope, "task-role", {
    namePrefix: `${namePrefix}-task-`,
    description: `Tasks of service ${name}`,
    assumeRolePolicy: ecsTasksAssumeRolePolicy({ account, ecsArnPrefix }),
    tags: tagsFor("task"),
  });
  const taskRoleGrants = new TaskRoleGrants(
    scope,
    taskRole.id,
    fail,
    // resolveContainerServiceConfig refuses ECS Exec on a cluster without an exec log group.
    config.enableExecuteCommand && cluster.execLogGroupArn !== undefined
      ? execCommandStatements(cluster.execLogGroupArn, `arn:${partition}:logs:${region}:${account}`)
      : [],
  );

  const compute = config.compute;
  const container = renderContainerDefinition(config, {
    image,
    logGroupName: logGroup.name,
    region,
    containerPort: loadBalancing?.containerPort,
    awsvpc: isAwsvpc(compute),
  });
  const taskDefinition = new EcsTaskDefinition(scope, "task-definition", {
    family: `${cluster.clusterName}-${name}`,
    ...(compute.kind === "fargate"
      ? {
          networkMode: "awsvpc",
          requiresCompatibilities: ["FARGATE"],
          // Fargate sizes the task, not the instance: one of FARGATE_TASK_SIZES (checked).
          cpu: `${config.cpuUnits}`,
          memory: `${config.memoryLimitMiB}`,
        }
      : compute.kind === "managedInstances"
        ? {
            networkMode: "awsvpc",
            requiresCompatibilities: ["MANAGED_INSTANCES"],
            // The task's size: ECS picks an instance it fits (no Fargate table).
            cpu: `${config.cpuUnits}`,
            memory: `${config.memoryLimitMiB}`,
          }
        : compute.kind === "external"
          ? { networkMode: compute.networkMode, requiresCompatibilities: ["EXTERNAL"] }
          : { networkMode: "bridge", requiresCompatibilities: ["EC2"] }),
    executionRoleArn: executionRole.arn,
    taskRoleArn: taskRole.arn,
    containerDefinitions: containerDefinitionsJson(container),
    volume: config.volumes.map((v) => ({ name: v.name, hostPath: v.hostPath })),
    tags: tagsFor("task"),
  });

  // awsvpc tasks (Fargate, Managed Instances) have network interfaces of their own: the service's
  // security group, egress on 443 only (ECR, CloudWatch Logs, Secrets Manager, SSM); a load
  // balancer adds its ingress.
  let securityGroup: SecurityGroup | undefined;
  if (isAwsvpc(compute)) {
    // resolveComputeConfig refuses an awsvpc worker on a cluster without a network.
    const vpcId = loadBalancing?.vpcId ?? cluster.network?.vpcId ?? "";
    securityGroup = new SecurityGroup(scope, "tasks-sg", {
      namePrefix: `${namePrefix}-tasks-`,
      description: `${compute.kind === "fargate" ? "Fargate" : "Managed Instances"} tasks of service ${name}`,
      vpcId,
      tags: tagsFor("tasks"),
    });
    for (const port of FARGATE_TASK_EGRESS_PORTS) {
      new VpcSecurityGroupEgressRule(scope, `tasks-egress-${port}`, {
        securityGroupId: securityGroup.id,
        description: `Tasks to any IPv4 address on ${port}`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
        tags: tagsFor(`tasks-egress-${port}`),
      });
    }
  }

  const autoScaling = config.autoScaling;
  const shifting = config.deployment.strategy === "rolling" ? undefined : config.deployment;
  const shiftingLb = loadBalancing?.shifting;
  // resolveContainerServiceConfig refuses a traffic-shifting deployment without a load balancer.
  const deploymentConfiguration = shifting &&
    shiftingLb && {
      strategy: ECS_DEPLOYMENT_STRATEGY[shifting.strategy],
      bakeTimeInMinutes: `${shifting.bakeTimeMinutes}`,
      canaryConfiguration: shifting.canary && {
        canaryPercent: shifting.canary.percent,
        canaryBakeTimeInMinutes: `${shifting.canary.bakeTimeMinutes}`,
      },
      linearConfiguration: shifting.linear && {
        stepPercent: shifting.linear.stepPercent,
        stepBakeTimeInMinutes: `${shifting.linear.stepBakeTimeMinutes}`,
      },
      lifecycleHook:
        shifting.lifecycleHooks.length > 0
          ? shifting.lifecycleHooks.map((hook) => ({
              hookTargetArn: hook.functionArn,
              roleArn: shiftingLb.roleArn,
              lifecycleStages: hook.stages,
              hookDetails: hook.details,
            }))
          : undefined,
    };
  // The given alarms and the service's own (none without a load balancer).
  const own = loadBalancing?.ownAlarmNames ?? [];
  const deploymentAlarms = config.deploymentAlarms && {
    ...config.deploymentAlarms,
    alarmNames:
      own.length === 0 ? config.deploymentAlarms.alarmNames : [...config.deploymentAlarms.alarmNames, ...own],
  };
  const ignoreChanges = [
    // Auto scaling owns the desired count once it exists.
    ...(autoScaling ? ["desired_count"] : []),
    // A pipeline deploys new task definition revisions (imageOwner "ci").
    ...(config.imageOwner === "ci" ? ["task_definition"] : []),
  ];
  const placementConstraints = [
    ...config.placementConstraints.map((c) =>
      c.type === "memberOf" ? { type: c.type, expression: c.expression } : { type: c.type },
    ),
    ...(compute.kind === "external" ? [{ type: "memberOf", expression: compute.placementExpression }] : []),
  ];
  const service = new EcsService(scope, "service", {
    name,
    cluster: cluster.clusterArn,
    taskDefinition: taskDefinition.arn,
    desiredCount: config.desiredCount,
    deploymentMaximumPercent: config.deploymentMaximumPercent,
    deploymentMinimumHealthyPercent: config.deploymentMinimumHealthyPercent,
    deploymentCircuitBreaker: { enable: true, rollback: true },
    deploymentConfiguration,
    alarms: deploymentAlarms && deploymentAlarmsBlock(deploymentAlarms),
    forceNewDeployment: config.forceNewDeployment || undefined,
    // Explicit even for the cluster's default: AWS reports the strategy it used, and the provider
    // would otherwise plan to remove it on every run (which it refuses without a new deployment).
    // ECS Anywhere runs by the EXTERNAL launch type instead, with no capacity provider.
    launchType: compute.kind === "external" ? "EXTERNAL" : undefined,
    capacityProviderStrategy:
      compute.kind === "external"
        ? undefined
        : (
            config.capacityProviderStrategy ?? [
              {
                capacityProvider:
                  compute.kind === "fargate"
                    ? compute.spot
                      ? "FARGATE_SPOT"
                      : "FARGATE"
                    : compute.kind === "managedInstances"
                      ? compute.capacity.capacityProviderName
                      : cluster.capacityProviderName,
                weight: 1,
                base: 0,
              },
            ]
          ).map((item) => ({
            capacityProvider: item.capacityProvider,
            weight: item.weight,
            base: item.base,
          })),
    platformVersion: compute.kind === "fargate" ? compute.platformVersion : undefined,
    networkConfiguration:
      isAwsvpc(compute) && securityGroup
        ? {
            subnets: compute.subnetIds,
            securityGroups: [securityGroup.id],
            assignPublicIp: compute.assignPublicIp,
          }
        : undefined,
    orderedPlacementStrategy:
      compute.kind === "fargate" ||
      (compute.kind === "managedInstances" && config.placementStrategies.length === 0)
        ? undefined
        : config.placementStrategies.map((s) => ({ type: s.type, field: s.field })),
    placementConstraints: placementConstraints.length > 0 ? placementConstraints : undefined,
    loadBalancer: loadBalancing && [
      {
        targetGroupArn: loadBalancing.targetGroupArn,
        containerName: config.containerName,
        containerPort: loadBalancing.containerPort,
        advancedConfiguration: shiftingLb && {
          alternateTargetGroupArn: shiftingLb.alternateTargetGroupArn,
          productionListenerRule: shiftingLb.productionListenerRuleArn,
          testListenerRule: shiftingLb.testListenerRuleArn,
          roleArn: shiftingLb.roleArn,
        },
      },
    ],
    healthCheckGracePeriodSeconds: loadBalancing?.healthCheckGracePeriodSeconds,
    enableExecuteCommand: config.enableExecuteCommand,
    enableEcsManagedTags: true,
    propagateTags: "SERVICE",
    waitForSteadyState: false,
    tags: tagsFor("service"),
    dependsOn: [
      // The capacity provider must be associated with the cluster before a strategy names it.
      ...(cluster.capacityProviderAssociation && compute.kind !== "external"
        ? [cluster.capacityProviderAssociation]
        : []),
      // A Managed Instances provider is associated by its own creation (its cluster argument).
      ...(compute.kind === "managedInstances" ? managedInstancesDependables(compute, cluster, config) : []),
      // Tasks need the execution role's permissions from their first start to their last stop.
      executionPolicy,
      ...(taskRoleGrants.resource ? [taskRoleGrants.resource] : []),
      ...(loadBalancing?.dependsOn ?? []),
    ],
    lifecycle: ignoreChanges.length > 0 ? { ignoreChanges } : undefined,
  });

  if (deploymentAlarms) addDynamicAlarms(service, deploymentAlarms);

  let scalableTarget: AppautoscalingTarget | undefined;
  let cpuScalingPolicy: AppautoscalingPolicy | undefined;
  let requestCountScalingPolicy: AppautoscalingPolicy | undefined;
  if (autoScaling) {
    scalableTarget = new AppautoscalingTarget(scope, "scaling-target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${cluster.clusterName}/${service.name}`,
      minCapacity: autoScaling.minCapacity,
      maxCapacity: autoScaling.maxCapacity,
      tags: tagsFor("scaling"),
    });
    const target = scalableTarget;
    const trackingPolicy = (
      id: string,
      metric: string,
      value: number,
      resourceLabel?: string,
    ): AppautoscalingPolicy =>
      new AppautoscalingPolicy(scope, id, {
        name: `${name}-${id}`,
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: value,
          scaleInCooldown: autoScaling.scaleInCooldownSeconds,
          scaleOutCooldown: autoScaling.scaleOutCooldownSeconds,
          predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel },
        },
      });
    cpuScalingPolicy = trackingPolicy(
      "cpu-scaling",
      "ECSServiceAverageCPUUtilization",
      autoScaling.targetCpuUtilizationPercent,
    );
    if (autoScaling.targetRequestsPerTarget !== undefined && loadBalancing) {
      requestCountScalingPolicy = trackingPolicy(
        "request-count-scaling",
        "ALBRequestCountPerTarget",
        autoScaling.targetRequestsPerTarget,
        loadBalancing.requestCountResourceLabel(),
      );
    }
  }

  // A grant made after construction creates the task policy then: the service must wait for it too.
  taskRoleGrants.onPolicyCreated = (policy) => {
    service.dependsOn = [...(service.dependsOn ?? []), dependable(policy)];
  };

  return {
    repository,
    image,
    logGroup,
    executionRole,
    taskRole,
    taskRoleGrants,
    taskDefinition,
    securityGroup,
    service,
    scalableTarget,
    cpuScalingPolicy,
    requestCountScalingPolicy,
  };
}

/**
 * The Managed Instances capacity providers a service's strategy names, to wait for: compute.capacity
 * and the cluster's others its strategy names (by reference, after checkStrategyFitsCompute).
 */
function managedInstancesDependables(
  compute: Extract<ComputeConfig, { kind: "managedInstances" }>,
  cluster: IEcsCluster,
  config: ContainerServiceConfig,
): ITerraformDependable[] {
  const dependables = new Set<ITerraformDependable>();
  if (compute.capacity.capacityProvider) dependables.add(compute.capacity.capacityProvider);
  const named = new Set((config.capacityProviderStrategy ?? []).map((item) => item.capacityProvider));
  for (const capacity of cluster.managedInstances ?? []) {
    if (capacity.capacityProvider && named.has(capacity.capacityProviderName)) {
      dependables.add(capacity.capacityProvider);
    }
  }
  return [...dependables];
}
