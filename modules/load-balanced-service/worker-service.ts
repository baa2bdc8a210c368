import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { GrantCondition } from "./iam";
import { WorkerServiceProps } from "./props";
import { checkWorkerAutoScaling } from "./scheduling-config";
import { resolveContainerServiceConfig } from "./service-config";
import { Fail, failFor } from "./validation";
import { createWorkload, Workload } from "./workload";

/**
 * A container service without a load balancer (a queue consumer, a Sidekiq-style worker): the
 * same repository, log group, roles, task definition, ECS service, deployment and placement
 * settings and CPU auto scaling as {@link LoadBalancedService}, with no port mapping, target group
 * or ingress. See README.md.
 */
export class WorkerService extends Construct {
  /** The ECS service. */
  public readonly service: EcsService;
  /** Name of the ECS service (a reference, so users depend on it). */
  public readonly serviceName: string;
  /** The task definition. */
  public readonly taskDefinition: EcsTaskDefinition;
  /** ARN (with revision) of {@link taskDefinition}. */
  public readonly taskDefinitionArn: string;
  /** Name of the service's container. */
  public readonly containerName: string;
  /** The image the container runs. */
  public readonly image: string;
  /** The log group the container logs to, `/ecs/<cluster>/<serviceName>`. */
  public readonly logGroup: CloudwatchLogGroup;
  /** Name of {@link logGroup}. */
  public readonly logGroupName: string;
  /** The ECR repository, when the image comes from it (`imageTag`). */
  public readonly repository?: EcrRepository;
  /** URL of {@link repository}, to push images to. */
  public readonly repositoryUrl?: string;
  /** The role the ECS agent uses for this service's tasks (pull, logs, secrets). */
  public readonly executionRole: IamRole;
  /** The role the containers' code gets: no permissions until {@link grantTaskRole}. */
  public readonly taskRole: IamRole;
  /** The auto scaling target, with `autoScaling`. */
  public readonly scalableTarget?: AppautoscalingTarget;
  /** The CPU target tracking policy, with `autoScaling`. */
  public readonly cpuScalingPolicy?: AppautoscalingPolicy;

  private readonly workload: Workload;

  /** Validates every prop (throwing before any resource is created), then builds the service. */
  public constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    const fail: Fail = failFor(`WorkerService '${id}'`);
    checkWorkerAutoScaling(fail, props.autoScaling);
    const config = resolveContainerServiceConfig(fail, id, props, props.autoScaling);
    this.containerName = config.containerName;

    this.workload = createWorkload(this, props.cluster, config, fail);
    const w = this.workload;
    this.service = w.service;
    this.serviceName = w.service.name;
    this.taskDefinition = w.taskDefinition;
    this.taskDefinitionArn = w.taskDefinition.arn;
    this.image = w.image;
    this.logGroup = w.logGroup;
    this.logGroupName = w.logGroup.name;
    this.repository = w.repository;
    this.repositoryUrl = w.repository?.repositoryUrl;
    this.executionRole = w.executionRole;
    this.taskRole = w.taskRole;
    this.scalableTarget = w.scalableTarget;
    this.cpuScalingPolicy = w.cpuScalingPolicy;
  }

  /**
   * Lets the containers' code call `actions` on `resources` (ARNs or ARN patterns), through the
   * task role. Explicit actions only and never a bare `"*"` resource.
   */
  public grantTaskRole(actions: string[], resources: string[], condition?: GrantCondition): void {
    this.workload.taskRoleGrants.grant(actions, resources, condition);
  }
}
