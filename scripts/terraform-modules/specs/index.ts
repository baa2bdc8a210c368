/** The modules generated as Terraform modules, in dependency order. */
import type { AnyModuleSpec } from "../spec";
import { albSpec } from "./alb";
import { ecsAnywhereSpec } from "./ecs-anywhere";
import { ecsClusterSpec } from "./ecs-cluster";
import { ecsServiceSpec } from "./ecs-service";
import { ecsServiceBlueGreenSpec } from "./ecs-service-blue-green";
import { ecsServiceCanarySpec } from "./ecs-service-canary";
import { ecsServiceLinearSpec } from "./ecs-service-linear";
import { networkSpec } from "./network";
import { staticIpSpec } from "./static-ip";

/**
 * Every generated module. load-balanced-service yields five: `alb` (LoadBalancer, shared),
 * `ecs-service` (LoadBalancedService, one call per service) and `ecs-service-blue-green`,
 * `-canary` and `-linear` (the same with a traffic-shifting deployment). `static-ip` builds its edge groups with
 * the ecs-cluster module's instance profile and hands their capacity providers back to it.
 * external-capacity yields `ecs-anywhere` (ExternalCapacity; its TraefikEdge is not generated).
 */
export const SPECS: readonly AnyModuleSpec[] = [
  networkSpec,
  ecsClusterSpec,
  albSpec,
  ecsServiceSpec,
  ecsServiceBlueGreenSpec,
  ecsServiceCanarySpec,
  ecsServiceLinearSpec,
  staticIpSpec,
  ecsAnywhereSpec,
] as unknown as AnyModuleSpec[];
