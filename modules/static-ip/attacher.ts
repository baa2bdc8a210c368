import { AssetType, dependable, Fn, TerraformAsset, Token } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { StaticIpAddresses } from "./addresses";
import { bundleAttacher } from "./bundle";
import {
  DLQ_SEND_ACTIONS,
  ENI_MOVE_ACTIONS,
  LAMBDA_LOG_ACTIONS,
  LIFECYCLE_ACTIONS,
  STATIC_IP_STAR_RESOURCE_ACTIONS,
} from "./iam";
import { DLQ_MESSAGE_RETENTION_SECONDS, EVENT_RETRY_ATTEMPTS, LAMBDA_ASYNC_RETRY_ATTEMPTS } from "./props";
import {
  lambdaAsyncEventAgeSeconds,
  lambdaTimeoutSeconds,
  maximumEventAgeSeconds,
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

/** What the attacher of a {@link StaticIp} is built for. */
export interface AttacherContext {
  /** The base name of every resource. */
  readonly name: string;
  readonly config: StaticIpConfig;
  readonly tagged: (resourceName: string) => Record<string, string>;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly addresses: StaticIpAddresses;
  /** Names of the edge Auto Scaling groups, in AZ order. */
  readonly groupNames: readonly string[];
}

/** The attacher: the Lambda, its role and logs, the two EventBridge rules and the dead-letter queue. */
export interface Attacher {
  readonly logGroup: CloudwatchLogGroup;
  readonly deadLetterQueue: SqsQueue;
  readonly role: IamRole;
  readonly lambdaFunction: LambdaFunction;
  readonly eventRule: CloudwatchEventRule;
  readonly reconcileRule: CloudwatchEventRule;
  /**
   * What must exist before an edge group launches its first instance, or its launch event is lost:
   * `depends_on` entries.
   */
  readonly launchHandlers: string[];
}

/**
 * The attacher Lambda (the bundle of src/static-ip-attacher) with its log group, role and scoped
 * policy, invoked by the edge groups' launch lifecycle actions and by the reconcile schedule, both
 * with retries and the dead-letter queue.
 */
export function addAttacher(scope: Construct, context: AttacherContext): Attacher {
  const { name, config, tagged, partition, region, account, addresses, groupNames } = context;
  const azs = config.availabilityZones;

  const logGroup = new CloudwatchLogGroup(scope, "lambda-logs", {
    name: `/aws/lambda/${name}`,
    retentionInDays: config.lambdaLogRetentionDays,
    tags: tagged(`/aws/lambda/${name}`),
  });

  const deadLetterQueue = new SqsQueue(scope, "dlq", {
    name: `${name}-dlq`,
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: DLQ_MESSAGE_RETENTION_SECONDS,
    tags: tagged(`${name}-dlq`),
  });

  const role = new IamRole(scope, "lambda-role", {
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

  const groupArns = groupNames.map(
    (groupName) =>
      `arn:${partition}:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${groupName}`,
  );
  const policy = new IamRolePolicy(scope, "lambda-policy", {
    role: role.id,
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
          Resource: deadLetterQueue.arn,
        },
      ],
    }),
  });

  const asset = new TerraformAsset(scope, "attacher-code", {
    path: bundleAttacher(),
    type: AssetType.ARCHIVE,
  });
  const lambdaFunction = new LambdaFunction(scope, "attacher", {
    functionName: name,
    description: `Attaches the static-IP ENIs of ${name} to new edge instances, and reconciles them`,
    role: role.arn,
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
    deadLetterConfig: { targetArn: deadLetterQueue.arn },
    loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
    tags: tagged(name),
    // The log group first (else Lambda creates an unmanaged one), the permissions before any call.
    dependsOn: [logGroup, policy],
  });

  const invokeConfig = new LambdaFunctionEventInvokeConfig(scope, "attacher-async", {
    functionName: lambdaFunction.functionName,
    maximumRetryAttempts: LAMBDA_ASYNC_RETRY_ATTEMPTS,
    maximumEventAgeInSeconds: lambdaAsyncEventAgeSeconds(config.heartbeatTimeoutSeconds),
  });

  const eventRule = new CloudwatchEventRule(scope, "launch-rule", {
    name: `${name}-launch`,
    description: `Launch lifecycle actions of the edge groups of ${name}`,
    eventPattern: JSON.stringify({
      source: ["aws.autoscaling"],
      "detail-type": [LAUNCH_LIFECYCLE_DETAIL_TYPE],
      detail: { AutoScalingGroupName: groupNames },
    }),
    tags: tagged(`${name}-launch`),
  });
  const target = new CloudwatchEventTarget(scope, "launch-target", {
    rule: eventRule.name,
    targetId: "static-ip-attacher",
    arn: lambdaFunction.arn,
    retryPolicy: {
      maximumRetryAttempts: EVENT_RETRY_ATTEMPTS,
      maximumEventAgeInSeconds: maximumEventAgeSeconds(config.heartbeatTimeoutSeconds),
    },
    deadLetterConfig: { arn: deadLetterQueue.arn },
  });
  const permission = new LambdaPermission(scope, "launch-permission", {
    statementId: "AllowEventBridgeLaunchRule",
    action: "lambda:InvokeFunction",
    functionName: lambdaFunction.functionName,
    principal: "events.amazonaws.com",
    sourceArn: eventRule.arn,
  });

  // The reconcile: the same Lambda on a schedule (see README, "Reconcile").
  const reconcileRule = new CloudwatchEventRule(scope, "reconcile-rule", {
    name: `${name}-reconcile`,
    description: `Re-attaches the static-IP ENIs of ${name} left off an InService edge instance`,
    scheduleExpression: config.reconcileSchedule,
    tags: tagged(`${name}-reconcile`),
  });
  new CloudwatchEventTarget(scope, "reconcile-target", {
    rule: reconcileRule.name,
    targetId: "static-ip-reconcile",
    arn: lambdaFunction.arn,
    retryPolicy: {
      maximumRetryAttempts: EVENT_RETRY_ATTEMPTS,
      maximumEventAgeInSeconds: maximumEventAgeSeconds(config.heartbeatTimeoutSeconds),
    },
    deadLetterConfig: { arn: deadLetterQueue.arn },
  });
  new LambdaPermission(scope, "reconcile-permission", {
    statementId: "AllowEventBridgeReconcileRule",
    action: "lambda:InvokeFunction",
    functionName: lambdaFunction.functionName,
    principal: "events.amazonaws.com",
    sourceArn: reconcileRule.arn,
  });

  const queuePolicy = new SqsQueuePolicy(scope, "dlq-policy", {
    queueUrl: deadLetterQueue.url,
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EventBridgeDeadLetters",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: deadLetterQueue.arn,
          Condition: { ArnEquals: { "aws:SourceArn": [eventRule.arn, reconcileRule.arn] } },
        },
      ],
    }),
  });

  const launchHandlers = [policy, lambdaFunction, invokeConfig, target, permission, queuePolicy].map(
    (resource) => dependable(resource),
  );
  return { logGroup, deadLetterQueue, role, lambdaFunction, eventRule, reconcileRule, launchHandlers };
}
