/**
 * terraform-aws-ecs-service-blue-green: the ecs-service module's LoadBalancedService with a blue/green deployment
 * (the spec is shiftingServiceSpec, shared with the other traffic-shifting modules: shifting.ts).
 */
import { shiftingServiceSpec } from "./shifting";

export const ecsServiceBlueGreenSpec = shiftingServiceSpec("blueGreen");
