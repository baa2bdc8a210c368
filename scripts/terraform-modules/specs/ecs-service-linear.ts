/**
 * terraform-aws-ecs-service-linear: the ecs-service module's LoadBalancedService with a linear deployment
 * (the spec is shiftingServiceSpec, shared with the other traffic-shifting modules: shifting.ts).
 */
import { shiftingServiceSpec } from "./shifting";

export const ecsServiceLinearSpec = shiftingServiceSpec("linear");
