import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { LbListenerRule, LbListenerRuleCondition } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { describeRuleConflict, ILoadBalancer } from "./load-balancer-ref";
import { LoadBalancedServiceProps } from "./props";
import { resolveRoutingConfig } from "./routing-config";
import { resolveContainerServiceConfig } from "./service-config";
import { checkKnownKeys, Fail, failFor, ValidationError } from "../shared/validation";
import { LOAD_BALANCED_AUTO_SCALING_OPTIONS_KEYS, LOAD_BALANCED_SERVICE_PROPS_KEYS } from "./keys";
import { withTags } from "./validation";
import { createWorkload, Workload } from "./workload";
import { ContainerService } from "./container-service";

/**
 * A container service on an {@link EcsCluster} behind a shared {@link LoadBalancer}: its own
 * target group (health check on `/health`, 30 s deregistration delay) and listener rule (by path
 * and/or host, with a priority unique on the load balancer), an ECR repository, a log group, a
 * scoped execution role and an empty task role, a bridge-mode task definition with a dynamic host
 * port, and an ECS service with rolling deployments, a circuit breaker with rollback, placement
 * over AZs and optional target-tracking auto scaling. See README.md.
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
  /** The service's listener rules: one per listener serving traffic (HTTPS, and HTTP unless it redirects). */
  public readonly listenerRules: LbListenerRule[];
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
    const config = resolveContainerServiceConfig(fail, id, props, props.autoScaling);
    const routing = resolveRoutingConfig(fail, props);
    const lb = props.loadBalancer;
    const rule = {
      priority: routing.rulePriority,
      hostHeaders: routing.hostHeaders,
      pathPatterns: routing.pathPatterns,
    };
    const conflict = lb.findRuleConflict(rule);
    if (conflict) throw new ValidationError(`${owner}: ${describeRuleConflict(conflict, lb.node.id)}`);
    lb.reserveRule({ owner, ...rule });

    this.loadBalancer = lb;
    this.containerName = config.containerName;
    this.containerPort = routing.containerPort;
    lb.allowTrafficTo(props.cluster);

    this.targetGroup = new LbTargetGroup(this, "target-group", {
      name: routing.targetGroupName,
      // Bridge mode: ECS registers each task's instance with its dynamic host port.
      targetType: "instance",
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
      tags: withTags(config.tags, { Name: config.serviceName }),
      // A changed port or protocol replaces the group: the new one must exist before the rule moves.
      lifecycle: routing.targetGroupName === undefined ? { createBeforeDestroy: true } : undefined,
    });
    this.targetGroupArn = this.targetGroup.arn;

    const conditions: LbListenerRuleCondition[] = [
      ...(routing.pathPatterns.length > 0 ? [{ pathPattern: { values: routing.pathPatterns } }] : []),
      ...(routing.hostHeaders.length > 0 ? [{ hostHeader: { values: routing.hostHeaders } }] : []),
    ];
    this.listenerRules = lb.serviceListenerRefs.map(
      (listener) =>
        new LbListenerRule(this, `rule-${listener.id}`, {
          listenerArn: listener.arn,
          priority: routing.rulePriority,
          action: [{ type: "forward", targetGroupArn: this.targetGroupArn }],
          condition: conditions,
          tags: withTags(config.tags, { Name: `${config.serviceName}-${listener.id}` }),
        }),
    );

    this.workload = createWorkload(this, props.cluster, config, fail, {
      targetGroupArn: this.targetGroupArn,
      containerPort: routing.containerPort,
      healthCheckGracePeriodSeconds: routing.healthCheckGracePeriodSeconds,
      requestCountResourceLabel: () => `${lb.arnSuffix}/${this.targetGroup.arnSuffix}`,
      dependsOn: this.listenerRules,
    });
  }
}
