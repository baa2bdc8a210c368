import { AssetType, dependable, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EipAssociation } from "@cdktf/provider-aws/lib/eip-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { NetworkInterface } from "@cdktf/provider-aws/lib/network-interface";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { EcsCapacity } from "../ecs-cluster";
import { bundleAttacher } from "./bundle";
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
  failFor,
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
 * Static public IPs for the edge of an ECS cluster: per AZ an Elastic IP (protected from destroy) on
 * an ENI in the public subnet, and a one-instance "edge" Auto Scaling group in the cluster whose
 * launch lifecycle hook waits until a Lambda has attached that ENI to the new instance.
 *
 * Not yet here: the edge proxy ECS service and a periodic reconcile (see README).
 */
export class StaticIp extends Construct {
  /** The Elastic IPs, by AZ. */
  public readonly eips: Readonly<Record<string, Eip>>;
  /** The public addresses, by AZ. */
  public readonly publicIps: Readonly<Record<string, string>>;
  /** The ENIs holding the Elastic IPs, by AZ. */
  public readonly networkInterfaces: Readonly<Record<string, NetworkInterface>>;
  /** Ids of {@link networkInterfaces}, by AZ. */
  public readonly networkInterfaceIds: Readonly<Record<string, string>>;
  /** The security group of the ENIs (the proxy ports from anywhere). */
  public readonly securityGroup: SecurityGroup;
  /** Id of {@link securityGroup}. */
  public readonly securityGroupId: string;
  /** The edge capacity (one Auto Scaling group registered in the cluster), by AZ. */
  public readonly edgeCapacities: Readonly<Record<string, EcsCapacity>>;
  /** Names of the edge Auto Scaling groups, by AZ. */
  public readonly edgeAutoScalingGroupNames: Readonly<Record<string, string>>;
  /** The attacher Lambda. */
  public readonly lambdaFunction: LambdaFunction;
  /** Name of {@link lambdaFunction}. */
  public readonly lambdaFunctionName: string;
  /** The Lambda's execution role. */
  public readonly lambdaRole: IamRole;
  /** The Lambda's log group. */
  public readonly lambdaLogGroup: CloudwatchLogGroup;
  /** The dead-letter queue of both EventBridge delivery and the Lambda's async invocation. */
  public readonly deadLetterQueue: SqsQueue;
  /** Name of {@link deadLetterQueue}. */
  public readonly deadLetterQueueName: string;
  /** The EventBridge rule matching the edge groups' launch lifecycle actions. */
  public readonly eventRule: CloudwatchEventRule;
  /** Alarm on the Lambda's Errors metric. */
  public readonly lambdaErrorsAlarm: CloudwatchMetricAlarm;
  /** Alarm on visible messages in the dead-letter queue. */
  public readonly deadLetterQueueAlarm: CloudwatchMetricAlarm;
  /** The configuration the construct was built from. */
  public readonly config: StaticIpConfig;

  public constructor(scope: Construct, id: string, props: StaticIpProps) {
    // Validated before super(), so a rejected StaticIp leaves no construct behind.
    const config = resolveStaticIpConfig(failFor(id), props);
    super(scope, id);
    this.config = config;
    const { network, cluster } = props;
    const azs = config.availabilityZones;
    const name = config.name ?? `${cluster.clusterName}-static-ip`;
    const tagged = (resourceName: string): Record<string, string> => ({ ...config.tags, Name: resourceName });

    const partition = new DataAwsPartition(this, "partition").partition;
    const region = new DataAwsRegion(this, "region").region;
    const account = new DataAwsCallerIdentity(this, "account").accountId;

    // The edge. The security group is open to the internet on purpose: the static IPs are the
    // public entry point (the proxy behind them forwards to the load balancer).
    this.securityGroup = new SecurityGroup(this, "edge-sg", {
      namePrefix: `${name}-edge-`,
      description: "Static-IP ENIs: the proxy ports from the internet",
      vpcId: network.vpcId,
      tags: tagged(`${name}-edge`),
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = this.securityGroup.id;
    for (const port of config.proxyPorts) {
      new VpcSecurityGroupIngressRule(this, `edge-ingress-${port}`, {
        securityGroupId: this.securityGroupId,
        description: `Internet to the static IPs on ${port} (public edge)`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
        tags: tagged(`${name}-edge-${port}`),
      });
    }

    const eips: Record<string, Eip> = {};
    const publicIps: Record<string, string> = {};
    const enis: Record<string, NetworkInterface> = {};
    const eniIds: Record<string, string> = {};
    const associations: EipAssociation[] = [];
    for (const az of azs) {
      const eni = new NetworkInterface(this, `eni-${az}`, {
        subnetId: network.publicSubnetIdsByAz[az],
        securityGroups: [this.securityGroupId],
        description: `Static IP of ${name} in ${az} (moved between edge instances by the attacher Lambda)`,
        tags: tagged(`${name}-${az}`),
      });
      const eip = new Eip(this, `eip-${az}`, {
        domain: "vpc",
        tags: tagged(`${name}-${az}`),
        // Releasing an Elastic IP loses the address for good (see README, "Releasing an Elastic IP").
        lifecycle: { preventDestroy: !config.allowEipDestroy },
      });
      const association = new EipAssociation(this, `eip-association-${az}`, {
        allocationId: eip.allocationId,
        networkInterfaceId: eni.id,
      });
      enis[az] = eni;
      eniIds[az] = eni.id;
      eips[az] = eip;
      associations.push(association);
      publicIps[az] = eip.publicIp;
    }
    this.eips = eips;
    this.publicIps = publicIps;
    this.networkInterfaces = enis;
    this.networkInterfaceIds = eniIds;

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

    const capacities: Record<string, EcsCapacity> = {};
    const groupNameByAz: Record<string, string> = {};
    for (const az of azs) {
      const capacity = cluster.addAutoScalingGroupCapacity(`edge-${az}`, {
        subnetIds: [network.privateSubnetIdsByAz[az]],
        minSize: 1,
        maxSize: 1,
        desiredCapacity: 1,
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
            Resource: azs.map((az) => enis[az].arn),
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
      description: `Attaches the static-IP ENIs of ${name} to new edge instances`,
      role: this.lambdaRole.arn,
      runtime: LAMBDA_RUNTIME,
      handler: LAMBDA_HANDLER,
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      memorySize: LAMBDA_MEMORY_MIB,
      timeout: lambdaTimeoutSeconds(config.heartbeatTimeoutSeconds),
      environment: {
        variables: {
          ENI_BY_AZ: Fn.jsonencode(eniIds),
          HEARTBEAT_TIMEOUT_SECONDS: String(config.heartbeatTimeoutSeconds),
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
            Condition: { ArnEquals: { "aws:SourceArn": this.eventRule.arn } },
          },
        ],
      }),
    });

    // The groups launch their first instance as soon as they exist: everything that handles its
    // launch event must be in place by then.
    for (const capacity of Object.values(capacities)) {
      const group = capacity.autoScalingGroup;
      group.dependsOn = [
        ...(group.dependsOn ?? []),
        ...[policy, this.lambdaFunction, invokeConfig, target, permission, queuePolicy, ...associations].map(
          (resource) => dependable(resource),
        ),
      ];
    }

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
      alarmDescription: `Launch events of ${name} that were never handled are in the dead-letter queue`,
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
