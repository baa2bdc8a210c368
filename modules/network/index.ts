/**
 * The Network module: a VPC with public and private subnets per AZ, NAT, a private Route 53 zone
 * and flow logs. See README.md.
 * @module
 */
export { Network } from "./network";
export { NetworkBase } from "./network-ref";
export type { INetwork, NetworkAttributes } from "./network-ref";
export {
  DEFAULT_AZ_COUNT,
  DEFAULT_FLOW_LOG_RETENTION_DAYS,
  DEFAULT_NAT_GATEWAYS,
  DEFAULT_SUBNET_NEW_BITS,
  DEFAULT_VPC_CIDR,
  DEFAULT_ZONE_NAME,
} from "./props";
export type { NatGateways, NetworkProps } from "./props";
export { AWS_REGIONS, KNOWN_AZ_LETTERS, MAX_AZS } from "./regions";
export { FLOW_LOG_RETENTION_DAYS_ALLOWED } from "./validation";
