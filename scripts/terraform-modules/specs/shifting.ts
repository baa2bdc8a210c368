/**
 * What terraform-aws-ecs-service-blue-green, -canary and -linear share: the ecs-service module's
 * LoadBalancedService with one of ECS's traffic-shifting deployments: an alternate target group, a
 * test rule on the alb module's HTTPS listener matching a request header, and the deployment role
 * ECS shifts traffic with. One module per strategy: the strategy decides at synth time which
 * blocks the service has (canary_configuration, linear_configuration), so it cannot be a variable.
 */
import { TerraformVariable } from "cdktf";
import {
  CANARY_PERCENT_RANGE,
  DEFAULT_BAKE_TIME_MINUTES,
  DEFAULT_CANARY_BAKE_TIME_MINUTES,
  DEFAULT_CANARY_PERCENT,
  DEFAULT_LINEAR_STEP_BAKE_TIME_MINUTES,
  DEFAULT_LINEAR_STEP_PERCENT,
  DEFAULT_TEST_HEADER_VALUES,
  DeploymentOptions,
  LINEAR_STEP_PERCENT_RANGE,
  LoadBalancedService,
  LoadBalancedServiceProps,
  MAX_BAKE_TIME_MINUTES,
} from "../../../modules/load-balanced-service";
import { TEST_HEADER_NAME_PATTERN } from "../../../modules/load-balanced-service/deployment-config";
import { AdapterVariable, integerRule, ModuleSpec, VariableRule } from "../spec";
import { ecsServiceSpec, patternRule, serviceFromVariables } from "./ecs-service";

/** Why a rule is only the module's: the construct gets the value as a token. */
const tokenOnly = (prop: string): { hclOnly: string } => ({
  hclOnly: `the module passes it to the construct's deployment.${prop} as a variable (a token), which the construct checks only as a literal (test/modules/load-balanced-service-deployments.test.ts)`,
});

/** A rule that a number variable is within ECS's range (fractions allowed). */
function percentRule(
  variable: string,
  range: { min: number; max: number },
  fix: string,
  prop: string,
): VariableRule {
  return {
    condition: `var.${variable} >= ${range.min} && var.${variable} <= ${range.max}`,
    errorMessage: `${variable} (\${var.${variable}}) must be a number from ${range.min} to ${range.max} (ECS's range); ${fix}.`,
    rejects: [{ [variable]: range.min / 2 }, { [variable]: range.max + 1 }],
    synth: tokenOnly(prop),
  };
}

/** A bake time variable: minutes, 0 to 1440. */
function bakeTimeVariable(
  name: string,
  defaultValue: number,
  description: string,
  prop: string,
): AdapterVariable {
  return {
    type: "number",
    default: defaultValue,
    description,
    rules: [
      {
        ...integerRule(name, 0, MAX_BAKE_TIME_MINUTES, "ECS accepts 0 to 1440 minutes", [
          MAX_BAKE_TIME_MINUTES + 1,
        ]),
        synth: tokenOnly(prop),
      },
    ],
  };
}

/** The strategies a module is generated for, and what each adds. */
const STRATEGIES = {
  blueGreen: {
    name: "ecs-service-blue-green",
    what: "an ECS blue/green deployment: a new revision starts beside the old one behind an alternate target group, takes test traffic (requests with a test header) first, then all production traffic at once",
    variables: {} as Record<string, AdapterVariable>,
    options: (): Partial<DeploymentOptions> => ({}),
  },
  canary: {
    name: "ecs-service-canary",
    what: "an ECS canary deployment: a new revision starts beside the old one behind an alternate target group, takes test traffic (requests with a test header), then canary_percent of production traffic, and the rest canary_bake_time_minutes later",
    variables: {
      canary_percent: {
        type: "number",
        default: DEFAULT_CANARY_PERCENT,
        description: "Share of production traffic the new revision takes first, percent (0.1 to 100).",
        rules: [percentRule("canary_percent", CANARY_PERCENT_RANGE, "e.g. 10", "canaryPercent")],
      },
      canary_bake_time_minutes: bakeTimeVariable(
        "canary_bake_time_minutes",
        DEFAULT_CANARY_BAKE_TIME_MINUTES,
        "Minutes between the canary share and the rest of production traffic.",
        "canaryBakeTimeMinutes",
      ),
    } as Record<string, AdapterVariable>,
    options: (vars: Readonly<Record<string, TerraformVariable>>): Partial<DeploymentOptions> => ({
      canaryPercent: vars.canary_percent!.numberValue,
      canaryBakeTimeMinutes: vars.canary_bake_time_minutes!.numberValue,
    }),
  },
  linear: {
    name: "ecs-service-linear",
    what: "an ECS linear deployment: a new revision starts beside the old one behind an alternate target group, takes test traffic (requests with a test header), then production traffic in steps of linear_step_percent, linear_step_bake_time_minutes apart",
    variables: {
      linear_step_percent: {
        type: "number",
        default: DEFAULT_LINEAR_STEP_PERCENT,
        description: "Share of production traffic each step moves, percent (3 to 100).",
        rules: [
          percentRule("linear_step_percent", LINEAR_STEP_PERCENT_RANGE, "e.g. 25", "linearStepPercent"),
        ],
      },
      linear_step_bake_time_minutes: bakeTimeVariable(
        "linear_step_bake_time_minutes",
        DEFAULT_LINEAR_STEP_BAKE_TIME_MINUTES,
        "Minutes between steps.",
        "linearStepBakeTimeMinutes",
      ),
    } as Record<string, AdapterVariable>,
    options: (vars: Readonly<Record<string, TerraformVariable>>): Partial<DeploymentOptions> => ({
      linearStepPercent: vars.linear_step_percent!.numberValue,
      linearStepBakeTimeMinutes: vars.linear_step_bake_time_minutes!.numberValue,
    }),
  },
} as const;

/** What every traffic-shifting module takes beside the ecs-service module's inputs. */
const SHIFTING_VARIABLES: Readonly<Record<string, AdapterVariable>> = {
  bake_time_minutes: bakeTimeVariable(
    "bake_time_minutes",
    DEFAULT_BAKE_TIME_MINUTES,
    "Minutes the old revision keeps running after production traffic has moved, for an instant rollback.",
    "bakeTimeMinutes",
  ),
  test_header_name: {
    type: "string",
    default: "X-Test-Traffic",
    description: "The request header that sends a request to the new revision during a deployment.",
    rules: [
      {
        ...patternRule(
          "test_header_name",
          TEST_HEADER_NAME_PATTERN.source,
          "be 1 to 40 letters, digits or hyphens (an HTTP header name)",
          "e.g. X-Test-Traffic",
          ["X Test"],
        ),
        synth: tokenOnly("testListener.headerName"),
      },
    ],
  },
  test_header_values: {
    type: "list(string)",
    default: [...DEFAULT_TEST_HEADER_VALUES],
    description: "Values of test_header_name that select the new revision (1 to 5; `*` and `?` wildcards).",
    rules: [
      {
        condition:
          "length(var.test_header_values) >= 1 && length(var.test_header_values) + length(var.path_patterns) <= 5",
        errorMessage:
          'test_header_values (${jsonencode(var.test_header_values)}) must have 1 value or more, and at most 5 with path_patterns (an ALB rule takes at most 5 condition values); e.g. ["true"].',
        rejects: [{ test_header_values: [] }, { test_header_values: ["1", "2", "3", "4", "5"] }],
        synth: tokenOnly("testListener.headerValues"),
      },
    ],
  },
  test_rule_priority: {
    type: "number",
    description:
      "Priority of the test rule on the HTTPS listener: below rule_priority (evaluated first), unique on the " +
      "listener.",
    rules: [
      {
        ...integerRule("test_rule_priority", 1, 50_000, "listener rule priorities run from 1 to 50000", [0]),
        synth: tokenOnly("testListener.rulePriority"),
      },
      {
        condition: "var.test_rule_priority < var.rule_priority",
        errorMessage:
          "test_rule_priority (${var.test_rule_priority}) must be below rule_priority (${var.rule_priority}): the header rule must match before the service's own rule; e.g. rule_priority - 1.",
        rejects: [{ test_rule_priority: 200 }],
        synth: tokenOnly("testListener.rulePriority"),
      },
    ],
  },
};

/** The spec of the module for `strategy` (each has its file: ecs-service-<strategy>.ts). */
export function shiftingServiceSpec(
  strategy: keyof typeof STRATEGIES,
): ModuleSpec<LoadBalancedServiceProps, LoadBalancedService> {
  const s = STRATEGIES[strategy];
  const deployment = (vars: Readonly<Record<string, TerraformVariable>>): DeploymentOptions => ({
    strategy,
    bakeTimeMinutes: vars.bake_time_minutes!.numberValue,
    ...s.options(vars),
    testListener: {
      headerName: vars.test_header_name!.stringValue,
      headerValues: vars.test_header_values!.listValue,
      rulePriority: vars.test_rule_priority!.numberValue,
    },
  });
  return {
    ...ecsServiceSpec,
    name: s.name,
    summary:
      `The ecs-service module's service with ${s.what}; the old revision stays for bake_time_minutes. ECS ` +
      "shifts traffic through a role scoped to the service's two target groups and two rules.",
    notes: [
      ...(ecsServiceSpec.notes ?? []),
      "The test rule sits on the same HTTPS listener at `test_rule_priority`, which must be below " +
        "`rule_priority` (unique on the listener too): a request with `test_header_name` set to one of " +
        "`test_header_values` reaches the new revision during a deployment. Terraform ignores both rules' " +
        "actions after creation: ECS rewrites their target group weights as it shifts traffic.",
    ],
    props: {
      ...ecsServiceSpec.props,
      deployment: {
        as: "adapter",
        from: [...Object.keys(SHIFTING_VARIABLES), ...Object.keys(s.variables)],
        reason:
          "An object whose strategy decides the resources and blocks at synth time: this module's strategy is " +
          `${strategy} with a header test rule; it takes the bake times, the share of traffic and the test rule's ` +
          "header and priority.",
      },
    },
    adapterVariables: { ...ecsServiceSpec.adapterVariables, ...SHIFTING_VARIABLES, ...s.variables },
    create: (scope, props, adapter) =>
      serviceFromVariables(scope, props, adapter, { deployment: deployment(adapter) }),
    extraOutputs: {
      ...ecsServiceSpec.extraOutputs,
      alternate_target_group_arn: {
        description: "ARN of the alternate target group (the new revision's during a deployment).",
        value: (service) => service.alternateTargetGroup!.arn,
      },
      test_listener_rule_arn: {
        description: "ARN of the header test rule.",
        value: (service) => service.testListenerRule!.arn,
      },
      deployment_role_arn: {
        description: "ARN of the role ECS shifts traffic with.",
        value: (service) => service.deploymentRole!.arn,
      },
    },
    usage: { ...ecsServiceSpec.usage, test_rule_priority: "90" },
    example: { ...ecsServiceSpec.example, test_rule_priority: 90 },
  };
}
