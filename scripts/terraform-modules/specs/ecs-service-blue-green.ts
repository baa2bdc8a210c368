/**
 * terraform-aws-ecs-service-blue-green: the ecs-service module's LoadBalancedService with ECS's
 * native blue/green deployment: an alternate target group, a test rule on the alb module's HTTPS
 * listener matching a request header, and the deployment role ECS shifts traffic with.
 */
import { TerraformVariable } from "cdktf";
import {
  DEFAULT_BAKE_TIME_MINUTES,
  DEFAULT_TEST_HEADER_VALUES,
  DeploymentOptions,
  LoadBalancedService,
  LoadBalancedServiceProps,
  MAX_BAKE_TIME_MINUTES,
} from "../../../modules/load-balanced-service";
import { TEST_HEADER_NAME_PATTERN } from "../../../modules/load-balanced-service/deployment-config";
import { integerRule, ModuleSpec } from "../spec";
import {
  clusterFromVariables,
  deploymentAlarmsFromVariables,
  ecsServiceSpec,
  loadBalancerFromVariables,
  patternRule,
} from "./ecs-service";

/** Why a rule is only the module's: the construct gets the value as a token. */
const tokenOnly = (prop: string): { hclOnly: string } => ({
  hclOnly: `the module passes it to the construct's deployment.${prop} as a variable (a token), which the construct checks only as a literal (test/modules/load-balanced-service-deployments.test.ts)`,
});

/** The `deployment` prop (blue/green, header test rule) from its adapter variables. */
function deploymentFromVariables(vars: Readonly<Record<string, TerraformVariable>>): DeploymentOptions {
  return {
    strategy: "blueGreen",
    bakeTimeMinutes: vars.bake_time_minutes!.numberValue,
    testListener: {
      headerName: vars.test_header_name!.stringValue,
      headerValues: vars.test_header_values!.listValue,
      rulePriority: vars.test_rule_priority!.numberValue,
    },
  };
}

export const ecsServiceBlueGreenSpec: ModuleSpec<LoadBalancedServiceProps, LoadBalancedService> = {
  ...ecsServiceSpec,
  name: "ecs-service-blue-green",
  summary:
    "The ecs-service module's service with an ECS blue/green deployment: a new revision starts beside the " +
    "old one behind an alternate target group, takes test traffic (requests with a test header) first, then " +
    "all production traffic at once; the old revision stays for bake_time_minutes. ECS shifts traffic through " +
    "a role scoped to the service's two target groups and two rules.",
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
      from: ["bake_time_minutes", "test_header_name", "test_header_values", "test_rule_priority"],
      reason:
        "An object whose strategy decides the resources at synth time: this module is blue/green with a header " +
        "test rule, and takes the bake time and the test rule's header and priority.",
    },
  },
  adapterVariables: {
    ...ecsServiceSpec.adapterVariables,
    bake_time_minutes: {
      type: "number",
      default: DEFAULT_BAKE_TIME_MINUTES,
      description:
        "Minutes the old revision keeps running after production traffic has moved, for an instant rollback.",
      rules: [
        {
          ...integerRule(
            "bake_time_minutes",
            0,
            MAX_BAKE_TIME_MINUTES,
            "ECS accepts 0 to 1440 minutes",
            [1441],
          ),
          synth: tokenOnly("bakeTimeMinutes"),
        },
      ],
    },
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
          ...integerRule(
            "test_rule_priority",
            1,
            50_000,
            "listener rule priorities run from 1 to 50000",
            [0],
          ),
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
  },
  create: (scope, props, adapter) =>
    new LoadBalancedService(scope, "service", {
      ...props,
      cluster: clusterFromVariables(scope, adapter),
      loadBalancer: loadBalancerFromVariables(scope, adapter),
      deploymentAlarms: deploymentAlarmsFromVariables(adapter),
      deployment: deploymentFromVariables(adapter),
    } as LoadBalancedServiceProps),
  extraOutputs: {
    ...ecsServiceSpec.extraOutputs,
    alternate_target_group_arn: {
      description: "ARN of the alternate target group (the new revision's during a deployment).",
      value: (s) => s.alternateTargetGroup!.arn,
    },
    test_listener_rule_arn: {
      description: "ARN of the header test rule.",
      value: (s) => s.testListenerRule!.arn,
    },
    deployment_role_arn: {
      description: "ARN of the role ECS shifts traffic with.",
      value: (s) => s.deploymentRole!.arn,
    },
  },
  usage: { ...ecsServiceSpec.usage, test_rule_priority: "90" },
  example: { ...ecsServiceSpec.example, test_rule_priority: 90 },
};
