import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { Construct } from "constructs";
import { EcsCluster } from "../../modules/ecs-cluster";
import { STAR_RESOURCE_ACTIONS as CLUSTER_STAR_RESOURCE_ACTIONS } from "../../modules/ecs-cluster/iam";
import {
  DEFAULT_BAKE_TIME_MINUTES,
  DEFAULT_CANARY_BAKE_TIME_MINUTES,
  DEFAULT_CANARY_PERCENT,
  DEFAULT_LINEAR_STEP_BAKE_TIME_MINUTES,
  DEFAULT_LINEAR_STEP_PERCENT,
  LoadBalancedService,
  LoadBalancedServiceProps,
  LoadBalancer,
  LoadBalancerProps,
  WorkerService,
  WorkerServiceProps,
} from "../../modules/load-balanced-service";
import { STAR_RESOURCE_ACTIONS } from "../../modules/load-balanced-service/iam";
import { Network } from "../../modules/network";
import { addAwsProvider } from "../../stacks/aws-provider";
import { describeFindings, lintIam, scanIam } from "../support/iam";
import { shareProvider } from "../support/shared-provider";

// Deployments of LoadBalancedService and WorkerService: rolling (the default), blue/green, canary
// and linear with their test listener, lifecycle hooks and deployment role; alarm rollback; image
// deploys owned by CI; forceNewDeployment. Every rejected value fails before anything is created.

shareProvider();

type Block = Record<string, unknown>;
interface SynthJson {
  readonly resource: Record<string, Record<string, Block>>;
}
interface Statement {
  readonly Sid: string;
  readonly Action: string[];
  readonly Resource: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

const CERT = "arn:aws:acm:eu-west-2:123456789012:certificate/0f3c2a1e-1111-4222-8333-444455556666";
const HOOK = "arn:aws:lambda:eu-west-2:123456789012:function:smoke-test";
const HOOK2 = "arn:aws:lambda:eu-west-2:123456789012:function:approve:live";

type ServiceOptions = Partial<Omit<LoadBalancedServiceProps, "cluster" | "loadBalancer">>;

interface World {
  readonly scope: Construct;
  readonly cluster: EcsCluster;
  readonly lb: LoadBalancer;
}

function makeWorld(scope: Construct, lbProps: Partial<LoadBalancerProps> = {}): World {
  const network = new Network(scope, "net", { region: "eu-west-2" });
  const cluster = new EcsCluster(scope, "apps", { network });
  const lb = new LoadBalancer(scope, "alb", { network, ...lbProps });
  return { scope, cluster, lb };
}

function addService(w: World, id: string, options: ServiceOptions): LoadBalancedService {
  return new LoadBalancedService(w.scope, id, {
    cluster: w.cluster,
    loadBalancer: w.lb,
    rulePriority: 100,
    imageTag: "v1",
    ...options,
  });
}

/** Synthesizes a world with one service "web". */
function synthService(options: ServiceOptions, lbProps: Partial<LoadBalancerProps> = {}): SynthJson {
  return JSON.parse(
    Testing.synthScope((scope) => addService(makeWorld(scope, lbProps), "web", options)),
  ) as SynthJson;
}

function blocks(json: SynthJson, type: string, prefix: string): [string, Block][] {
  return Object.entries(json.resource[type] ?? {}).filter(([key]) => key.startsWith(prefix));
}

function only(json: SynthJson, type: string, prefix: string): Block {
  const found = blocks(json, type, prefix);
  expect(found.map(([k]) => k)).toHaveLength(1);
  return found[0]![1];
}

const ref = (json: SynthJson, type: string, prefix: string, attr = "arn"): string => {
  const found = blocks(json, type, prefix);
  expect(found).toHaveLength(1);
  return `\${${type}.${found[0]![0]}.${attr}}`;
};

function statements(block: Block): Statement[] {
  return (JSON.parse(String(block.policy)) as { Statement: Statement[] }).Statement;
}

/** Builds one service in a fresh stack; returns the thunk for `toThrow` and the stack. */
function building(
  options: ServiceOptions | Record<string, unknown>,
  lbProps: Partial<LoadBalancerProps> = {},
  before: (w: World) => void = () => undefined,
): { build: () => void; stack: TerraformStack } {
  const stack = new TerraformStack(Testing.app(), "stack");
  return {
    stack,
    build: () => {
      const w = makeWorld(stack, lbProps);
      before(w);
      addService(w, "web", options as ServiceOptions);
    },
  };
}

const throwing = (
  options: ServiceOptions | Record<string, unknown>,
  lbProps: Partial<LoadBalancerProps> = {},
) => building(options, lbProps).build;

// ---------------------------------------------------------------------------------------------

describe("GIVEN a service with the default (rolling) deployment", () => {
  const json = synthService({});
  const service = only(json, "aws_ecs_service", "web_service");

  it("THEN the service has no deployment_configuration, alarms or force_new_deployment, only the circuit breaker", () => {
    expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    expect(service).not.toHaveProperty("deployment_configuration");
    expect(service).not.toHaveProperty("alarms");
    expect(service).not.toHaveProperty("force_new_deployment");
    expect(service).not.toHaveProperty("lifecycle");
    expect((service.load_balancer as Block[])[0]).not.toHaveProperty("advanced_configuration");
  });

  it("THEN there is one target group, no test listener and no deployment role", () => {
    expect(blocks(json, "aws_lb_target_group", "web_")).toHaveLength(1);
    expect(blocks(json, "aws_lb_listener", "alb_test-listener")).toHaveLength(0);
    expect(blocks(json, "aws_iam_role", "web_deployment")).toHaveLength(0);
  });

  it("THEN the listener rule forwards to the one target group, and Terraform owns its action", () => {
    const rule = only(json, "aws_lb_listener_rule", "web_rule-http");
    expect(rule.action).toEqual([
      { type: "forward", target_group_arn: ref(json, "aws_lb_target_group", "web_target-group") },
    ]);
    expect(rule).not.toHaveProperty("lifecycle");
  });
});

describe("GIVEN a blue/green deployment with a test listener on port 9000", () => {
  const json = synthService({ deployment: { strategy: "blueGreen", testListener: { port: 9000 } } });
  const service = only(json, "aws_ecs_service", "web_service");
  const primary = ref(json, "aws_lb_target_group", "web_target-group");
  const alternate = ref(json, "aws_lb_target_group", "web_alternate-target-group");
  const productionRule = ref(json, "aws_lb_listener_rule", "web_rule-http");
  const testRule = ref(json, "aws_lb_listener_rule", "web_test-rule");
  const role = ref(json, "aws_iam_role", "web_deployment-role");

  it("THEN the service deploys BLUE_GREEN with the default bake time", () => {
    expect(service.deployment_configuration).toEqual({
      strategy: "BLUE_GREEN",
      bake_time_in_minutes: `${DEFAULT_BAKE_TIME_MINUTES}`,
    });
    expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });

  it("THEN its load balancer block names the alternate group, both rules and the deployment role", () => {
    expect(service.load_balancer).toEqual([
      {
        target_group_arn: primary,
        container_name: "app",
        container_port: 8080,
        advanced_configuration: {
          alternate_target_group_arn: alternate,
          production_listener_rule: productionRule,
          test_listener_rule: testRule,
          role_arn: role,
        },
      },
    ]);
  });

  it("THEN the alternate target group is the primary's twin, tagged <service>-alternate", () => {
    const a = only(json, "aws_lb_target_group", "web_alternate-target-group");
    const p = only(json, "aws_lb_target_group", "web_target-group");
    const without = ({ tags: _tags, "//": _meta, ...rest }: Block) => rest;
    expect(without(a)).toEqual(without(p));
    expect(a.tags).toEqual({ Name: "web-alternate" });
  });

  it("THEN both rules forward 100/0 to primary/alternate and leave the weights to ECS (ignore_changes action)", () => {
    const weighted = [
      {
        type: "forward",
        forward: {
          target_group: [
            { arn: primary, weight: 100 },
            { arn: alternate, weight: 0 },
          ],
        },
      },
    ];
    for (const id of ["web_rule-http", "web_test-rule"]) {
      const rule = only(json, "aws_lb_listener_rule", id);
      expect(rule.action).toEqual(weighted);
      expect(rule.lifecycle).toEqual({ ignore_changes: ["action"] });
    }
  });

  it("THEN the test rule sits on a port-9000 listener (a JSON 404 otherwise) with the service's priority and paths", () => {
    const listener = only(json, "aws_lb_listener", "alb_test-listener-9000");
    expect(listener).toMatchObject({
      port: 9000,
      protocol: "HTTP",
      load_balancer_arn: ref(json, "aws_lb", "alb_"),
    });
    expect((listener.default_action as Block[])[0]).toMatchObject({ type: "fixed-response" });
    const rule = only(json, "aws_lb_listener_rule", "web_test-rule");
    expect(rule).toMatchObject({
      listener_arn: ref(json, "aws_lb_listener", "alb_test-listener-9000"),
      priority: 100,
      condition: [{ path_pattern: { values: ["/*"] } }],
    });
  });

  it("THEN the load balancer admits the production clients on 9000 too", () => {
    const rule = only(json, "aws_vpc_security_group_ingress_rule", "alb_ingress-9000");
    expect(rule).toMatchObject({
      from_port: 9000,
      to_port: 9000,
      cidr_ipv4: "0.0.0.0/0",
      ip_protocol: "tcp",
    });
  });

  it("THEN ECS (not its tasks) assumes the deployment role, as AWS documents", () => {
    const trust = statements({
      policy: only(json, "aws_iam_role", "web_deployment-role").assume_role_policy,
    });
    expect(trust).toEqual([
      {
        Sid: "EcsAssumeInfrastructureRole",
        Effect: "Allow",
        Principal: { Service: "ecs.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ]);
  });

  it("THEN the role may read the load balancer, register targets in the two groups and modify exactly the two rules", () => {
    const policy = statements(only(json, "aws_iam_role_policy", "web_deployment-policy"));
    expect(policy.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      [
        "ReadLoadBalancer",
        [
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetHealth",
        ],
        "*",
      ],
      [
        "RegisterTargets",
        ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        [primary, alternate],
      ],
      ["ShiftTraffic", ["elasticloadbalancing:ModifyRule"], [productionRule, testRule]],
    ]);
  });

  it("THEN the service waits for the rules and the role's policy", () => {
    const dependsOn = service.depends_on as string[];
    expect(dependsOn).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_lb_listener_rule\.web_rule-http_/),
        expect.stringMatching(/^aws_lb_listener_rule\.web_test-rule_/),
        expect.stringMatching(/^aws_iam_role_policy\.web_deployment-policy_/),
      ]),
    );
  });
});

describe("GIVEN canary and linear deployments", () => {
  it.each([
    [
      { strategy: "canary" },
      {
        strategy: "CANARY",
        bake_time_in_minutes: `${DEFAULT_BAKE_TIME_MINUTES}`,
        canary_configuration: {
          canary_percent: DEFAULT_CANARY_PERCENT,
          canary_bake_time_in_minutes: `${DEFAULT_CANARY_BAKE_TIME_MINUTES}`,
        },
      },
    ],
    [
      { strategy: "canary", canaryPercent: 2.5, canaryBakeTimeMinutes: 15, bakeTimeMinutes: 0 },
      {
        strategy: "CANARY",
        bake_time_in_minutes: "0",
        canary_configuration: { canary_percent: 2.5, canary_bake_time_in_minutes: "15" },
      },
    ],
    [
      { strategy: "linear" },
      {
        strategy: "LINEAR",
        bake_time_in_minutes: `${DEFAULT_BAKE_TIME_MINUTES}`,
        linear_configuration: {
          step_percent: DEFAULT_LINEAR_STEP_PERCENT,
          step_bake_time_in_minutes: `${DEFAULT_LINEAR_STEP_BAKE_TIME_MINUTES}`,
        },
      },
    ],
    [
      { strategy: "linear", linearStepPercent: 20, linearStepBakeTimeMinutes: 3, bakeTimeMinutes: 1440 },
      {
        strategy: "LINEAR",
        bake_time_in_minutes: "1440",
        linear_configuration: { step_percent: 20, step_bake_time_in_minutes: "3" },
      },
    ],
  ] as [LoadBalancedServiceProps["deployment"], Block][])(
    "GIVEN %j THEN deployment_configuration is %j, with an alternate group and no test rule",
    (deployment, expected) => {
      const json = synthService({ deployment });
      expect(only(json, "aws_ecs_service", "web_service").deployment_configuration).toEqual(expected);
      expect(blocks(json, "aws_lb_target_group", "web_alternate-target-group")).toHaveLength(1);
      expect(blocks(json, "aws_lb_listener_rule", "web_test-rule")).toHaveLength(0);
      const lbBlock = (only(json, "aws_ecs_service", "web_service").load_balancer as Block[])[0]!;
      expect(lbBlock.advanced_configuration).not.toHaveProperty("test_listener_rule");
      const policy = statements(only(json, "aws_iam_role_policy", "web_deployment-policy"));
      expect(policy.find((s) => s.Sid === "ShiftTraffic")!.Resource).toEqual([
        ref(json, "aws_lb_listener_rule", "web_rule-http"),
      ]);
    },
  );
});

describe("GIVEN a header test rule on the production listener", () => {
  const json = synthService({
    pathPatterns: ["/app/*"],
    deployment: {
      strategy: "blueGreen",
      testListener: { headerName: "X-Test-Traffic", rulePriority: 90 },
    },
  });

  it("THEN the test rule matches the service's paths plus the header, before the service's rule", () => {
    const rule = only(json, "aws_lb_listener_rule", "web_test-rule");
    expect(rule).toMatchObject({
      listener_arn: ref(json, "aws_lb_listener", "alb_http"),
      priority: 90,
      condition: [
        { path_pattern: { values: ["/app/*"] } },
        { http_header: { http_header_name: "X-Test-Traffic", values: ["true"] } },
      ],
    });
    expect(blocks(json, "aws_lb_listener", "alb_test-listener")).toHaveLength(0);
  });
});

describe("GIVEN lifecycle hooks", () => {
  const json = synthService({
    deployment: {
      strategy: "linear",
      testListener: { port: 9000 },
      lifecycleHooks: [
        { functionArn: HOOK, stages: ["POST_TEST_TRAFFIC_SHIFT"], details: { suite: "smoke" } },
        { functionArn: HOOK2, stages: ["PRE_SCALE_UP", "POST_PRODUCTION_TRAFFIC_SHIFT"] },
        { functionArn: HOOK, stages: ["RECONCILE_SERVICE"] },
      ],
    },
  });

  it("THEN each is a lifecycle_hook with its stages and details, run as the deployment role", () => {
    const role = ref(json, "aws_iam_role", "web_deployment-role");
    const config = only(json, "aws_ecs_service", "web_service").deployment_configuration as Block;
    expect(config.lifecycle_hook).toEqual([
      {
        hook_target_arn: HOOK,
        role_arn: role,
        lifecycle_stages: ["POST_TEST_TRAFFIC_SHIFT"],
        hook_details: '{"suite":"smoke"}',
      },
      {
        hook_target_arn: HOOK2,
        role_arn: role,
        lifecycle_stages: ["PRE_SCALE_UP", "POST_PRODUCTION_TRAFFIC_SHIFT"],
      },
      { hook_target_arn: HOOK, role_arn: role, lifecycle_stages: ["RECONCILE_SERVICE"] },
    ]);
  });

  it("THEN the role may invoke exactly those functions, each once", () => {
    const policy = statements(only(json, "aws_iam_role_policy", "web_deployment-policy"));
    expect(policy.find((s) => s.Sid === "InvokeLifecycleHooks")).toEqual({
      Sid: "InvokeLifecycleHooks",
      Effect: "Allow",
      Action: ["lambda:InvokeFunction"],
      Resource: [HOOK, HOOK2],
    });
  });
});

describe("GIVEN two blue/green services naming the same test port on an HTTPS load balancer", () => {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const w = makeWorld(scope, { certificateArn: CERT });
      addService(w, "web", { deployment: { strategy: "blueGreen", testListener: { port: 9443 } } });
      addService(w, "api", {
        rulePriority: 10,
        pathPatterns: ["/api/*"],
        deployment: { strategy: "canary", testListener: { port: 9443 } },
      });
    }),
  ) as SynthJson;

  it("THEN they share one HTTPS test listener with the load balancer's certificate and TLS policy", () => {
    const listener = only(json, "aws_lb_listener", "alb_test-listener");
    expect(listener).toMatchObject({ port: 9443, protocol: "HTTPS", certificate_arn: CERT });
    expect(listener.ssl_policy).toBe(only(json, "aws_lb_listener", "alb_https").ssl_policy);
    expect(blocks(json, "aws_vpc_security_group_ingress_rule", "alb_ingress-9443")).toHaveLength(1);
    const listenerRef = ref(json, "aws_lb_listener", "alb_test-listener");
    expect(only(json, "aws_lb_listener_rule", "web_test-rule").listener_arn).toBe(listenerRef);
    expect(only(json, "aws_lb_listener_rule", "api_test-rule").listener_arn).toBe(listenerRef);
  });

  it("THEN each shifts traffic on the HTTPS listener, the one production listener", () => {
    const service = only(json, "aws_ecs_service", "web_service");
    const advanced = (service.load_balancer as Block[])[0]!.advanced_configuration as Block;
    expect(advanced.production_listener_rule).toBe(ref(json, "aws_lb_listener_rule", "web_rule-https"));
  });
});

describe("GIVEN deployment alarms, a CI-owned image and forceNewDeployment", () => {
  it("THEN alarms roll back by default, and rollback: false only fails the deployment", () => {
    const on = only(
      synthService({ deploymentAlarms: { alarmNames: ["web-5xx", "web-latency"] } }),
      "aws_ecs_service",
      "web_service",
    );
    expect(on.alarms).toEqual({ alarm_names: ["web-5xx", "web-latency"], enable: true, rollback: true });
    expect(on.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    const off = only(
      synthService({ deploymentAlarms: { alarmNames: ["web-5xx"], rollback: false } }),
      "aws_ecs_service",
      "web_service",
    );
    expect(off.alarms).toEqual({ alarm_names: ["web-5xx"], enable: true, rollback: false });
  });

  it("GIVEN targetErrorsAlarm on a rolling service THEN its own alarm on the target group's 5xx, which the deployment watches", () => {
    const json = synthService({
      deploymentAlarms: { alarmNames: ["web-latency"], targetErrorsAlarm: true, targetErrorsThreshold: 25 },
    });
    const alarm = only(json, "aws_cloudwatch_metric_alarm", "web_target-errors-alarm");
    expect(alarm).toMatchObject({
      alarm_name: `${ref(json, "aws_ecs_cluster", "apps_", "name")}-web-target-5xx`,
      namespace: "AWS/ApplicationELB",
      metric_name: "HTTPCode_Target_5XX_Count",
      dimensions: {
        LoadBalancer: ref(json, "aws_lb", "alb_", "arn_suffix"),
        TargetGroup: ref(json, "aws_lb_target_group", "web_target-group", "arn_suffix"),
      },
      statistic: "Sum",
      period: 60,
      evaluation_periods: 1,
      threshold: 25,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      treat_missing_data: "notBreaching",
    });
    const service = only(json, "aws_ecs_service", "web_service");
    expect(service.alarms).toEqual({
      alarm_names: [
        "web-latency",
        ref(json, "aws_cloudwatch_metric_alarm", "web_target-errors-alarm", "alarm_name"),
      ],
      enable: true,
      rollback: true,
    });
    expect(service.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_cloudwatch_metric_alarm\.web_target-errors-alarm_/),
      ]),
    );
  });

  it("GIVEN targetErrorsAlarm on a blue/green service THEN the alarm sums both target groups (metric math)", () => {
    const json = synthService({
      deployment: { strategy: "blueGreen" },
      deploymentAlarms: { targetErrorsAlarm: true },
    });
    const alarm = only(json, "aws_cloudwatch_metric_alarm", "web_target-errors-alarm");
    expect(alarm).not.toHaveProperty("metric_name");
    const lb = ref(json, "aws_lb", "alb_", "arn_suffix");
    const metric = (group: string) => ({
      namespace: "AWS/ApplicationELB",
      metric_name: "HTTPCode_Target_5XX_Count",
      dimensions: { LoadBalancer: lb, TargetGroup: ref(json, "aws_lb_target_group", group, "arn_suffix") },
      period: 60,
      stat: "Sum",
    });
    expect(alarm.metric_query).toEqual([
      { id: "group0", metric: metric("web_target-group"), return_data: false },
      { id: "group1", metric: metric("web_alternate-target-group"), return_data: false },
      {
        id: "errors",
        expression: "SUM([group0, group1])",
        label: "5xx answers of web's target groups",
        return_data: true,
      },
    ]);
    expect(alarm.threshold).toBe(10);
    expect((only(json, "aws_ecs_service", "web_service").alarms as Block).alarm_names).toEqual([
      ref(json, "aws_cloudwatch_metric_alarm", "web_target-errors-alarm", "alarm_name"),
    ]);
  });

  it("GIVEN targetErrorsAlarm on a WorkerService THEN it fails: there is no target group to count", () => {
    expect(() => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const { cluster } = makeWorld(stack);
      new WorkerService(stack, "jobs", {
        cluster,
        imageTag: "v1",
        deploymentAlarms: { targetErrorsAlarm: true },
      });
    }).toThrow(
      "WorkerService 'jobs': deploymentAlarms.targetErrorsAlarm (true) must be false for a service without a load balancer: the alarm counts the 5xx answers of its target group; pass the names of the service's own alarms in alarmNames",
    );
  });

  it("GIVEN alarm names as a token list (a generated module's variable) THEN a dynamic alarms block, present only with names", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const names = new TerraformVariable(scope, "alarm_names", { type: "list(string)" });
        addService(makeWorld(scope), "web", { deploymentAlarms: { alarmNames: names.listValue } });
      }),
    ) as SynthJson;
    const service = only(json, "aws_ecs_service", "web_service");
    expect(service).not.toHaveProperty("alarms");
    expect(service.dynamic).toEqual({
      alarms: {
        for_each: '${(length(var.alarm_names) >= 1) ? ["alarms"] : []}',
        content: { alarm_names: "${var.alarm_names}", enable: true, rollback: true },
      },
    });
  });

  it("THEN imageOwner ci ignores the service's task definition (and, with auto scaling, its desired count)", () => {
    expect(only(synthService({ imageOwner: "ci" }), "aws_ecs_service", "web_service").lifecycle).toEqual({
      ignore_changes: ["task_definition"],
    });
    const scaled = synthService({ imageOwner: "ci", autoScaling: { minCapacity: 1, maxCapacity: 3 } });
    expect(only(scaled, "aws_ecs_service", "web_service").lifecycle).toEqual({
      ignore_changes: ["desired_count", "task_definition"],
    });
    expect(
      only(synthService({ imageOwner: "terraform" }), "aws_ecs_service", "web_service"),
    ).not.toHaveProperty("lifecycle");
  });

  it("THEN forceNewDeployment sets force_new_deployment", () => {
    expect(
      only(synthService({ forceNewDeployment: true }), "aws_ecs_service", "web_service").force_new_deployment,
    ).toBe(true);
    expect(
      only(synthService({ forceNewDeployment: false }), "aws_ecs_service", "web_service"),
    ).not.toHaveProperty("force_new_deployment");
  });

  it("THEN a WorkerService takes alarms, imageOwner and forceNewDeployment too", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const { cluster } = makeWorld(scope);
        new WorkerService(scope, "jobs", {
          cluster,
          imageTag: "v1",
          deploymentAlarms: { alarmNames: ["jobs-errors"] },
          imageOwner: "ci",
          forceNewDeployment: true,
        });
      }),
    ) as SynthJson;
    expect(only(json, "aws_ecs_service", "jobs_service")).toMatchObject({
      alarms: { alarm_names: ["jobs-errors"], enable: true, rollback: true },
      lifecycle: { ignore_changes: ["task_definition"] },
      force_new_deployment: true,
    });
  });
});

describe("GIVEN an imported load balancer (LoadBalancer.fromAttributes)", () => {
  const LISTENER =
    "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
  const LB_ARN = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
  function importedWorld(scope: Construct, withArn: boolean): World {
    const network = new Network(scope, "net", { region: "eu-west-2" });
    const cluster = new EcsCluster(scope, "apps", { network });
    const lb = LoadBalancer.fromAttributes(scope, "alb", {
      vpcId: "vpc-0123456789abcdef0",
      httpsListenerArn: LISTENER,
      manageClusterRules: false,
      ...(withArn ? { loadBalancerArn: LB_ARN } : {}),
    });
    return { scope, cluster, lb: lb as LoadBalancer };
  }

  it("THEN a port test listener is added to it, and its security group is left to its owner", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) =>
        addService(importedWorld(scope, true), "web", {
          deployment: { strategy: "blueGreen", testListener: { port: 9000 } },
        }),
      ),
    ) as SynthJson;
    expect(only(json, "aws_lb_listener", "alb_test-listener-9000")).toMatchObject({
      load_balancer_arn: LB_ARN,
      port: 9000,
      protocol: "HTTP",
    });
    expect(blocks(json, "aws_vpc_security_group_ingress_rule", "alb_")).toHaveLength(0);
    expect(only(json, "aws_lb_listener_rule", "web_rule-https").listener_arn).toBe(LISTENER);
  });

  it("THEN a header test rule goes on its HTTPS listener", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) =>
        addService(importedWorld(scope, false), "web", {
          deployment: { strategy: "blueGreen", testListener: { headerName: "X-Test", rulePriority: 99 } },
        }),
      ),
    ) as SynthJson;
    expect(only(json, "aws_lb_listener_rule", "web_test-rule")).toMatchObject({
      listener_arn: LISTENER,
      priority: 99,
    });
  });

  it("GIVEN no loadBalancerArn THEN a port test listener fails before anything of the service exists", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const w = importedWorld(stack, false);
    expect(() =>
      addService(w, "web", { deployment: { strategy: "blueGreen", testListener: { port: 9000 } } }),
    ).toThrow(
      "LoadBalancer.fromAttributes 'alb': loadBalancerArn (undefined) must be given to read arn: request-count auto scaling and a blue/green test listener on a port of its own read it; give LoadBalancer.fromAttributes the loadBalancerArn",
    );
    expect(stack.node.tryFindChild("web")?.node.children ?? []).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("bad deployment input fails at synth time, naming the field, the value and the fix", () => {
  const W = "LoadBalancedService 'web'";
  it.each([
    [
      { deployment: { strategy: "blue-green" } },
      `${W}: deployment.strategy ("blue-green") must be one of rolling, blueGreen, canary, linear; pick one (rolling is the default)`,
    ],
    [
      { deployment: { strategy: "blueGreen", bakeTime: 5 } },
      /^LoadBalancedService 'web': deployment\.bakeTime \(5\) must be a known key; remove it; the valid keys are bakeTimeMinutes, canaryBakeTimeMinutes, .*testListener$/,
    ],
    [
      { deployment: { bakeTimeMinutes: 5 } },
      `${W}: deployment.bakeTimeMinutes (5) must be unset with deployment.strategy "rolling": it belongs to blue/green, canary and linear deployments; drop it, or set strategy "blueGreen", "canary" or "linear"`,
    ],
    [
      { deployment: { testListener: { port: 9000 } } },
      /deployment\.testListener \(\{"port":9000\}\) must be unset with deployment\.strategy "rolling"/,
    ],
    [
      { deployment: { strategy: "blueGreen", canaryPercent: 10 } },
      `${W}: deployment.canaryPercent (10) must be unset with deployment.strategy "blueGreen": it belongs to canary deployments; drop it, or set strategy "canary"`,
    ],
    [
      { deployment: { strategy: "canary", linearStepPercent: 10 } },
      /deployment\.linearStepPercent \(10\) must be unset with deployment\.strategy "canary": it belongs to linear deployments/,
    ],
    [
      { deployment: { strategy: "canary", canaryPercent: 0.05 } },
      /deployment\.canaryPercent \(0\.05\) must be a number from 0\.1 to 100 \(ECS's range\); the share of traffic the canary takes first, e\.g\. 10$/,
    ],
    [
      { deployment: { strategy: "canary", canaryPercent: 101 } },
      /deployment\.canaryPercent \(101\) must be a number from 0\.1 to 100/,
    ],
    [
      { deployment: { strategy: "linear", linearStepPercent: 2 } },
      /deployment\.linearStepPercent \(2\) must be a number from 3 to 100/,
    ],
    [
      { deployment: { strategy: "linear", linearStepPercent: 100.5 } },
      /deployment\.linearStepPercent \(100\.5\) must be a number from 3 to 100/,
    ],
    [
      { deployment: { strategy: "blueGreen", bakeTimeMinutes: 1441 } },
      /deployment\.bakeTimeMinutes \(1441\) must be an integer from 0 to 1440; minutes, ECS accepts 0 to 1440 \(a day\)$/,
    ],
    [
      { deployment: { strategy: "blueGreen", bakeTimeMinutes: -1 } },
      /deployment\.bakeTimeMinutes \(-1\) must be an integer from 0 to 1440/,
    ],
    [
      { deployment: { strategy: "blueGreen", bakeTimeMinutes: 2.5 } },
      /deployment\.bakeTimeMinutes \(2\.5\) must be an integer/,
    ],
    [
      { deployment: { strategy: "canary", canaryBakeTimeMinutes: 2000 } },
      /deployment\.canaryBakeTimeMinutes \(2000\) must be an integer from 0 to 1440/,
    ],
    [
      { deployment: { strategy: "linear", linearStepBakeTimeMinutes: -5 } },
      /deployment\.linearStepBakeTimeMinutes \(-5\) must be an integer from 0 to 1440/,
    ],
    [
      { deployment: { strategy: "blueGreen", testListener: {} } },
      /deployment\.testListener \(\{\}\) must give exactly one of port \(a test listener of its own\) and headerName/,
    ],
    [
      { deployment: { strategy: "blueGreen", testListener: { port: 9000, headerName: "X-Test" } } },
      /deployment\.testListener \(\{"port":9000,"headerName":"X-Test"\}\) must give exactly one of port/,
    ],
    [
      { deployment: { strategy: "blueGreen", testListener: { port: 80 } } },
      `${W}: deployment.testListener.port (80) must not be a port the load balancer serves production traffic on (80, 443); pick a port of its own, e.g. 9000`,
    ],
    [
      { deployment: { strategy: "blueGreen", testListener: { port: 443 } } },
      /deployment\.testListener\.port \(443\) must not be a port the load balancer serves production traffic on/,
    ],
    [
      { deployment: { strategy: "blueGreen", testListener: { port: 70000 } } },
      /deployment\.testListener\.port \(70000\) must be an integer from 1 to 65535/,
    ],
    [
      { deployment: { strategy: "blueGreen", testListener: { port: 9000, rulePriority: 5 } } },
      /deployment\.testListener\.rulePriority \(5\) must be unset with port: the test listener's rule takes the service's priority and conditions/,
    ],
    [
      { deployment: { strategy: "blueGreen", testListener: { prot: 9000 } } },
      /deployment\.testListener\.prot \(9000\) must be a known key; did you mean port\?/,
    ],
    [
      { deployment: { strategy: "blueGreen", testListener: { headerName: "X Test", rulePriority: 5 } } },
      /deployment\.testListener\.headerName \("X Test"\) must be 1 to 40 letters, digits or hyphens/,
    ],
    [
      { deployment: { strategy: "blueGreen", testListener: { headerName: "X-Test" } } },
      /deployment\.testListener\.rulePriority \(undefined\) must be set with headerName/,
    ],
    [
      { deployment: { strategy: "blueGreen", testListener: { headerName: "X-Test", rulePriority: 100 } } },
      `${W}: deployment.testListener.rulePriority (100) must be below the service's rulePriority (100): the listener evaluates lower priorities first, and the header rule must match before the service's own rule; e.g. 99`,
    ],
    [
      {
        deployment: {
          strategy: "blueGreen",
          testListener: { headerName: "X-Test", headerValues: [], rulePriority: 5 },
        },
      },
      /deployment\.testListener\.headerValues \(\[\]\) must have 1 to 5 values/,
    ],
    [
      {
        pathPatterns: ["/a", "/b", "/c"],
        hostHeaders: ["a.example.com"],
        deployment: {
          strategy: "blueGreen",
          testListener: { headerName: "X-Test", headerValues: ["1", "yes"], rulePriority: 5 },
        },
      },
      /deployment\.testListener\.headerValues \(\["1","yes"\]\) must leave room in the header rule: its path patterns, host names and header values are 6, and an ALB rule takes at most 5 condition values/,
    ],
    [
      {
        deployment: {
          strategy: "blueGreen",
          lifecycleHooks: [{ functionArn: "smoke-test", stages: ["PRE_SCALE_UP"] }],
        },
      },
      /deployment\.lifecycleHooks\[0\]\.functionArn \("smoke-test"\) must be a Lambda function ARN \(arn:aws:lambda:<region>:<account>:function:<name>\); pass the function's ARN, not its name/,
    ],
    [
      { deployment: { strategy: "blueGreen", lifecycleHooks: [{ functionArn: HOOK, stages: [] }] } },
      /deployment\.lifecycleHooks\[0\]\.stages \(\[\]\) must name at least one stage/,
    ],
    [
      {
        deployment: {
          strategy: "blueGreen",
          lifecycleHooks: [{ functionArn: HOOK, stages: ["AFTER_DEPLOY"] }],
        },
      },
      /deployment\.lifecycleHooks\[0\]\.stages\[0\] \("AFTER_DEPLOY"\) must be one of RECONCILE_SERVICE, PRE_SCALE_UP, POST_SCALE_UP, TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT/,
    ],
    [
      {
        deployment: {
          strategy: "blueGreen",
          lifecycleHooks: [{ functionArn: HOOK, stages: ["PRE_SCALE_UP", "PRE_SCALE_UP"] }],
        },
      },
      /deployment\.lifecycleHooks\[0\]\.stages \(\["PRE_SCALE_UP","PRE_SCALE_UP"\]\) must name each stage once/,
    ],
    [
      {
        deployment: {
          strategy: "blueGreen",
          lifecycleHooks: Array.from({ length: 11 }, () => ({ functionArn: HOOK, stages: ["PRE_SCALE_UP"] })),
        },
      },
      /deployment\.lifecycleHooks \(.*\) must have at most 10 entries/,
    ],
    [
      {
        deployment: {
          strategy: "blueGreen",
          lifecycleHooks: [{ functionArn: HOOK, stages: ["PRE_SCALE_UP"], details: "x" }],
        },
      },
      /deployment\.lifecycleHooks\[0\]\.details \("x"\) must be an object/,
    ],
    [
      {
        deployment: { strategy: "blueGreen", lifecycleHooks: [{ function: HOOK, stages: ["PRE_SCALE_UP"] }] },
      },
      /deployment\.lifecycleHooks\[0\]\.function \(.*\) must be a known key; did you mean functionArn\?/,
    ],
    [
      {
        deployment: { strategy: "blueGreen" },
        autoScaling: { minCapacity: 1, maxCapacity: 4, targetRequestsPerTarget: 500 },
      },
      `${W}: autoScaling.targetRequestsPerTarget (500) must be unset with deployment.strategy "blueGreen": the policy follows one target group, and each deployment moves the traffic to the other; scale on CPU (targetCpuUtilizationPercent) only, or use a rolling deployment`,
    ],
    [
      { deployment: { strategy: "canary" }, targetGroupName: "a-target-group-name-of-30-char" },
      /targetGroupName \("a-target-group-name-of-30-char"\) must be at most 28 characters with deployment\.strategy "canary": the alternate target group is named <targetGroupName>-alt/,
    ],
    [
      { deploymentAlarms: { alarmNames: [] } },
      `${W}: deploymentAlarms.alarmNames ([]) must name 1 to 10 CloudWatch alarms; set targetErrorsAlarm: true for the service's own, or drop deploymentAlarms for none`,
    ],
    [
      { deploymentAlarms: { alarmNames: Array.from({ length: 11 }, (_, i) => `a${i}`) } },
      /deploymentAlarms\.alarmNames \(.*\) must name 1 to 10 CloudWatch alarms/,
    ],
    [
      { deploymentAlarms: { alarmNames: ["a", "a"] } },
      /deploymentAlarms\.alarmNames \(\["a","a"\]\) must name each alarm once; drop the second "a"/,
    ],
    [
      { deploymentAlarms: { alarmNames: [""] } },
      /deploymentAlarms\.alarmNames\[0\] \(""\) must be an alarm name of 1 to 255 characters/,
    ],
    [
      { deploymentAlarms: { names: ["a"] } },
      /deploymentAlarms\.names \(\["a"\]\) must be a known key; remove it; the valid keys are alarmNames, rollback, targetErrorsAlarm, targetErrorsThreshold$/,
    ],
    [
      { deploymentAlarms: { alarmNames: ["a"], rollback: "yes" } },
      /deploymentAlarms\.rollback \("yes"\) must be true or false/,
    ],
    [
      { deploymentAlarms: {} },
      /deploymentAlarms\.alarmNames \(\[\]\) must name 1 to 10 CloudWatch alarms; set targetErrorsAlarm: true/,
    ],
    [
      {
        deploymentAlarms: {
          alarmNames: Array.from({ length: 10 }, (_, i) => `a${i}`),
          targetErrorsAlarm: true,
        },
      },
      /deploymentAlarms\.alarmNames \(.*\) must name at most 9 CloudWatch alarms beside targetErrorsAlarm \(ECS watches 10 at most\); drop some/,
    ],
    [
      { deploymentAlarms: { alarmNames: ["a"], targetErrorsThreshold: 5 } },
      `${W}: deploymentAlarms.targetErrorsThreshold (5) must be unset without targetErrorsAlarm; set targetErrorsAlarm: true, or drop it`,
    ],
    [
      { deploymentAlarms: { targetErrorsAlarm: true, targetErrorsThreshold: 0 } },
      /deploymentAlarms\.targetErrorsThreshold \(0\) must be an integer ≥ 1; 5xx answers in a minute, e.g\. 10/,
    ],
    [
      { deploymentAlarms: { targetErrorsAlarm: "yes" } },
      /deploymentAlarms\.targetErrorsAlarm \("yes"\) must be true or false/,
    ],
    [
      { imageOwner: "jenkins" },
      `${W}: imageOwner ("jenkins") must be "terraform" or "ci"; e.g. "ci" when a pipeline deploys images`,
    ],
    [{ forceNewDeployment: "yes" }, /forceNewDeployment \("yes"\) must be true or false/],
  ] as [Record<string, unknown>, string | RegExp][])("GIVEN %j THEN it throws %s", (options, error) => {
    const { build, stack } = building(options);
    expect(build).toThrow(error);
    // Nothing of the service was created.
    expect(stack.node.tryFindChild("web")?.node.children ?? []).toEqual([]);
  });

  it("GIVEN a load balancer serving both HTTP and HTTPS THEN blue/green fails: there would be two production rules", () => {
    expect(
      throwing(
        { deployment: { strategy: "blueGreen" } },
        { certificateArn: CERT, redirectHttpToHttps: false },
      ),
    ).toThrow(
      `${W}: deployment.strategy ("blueGreen") must have one production listener to shift: load balancer 'alb' serves the service on https and http, and ECS moves one listener rule per deployment; redirect HTTP to HTTPS on the load balancer (redirectHttpToHttps), or use a rolling deployment`,
    );
  });

  it("GIVEN a header test rule on another service's priority THEN it fails as a rule conflict, reserving nothing", () => {
    const { build, stack } = building(
      { deployment: { strategy: "blueGreen", testListener: { headerName: "X-Test", rulePriority: 10 } } },
      {},
      (w) => addService(w, "api", { rulePriority: 10, pathPatterns: ["/api/*"] }),
    );
    expect(build).toThrow(
      /^LoadBalancedService 'web': rulePriority \(10\) must be unique on load balancer 'alb'; choose another priority \(LoadBalancedService 'api' holds it\)$/,
    );
    const lb = stack.node.findChild("alb") as LoadBalancer;
    expect(lb.reservedRules.map((r) => r.owner)).toEqual(["LoadBalancedService 'api'"]);
  });

  it("GIVEN a WorkerService with a blue/green, canary or linear deployment THEN it fails: they need a load balancer", () => {
    for (const strategy of ["blueGreen", "canary", "linear"] as const) {
      expect(() => {
        const stack = new TerraformStack(Testing.app(), "stack");
        const { cluster } = makeWorld(stack);
        new WorkerService(stack, "jobs", {
          cluster,
          imageTag: "v1",
          deployment: { strategy },
        } as WorkerServiceProps);
      }).toThrow(
        `WorkerService 'jobs': deployment.strategy ("${strategy}") must be rolling for a service without a load balancer: blue/green, canary and linear deployments move load balancer traffic between two target groups; use a LoadBalancedService, or drop deployment.strategy`,
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe("A stack with blue/green, canary and linear services, hooks and alarms", () => {
  function stackWithEveryStrategy(): TerraformStack {
    const stack = new TerraformStack(Testing.app(), "deployments");
    addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
    const w = makeWorld(stack, { certificateArn: CERT });
    addService(w, "web", {
      deployment: {
        strategy: "blueGreen",
        testListener: { port: 9443 },
        lifecycleHooks: [
          { functionArn: HOOK, stages: ["POST_TEST_TRAFFIC_SHIFT"], details: { suite: "smoke" } },
        ],
      },
      deploymentAlarms: { alarmNames: ["web-latency"], targetErrorsAlarm: true },
    });
    addService(w, "api", {
      rulePriority: 10,
      pathPatterns: ["/api/*"],
      deployment: {
        strategy: "canary",
        canaryPercent: 5,
        testListener: { headerName: "X-Canary", rulePriority: 9 },
      },
      imageOwner: "ci",
    });
    addService(w, "admin", {
      rulePriority: 20,
      pathPatterns: ["/admin/*"],
      deployment: { strategy: "linear", linearStepPercent: 10 },
      forceNewDeployment: true,
    });
    return stack;
  }

  it("keeps the IAM lint clean: only ELB's Describe actions on Resource *, each with its reason", () => {
    const scan = scanIam(Testing.synth(stackWithEveryStrategy()));
    const iamOnly = {
      ...scan,
      unparsed: scan.unparsed.filter((u) => !/^aws_ecr_lifecycle_policy\./.test(u.location)),
    };
    expect(
      describeFindings(
        lintIam(iamOnly, {
          allowedStarResourceActions: { ...CLUSTER_STAR_RESOURCE_ACTIONS, ...STAR_RESOURCE_ACTIONS },
        }),
      ),
    ).toBe("");
  });

  it("passes terraform validate with the real provider", () => {
    expect(Testing.fullSynth(stackWithEveryStrategy())).toBeValidTerraform();
  });
});
