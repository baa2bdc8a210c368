import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import {
  LbListenerRule,
  LbListenerRuleAction,
  LbListenerRuleCondition,
} from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { policyDocument } from "../shared/iam";
import { ShiftingDeploymentConfig } from "./deployment-config";
import { deploymentRoleStatements, ecsInfrastructureAssumeRolePolicy } from "./iam";
import {
  describeRuleConflict,
  ILoadBalancer,
  PRODUCTION_LISTENER_PORTS,
  RuleReservation,
} from "./load-balancer-ref";
import { LoadBalancedServiceProps } from "./props";
import { RoutingConfig, resolveRoutingConfig } from "./routing-config";
import { resolveContainerServiceConfig } from "./service-config";
import { checkKnownKeys, Fail, failFor, ValidationError } from "../shared/validation";
import { isAwsvpc } from "./compute-config";
import { LOAD_BALANCED_AUTO_SCALING_OPTIONS_KEYS, LOAD_BALANCED_SERVICE_PROPS_KEYS } from "./keys";
import { literal, withTags } from "./validation";
import { targetErrorsAlarm } from "./alarms";
import { createWorkload, Workload } from "./workload";
import { ContainerService } from "./container-service";

/** Longest `targetGroupName` of a traffic-shifting service: the alternate group adds `-alt`. */
export const MAX_SHIFTING_TARGET_GROUP_NAME_LENGTH = 28;

/**
 * Rejects what a blue/green, canary or linear deployment cannot work with, before anything is
 * created: more than one production listener, a test port the load balancer serves production on,
 * request-count scaling (it follows one target group), a header rule that could never match first.
 */
function checkShiftingDeployment(
  fail: Fail,
  shifting: ShiftingDeploymentConfig,
  routing: RoutingConfig,
  props: LoadBalancedServiceProps,
): void {
  const lb = props.loadBalancer;
  if (lb.serviceListenerRefs.length !== 1) {
    fail(
      "deployment.strategy",
      shifting.strategy,
      `have one production listener to shift: load balancer '${lb.node.id}' serves the service on ${lb.serviceListenerRefs.map((l) => l.id).join(" and ")}, and ECS moves one listener rule per deployment`,
      "redirect HTTP to HTTPS on the load balancer (redirectHttpToHttps), or use a rolling deployment",
    );
  }
  const requests = props.autoScaling?.targetRequestsPerTarget;
  if (requests !== undefined) {
    fail(
      "autoScaling.targetRequestsPerTarget",
      requests,
      `be unset with deployment.strategy ${JSON.stringify(shifting.strategy)}: the policy follows one target group, and each deployment moves the traffic to the other`,
      "scale on CPU (targetCpuUtilizationPercent) only, or use a rolling deployment",
    );
  }
  const name = routing.targetGroupName;
  if (name !== undefined && literal(name) && name.length > MAX_SHIFTING_TARGET_GROUP_NAME_LENGTH) {
    fail(
      "targetGroupName",
      name,
      `be at most ${MAX_SHIFTING_TARGET_GROUP_NAME_LENGTH} characters with deployment.strategy ${JSON.stringify(shifting.strategy)}: the alternate target group is named <targetGroupName>-alt (32 at most)`,
      "shorten it, or leave it unset for generated names",
    );
  }
  const test = shifting.testListener;
  // An imported load balancer without its ARN fails here, before anything is created.
  if (test?.kind === "port") void lb.arn;
  if (test?.kind === "port" && literal(test.port) && PRODUCTION_LISTENER_PORTS.includes(test.port)) {
    fail(
      "deployment.testListener.port",
      test.port,
      `not be a port the load balancer serves production traffic on (${PRODUCTION_LISTENER_PORTS.join(", ")})`,
      "pick a port of its own, e.g. 9000",
    );
  }
  if (test?.kind === "header") {
    if (
      literal(test.rulePriority) &&
      literal(routing.rulePriority) &&
      test.rulePriority >= routing.rulePriority
    ) {
      fail(
        "deployment.testListener.rulePriority",
        test.rulePriority,
        `be below the service's rulePriority (${routing.rulePriority}): the listener evaluates lower priorities first, and the header rule must match before the service's own rule`,
        `e.g. ${Math.max(1, routing.rulePriority - 1)}`,
      );
    }
    const lists = [routing.pathPatterns, routing.hostHeaders, test.headerValues];
    const values = lists.reduce((n, list) => n + list.length, 0);
    if (lists.every((list) => literal(list)) && values > 5) {
      fail(
        "deployment.testListener.headerValues",
        test.headerValues,
        `leave room in the header rule: its path patterns, host names and header values are ${values}, and an ALB rule takes at most 5 condition values`,
        "give fewer header values, paths or hosts",
      );
    }
  }
}

/**
 * A container service on an {@link EcsCluster} behind a shared {@link LoadBalancer}: its own
 * target group (health check on `/health`, 30 s deregistration delay) and listener rule (by path
 * and/or host, with a priority unique on the load balancer), an ECR repository, a log group, a
 * scoped execution role and an empty task role, a bridge-mode task definition with a dynamic host
 * port, and an ECS service with rolling deployments (or blue/green, canary or linear ones, with
 * an alternate target group, a test listener rule and a deployment role), a circuit breaker with
 * rollback, optional alarm rollback, placement over AZs and optional target-tracking auto scaling.
 * See README.md.
 *
 * Instances accept traffic from the load balancer's security group only, on the dynamic host port
 * range. It configures no provider, region, backend or outputs: the stack does.
 */
export class LoadBalancedService extends ContainerService {
  /** The load balancer routing to this service. */
  public readonly loadBalancer: ILoadBalancer;
  /** The service's target group (instance targets, registered by ECS). */
  public readonly targetGroup: LbTargetGroup;
  /** ARN of {@link targetGroup}. */
  public readonly targetGroupArn: string;
  /**
   * The second target group of a blue/green, canary or linear deployment: the new revision's
   * tasks register here, then the two groups swap roles.
   */
  public readonly alternateTargetGroup: LbTargetGroup | undefined;
  /** The service's listener rules: one per listener serving traffic (HTTPS, and HTTP unless it redirects). */
  public readonly listenerRules: LbListenerRule[];
  /** The rule test traffic reaches the new revision by (blue/green, canary, linear with `testListener`). */
  public readonly testListenerRule: LbListenerRule | undefined;
  /**
   * The role ECS assumes to shift traffic (its rules and target groups only) and to invoke the
   * lifecycle hooks; with a blue/green, canary or linear deployment.
   */
  public readonly deploymentRole: IamRole | undefined;
  /** The service's own deployment alarm, with `deploymentAlarms.targetErrorsAlarm`. */
  public readonly targetErrorsAlarm: CloudwatchMetricAlarm | undefined;
  /** Name of the service's container. */
  public readonly containerName: string;
  /** Port the container listens on. */
  public readonly containerPort: number;

  protected readonly workload: Workload;

  /** The requests-per-target tracking policy, with `autoScaling.targetRequestsPerTarget`. */
  public get requestCountScalingPolicy(): AppautoscalingPolicy | undefined {
    return this.workload.requestCountScalingPolicy;
  }

  /** Validates every prop (throwing before any resource is created), then builds the service. */
  public constructor(scope: Construct, id: string, props: LoadBalancedServiceProps) {
    super(scope, id);
    const owner = `LoadBalancedService '${id}'`;
    const fail: Fail = failFor(owner);
    checkKnownKeys(fail, "", props, LOAD_BALANCED_SERVICE_PROPS_KEYS);
    checkKnownKeys(fail, "autoScaling", props.autoScaling, LOAD_BALANCED_AUTO_SCALING_OPTIONS_KEYS);
    const config = resolveContainerServiceConfig(fail, id, props, props.autoScaling, true);
    const routing = resolveRoutingConfig(fail, props);
    const lb = props.loadBalancer;
    const shifting = config.deployment.strategy === "rolling" ? undefined : config.deployment;
    if (shifting) checkShiftingDeployment(fail, shifting, routing, props);
    // The 5xx alarm names the load balancer: an imported one without its ARN fails here, first.
    if (config.deploymentAlarms?.targetErrorsAlarm) void lb.arnSuffix;
    const testHeader = shifting?.testListener?.kind === "header" ? shifting.testListener : undefined;
    const rules: RuleReservation[] = [
      {
        owner,
        priority: routing.rulePriority,
        hostHeaders: routing.hostHeaders,
        pathPatterns: routing.pathPatterns,
      },
      ...(testHeader
        ? [
            {
              owner: `${owner} (test rule)`,
              priority: testHeader.rulePriority,
              hostHeaders: routing.hostHeaders,
              pathPatterns: routing.pathPatterns,
              httpHeader: testHeader.headerName,
            },
          ]
        : []),
    ];
    for (const rule of rules) {
      const conflict = lb.findRuleConflict(rule);
      if (conflict) throw new ValidationError(`${owner}: ${describeRuleConflict(conflict, lb.node.id)}`);
    }
    for (const rule of rules) lb.reserveRule(rule);

    this.loadBalancer = lb;
    this.containerName = config.containerName;
    this.containerPort = routing.containerPort;
    const awsvpc = isAwsvpc(config.compute);
    // awsvpc tasks (Fargate, Managed Instances) are reached on their own addresses, through the
    // service's security group.
    if (!awsvpc) lb.allowTrafficTo(props.cluster);

    const targetGroup = (tgId: string, name: string | undefined, nameTag: string): LbTargetGroup =>
      new LbTargetGroup(this, tgId, {
        name,
        // Bridge mode: ECS registers each task's instance with its dynamic host port; awsvpc
        // (Fargate, Managed Instances): each task's own address.
        targetType: awsvpc ? "ip" : "instance",
        port: routing.containerPort,
        protocol: "HTTP",
        protocolVersion: "HTTP1",
        vpcId: lb.vpcId,
        deregistrationDelay: `${routing.deregistrationDelaySeconds}`,
        healthCheck: {
          enabled: true,
          path: routing.healthCheckPath,
          port: "traffic-port",
          protocol: "HTTP",
          matcher: routing.healthCheckSuccessCodes,
          interval: routing.healthCheckIntervalSeconds,
          timeout: routing.healthCheckTimeoutSeconds,
          healthyThreshold: routing.healthyThresholdCount,
          unhealthyThreshold: routing.unhealthyThresholdCount,
        },
        stickiness:
          routing.stickinessDurationSeconds === undefined
            ? { type: "lb_cookie", enabled: false }
            : { type: "lb_cookie", enabled: true, cookieDuration: routing.stickinessDurationSeconds },
        tags: withTags(config.tags, { Name: nameTag }),
        // A changed port or protocol replaces the group: the new one must exist before the rule moves.
        lifecycle: name === undefined ? { createBeforeDestroy: true } : undefined,
      });
    this.targetGroup = targetGroup("target-group", routing.targetGroupName, config.serviceName);
    this.targetGroupArn = this.targetGroup.arn;
    this.alternateTargetGroup =
      shifting &&
      targetGroup(
        "alternate-target-group",
        routing.targetGroupName === undefined ? undefined : `${routing.targetGroupName}-alt`,
        `${config.serviceName}-alternate`,
      );
    const alternate = this.alternateTargetGroup;

    const conditions: LbListenerRuleCondition[] = [
      ...(routing.pathPatterns.length > 0 ? [{ pathPattern: { values: routing.pathPatterns } }] : []),
      ...(routing.hostHeaders.length > 0 ? [{ hostHeader: { values: routing.hostHeaders } }] : []),
    ];
    // A traffic-shifting deployment starts with all traffic on the primary group; ECS then rewrites
    // the weights, which Terraform must not undo (hence ignore_changes on the action).
    const action: LbListenerRuleAction[] = alternate
      ? [
          {
            type: "forward",
            forward: {
              targetGroup: [
                { arn: this.targetGroupArn, weight: 100 },
                { arn: alternate.arn, weight: 0 },
              ],
            },
          },
        ]
      : [{ type: "forward", targetGroupArn: this.targetGroupArn }];
    const shifted = alternate ? { ignoreChanges: ["action"] } : undefined;
    this.listenerRules = lb.serviceListenerRefs.map(
      (listener) =>
        new LbListenerRule(this, `rule-${listener.id}`, {
          listenerArn: listener.arn,
          priority: routing.rulePriority,
          action,
          condition: conditions,
          tags: withTags(config.tags, { Name: `${config.serviceName}-${listener.id}` }),
          lifecycle: shifted,
        }),
    );

    const test = shifting?.testListener;
    this.testListenerRule =
      test &&
      new LbListenerRule(this, "test-rule", {
        listenerArn: test.kind === "port" ? lb.testListenerArn(test.port) : lb.serviceListenerRefs[0]!.arn,
        priority: test.kind === "port" ? routing.rulePriority : test.rulePriority,
        action,
        condition: [
          ...conditions,
          ...(test.kind === "header"
            ? [{ httpHeader: { httpHeaderName: test.headerName, values: test.headerValues } }]
            : []),
        ],
        tags: withTags(config.tags, { Name: `${config.serviceName}-test` }),
        lifecycle: shifted,
      });

    let deploymentPolicy: IamRolePolicy | undefined;
    if (shifting && alternate) {
      const prefix = literal(config.serviceName) ? config.serviceName.slice(0, 24) : "svc";
      this.deploymentRole = new IamRole(this, "deployment-role", {
        namePrefix: `${prefix}-deploy-`,
        description: `ECS shifting traffic of service ${config.serviceName} (${shifting.strategy})`,
        // AWS documents the infrastructure role's trust without conditions.
        assumeRolePolicy: ecsInfrastructureAssumeRolePolicy(),
        tags: withTags(config.tags, { Name: `${config.serviceName}-deployment` }),
      });
      deploymentPolicy = new IamRolePolicy(this, "deployment-policy", {
        role: this.deploymentRole.id,
        name: "ecs-deployment",
        policy: policyDocument(
          deploymentRoleStatements({
            targetGroupArns: [this.targetGroupArn, alternate.arn],
            listenerRuleArns: [
              ...this.listenerRules.map((r) => r.arn),
              ...(this.testListenerRule ? [this.testListenerRule.arn] : []),
            ],
            functionArns: [...new Set(shifting.lifecycleHooks.map((h) => h.functionArn))],
          }),
        ),
      });
    }

    // The service's own deployment alarm: its targets' 5xx answers, over both groups when shifting.
    const alarmConfig = config.deploymentAlarms;
    this.targetErrorsAlarm =
      alarmConfig?.targetErrorsAlarm === true
        ? targetErrorsAlarm(this, {
            name: `${props.cluster.clusterName}-${config.serviceName}-target-5xx`,
            serviceName: config.serviceName,
            loadBalancerArnSuffix: lb.arnSuffix,
            targetGroupArnSuffixes: [this.targetGroup.arnSuffix, ...(alternate ? [alternate.arnSuffix] : [])],
            threshold: alarmConfig.targetErrorsThreshold,
            tags: config.tags,
          })
        : undefined;

    this.workload = createWorkload(this, props.cluster, config, fail, {
      vpcId: lb.vpcId,
      targetGroupArn: this.targetGroupArn,
      containerPort: routing.containerPort,
      healthCheckGracePeriodSeconds: routing.healthCheckGracePeriodSeconds,
      requestCountResourceLabel: () => `${lb.arnSuffix}/${this.targetGroup.arnSuffix}`,
      ownAlarmNames: this.targetErrorsAlarm ? [this.targetErrorsAlarm.alarmName] : [],
      dependsOn: [
        ...(this.targetErrorsAlarm ? [this.targetErrorsAlarm] : []),
        ...this.listenerRules,
        ...(this.testListenerRule ? [this.testListenerRule] : []),
        ...(deploymentPolicy ? [deploymentPolicy] : []),
      ],
      shifting:
        alternate && this.deploymentRole
          ? {
              alternateTargetGroupArn: alternate.arn,
              productionListenerRuleArn: this.listenerRules[0]!.arn,
              testListenerRuleArn: this.testListenerRule?.arn,
              roleArn: this.deploymentRole.arn,
            }
          : undefined,
    });
    const tasks = this.workload.securityGroup;
    if (tasks) {
      // Only the load balancer reaches the tasks, on the container port (health checks included).
      new VpcSecurityGroupIngressRule(this, "tasks-ingress", {
        securityGroupId: tasks.id,
        description: `From load balancer ${lb.node.id} on ${routing.containerPort}`,
        referencedSecurityGroupId: lb.securityGroupId,
        ipProtocol: "tcp",
        fromPort: routing.containerPort,
        toPort: routing.containerPort,
        tags: withTags(config.tags, { Name: `${config.serviceName}-tasks-ingress` }),
      });
      lb.allowTrafficToTasks(this, { securityGroupId: tasks.id }, routing.containerPort);
    }
  }
}
