/** The modules generated as Terraform modules, in dependency order. */
import type { AnyModuleSpec } from "../spec";
import { albSpec } from "./alb";
import { ecsClusterSpec } from "./ecs-cluster";
import { ecsServiceSpec } from "./ecs-service";
import { networkSpec } from "./network";

/**
 * Every generated module. load-balanced-service yields two: `alb` (LoadBalancer, shared) and
 * `ecs-service` (LoadBalancedService, one call per service). static-ip follows once its spec
 * decides each prop (it takes `network`, `cluster` and `loadBalancer` constructs and ships a Lambda).
 */
export const SPECS: readonly AnyModuleSpec[] = [
  networkSpec,
  ecsClusterSpec,
  albSpec,
  ecsServiceSpec,
] as unknown as AnyModuleSpec[];
