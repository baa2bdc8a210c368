import { EcsCluster } from "../ecs-cluster";
import { Network } from "../network";

/** Default heartbeat of the edge groups' launch lifecycle hook, seconds. */
export const DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 300;
/** Shortest lifecycle-hook heartbeat AWS accepts, seconds. */
export const MIN_HEARTBEAT_TIMEOUT_SECONDS = 30;
/** Longest lifecycle-hook heartbeat AWS accepts, seconds. */
export const MAX_HEARTBEAT_TIMEOUT_SECONDS = 7200;
/** Default TCP ports the static IPs accept from the internet. */
export const DEFAULT_PROXY_PORTS: readonly number[] = [80];
/** Default retention of the Lambda's log group, days (a year, which checkov's CKV_AWS_338 asks for). */
export const DEFAULT_LAMBDA_LOG_RETENTION_DAYS = 365;
/** ECS attribute the edge instances carry, for the edge proxy's placement constraint. */
export const EDGE_INSTANCE_ATTRIBUTES: Readonly<Record<string, string>> = { role: "edge" };
/** Name of the launch lifecycle hook declared in each edge Auto Scaling group. */
export const LIFECYCLE_HOOK_NAME = "attach-static-ip";
/** Longest Lambda timeout AWS accepts, seconds. */
export const MAX_LAMBDA_TIMEOUT_SECONDS = 900;
/** Seconds the Lambda timeout stays below the heartbeat (and the event age below it, where allowed). */
export const HEARTBEAT_MARGIN_SECONDS = 10;
/** Shortest `maximum_event_age_in_seconds` EventBridge (and Lambda async invocation) accepts. */
export const MIN_EVENT_AGE_SECONDS = 60;
/** Longest `maximum_event_age_in_seconds` of a Lambda's asynchronous invocation config. */
export const MAX_LAMBDA_EVENT_AGE_SECONDS = 21_600;
/** Retries of EventBridge's delivery to the Lambda. */
export const EVENT_RETRY_ATTEMPTS = 3;
/** Retries of Lambda's asynchronous invocation when the handler throws (AWS's maximum is 2). */
export const LAMBDA_ASYNC_RETRY_ATTEMPTS = 2;
/** How long the dead-letter queue keeps a message, seconds (14 days, SQS's maximum). */
export const DLQ_MESSAGE_RETENTION_SECONDS = 1_209_600;

/** Props of {@link StaticIp}. */
export interface StaticIpProps {
  /** The network whose public subnets hold the ENIs and whose private subnets hold the edge instances. */
  readonly network: Network;

  /** The ECS cluster the edge capacity (one Auto Scaling group per AZ) registers in. */
  readonly cluster: EcsCluster;

  /**
   * AZs that get a static IP, each one of `network.availabilityZones`, no duplicates, at least one.
   * @default - every AZ of the network
   */
  readonly availabilityZones?: string[];

  /**
   * Heartbeat of the launch lifecycle hook, seconds (an integer from 30 to 7200): how long a new
   * edge instance waits for its ENI before Auto Scaling abandons it. The Lambda's timeout and the
   * event's maximum age are derived from it.
   * @default DEFAULT_HEARTBEAT_TIMEOUT_SECONDS (300)
   */
  readonly heartbeatTimeoutSeconds?: number;

  /**
   * TCP ports the ENIs' security group opens to `0.0.0.0/0`: the static IPs are the public edge.
   * Integers from 1 to 65535, no duplicates, at least one.
   * @default DEFAULT_PROXY_PORTS ([80])
   */
  readonly proxyPorts?: number[];

  /**
   * EC2 instance type of the edge instances.
   * @default - the cluster capacity's default (DEFAULT_INSTANCE_TYPE, "t3.small")
   */
  readonly instanceType?: string;

  /**
   * An explicit AMI id for the edge instances (e.g. for the local emulator, which has no public SSM
   * parameter).
   * @default - the ECS-optimized Amazon Linux 2023 AMI from its public SSM parameter
   */
  readonly amiId?: string;

  /**
   * Base name of the Lambda function (and its log group `/aws/lambda/<name>`), the dead-letter
   * queue (`<name>-dlq`), the EventBridge rule, the role and the alarms: 1 to 60 letters, digits,
   * hyphens and underscores.
   * @default - `<clusterName>-static-ip`
   */
  readonly name?: string;

  /**
   * Retention of the Lambda's log group, a CloudWatch Logs value (LOG_RETENTION_DAYS_ALLOWED).
   * @default DEFAULT_LAMBDA_LOG_RETENTION_DAYS (365)
   */
  readonly lambdaLogRetentionDays?: number;

  /**
   * Let `terraform destroy` (or removing an AZ) release the Elastic IPs. Off, each EIP has
   * `lifecycle.prevent_destroy`, so Terraform refuses any plan that would delete it: a released
   * address is gone for good. See README, "Releasing an Elastic IP".
   * @default false
   */
  readonly allowEipDestroy?: boolean;

  /**
   * Actions (e.g. SNS topic ARNs) of the two alarms: Lambda errors and messages in the dead-letter queue.
   * @default - none (the alarms only change state)
   */
  readonly alarmActions?: string[];

  /**
   * Tags added to every taggable resource, next to `Name` (which the module sets and rejects here).
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}
