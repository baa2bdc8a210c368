import { keysOf } from "../shared/validation";
import type { ExternalCapacityProps, TraefikEdgeProps, TraefikRouteOptions } from "./props";

// The keys of each props interface, checked against the interface by the compiler: a key given from
// JavaScript or JSON that is not listed fails instead of being ignored. Tags and attributes (user
// data) are not key-checked.

/** Keys of {@link ExternalCapacityProps}. */
export const EXTERNAL_CAPACITY_PROPS_KEYS = keysOf<ExternalCapacityProps>()({
  cluster: true,
  name: true,
  registrationLimit: true,
  expirationDate: true,
  description: true,
  instanceAttributes: true,
  tags: true,
});

/** Keys of {@link TraefikEdgeProps}. */
export const TRAEFIK_EDGE_PROPS_KEYS = keysOf<TraefikEdgeProps>()({
  cluster: true,
  region: true,
  instanceAttributes: true,
  entryPoints: true,
  pingPort: true,
  refreshSeconds: true,
  image: true,
  desiredCount: true,
  name: true,
  cpuUnits: true,
  memoryReservationMiB: true,
  memoryLimitMiB: true,
  logRetentionDays: true,
  accessLog: true,
  tags: true,
});

/** Keys of {@link TraefikRouteOptions}. */
export const TRAEFIK_ROUTE_OPTIONS_KEYS = keysOf<TraefikRouteOptions>()({
  router: true,
  rule: true,
  port: true,
  entryPoint: true,
  priority: true,
});
