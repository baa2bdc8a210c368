import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { GrantCondition } from "./iam";
import { Workload } from "./workload";

/**
 * What every service kind exposes ({@link LoadBalancedService}, {@link WorkerService}): the ECS
 * service, its task definition, image, log group, repository, roles and auto scaling, read from
 * the {@link Workload} the subclass creates in its constructor.
 */
export abstract class ContainerService extends Construct {
  /** Name of the service's container. */
  public abstract readonly containerName: string;

  /** Set by the subclass's constructor, before anything reads the attributes below. */
  protected abstract readonly workload: Workload;

  /** The ECS service. */
  public get service(): EcsService {
    return this.workload.service;
  }
  /** Name of the ECS service (a reference, so users depend on it). */
  public get serviceName(): string {
    return this.workload.service.name;
  }
  /** The task definition. */
  public get taskDefinition(): EcsTaskDefinition {
    return this.workload.taskDefinition;
  }
  /** ARN (with revision) of {@link taskDefinition}. */
  public get taskDefinitionArn(): string {
    return this.workload.taskDefinition.arn;
  }
  /**
   * The tasks' own security group with `compute` type `fargate` or `managedInstances` (egress on 443; a
   * LoadBalancedService's load balancer has ingress on the container port); undefined otherwise.
   */
  public get securityGroup(): SecurityGroup | undefined {
    return this.workload.securityGroup;
  }
  /** Id of {@link securityGroup}, with `compute` type `fargate` or `managedInstances`. */
  public get securityGroupId(): string | undefined {
    return this.workload.securityGroup?.id;
  }
  /** The image the container runs. */
  public get image(): string {
    return this.workload.image;
  }
  /** The log group the container logs to, `/ecs/<cluster>/<serviceName>`. */
  public get logGroup(): CloudwatchLogGroup {
    return this.workload.logGroup;
  }
  /** Name of {@link logGroup}. */
  public get logGroupName(): string {
    return this.workload.logGroup.name;
  }
  /** The ECR repository, when the image comes from it (`imageTag`). */
  public get repository(): EcrRepository | undefined {
    return this.workload.repository;
  }
  /** URL of {@link repository}, to push images to. */
  public get repositoryUrl(): string | undefined {
    return this.workload.repository?.repositoryUrl;
  }
  /** The role the ECS agent uses for this service's tasks (pull, logs, secrets). */
  public get executionRole(): IamRole {
    return this.workload.executionRole;
  }
  /** The role the containers' code gets: no permissions until {@link grantTaskRole}. */
  public get taskRole(): IamRole {
    return this.workload.taskRole;
  }
  /** The auto scaling target, with `autoScaling`. */
  public get scalableTarget(): AppautoscalingTarget | undefined {
    return this.workload.scalableTarget;
  }
  /** The CPU target tracking policy, with `autoScaling`. */
  public get cpuScalingPolicy(): AppautoscalingPolicy | undefined {
    return this.workload.cpuScalingPolicy;
  }

  /**
   * Lets the containers' code call `actions` on `resources` (ARNs or ARN patterns), through the
   * task role. Explicit actions only (`s3:GetObject`, never `s3:*` or `s3:Get*`) and never a bare
   * `"*"` resource. Errors name the service, e.g. `LoadBalancedService '<id>': …`.
   */
  public grantTaskRole(actions: string[], resources: string[], condition?: GrantCondition): void {
    this.workload.taskRoleGrants.grant(actions, resources, condition);
  }
}
