import {
  AssetType,
  dependable,
  Fn,
  ITerraformDependable,
  TerraformAsset,
  TerraformStack,
  Token,
} from "cdktf";
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { EcsCapacity } from "../ecs-cluster";
import { failFor } from "../shared/validation";
import { StaticIpAddresses } from "./addresses";
import { bundleAttacher } from "./bundle";
import { EdgeProxy } from "./edge-proxy";
import {
  DLQ_SEND_ACTIONS,
  ENI_MOVE_ACTIONS,
  LAMBDA_LOG_ACTIONS,
  LIFECYCLE_ACTIONS,
  STATIC_IP_STAR_RESOURCE_ACTIONS,
} from "./iam";
import {
  DLQ_MESSAGE_RETENTION_SECONDS,
  EDGE_INSTANCE_ATTRIBUTES,
  EVENT_RETRY_ATTEMPTS,
  LAMBDA_ASYNC_RETRY_ATTEMPTS,
  LIFECYCLE_HOOK_NAME,
  StaticIpProps,
} from "./props";
import {
  azIdPart,
  lambdaAsyncEventAgeSeconds,
  lambdaTimeoutSeconds,
  maximumEventAgeSeconds,
  resolveStaticIpConfig,
  StaticIpConfig,
} from "./validation";

/** EventBridge detail-type of an Auto Scaling launch lifecycle action. */
export const LAUNCH_LIFECYCLE_DETAIL_TYPE = "EC2 Instance-launch Lifecycle Action";

/** Node.js runtime of the attacher Lambda (ships the AWS SDK v3 the bundle leaves external). */
export const LAMBDA_RUNTIME = "nodejs22.x";

/** Handler of the attacher Lambda: `handler` exported by the bundle's `index.js`. */
export const LAMBDA_HANDLER = "index.handler";

/** Memory of the attacher Lambda, MiB: it only waits on AWS calls. */
export const LAMBDA_MEMORY_MIB = 256;

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
    const azs = config.availabilityZones;
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

    // Edge group names are literals (the cluster's naming), and their ARNs are built from them, so
    // nothing below refers to the groups: the groups can then depend on the Lambda and the rule,
    // and the first instance's launch event is not lost.
    const groupNames: string[] = [];

    // The Lambda.
    const logGroup = new CloudwatchLogGroup(this, "lambda-logs", {
      name: `/aws/lambda/${name}`,
      retentionInDays: config.lambdaLogRetentionDays,
      tags: tagged(`/aws/lambda/${name}`),
    });
    this.lambdaLogGroup = logGroup;

    this.deadLetterQueue = new SqsQueue(this, "dlq", {
      name: `${name}-dlq`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DLQ_MESSAGE_RETENTION_SECONDS,
      tags: tagged(`${name}-dlq`),
    });
    this.deadLetterQueueName = this.deadLetterQueue.name;

    this.lambdaRole = new IamRole(this, "lambda-role", {
      name,
      description: `Attacher Lambda of ${name}: moves the static-IP ENIs to edge instances`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
        ],
      }),
      tags: tagged(name),
    });

    const edgeSize = config.stopped ? 0 : 1;
    const capacities: Record<string, EcsCapacity> = {};
    const groupNameByAz: Record<string, string> = {};
    for (const az of azs) {
      const capacity = cluster.addAutoScalingGroupCapacity(`edge-${azIdPart(azs, az)}`, {
        subnetIds: [network.privateSubnetIdsByAz[az]],
        // One instance per AZ; none when stopped (the ENI stays, unattached, with its Elastic IP).
        minSize: edgeSize,
        maxSize: edgeSize,
        desiredCapacity: edgeSize,
        managedScaling: false,
        instanceType: config.instanceType,
        amiId: config.amiId,
        instanceAttributes: { ...EDGE_INSTANCE_ATTRIBUTES },
        initialLifecycleHooks: [
          {
            name: LIFECYCLE_HOOK_NAME,
            lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
            heartbeatTimeout: config.heartbeatTimeoutSeconds,
            // No answer in time means no static IP: replace the instance rather than serve without it.
            defaultResult: "ABANDON",
            notificationMetadata: JSON.stringify({ az }),
          },
        ],
      });
      capacities[az] = capacity;
      groupNameByAz[az] = capacity.config.autoScalingGroupName;
      groupNames.push(capacity.config.autoScalingGroupName);
    }
    this.edgeCapacities = capacities;
    this.edgeAutoScalingGroupNames = groupNameByAz;

    const groupArns = groupNames.map(
      (groupName) =>
        `arn:${partition}:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${groupName}`,
    );
    const policy = new IamRolePolicy(this, "lambda-policy", {
      role: this.lambdaRole.id,
      name: "static-ip-attacher",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "Describe",
            Effect: "Allow",
            Action: Object.keys(STATIC_IP_STAR_RESOURCE_ACTIONS),
            Resource: "*",
          },
          {
            Sid: "MoveStaticIpEnis",
            Effect: "Allow",
            Action: [...ENI_MOVE_ACTIONS],
            Resource: azs.map((az) => addresses.networkInterfaceArns[az]),
          },
          {
            Sid: "MoveToEdgeInstances",
            Effect: "Allow",
            Action: [...ENI_MOVE_ACTIONS],
            Resource: `arn:${partition}:ec2:${region}:${account}:instance/*`,
            Condition: { StringEquals: { "aws:ResourceTag/aws:autoscaling:groupName": groupNames } },
          },
          {
            Sid: "CompleteEdgeLifecycleActions",
            Effect: "Allow",
            Action: [...LIFECYCLE_ACTIONS],
            Resource: groupArns,
          },
          {
            Sid: "Logs",
            Effect: "Allow",
            Action: [...LAMBDA_LOG_ACTIONS],
            Resource: `${logGroup.arn}:*`,
          },
          {
            Sid: "DeadLetterQueue",
            Effect: "Allow",
            Action: [...DLQ_SEND_ACTIONS],
            Resource: this.deadLetterQueue.arn,
          },
        ],
      }),
    });

    const asset = new TerraformAsset(this, "attacher-code", {
      path: bundleAttacher(),
      type: AssetType.ARCHIVE,
    });
    this.lambdaFunction = new LambdaFunction(this, "attacher", {
      functionName: name,
      description: `Attaches the static-IP ENIs of ${name} to new edge instances, and reconciles them`,
      role: this.lambdaRole.arn,
      runtime: LAMBDA_RUNTIME,
      handler: LAMBDA_HANDLER,
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      memorySize: LAMBDA_MEMORY_MIB,
      timeout: lambdaTimeoutSeconds(config.heartbeatTimeoutSeconds),
      environment: {
        variables: {
          // AZ names known only at plan time (a generated Terraform module's) cannot be object keys
          // here: Terraform pairs them up.
          ENI_BY_AZ: Fn.jsonencode(
            azs.some((az) => Token.isUnresolved(az))
              ? Fn.zipmap(
                  [...azs],
                  azs.map((az) => addresses.networkInterfaceIds[az]),
                )
              : Object.fromEntries(azs.map((az) => [az, addresses.networkInterfaceIds[az]])),
          ),
          HEARTBEAT_TIMEOUT_SECONDS: String(config.heartbeatTimeoutSeconds),
          EDGE_GROUP_NAMES: JSON.stringify(groupNames),
        },
      },
      deadLetterConfig: { targetArn: this.deadLetterQueue.arn },
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      tags: tagged(name),
      // The log group first (else Lambda creates an unmanaged one), the permissions before any call.
      dependsOn: [logGroup, policy],
    });
    this.lambdaFunctionName = this.lambdaFunction.functionName;

    const invokeConfig = new LambdaFunctionEventInvokeConfig(this, "attacher-async", {
      functionName: this.lambdaFunction.functionName,
      maximumRetryAttempts: LAMBDA_ASYNC_RETRY_ATTEMPTS,
      maximumEventAgeInSeconds: lambdaAsyncEventAgeSeconds(config.heartbeatTimeoutSeconds),
    });

    this.eventRule = new CloudwatchEventRule(this, "launch-rule", {
      name: `${name}-launch`,
      description: `Launch lifecycle actions of the edge groups of ${name}`,
      eventPattern: JSON.stringify({
        source: ["aws.autoscaling"],
        "detail-type": [LAUNCH_LIFECYCLE_DETAIL_TYPE],
        detail: { AutoScalingGroupName: groupNames },
      }),
      tags: tagged(`${name}-launch`),
    });
    const target = new CloudwatchEventTarget(this, "launch-target", {
      rule: this.eventRule.name,
      targetId: "static-ip-attacher",
      arn: this.lambdaFunction.arn,
      retryPolicy: {
        maximumRetryAttempts: EVENT_RETRY_ATTEMPTS,
        maximumEventAgeInSeconds: maximumEventAgeSeconds(config.heartbeatTimeoutSeconds),
      },
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    });
    const permission = new LambdaPermission(this, "launch-permission", {
      statementId: "AllowEventBridgeLaunchRule",
      action: "lambda:InvokeFunction",
      functionName: this.lambdaFunction.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.eventRule.arn,
    });

    // The reconcile: the same Lambda on a schedule (see README, "Reconcile").
    this.reconcileRule = new CloudwatchEventRule(this, "reconcile-rule", {
      name: `${name}-reconcile`,
      description: `Re-attaches the static-IP ENIs of ${name} left off an InService edge instance`,
      scheduleExpression: config.reconcileSchedule,
      tags: tagged(`${name}-reconcile`),
    });
    new CloudwatchEventTarget(this, "reconcile-target", {
      rule: this.reconcileRule.name,
      targetId: "static-ip-reconcile",
      arn: this.lambdaFunction.arn,
      retryPolicy: {
        maximumRetryAttempts: EVENT_RETRY_ATTEMPTS,
        maximumEventAgeInSeconds: maximumEventAgeSeconds(config.heartbeatTimeoutSeconds),
      },
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    });
    new LambdaPermission(this, "reconcile-permission", {
      statementId: "AllowEventBridgeReconcileRule",
      action: "lambda:InvokeFunction",
      functionName: this.lambdaFunction.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.reconcileRule.arn,
    });

    const queuePolicy = new SqsQueuePolicy(this, "dlq-policy", {
      queueUrl: this.deadLetterQueue.url,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EventBridgeDeadLetters",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: this.deadLetterQueue.arn,
            Condition: { ArnEquals: { "aws:SourceArn": [this.eventRule.arn, this.reconcileRule.arn] } },
          },
        ],
      }),
    });

    // The groups launch their first instance as soon as they exist: everything that handles its
    // launch event must be in place by then. The EIP associations too, when they are in this stack
    // (a resource in another stack cannot be a depends_on; that stack is applied first anyway).
    const sameStack = TerraformStack.of(addresses) === TerraformStack.of(this);
    const associations: ITerraformDependable[] = sameStack ? Object.values(addresses.eipAssociations) : [];
    for (const capacity of Object.values(capacities)) {
      const group = capacity.autoScalingGroup;
      group.dependsOn = [
        ...(group.dependsOn ?? []),
        ...[policy, this.lambdaFunction, invokeConfig, target, permission, queuePolicy, ...associations].map(
          (resource) => dependable(resource),
        ),
      ];
    }

    this.proxy = new EdgeProxy(this, "proxy", {
      cluster,
      loadBalancer,
      capacities,
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
    this.lambdaErrorsAlarm = new CloudwatchMetricAlarm(this, "lambda-errors-alarm", {
      alarmName: `${name}-errors`,
      alarmDescription: `The static-IP attacher Lambda ${name} failed: an edge instance may lack its static IP`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: this.lambdaFunction.functionName },
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: config.alarmActions.length > 0 ? [...config.alarmActions] : undefined,
      tags: tagged(`${name}-errors`),
    });
    this.deadLetterQueueAlarm = new CloudwatchMetricAlarm(this, "dlq-alarm", {
      alarmName: `${name}-dlq-messages`,
      alarmDescription: `Launch or reconcile events of ${name} that were never handled are in the dead-letter queue`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: this.deadLetterQueue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: config.alarmActions.length > 0 ? [...config.alarmActions] : undefined,
      tags: tagged(`${name}-dlq-messages`),
    });
  }
}
