/**
 * The StaticIp module: per AZ an Elastic IP on an ENI and a one-instance edge Auto Scaling group in
 * an ECS cluster, and the Lambda that attaches the ENI to each new edge instance. See README.md.
 * @module
 */
export {
  StaticIp,
  LAMBDA_HANDLER,
  LAMBDA_MEMORY_MIB,
  LAMBDA_RUNTIME,
  LAUNCH_LIFECYCLE_DETAIL_TYPE,
} from "./static-ip";
export {
  DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
  DEFAULT_LAMBDA_LOG_RETENTION_DAYS,
  DEFAULT_PROXY_PORTS,
  DLQ_MESSAGE_RETENTION_SECONDS,
  EDGE_INSTANCE_ATTRIBUTES,
  EVENT_RETRY_ATTEMPTS,
  HEARTBEAT_MARGIN_SECONDS,
  LAMBDA_ASYNC_RETRY_ATTEMPTS,
  LIFECYCLE_HOOK_NAME,
  MAX_HEARTBEAT_TIMEOUT_SECONDS,
  MAX_LAMBDA_EVENT_AGE_SECONDS,
  MAX_LAMBDA_TIMEOUT_SECONDS,
  MIN_EVENT_AGE_SECONDS,
  MIN_HEARTBEAT_TIMEOUT_SECONDS,
} from "./props";
export type { StaticIpProps } from "./props";
export {
  DLQ_SEND_ACTIONS,
  ENI_MOVE_ACTIONS,
  LAMBDA_LOG_ACTIONS,
  LIFECYCLE_ACTIONS,
  STATIC_IP_STAR_RESOURCE_ACTIONS,
} from "./iam";
export {
  lambdaAsyncEventAgeSeconds,
  lambdaTimeoutSeconds,
  maximumEventAgeSeconds,
  STATIC_IP_NAME_PATTERN,
} from "./validation";
export type { StaticIpConfig } from "./validation";
export { ATTACHER_ENTRY_POINT, BUNDLE_FILE_NAME, bundleAttacher } from "./bundle";
