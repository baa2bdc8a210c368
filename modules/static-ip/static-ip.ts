import { dependable, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { EcsCapacity } from "../ecs-cluster";
import { failFor } from "../shared/validation";
import { StaticIpAddresses } from "./addresses";
import { addStaticIpAlarms } from "./alarms";
import { addAttacher } from "./attacher";
import { addEdgeCapacity } from "./edge-capacity";
import { EdgeProxy } from "./edge-proxy";
import { StaticIpProps } from "./props";
import { resolveStaticIpConfig, StaticIpConfig } from "./validation";

export { LAMBDA_HANDLER, LAMBDA_MEMORY_MIB, LAMBDA_RUNTIME, LAUNCH_LIFECYCLE_DETAIL_TYPE } from "./attacher";

/**
 * Static public IPs for the edge of an ECS cluster, end to end:
 *
 * - the addresses ({@link StaticIpAddresses}: per AZ an ENI holding an Elastic IP), given or created here;
 * - per AZ a one-instance "edge" Auto Scaling group in the cluster whose launch lifecycle hook waits
 *   until the attacher Lambda has attached that AZ's ENI to the new instance (EventBridge rule,
 *   retries, dead-letter queue, alarms);
 * - a reconcile: an EventBridge schedule invoking the same Lambda, which re-attaches an ENI left
 *   unattached (or on a terminated instance) while its AZ's group has an InService instance;
 * - the edge proxy ({@link EdgeProxy}): HAProxy on the edge instances in host network mode, bound to
 *   the ENI's address, forwarding to the load balancer.
 */
export class StaticIp extends Construct {
  /** The addresses (given, or created here as `addresses`). */
  public readonly addresses: StaticIpAddresses;
  /** The public addresses, by AZ. */
  public readonly publicIps: Readonly<Record<string, string>>;
  /** Ids of the ENIs holding them, by AZ. */
  public readonly networkInterfaceIds: Readonly<Record<string, string>>;
  /** The edge capacity (one Auto Scaling group registered in the cluster), by AZ. */
  public readonly edgeCapacities: Readonly<Record<string, EcsCapacity>>;
  /** Names of the edge Auto Scaling groups, by AZ. */
  public readonly edgeAutoScalingGroupNames: Readonly<Record<string, string>>;
  /** The edge proxy (task definitions and services by AZ, log group). */
  public readonly proxy: EdgeProxy;
  /** The attacher Lambda. */
  public readonly lambdaFunction: LambdaFunction;
  /** Name of {@link lambdaFunction}. */
  public readonly lambdaFunctionName: string;
  /** The Lambda's execution role. */
  public readonly lambdaRole: IamRole;
  /** The Lambda's log group. */
  public readonly lambdaLogGroup: CloudwatchLogGroup;
  /** The dead-letter queue of both EventBridge rules and the Lambda's async invocation. */
  public readonly deadLetterQueue: SqsQueue;
  /** Name of {@link deadLetterQueue}. */
  public readonly deadLetterQueueName: string;
  /** The EventBridge rule matching the edge groups' launch lifecycle actions. */
  public readonly eventRule: CloudwatchEventRule;
  /** The EventBridge schedule of the reconcile. */
  public readonly reconcileRule: CloudwatchEventRule;
  /** Alarm on the Lambda's Errors metric (undefined when `alarms` is false). */
  public readonly lambdaErrorsAlarm?: CloudwatchMetricAlarm;
  /** Alarm on visible messages in the dead-letter queue (undefined when `alarms` is false). */
  public readonly deadLetterQueueAlarm?: CloudwatchMetricAlarm;
  /** The configuration the construct was built from. */
  public readonly config: StaticIpConfig;

  public constructor(scope: Construct, id: string, props: StaticIpProps) {
    // Validated before super(), so a rejected StaticIp leaves no construct behind.
    const config = resolveStaticIpConfig(failFor(`StaticIp '${id}'`), props);
    super(scope, id);
    this.config = config;
    const { network, cluster, loadBalancer } = props;
    const name = config.name ?? `${cluster.clusterName}-static-ip`;
    const tagged = (resourceName: string): Record<string, string> => ({ ...config.tags, Name: resourceName });

    const own = config.ownAddresses;
    this.addresses =
      props.addresses ??
      new StaticIpAddresses(this, "addresses", {
        network,
        name,
        availabilityZones: own && [...own.availabilityZones],
        proxyPorts: own && [...own.proxyPorts],
        allowEipDestroy: own?.allowEipDestroy,
        tags: own?.tags,
      });
    const addresses = this.addresses;
    this.publicIps = addresses.publicIps;
    this.networkInterfaceIds = addresses.networkInterfaceIds;

    const partition = new DataAwsPartition(this, "partition").partition;
    const region = new DataAwsRegion(this, "region").region;
    const account = new DataAwsCallerIdentity(this, "account").accountId;

    const edgeSize = config.stopped ? 0 : 1;
    const edge = addEdgeCapacity(cluster, network, config, edgeSize);
    this.edgeCapacities = edge.capacities;
    this.edgeAutoScalingGroupNames = edge.groupNameByAz;

    const attacher = addAttacher(this, {
      name,
      config,
      tagged,
      partition,
      region,
      account,
      addresses,
      groupNames: edge.groupNames,
    });
    this.lambdaLogGroup = attacher.logGroup;
    this.deadLetterQueue = attacher.deadLetterQueue;
    this.deadLetterQueueName = attacher.deadLetterQueue.name;
    this.lambdaRole = attacher.role;
    this.lambdaFunction = attacher.lambdaFunction;
    this.lambdaFunctionName = attacher.lambdaFunction.functionName;
    this.eventRule = attacher.eventRule;
    this.reconcileRule = attacher.reconcileRule;

    // The groups launch their first instance as soon as they exist: everything that handles its
    // launch event must be in place by then. The EIP associations too, when they are in this stack
    // (a resource in another stack cannot be a depends_on; that stack is applied first anyway).
    const sameStack = TerraformStack.of(addresses) === TerraformStack.of(this);
    const associations: string[] = sameStack
      ? Object.values(addresses.eipAssociations).map((association) => dependable(association))
      : [];
    for (const capacity of Object.values(edge.capacities)) {
      const group = capacity.autoScalingGroup;
      group.dependsOn = [...(group.dependsOn ?? []), ...attacher.launchHandlers, ...associations];
    }

    this.proxy = new EdgeProxy(this, "proxy", {
      cluster,
      loadBalancer,
      capacities: edge.capacities,
      bindAddresses: addresses.privateIps,
      proxyPorts: config.proxyPorts,
      resolverAddress: config.resolverAddress,
      region,
      name,
      config: config.proxy,
      desiredCount: edgeSize,
      tags: config.tags,
    });

    if (!config.alarms) return;
    const alarms = addStaticIpAlarms(this, name, config, tagged, {
      lambdaFunctionName: this.lambdaFunctionName,
      deadLetterQueueName: this.deadLetterQueueName,
    });
    this.lambdaErrorsAlarm = alarms.lambdaErrors;
    this.deadLetterQueueAlarm = alarms.deadLetterQueue;
  }
}
