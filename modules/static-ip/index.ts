/**
 * The StaticIp module: per AZ an Elastic IP on an ENI (StaticIpAddresses, long-lived), a
 * one-instance edge Auto Scaling group in an ECS cluster, the Lambda that attaches the ENI to each
 * new edge instance (and reconciles on a schedule), and the HAProxy edge proxy forwarding to a load
 * balancer. See README.md.
 * @module
 */
export {
  StaticIp,
  LAMBDA_HANDLER,
  LAMBDA_MEMORY_MIB,
  LAMBDA_RUNTIME,
  LAUNCH_LIFECYCLE_DETAIL_TYPE,
} from "./static-ip";
export { StaticIpAddresses } from "./addresses";
export {
  EdgeProxy,
  edgePlacementExpression,
  PROXY_CAPABILITIES,
  PROXY_CONFIG_DIR,
  PROXY_CONTAINER_NAME,
  PROXY_TMPFS_SIZE_MIB,
  proxyListeners,
} from "./edge-proxy";
export type { EdgeProxyProps } from "./edge-proxy";
export {
  backendName,
  DNS_HOLD_OBSOLETE_SECONDS,
  DNS_RESOLVE_INTERVAL_SECONDS,
  HAPROXY_IMAGE_USER,
  HEALTH_BIND_ADDRESS,
  HEALTH_PATH,
  healthCheckCommand,
  MAX_TARGET_ADDRESSES,
  PROXY_COMMAND,
  PROXY_IDLE_TIMEOUT_SECONDS,
  renderHaproxyConfig,
} from "./haproxy-config";
export type { HaproxyConfigOptions, Nameserver, ProxyListener, ProxyMode } from "./haproxy-config";
export {
  DEFAULT_ADDRESSES_NAME,
  DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
  DEFAULT_LAMBDA_LOG_RETENTION_DAYS,
  DEFAULT_PROXY_CPU_UNITS,
  DEFAULT_PROXY_HEALTH_PORT,
  DEFAULT_PROXY_IMAGE,
  DEFAULT_PROXY_LOG_RETENTION_DAYS,
  DEFAULT_PROXY_MEMORY_LIMIT_MIB,
  DEFAULT_PROXY_MEMORY_RESERVATION_MIB,
  DEFAULT_PROXY_PORTS,
  DEFAULT_RECONCILE_SCHEDULE,
  DLQ_MESSAGE_RETENTION_SECONDS,
  ECS_RESERVED_HOST_PORTS,
  EDGE_INSTANCE_ATTRIBUTES,
  EVENT_RETRY_ATTEMPTS,
  HEARTBEAT_MARGIN_SECONDS,
  LAMBDA_ASYNC_RETRY_ATTEMPTS,
  LIFECYCLE_HOOK_NAME,
  MAX_HEARTBEAT_TIMEOUT_SECONDS,
  MAX_LAMBDA_EVENT_AGE_SECONDS,
  MAX_LAMBDA_TIMEOUT_SECONDS,
  MIN_CONTAINER_MEMORY_MIB,
  MIN_EVENT_AGE_SECONDS,
  MIN_HEARTBEAT_TIMEOUT_SECONDS,
  TLS_PASSTHROUGH_PORT,
} from "./props";
export type { EdgeProxyOptions, StaticIpAddressesProps, StaticIpProps } from "./props";
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
  SCHEDULE_EXPRESSION_PATTERN,
  STATIC_IP_NAME_PATTERN,
} from "./validation";
export type { EdgeProxyConfig, StaticIpAddressesConfig, StaticIpConfig } from "./validation";
export {
  ATTACHER_ENTRY_POINT,
  BUNDLE_FILE_NAME,
  bundleAttacher,
  bundleCacheDir,
  PREBUILT_ATTACHER_DIR,
} from "./bundle";
