import { App, Testing } from "cdktf";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LOCAL_AWS_SERVICES } from "../../stacks/aws-provider";
import { DEFAULT_WEB_AUTO_SCALING, ServiceStack, ServiceStackProps } from "../../stacks/service-stack";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

type Block = Record<string, unknown>;
interface SynthJson {
  provider: { aws: Array<Record<string, unknown>> };
  output: Record<string, { value: unknown; description: string }>;
  resource: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
}

const CERT = "arn:aws:acm:eu-west-2:123456789012:certificate/0f3c2a1e-1111-4222-8333-444455556666";

function stackWith(props: Partial<ServiceStackProps> = {}): ServiceStack {
  return new ServiceStack(new App(), "service", {
    environment: "dev",
    target: { kind: "aws" },
    imageTag: "3f2a9c1",
    ...props,
  });
}

function synthJson(stack: ServiceStack): SynthJson {
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

describe("ServiceStack", () => {
  // GIVEN an environment and an image tag WHEN the stack is synthesized
  const stack = stackWith();
  const synth = Testing.synth(stack);
  const json = synthJson(stack);

  it("configures the provider with the region and the project's default tags", () => {
    expect(json.provider.aws[0]).toEqual({
      region: "eu-west-2",
      default_tags: [{ tags: { project: "ecs-cdktf", environment: "dev", "managed-by": "cdktf" } }],
    });
  });

  it("puts the Flask service and the /api/* service on one load balancer named after the environment", () => {
    expect(synth).toHaveResourceWithProperties(Lb, { name: "dev-web" });
    expect(Object.keys(json.resource.aws_lb)).toHaveLength(1);
    const rules = Object.values(json.resource.aws_lb_listener_rule).map((r) => [r.priority, r.condition]);
    expect(rules.sort()).toEqual([
      [100, [{ path_pattern: { values: ["/api/*"] } }]],
      [1000, [{ path_pattern: { values: ["/*"] } }]],
    ]);
    expect(new Set(Object.values(json.resource.aws_lb_listener_rule).map((r) => r.listener_arn)).size).toBe(
      1,
    );
  });

  it("runs the Flask image from web's repository in both services, /health checked, port 8080", () => {
    const images = Object.values(json.resource.aws_ecs_task_definition).map(
      (td) => (JSON.parse(String(td.container_definitions)) as { image: string }[])[0].image,
    );
    expect(new Set(images)).toEqual(
      new Set([expect.stringMatching(/aws_ecr_repository\.web_repository_.+:3f2a9c1$/)]),
    );
    expect(images).toHaveLength(2);
    for (const tg of Object.values(json.resource.aws_lb_target_group)) {
      expect(tg).toMatchObject({ port: 8080, health_check: expect.objectContaining({ path: "/health" }) });
    }
    const web = Object.entries(json.resource.aws_ecs_task_definition).find(([k]) =>
      k.startsWith("web_"),
    )?.[1];
    expect(JSON.parse(String(web?.container_definitions))[0]).toMatchObject({
      healthCheck: { command: ["CMD", "python", "/app/healthcheck.py"], startPeriod: 10 },
      environment: [
        { name: "GUNICORN_THREADS", value: "4" },
        { name: "WEB_CONCURRENCY", value: "2" },
      ],
    });
  });

  it("auto scales the Flask service on CPU and requests; the api service keeps two tasks", () => {
    expect(synth).toHaveResourceWithProperties(EcsService, {
      name: "web",
      desired_count: DEFAULT_WEB_AUTO_SCALING.minCapacity,
      lifecycle: { ignore_changes: ["desired_count"] },
    });
    expect(synth).toHaveResourceWithProperties(EcsService, { name: "api", desired_count: 2 });
    expect(synth).toHaveResourceWithProperties(AppautoscalingPolicy, {
      name: "web-request-count-scaling",
      target_tracking_scaling_policy_configuration: expect.objectContaining({ target_value: 1000 }),
    });
    expect(Object.keys(json.resource.aws_appautoscaling_target)).toHaveLength(1);
  });

  it("outputs the load balancer, the listeners, the cluster and each service", () => {
    expect(Object.keys(json.output).sort()).toEqual([
      "access_logs_bucket",
      "alb_arn",
      "alb_dns_name",
      "alb_security_group_id",
      "alb_zone_id",
      "api_log_group_name",
      "api_service_name",
      "api_target_group_arn",
      "cluster_name",
      "cluster_security_group_id",
      "http_listener_arn",
      "https_listener_arn",
      "web_log_group_name",
      "web_repository_url",
      "web_service_name",
      "web_target_group_arn",
      "web_task_definition_arn",
    ]);
    expect(json.output.alb_dns_name.value).toMatch(/^\$\{aws_lb\.alb_[0-9A-F]{8}\.dns_name\}$/);
    expect(json.output.web_target_group_arn.value).toMatch(
      /^\$\{aws_lb_target_group\.web_target-group_[0-9A-F]{8}\.arn\}$/,
    );
    expect(json.output.https_listener_arn.value).toBe("");
    for (const o of Object.values(json.output)) expect(o.description.length).toBeGreaterThan(5);
  });

  it("GIVEN load balancer, cluster and scaling props THEN they reach the modules", () => {
    const custom = stackWith({
      environment: "prod",
      region: "eu-west-1",
      loadBalancer: { certificateArn: CERT, enableAccessLogs: true, deletionProtection: false },
      cluster: { minSize: 2, maxSize: 4 },
      webAutoScaling: { minCapacity: 3, maxCapacity: 9 },
    });
    const out = synthJson(custom);
    expect(Testing.synth(custom)).toHaveResourceWithProperties(Lb, {
      name: "prod-web",
      enable_deletion_protection: false,
      access_logs: expect.objectContaining({ enabled: true }),
    });
    expect(
      Object.values(out.resource.aws_lb_listener_rule).every((r) =>
        /alb_https_/.test(String(r.listener_arn)),
      ),
    ).toBe(true);
    expect(out.output.https_listener_arn.value).toMatch(/aws_lb_listener\.alb_https_/);
    expect(Object.values(out.resource.aws_appautoscaling_target)[0]).toMatchObject({
      min_capacity: 3,
      max_capacity: 9,
    });
    expect(out.provider.aws[0]).toMatchObject({ region: "eu-west-1" });
    expect(custom.network.availabilityZones).toEqual(["eu-west-1a", "eu-west-1b"]);
  });

  it("passes terraform validate", () => {
    expect(
      Testing.fullSynth(stackWith({ loadBalancer: { certificateArn: CERT, enableAccessLogs: true } })),
    ).toBeValidTerraform();
  });
});

// A type whose service has no local endpoint would reach real AWS from a "local" deploy.
const SERVICE_OF_TYPE: ReadonlyArray<[RegExp, (typeof LOCAL_AWS_SERVICES)[number]]> = [
  [
    /^aws_(vpc|subnet|internet_gateway|nat_gateway|eip|route|route_table|route_table_association|default_security_group|security_group|flow_log|launch_template|vpc_security_group_(ingress|egress)_rule)$/,
    "ec2",
  ],
  [/^aws_route53_/, "route53"],
  [/^aws_cloudwatch_log_/, "cloudwatchlogs"],
  [/^aws_iam_/, "iam"],
  [/^aws_ecs_/, "ecs"],
  [/^aws_ecr_/, "ecr"],
  [/^aws_autoscaling_/, "autoscaling"],
  [/^aws_appautoscaling_/, "applicationautoscaling"],
  [/^aws_lb(_|$)/, "elbv2"],
  [/^aws_s3_/, "s3"],
  [/^aws_ssm_/, "ssm"],
  [/^aws_caller_identity$/, "sts"],
];
// Data sources answered from the provider's own configuration, without an API call.
const NO_API_DATA_SOURCES = ["aws_partition", "aws_region"];

test("GIVEN the local target THEN every resource and data source type has a local endpoint", () => {
  const json = synthJson(
    stackWith({
      target: { kind: "local", endpoint: "http://127.0.0.1:4566" },
      loadBalancer: { certificateArn: CERT, enableAccessLogs: true },
    }),
  );
  const types = [
    ...Object.keys(json.resource),
    ...Object.keys(json.data ?? {}).filter((t) => !NO_API_DATA_SOURCES.includes(t)),
  ];
  expect(types).toEqual(
    expect.arrayContaining([
      "aws_lb",
      "aws_lb_listener_rule",
      "aws_appautoscaling_policy",
      "aws_ecr_repository",
      "aws_s3_bucket",
    ]),
  );
  const unmapped = types.filter(
    (t) => !SERVICE_OF_TYPE.some(([re, service]) => re.test(t) && LOCAL_AWS_SERVICES.includes(service)),
  );
  expect(unmapped).toEqual([]);
});
