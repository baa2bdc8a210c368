import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { ecsTasksAssumeRolePolicy } from "../load-balanced-service/iam";
import { failFor } from "../shared/validation";
import { traefikPolicy } from "./iam";
import type { TraefikEdgeProps, TraefikRouteOptions } from "./props";
import {
  checkRouteOptions,
  routeLabels,
  traefikArguments,
  traefikHealthCheckCommand,
} from "./traefik-config";
import { attributeExpression, resolveTraefikEdgeConfig, TraefikEdgeConfig } from "./validation";

/** Name of Traefik's container in the task definition. */
export const TRAEFIK_CONTAINER_NAME = "traefik";
/**
 * Linux capabilities the Traefik container keeps (every other one is dropped): binding ports below
 * 1024 in host network mode. The official image runs Traefik as root; it writes nothing to disk
 * with this configuration, so the root filesystem is read-only.
 */
export const TRAEFIK_CAPABILITIES: readonly string[] = ["NET_BIND_SERVICE"];

/**
 * A Traefik edge on ECS Anywhere machines: one task definition (the official Traefik image, host
 * network mode, `EXTERNAL` compatibility) and an ECS service with the `EXTERNAL` launch type placed
 * on the machines with the chosen attributes (`memberOf`). Traefik's ECS provider discovers the
 * cluster's tasks labelled with {@link traefikRouteLabels} (`traefik.enable=true`, nothing by
 * default) on its ECS Anywhere instances and routes to them; its task role may only read (ECS on
 * this cluster, EC2 and SSM instance descriptions).
 *
 * Host network mode, as for the HAProxy edge: the entry points are the machine's own ports.
 */
export class TraefikEdge extends Construct {
  /** The task role (read-only ECS, EC2 and SSM permissions of Traefik's ECS provider). */
  public readonly taskRole: IamRole;
  /** The log group (`/ecs/<cluster>/<name>`, written by the awslogs driver with the instance role). */
  public readonly logGroup: CloudwatchLogGroup;
  /** The task definition. */
  public readonly taskDefinition: EcsTaskDefinition;
  /** The ECS service (launch type EXTERNAL). */
  public readonly service: EcsService;
  /** Traefik's static configuration: the container's arguments. */
  public readonly arguments: readonly string[];
  /** The `memberOf` expression placing the tasks. */
  public readonly placementExpression: string;
  /** The configuration the construct was built from. */
  public readonly config: TraefikEdgeConfig;

  public constructor(scope: Construct, id: string, props: TraefikEdgeProps) {
    const config = resolveTraefikEdgeConfig(failFor(`TraefikEdge '${id}'`), props);
    super(scope, id);
    this.config = config;
    const { cluster } = props;
    const { name, region } = config;
    const tagged = (resourceName: string): Record<string, string> => ({ ...config.tags, Name: resourceName });

    const partition = new DataAwsPartition(this, "partition").partition;
    const account = new DataAwsCallerIdentity(this, "account").accountId;
    const ecsArnPrefix = `arn:${partition}:ecs:${region}:${account}`;

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/ecs/${cluster.clusterName}/${name}`,
      retentionInDays: config.logRetentionDays,
      tags: tagged(name),
    });

    this.taskRole = new IamRole(this, "task-role", {
      name: `${name}-task`,
      description: `Traefik edge of ${cluster.clusterName}: reads the cluster's tasks (ECS provider)`,
      assumeRolePolicy: ecsTasksAssumeRolePolicy({ account, ecsArnPrefix }),
      tags: tagged(`${name}-task`),
    });
    new IamRolePolicy(this, "task-policy", {
      name: "traefik-ecs-provider-read",
      role: this.taskRole.id,
      policy: traefikPolicy({
        clusterArn: cluster.clusterArn,
        ecsArnPrefix,
        clusterName: cluster.clusterName,
      }),
    });

    this.arguments = traefikArguments({
      entryPoints: config.entryPoints,
      pingPort: config.pingPort,
      ecs: { clusterName: cluster.clusterName, region, refreshSeconds: config.refreshSeconds },
      accessLog: config.accessLog,
    });
    const ports = [...Object.values(config.entryPoints), config.pingPort];
    const container = {
      name: TRAEFIK_CONTAINER_NAME,
      image: config.image,
      essential: true,
      cpu: config.cpuUnits,
      memory: config.memoryLimitMiB,
      memoryReservation: config.memoryReservationMiB,
      command: [...this.arguments],
      // Host mode: declared so ECS never places two edges (or anything else on these ports) on one machine.
      portMappings: ports.map((port) => ({ containerPort: port, hostPort: port, protocol: "tcp" })),
      readonlyRootFilesystem: true,
      privileged: false,
      linuxParameters: { capabilities: { drop: ["ALL"], add: [...TRAEFIK_CAPABILITIES] } },
      healthCheck: {
        command: traefikHealthCheckCommand(config.pingPort),
        interval: 10,
        timeout: 5,
        retries: 3,
        startPeriod: 15,
      },
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": this.logGroup.name,
          "awslogs-region": region,
          "awslogs-stream-prefix": name,
        },
      },
    };
    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: name,
      networkMode: "host",
      requiresCompatibilities: ["EXTERNAL"],
      taskRoleArn: this.taskRole.arn,
      containerDefinitions: JSON.stringify([container]),
      tags: tagged(name),
    });
    this.placementExpression = attributeExpression(config.instanceAttributes);
    this.service = new EcsService(this, "service", {
      name,
      cluster: cluster.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      launchType: "EXTERNAL",
      desiredCount: config.desiredCount,
      // Fixed host ports: the old task must stop before the new one binds them.
      deploymentMinimumHealthyPercent: 0,
      deploymentMaximumPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      placementConstraints: [
        { type: "memberOf", expression: this.placementExpression },
        { type: "distinctInstance" },
      ],
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      tags: tagged(name),
    });
  }

  /**
   * The docker labels that route a service's container through this edge, checked against its
   * entry points (see {@link traefikRouteLabels}).
   */
  public routeLabels(options: TraefikRouteOptions): Record<string, string> {
    checkRouteOptions(
      failFor(`TraefikEdge '${this.node.id}' routeLabels '${String(options.router)}'`),
      options,
      Object.keys(this.config.entryPoints),
    );
    return routeLabels(options);
  }
}
