/**
 * terraform-aws-ecs-service-canary: the ecs-service module's LoadBalancedService with a canary deployment
 * (the spec is shiftingServiceSpec, shared with the other traffic-shifting modules: shifting.ts).
 */
import { shiftingServiceSpec } from "./shifting";

export const ecsServiceCanarySpec = shiftingServiceSpec("canary");
