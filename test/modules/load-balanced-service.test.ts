import {
  DefaultTokenResolver,
  StringConcat,
  TerraformStack,
  TerraformVariable,
  Testing,
  Token,
  Tokenization,
} from "cdktf";
import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { EcsCluster } from "../../modules/ecs-cluster";
import {
  DEFAULT_DEREGISTRATION_DELAY_SECONDS,
  DEFAULT_HEALTH_CHECK_PATH,
  DEFAULT_SSL_POLICY,
  DYNAMIC_HOST_PORT_RANGE,
  LoadBalancedService,
  LoadBalancedServiceProps,
  LoadBalancer,
  LoadBalancerProps,
  WorkerService,
  WorkerServiceProps,
} from "../../modules/load-balanced-service";
import {
  ELB_ACCOUNT_IDS,
  ELB_LOG_DELIVERY_SERVICE_PRINCIPAL,
} from "../../modules/load-balanced-service/access-logs";
import { NO_ROUTE_RESPONSE } from "../../modules/load-balanced-service/load-balancer";
import { Network, NetworkProps } from "../../modules/network";
import { addAwsProvider } from "../../stacks/aws-provider";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

type Block = Record<string, unknown>;
interface SynthJson {
  readonly resource: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
}
interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}
interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly [key: string]: unknown;
}

const CERT = "arn:aws:acm:eu-west-2:123456789012:certificate/0f3c2a1e-1111-4222-8333-444455556666";
const SSM_ARN = "arn:aws:ssm:eu-west-2:123456789012:parameter/web/db-url";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:web/api-key-AbCdEf";
const KMS_ARN = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** The producers a service needs: a network, a cluster and a load balancer in one stack. */
interface World {
  readonly scope: Construct;
  readonly net: Network;
  readonly cluster: EcsCluster;
  readonly lb: LoadBalancer;
}

/** A default Network ("net"), EcsCluster ("apps") and LoadBalancer ("alb") in `scope`. */
function makeWorld(
  scope: Construct,
  lbProps: Partial<LoadBalancerProps> = {},
  networkProps: NetworkProps = {},
): World {
  const net = new Network(scope, "net", { region: "eu-west-2", ...networkProps });
  const cluster = new EcsCluster(scope, "apps", { network: net });
  const lb = new LoadBalancer(scope, "alb", { network: net, ...lbProps });
  return { scope, net, cluster, lb };
}

/** Synthesizes a world plus what `build` adds (with `Testing.synthScope`). */
function synthWorld(
  build: (w: World) => void = () => undefined,
  lbProps: Partial<LoadBalancerProps> = {},
  networkProps: NetworkProps = {},
): { synth: string; json: SynthJson } {
  const synth = Testing.synthScope((scope) => build(makeWorld(scope, lbProps, networkProps)));
  return { synth, json: JSON.parse(synth) as SynthJson };
}

type ServiceOptions = Partial<Omit<LoadBalancedServiceProps, "cluster" | "loadBalancer">>;

/** A world with one LoadBalancedService "web" (imageTag "v1", priority 100 unless overridden). */
function synthService(
  options: ServiceOptions = {},
  lbProps: Partial<LoadBalancerProps> = {},
): { synth: string; json: SynthJson } {
  return synthWorld(({ scope, cluster, lb }) => {
    new LoadBalancedService(scope, "web", {
      cluster,
      loadBalancer: lb,
      rulePriority: 100,
      ...(options.image === undefined ? { imageTag: "v1" } : {}),
      ...options,
    });
  }, lbProps);
}

/** A token's Terraform expression, e.g. `${aws_lb.alb_1234ABCD.dns_name}`. */
function resolveIn(stack: TerraformStack, value: unknown): string {
  return Tokenization.resolve(value, {
    scope: stack,
    resolver: new DefaultTokenResolver(new StringConcat()),
  }) as string;
}

/** The blocks of one resource type whose construct path starts with `prefix`. */
function blocks(json: SynthJson, type: string, prefix = ""): Block[] {
  return Object.entries(json.resource[type] ?? {})
    .filter(([key]) => key.startsWith(prefix))
    .map(([, block]) => block);
}

/** The single block of `type` under `prefix`. */
function only(json: SynthJson, type: string, prefix: string): Block {
  const found = blocks(json, type, prefix);
  expect(found).toHaveLength(1);
  return found[0];
}

function containerOf(json: SynthJson, prefix = "web_"): ContainerDefinition {
  const td = only(json, "aws_ecs_task_definition", prefix);
  const defs = JSON.parse(String(td.container_definitions)) as ContainerDefinition[];
  expect(defs).toHaveLength(1);
  return defs[0];
}

function policyStatements(json: SynthJson, type: string, prefix: string, attribute = "policy"): Statement[] {
  const block = only(json, type, prefix);
  return (JSON.parse(String(block[attribute])) as { Statement: Statement[] }).Statement;
}

/** Builds in a fresh world and returns the thunk for `toThrow`. */
function building(build: (w: World) => void, lbProps: Partial<LoadBalancerProps> = {}): () => void {
  return () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    build(makeWorld(stack, lbProps));
  };
}

function service(options: ServiceOptions, lbProps: Partial<LoadBalancerProps> = {}): () => void {
  return building(({ scope, cluster, lb }) => {
    new LoadBalancedService(scope, "web", {
      cluster,
      loadBalancer: lb,
      rulePriority: 100,
      ...(options.image === undefined ? { imageTag: "v1" } : {}),
      ...options,
    });
  }, lbProps);
}

function loadBalancer(props: Partial<LoadBalancerProps>, networkProps: NetworkProps = {}): () => void {
  return () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const net = new Network(stack, "net", { region: "eu-west-2", ...networkProps });
    new LoadBalancer(stack, "alb", { network: net, ...props });
  };
}

// ---------------------------------------------------------------------------------------------

describe("LoadBalancer", () => {
  describe("GIVEN only a network", () => {
    // WHEN the load balancer is synthesized with its defaults
    const { synth, json } = synthWorld();

    it("THEN it is an internet-facing ALB in the public subnets, dropping invalid headers, protected from deletion", () => {
      expect(synth).toHaveResourceWithProperties(Lb, {
        name: "alb",
        load_balancer_type: "application",
        internal: false,
        drop_invalid_header_fields: true,
        enable_deletion_protection: true,
        idle_timeout: 60,
        subnets: [
          expect.stringMatching(/^\$\{aws_subnet\.net_public-subnet-0_[0-9A-F]{8}\.id\}$/),
          expect.stringMatching(/^\$\{aws_subnet\.net_public-subnet-1_[0-9A-F]{8}\.id\}$/),
        ],
        security_groups: [expect.stringMatching(/^\$\{aws_security_group\.alb_sg_[0-9A-F]{8}\.id\}$/)],
      });
      expect(only(json, "aws_lb", "alb_").access_logs).toBeUndefined();
    });

    it("THEN its security group accepts HTTP from the internet only, and has no egress yet", () => {
      expect(synth).toHaveResourceWithProperties(SecurityGroup, {
        name_prefix: "alb-alb-",
        vpc_id: expect.stringMatching(/aws_vpc\.net_vpc/),
      });
      const ingress = blocks(json, "aws_vpc_security_group_ingress_rule", "alb_");
      expect(ingress).toEqual([
        expect.objectContaining({ from_port: 80, to_port: 80, ip_protocol: "tcp", cidr_ipv4: "0.0.0.0/0" }),
      ]);
      expect(blocks(json, "aws_vpc_security_group_egress_rule", "alb_")).toEqual([]);
    });

    it("THEN the HTTP listener answers unrouted requests with a JSON 404, and there is no HTTPS listener", () => {
      expect(blocks(json, "aws_lb_listener", "alb_")).toHaveLength(1);
      expect(synth).toHaveResourceWithProperties(LbListener, {
        port: 80,
        protocol: "HTTP",
        default_action: [
          {
            type: "fixed-response",
            fixed_response: {
              content_type: NO_ROUTE_RESPONSE.contentType,
              message_body: NO_ROUTE_RESPONSE.messageBody,
              status_code: "404",
            },
          },
        ],
      });
    });

    it("THEN it exposes DNS name, zone id, ARN and security group as references", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const { lb } = makeWorld(stack);
      const resolved = (value: string): string => resolveIn(stack, value);
      expect(resolved(lb.dnsName)).toMatch(/^\$\{aws_lb\.alb_[0-9A-F]{8}\.dns_name\}$/);
      expect(resolved(lb.zoneId)).toMatch(/\.zone_id\}$/);
      expect(resolved(lb.arn)).toMatch(/\.arn\}$/);
      expect(resolved(lb.arnSuffix)).toMatch(/\.arn_suffix\}$/);
      expect(resolved(lb.securityGroupId)).toMatch(/^\$\{aws_security_group\.alb_sg_[0-9A-F]{8}\.id\}$/);
      expect(lb.httpsListener).toBeUndefined();
      expect(lb.serviceListeners).toEqual([lb.httpListener]);
      expect(lb.redirectsHttpToHttps).toBe(false);
      expect(lb.accessLogsBucket).toBeUndefined();
    });
  });

  it("GIVEN internal THEN it sits in the private subnets and accepts the VPC's block by default", () => {
    const { synth, json } = synthWorld(() => undefined, { internal: true });
    expect(synth).toHaveResourceWithProperties(Lb, {
      internal: true,
      subnets: [expect.stringMatching(/net_private-subnet-0/), expect.stringMatching(/net_private-subnet-1/)],
    });
    expect(blocks(json, "aws_vpc_security_group_ingress_rule", "alb_")).toEqual([
      expect.objectContaining({ from_port: 80, cidr_ipv4: "172.24.0.0/16" }),
    ]);
  });

  it("GIVEN ingressCidrs THEN each block gets a rule per listener port, and nothing else does", () => {
    const { json } = synthWorld(() => undefined, {
      ingressCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
      certificateArn: CERT,
    });
    const rules = blocks(json, "aws_vpc_security_group_ingress_rule", "alb_").map(
      (r) => `${String(r.cidr_ipv4)} ${String(r.from_port)}-${String(r.to_port)}`,
    );
    expect(rules.sort()).toEqual([
      "198.51.100.7/32 443-443",
      "198.51.100.7/32 80-80",
      "203.0.113.0/24 443-443",
      "203.0.113.0/24 80-80",
    ]);
  });

  describe("GIVEN an ACM certificate", () => {
    // WHEN the load balancer is synthesized with it
    const { synth, json } = synthWorld(() => undefined, { certificateArn: CERT });

    it("THEN an HTTPS listener uses it with the TLS 1.3/1.2 policy", () => {
      expect(synth).toHaveResourceWithProperties(LbListener, {
        port: 443,
        protocol: "HTTPS",
        certificate_arn: CERT,
        ssl_policy: DEFAULT_SSL_POLICY,
        default_action: [expect.objectContaining({ type: "fixed-response" })],
      });
      expect(DEFAULT_SSL_POLICY).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
    });

    it("THEN HTTP answers with a permanent redirect to HTTPS", () => {
      expect(synth).toHaveResourceWithProperties(LbListener, {
        port: 80,
        protocol: "HTTP",
        default_action: [
          { type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } },
        ],
      });
    });

    it("THEN the security group opens 443 as well", () => {
      const ports = blocks(json, "aws_vpc_security_group_ingress_rule", "alb_").map((r) => r.from_port);
      expect(ports.sort()).toEqual([443, 80]);
    });
  });

  it("GIVEN a certificate, sslPolicy and redirectHttpToHttps false THEN HTTP serves too and the policy is used", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const { lb } = makeWorld(stack, {
      certificateArn: CERT,
      sslPolicy: "ELBSecurityPolicy-FS-1-2-Res-2020-10",
      redirectHttpToHttps: false,
    });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(LbListener, {
      port: 443,
      ssl_policy: "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    });
    expect(synth).toHaveResourceWithProperties(LbListener, {
      port: 80,
      default_action: [expect.objectContaining({ type: "fixed-response" })],
    });
    expect(lb.serviceListeners).toEqual([lb.httpsListener, lb.httpListener]);
  });

  it("GIVEN deletionProtection false and idleTimeoutSeconds THEN the ALB says so", () => {
    const { synth } = synthWorld(() => undefined, {
      deletionProtection: false,
      idleTimeoutSeconds: 120,
      name: "edge-alb",
    });
    expect(synth).toHaveResourceWithProperties(Lb, {
      name: "edge-alb",
      enable_deletion_protection: false,
      idle_timeout: 120,
    });
  });

  describe("GIVEN enableAccessLogs in eu-west-2", () => {
    // WHEN the load balancer is synthesized with access logs
    const { synth, json } = synthWorld(() => undefined, { enableAccessLogs: true });

    it("THEN a private, SSE-S3, versioned bucket keeps the logs 90 days", () => {
      expect(synth).toHaveResourceWithProperties(S3Bucket, { bucket_prefix: "alb-alb-logs-" });
      expect(synth).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(synth).toHaveResourceWithProperties(S3BucketOwnershipControls, {
        rule: { object_ownership: "BucketOwnerEnforced" },
      });
      expect(synth).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
      });
      expect(synth).toHaveResourceWithProperties(S3BucketVersioningA, {
        versioning_configuration: { status: "Enabled" },
      });
      expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
        rule: [
          expect.objectContaining({
            status: "Enabled",
            expiration: [{ days: 90 }],
            noncurrent_version_expiration: [{ noncurrent_days: 1 }],
            abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
          }),
        ],
      });
    });

    it("THEN only the region's ELB account may write, under <name>/AWSLogs/<account>/, and only over TLS", () => {
      const statements = policyStatements(json, "aws_s3_bucket_policy", "alb_");
      expect(statements[0]).toEqual({
        Sid: "ElbWritesAccessLogs",
        Effect: "Allow",
        Principal: {
          AWS: expect.stringMatching(/^arn:\$\{data\.aws_partition\..+\.partition\}:iam::652711504416:root$/),
        },
        Action: "s3:PutObject",
        Resource: expect.stringMatching(
          /^\$\{aws_s3_bucket\..+\.arn\}\/alb\/AWSLogs\/\$\{data\.aws_caller_identity\..+\.account_id\}\/\*$/,
        ),
      });
      expect(statements[1]).toMatchObject({
        Effect: "Deny",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
      expect(ELB_ACCOUNT_IDS["eu-west-2"]).toBe("652711504416");
    });

    it("THEN the ALB writes there, after the policy exists", () => {
      const alb = only(json, "aws_lb", "alb_");
      expect(alb.access_logs).toEqual({
        bucket: expect.stringMatching(/^\$\{aws_s3_bucket\..+\.id\}$/),
        prefix: "alb",
        enabled: true,
      });
      expect(alb.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\./)]);
    });
  });

  it("GIVEN access logs with accessLogsRetentionDays THEN the lifecycle expires at that age", () => {
    const { synth } = synthWorld(() => undefined, { enableAccessLogs: true, accessLogsRetentionDays: 400 });
    expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ expiration: [{ days: 400 }] })],
    });
  });

  it("GIVEN access logs in a region opened after August 2022 THEN the log delivery service principal writes", () => {
    const { json } = synthWorld(() => undefined, { enableAccessLogs: true, region: "ap-southeast-4" });
    expect(policyStatements(json, "aws_s3_bucket_policy", "alb_")[0].Principal).toEqual({
      Service: ELB_LOG_DELIVERY_SERVICE_PRINCIPAL,
    });
  });

  it("GIVEN access logs and a network in eu-west-1 THEN the region comes from its zones", () => {
    const { json } = synthWorld(() => undefined, { enableAccessLogs: true }, { region: "eu-west-1" });
    expect(policyStatements(json, "aws_s3_bucket_policy", "alb_")[0].Principal).toEqual({
      AWS: expect.stringContaining(`:iam::${ELB_ACCOUNT_IDS["eu-west-1"]}:root`),
    });
  });

  it("GIVEN webAclArn THEN the web ACL is associated with the ALB", () => {
    const acl =
      "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";
    const { synth } = synthWorld(() => undefined, { webAclArn: acl });
    expect(synth).toHaveResourceWithProperties(Wafv2WebAclAssociation, {
      web_acl_arn: acl,
      resource_arn: expect.stringMatching(/^\$\{aws_lb\.alb_[0-9A-F]{8}\.arn\}$/),
    });
  });

  it("GIVEN tags THEN every resource carries them next to its own Name", () => {
    const { synth } = synthWorld(() => undefined, { tags: { team: "edge" } });
    expect(synth).toHaveResourceWithProperties(Lb, { tags: { team: "edge", Name: "alb-alb" } });
    expect(synth).toHaveResourceWithProperties(SecurityGroup, { tags: { team: "edge", Name: "alb-alb" } });
    expect(synth).toHaveResourceWithProperties(LbListener, { tags: { team: "edge", Name: "alb-http" } });
  });

  describe("validation (throws before creating anything)", () => {
    it.each([
      [{ name: "a".repeat(33) }, /LoadBalancer 'alb': name \("a{33}"\) must be 1 to 32 letters/],
      [
        { name: "internal-web" },
        /name \("internal-web"\) must .* nor starting with internal-; shorten or rename it/,
      ],
      [{ name: "-web" }, /name \("-web"\) must be 1 to 32/],
      [{ ingressCidrs: [] }, /ingressCidrs \(\[\]\) must list at least one CIDR block/],
      [{ ingressCidrs: ["10.0.0.1/16"] }, /ingressCidrs \("10\.0\.0\.1\/16"\) must have no host bits set/],
      [{ ingressCidrs: ["0.0.0.0/0", "0.0.0.0/0"] }, /ingressCidrs \("0\.0\.0\.0\/0"\) must be listed once/],
      [
        { certificateArn: "arn:aws:iam::123456789012:server-certificate/web" },
        /certificateArn \("arn:aws:iam::123456789012:server-certificate\/web"\) must be an ACM certificate ARN .*; request or import the certificate in ACM/,
      ],
      [{ sslPolicy: DEFAULT_SSL_POLICY }, /sslPolicy \(.*\) must be unset without certificateArn/],
      [
        { certificateArn: CERT, sslPolicy: "TLS13" },
        /sslPolicy \("TLS13"\) must be an ELBSecurityPolicy-… name/,
      ],
      [
        { redirectHttpToHttps: true },
        /redirectHttpToHttps \(true\) must be false without certificateArn .*; pass certificateArn/,
      ],
      [{ idleTimeoutSeconds: 0 }, /idleTimeoutSeconds \(0\) must be an integer from 1 to 4000/],
      [
        { accessLogsRetentionDays: 30 },
        /accessLogsRetentionDays \(30\) must be unset when enableAccessLogs is false/,
      ],
      [
        { enableAccessLogs: true, accessLogsRetentionDays: 0 },
        /accessLogsRetentionDays \(0\) must be an integer from 1 to 3650/,
      ],
      [{ region: "eu-west-2" }, /region \("eu-west-2"\) must be unset when enableAccessLogs is false/],
      [{ enableAccessLogs: true, region: "London" }, /region \("London"\) must be a literal region name/],
      [
        { webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/y" },
        /webAclArn \(.*\) must be a regional WAFv2 web ACL ARN/,
      ],
      [{ tags: { Name: "x" } }, /tags \(\{"Name":"x"\}\) must not set Name/],
    ] as [Partial<LoadBalancerProps>, RegExp][])("GIVEN %j THEN it throws %s", (props, error) => {
      expect(loadBalancer(props)).toThrow(error);
    });

    it("GIVEN a one-AZ network THEN it throws: an ALB needs two zones", () => {
      expect(loadBalancer({}, { azCount: 1 })).toThrow(
        /LoadBalancer 'alb': network\.publicSubnetIds \(\[.*\]\) must list subnets in at least two availability zones .*; give the network azCount 2 or more/,
      );
    });

    it("GIVEN an invalid prop THEN the load balancer's scope holds no resource", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const net = new Network(stack, "net", { region: "eu-west-2" });
      expect(() => new LoadBalancer(stack, "alb", { network: net, idleTimeoutSeconds: -1 })).toThrow();
      expect(stack.node.tryFindChild("alb")?.node.children).toEqual([]);
    });

    it("GIVEN tokens THEN literal checks are skipped", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const net = new Network(stack, "net", { region: "eu-west-2" });
      const timeout = new TerraformVariable(stack, "timeout", { type: "number" });
      const cidr = new TerraformVariable(stack, "cidr", { type: "string" });
      expect(
        () =>
          new LoadBalancer(stack, "alb", {
            network: net,
            idleTimeoutSeconds: timeout.numberValue,
            ingressCidrs: [cidr.stringValue],
          }),
      ).not.toThrow();
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe("LoadBalancedService", () => {
  describe("GIVEN a cluster, a load balancer, a priority and an image tag only", () => {
    // WHEN the service is synthesized with its defaults
    const { synth, json } = synthService();

    it("THEN its target group checks /health on the traffic port and drains for 30 s, without stickiness", () => {
      expect(synth).toHaveResourceWithProperties(LbTargetGroup, {
        target_type: "instance",
        port: 8080,
        protocol: "HTTP",
        protocol_version: "HTTP1",
        vpc_id: expect.stringMatching(/aws_vpc\.net_vpc/),
        deregistration_delay: "30",
        health_check: {
          enabled: true,
          path: "/health",
          port: "traffic-port",
          protocol: "HTTP",
          matcher: "200",
          interval: 15,
          timeout: 5,
          healthy_threshold: 2,
          unhealthy_threshold: 2,
        },
        stickiness: { type: "lb_cookie", enabled: false },
        lifecycle: { create_before_destroy: true },
        tags: { Name: "web" },
      });
      expect(only(json, "aws_lb_target_group", "web_").name).toBeUndefined();
      expect(DEFAULT_DEREGISTRATION_DELAY_SECONDS).toBe(30);
      expect(DEFAULT_HEALTH_CHECK_PATH).toBe("/health");
    });

    it("THEN one rule on the HTTP listener forwards every path to it at the given priority", () => {
      const rule = only(json, "aws_lb_listener_rule", "web_");
      expect(rule).toEqual(
        expect.objectContaining({
          listener_arn: expect.stringMatching(/^\$\{aws_lb_listener\.alb_http_[0-9A-F]{8}\.arn\}$/),
          priority: 100,
          action: [
            {
              type: "forward",
              target_group_arn: expect.stringMatching(/aws_lb_target_group\.web_target-group/),
            },
          ],
          condition: [{ path_pattern: { values: ["/*"] } }],
        }),
      );
    });

    it("THEN instances accept the dynamic host ports from the ALB's group only, and the ALB may reach them", () => {
      expect(synth).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
        security_group_id: expect.stringMatching(/aws_security_group\.apps_instance-sg/),
        referenced_security_group_id: expect.stringMatching(/aws_security_group\.alb_sg/),
        ip_protocol: "tcp",
        from_port: DYNAMIC_HOST_PORT_RANGE.from,
        to_port: DYNAMIC_HOST_PORT_RANGE.to,
      });
      expect(synth).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
        security_group_id: expect.stringMatching(/aws_security_group\.alb_sg/),
        referenced_security_group_id: expect.stringMatching(/aws_security_group\.apps_instance-sg/),
        from_port: 32768,
        to_port: 65535,
      });
      const clusterIngress = blocks(json, "aws_vpc_security_group_ingress_rule", "apps_");
      expect(clusterIngress).toHaveLength(1);
      expect(clusterIngress[0].cidr_ipv4).toBeUndefined();
    });

    it("THEN its ECR repository scans on push, keeps tags immutable, encrypts with KMS and keeps 30 images", () => {
      expect(synth).toHaveResourceWithProperties(EcrRepository, {
        name: expect.stringMatching(/^\$\{aws_ecs_cluster\.apps_cluster_[0-9A-F]{8}\.name\}\/web$/),
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: "KMS" }],
        force_delete: false,
      });
      const lifecycle = JSON.parse(String(only(json, "aws_ecr_lifecycle_policy", "web_").policy)) as {
        rules: { selection: Record<string, unknown>; action: Record<string, unknown> }[];
      };
      expect(lifecycle.rules).toEqual([
        expect.objectContaining({
          selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 },
          action: { type: "expire" },
        }),
      ]);
    });

    it("THEN it logs to /ecs/<cluster>/<service>, kept a year", () => {
      expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: expect.stringMatching(/^\/ecs\/\$\{aws_ecs_cluster\.apps_cluster_[0-9A-F]{8}\.name\}\/web$/),
        retention_in_days: 365,
      });
    });

    it("THEN the task definition is bridge mode for EC2 with its own execution and task roles", () => {
      expect(synth).toHaveResourceWithProperties(EcsTaskDefinition, {
        family: expect.stringMatching(/^\$\{aws_ecs_cluster\.apps_cluster_[0-9A-F]{8}\.name\}-web$/),
        network_mode: "bridge",
        requires_compatibilities: ["EC2"],
        execution_role_arn: expect.stringMatching(/aws_iam_role\.web_execution-role/),
        task_role_arn: expect.stringMatching(/aws_iam_role\.web_task-role/),
        volume: [{ name: "writable-tmp" }],
      });
      const td = only(json, "aws_ecs_task_definition", "web_");
      expect(td.cpu).toBeUndefined();
      expect(td.memory).toBeUndefined();
    });

    it("THEN the container maps 8080 to a dynamic host port, with soft/hard memory, a read-only root and a writable /tmp", () => {
      const container = containerOf(json);
      expect(container).toEqual({
        name: "app",
        image: expect.stringMatching(
          /^\$\{aws_ecr_repository\.web_repository_[0-9A-F]{8}\.repository_url\}:v1$/,
        ),
        essential: true,
        cpu: 256,
        memory: 512,
        memoryReservation: 256,
        portMappings: [{ containerPort: 8080, hostPort: 0, protocol: "tcp" }],
        readonlyRootFilesystem: true,
        mountPoints: [{ sourceVolume: "writable-tmp", containerPath: "/tmp", readOnly: false }],
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": expect.stringMatching(/aws_cloudwatch_log_group\.web_log-group/),
            "awslogs-region": expect.stringMatching(/data\.aws_region\.web_region/),
            "awslogs-stream-prefix": "web",
          },
        },
      });
    });

    it("THEN the ECS service rolls 200/50 with a rollback circuit breaker, on the cluster's provider, spread over AZs then binpacked", () => {
      expect(synth).toHaveResourceWithProperties(EcsService, {
        name: "web",
        cluster: expect.stringMatching(/aws_ecs_cluster\.apps_cluster_[0-9A-F]{8}\.arn/),
        desired_count: 2,
        deployment_maximum_percent: 200,
        deployment_minimum_healthy_percent: 50,
        deployment_circuit_breaker: { enable: true, rollback: true },
        capacity_provider_strategy: [
          {
            capacity_provider: expect.stringMatching(/aws_ecs_capacity_provider\.apps_default/),
            weight: 1,
            base: 0,
          },
        ],
        ordered_placement_strategy: [
          { type: "spread", field: "attribute:ecs.availability-zone" },
          { type: "binpack", field: "memory" },
        ],
        load_balancer: [
          {
            target_group_arn: expect.stringMatching(/aws_lb_target_group\.web_target-group/),
            container_name: "app",
            container_port: 8080,
          },
        ],
        health_check_grace_period_seconds: 60,
        enable_execute_command: false,
        enable_ecs_managed_tags: true,
        propagate_tags: "SERVICE",
        wait_for_steady_state: false,
      });
      const svc = only(json, "aws_ecs_service", "web_");
      expect(svc.lifecycle).toBeUndefined();
      expect(svc.placement_constraints).toBeUndefined();
      expect(svc.depends_on).toEqual([
        expect.stringMatching(/^aws_ecs_cluster_capacity_providers\.apps_capacity-providers/),
        expect.stringMatching(/^aws_iam_role_policy\.web_execution-policy/),
        expect.stringMatching(/^aws_lb_listener_rule\.web_rule-http/),
      ]);
    });

    it("THEN there is no auto scaling and no task role policy", () => {
      expect(blocks(json, "aws_appautoscaling_target")).toEqual([]);
      expect(blocks(json, "aws_appautoscaling_policy")).toEqual([]);
      expect(blocks(json, "aws_iam_role_policy", "web_task-policy")).toEqual([]);
    });

    it("THEN the execution role pulls from its repository, writes its log group, and nothing more", () => {
      expect(policyStatements(json, "aws_iam_role_policy", "web_execution-policy")).toEqual([
        {
          Sid: "EcrAuthorizationToken",
          Effect: "Allow",
          Action: ["ecr:GetAuthorizationToken"],
          Resource: "*",
        },
        {
          Sid: "EcrPull",
          Effect: "Allow",
          Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
          Resource: [expect.stringMatching(/^\$\{aws_ecr_repository\.web_repository_[0-9A-F]{8}\.arn\}$/)],
        },
        {
          Sid: "WriteLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [
            expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.web_log-group_[0-9A-F]{8}\.arn\}$/),
            expect.stringMatching(/\.arn\}:log-stream:\*$/),
          ],
        },
      ]);
    });

    it("THEN only ECS tasks assume the roles, the task role only from this account's ECS", () => {
      const execution = policyStatements(json, "aws_iam_role", "web_execution-role", "assume_role_policy");
      expect(execution).toEqual([
        {
          Sid: "EcsTasksAssumeRole",
          Effect: "Allow",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ]);
      const task = policyStatements(json, "aws_iam_role", "web_task-role", "assume_role_policy");
      expect(task).toEqual([
        expect.objectContaining({
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Condition: {
            ArnLike: {
              "aws:SourceArn": expect.stringMatching(
                /^arn:\$\{data\.aws_partition.+\}:ecs:\$\{data\.aws_region.+\}:\$\{data\.aws_caller_identity.+\}:\*$/,
              ),
            },
            StringEquals: { "aws:SourceAccount": expect.stringMatching(/data\.aws_caller_identity/) },
          },
        }),
      ]);
    });

    it("THEN it exposes target group, service, log group and repository as references", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const { cluster, lb } = makeWorld(stack);
      const web = new LoadBalancedService(stack, "web", {
        cluster,
        loadBalancer: lb,
        rulePriority: 1,
        imageTag: "v1",
      });
      const resolved = (value: string | undefined): string => resolveIn(stack, value);
      expect(resolved(web.targetGroupArn)).toMatch(
        /^\$\{aws_lb_target_group\.web_target-group_[0-9A-F]{8}\.arn\}$/,
      );
      expect(resolved(web.serviceName)).toMatch(/^\$\{aws_ecs_service\.web_service_[0-9A-F]{8}\.name\}$/);
      expect(resolved(web.logGroupName)).toMatch(
        /^\$\{aws_cloudwatch_log_group\.web_log-group_[0-9A-F]{8}\.name\}$/,
      );
      expect(resolved(web.repositoryUrl)).toMatch(
        /^\$\{aws_ecr_repository\.web_repository_[0-9A-F]{8}\.repository_url\}$/,
      );
      expect(resolved(web.taskDefinitionArn)).toMatch(/\.arn\}$/);
      expect(web.loadBalancer).toBe(lb);
      expect(web.containerName).toBe("app");
      expect(web.containerPort).toBe(8080);
      expect(web.listenerRules).toHaveLength(1);
      expect(web.scalableTarget).toBeUndefined();
      expect(web.cpuScalingPolicy).toBeUndefined();
      expect(web.requestCountScalingPolicy).toBeUndefined();
    });
  });

  describe("GIVEN every container option", () => {
    // WHEN the service is synthesized with them
    const { synth, json } = synthService({
      serviceName: "shop",
      containerName: "shop-app",
      containerPort: 3000,
      cpuUnits: 512,
      memoryReservationMiB: 384,
      memoryLimitMiB: 1024,
      environment: { WEB_CONCURRENCY: "3", APP_ENV: "prod" },
      secrets: { DB_URL: SSM_ARN, API_KEY: `${SECRET_ARN}:key::` },
      secretsKmsKeyArns: [KMS_ARN],
      entryPoint: ["/bin/sh", "-c"],
      command: ["exec gunicorn -c gunicorn.conf.py hello_world:app"],
      volumes: [
        { name: "cache", containerPath: "/var/cache/app" },
        { name: "certs", containerPath: "/etc/certs", hostPath: "/etc/pki", readOnly: true },
      ],
      writablePaths: ["/tmp", "/run/app"],
      containerHealthCheck: { command: ["CMD", "python", "/app/healthcheck.py"], startPeriodSeconds: 10 },
      logRetentionDays: 30,
      logKmsKeyArn: KMS_ARN,
      tags: { team: "shop" },
    });

    it("THEN the container definition carries them (environment and secrets sorted)", () => {
      expect(containerOf(json, "web_")).toEqual(
        expect.objectContaining({
          name: "shop-app",
          cpu: 512,
          memory: 1024,
          memoryReservation: 384,
          portMappings: [{ containerPort: 3000, hostPort: 0, protocol: "tcp" }],
          environment: [
            { name: "APP_ENV", value: "prod" },
            { name: "WEB_CONCURRENCY", value: "3" },
          ],
          secrets: [
            { name: "API_KEY", valueFrom: `${SECRET_ARN}:key::` },
            { name: "DB_URL", valueFrom: SSM_ARN },
          ],
          entryPoint: ["/bin/sh", "-c"],
          command: ["exec gunicorn -c gunicorn.conf.py hello_world:app"],
          mountPoints: [
            { sourceVolume: "writable-tmp", containerPath: "/tmp", readOnly: false },
            { sourceVolume: "writable-run-app", containerPath: "/run/app", readOnly: false },
            { sourceVolume: "cache", containerPath: "/var/cache/app", readOnly: false },
            { sourceVolume: "certs", containerPath: "/etc/certs", readOnly: true },
          ],
          healthCheck: {
            command: ["CMD", "python", "/app/healthcheck.py"],
            interval: 30,
            timeout: 5,
            retries: 3,
            startPeriod: 10,
          },
          logConfiguration: expect.objectContaining({
            options: expect.objectContaining({ "awslogs-stream-prefix": "shop" }),
          }),
        }),
      );
      expect(synth).toHaveResourceWithProperties(EcsTaskDefinition, {
        volume: [
          { name: "writable-tmp" },
          { name: "writable-run-app" },
          { name: "cache" },
          { name: "certs", host_path: "/etc/pki" },
        ],
      });
    });

    it("THEN the execution role reads exactly those secrets (the secret without its JSON-key suffix) and decrypts with the key", () => {
      const statements = policyStatements(json, "aws_iam_role_policy", "web_execution-policy");
      expect(statements.filter((s) => !/^(Ecr|WriteLogs)/.test(String(s.Sid)))).toEqual([
        { Sid: "ReadSsmParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [SSM_ARN] },
        {
          Sid: "ReadSecrets",
          Effect: "Allow",
          Action: ["secretsmanager:GetSecretValue"],
          Resource: [SECRET_ARN],
        },
        { Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KMS_ARN] },
      ]);
    });

    it("THEN names, log retention and key, the target group port and tags follow", () => {
      expect(synth).toHaveResourceWithProperties(EcsService, {
        name: "shop",
        load_balancer: [expect.objectContaining({ container_name: "shop-app", container_port: 3000 })],
        tags: { team: "shop", Name: "shop-service" },
      });
      expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: expect.stringMatching(/\/shop$/),
        retention_in_days: 30,
        kms_key_id: KMS_ARN,
      });
      expect(synth).toHaveResourceWithProperties(LbTargetGroup, {
        port: 3000,
        tags: { team: "shop", Name: "shop" },
      });
      expect(synth).toHaveResourceWithProperties(EcrRepository, { name: expect.stringMatching(/\/shop$/) });
    });
  });

  it("GIVEN readonlyRootFilesystem false, no writable paths and enableExecuteCommand THEN Exec gets its channels and the cluster's exec log group", () => {
    const { synth, json } = synthService({
      readonlyRootFilesystem: false,
      writablePaths: [],
      enableExecuteCommand: true,
    });
    const container = containerOf(json);
    expect(container.readonlyRootFilesystem).toBe(false);
    expect(container.mountPoints).toBeUndefined();
    expect(only(json, "aws_ecs_task_definition", "web_").volume).toEqual([]);
    expect(synth).toHaveResourceWithProperties(EcsService, { enable_execute_command: true });
    expect(policyStatements(json, "aws_iam_role_policy", "web_task-policy")).toEqual([
      {
        Sid: "EcsExecChannels",
        Effect: "Allow",
        Action: [
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
        ],
        Resource: "*",
      },
      {
        Sid: "EcsExecFindLogGroup",
        Effect: "Allow",
        Action: ["logs:DescribeLogGroups"],
        Resource: [expect.stringMatching(/:logs:.+:log-group:\*$/)],
      },
      {
        Sid: "EcsExecWriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        Resource: [
          expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.apps_exec-log-group_[0-9A-F]{8}\.arn\}$/),
          expect.stringMatching(/exec-log-group.+\.arn\}:log-stream:\*$/),
        ],
      },
    ]);
    expect(only(json, "aws_ecs_service", "web_").depends_on).toContainEqual(
      expect.stringMatching(/^aws_iam_role_policy\.web_task-policy/),
    );
  });

  it("GIVEN an external image THEN no repository exists and the execution role has no ECR permission", () => {
    const { json } = synthService({ image: "public.ecr.aws/docker/library/nginx:1.27" });
    expect(blocks(json, "aws_ecr_repository")).toEqual([]);
    expect(blocks(json, "aws_ecr_lifecycle_policy")).toEqual([]);
    expect(containerOf(json).image).toBe("public.ecr.aws/docker/library/nginx:1.27");
    expect(policyStatements(json, "aws_iam_role_policy", "web_execution-policy").map((s) => s.Sid)).toEqual([
      "WriteLogs",
    ]);
  });

  it("GIVEN an external image in a private ECR repository THEN the execution role pulls from exactly that one", () => {
    const repo = "arn:aws:ecr:eu-west-2:123456789012:repository/shared/web";
    const { json } = synthService({
      image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/shared/web:1.0",
      imageRepositoryArn: repo,
    });
    const statements = policyStatements(json, "aws_iam_role_policy", "web_execution-policy");
    expect(statements.find((s) => s.Sid === "EcrPull")?.Resource).toEqual([repo]);
    expect(statements.find((s) => s.Sid === "EcrAuthorizationToken")?.Resource).toBe("*");
  });

  it("GIVEN repository options THEN the repository follows them", () => {
    const { synth, json } = synthService({
      repositoryName: "shop/web",
      maxImageCount: 5,
      repositoryForceDelete: true,
      repositoryKmsKeyArn: KMS_ARN,
    });
    expect(synth).toHaveResourceWithProperties(EcrRepository, {
      name: "shop/web",
      force_delete: true,
      encryption_configuration: [{ encryption_type: "KMS", kms_key: KMS_ARN }],
    });
    expect(String(only(json, "aws_ecr_lifecycle_policy", "web_").policy)).toContain('"countNumber":5');
  });

  it("GIVEN routing and target group options THEN rule and target group follow them", () => {
    const { synth, json } = synthService({
      rulePriority: 7,
      pathPatterns: ["/api/*", "/v2/*"],
      hostHeaders: ["api.example.com"],
      healthCheckPath: "/healthz",
      healthCheckIntervalSeconds: 30,
      healthCheckTimeoutSeconds: 10,
      healthyThresholdCount: 3,
      unhealthyThresholdCount: 4,
      healthCheckSuccessCodes: "200-299",
      deregistrationDelaySeconds: 5,
      stickinessDurationSeconds: 3600,
      healthCheckGracePeriodSeconds: 120,
      targetGroupName: "web-tg",
    });
    expect(only(json, "aws_lb_listener_rule", "web_")).toEqual(
      expect.objectContaining({
        priority: 7,
        condition: [
          { path_pattern: { values: ["/api/*", "/v2/*"] } },
          { host_header: { values: ["api.example.com"] } },
        ],
      }),
    );
    expect(synth).toHaveResourceWithProperties(LbTargetGroup, {
      name: "web-tg",
      deregistration_delay: "5",
      health_check: expect.objectContaining({
        path: "/healthz",
        interval: 30,
        timeout: 10,
        healthy_threshold: 3,
        unhealthy_threshold: 4,
        matcher: "200-299",
      }),
      stickiness: { type: "lb_cookie", enabled: true, cookie_duration: 3600 },
    });
    expect(only(json, "aws_lb_target_group", "web_").lifecycle).toBeUndefined();
    expect(synth).toHaveResourceWithProperties(EcsService, { health_check_grace_period_seconds: 120 });
  });

  it("GIVEN host headers only THEN the rule matches every path of those hosts", () => {
    const { json } = synthService({ hostHeaders: ["shop.example.com", "*.shop.example.com"] });
    expect(only(json, "aws_lb_listener_rule", "web_").condition).toEqual([
      { host_header: { values: ["shop.example.com", "*.shop.example.com"] } },
    ]);
  });

  it("GIVEN a certificate that redirects HTTP THEN the rule sits on the HTTPS listener only", () => {
    const { json } = synthService({}, { certificateArn: CERT });
    expect(blocks(json, "aws_lb_listener_rule", "web_")).toEqual([
      expect.objectContaining({ listener_arn: expect.stringMatching(/aws_lb_listener\.alb_https_/) }),
    ]);
  });

  it("GIVEN a certificate without redirect THEN the service gets the same rule on both listeners", () => {
    const { json } = synthService({}, { certificateArn: CERT, redirectHttpToHttps: false });
    const listeners = blocks(json, "aws_lb_listener_rule", "web_").map((r) => String(r.listener_arn));
    expect(listeners.sort()).toEqual([
      expect.stringMatching(/alb_http_/),
      expect.stringMatching(/alb_https_/),
    ]);
    expect(only(json, "aws_ecs_service", "web_").depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/web_rule-https/),
        expect.stringMatching(/web_rule-http_/),
      ]),
    );
  });

  it("GIVEN deployment, count, capacity and placement options THEN the ECS service follows them", () => {
    const { synth } = synthService({
      desiredCount: 4,
      deploymentMaximumPercent: 150,
      deploymentMinimumHealthyPercent: 100,
      capacityProviderStrategy: [
        { capacityProvider: "apps-default", base: 1 },
        { capacityProvider: "apps-spot", weight: 3 },
      ],
      placementStrategies: [{ type: "spread", field: "instanceId" }, { type: "random" }],
      placementConstraints: [
        { type: "memberOf", expression: "attribute:role == edge" },
        { type: "distinctInstance" },
      ],
    });
    expect(synth).toHaveResourceWithProperties(EcsService, {
      desired_count: 4,
      deployment_maximum_percent: 150,
      deployment_minimum_healthy_percent: 100,
      capacity_provider_strategy: [
        { capacity_provider: "apps-default", weight: 1, base: 1 },
        { capacity_provider: "apps-spot", weight: 3, base: 0 },
      ],
      ordered_placement_strategy: [{ type: "spread", field: "instanceId" }, { type: "random" }],
      placement_constraints: [
        { type: "memberOf", expression: "attribute:role == edge" },
        { type: "distinctInstance" },
      ],
    });
  });

  describe("GIVEN autoScaling with a request target", () => {
    // WHEN the service is synthesized with auto scaling
    const { synth, json } = synthService({
      autoScaling: { minCapacity: 3, maxCapacity: 12, targetRequestsPerTarget: 800 },
    });

    it("THEN a scalable target owns the desired count from min to max, and Terraform ignores it", () => {
      expect(synth).toHaveResourceWithProperties(AppautoscalingTarget, {
        service_namespace: "ecs",
        scalable_dimension: "ecs:service:DesiredCount",
        resource_id: expect.stringMatching(
          /^service\/\$\{aws_ecs_cluster\.apps_cluster_[0-9A-F]{8}\.name\}\/\$\{aws_ecs_service\.web_service_[0-9A-F]{8}\.name\}$/,
        ),
        min_capacity: 3,
        max_capacity: 12,
      });
      expect(synth).toHaveResourceWithProperties(EcsService, {
        desired_count: 3,
        lifecycle: { ignore_changes: ["desired_count"] },
      });
    });

    it("THEN target tracking keeps CPU at 60 % and requests per target at 800, with the default cooldowns", () => {
      expect(synth).toHaveResourceWithProperties(AppautoscalingPolicy, {
        name: "web-cpu-scaling",
        policy_type: "TargetTrackingScaling",
        target_tracking_scaling_policy_configuration: {
          target_value: 60,
          scale_in_cooldown: 300,
          scale_out_cooldown: 60,
          predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" },
        },
      });
      expect(synth).toHaveResourceWithProperties(AppautoscalingPolicy, {
        name: "web-request-count-scaling",
        target_tracking_scaling_policy_configuration: expect.objectContaining({
          target_value: 800,
          predefined_metric_specification: {
            predefined_metric_type: "ALBRequestCountPerTarget",
            resource_label: expect.stringMatching(
              /^\$\{aws_lb\.alb_[0-9A-F]{8}\.arn_suffix\}\/\$\{aws_lb_target_group\.web_target-group_[0-9A-F]{8}\.arn_suffix\}$/,
            ),
          },
        }),
      });
      expect(blocks(json, "aws_appautoscaling_policy")).toHaveLength(2);
    });
  });

  it("GIVEN autoScaling with CPU target, cooldowns and a desired count THEN those are used", () => {
    const { synth, json } = synthService({
      desiredCount: 5,
      autoScaling: {
        minCapacity: 2,
        maxCapacity: 8,
        targetCpuUtilizationPercent: 45,
        scaleInCooldownSeconds: 600,
        scaleOutCooldownSeconds: 30,
      },
    });
    expect(synth).toHaveResourceWithProperties(EcsService, { desired_count: 5 });
    expect(synth).toHaveResourceWithProperties(AppautoscalingPolicy, {
      target_tracking_scaling_policy_configuration: expect.objectContaining({
        target_value: 45,
        scale_in_cooldown: 600,
        scale_out_cooldown: 30,
      }),
    });
    expect(blocks(json, "aws_appautoscaling_policy")).toHaveLength(1);
  });

  it("GIVEN autoScaling from 0 to 0 THEN a stopped service: no task, a scalable target of 0 to 0", () => {
    const { synth } = synthService({ autoScaling: { minCapacity: 0, maxCapacity: 0 } });
    expect(synth).toHaveResourceWithProperties(EcsService, { desired_count: 0 });
    expect(synth).toHaveResourceWithProperties(AppautoscalingTarget, { min_capacity: 0, max_capacity: 0 });
  });

  it("GIVEN autoScaling from 0 THEN the service starts with one task", () => {
    const { synth } = synthService({ autoScaling: { minCapacity: 0, maxCapacity: 3 } });
    expect(synth).toHaveResourceWithProperties(EcsService, { desired_count: 1 });
  });

  describe("grantTaskRole", () => {
    it("GIVEN grants THEN one task policy holds them, with conditions, and the service waits for it", () => {
      const synth = Testing.synthScope((scope) => {
        const { cluster, lb } = makeWorld(scope);
        const web = new LoadBalancedService(scope, "web", {
          cluster,
          loadBalancer: lb,
          rulePriority: 1,
          imageTag: "v1",
        });
        web.grantTaskRole(["s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::uploads/*"]);
        web.grantTaskRole(["cloudwatch:PutMetricData"], ["arn:aws:cloudwatch:eu-west-2:123456789012:*"], {
          StringEquals: { "cloudwatch:namespace": "shop" },
        });
      });
      const json = JSON.parse(synth) as SynthJson;
      expect(policyStatements(json, "aws_iam_role_policy", "web_task-policy")).toEqual([
        {
          Sid: "Grant0",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject"],
          Resource: ["arn:aws:s3:::uploads/*"],
        },
        {
          Sid: "Grant1",
          Effect: "Allow",
          Action: ["cloudwatch:PutMetricData"],
          Resource: ["arn:aws:cloudwatch:eu-west-2:123456789012:*"],
          Condition: { StringEquals: { "cloudwatch:namespace": "shop" } },
        },
      ]);
      expect(only(json, "aws_iam_role_policy", "web_task-policy").role).toMatch(
        /aws_iam_role\.web_task-role/,
      );
      expect(only(json, "aws_ecs_service", "web_").depends_on).toContainEqual(
        expect.stringMatching(/^aws_iam_role_policy\.web_task-policy/),
      );
    });

    it.each([
      [
        ["s3:*"],
        ["arn:aws:s3:::b/*"],
        /LoadBalancedService 'web': actions \("s3:\*"\) must be an explicit service:Action, without wildcards/,
      ],
      [["s3:Get*"], ["arn:aws:s3:::b/*"], /actions \("s3:Get\*"\) must be an explicit/],
      [["*"], ["arn:aws:s3:::b/*"], /actions \("\*"\) must be an explicit/],
      [[], ["arn:aws:s3:::b/*"], /actions \(\[\]\) must list at least one action/],
      [["s3:GetObject"], ["*"], /resources \(\["\*"\]\) must not include "\*"; scope the grant to ARNs/],
      [["s3:GetObject"], [], /resources \(\[\]\) must list at least one resource/],
    ])("GIVEN actions %j on %j THEN it throws %s", (actions, resources, error) => {
      expect(
        building(({ scope, cluster, lb }) => {
          new LoadBalancedService(scope, "web", {
            cluster,
            loadBalancer: lb,
            rulePriority: 1,
            imageTag: "v1",
          }).grantTaskRole(actions, resources);
        }),
      ).toThrow(error);
    });
  });

  describe("GIVEN two services on one load balancer", () => {
    // WHEN both are synthesized
    const { json } = synthWorld(({ scope, cluster, lb }) => {
      new LoadBalancedService(scope, "web", { cluster, loadBalancer: lb, rulePriority: 100, imageTag: "v1" });
      new LoadBalancedService(scope, "api", {
        cluster,
        loadBalancer: lb,
        rulePriority: 10,
        pathPatterns: ["/api/*"],
        imageTag: "v1",
      });
    });

    it("THEN each has its own target group and rule on the shared listener", () => {
      expect(blocks(json, "aws_lb_target_group")).toHaveLength(2);
      const rules = blocks(json, "aws_lb_listener_rule").map((r) => [r.priority, r.condition]);
      expect(rules).toEqual([
        [10, [{ path_pattern: { values: ["/api/*"] } }]],
        [100, [{ path_pattern: { values: ["/*"] } }]],
      ]);
      expect(new Set(blocks(json, "aws_lb_listener_rule").map((r) => r.listener_arn)).size).toBe(1);
    });

    it("THEN the ALB-to-instances rules exist once for the cluster", () => {
      expect(blocks(json, "aws_vpc_security_group_ingress_rule", "apps_")).toHaveLength(1);
      expect(blocks(json, "aws_vpc_security_group_egress_rule", "alb_")).toHaveLength(1);
    });

    it("THEN the load balancer recorded both rules", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const { cluster, lb } = makeWorld(stack);
      new LoadBalancedService(stack, "web", { cluster, loadBalancer: lb, rulePriority: 100, imageTag: "v1" });
      new LoadBalancedService(stack, "api", {
        cluster,
        loadBalancer: lb,
        rulePriority: 10,
        hostHeaders: ["api.example.com"],
        imageTag: "v1",
      });
      expect(lb.reservedRules).toEqual([
        { owner: "LoadBalancedService 'web'", priority: 100, hostHeaders: [], pathPatterns: ["/*"] },
        {
          owner: "LoadBalancedService 'api'",
          priority: 10,
          hostHeaders: ["api.example.com"],
          pathPatterns: [],
        },
      ]);
    });
  });

  it("GIVEN services on two clusters THEN the ALB reaches each cluster's instances, once per cluster", () => {
    const { json } = synthWorld(({ scope, net, cluster, lb }) => {
      const batch = new EcsCluster(scope, "batch", { network: net });
      new LoadBalancedService(scope, "web", { cluster, loadBalancer: lb, rulePriority: 1, imageTag: "v1" });
      new LoadBalancedService(scope, "api", {
        cluster,
        loadBalancer: lb,
        rulePriority: 2,
        pathPatterns: ["/api/*"],
        imageTag: "v1",
      });
      new LoadBalancedService(scope, "jobs", {
        cluster: batch,
        loadBalancer: lb,
        rulePriority: 3,
        pathPatterns: ["/jobs/*"],
        imageTag: "v1",
      });
    });
    const egress = blocks(json, "aws_vpc_security_group_egress_rule", "alb_").map((r) =>
      String(r.referenced_security_group_id),
    );
    expect(egress.sort()).toEqual([
      expect.stringMatching(/aws_security_group\.apps_instance-sg/),
      expect.stringMatching(/aws_security_group\.batch_instance-sg/),
    ]);
    expect(blocks(json, "aws_vpc_security_group_ingress_rule", "apps_")).toHaveLength(1);
    expect(blocks(json, "aws_vpc_security_group_ingress_rule", "batch_")).toHaveLength(1);
  });

  it("GIVEN a reserved rule WHEN another owner reserves the same priority directly THEN the load balancer refuses", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const { lb } = makeWorld(stack);
    lb.reserveRule({
      owner: "LoadBalancedService 'a'",
      priority: 5,
      hostHeaders: [],
      pathPatterns: ["/a/*"],
    });
    expect(() =>
      lb.reserveRule({
        owner: "LoadBalancedService 'b'",
        priority: 5,
        hostHeaders: [],
        pathPatterns: ["/b/*"],
      }),
    ).toThrow(
      "LoadBalancedService 'b': rulePriority (5) must be unique on load balancer 'alb'; choose another priority (LoadBalancedService 'a' holds it)",
    );
    expect(
      lb.findRuleConflict({ priority: 6, hostHeaders: ["x.example.com"], pathPatterns: ["/a/*"] }),
    ).toBeUndefined();
    expect(lb.findRuleConflict({ priority: 6, hostHeaders: [], pathPatterns: ["/a/*"] })).toEqual({
      field: "pathPatterns",
      value: "/a/*",
      holder: "LoadBalancedService 'a'",
    });
  });

  describe("GIVEN a second service conflicting with the first", () => {
    const second = (props: ServiceOptions): (() => void) =>
      building(({ scope, cluster, lb }) => {
        new LoadBalancedService(scope, "web", {
          cluster,
          loadBalancer: lb,
          rulePriority: 100,
          pathPatterns: ["/app/*"],
          imageTag: "v1",
        });
        new LoadBalancedService(scope, "api", {
          cluster,
          loadBalancer: lb,
          imageTag: "v1",
          rulePriority: 10,
          ...props,
        });
      });

    it("WHEN it reuses the priority THEN it throws naming the holder", () => {
      expect(second({ rulePriority: 100, pathPatterns: ["/api/*"] })).toThrow(
        "LoadBalancedService 'api': rulePriority (100) must be unique on load balancer 'alb'; choose another priority (LoadBalancedService 'web' holds it)",
      );
    });

    it("WHEN it routes the same path for the same hosts THEN it throws", () => {
      expect(second({ pathPatterns: ["/api/*", "/app/*"] })).toThrow(
        `LoadBalancedService 'api': pathPatterns ("/app/*") must be unique on load balancer 'alb'; route another path or host (LoadBalancedService 'web' routes it)`,
      );
    });

    it("WHEN it routes the same path for other hosts THEN it is accepted", () => {
      expect(second({ pathPatterns: ["/app/*"], hostHeaders: ["admin.example.com"] })).not.toThrow();
    });

    it("WHEN both catch every path of any host THEN it throws", () => {
      expect(
        building(({ scope, cluster, lb }) => {
          new LoadBalancedService(scope, "web", {
            cluster,
            loadBalancer: lb,
            rulePriority: 100,
            imageTag: "v1",
          });
          new LoadBalancedService(scope, "api", {
            cluster,
            loadBalancer: lb,
            rulePriority: 200,
            imageTag: "v1",
          });
        }),
      ).toThrow(/LoadBalancedService 'api': pathPatterns \("\/\*"\) must be unique/);
    });

    it("WHEN it conflicts THEN it created nothing and reserved nothing", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const { cluster, lb } = makeWorld(stack);
      new LoadBalancedService(stack, "web", { cluster, loadBalancer: lb, rulePriority: 100, imageTag: "v1" });
      expect(
        () =>
          new LoadBalancedService(stack, "api", {
            cluster,
            loadBalancer: lb,
            rulePriority: 100,
            pathPatterns: ["/x"],
            imageTag: "v1",
          }),
      ).toThrow();
      expect(stack.node.tryFindChild("api")?.node.children).toEqual([]);
      expect(lb.reservedRules).toHaveLength(1);
    });
  });

  describe("validation (throws before creating anything)", () => {
    it.each([
      // ports, names, images
      [
        { containerPort: 0 },
        /LoadBalancedService 'web': containerPort \(0\) must be an integer from 1 to 65535; use the TCP port/,
      ],
      [{ containerPort: 70000 }, /containerPort \(70000\) must be an integer from 1 to 65535/],
      [
        { serviceName: "web app" },
        /serviceName \("web app"\) must be 1 to 255 letters, digits, hyphens or underscores/,
      ],
      [
        { serviceName: "Web" },
        /serviceName \("Web"\) must be lower case .* to name the ECR repository .*; pass repositoryName/,
      ],
      [{ containerName: "app!" }, /containerName \("app!"\) must be 1 to 255/],
      [
        { imageTag: undefined },
        /imageTag \(undefined\) must be set when image is not .*; pass the tag your pipeline pushed/,
      ],
      [{ imageTag: "-bad" }, /imageTag \("-bad"\) must be a Docker tag/],
      [
        { image: "nginx:1", imageTag: "v1" },
        /imageTag \("v1"\) must be unset when image is set; pass one of them/,
      ],
      [{ image: "nginx:1", repositoryName: "x/y" }, /repositoryName \("x\/y"\) must be unset with image/],
      [{ image: "nginx:1", maxImageCount: 3 }, /maxImageCount \(3\) must be unset with image/],
      [{ image: "nginx 1" }, /image \("nginx 1"\) must be an image reference without whitespace/],
      [
        { image: "nginx:1", imageRepositoryArn: "repo" },
        /imageRepositoryArn \("repo"\) must be an ECR repository ARN/,
      ],
      [
        { imageRepositoryArn: "arn:aws:ecr:eu-west-2:123456789012:repository/x" },
        /imageRepositoryArn \(.*\) must be unset without image/,
      ],
      [{ repositoryName: "Shop/Web" }, /repositoryName \("Shop\/Web"\) must be an ECR repository name/],
      [{ maxImageCount: 0 }, /maxImageCount \(0\) must be an integer from 1 to 10000/],
      [{ repositoryKmsKeyArn: "alias/ecr" }, /repositoryKmsKeyArn \("alias\/ecr"\) must be a KMS key ARN/],
      // CPU and memory
      [{ cpuUnits: 64 }, /cpuUnits \(64\) must be an integer from 128 to 10240; 1024 units are one vCPU/],
      [{ cpuUnits: 20480 }, /cpuUnits \(20480\) must be an integer from 128 to 10240/],
      [
        { memoryReservationMiB: 4 },
        /memoryReservationMiB \(4\) must be an integer ≥ 6; ECS needs at least 6 MiB/,
      ],
      [
        { memoryReservationMiB: 1024, memoryLimitMiB: 512 },
        /memoryLimitMiB \(512\) must be ≥ memoryReservationMiB \(1024\): the hard limit cannot be below the soft one; raise memoryLimitMiB/,
      ],
      // environment, secrets, volumes
      [{ environment: { "1BAD": "x" } }, /environment \("1BAD"\) must have names of letters, digits and _/],
      [
        { secrets: { DB: "db-password" } },
        /secrets\.DB \("db-password"\) must be an SSM parameter ARN .* or a Secrets Manager secret ARN/,
      ],
      [
        { environment: { DB: "x" }, secrets: { DB: SSM_ARN } },
        /secrets \("DB"\) must not repeat a name of environment/,
      ],
      [{ secretsKmsKeyArns: [KMS_ARN] }, /secretsKmsKeyArns \(.*\) must be unset without secrets/],
      [
        { secrets: { DB: SSM_ARN }, secretsKmsKeyArns: ["key"] },
        /secretsKmsKeyArns \("key"\) must hold KMS key ARNs/,
      ],
      [{ command: [] }, /command \(\[\]\) must not be empty; leave command unset/],
      [{ entryPoint: [] }, /entryPoint \(\[\]\) must not be empty/],
      [{ writablePaths: ["tmp"] }, /writablePaths \("tmp"\) must hold absolute paths/],
      [
        { writablePaths: ["/tmp", "/tmp"] },
        /writablePaths \("writable-tmp"\) must have a unique volume name/,
      ],
      [
        { volumes: [{ name: "tmp2", containerPath: "/tmp" }] },
        /volumes \("\/tmp"\) must mount each container path once/,
      ],
      [{ volumes: [{ name: "a b", containerPath: "/a" }] }, /volumes\.name \("a b"\) must be 1 to 255/],
      [
        { volumes: [{ name: "a", containerPath: "a" }] },
        /volumes\.containerPath \("a"\) must be an absolute path/,
      ],
      [
        { volumes: [{ name: "a", containerPath: "/a", hostPath: "data" }] },
        /volumes\.hostPath \("data"\) must be an absolute path/,
      ],
      [
        { containerHealthCheck: { command: ["curl", "-f", "localhost"] } },
        /containerHealthCheck\.command \(.*\) must start with "CMD" or "CMD-SHELL"/,
      ],
      [
        { containerHealthCheck: { command: ["CMD"] } },
        /containerHealthCheck\.command \(\["CMD"\]\) must start with/,
      ],
      [
        { containerHealthCheck: { command: ["CMD", "true"], intervalSeconds: 1 } },
        /containerHealthCheck\.intervalSeconds \(1\) must be an integer from 5 to 300/,
      ],
      [
        { containerHealthCheck: { command: ["CMD", "true"], timeoutSeconds: 61 } },
        /containerHealthCheck\.timeoutSeconds \(61\) must be an integer from 2 to 60/,
      ],
      [
        { containerHealthCheck: { command: ["CMD", "true"], retries: 0 } },
        /containerHealthCheck\.retries \(0\) must be an integer from 1 to 10/,
      ],
      [
        { containerHealthCheck: { command: ["CMD", "true"], startPeriodSeconds: 301 } },
        /containerHealthCheck\.startPeriodSeconds \(301\) must be an integer from 0 to 300/,
      ],
      [
        { enableExecuteCommand: true },
        /enableExecuteCommand \(true\) must be false with readonlyRootFilesystem .*; set readonlyRootFilesystem: false/,
      ],
      [{ logRetentionDays: 10 }, /logRetentionDays \(10\) must be a CloudWatch Logs retention/],
      [{ logKmsKeyArn: "key" }, /logKmsKeyArn \("key"\) must be a KMS key ARN/],
      [{ tags: { Name: "web" } }, /tags \(\{"Name":"web"\}\) must not set Name .*; set serviceName instead/],
      // counts, deployment, scaling
      [{ desiredCount: -1 }, /desiredCount \(-1\) must be an integer ≥ 0/],
      [
        { deploymentMinimumHealthyPercent: 100, deploymentMaximumPercent: 50 },
        /deploymentMinimumHealthyPercent \(100\) must be below deploymentMaximumPercent \(50\)/,
      ],
      [
        { deploymentMinimumHealthyPercent: 100, deploymentMaximumPercent: 100 },
        /deploymentMinimumHealthyPercent \(100\) must be below deploymentMaximumPercent \(100\)/,
      ],
      [
        { deploymentMaximumPercent: 90, deploymentMinimumHealthyPercent: 0 },
        /deploymentMaximumPercent \(90\) must be an integer from 100 to 1000/,
      ],
      [
        { deploymentMinimumHealthyPercent: -5 },
        /deploymentMinimumHealthyPercent \(-5\) must be an integer from 0 to 100/,
      ],
      [
        { autoScaling: { minCapacity: 5, maxCapacity: 2 } },
        /autoScaling\.minCapacity \(5\) must be ≤ autoScaling\.maxCapacity \(2\): the fewest tasks cannot exceed the most; lower minCapacity/,
      ],
      [
        { autoScaling: { minCapacity: 0, maxCapacity: -1 } },
        /autoScaling\.maxCapacity \(-1\) must be an integer ≥ 0/,
      ],
      [
        { autoScaling: { minCapacity: 1, maxCapacity: 3, targetCpuUtilizationPercent: 0 } },
        /targetCpuUtilizationPercent \(0\) must be an integer from 1 to 100/,
      ],
      [
        { autoScaling: { minCapacity: 1, maxCapacity: 3, targetRequestsPerTarget: 0 } },
        /targetRequestsPerTarget \(0\) must be an integer ≥ 1/,
      ],
      [
        { autoScaling: { minCapacity: 1, maxCapacity: 3, scaleInCooldownSeconds: 4000 } },
        /scaleInCooldownSeconds \(4000\) must be an integer from 0 to 3600/,
      ],
      [
        { autoScaling: { minCapacity: 1, maxCapacity: 3, scaleOutCooldownSeconds: -1 } },
        /scaleOutCooldownSeconds \(-1\) must be an integer from 0 to 3600/,
      ],
      [
        { desiredCount: 9, autoScaling: { minCapacity: 1, maxCapacity: 3 } },
        /desiredCount \(9\) must be from autoScaling\.minCapacity \(1\) to autoScaling\.maxCapacity \(3\)/,
      ],
      [{ capacityProviderStrategy: [] }, /capacityProviderStrategy \(\[\]\) must have 1 to 20 entries/],
      [
        { capacityProviderStrategy: [{ capacityProvider: "a" }, { capacityProvider: "a" }] },
        /capacityProviderStrategy \("a"\) must name each capacity provider once/,
      ],
      [
        {
          capacityProviderStrategy: [
            { capacityProvider: "a", base: 1 },
            { capacityProvider: "b", base: 2 },
          ],
        },
        /must set base on one entry at most/,
      ],
      [
        { capacityProviderStrategy: [{ capacityProvider: "a", weight: 0 }] },
        /must give at least one entry a weight above 0/,
      ],
      [
        { capacityProviderStrategy: [{ capacityProvider: "a", weight: 1001 }] },
        /capacityProviderStrategy\.weight \(1001\) must be an integer from 0 to 1000/,
      ],
      [
        { placementStrategies: [{ type: "binpack", field: "disk" }] },
        /placementStrategies\.field \("disk"\) must be "cpu" or "memory" for binpack/,
      ],
      [
        { placementStrategies: [{ type: "spread" }] },
        /placementStrategies\.field \(undefined\) must be instanceId, host or attribute:<name> for spread/,
      ],
      [
        { placementStrategies: [{ type: "random", field: "cpu" }] },
        /placementStrategies\.field \("cpu"\) must be unset for random/,
      ],
      [
        { placementStrategies: Array(6).fill({ type: "random" }) },
        /placementStrategies \(.*\) must have at most 5 entries/,
      ],
      [
        { placementConstraints: [{ type: "memberOf", expression: " " }] },
        /placementConstraints\.expression \(" "\) must not be empty for memberOf/,
      ],
      [
        { placementConstraints: Array(11).fill({ type: "distinctInstance" }) },
        /placementConstraints \(.*\) must have at most 10 entries/,
      ],
      // routing and target group
      [{ rulePriority: 0 }, /rulePriority \(0\) must be an integer from 1 to 50000/],
      [{ rulePriority: 50001 }, /rulePriority \(50001\) must be an integer from 1 to 50000/],
      [
        { pathPatterns: ["api/*"] },
        /pathPatterns \("api\/\*"\) must start with \/ and be at most 128 characters/,
      ],
      [{ pathPatterns: [] }, /pathPatterns \(\[\]\) must not be empty/],
      [
        { pathPatterns: ["/a", "/b", "/c", "/d"] },
        /pathPatterns \(.*\) must list at most 3 values \(an ALB condition's limit\)/,
      ],
      [{ pathPatterns: ["/a", "/a"] }, /pathPatterns \("\/a"\) must be listed once/],
      [{ hostHeaders: ["bad host"] }, /hostHeaders \("bad host"\) must be host names/],
      [
        {
          pathPatterns: ["/a", "/b", "/c"],
          hostHeaders: ["a.example.com", "b.example.com", "c.example.com"],
        },
        /pathPatterns \(.*\) must hold, with hostHeaders, at most 5 values \(an ALB rule's limit\)/,
      ],
      [{ healthCheckPath: "health" }, /healthCheckPath \("health"\) must start with \/ .*; e\.g\. \/health/],
      [{ healthCheckPath: "/he alth" }, /healthCheckPath \("\/he alth"\) must start with \//],
      [
        { healthCheckIntervalSeconds: 4 },
        /healthCheckIntervalSeconds \(4\) must be an integer from 5 to 300/,
      ],
      [
        { healthCheckTimeoutSeconds: 15 },
        /healthCheckTimeoutSeconds \(15\) must be below healthCheckIntervalSeconds \(15\)/,
      ],
      [{ healthCheckTimeoutSeconds: 1 }, /healthCheckTimeoutSeconds \(1\) must be an integer from 2 to 120/],
      [{ healthyThresholdCount: 1 }, /healthyThresholdCount \(1\) must be an integer from 2 to 10/],
      [{ unhealthyThresholdCount: 11 }, /unhealthyThresholdCount \(11\) must be an integer from 2 to 10/],
      [{ healthCheckSuccessCodes: "OK" }, /healthCheckSuccessCodes \("OK"\) must be HTTP codes like 200/],
      [
        { deregistrationDelaySeconds: 3601 },
        /deregistrationDelaySeconds \(3601\) must be an integer from 0 to 3600/,
      ],
      [
        { stickinessDurationSeconds: 0 },
        /stickinessDurationSeconds \(0\) must be an integer from 1 to 604800/,
      ],
      [
        { healthCheckGracePeriodSeconds: -1 },
        /healthCheckGracePeriodSeconds \(-1\) must be an integer from 0/,
      ],
      [
        { targetGroupName: "tg_web" },
        /targetGroupName \("tg_web"\) must be 1 to 32 letters, digits or hyphens/,
      ],
    ] as [ServiceOptions, RegExp][])("GIVEN %j THEN it throws %s", (options, error) => {
      expect(service(options)).toThrow(error);
    });

    it("GIVEN an invalid prop THEN the service's scope holds no resource and the cluster is untouched", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const { cluster, lb } = makeWorld(stack);
      expect(
        () =>
          new LoadBalancedService(stack, "web", {
            cluster,
            loadBalancer: lb,
            rulePriority: 1,
            imageTag: "v1",
            cpuUnits: 1,
          }),
      ).toThrow();
      expect(stack.node.tryFindChild("web")?.node.children).toEqual([]);
      expect(lb.reservedRules).toEqual([]);
      const synth = JSON.parse(Testing.synth(stack)) as SynthJson;
      expect(blocks(synth, "aws_vpc_security_group_ingress_rule", "apps_")).toEqual([]);
    });

    it("GIVEN tokens THEN literal checks are skipped", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const { cluster, lb } = makeWorld(stack);
      const number = (name: string): number =>
        new TerraformVariable(stack, name, { type: "number" }).numberValue;
      const text = (name: string): string =>
        new TerraformVariable(stack, name, { type: "string" }).stringValue;
      expect(
        () =>
          new LoadBalancedService(stack, "web", {
            cluster,
            loadBalancer: lb,
            rulePriority: number("priority"),
            imageTag: text("tag"),
            containerPort: number("port"),
            cpuUnits: number("cpu"),
            memoryLimitMiB: number("memory"),
            healthCheckPath: text("path"),
            secrets: { DB: text("secret") },
            autoScaling: { minCapacity: number("min"), maxCapacity: number("max") },
          }),
      ).not.toThrow();
      expect(Token.isUnresolved(lb.reservedRules[0].priority)).toBe(true);
      const json = JSON.parse(Testing.synth(stack)) as SynthJson;
      // A token secret's service is unknown at synth time: the read is granted for both, on that ARN only.
      const statements = policyStatements(json, "aws_iam_role_policy", "web_execution-policy");
      expect(statements.filter((s) => /^Read/.test(String(s.Sid))).map((s) => s.Resource)).toEqual([
        ["${var.secret}"],
        ["${var.secret}"],
      ]);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe("WorkerService", () => {
  function synthWorker(options: Partial<Omit<WorkerServiceProps, "cluster">> = {}): {
    synth: string;
    json: SynthJson;
  } {
    return synthWorld(({ scope, cluster }) => {
      new WorkerService(scope, "worker", { cluster, imageTag: "v1", ...options });
    });
  }

  describe("GIVEN a cluster and an image tag only", () => {
    // WHEN the worker is synthesized with its defaults
    const { synth, json } = synthWorker();

    it("THEN it shares the service defaults: repository, logs, roles, rolling deployment, placement", () => {
      expect(synth).toHaveResourceWithProperties(EcsService, {
        name: "worker",
        desired_count: 2,
        deployment_maximum_percent: 200,
        deployment_minimum_healthy_percent: 50,
        deployment_circuit_breaker: { enable: true, rollback: true },
        ordered_placement_strategy: [
          { type: "spread", field: "attribute:ecs.availability-zone" },
          { type: "binpack", field: "memory" },
        ],
      });
      expect(synth).toHaveResourceWithProperties(EcrRepository, { name: expect.stringMatching(/\/worker$/) });
      expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: expect.stringMatching(/\/worker$/),
      });
      expect(containerOf(json, "worker_")).toEqual(
        expect.objectContaining({ readonlyRootFilesystem: true, cpu: 256 }),
      );
    });

    it("THEN it has no port mapping, target group, load balancer block, grace period or ingress", () => {
      expect(containerOf(json, "worker_").portMappings).toBeUndefined();
      const svc = only(json, "aws_ecs_service", "worker_");
      expect(svc.load_balancer).toBeUndefined();
      expect(svc.health_check_grace_period_seconds).toBeUndefined();
      expect(blocks(json, "aws_lb_target_group")).toEqual([]);
      expect(blocks(json, "aws_lb_listener_rule")).toEqual([]);
      expect(blocks(json, "aws_vpc_security_group_ingress_rule", "apps_")).toEqual([]);
      expect(svc.depends_on).toEqual([
        expect.stringMatching(/^aws_ecs_cluster_capacity_providers\./),
        expect.stringMatching(/^aws_iam_role_policy\.worker_execution-policy/),
      ]);
    });
  });

  it("GIVEN autoScaling THEN it tracks CPU only and Terraform ignores the desired count", () => {
    const { synth, json } = synthWorker({ autoScaling: { minCapacity: 1, maxCapacity: 4 } });
    expect(synth).toHaveResourceWithProperties(AppautoscalingTarget, { min_capacity: 1, max_capacity: 4 });
    expect(blocks(json, "aws_appautoscaling_policy")).toEqual([
      expect.objectContaining({ name: "worker-cpu-scaling" }),
    ]);
    expect(synth).toHaveResourceWithProperties(EcsService, {
      lifecycle: { ignore_changes: ["desired_count"] },
    });
  });

  it("GIVEN a grant THEN its task role holds it", () => {
    const synth = Testing.synthScope((scope) => {
      const { cluster } = makeWorld(scope);
      new WorkerService(scope, "worker", { cluster, imageTag: "v1" }).grantTaskRole(
        ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
        ["arn:aws:sqs:eu-west-2:123456789012:jobs"],
      );
    });
    const json = JSON.parse(synth) as SynthJson;
    expect(policyStatements(json, "aws_iam_role_policy", "worker_task-policy")).toEqual([
      expect.objectContaining({ Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"] }),
    ]);
  });

  it.each([
    [
      { autoScaling: { minCapacity: 1, maxCapacity: 2, targetRequestsPerTarget: 100 } },
      /WorkerService 'worker': autoScaling\.targetRequestsPerTarget \(100\) must be unset on a service without a load balancer/,
    ],
    [{ cpuUnits: 100 }, /WorkerService 'worker': cpuUnits \(100\) must be an integer from 128 to 10240/],
    [
      { autoScaling: { minCapacity: 3, maxCapacity: 1 } },
      /WorkerService 'worker': autoScaling\.minCapacity \(3\) must be ≤/,
    ],
  ] as [Partial<WorkerServiceProps>, RegExp][])("GIVEN %j THEN it throws %s", (options, error) => {
    expect(
      building(({ scope, cluster }) => {
        new WorkerService(scope, "worker", { cluster, imageTag: "v1", ...options });
      }),
    ).toThrow(error);
  });
});

// ---------------------------------------------------------------------------------------------

describe("A stack with the provider, a network, a cluster and two services on one ALB", () => {
  it("passes terraform validate with the real provider", () => {
    // GIVEN a deployable stack WHEN it is synthesized and validated
    const stack = new TerraformStack(Testing.app(), "services");
    addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
    const { cluster, lb } = makeWorld(stack, { certificateArn: CERT, enableAccessLogs: true });
    new LoadBalancedService(stack, "web", {
      cluster,
      loadBalancer: lb,
      rulePriority: 100,
      imageTag: "v1",
      containerHealthCheck: { command: ["CMD", "python", "/app/healthcheck.py"] },
      autoScaling: { minCapacity: 2, maxCapacity: 6, targetRequestsPerTarget: 1000 },
    });
    const api = new LoadBalancedService(stack, "api", {
      cluster,
      loadBalancer: lb,
      rulePriority: 10,
      pathPatterns: ["/api/*"],
      imageTag: "v1",
      secrets: { DB_URL: SSM_ARN },
      placementConstraints: [{ type: "distinctInstance" }],
    });
    api.grantTaskRole(["s3:GetObject"], ["arn:aws:s3:::uploads/*"]);
    new WorkerService(stack, "worker", {
      cluster,
      imageTag: "v1",
      autoScaling: { minCapacity: 1, maxCapacity: 3 },
    });
    // THEN Terraform accepts it
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });
});
