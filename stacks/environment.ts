import { Construct } from "constructs";
import { AppStack } from "./app-stack";
import { AwsTarget } from "./aws-provider";
import { EnvironmentConfig, validateEnvironmentConfig } from "./config";
import { FoundationStack } from "./foundation-stack";

/** Id of an environment's foundation stack, e.g. `dev-foundation`. */
export function foundationStackId(environment: string): string {
  return `${environment}-foundation`;
}

/** Id of an environment's app stack, e.g. `dev-app`. */
export function appStackId(environment: string): string {
  return `${environment}-app`;
}

/** The two stacks of one environment. */
export interface EnvironmentStacks {
  readonly foundation: FoundationStack;
  readonly app: AppStack;
}

/**
 * Adds one environment's stacks to `scope` (the cdktf App): `<env>-foundation` (network, zone,
 * static-IP addresses) and `<env>-app` (cluster, load balancer, services), which reads the
 * foundation through cross-stack references. The ids carry the environment, so every environment
 * has its own state files and synthesized directories. `config` is validated first (its own
 * rules), then each construct checks its props: bad input throws a `ValidationError` naming the
 * config's path (`services[1].cpuUnits`), and leaves no stack in `scope` (nothing is written).
 */
export function addEnvironment(
  scope: Construct,
  config: EnvironmentConfig,
  target: AwsTarget,
): EnvironmentStacks {
  validateEnvironmentConfig(config);
  try {
    const foundation = new FoundationStack(scope, foundationStackId(config.name), { config, target });
    const app = new AppStack(scope, appStackId(config.name), { config, target, foundation });
    return { foundation, app };
  } catch (e) {
    // A module rejected a value (reported under the config's path): leave no half-built stack.
    scope.node.tryRemoveChild(appStackId(config.name));
    scope.node.tryRemoveChild(foundationStackId(config.name));
    throw e;
  }
}
