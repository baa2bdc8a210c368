import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { App } from "cdktf";
import { AwsTarget } from "../../stacks/aws-provider";
import { DEV, EnvironmentConfig, PROD, STATIC_IP_ADDRESS_MODES } from "../../stacks/config";
import { addEnvironment, appStackId, foundationStackId } from "../../stacks/environment";
import { AppStack } from "../../stacks/app-stack";
import { FoundationStack } from "../../stacks/foundation-stack";
import { typesWithoutLocalEndpoint } from "../support/endpoints";
import { TEST_IMAGE_TAG, testPreset } from "../support/test-environment";
import { StackValidation, validateStacks } from "../support/validate-batch";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

type Block = Record<string, unknown>;
interface StackJson {
  terraform: { backend: Record<string, Block> };
  provider: { aws: Block[] };
  output: Record<string, { value: unknown; description: string }>;
  resource: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
}

interface Synthesized {
  readonly outdir: string;
  readonly foundation: StackJson;
  readonly app: StackJson;
  readonly manifest: {
    stacks: Record<
      string,
      {
        dependencies: string[];
        workingDirectory: string;
        annotations: { constructPath: string; level: string; message: string }[];
      }
    >;
  };
}

const AWS: AwsTarget = { kind: "aws" };
const LOCAL: AwsTarget = { kind: "local", endpoint: "http://127.0.0.1:4566" };
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "env-state-"));

/** The config with its local state kept in this test's temporary directory. */
function inTmp(config: EnvironmentConfig): EnvironmentConfig {
  return { ...config, backend: { kind: "local", directory: stateDir } };
}

/** Synthesizes one environment the way main.ts does (App.synth: cross-stack references resolved). */
function synth(config: EnvironmentConfig, target: AwsTarget = AWS): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "env-synth-"));
  const app = new App({ outdir });
  addEnvironment(app, config, target);
  app.synth();
  const read = (id: string) =>
    JSON.parse(fs.readFileSync(path.join(outdir, "stacks", id, "cdk.tf.json"), "utf8")) as StackJson;
  return {
    outdir,
    foundation: read(foundationStackId(config.name)),
    app: read(appStackId(config.name)),
    manifest: JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")),
  };
}

function blocks(json: StackJson, type: string): Block[] {
  return Object.values(json.resource[type] ?? {});
}

/** What a synthesis wrote to the console (console.warn/error/log and process.stderr) while it ran. */
function console_(f: () => Synthesized): { result: Synthesized; printed: string[] } {
  const printed: string[] = [];
  const capture = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
  const spies = [
    jest.spyOn(console, "warn").mockImplementation(capture),
    jest.spyOn(console, "error").mockImplementation(capture),
    jest.spyOn(console, "log").mockImplementation(capture),
    jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    }),
  ];
  try {
    return { result: f(), printed };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** The warning annotations cdktf recorded in the manifest (the CLI prints them after a synth). */
function warnings(s: Synthesized): string[] {
  return Object.values(s.manifest.stacks).flatMap((stack) =>
    stack.annotations.filter((a) => a.level === "@cdktf/warn").map((a) => `${a.constructPath}: ${a.message}`),
  );
}

const devRun = console_(() => synth(inTmp(DEV)));
const prodRun = console_(() => synth(inTmp(PROD)));
const dev = devRun.result;
const prod = prodRun.result;

describe("the default synth: no avoidable warning", () => {
  it.each([
    ["dev", devRun],
    ["prod", prodRun],
  ])("GIVEN the %s preset THEN no warning annotation and nothing printed", (_name, run) => {
    expect(warnings(run.result)).toEqual([]);
    expect(run.printed).toEqual([]);
  });

  it.each([
    ["dev", dev],
    ["prod", prod],
  ])(
    "GIVEN the %s preset THEN an internal load balancer in the private subnets, which the edge reaches from the cluster",
    (_name, s) => {
      const lb = blocks(s.app, "aws_lb")[0]!;
      expect(lb.internal).toBe(true);
      expect(lb.subnets).toEqual(expect.arrayContaining([expect.stringMatching(/private-subnet/)]));
      const ingress = blocks(s.app, "aws_vpc_security_group_ingress_rule");
      // The edge proxy's rule: from the cluster's instances on the ALB's port 80.
      expect(ingress).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            from_port: 80,
            referenced_security_group_id: expect.stringMatching(/aws_security_group\.cluster/),
          }),
        ]),
      );
      // No internet on the load balancer: its listeners admit the VPC's block by default (prod's
      // blue/green test listener on 9000 too).
      const albRules = ingress.filter((r) => String(r.security_group_id).includes("aws_security_group.alb"));
      const vpc = s === dev ? DEV.network.cidrBlock : PROD.network.cidrBlock;
      expect(
        albRules.filter((r) => r.cidr_ipv4 !== undefined).map((r) => [r.cidr_ipv4, r.from_port]),
      ).toEqual(
        s === dev
          ? [[vpc, 80]]
          : [
              [vpc, 80],
              [vpc, 9000],
            ],
      );
    },
  );

  it("GIVEN loadBalancer.internal false behind the static IP THEN internet-facing, and the edge's warning (the check sees it)", () => {
    const run = console_(() =>
      synth(inTmp({ ...DEV, loadBalancer: { ...DEV.loadBalancer, internal: false } })),
    );
    expect(blocks(run.result.app, "aws_lb")[0]!.internal).toBe(false);
    expect(warnings(run.result)).toEqual([
      expect.stringContaining("The edge proxy forwards to internet-facing load balancer 'alb'"),
    ]);
  });
});

describe("the two stacks of an environment", () => {
  it("GIVEN dev THEN stacks dev-foundation and dev-app, the app depending on the foundation", () => {
    expect(Object.keys(dev.manifest.stacks).sort()).toEqual(["dev-app", "dev-foundation"]);
    expect(dev.manifest.stacks["dev-app"]!.dependencies).toEqual(["dev-foundation"]);
    expect(dev.manifest.stacks["dev-foundation"]!.dependencies).toEqual([]);
  });

  it("keeps the network and the zone in the foundation, and the cluster, ALB and services in the app", () => {
    const foundationTypes = Object.keys(dev.foundation.resource);
    const appTypes = Object.keys(dev.app.resource);
    expect(foundationTypes).toEqual(
      expect.arrayContaining([
        "aws_vpc",
        "aws_subnet",
        "aws_route53_zone",
        "aws_eip",
        "aws_network_interface",
      ]),
    );
    expect(foundationTypes.filter((t) => /^aws_(ecs|lb|ecr|autoscaling)/.test(t))).toEqual([]);
    expect(appTypes).toEqual(
      expect.arrayContaining(["aws_ecs_cluster", "aws_autoscaling_group", "aws_lb", "aws_ecs_service"]),
    );
    expect(appTypes).toEqual(expect.arrayContaining(["aws_lambda_function", "aws_cloudwatch_event_rule"]));
    expect(
      appTypes.filter((t) =>
        /^aws_(vpc|subnet|route53_zone|nat_gateway|eip|eip_association|network_interface)$/.test(t),
      ),
    ).toEqual([]);
  });

  it("reads the foundation's subnets and VPC through the foundation's local state (cross-stack references)", () => {
    const statePath = path.join(stateDir, "terraform.dev-foundation.tfstate");
    expect(dev.foundation.terraform.backend).toEqual({ local: { path: statePath } });
    expect(dev.app.terraform.backend).toEqual({
      local: { path: path.join(stateDir, "terraform.dev-app.tfstate") },
    });
    const remote = Object.values(dev.app.data?.terraform_remote_state ?? {});
    expect(remote).toEqual([
      { backend: "local", config: { path: statePath }, workspace: "${terraform.workspace}" },
    ]);
    const lb = blocks(dev.app, "aws_lb")[0]!;
    expect(lb.subnets).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /terraform_remote_state\.cross-stack-reference-input-dev-foundation\.outputs\./,
        ),
      ]),
    );
  });

  it.each([
    ["dev", dev],
    ["prod", prod],
  ])(
    "GIVEN %s THEN both providers tag every resource with project, environment and managed-by",
    (name, s) => {
      for (const json of [s.foundation, s.app]) {
        expect(json.provider.aws[0]).toMatchObject({
          region: "eu-west-2",
          default_tags: [{ tags: { project: "ecs-cdktf", environment: name, "managed-by": "cdktf" } }],
        });
      }
    },
  );

  it("GIVEN extra tags THEN they join the default tags", () => {
    const s = synth(inTmp({ ...DEV, tags: { team: "platform" } }));
    expect(s.app.provider.aws[0]!.default_tags).toEqual([
      { tags: { team: "platform", project: "ecs-cdktf", environment: "dev", "managed-by": "cdktf" } },
    ]);
  });

  it("outputs the zone id and name (foundation), the ALB DNS name, cluster name and ECR URLs (app)", () => {
    expect(
      Object.keys(dev.foundation.output)
        .filter((o) => !o.startsWith("cross-stack"))
        .sort(),
    ).toEqual([
      "availability_zones",
      "nat_public_ips",
      "private_subnet_ids",
      "public_subnet_ids",
      "static_ip_eni_ids",
      "static_ips",
      "vpc_id",
      "zone_id",
      "zone_name",
    ]);
    expect(dev.foundation.output.zone_id!.value).toMatch(
      /^\$\{aws_route53_zone\.network_zone_[0-9A-F]{8}\.zone_id\}$/,
    );
    expect(Object.keys(dev.app.output).sort()).toEqual([
      "alb_dns_name",
      "alb_zone_id",
      "asg_name",
      "cluster_name",
      "ecr_repository_urls",
      "service_names",
      "static_ip_dlq_name",
      "static_ip_edge_asg_names",
      "static_ip_lambda_name",
      "stopped",
    ]);
    expect(dev.app.output.alb_dns_name!.value).toMatch(/^\$\{aws_lb\.alb_[0-9A-F]{8}\.dns_name\}$/);
    expect(dev.app.output.ecr_repository_urls!.value).toEqual({
      web: expect.stringMatching(/^\$\{aws_ecr_repository\.web_repository_[0-9A-F]{8}\.repository_url\}$/),
    });
    expect(dev.app.output.service_names!.value).toEqual([
      expect.stringMatching(/^\$\{aws_ecs_service\.web_service_[0-9A-F]{8}\.name\}$/),
      expect.stringMatching(/^\$\{aws_ecs_service\.api_service_[0-9A-F]{8}\.name\}$/),
    ]);
    for (const o of [...Object.values(dev.foundation.output), ...Object.values(dev.app.output)]) {
      if (o.description) expect(o.description.length).toBeGreaterThan(5);
    }
  });

  it("puts every service on the one load balancer: a listener rule each, by priority and path", () => {
    expect(blocks(dev.app, "aws_lb")).toHaveLength(1);
    expect(blocks(dev.app, "aws_lb")[0]).toMatchObject({ name: "dev-alb" });
    const rules = blocks(dev.app, "aws_lb_listener_rule").map((r) => [r.priority, r.condition]);
    expect(rules.sort()).toEqual([
      [100, [{ path_pattern: { values: ["/api/*"] } }]],
      [1000, [{ path_pattern: { values: ["/*"] } }]],
    ]);
    expect(blocks(dev.app, "aws_ecs_service").map((s) => s.name)).toEqual([
      "api",
      "dev-static-ip-proxy-eu-west-2a",
      "web",
    ]);
    expect(blocks(dev.app, "aws_ecr_repository").map((r) => r.name)).toEqual([
      expect.stringMatching(/^\$\{aws_ecs_cluster\.cluster_[0-9A-F]{8}\.name\}\/web$/),
    ]);
    const images = blocks(dev.app, "aws_ecs_task_definition").map(
      (td) => (JSON.parse(String(td.container_definitions)) as { image: string }[])[0]!.image,
    );
    expect(images).toEqual([
      expect.stringMatching(/repository_url\}:0\.1\.0$/),
      "public.ecr.aws/docker/library/haproxy:2.6.18", // the edge proxy
      expect.stringMatching(/repository_url\}:0\.1\.0$/),
    ]);
  });

  it("GIVEN dev THEN one NAT gateway, one t3.small instance, no deletion protection, ECR force delete", () => {
    expect(blocks(dev.foundation, "aws_nat_gateway")).toHaveLength(1);
    expect(blocks(dev.app, "aws_autoscaling_group")[0]).toMatchObject({
      min_size: 1,
      max_size: 1,
      desired_capacity: 1,
    });
    expect(blocks(dev.app, "aws_launch_template")[0]).toMatchObject({ instance_type: "t3.small" });
    expect(blocks(dev.app, "aws_lb")[0]).toMatchObject({ enable_deletion_protection: false });
    expect(blocks(dev.app, "aws_ecr_repository")[0]).toMatchObject({ force_delete: true });
    expect(blocks(dev.app, "aws_ecs_service").map((s) => s.desired_count)).toEqual([1, 1, 1]);
    expect(blocks(dev.app, "aws_appautoscaling_target")).toEqual([]);
    expect(blocks(dev.app, "aws_s3_bucket")).toEqual([]);
  });

  it("GIVEN prod THEN a NAT gateway per AZ, two to six instances, protection on, auto-scaled services", () => {
    expect(blocks(prod.foundation, "aws_nat_gateway")).toHaveLength(2);
    expect(blocks(prod.app, "aws_autoscaling_group")[0]).toMatchObject({
      min_size: 2,
      max_size: 6,
      desired_capacity: 2,
    });
    expect(blocks(prod.app, "aws_launch_template")[0]).toMatchObject({ instance_type: "t3.medium" });
    expect(blocks(prod.app, "aws_lb")[0]).toMatchObject({
      name: "prod-alb",
      enable_deletion_protection: true,
    });
    expect(blocks(prod.app, "aws_ecr_repository")[0]).toMatchObject({ force_delete: false });
    expect(
      blocks(prod.app, "aws_appautoscaling_target")
        .map((t) => [t.min_capacity, t.max_capacity])
        .sort(),
    ).toEqual([
      [2, 10],
      [2, 6],
    ]);
    // CPU tracking for each: web's blue/green deployment rules out a request-count policy.
    expect(
      blocks(prod.app, "aws_appautoscaling_policy")
        .map((p) => p.name)
        .sort(),
    ).toEqual(["api-cpu-scaling", "web-cpu-scaling"]);
    expect(
      Object.fromEntries(
        blocks(prod.app, "aws_ecs_service").map((x) => [x.name, x.deployment_configuration]),
      ),
    ).toEqual({ web: { strategy: "BLUE_GREEN", bake_time_in_minutes: "10" }, api: undefined });
    // web's deployments roll back on its own target 5xx alarm (over both target groups).
    const web5xx = blocks(prod.app, "aws_cloudwatch_metric_alarm").filter((a) =>
      String(a.alarm_name).endsWith("-web-target-5xx"),
    );
    expect(web5xx).toHaveLength(1);
    expect((web5xx[0]!.metric_query as unknown[]).length).toBe(3);
    expect(blocks(prod.app, "aws_ecs_service").find((x) => x.name === "web")!.alarms).toMatchObject({
      alarm_names: [
        expect.stringMatching(
          /^\$\{aws_cloudwatch_metric_alarm\.web_target-errors-alarm_[0-9A-F]+\.alarm_name\}$/,
        ),
      ],
      enable: true,
      rollback: true,
    });
    // web's test traffic: a listener on 9000 and web's test rule on it.
    expect(blocks(prod.app, "aws_lb_listener").map((l) => l.port)).toEqual([80, 9000]);
    const testRule = blocks(prod.app, "aws_lb_listener_rule").find((r) =>
      String(r.listener_arn).includes("test-listener-9000"),
    );
    expect(testRule).toMatchObject({ priority: 1000, lifecycle: { ignore_changes: ["action"] } });
    expect(blocks(prod.app, "aws_s3_bucket")).toHaveLength(1);
    expect(blocks(prod.app, "aws_lb")[0]).toMatchObject({
      access_logs: expect.objectContaining({ enabled: true }),
    });
  });

  it("GIVEN another region THEN the provider, the AZs and the load balancer follow it", () => {
    const s = synth(inTmp({ ...DEV, region: "us-east-1" }));
    expect(s.foundation.provider.aws[0]).toMatchObject({ region: "us-east-1" });
    expect(s.app.provider.aws[0]).toMatchObject({ region: "us-east-1" });
    expect(
      blocks(s.foundation, "aws_subnet")
        .map((x) => x.availability_zone)
        .sort(),
    ).toEqual(["us-east-1a", "us-east-1a", "us-east-1b", "us-east-1b"]);
  });

  it("GIVEN a region newer than the table with allowUnlistedRegion THEN the Network accepts it too (passed through)", () => {
    const s = synth(inTmp({ ...DEV, region: "eu-west-9", allowUnlistedRegion: true }));
    expect(s.foundation.provider.aws[0]).toMatchObject({ region: "eu-west-9" });
    expect(
      blocks(s.foundation, "aws_subnet")
        .map((x) => x.availability_zone)
        .sort(),
    ).toEqual(["eu-west-9a", "eu-west-9a", "eu-west-9b", "eu-west-9b"]);
  });

  it("GIVEN no NAT with capacity.allowPrivateSubnetsWithoutNat THEN the cluster accepts it too (passed through)", () => {
    const s = synth(
      inTmp({
        ...DEV,
        network: { ...DEV.network, natGateways: "none" },
        capacity: { ...DEV.capacity, allowPrivateSubnetsWithoutNat: true },
      }),
    );
    expect(s.foundation.resource.aws_nat_gateway).toBeUndefined();
    expect(blocks(s.app, "aws_autoscaling_group").length).toBeGreaterThan(0);
  });

  it("GIVEN an S3 backend THEN encrypted, lock-file state per stack, and the app reads the foundation's from S3", () => {
    const kms = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const s = synth({
      ...PROD,
      backend: { kind: "s3", bucket: "acme-tfstate", region: "eu-west-1", kmsKeyArn: kms },
    });
    expect(s.foundation.terraform.backend).toEqual({
      s3: {
        bucket: "acme-tfstate",
        key: "ecs-cdktf/prod/prod-foundation.tfstate",
        region: "eu-west-1",
        encrypt: true,
        kms_key_id: kms,
        use_lockfile: true,
      },
    });
    expect(s.app.terraform.backend.s3).toMatchObject({
      key: "ecs-cdktf/prod/prod-app.tfstate",
      use_lockfile: true,
    });
    expect(Object.values(s.app.data?.terraform_remote_state ?? {})).toEqual([
      expect.objectContaining({
        backend: "s3",
        config: expect.objectContaining({
          bucket: "acme-tfstate",
          key: "ecs-cdktf/prod/prod-foundation.tfstate",
          region: "eu-west-1",
        }),
      }),
    ]);
  });

  it("GIVEN an S3 backend and the local target THEN the backend talks to the local S3 with dummy credentials", () => {
    const s = synth(
      { ...DEV, backend: { kind: "s3", bucket: "state", region: "eu-west-2", keyPrefix: "p" } },
      LOCAL,
    );
    expect(s.foundation.terraform.backend.s3).toMatchObject({
      key: "p/dev/dev-foundation.tfstate",
      endpoints: { s3: "http://127.0.0.1:4566" },
      use_path_style: true,
      access_key: "test",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
    });
  });

  it("GIVEN the local target THEN every resource and data source type has a local endpoint", () => {
    const s = synth(inTmp(PROD), LOCAL);
    for (const json of [s.foundation, s.app]) {
      // terraform_remote_state reads the state backend, not an AWS API.
      const data = { ...json.data };
      delete data.terraform_remote_state;
      expect(typesWithoutLocalEndpoint({ resource: json.resource, data })).toEqual([]);
    }
  });

  it("GIVEN an app stack with another environment's foundation THEN a clear error", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "env-synth-")) });
    const foundation = new FoundationStack(app, "prod-foundation", { config: PROD, target: AWS });
    expect(() => new AppStack(app, "dev-app", { config: DEV, target: AWS, foundation })).toThrow(
      "AppStack 'dev-app': foundation (prod-foundation, environment prod) must belong to environment dev; pass that environment's foundation stack",
    );
  });

  it("exposes the static-IP AZs for the static-IP addresses: one in dev, one per AZ in prod", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "env-synth-")) });
    expect(addEnvironment(app, inTmp(DEV), AWS).foundation.staticIpAvailabilityZones).toEqual(["eu-west-2a"]);
    expect(addEnvironment(app, inTmp(PROD), AWS).foundation.staticIpAvailabilityZones).toEqual([
      "eu-west-2a",
      "eu-west-2b",
    ]);
    expect(STATIC_IP_ADDRESS_MODES).toEqual(["one", "per-az", "none"]);
  });
});

describe("the static IP: addresses in the foundation, the edge in the app", () => {
  const named = (json: StackJson, type: string, part: string): Block[] =>
    Object.entries(json.resource[type] ?? {})
      .filter(([name]) => name.includes(part))
      .map(([, b]) => b);

  it("GIVEN dev THEN one ENI holding an Elastic IP in the first AZ's public subnet, protected from destroy", () => {
    const eips = blocks(dev.foundation, "aws_eip").filter((e) =>
      String(e.tags && (e.tags as Block).Name).includes("static-ip"),
    );
    expect(eips).toEqual([
      expect.objectContaining({
        domain: "vpc",
        lifecycle: { prevent_destroy: true },
        tags: { Name: "dev-static-ip-eu-west-2a" },
      }),
    ]);
    expect(blocks(dev.foundation, "aws_network_interface")).toEqual([
      expect.objectContaining({
        subnet_id: expect.stringMatching(/^\$\{aws_subnet\.network_public-subnet-0_[0-9A-F]{8}\.id\}$/),
      }),
    ]);
    expect(blocks(dev.foundation, "aws_eip_association")).toHaveLength(1);
    expect(dev.foundation.output.static_ips!.value).toEqual({
      "eu-west-2a": expect.stringMatching(/^\$\{aws_eip\.static-ip_eip-eu-west-2a_[0-9A-F]{8}\.public_ip\}$/),
    });
    expect(dev.foundation.output.static_ip_eni_ids!.value).toEqual({
      "eu-west-2a": expect.stringMatching(
        /^\$\{aws_network_interface\.static-ip_eni-eu-west-2a_[0-9A-F]{8}\.id\}$/,
      ),
    });
  });

  it("GIVEN prod THEN a static IP per AZ", () => {
    expect(Object.keys(prod.foundation.output.static_ips!.value as Block)).toEqual([
      "eu-west-2a",
      "eu-west-2b",
    ]);
    expect(blocks(prod.foundation, "aws_network_interface")).toHaveLength(2);
    expect(named(prod.app, "aws_autoscaling_group", "edge")).toHaveLength(2);
  });

  it("GIVEN dev THEN the app's edge group, Lambda and proxy read the foundation's ENIs through its state", () => {
    expect(named(dev.app, "aws_autoscaling_group", "edge")).toEqual([
      expect.objectContaining({
        name: "dev-edge-eu-west-2a",
        min_size: 1,
        max_size: 1,
        desired_capacity: 1,
        initial_lifecycle_hook: [
          expect.objectContaining({
            name: "attach-static-ip",
            lifecycle_transition: "autoscaling:EC2_INSTANCE_LAUNCHING",
            default_result: "ABANDON",
          }),
        ],
      }),
    ]);
    const fn = blocks(dev.app, "aws_lambda_function")[0]!;
    expect(fn.function_name).toBe("dev-static-ip");
    const variables = (fn.environment as { variables: Record<string, string> }).variables;
    expect(variables.ENI_BY_AZ).toMatch(
      /jsonencode\(\{"eu-west-2a" = data\.terraform_remote_state\.cross-stack-reference-input-dev-foundation\.outputs\.cross-stack-output-aws_network_interfacestatic-ip_eni-eu-west-2a_[0-9A-F]{8}id\}\)/,
    );
    expect(variables.EDGE_GROUP_NAMES).toBe('["dev-edge-eu-west-2a"]');
    expect(named(dev.app, "aws_ecs_service", "proxy")).toEqual([
      expect.objectContaining({ name: "dev-static-ip-proxy-eu-west-2a", desired_count: 1 }),
    ]);
    expect(dev.app.output.static_ip_lambda_name!.value).toMatch(
      /aws_lambda_function\.static-ip_attacher_[0-9A-F]{8}\.function_name/,
    );
    expect(dev.app.output.static_ip_dlq_name!.value).toMatch(
      /aws_sqs_queue\.static-ip_dlq_[0-9A-F]{8}\.name/,
    );
    expect(dev.app.output.static_ip_edge_asg_names!.value).toEqual({ "eu-west-2a": "dev-edge-eu-west-2a" });
  });

  it("GIVEN dev THEN no CloudWatch alarms (the local AWS cannot create them); prod has both", () => {
    expect(blocks(dev.app, "aws_cloudwatch_metric_alarm")).toEqual([]);
    // The static IP's two, and web's target 5xx alarm (its deployments roll back on it).
    expect(blocks(prod.app, "aws_cloudwatch_metric_alarm").map((a) => a.alarm_name)).toEqual([
      "prod-static-ip-dlq-messages",
      "prod-static-ip-errors",
      expect.stringMatching(/^\$\{aws_ecs_cluster\.cluster_[0-9A-F]+\.name\}-web-target-5xx$/),
    ]);
  });

  it("GIVEN staticIp.allowEipDestroy THEN the Elastic IPs lose prevent_destroy, and nothing else changes", () => {
    const s = synth(inTmp({ ...DEV, staticIp: { ...DEV.staticIp, allowEipDestroy: true } }));
    const eip = named(s.foundation, "aws_eip", "static-ip")[0]!;
    expect(eip.lifecycle).toEqual({ prevent_destroy: false });
    expect(s.app.resource).toEqual(dev.app.resource);
  });

  const none = synth(inTmp({ ...DEV, staticIp: { ...DEV.staticIp, addresses: "none" } }));

  it("GIVEN addresses none THEN no ENI, no Elastic IP but the NAT's, no edge; empty static-IP outputs", () => {
    expect(named(none.foundation, "aws_eip", "static-ip")).toEqual([]);
    expect(none.foundation.resource.aws_network_interface).toBeUndefined();
    expect(none.foundation.output.static_ips!.value).toEqual({});
    expect(none.foundation.output.static_ip_eni_ids!.value).toEqual({});
    expect(none.app.resource.aws_lambda_function).toBeUndefined();
    expect(named(none.app, "aws_autoscaling_group", "edge")).toEqual([]);
    expect(Object.keys(none.app.output).filter((o) => o.startsWith("static_ip"))).toEqual([]);
  });

  it("GIVEN addresses none THEN both stacks pass terraform validate", () => {
    expect(validated("addresses none")).toEqual(bothValid(DEV));
  });
});

describe("the stop switch", () => {
  const stopped = synth(inTmp({ ...PROD, stopped: true }));

  it("scales the capacity to zero: min, max and desired", () => {
    expect(blocks(stopped.app, "aws_autoscaling_group")[0]).toMatchObject({
      min_size: 0,
      max_size: 0,
      desired_capacity: 0,
    });
  });

  it("scales the edge to zero: every edge group (min, max, desired) and edge proxy service; the addresses stay", () => {
    const edge = Object.entries(stopped.app.resource.aws_autoscaling_group!).filter(([n]) =>
      n.includes("edge"),
    );
    expect(edge.map(([, g]) => [g.min_size, g.max_size, g.desired_capacity])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const proxies = Object.entries(stopped.app.resource.aws_ecs_service!).filter(([n]) =>
      n.includes("proxy"),
    );
    expect(proxies.map(([, p]) => p.desired_count)).toEqual([0, 0]);
    expect(stopped.foundation.output.static_ips).toEqual(prod.foundation.output.static_ips);
  });

  it("scales every service to zero: desired count and its scalable target's min and max", () => {
    expect(blocks(stopped.app, "aws_ecs_service").map((s) => s.desired_count)).toEqual([0, 0, 0, 0]);
    expect(
      blocks(stopped.app, "aws_appautoscaling_target").map((t) => [t.min_capacity, t.max_capacity]),
    ).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it("GIVEN services without auto scaling THEN their desired count is zero", () => {
    const s = synth(inTmp({ ...DEV, stopped: true }));
    expect(blocks(s.app, "aws_ecs_service").map((x) => x.desired_count)).toEqual([0, 0, 0]);
    expect(blocks(s.app, "aws_autoscaling_group")[0]).toMatchObject({ min_size: 0, max_size: 0 });
  });

  it("changes nothing else: the same resources in both stacks, an identical foundation", () => {
    const addresses = (json: StackJson) =>
      Object.entries(json.resource).flatMap(([type, byName]) =>
        Object.keys(byName).map((n) => `${type}.${n}`),
      );
    expect(addresses(stopped.app)).toEqual(addresses(prod.app));
    expect(stopped.foundation.resource).toEqual(prod.foundation.resource);
    expect(stopped.app.output.stopped!.value).toBe(true);
  });
});

describe("the test preset (test/support/test-environment.ts), which the deep emulator tests apply", () => {
  const s = synth(inTmp(testPreset()));
  const byName = (type: string, name: string): Block | undefined =>
    blocks(s.app, type).find((b) => b.name === name);
  // A task definition's family is `<cluster name>-<service>`, the cluster's name a reference.
  const family = (service: string): Block | undefined =>
    blocks(s.app, "aws_ecs_task_definition").find((b) => String(b.family).endsWith(`.name}-${service}`));

  it("puts web (every path) and api (/api/*) on one internet-facing load balancer, every rule on its HTTPS listener", () => {
    expect(blocks(s.app, "aws_lb")).toEqual([expect.objectContaining({ name: "test-alb", internal: false })]);
    const rules = blocks(s.app, "aws_lb_listener_rule");
    expect(rules.map((r) => [r.priority, r.condition]).sort()).toEqual([
      [100, [{ path_pattern: { values: ["/api/*"] } }]],
      [1000, [{ path_pattern: { values: ["/*"] } }]],
    ]);
    expect(rules.every((r) => /aws_lb_listener\.alb_https_/.test(String(r.listener_arn)))).toBe(true);
    expect(
      blocks(s.app, "aws_lb_listener")
        .map((l) => l.port)
        .sort(),
    ).toEqual([443, 80]);
  });

  it("runs the Flask image from web's repository in both services, /health checked, port 8080, web with its Docker health check and environment", () => {
    const definitions = blocks(s.app, "aws_ecs_task_definition").map(
      (td) => (JSON.parse(String(td.container_definitions)) as Record<string, unknown>[])[0]!,
    );
    expect(new Set(definitions.map((d) => d.image))).toEqual(
      new Set([
        expect.stringMatching(new RegExp(`aws_ecr_repository\\.web_repository_.+:${TEST_IMAGE_TAG}$`)),
      ]),
    );
    expect(definitions).toHaveLength(2);
    for (const tg of blocks(s.app, "aws_lb_target_group")) {
      expect(tg).toMatchObject({ port: 8080, health_check: expect.objectContaining({ path: "/health" }) });
    }
    const web = JSON.parse(String(family("web")?.container_definitions))[0];
    expect(web).toMatchObject({
      healthCheck: { command: ["CMD", "python", "/app/healthcheck.py"], startPeriod: 10 },
      environment: [
        { name: "GUNICORN_THREADS", value: "4" },
        { name: "WEB_CONCURRENCY", value: "2" },
      ],
    });
    const api = JSON.parse(String(family("api")?.container_definitions))[0];
    expect(api.healthCheck).toBeUndefined();
  });

  it("auto scales web on CPU and requests; api keeps two tasks", () => {
    expect(byName("aws_ecs_service", "web")).toMatchObject({
      desired_count: 2,
      lifecycle: { ignore_changes: ["desired_count"] },
    });
    expect(byName("aws_ecs_service", "api")).toMatchObject({ desired_count: 2 });
    expect(byName("aws_appautoscaling_policy", "web-request-count-scaling")).toMatchObject({
      target_tracking_scaling_policy_configuration: expect.objectContaining({ target_value: 1000 }),
    });
    expect(blocks(s.app, "aws_appautoscaling_target")).toEqual([
      expect.objectContaining({ min_capacity: 2, max_capacity: 6 }),
    ]);
  });

  it("protects the load balancer from deletion, logs its access and has no static IP", () => {
    expect(blocks(s.app, "aws_lb")[0]).toMatchObject({
      enable_deletion_protection: true,
      access_logs: expect.objectContaining({ enabled: true }),
    });
    expect(blocks(s.app, "aws_s3_bucket")).toHaveLength(1);
    expect(
      Object.keys(s.app.resource).filter((t) => /lambda|cloudwatch_event|network_interface/.test(t)),
    ).toEqual([]);
    expect(blocks(s.foundation, "aws_nat_gateway")).toHaveLength(2);
  });
});

describe("terraform validate", () => {
  it.each([
    ["dev", DEV],
    ["prod", PROD],
  ])("GIVEN the %s preset THEN both stacks pass terraform validate", (name, config) => {
    expect(validated(name)).toEqual(bothValid(config));
  });

  it("GIVEN the stopped prod preset THEN both stacks pass terraform validate", () => {
    expect(validated("stopped prod")).toEqual(bothValid(PROD));
  });

  it("GIVEN the test preset (HTTPS, access logs, auto scaling, a container health check) THEN both stacks pass terraform validate", () => {
    expect(validated("test preset")).toEqual(bothValid(testPreset()));
  });
});

/**
 * The environments above, validated by the real Terraform in one run (test/support/validate-batch.ts:
 * one provider schema load for the eight stacks, not eight), on first use.
 */
let validation: Record<string, Record<string, StackValidation>> | undefined;
function validated(label: string): Record<string, StackValidation> {
  validation ??= validateStacks({
    dev: synth(inTmp(DEV), LOCAL).outdir,
    prod: synth(inTmp(PROD), LOCAL).outdir,
    "stopped prod": synth(inTmp({ ...PROD, stopped: true }), LOCAL).outdir,
    "addresses none": synth(inTmp({ ...DEV, staticIp: { ...DEV.staticIp, addresses: "none" } })).outdir,
    "test preset": synth(inTmp(testPreset()), LOCAL).outdir,
  });
  return validation[label]!;
}

/** Both stacks of `config`'s environment, with no error and no warning. */
function bothValid(config: EnvironmentConfig): Record<string, StackValidation> {
  const clean: StackValidation = { errors: [], warnings: [] };
  return { [foundationStackId(config.name)]: clean, [appStackId(config.name)]: clean };
}

describe("main.ts (the app cdktf runs)", () => {
  // Each test synthesizes an environment in a child process (tsx, the whole app). Alone that takes
  // seconds; under the whole suite on a 2-core machine one took over the default 60 s (CI of
  // 2026-12-07). The limit is a hang guard, not an assertion on time.
  jest.setTimeout(5 * 60_000);
  const run = promisify(execFile);
  const root = path.join(__dirname, "..", "..");

  async function synthMain(
    env: NodeJS.ProcessEnv,
  ): Promise<{ stacks: string[]; stderr: string; code: number }> {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "main-synth-"));
    try {
      const { stderr } = await run(process.execPath, ["--import", "tsx", "main.ts"], {
        cwd: root,
        env: {
          ...process.env,
          ECS_CDKTF_ENV: "",
          CDKTF_CONTEXT_JSON: "",
          ECS_CDKTF_STATE_DIR: stateDir,
          CDKTF_OUTDIR: outdir,
          ECS_CDKTF_TARGET: "local",
          LOCAL_AWS_ENDPOINT: "http://127.0.0.1:4566",
          ...env,
        },
      });
      return { stacks: fs.readdirSync(path.join(outdir, "stacks")).sort(), stderr, code: 0 };
    } catch (e) {
      const err = e as { stderr: string; code: number };
      return { stacks: [], stderr: err.stderr, code: err.code };
    }
  }

  it("GIVEN nothing THEN the dev stacks", async () => {
    expect((await synthMain({})).stacks).toEqual(["dev-app", "dev-foundation"]);
  });

  it("GIVEN ECS_CDKTF_ENV=prod THEN the prod stacks", async () => {
    expect((await synthMain({ ECS_CDKTF_ENV: "prod" })).stacks).toEqual(["prod-app", "prod-foundation"]);
  });

  it("GIVEN the app context env=prod (CDKTF_CONTEXT_JSON, as cdktf.json's context is passed) THEN the prod stacks", async () => {
    expect((await synthMain({ CDKTF_CONTEXT_JSON: '{"env":"prod"}' })).stacks).toEqual([
      "prod-app",
      "prod-foundation",
    ]);
  });

  it("GIVEN an unknown environment THEN it fails listing the valid choices", async () => {
    const result = await synthMain({ ECS_CDKTF_ENV: "staging" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'Unknown environment "staging" (from ECS_CDKTF_ENV): the valid choices are dev, prod',
    );
  });
});
