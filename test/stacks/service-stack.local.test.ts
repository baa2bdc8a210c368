import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  IpPermission,
} from "@aws-sdk/client-ec2";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import {
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from "@aws-sdk/client-iam";
import { STAR_RESOURCE_ACTIONS as CLUSTER_STAR_RESOURCE_ACTIONS } from "../../modules/ecs-cluster/iam";
import { DEFAULT_SSL_POLICY, DYNAMIC_HOST_PORT_RANGE } from "../../modules/load-balanced-service";
import { STAR_RESOURCE_ACTIONS } from "../../modules/load-balanced-service/iam";
import { ServiceStack, ServiceStackProps } from "../../stacks/service-stack";
import { describeFailures, runCheckov } from "../support/checkov";
import { describeFindings, IamPolicyDocument, IamScan, lintIam, scanIam } from "../support/iam";
import { LocalAws, localClientConfig, LOCAL_REGION, startLocalAws } from "../support/moto";
import { plannedActions, TerraformRun } from "../support/terraform";
import { shareProvider } from "../support/shared-provider";

// Real Terraform + the real hashicorp/aws provider, applied to moto server on localhost; then the
// AWS SDK reads back what exists. One apply serves every assertion (it is the slow part): network,
// cluster, the shared ALB with HTTPS and access logs, the Flask service `web` and a second service
// `api` routed by path on the same ALB.
//
// What moto cannot show, and how this file deals with it:
// - moto 5.2.5 departs from AWS where this stack depends on it: ECS CreateService drops the
//   deployment, capacity and placement settings (and invents an empty networkConfiguration for
//   bridge mode), Application Auto Scaling has no tag API, group-referencing security group rules
//   lose their description, and S3 CreateBucket drops the bucket's tags. tools/moto_server.py
//   fixes each, with a test against plain moto in tools/tests/test_moto_server.py.
// - hashicorp/aws 6.x reads a bucket's tags through S3 Control at `<account>.<endpoint host>`;
//   stacks/aws-provider.ts routes that through the emulator as the provider's HTTP proxy (see
//   localS3ControlRouting), so the access log bucket is applied here too.
// - moto runs no containers and no ECS agent: no task starts, no target registers or turns
//   healthy, no ALB routes a request or writes an access log, no scaling policy acts, and ECS Exec
//   is not exercised. What is checked is the control plane: what exists and how it is configured.
// - moto does not enforce bucket policies or ALB deletion protection; the policy is read back and
//   linted, and deletion protection is read back, then turned off by an apply the way a real
//   destroy needs.
// - No S3, ECR or ACM client is installed: those calls use the services' own REST/JSON APIs,
//   answered by moto (`motoS3`, `motoJson`).
jest.setTimeout(20 * 60_000);
// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

const ENVIRONMENT = "test";
const IMAGE_TAG = "3f2a9c1";

/**
 * One call to a JSON-protocol API of moto (ACM, ECR), for which the project installs no SDK client.
 * moto routes by the credential scope of the Authorization header and does not check signatures.
 */
async function motoJson<T>(aws: LocalAws, service: string, target: string, body: object): Promise<T> {
  const res = await fetch(`${aws.endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": target,
      Authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${LOCAL_REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${target} failed: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** One S3 REST call (path style) to moto, for which the project installs no SDK client: the body. */
async function motoS3(aws: LocalAws, pathAndQuery: string): Promise<string> {
  const res = await fetch(`${aws.endpoint}/${pathAndQuery}`, {
    headers: {
      Authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${LOCAL_REGION}/s3/aws4_request, SignedHeaders=host, Signature=0`,
    },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`S3 GET /${pathAndQuery} failed: ${res.status} ${text}`);
  return text;
}

/** The text of every `<tag>` element of an XML document, in order. */
function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))].map((m) => m[1]);
}

/** Resources of `terraform show -json` (state) in the synthesized JSON's shape, for the IAM lint. */
function stateAsSynth(stateJson: string): {
  resource: Record<string, Record<string, Record<string, unknown>>>;
} {
  const state = JSON.parse(stateJson) as {
    values?: {
      root_module?: {
        resources?: { mode: string; type: string; name: string; values: Record<string, unknown> }[];
      };
    };
  };
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const r of state.values?.root_module?.resources ?? []) {
    if (r.mode !== "managed") continue;
    // An empty computed attribute (aws_s3_bucket's deprecated `policy`) is no document.
    const values = Object.fromEntries(
      Object.entries(r.values).filter(([k, v]) => !(["policy", "assume_role_policy"].includes(k) && !v)),
    );
    (resource[r.type] ??= {})[r.name] = values;
  }
  return { resource };
}

/** `aws_ecr_lifecycle_policy.policy` is an image expiry rule, not an IAM document: left out of the lint. */
function withoutLifecyclePolicies(scan: IamScan): IamScan {
  return {
    ...scan,
    unparsed: scan.unparsed.filter((u) => !u.location.startsWith("aws_ecr_lifecycle_policy.")),
  };
}

/** Every `Resource: "*"` action the stack's modules allow, with its reason. */
const STAR_ACTIONS = { ...CLUSTER_STAR_RESOURCE_ACTIONS, ...STAR_RESOURCE_ACTIONS };

/** `app/<name>/<id>` or `targetgroup/<name>/<id>`: what CloudWatch and the scaling label use. */
function arnSuffix(arn: string): string {
  return arn
    .split(":")
    .slice(5)
    .join(":")
    .replace(/^loadbalancer\//, "");
}

describe("ServiceStack applied to the local AWS", () => {
  let aws: LocalAws;
  let certificateArn: string;
  let props: ServiceStackProps;
  let tf: TerraformRun;
  let out: Record<string, string>;
  let elb: ElasticLoadBalancingV2Client;
  let ec2: EC2Client;
  let ecs: ECSClient;
  let scaling: ApplicationAutoScalingClient;
  let iam: IAMClient;
  let logs: CloudWatchLogsClient;

  beforeAll(async () => {
    aws = await startLocalAws();
    const config = localClientConfig(aws);
    elb = new ElasticLoadBalancingV2Client(config);
    ec2 = new EC2Client(config);
    ecs = new ECSClient(config);
    scaling = new ApplicationAutoScalingClient(config);
    iam = new IAMClient(config);
    logs = new CloudWatchLogsClient(config);
    // moto checks that a listener's certificate exists in its ACM.
    certificateArn = (
      await motoJson<{ CertificateArn: string }>(aws, "acm", "CertificateManager.RequestCertificate", {
        DomainName: "app.example.com",
      })
    ).CertificateArn;
    props = {
      environment: ENVIRONMENT,
      region: LOCAL_REGION,
      target: { kind: "local", endpoint: aws.endpoint },
      imageTag: IMAGE_TAG,
      loadBalancer: { certificateArn, enableAccessLogs: true },
    };
    tf = TerraformRun.synth(new ServiceStack(new App(), "service", props)).init();
  });

  afterAll(async () => {
    for (const client of [elb, ec2, ecs, scaling, iam, logs]) client?.destroy();
    await aws?.stop();
  });

  test("GIVEN an empty account WHEN planned THEN everything is a create", () => {
    const actions = plannedActions(tf.plan());
    expect(new Set(Object.values(actions))).toEqual(new Set(["create"]));
    const types = new Set(Object.keys(actions).map((address) => address.split(".")[0]));
    for (const type of [
      "aws_lb",
      "aws_lb_listener",
      "aws_lb_listener_rule",
      "aws_lb_target_group",
      "aws_ecs_service",
      "aws_ecs_task_definition",
      "aws_ecr_repository",
      "aws_ecr_lifecycle_policy",
      "aws_appautoscaling_target",
      "aws_appautoscaling_policy",
      "aws_vpc_security_group_ingress_rule",
      "aws_vpc_security_group_egress_rule",
      "aws_s3_bucket",
      "aws_s3_bucket_policy",
      "aws_s3_bucket_lifecycle_configuration",
    ]) {
      expect(types).toContain(type);
    }
  });

  test("THEN checkov passes on the synthesized JSON and on the plan JSON, with the project's skip list", () => {
    for (const [file, framework] of [
      [tf.json, "terraform_json"],
      [tf.planJsonPath, "terraform_plan"],
    ] as const) {
      const result = runCheckov(file, framework);
      expect(describeFailures(result)).toBe("");
      expect(result.passed).toBeGreaterThan(100);
    }
  });

  test("THEN the IAM lint passes on every policy document of the synthesized JSON", () => {
    const scan = withoutLifecyclePolicies(scanIam(fs.readFileSync(tf.json, "utf8")));
    expect(scan.unparsed).toEqual([]);
    expect(scan.managedPolicies).toEqual([]);
    expect(scan.policies.map((p) => `${p.kind} ${p.location.replace(/_[0-9A-F]{8}\./, ".")}`).sort()).toEqual(
      [
        "identity aws_iam_role_policy.api_execution-policy.policy",
        "identity aws_iam_role_policy.cluster_instance-policy.policy",
        "identity aws_iam_role_policy.network_flow-log-policy.policy",
        "identity aws_iam_role_policy.web_execution-policy.policy",
        "resource aws_s3_bucket_policy.alb_access-logs-policy.policy",
        "trust aws_iam_role.api_execution-role.assume_role_policy",
        "trust aws_iam_role.api_task-role.assume_role_policy",
        "trust aws_iam_role.cluster_instance-role.assume_role_policy",
        "trust aws_iam_role.network_flow-log-role.assume_role_policy",
        "trust aws_iam_role.web_execution-role.assume_role_policy",
        "trust aws_iam_role.web_task-role.assume_role_policy",
      ],
    );
    expect(describeFindings(lintIam(scan, { allowedStarResourceActions: STAR_ACTIONS }))).toBe("");
  });

  test("WHEN applied THEN the outputs name the load balancer, the services and the repository", () => {
    tf.applyPlan();
    out = tf.outputs() as Record<string, string>;
    expect(out.alb_arn).toMatch(
      /^arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer\/app\/test-web\//,
    );
    expect(out.alb_dns_name).toMatch(/^test-web-.+\.elb\.amazonaws\.com$/);
    expect(out.web_service_name).toBe("web");
    expect(out.api_service_name).toBe("api");
    expect(out.web_log_group_name).toBe("/ecs/test/web");
    expect(out.web_repository_url).toBe("123456789012.dkr.ecr.eu-west-2.amazonaws.com/test/web");
    expect(out.https_listener_arn).toMatch(/:listener\/app\/test-web\//);
    expect(out.access_logs_bucket).toMatch(/^test-web-alb-logs-/);
  });

  test("THEN the ALB is internet-facing in the public subnets, drops invalid headers, logs access and is protected from deletion", async () => {
    const lbs = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [out.alb_arn] }));
    const lb = lbs.LoadBalancers?.[0];
    expect(lb).toMatchObject({ Type: "application", SecurityGroups: [out.alb_security_group_id] });
    // The provider sends no Scheme for an internet-facing ALB (AWS's default); moto then reports none.
    expect(lb?.Scheme ?? "internet-facing").toBe("internet-facing");
    const publicSubnets = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "tag:Name", Values: ["test-public-*"] }] }),
    );
    expect(new Set(lb?.AvailabilityZones?.map((z) => z.SubnetId))).toEqual(
      new Set(publicSubnets.Subnets?.map((s) => s.SubnetId)),
    );
    const attributes = await elb.send(
      new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: out.alb_arn }),
    );
    const byKey = Object.fromEntries((attributes.Attributes ?? []).map((a) => [a.Key, a.Value]));
    expect(byKey).toMatchObject({
      "routing.http.drop_invalid_header_fields.enabled": "true",
      "deletion_protection.enabled": "true",
      "idle_timeout.timeout_seconds": "60",
      "access_logs.s3.enabled": "true",
      "access_logs.s3.bucket": out.access_logs_bucket,
      "access_logs.s3.prefix": "test-web",
    });
  });

  test("THEN HTTP redirects to HTTPS, which uses the certificate and the TLS 1.3/1.2 policy", async () => {
    const listeners = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: out.alb_arn }));
    const byPort = new Map((listeners.Listeners ?? []).map((l) => [l.Port, l]));
    expect([...byPort.keys()].sort()).toEqual([443, 80]);
    expect(byPort.get(80)).toMatchObject({
      Protocol: "HTTP",
      DefaultActions: [
        expect.objectContaining({
          Type: "redirect",
          RedirectConfig: expect.objectContaining({ Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301" }),
        }),
      ],
    });
    expect(byPort.get(443)).toMatchObject({
      ListenerArn: out.https_listener_arn,
      Protocol: "HTTPS",
      SslPolicy: DEFAULT_SSL_POLICY,
      Certificates: [expect.objectContaining({ CertificateArn: certificateArn })],
      DefaultActions: [
        expect.objectContaining({
          Type: "fixed-response",
          FixedResponseConfig: expect.objectContaining({ StatusCode: "404" }),
        }),
      ],
    });
  });

  test("THEN the HTTPS listener routes /api/* to api first and every other path to web", async () => {
    const rules = await elb.send(new DescribeRulesCommand({ ListenerArn: out.https_listener_arn }));
    const routed = (rules.Rules ?? [])
      .filter((r) => !r.IsDefault)
      .map((r) => ({
        priority: r.Priority,
        paths: r.Conditions?.flatMap((c) => c.PathPatternConfig?.Values ?? c.Values ?? []),
        targetGroup: r.Actions?.[0]?.TargetGroupArn,
        type: r.Actions?.[0]?.Type,
      }))
      .sort((a, b) => Number(a.priority) - Number(b.priority));
    expect(routed).toEqual([
      { priority: "100", paths: ["/api/*"], targetGroup: out.api_target_group_arn, type: "forward" },
      { priority: "1000", paths: ["/*"], targetGroup: out.web_target_group_arn, type: "forward" },
    ]);
    const http = (
      await elb.send(new DescribeListenersCommand({ LoadBalancerArn: out.alb_arn }))
    ).Listeners?.find((l) => l.Port === 80);
    const httpRules = await elb.send(new DescribeRulesCommand({ ListenerArn: http?.ListenerArn }));
    expect((httpRules.Rules ?? []).filter((r) => !r.IsDefault)).toEqual([]);
  });

  test("THEN each target group checks /health on instance targets and drains for 30 s without stickiness", async () => {
    const groups = await elb.send(
      new DescribeTargetGroupsCommand({
        TargetGroupArns: [out.web_target_group_arn, out.api_target_group_arn],
      }),
    );
    expect(groups.TargetGroups).toHaveLength(2);
    for (const group of groups.TargetGroups ?? []) {
      expect(group).toMatchObject({
        Protocol: "HTTP",
        Port: 8080,
        TargetType: "instance",
        HealthCheckPath: "/health",
        HealthCheckProtocol: "HTTP",
        HealthCheckPort: "traffic-port",
        HealthCheckIntervalSeconds: 15,
        HealthCheckTimeoutSeconds: 5,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 2,
        Matcher: { HttpCode: "200" },
        LoadBalancerArns: [out.alb_arn],
      });
      const attributes = await elb.send(
        new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group.TargetGroupArn }),
      );
      const byKey = Object.fromEntries((attributes.Attributes ?? []).map((a) => [a.Key, a.Value]));
      expect(byKey["deregistration_delay.timeout_seconds"]).toBe("30");
      expect(byKey["stickiness.enabled"]).toBe("false");
    }
  });

  test("THEN instances accept the dynamic host ports from the ALB's group only; the ALB reaches nothing else", async () => {
    const groups = await ec2.send(
      new DescribeSecurityGroupsCommand({
        GroupIds: [out.alb_security_group_id, out.cluster_security_group_id],
      }),
    );
    const alb = groups.SecurityGroups?.find((g) => g.GroupId === out.alb_security_group_id);
    const instances = groups.SecurityGroups?.find((g) => g.GroupId === out.cluster_security_group_id);
    const rules = (permissions: IpPermission[] | undefined): string[] =>
      (permissions ?? [])
        .map(
          (p) =>
            `${p.IpProtocol} ${p.FromPort}-${p.ToPort} ${[
              ...(p.IpRanges ?? []).map((r) => r.CidrIp),
              ...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId),
            ].join(",")}`,
        )
        .sort();
    const range = `${DYNAMIC_HOST_PORT_RANGE.from}-${DYNAMIC_HOST_PORT_RANGE.to}`;
    expect(rules(alb?.IpPermissions)).toEqual(["tcp 443-443 0.0.0.0/0", "tcp 80-80 0.0.0.0/0"]);
    expect(rules(alb?.IpPermissionsEgress)).toEqual([`tcp ${range} ${out.cluster_security_group_id}`]);
    expect(rules(instances?.IpPermissions)).toEqual([`tcp ${range} ${out.alb_security_group_id}`]);
    // Rules that reference a group keep their descriptions (a moto fix; without it, drift).
    const described = await ec2.send(
      new DescribeSecurityGroupRulesCommand({
        Filters: [{ Name: "group-id", Values: [out.alb_security_group_id, out.cluster_security_group_id] }],
      }),
    );
    const referencing = (described.SecurityGroupRules ?? [])
      .filter((r) => r.ReferencedGroupInfo?.GroupId)
      .map((r) => `${r.GroupId === out.alb_security_group_id ? "alb" : "instances"} ${r.Description}`)
      .sort();
    expect(referencing).toEqual([
      "alb To the instances of cluster on dynamic host ports",
      "instances from load balancer alb",
    ]);
  });

  test("THEN both ECS services are attached to their target groups with the deployment, capacity and placement asked for", async () => {
    // What the provider sent in CreateService (moto keeps it only with tools/moto_server.py's fix).
    const services = await ecs.send(
      new DescribeServicesCommand({ cluster: ENVIRONMENT, services: ["web", "api"] }),
    );
    expect(services.failures ?? []).toEqual([]);
    const byName = new Map((services.services ?? []).map((s) => [s.serviceName, s]));
    for (const [name, targetGroup] of [
      ["web", out.web_target_group_arn],
      ["api", out.api_target_group_arn],
    ]) {
      expect(byName.get(name)).toMatchObject({
        status: "ACTIVE",
        desiredCount: 2,
        loadBalancers: [{ targetGroupArn: targetGroup, containerName: "app", containerPort: 8080 }],
        deploymentConfiguration: {
          maximumPercent: 200,
          minimumHealthyPercent: 50,
          deploymentCircuitBreaker: { enable: true, rollback: true },
        },
        capacityProviderStrategy: [expect.objectContaining({ capacityProvider: "test-default", weight: 1 })],
        placementStrategy: [
          { type: "spread", field: "attribute:ecs.availability-zone" },
          { type: "binpack", field: "memory" },
        ],
        healthCheckGracePeriodSeconds: 60,
        propagateTags: "SERVICE",
      });
    }
    expect(byName.get("web")?.taskDefinition).toBe(out.web_task_definition_arn);
  });

  test("THEN the Flask task runs bridge-mode on a dynamic host port, read-only, with its health check and awslogs", async () => {
    const td = (
      await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: out.web_task_definition_arn }))
    ).taskDefinition;
    expect(td).toMatchObject({
      family: "test-web",
      networkMode: "bridge",
      requiresCompatibilities: ["EC2"],
      volumes: [expect.objectContaining({ name: "writable-tmp" })],
    });
    expect(td?.containerDefinitions?.[0]).toMatchObject({
      name: "app",
      image: `${out.web_repository_url}:${IMAGE_TAG}`,
      cpu: 256,
      memory: 512,
      memoryReservation: 256,
      portMappings: [expect.objectContaining({ containerPort: 8080, hostPort: 0, protocol: "tcp" })],
      readonlyRootFilesystem: true,
      mountPoints: [{ sourceVolume: "writable-tmp", containerPath: "/tmp", readOnly: false }],
      healthCheck: expect.objectContaining({
        command: ["CMD", "python", "/app/healthcheck.py"],
        startPeriod: 10,
      }),
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/ecs/test/web",
          "awslogs-region": LOCAL_REGION,
          "awslogs-stream-prefix": "web",
        },
      },
    });
    expect(td?.executionRoleArn).not.toBe(td?.taskRoleArn);
  });

  test("THEN the web service scales from 2 to 6 tasks on CPU and on requests per target", async () => {
    const targets = await scaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", ResourceIds: ["service/test/web"] }),
    );
    expect(targets.ScalableTargets).toEqual([
      expect.objectContaining({
        ScalableDimension: "ecs:service:DesiredCount",
        MinCapacity: 2,
        MaxCapacity: 6,
      }),
    ]);
    const policies = await scaling.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: "ecs", ResourceId: "service/test/web" }),
    );
    const byName = new Map((policies.ScalingPolicies ?? []).map((p) => [p.PolicyName, p]));
    expect([...byName.keys()].sort()).toEqual(["web-cpu-scaling", "web-request-count-scaling"]);
    expect(byName.get("web-cpu-scaling")).toMatchObject({
      PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: expect.objectContaining({
        TargetValue: 60,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
        PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
      }),
    });
    expect(byName.get("web-request-count-scaling")).toMatchObject({
      PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: expect.objectContaining({
        TargetValue: 1000,
        PredefinedMetricSpecification: {
          PredefinedMetricType: "ALBRequestCountPerTarget",
          ResourceLabel: `${arnSuffix(out.alb_arn)}/${arnSuffix(out.web_target_group_arn)}`,
        },
      }),
    });
    // Tagged when registered, and read back by the provider (a moto fix; without it, a timeout).
    const tags = await scaling.send(
      new ListTagsForResourceCommand({ ResourceARN: targets.ScalableTargets?.[0]?.ScalableTargetARN }),
    );
    expect(tags.Tags).toEqual({
      Name: "web-scaling",
      environment: ENVIRONMENT,
      project: "ecs-cdktf",
      "managed-by": "cdktf",
    });
    const api = await scaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", ResourceIds: ["service/test/api"] }),
    );
    expect(api.ScalableTargets ?? []).toEqual([]);
  });

  test("THEN the repository scans on push, keeps tags immutable, encrypts with KMS and keeps 30 images", async () => {
    // No ECR client is installed: these are ECR's own JSON API calls, answered by moto.
    const repos = await motoJson<{ repositories: Record<string, unknown>[] }>(
      aws,
      "ecr",
      "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories",
      {},
    );
    expect(repos.repositories).toEqual([
      expect.objectContaining({
        repositoryName: "test/web",
        repositoryUri: out.web_repository_url,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: expect.objectContaining({ encryptionType: "KMS" }),
      }),
    ]);
    const lifecycle = await motoJson<{ lifecyclePolicyText: string }>(
      aws,
      "ecr",
      "AmazonEC2ContainerRegistry_V20150921.GetLifecyclePolicy",
      { repositoryName: "test/web" },
    );
    expect(JSON.parse(lifecycle.lifecyclePolicyText)).toMatchObject({
      rules: [
        { selection: { countType: "imageCountMoreThan", countNumber: 30 }, action: { type: "expire" } },
      ],
    });
  });

  test("THEN the execution roles hold only the scoped inline policy and the task roles hold nothing", async () => {
    const td = (
      await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: out.web_task_definition_arn }))
    ).taskDefinition;
    const roleName = (arn: string | undefined): string => String(arn).split("/").pop() ?? "";
    const execution = roleName(td?.executionRoleArn);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: execution }))).PolicyNames).toEqual([
      "ecs-task-execution",
    ]);
    expect(
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: execution }))).AttachedPolicies,
    ).toEqual([]);
    const inline = await iam.send(
      new GetRolePolicyCommand({ RoleName: execution, PolicyName: "ecs-task-execution" }),
    );
    const document = JSON.parse(decodeURIComponent(String(inline.PolicyDocument))) as IamPolicyDocument;
    const findings = lintIam(
      { policies: [{ location: "deployed", kind: "identity", document }], managedPolicies: [], unparsed: [] },
      { allowedStarResourceActions: STAR_RESOURCE_ACTIONS },
    );
    expect(describeFindings(findings)).toBe("");
    const text = JSON.stringify(document);
    expect(text).toContain('"Resource":["arn:aws:ecr:eu-west-2:123456789012:repository/test/web"]');
    expect(text).toContain("arn:aws:logs:eu-west-2:123456789012:log-group:/ecs/test/web");

    const task = roleName(td?.taskRoleArn);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: task }))).PolicyNames).toEqual([]);
    expect(
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: task }))).AttachedPolicies,
    ).toEqual([]);
    const trust = JSON.parse(
      decodeURIComponent(
        String((await iam.send(new GetRoleCommand({ RoleName: task }))).Role?.AssumeRolePolicyDocument),
      ),
    ) as IamPolicyDocument;
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Condition: {
          ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-2:123456789012:*" },
          StringEquals: { "aws:SourceAccount": "123456789012" },
        },
      }),
    ]);
  });

  test("THEN the access log bucket is private, SSE-S3, versioned, expires logs after 90 days and lets only the ELB account write", async () => {
    const bucket = out.access_logs_bucket;
    expect(xmlValues(await motoS3(aws, `${bucket}?encryption`), "SSEAlgorithm")).toEqual(["AES256"]);
    expect(xmlValues(await motoS3(aws, `${bucket}?versioning`), "Status")).toEqual(["Enabled"]);
    const block = await motoS3(aws, `${bucket}?publicAccessBlock`);
    for (const setting of [
      "BlockPublicAcls",
      "IgnorePublicAcls",
      "BlockPublicPolicy",
      "RestrictPublicBuckets",
    ]) {
      expect(xmlValues(block, setting)).toEqual(["true"]);
    }
    expect(xmlValues(await motoS3(aws, `${bucket}?ownershipControls`), "ObjectOwnership")).toEqual([
      "BucketOwnerEnforced",
    ]);
    const lifecycle = await motoS3(aws, `${bucket}?lifecycle`);
    expect(xmlValues(lifecycle, "Days")).toEqual(["90"]);
    expect(xmlValues(lifecycle, "NoncurrentDays")).toEqual(["1"]);
    expect(xmlValues(lifecycle, "DaysAfterInitiation")).toEqual(["1"]);

    const policy = JSON.parse(await motoS3(aws, `${bucket}?policy`)) as IamPolicyDocument;
    const findings = lintIam(
      {
        policies: [{ location: "deployed", kind: "resource", document: policy }],
        managedPolicies: [],
        unparsed: [],
      },
      { allowedStarResourceActions: STAR_ACTIONS },
    );
    expect(describeFindings(findings)).toBe("");
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        // The Elastic Load Balancing account of eu-west-2.
        Principal: { AWS: "arn:aws:iam::652711504416:root" },
        Action: "s3:PutObject",
        Resource: `arn:aws:s3:::${bucket}/test-web/AWSLogs/123456789012/*`,
      }),
      expect.objectContaining({
        Effect: "Deny",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    ]);
  });

  test("THEN the bucket's tags were read through S3 Control, routed to the local AWS", async () => {
    const tagging = await motoS3(aws, `${out.access_logs_bucket}?tagging`);
    expect(xmlValues(tagging, "Key")).toContain("Name");
    expect(xmlValues(tagging, "Value")).toContain("test-web-access-logs");
    // What the provider asked for: S3 Control's ListTagsForResource at <account>.<endpoint host>.
    const requests = fs.readFileSync(aws.logPath, "utf8");
    const host = new URL(aws.endpoint).host.replace(/\./g, "\\.");
    expect(requests).toMatch(
      new RegExp(
        `"GET http://123456789012\\.${host}/v20180820/tags/arn:aws:s3:::${out.access_logs_bucket} HTTP/1\\.1" 200`,
      ),
    );
  });

  test("THEN every IAM document in the applied state passes the IAM lint", () => {
    const scan = withoutLifecyclePolicies(scanIam(stateAsSynth(tf.run(["show", "-json"]))));
    expect(scan.unparsed).toEqual([]);
    // Every document the synthesized JSON holds, now with ARNs and account ids filled in (and the
    // roles' inline policies as AWS reports them on the role).
    const synthesized = scanIam(fs.readFileSync(tf.json, "utf8")).policies.map((p) => p.location);
    expect(scan.policies.map((p) => p.location)).toEqual(expect.arrayContaining(synthesized));
    expect(describeFindings(lintIam(scan, { allowedStarResourceActions: STAR_ACTIONS }))).toBe("");
  });

  test("THEN each service logs to its own group, kept a year", async () => {
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/ecs/test/" }));
    const retention = Object.fromEntries(
      (groups.logGroups ?? []).map((g) => [g.logGroupName, g.retentionInDays]),
    );
    expect(retention).toMatchObject({ "/ecs/test/web": 365, "/ecs/test/api": 365 });
  });

  test("WHEN planned again THEN nothing changes", () => {
    const actions = Object.entries(plannedActions(tf.plan())).filter(([, action]) => action !== "no-op");
    expect(actions).toEqual([]);
  });

  test("WHEN deletion protection is turned off THEN only the load balancer changes, in place", async () => {
    const unprotected = TerraformRun.synth(
      new ServiceStack(new App(), "service", {
        ...props,
        loadBalancer: { ...props.loadBalancer, deletionProtection: false },
      }),
    );
    fs.copyFileSync(path.join(tf.dir, "terraform.tfstate"), path.join(unprotected.dir, "terraform.tfstate"));
    unprotected.init();
    const changes = Object.entries(plannedActions(unprotected.plan())).filter(
      ([, action]) => action !== "no-op",
    );
    expect(changes.map(([address, action]) => `${address.split(".")[0]} ${action}`)).toEqual([
      "aws_lb update",
    ]);
    unprotected.applyPlan();
    const attributes = await elb.send(
      new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: out.alb_arn }),
    );
    expect(attributes.Attributes?.find((a) => a.Key === "deletion_protection.enabled")?.Value).toBe("false");
    tf = unprotected;
  });

  test("WHEN destroyed THEN state is empty and no load balancer, target group, service, scaling target, repository or bucket is left", async () => {
    tf.destroy();
    expect(tf.stateList()).toEqual([]);
    expect((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? []).toEqual([]);
    expect((await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? []).toEqual([]);
    const services = await ecs.send(
      new DescribeServicesCommand({ cluster: ENVIRONMENT, services: ["web", "api"] }),
    );
    expect((services.services ?? []).filter((s) => s.status === "ACTIVE")).toEqual([]);
    const targets = await scaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs" }));
    expect(targets.ScalableTargets ?? []).toEqual([]);
    const policies = await scaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: "ecs" }));
    expect(policies.ScalingPolicies ?? []).toEqual([]);
    const repos = await motoJson<{ repositories: unknown[] }>(
      aws,
      "ecr",
      "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories",
      {},
    );
    expect(repos.repositories).toEqual([]);
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/ecs/test/" }));
    expect(groups.logGroups ?? []).toEqual([]);
    expect(xmlValues(await motoS3(aws, ""), "Name")).toEqual([]);
  });
});
