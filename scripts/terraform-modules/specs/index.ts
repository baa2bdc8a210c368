/** The modules generated as Terraform modules, in dependency order. */
import type { AnyModuleSpec } from "../spec";
import { albSpec } from "./alb";
import { ecsClusterSpec } from "./ecs-cluster";
import { ecsServiceSpec } from "./ecs-service";
import { networkSpec } from "./network";
import { staticIpSpec } from "./static-ip";

/**
 * Every generated module. load-balanced-service yields two: `alb` (LoadBalancer, shared) and
 * `ecs-service` (LoadBalancedService, one call per service). `static-ip` builds its edge groups with
 * the ecs-cluster module's instance profile and hands their capacity providers back to it.
 */
export const SPECS: readonly AnyModuleSpec[] = [
  networkSpec,
  ecsClusterSpec,
  albSpec,
  ecsServiceSpec,
  staticIpSpec,
] as unknown as AnyModuleSpec[];
