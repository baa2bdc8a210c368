import { keysOf } from "../shared/validation";
import type { EdgeProxyOptions, StaticIpAddressesProps, StaticIpProps } from "./props";

// The keys of each props interface and option object, checked against the interface by the
// compiler: a key given from JavaScript or JSON that is not listed fails instead of being ignored.
// Tags (user data) are not key-checked.

/** Keys of {@link StaticIpAddressesProps}. */
export const STATIC_IP_ADDRESSES_PROPS_KEYS = keysOf<StaticIpAddressesProps>()({
  network: true,
  availabilityZones: true,
  proxyPorts: true,
  name: true,
  allowEipDestroy: true,
  tags: true,
});

/** Keys of {@link StaticIpProps}. */
export const STATIC_IP_PROPS_KEYS = keysOf<StaticIpProps>()({
  network: true,
  cluster: true,
  loadBalancer: true,
  addresses: true,
  availabilityZones: true,
  proxyPorts: true,
  allowEipDestroy: true,
  heartbeatTimeoutSeconds: true,
  instanceType: true,
  amiId: true,
  name: true,
  lambdaLogRetentionDays: true,
  reconcileSchedule: true,
  proxy: true,
  stopped: true,
  alarms: true,
  alarmActions: true,
  tags: true,
});

/** Keys of {@link EdgeProxyOptions}. */
export const EDGE_PROXY_OPTIONS_KEYS = keysOf<EdgeProxyOptions>()({
  image: true,
  healthPort: true,
  cpuUnits: true,
  memoryReservationMiB: true,
  memoryLimitMiB: true,
  logRetentionDays: true,
});
