/**
 * The StaticIp module: per AZ an Elastic IP on an ENI (StaticIpAddresses, long-lived), a
 * one-instance edge Auto Scaling group in an ECS cluster, the Lambda that attaches the ENI to each
 * new edge instance (and reconciles on a schedule), and the HAProxy edge proxy forwarding to a load
 * balancer. See README.md.
 * @module
 */
export { StaticIp } from "./static-ip";
export { StaticIpAddresses } from "./addresses";
export { EdgeProxy, PROXY_CONTAINER_NAME } from "./edge-proxy";
export type { EdgeProxyProps } from "./edge-proxy";
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
  ECS_RESERVED_HOST_PORTS,
  EDGE_INSTANCE_ATTRIBUTES,
  LIFECYCLE_HOOK_NAME,
  MAX_HEARTBEAT_TIMEOUT_SECONDS,
  MIN_CONTAINER_MEMORY_MIB,
  MIN_HEARTBEAT_TIMEOUT_SECONDS,
  TLS_PASSTHROUGH_PORT,
} from "./props";
export type { EdgeProxyOptions, StaticIpAddressesProps, StaticIpProps } from "./props";
export type { EdgeProxyConfig, StaticIpAddressesConfig, StaticIpConfig } from "./validation";
