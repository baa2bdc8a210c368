/** The modules generated as Terraform modules, in dependency order. */
import type { AnyModuleSpec } from "../spec";
import { ecsClusterSpec } from "./ecs-cluster";
import { networkSpec } from "./network";

/**
 * Every generated module. load-balanced-service and static-ip follow once their specs decide each
 * prop (both take constructs, `network` and `cluster`, that need adapters like ecs-cluster's).
 */
export const SPECS: readonly AnyModuleSpec[] = [networkSpec, ecsClusterSpec] as unknown as AnyModuleSpec[];
