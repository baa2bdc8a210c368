/**
 * The ExternalCapacity module: Amazon ECS Anywhere for an ECS cluster (the registered machines'
 * IAM role, an SSM activation, the registration command) and a Traefik edge on those machines
 * (TraefikEdge: host network mode, launch type EXTERNAL, Traefik's ECS provider), with
 * traefikRouteLabels for the services it routes to. See README.md.
 * @module
 */
export { ExternalCapacity } from "./external-capacity";
export { TraefikEdge, TRAEFIK_CAPABILITIES, TRAEFIK_CONTAINER_NAME } from "./traefik-edge";
export {
  DEFAULT_ROUTE_ENTRY_POINT,
  PING_BIND_ADDRESS,
  PING_PATH,
  traefikArguments,
  traefikHealthCheckCommand,
  traefikRouteLabels,
  TRAEFIK_RULE_MATCHERS,
} from "./traefik-config";
export type { TraefikStaticOptions } from "./traefik-config";
export { registrationCommand } from "./registration";
export type { RegistrationCommandOptions } from "./registration";
export { attributeExpression } from "./validation";
export type { ExternalCapacityConfig, TraefikEdgeConfig } from "./validation";
export { EXTERNAL_CAPACITY_STAR_RESOURCE_ACTIONS } from "./iam";
export {
  DEFAULT_REGISTRATION_LIMIT,
  DEFAULT_TRAEFIK_CPU_UNITS,
  DEFAULT_TRAEFIK_DESIRED_COUNT,
  DEFAULT_TRAEFIK_ENTRY_POINTS,
  DEFAULT_TRAEFIK_IMAGE,
  DEFAULT_TRAEFIK_INSTANCE_ATTRIBUTES,
  DEFAULT_TRAEFIK_LOG_RETENTION_DAYS,
  DEFAULT_TRAEFIK_MEMORY_LIMIT_MIB,
  DEFAULT_TRAEFIK_MEMORY_RESERVATION_MIB,
  DEFAULT_TRAEFIK_PING_PORT,
  DEFAULT_TRAEFIK_REFRESH_SECONDS,
  ECS_ANYWHERE_INSTALL_SCRIPT_PATH,
  ECS_ANYWHERE_INSTALL_SCRIPT_URL,
  EXTERNAL_INSTANCE_MANAGED_POLICIES,
  MAX_EXPIRATION_DAYS,
  MAX_REGISTRATION_LIMIT,
  MIN_REGISTRATION_LIMIT,
} from "./props";
export type { ExternalCapacityProps, TraefikEdgeProps, TraefikRouteOptions } from "./props";
