import { AWS_ARN_PATTERNS, checkKnownKeys, Fail } from "../shared/validation";
import {
  DEPLOYMENT_ALARMS_OPTIONS_KEYS,
  DEPLOYMENT_LIFECYCLE_HOOK_KEYS,
  DEPLOYMENT_OPTIONS_KEYS,
  TEST_LISTENER_OPTIONS_KEYS,
} from "./keys";
import {
  CANARY_PERCENT_RANGE,
  ContainerServiceProps,
  DEFAULT_BAKE_TIME_MINUTES,
  DEFAULT_CANARY_BAKE_TIME_MINUTES,
  DEFAULT_CANARY_PERCENT,
  DEFAULT_LINEAR_STEP_BAKE_TIME_MINUTES,
  DEFAULT_LINEAR_STEP_PERCENT,
  DEFAULT_TARGET_ERRORS_THRESHOLD,
  DEFAULT_TEST_HEADER_VALUES,
  DEPLOYMENT_LIFECYCLE_STAGES,
  DeploymentLifecycleStage,
  DeploymentStrategyType,
  LINEAR_STEP_PERCENT_RANGE,
  MAX_BAKE_TIME_MINUTES,
  MAX_DEPLOYMENT_ALARMS,
} from "./props";
import { checkInteger, literal } from "./validation";

/** Every {@link DeploymentStrategyType}, in the order messages list them. */
export const DEPLOYMENT_STRATEGIES = [
  "rolling",
  "blueGreen",
  "canary",
  "linear",
] as const satisfies readonly DeploymentStrategyType[];

/** The ECS API's name of each strategy (`deployment_configuration.strategy`). */
export const ECS_DEPLOYMENT_STRATEGY: Readonly<Record<DeploymentStrategyType, string>> = {
  rolling: "ROLLING",
  blueGreen: "BLUE_GREEN",
  canary: "CANARY",
  linear: "LINEAR",
};

/** Most lifecycle hooks of one service this module accepts. */
export const MAX_LIFECYCLE_HOOKS = 10;

/** A test header name: what an ALB http-header condition accepts, at most 40 characters. */
export const TEST_HEADER_NAME_PATTERN = /^[A-Za-z0-9-]{1,40}$/;

/** Where test traffic reaches the new revision, validated. */
export type TestListenerConfig =
  | { readonly kind: "port"; readonly port: number }
  | {
      readonly kind: "header";
      readonly headerName: string;
      readonly headerValues: string[];
      readonly rulePriority: number;
    };

/** A lifecycle hook, validated. */
export interface LifecycleHookConfig {
  readonly functionArn: string;
  readonly stages: DeploymentLifecycleStage[];
  /** `details` as JSON text, or undefined. */
  readonly details: string | undefined;
}

/** A traffic-shifting deployment (blue/green, canary or linear), validated with defaults applied. */
export interface ShiftingDeploymentConfig {
  readonly strategy: Exclude<DeploymentStrategyType, "rolling">;
  readonly bakeTimeMinutes: number;
  readonly canary: { readonly percent: number; readonly bakeTimeMinutes: number } | undefined;
  readonly linear: { readonly stepPercent: number; readonly stepBakeTimeMinutes: number } | undefined;
  readonly testListener: TestListenerConfig | undefined;
  readonly lifecycleHooks: LifecycleHookConfig[];
}

/** The service's deployment: rolling, or a traffic-shifting one. */
export type DeploymentConfig = { readonly strategy: "rolling" } | ShiftingDeploymentConfig;

/** Deployment alarms, validated. */
export interface DeploymentAlarmsConfig {
  /** The given alarms' names (without the service's own). */
  readonly alarmNames: string[];
  readonly targetErrorsAlarm: boolean;
  readonly targetErrorsThreshold: number;
  readonly rollback: boolean;
}

/** Fails unless `value` is a number in `[min, max]` (fractions allowed); skips tokens. */
function checkNumber(fail: Fail, field: string, value: number, min: number, max: number, fix: string): void {
  if (!literal(value)) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    fail(field, value, `be a number from ${min} to ${max} (ECS's range)`, fix);
  }
}

function checkBakeTime(fail: Fail, field: string, value: number): void {
  checkInteger(
    fail,
    field,
    value,
    0,
    MAX_BAKE_TIME_MINUTES,
    `minutes, ECS accepts 0 to ${MAX_BAKE_TIME_MINUTES} (a day)`,
  );
}

/**
 * Validates `deployment` and applies its defaults. Blue/green, canary and linear need a load
 * balancer (`hasLoadBalancer`); fields of another strategy than the chosen one are refused rather
 * than ignored.
 */
export function resolveDeploymentConfig(
  fail: Fail,
  props: ContainerServiceProps,
  hasLoadBalancer: boolean,
): DeploymentConfig {
  const options = props.deployment;
  checkKnownKeys(fail, "deployment", options, DEPLOYMENT_OPTIONS_KEYS);
  const strategy = options?.strategy ?? "rolling";
  if (!(DEPLOYMENT_STRATEGIES as readonly unknown[]).includes(strategy)) {
    fail(
      "deployment.strategy",
      strategy,
      `be one of ${DEPLOYMENT_STRATEGIES.join(", ")}`,
      "pick one (rolling is the default)",
    );
  }
  const given = (fields: readonly (keyof NonNullable<typeof options>)[]) =>
    fields.filter((field) => options?.[field] !== undefined);
  const onlyFor = (fields: readonly (keyof NonNullable<typeof options>)[], owner: string, fix: string) => {
    const extra = given(fields)[0];
    if (extra !== undefined) {
      fail(
        `deployment.${extra}`,
        options?.[extra],
        `be unset with deployment.strategy ${JSON.stringify(strategy)}: it belongs to ${owner}`,
        fix,
      );
    }
  };
  if (strategy === "rolling") {
    onlyFor(
      ["bakeTimeMinutes", "testListener", "lifecycleHooks", "canaryPercent", "canaryBakeTimeMinutes"],
      "blue/green, canary and linear deployments",
      'drop it, or set strategy "blueGreen", "canary" or "linear"',
    );
    onlyFor(
      ["linearStepPercent", "linearStepBakeTimeMinutes"],
      "linear deployments",
      'drop it, or set strategy "linear"',
    );
    return { strategy: "rolling" };
  }
  if (!hasLoadBalancer) {
    fail(
      "deployment.strategy",
      strategy,
      "be rolling for a service without a load balancer: blue/green, canary and linear deployments move load balancer traffic between two target groups",
      "use a LoadBalancedService, or drop deployment.strategy",
    );
  }
  if (strategy !== "canary") {
    onlyFor(
      ["canaryPercent", "canaryBakeTimeMinutes"],
      "canary deployments",
      'drop it, or set strategy "canary"',
    );
  }
  if (strategy !== "linear") {
    onlyFor(
      ["linearStepPercent", "linearStepBakeTimeMinutes"],
      "linear deployments",
      'drop it, or set strategy "linear"',
    );
  }
  const bakeTimeMinutes = options?.bakeTimeMinutes ?? DEFAULT_BAKE_TIME_MINUTES;
  checkBakeTime(fail, "deployment.bakeTimeMinutes", bakeTimeMinutes);

  let canary: ShiftingDeploymentConfig["canary"];
  if (strategy === "canary") {
    const percent = options?.canaryPercent ?? DEFAULT_CANARY_PERCENT;
    checkNumber(
      fail,
      "deployment.canaryPercent",
      percent,
      CANARY_PERCENT_RANGE.min,
      CANARY_PERCENT_RANGE.max,
      `the share of traffic the canary takes first, e.g. ${DEFAULT_CANARY_PERCENT}`,
    );
    const canaryBake = options?.canaryBakeTimeMinutes ?? DEFAULT_CANARY_BAKE_TIME_MINUTES;
    checkBakeTime(fail, "deployment.canaryBakeTimeMinutes", canaryBake);
    canary = { percent, bakeTimeMinutes: canaryBake };
  }
  let linear: ShiftingDeploymentConfig["linear"];
  if (strategy === "linear") {
    const stepPercent = options?.linearStepPercent ?? DEFAULT_LINEAR_STEP_PERCENT;
    checkNumber(
      fail,
      "deployment.linearStepPercent",
      stepPercent,
      LINEAR_STEP_PERCENT_RANGE.min,
      LINEAR_STEP_PERCENT_RANGE.max,
      `the share of traffic each step moves, e.g. ${DEFAULT_LINEAR_STEP_PERCENT}`,
    );
    const stepBake = options?.linearStepBakeTimeMinutes ?? DEFAULT_LINEAR_STEP_BAKE_TIME_MINUTES;
    checkBakeTime(fail, "deployment.linearStepBakeTimeMinutes", stepBake);
    linear = { stepPercent, stepBakeTimeMinutes: stepBake };
  }

  return {
    strategy,
    bakeTimeMinutes,
    canary,
    linear,
    testListener: resolveTestListener(fail, options?.testListener),
    lifecycleHooks: resolveLifecycleHooks(fail, options?.lifecycleHooks ?? []),
  };
}

function resolveTestListener(
  fail: Fail,
  options: NonNullable<ContainerServiceProps["deployment"]>["testListener"],
): TestListenerConfig | undefined {
  if (options === undefined) return undefined;
  const field = "deployment.testListener";
  checkKnownKeys(fail, field, options, TEST_LISTENER_OPTIONS_KEYS);
  const { port, headerName, headerValues, rulePriority } = options;
  if ((port === undefined) === (headerName === undefined)) {
    fail(
      field,
      options,
      "give exactly one of port (a test listener of its own) and headerName (a header rule on the production listener)",
      'e.g. { port: 9000 } or { headerName: "X-Test-Traffic", rulePriority: 90 }',
    );
  }
  if (port !== undefined) {
    for (const [name, value] of [
      ["headerValues", headerValues],
      ["rulePriority", rulePriority],
    ] as const) {
      if (value !== undefined) {
        fail(
          `${field}.${name}`,
          value,
          "be unset with port: the test listener's rule takes the service's priority and conditions",
          "drop it, or use headerName instead of port",
        );
      }
    }
    checkInteger(fail, `${field}.port`, port, 1, 65535, "e.g. 9000");
    return { kind: "port", port };
  }
  const name = headerName ?? "";
  if (literal(name) && !TEST_HEADER_NAME_PATTERN.test(name)) {
    fail(
      `${field}.headerName`,
      name,
      "be 1 to 40 letters, digits or hyphens (an HTTP header name)",
      'e.g. "X-Test-Traffic"',
    );
  }
  const values = headerValues ?? [...DEFAULT_TEST_HEADER_VALUES];
  if (literal(values)) {
    if (values.length < 1 || values.length > 5) {
      fail(`${field}.headerValues`, values, "have 1 to 5 values", 'e.g. ["true"]');
    }
    values.forEach((value, i) => {
      if (literal(value) && (typeof value !== "string" || value.length < 1 || value.length > 128)) {
        fail(`${field}.headerValues[${i}]`, value, "be 1 to 128 characters", 'e.g. "true"');
      }
    });
  }
  if (rulePriority === undefined) {
    fail(
      `${field}.rulePriority`,
      rulePriority,
      "be set with headerName: the header rule sits on the production listener, before the service's own rule",
      "give it a priority below the service's rulePriority, unique on the load balancer",
    );
  }
  checkInteger(fail, `${field}.rulePriority`, rulePriority, 1, 50_000, "e.g. the service's rulePriority - 1");
  // A token list (a Terraform variable) stays whole: spreading it would make a list of one token.
  return {
    kind: "header",
    headerName: name,
    headerValues: literal(values) ? [...values] : values,
    rulePriority,
  };
}

function resolveLifecycleHooks(
  fail: Fail,
  hooks: NonNullable<NonNullable<ContainerServiceProps["deployment"]>["lifecycleHooks"]>,
): LifecycleHookConfig[] {
  if (!literal(hooks)) return hooks as LifecycleHookConfig[];
  if (hooks.length > MAX_LIFECYCLE_HOOKS) {
    fail("deployment.lifecycleHooks", hooks, `have at most ${MAX_LIFECYCLE_HOOKS} entries`, "merge some");
  }
  return hooks.map((hook, i) => {
    const field = `deployment.lifecycleHooks[${i}]`;
    checkKnownKeys(fail, field, hook, DEPLOYMENT_LIFECYCLE_HOOK_KEYS);
    if (literal(hook.functionArn) && !AWS_ARN_PATTERNS.lambdaFunction.test(hook.functionArn ?? "")) {
      fail(
        `${field}.functionArn`,
        hook.functionArn,
        "be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)",
        "pass the function's ARN, not its name",
      );
    }
    const stages = hook.stages ?? [];
    if (literal(stages)) {
      if (stages.length < 1) {
        fail(`${field}.stages`, stages, "name at least one stage", `e.g. ["POST_TEST_TRAFFIC_SHIFT"]`);
      }
      stages.forEach((stage, j) => {
        if (!(DEPLOYMENT_LIFECYCLE_STAGES as readonly unknown[]).includes(stage)) {
          fail(
            `${field}.stages[${j}]`,
            stage,
            `be one of ${DEPLOYMENT_LIFECYCLE_STAGES.join(", ")}`,
            "pick the stage the hook checks",
          );
        }
        if (stages.indexOf(stage) !== j) {
          fail(`${field}.stages`, stages, "name each stage once", `drop the second ${stage}`);
        }
      });
    }
    let details: string | undefined;
    if (hook.details !== undefined) {
      if (typeof hook.details !== "object" || hook.details === null || Array.isArray(hook.details)) {
        fail(
          `${field}.details`,
          hook.details,
          "be an object (ECS passes it to the function as JSON)",
          'e.g. { "check": "smoke" }',
        );
      }
      details = JSON.stringify(hook.details);
    }
    return { functionArn: hook.functionArn, stages: [...stages], details };
  });
}

/** Validates `deploymentAlarms` and applies its defaults (rollback on, the 5xx threshold). */
export function resolveDeploymentAlarms(
  fail: Fail,
  options: ContainerServiceProps["deploymentAlarms"],
  hasLoadBalancer: boolean,
): DeploymentAlarmsConfig | undefined {
  if (options === undefined) return undefined;
  checkKnownKeys(fail, "deploymentAlarms", options, DEPLOYMENT_ALARMS_OPTIONS_KEYS);
  const targetErrorsAlarm = options.targetErrorsAlarm ?? false;
  if (typeof targetErrorsAlarm !== "boolean") {
    fail("deploymentAlarms.targetErrorsAlarm", targetErrorsAlarm, "be true or false", "e.g. true");
  }
  if (targetErrorsAlarm && !hasLoadBalancer) {
    fail(
      "deploymentAlarms.targetErrorsAlarm",
      targetErrorsAlarm,
      "be false for a service without a load balancer: the alarm counts the 5xx answers of its target group",
      "pass the names of the service's own alarms in alarmNames",
    );
  }
  const threshold = options.targetErrorsThreshold;
  if (threshold !== undefined && !targetErrorsAlarm) {
    fail(
      "deploymentAlarms.targetErrorsThreshold",
      threshold,
      "be unset without targetErrorsAlarm",
      "set targetErrorsAlarm: true, or drop it",
    );
  }
  const targetErrorsThreshold = threshold ?? DEFAULT_TARGET_ERRORS_THRESHOLD;
  checkInteger(
    fail,
    "deploymentAlarms.targetErrorsThreshold",
    targetErrorsThreshold,
    1,
    Number.MAX_SAFE_INTEGER,
    `5xx answers in a minute, e.g. ${DEFAULT_TARGET_ERRORS_THRESHOLD}`,
  );
  const names = options.alarmNames ?? [];
  const own = targetErrorsAlarm ? 1 : 0;
  if (literal(names)) {
    if (!Array.isArray(names) || names.length + own < 1 || names.length + own > MAX_DEPLOYMENT_ALARMS) {
      fail(
        "deploymentAlarms.alarmNames",
        names,
        targetErrorsAlarm
          ? `name at most ${MAX_DEPLOYMENT_ALARMS - 1} CloudWatch alarms beside targetErrorsAlarm (ECS watches ${MAX_DEPLOYMENT_ALARMS} at most)`
          : `name 1 to ${MAX_DEPLOYMENT_ALARMS} CloudWatch alarms`,
        targetErrorsAlarm
          ? "drop some"
          : "set targetErrorsAlarm: true for the service's own, or drop deploymentAlarms for none",
      );
    }
    names.forEach((name, i) => {
      if (literal(name) && (typeof name !== "string" || name.length < 1 || name.length > 255)) {
        fail(
          `deploymentAlarms.alarmNames[${i}]`,
          name,
          "be an alarm name of 1 to 255 characters",
          "pass the alarm's name",
        );
      }
      if (literal(name) && names.indexOf(name) !== i) {
        fail(
          "deploymentAlarms.alarmNames",
          names,
          "name each alarm once",
          `drop the second ${JSON.stringify(name)}`,
        );
      }
    });
  }
  const rollback = options.rollback ?? true;
  if (typeof rollback !== "boolean" && literal(rollback)) {
    fail("deploymentAlarms.rollback", rollback, "be true or false", "e.g. true");
  }
  return {
    alarmNames: literal(names) ? [...names] : names,
    targetErrorsAlarm,
    targetErrorsThreshold,
    rollback,
  };
}
