/**
 * LoadBalancer and LoadBalancedService with Terraform variables (tokens) as props, as the generated
 * Terraform modules pass them: every synth-time check skips an unresolved token and still rejects
 * the literal; props that shape the construct tree at synth time refuse a token with a clear error.
 */
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { EcsCluster } from "../../modules/ecs-cluster";
import {
  LoadBalancedService,
  LoadBalancedServiceProps,
  LoadBalancer,
  LoadBalancerProps,
} from "../../modules/load-balanced-service";
import { Network } from "../../modules/network";
import { addAwsProvider } from "../../stacks/aws-provider";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

type Block = Record<string, unknown>;
interface SynthJson {
  readonly resource: Record<string, Record<string, Block>>;
}
type TfType = { readonly tfResourceType: string };
type AlbOptions = Omit<LoadBalancerProps, "network">;
type ServiceOptions = Partial<Omit<LoadBalancedServiceProps, "cluster" | "loadBalancer">>;

const CERT = "arn:aws:acm:eu-west-2:123456789012:certificate/abc-123";

function resources(json: SynthJson, type: TfType, idPart: string): Block[] {
  const blocks = json.resource[type.tfResourceType] ?? {};
  return Object.entries(blocks)
    .filter(([id]) => id.includes(idPart))
    .map(([, block]) => block);
}

function resource(json: SynthJson, type: TfType, idPart: string): Block {
  const matches = resources(json, type, idPart);
  if (matches.length !== 1) throw new Error(`expected one ${type.tfResourceType} matching ${idPart}`);
  return matches[0];
}

const variable = (stack: TerraformStack, name: string, type: string) =>
  new TerraformVariable(stack, name, { type });
const str = (s: TerraformStack, name: string) => variable(s, name, "string").stringValue;
const num = (s: TerraformStack, name: string) => variable(s, name, "number").numberValue;
const bool = (s: TerraformStack, name: string) =>
  variable(s, name, "bool").booleanValue as unknown as boolean;
const list = (s: TerraformStack, name: string) => variable(s, name, "list(string)").listValue;
const map = (s: TerraformStack, name: string) =>
  variable(s, name, "map(string)").value as Record<string, string>;

/** Synthesizes a network, a cluster, a LoadBalancer ("alb") and a LoadBalancedService ("web"). */
function synthWith(
  alb: (stack: TerraformStack) => AlbOptions,
  service: (stack: TerraformStack) => ServiceOptions = () => ({}),
  stack: TerraformStack = new TerraformStack(Testing.app(), "stack"),
): SynthJson {
  const network = new Network(stack, "net", { region: "eu-west-2" });
  const cluster = new EcsCluster(stack, "apps", { network, clusterName: "apps" });
  const loadBalancer = new LoadBalancer(stack, "alb", { network, deletionProtection: false, ...alb(stack) });
  new LoadBalancedService(stack, "web", {
    cluster,
    loadBalancer,
    imageTag: "1.0.0",
    rulePriority: 100,
    ...service(stack),
  });
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

const albWith = (alb: (s: TerraformStack) => AlbOptions) => synthWith(alb);
const serviceWith = (service: (s: TerraformStack) => ServiceOptions) => synthWith(() => ({}), service);

const taskDefinition = (json: SynthJson) => resource(json, EcsTaskDefinition, "web_task-definition");
const targetGroup = (json: SynthJson) => resource(json, LbTargetGroup, "web_target-group");

describe("LoadBalancer: each validated prop as a token passes synth, the literal bad value still throws", () => {
  it.each<[string, (s: TerraformStack) => AlbOptions, (json: SynthJson) => void, AlbOptions, RegExp]>([
    [
      "name",
      (s) => ({ name: str(s, "name") }),
      (json) => expect(resource(json, Lb, "alb_").name).toBe("${var.name}"),
      { name: "-bad" },
      /^LoadBalancer 'alb': name \("-bad"\) must be 1 to 32 letters/,
    ],
    [
      "ingressCidrs",
      (s) => ({ ingressCidrs: list(s, "cidrs") }),
      // One rule per block by for_each: the list's length is known only at plan time.
      (json) =>
        expect(resource(json, VpcSecurityGroupIngressRule, "alb_ingress-80")).toMatchObject({
          for_each: "${toset(var.cidrs)}",
          cidr_ipv4: "${each.value}",
          from_port: 80,
        }),
      { ingressCidrs: ["10.0.0.1/16"] },
      /^LoadBalancer 'alb': ingressCidrs \("10\.0\.0\.1\/16"\) must have no host bits set/,
    ],
    [
      "certificateArn",
      (s) => ({ certificateArn: str(s, "cert") }),
      (json) => {
        // A token is a certificate: the HTTPS listener exists, HTTP redirects to it.
        const https = resources(json, { tfResourceType: "aws_lb_listener" }, "alb_https");
        expect(https).toEqual([expect.objectContaining({ certificate_arn: "${var.cert}" })]);
        expect(resources(json, VpcSecurityGroupIngressRule, "alb_ingress-443")).toHaveLength(1);
      },
      { certificateArn: "abc-123" },
      /^LoadBalancer 'alb': certificateArn \("abc-123"\) must be an ACM certificate ARN/,
    ],
    [
      "sslPolicy",
      (s) => ({ certificateArn: CERT, sslPolicy: str(s, "policy") }),
      (json) =>
        expect(resource(json, { tfResourceType: "aws_lb_listener" }, "alb_https").ssl_policy).toBe(
          "${var.policy}",
        ),
      { certificateArn: CERT, sslPolicy: "TLS13" },
      /^LoadBalancer 'alb': sslPolicy \("TLS13"\) must be an ELBSecurityPolicy-… name/,
    ],
    [
      "idleTimeoutSeconds",
      (s) => ({ idleTimeoutSeconds: num(s, "idle") }),
      (json) => expect(resource(json, Lb, "alb_").idle_timeout).toBe("${var.idle}"),
      { idleTimeoutSeconds: 0 },
      /^LoadBalancer 'alb': idleTimeoutSeconds \(0\) must be an integer from 1 to 4000/,
    ],
    [
      "tags",
      (s) => ({ tags: map(s, "tags") }),
      // Merged by Terraform: each resource's own Name goes over the variable's keys.
      (json) => expect(resource(json, Lb, "alb_").tags).toBe('${merge(var.tags, {"Name" = "alb-alb"})}'),
      { tags: { Name: "x" } },
      /^LoadBalancer 'alb': tags \(\{"Name":"x"\}\) must not set Name/,
    ],
  ])("%s", (_prop, tokenOptions, check, badLiteral, error) => {
    check(albWith(tokenOptions));
    expect(() => albWith(() => badLiteral)).toThrow(error);
  });

  it("GIVEN internal as a token with ingressCidrs THEN Terraform picks the subnets", () => {
    const json = albWith((s) => ({ internal: bool(s, "internal"), ingressCidrs: ["10.0.0.0/16"] }));
    const alb = resource(json, Lb, "alb_");
    expect(alb.internal).toBe("${var.internal}");
    expect(String(alb.subnets)).toMatch(/^\$\{var\.internal \? \[.*private.*\] : \[.*public.*\]\}$/);
    expect(resource(json, SecurityGroup, "alb_sg").description).toContain(
      'var.internal ? "internal" : "internet-facing"',
    );
  });

  it.each<[string, (s: TerraformStack) => AlbOptions, RegExp]>([
    [
      "redirectHttpToHttps",
      (s) => ({ certificateArn: CERT, redirectHttpToHttps: bool(s, "redirect") }),
      /^LoadBalancer 'alb': redirectHttpToHttps \(.*\) must be a literal, not a token: it decides at synth time the HTTP listener's default action/,
    ],
    [
      "enableAccessLogs",
      (s) => ({ enableAccessLogs: bool(s, "logs") }),
      /^LoadBalancer 'alb': enableAccessLogs \(.*\) must be a literal, not a token: it decides at synth time whether the access log bucket exists/,
    ],
    [
      "internal without ingressCidrs",
      (s) => ({ internal: bool(s, "internal") }),
      /^LoadBalancer 'alb': ingressCidrs \(undefined\) must be set when internal is a token/,
    ],
  ])("GIVEN %s as a token THEN it is refused", (_prop, tokenOptions, error) => {
    expect(() => albWith(tokenOptions)).toThrow(error);
  });
});

describe("LoadBalancedService: each validated prop as a token passes synth, the literal bad value still throws", () => {
  it.each<[string, (s: TerraformStack) => ServiceOptions, (json: SynthJson) => void, ServiceOptions, RegExp]>(
    [
      [
        "serviceName",
        (s) => ({ serviceName: str(s, "svc"), repositoryName: "apps/web" }),
        (json) => expect(resource(json, EcsService, "web_service").name).toBe("${var.svc}"),
        { serviceName: "my service" },
        /^LoadBalancedService 'web': serviceName \("my service"\) must be 1 to 255 letters/,
      ],
      [
        "image",
        (s) => ({ imageTag: undefined, image: str(s, "image") }),
        (json) =>
          expect(String(taskDefinition(json).container_definitions)).toContain('"image":"${var.image}"'),
        { imageTag: undefined, image: "nginx 1.27" },
        /^LoadBalancedService 'web': image \("nginx 1\.27"\) must be an image reference without whitespace/,
      ],
      [
        "cpuUnits",
        (s) => ({ cpuUnits: num(s, "cpu") }),
        // A number token cannot sit in JSON text: Terraform encodes the container definition.
        (json) =>
          expect(String(taskDefinition(json).container_definitions)).toMatch(
            /^\$\{jsonencode\(\[.*"?cpu"? = var\.cpu/,
          ),
        { cpuUnits: 64 },
        /^LoadBalancedService 'web': cpuUnits \(64\) must be an integer from 128 to 10240/,
      ],
      [
        "memoryLimitMiB",
        (s) => ({ memoryLimitMiB: num(s, "mem") }),
        (json) => expect(String(taskDefinition(json).container_definitions)).toMatch(/"?memory"? = var\.mem/),
        { memoryLimitMiB: 128 },
        /^LoadBalancedService 'web': memoryLimitMiB \(128\) must be ≥ memoryReservationMiB \(256\)/,
      ],
      [
        "containerPort",
        (s) => ({ containerPort: num(s, "port") }),
        (json) => expect(targetGroup(json).port).toBe("${var.port}"),
        { containerPort: 70_000 },
        /^LoadBalancedService 'web': containerPort \(70000\) must be an integer from 1 to 65535/,
      ],
      [
        "rulePriority",
        (s) => ({ rulePriority: num(s, "priority") }),
        (json) => expect(resource(json, LbListenerRule, "web_rule-http").priority).toBe("${var.priority}"),
        { rulePriority: 0 },
        /^LoadBalancedService 'web': rulePriority \(0\) must be an integer from 1 to 50000/,
      ],
      [
        "pathPatterns",
        (s) => ({ pathPatterns: list(s, "paths") }),
        (json) =>
          expect(resource(json, LbListenerRule, "web_rule-http").condition).toEqual([
            { path_pattern: { values: "${var.paths}" } },
          ]),
        { pathPatterns: ["api/*"] },
        /^LoadBalancedService 'web': pathPatterns \("api\/\*"\) must start with \//,
      ],
      [
        "healthCheckPath",
        (s) => ({ healthCheckPath: str(s, "hc") }),
        (json) => expect((targetGroup(json).health_check as Block).path).toBe("${var.hc}"),
        { healthCheckPath: "health" },
        /^LoadBalancedService 'web': healthCheckPath \("health"\) must start with \//,
      ],
      [
        "desiredCount",
        (s) => ({ desiredCount: num(s, "count") }),
        (json) => expect(resource(json, EcsService, "web_service").desired_count).toBe("${var.count}"),
        { desiredCount: -1 },
        /^LoadBalancedService 'web': desiredCount \(-1\) must be an integer/,
      ],
      [
        "logRetentionDays",
        (s) => ({ logRetentionDays: num(s, "days") }),
        (json) =>
          expect(
            resource(json, { tfResourceType: "aws_cloudwatch_log_group" }, "web_log-group").retention_in_days,
          ).toBe("${var.days}"),
        { logRetentionDays: 2 },
        /^LoadBalancedService 'web': logRetentionDays \(2\) must be a CloudWatch Logs retention/,
      ],
      [
        "readonlyRootFilesystem",
        (s) => ({ readonlyRootFilesystem: bool(s, "ro") }),
        (json) =>
          expect(String(taskDefinition(json).container_definitions)).toMatch(
            /"?readonlyRootFilesystem"? = var\.ro/,
          ),
        { readonlyRootFilesystem: true, enableExecuteCommand: true },
        /^LoadBalancedService 'web': enableExecuteCommand \(true\) must be false with readonlyRootFilesystem/,
      ],
      [
        "command",
        (s) => ({ command: list(s, "cmd") }),
        (json) =>
          expect(String(taskDefinition(json).container_definitions)).toMatch(/"?command"? = var\.cmd/),
        { command: [] },
        /^LoadBalancedService 'web': command \(\[\]\) must not be empty/,
      ],
      [
        "tags",
        (s) => ({ tags: map(s, "tags") }),
        (json) =>
          expect(resource(json, EcsService, "web_service").tags).toBe(
            '${merge(var.tags, {"Name" = "web-service"})}',
          ),
        { tags: { Name: "x" } },
        /^LoadBalancedService 'web': tags \(\{"Name":"x"\}\) must not set Name/,
      ],
    ],
  )("%s", (_prop, tokenOptions, check, badLiteral, error) => {
    check(serviceWith(tokenOptions));
    expect(() => serviceWith(() => badLiteral)).toThrow(error);
  });

  const literal = (field: string, decides: string): RegExp =>
    new RegExp(
      `^LoadBalancedService 'web': ${field} \\(.*\\) must be a literal, not a token: it decides at synth time ${decides}`,
    );
  it.each<[string, (s: TerraformStack) => ServiceOptions, RegExp]>([
    [
      "environment",
      (s) => ({ environment: map(s, "env") }),
      literal("environment", "the container definition"),
    ],
    ["secrets", (s) => ({ secrets: map(s, "secrets") }), literal("secrets", "the container's secrets")],
    [
      "secretsKmsKeyArns",
      (s) => ({ secretsKmsKeyArns: list(s, "keys") }),
      literal("secretsKmsKeyArns", "the execution role's kms:Decrypt statement"),
    ],
    [
      "writablePaths",
      (s) => ({ writablePaths: list(s, "paths") }),
      literal("writablePaths", "one volume per path"),
    ],
    [
      "enableExecuteCommand",
      (s) => ({ enableExecuteCommand: bool(s, "exec") }),
      literal("enableExecuteCommand", "whether the task role gets the ECS Exec statements"),
    ],
    [
      "hostHeaders",
      (s) => ({ hostHeaders: list(s, "hosts") }),
      literal("hostHeaders", "whether the listener rule has a host-header condition"),
    ],
  ])("GIVEN %s as a token THEN it is refused", (_prop, tokenOptions, error) => {
    expect(() => serviceWith(tokenOptions)).toThrow(error);
  });

  it("THEN Terraform accepts what the token paths synthesize (terraform validate, real provider)", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
    synthWith(
      (s) => ({
        name: str(s, "alb_name"),
        internal: bool(s, "internal"),
        ingressCidrs: list(s, "cidrs"),
        certificateArn: str(s, "cert"),
        tags: map(s, "alb_tags"),
      }),
      (s) => ({
        imageTag: undefined,
        image: str(s, "image"),
        cpuUnits: num(s, "cpu"),
        memoryLimitMiB: num(s, "mem"),
        containerPort: num(s, "port"),
        pathPatterns: list(s, "paths"),
        readonlyRootFilesystem: bool(s, "ro"),
        command: list(s, "cmd"),
        tags: map(s, "tags"),
      }),
      stack,
    );
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });
});
