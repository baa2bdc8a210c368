/**
 * examples/hcl-consumer: a plain HCL root module that calls the generated network, ecs-cluster,
 * alb, ecs-service and static-ip modules, wired together (network -> cluster -> load balancer ->
 * service, and the static IPs in front of the load balancer, their edge groups registered with the
 * cluster). It is copied to a temp dir (module sources made absolute), initialized
 * from the provider mirror, validated, and planned against a fresh local AWS (moto server); the
 * plan JSON shows the resources and the values that flowed through the variables.
 *
 * A plan is all this test runs: applying the same resources to moto is what
 * test/stacks/environment.local.test.ts does for the constructs these modules are generated from
 * (the environment stacks of the test preset).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { EcsCluster } from "../../modules/ecs-cluster";
import {
  DYNAMIC_HOST_PORT_RANGE,
  LoadBalancedService,
  LoadBalancer,
} from "../../modules/load-balanced-service";
import { Network } from "../../modules/network";
import { ExternalCapacity } from "../../modules/external-capacity";
import { StaticIp } from "../../modules/static-ip";
import { STATIC_IP_MODULE_PROXY_PORTS } from "../../scripts/terraform-modules/specs/static-ip";
import { offlineProviderOverride } from "../../scripts/terraform-modules/validate";
import { addAwsProvider, LOCAL_AWS_SERVICES } from "../../stacks/aws-provider";
import { LocalAws, LOCAL_REGION, startLocalAws } from "../support/moto";
import { useSharedProvider } from "../support/shared-provider";
import { TerraformRun } from "../support/terraform";

jest.setTimeout(5 * 60_000);

const REPO = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(REPO, "examples", "hcl-consumer");
/** The load balancer's certificate: plan does not look it up (moto has no certificate to read). */
const CERTIFICATE_ARN = "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

interface ResourceChange {
  readonly address: string;
  readonly module_address?: string;
  readonly type: string;
  readonly change: {
    readonly actions: string[];
    readonly after: Record<string, unknown>;
    readonly after_unknown: Record<string, unknown>;
  };
}
interface ConfigResource {
  readonly address: string;
  readonly depends_on?: string[];
}
interface Plan {
  readonly resource_changes: ResourceChange[];
  readonly configuration: {
    readonly root_module: {
      readonly module_calls: Record<string, { readonly module: { readonly resources: ConfigResource[] } }>;
    };
  };
  readonly output_changes: Record<string, { readonly after?: unknown; readonly after_unknown: unknown }>;
}

/** The example's main.tf with its `../../dist/terraform/` sources made absolute. */
function exampleMainTf(): string {
  const text = fs.readFileSync(path.join(EXAMPLE, "main.tf"), "utf8");
  return text.replace(/"\.\.\/\.\.\/dist\/terraform\//g, `"${path.join(REPO, "dist", "terraform")}/`);
}

/** Resource type → count, of the changes under `module`. */
function typeCounts(plan: Plan, module: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rc of plan.resource_changes.filter((r) => r.module_address === module)) {
    counts[rc.type] = (counts[rc.type] ?? 0) + 1;
  }
  return counts;
}

/** Resource type → count, of what a cdktf construct synthesizes. */
function synthesizedCounts(build: (stack: TerraformStack) => void): Record<string, number> {
  const stack = new TerraformStack(Testing.app(), "stack");
  build(stack);
  const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, unknown>> };
  return Object.fromEntries(
    Object.entries(json.resource).map(([type, blocks]) => [type, Object.keys(blocks).length]),
  );
}

/** `more` minus `less`, per type, the types left over only. */
function minus(more: Record<string, number>, less: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(more)
      .map(([type, n]) => [type, n - (less[type] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}

/** A network, a cluster and an internal HTTPS load balancer, as the example's first three modules have them. */
function foundation(s: TerraformStack): { network: Network; cluster: EcsCluster; alb: LoadBalancer } {
  const network = new Network(s, "network", { region: "eu-west-2", name: "dev" });
  const cluster = new EcsCluster(s, "cluster", { network, clusterName: "dev-apps" });
  const alb = new LoadBalancer(s, "alb", {
    network,
    name: "dev-web",
    internal: true,
    certificateArn: CERTIFICATE_ARN,
  });
  return { network, cluster, alb };
}

function changesOf(plan: Plan, module: string, type: string): ResourceChange[] {
  return plan.resource_changes.filter((r) => r.module_address === module && r.type === type);
}

describe("examples/hcl-consumer", () => {
  let aws: LocalAws;
  let run: TerraformRun;
  let plan: Plan;
  let stopProvider: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    aws = await startLocalAws();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-hcl-consumer-"));
    // One provider process for the file's commands (test/support/shared-provider.ts), started in
    // the root module's directory, from which the static-ip module's Lambda archive is read.
    stopProvider = await useSharedProvider(dir);
    fs.writeFileSync(path.join(dir, "main.tf"), exampleMainTf());
    // Offline, the mirror holds one pre-release build of hashicorp/aws, which only an exact
    // constraint selects; the example's own range stays, this override pins the build.
    const override = offlineProviderOverride();
    if (override) fs.writeFileSync(path.join(dir, "offline_provider_override.tf.json"), override);
    run = new TerraformRun(dir);
    run.init();
    plan = run.plan([
      `-var=aws_endpoint=${aws.endpoint}`,
      `-var=certificate_arn=${CERTIFICATE_ARN}`,
    ]) as unknown as Plan;
  });
  afterAll(async () => {
    await stopProvider?.();
    await aws?.stop();
    if (run) fs.rmSync(run.dir, { recursive: true, force: true });
  });

  it("points every service the project's stacks use at the endpoint, as addAwsProvider's local target does", () => {
    // GIVEN the example's provider block and the one stacks/aws-provider.ts writes for local AWS
    const text = fs.readFileSync(path.join(EXAMPLE, "main.tf"), "utf8");
    const endpoints = /endpoints \{([^}]*)\}/.exec(text)![1];
    const services = [...endpoints.matchAll(/^\s*(\w+)\s*=\s*var\.aws_endpoint$/gm)].map((m) => m[1]);
    // THEN the same services, and the same settings
    expect(services).toEqual([...LOCAL_AWS_SERVICES]);
    const stack = new TerraformStack(Testing.app(), "p");
    addAwsProvider(stack, { region: LOCAL_REGION, target: { kind: "local", endpoint: "E" } });
    const local = (JSON.parse(Testing.synth(stack)) as { provider: { aws: Record<string, unknown>[] } })
      .provider.aws[0];
    for (const setting of [
      "access_key",
      "secret_key",
      "skip_credentials_validation",
      "skip_metadata_api_check",
      "skip_region_validation",
      "s3_use_path_style",
      "http_proxy",
      "https_proxy",
    ]) {
      expect({
        setting,
        configured: new RegExp(`^\\s*${setting}\\s*=\\s*local\\.local_aws \\?`, "m").test(text),
      }).toEqual({
        setting,
        configured: setting in local,
      });
    }
  });

  it("validates with no diagnostics", () => {
    expect(run.validate()).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  it("plans only creations, and the same resources per module as the constructs synthesize", () => {
    expect(new Set(plan.resource_changes.map((rc) => rc.change.actions.join(",")))).toEqual(
      new Set(["create"]),
    );
    const network = synthesizedCounts((s) => new Network(s, "network", { region: "eu-west-2", name: "dev" }));
    const networkAndCluster = synthesizedCounts((s) => {
      new EcsCluster(s, "cluster", {
        network: new Network(s, "network", { region: "eu-west-2" }),
        clusterName: "dev-apps",
      });
    });
    const cluster = Object.fromEntries(
      Object.entries(networkAndCluster)
        .map(([type, n]) => [type, n - (network[type] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    expect(typeCounts(plan, "module.network")).toEqual(network);
    expect(typeCounts(plan, "module.cluster")).toEqual(cluster);
    expect(Object.keys(cluster)).toEqual(
      expect.arrayContaining(["aws_ecs_cluster", "aws_autoscaling_group", "aws_ecs_capacity_provider"]),
    );
    // The alb module: the LoadBalancer and what allowTrafficTo adds for the cluster (in cdktf the
    // first service calls it; across modules the alb module does, for the cluster it is given).
    const networkAndClusterOnly = synthesizedCounts((s) => {
      new EcsCluster(s, "cluster", {
        network: new Network(s, "network", { region: "eu-west-2" }),
        clusterName: "dev-apps",
      });
    });
    const alb = minus(
      synthesizedCounts((s) => {
        const f = foundation(s);
        f.alb.allowTrafficTo(f.cluster);
      }),
      networkAndClusterOnly,
    );
    expect(typeCounts(plan, "module.alb")).toEqual(alb);
    expect(alb).toMatchObject({ aws_lb: 1, aws_lb_listener: 2, aws_vpc_security_group_ingress_rule: 3 });
    // The ecs-service module: what one LoadBalancedService adds.
    const service = minus(
      synthesizedCounts((s) => {
        const f = foundation(s);
        new LoadBalancedService(s, "web", {
          cluster: f.cluster,
          loadBalancer: f.alb,
          image: "public.ecr.aws/docker/library/nginx:1.27",
          rulePriority: 100,
        });
      }),
      synthesizedCounts((s) => {
        const f = foundation(s);
        f.alb.allowTrafficTo(f.cluster);
      }),
    );
    expect(typeCounts(plan, "module.web")).toEqual(service);
    expect(service).toMatchObject({ aws_ecs_service: 1, aws_lb_target_group: 1, aws_lb_listener_rule: 1 });
    // The ecs-service-blue-green module: what one blue/green LoadBalancedService adds.
    const blueGreen = minus(
      synthesizedCounts((s) => {
        const f = foundation(s);
        new LoadBalancedService(s, "api", {
          cluster: f.cluster,
          loadBalancer: f.alb,
          image: "public.ecr.aws/docker/library/nginx:1.27",
          rulePriority: 50,
          pathPatterns: ["/api/*"],
          deployment: {
            strategy: "blueGreen",
            testListener: { headerName: "X-Test-Traffic", rulePriority: 40 },
          },
          deploymentAlarms: { alarmNames: ["api-5xx"] },
        });
      }),
      synthesizedCounts((s) => {
        const f = foundation(s);
        f.alb.allowTrafficTo(f.cluster);
      }),
    );
    expect(typeCounts(plan, "module.api")).toEqual(blueGreen);
    expect(blueGreen).toMatchObject({
      aws_ecs_service: 1,
      aws_lb_target_group: 2,
      aws_lb_listener_rule: 2,
      aws_iam_role: 3,
      aws_iam_role_policy: 2,
    });
    // The static-ip module: what one StaticIp adds, its edge capacities included.
    const staticIp = minus(
      synthesizedCounts((s) => {
        const f = foundation(s);
        f.alb.allowTrafficTo(f.cluster);
        new StaticIp(s, "static-ip", {
          network: f.network,
          cluster: f.cluster,
          loadBalancer: f.alb,
          name: "dev-static-ip",
          proxyPorts: [...STATIC_IP_MODULE_PROXY_PORTS],
        });
      }),
      synthesizedCounts((s) => {
        const f = foundation(s);
        f.alb.allowTrafficTo(f.cluster);
      }),
    );
    // The ecs-anywhere module: what one ExternalCapacity adds.
    const ecsAnywhere = minus(
      synthesizedCounts((s) => {
        const f = foundation(s);
        new ExternalCapacity(s, "external-capacity", { cluster: f.cluster, registrationLimit: 3 });
      }),
      synthesizedCounts((s) => {
        foundation(s);
      }),
    );
    expect(typeCounts(plan, "module.ecs_anywhere")).toEqual(ecsAnywhere);
    expect(ecsAnywhere).toEqual({
      aws_iam_role: 1,
      aws_iam_role_policy_attachment: 2,
      aws_ssm_activation: 1,
    });
    expect(typeCounts(plan, "module.static_ip")).toEqual(staticIp);
    expect(staticIp).toMatchObject({
      aws_network_interface: 2,
      aws_eip: 2,
      aws_autoscaling_group: 2,
      aws_ecs_capacity_provider: 2,
      aws_ecs_service: 2,
      aws_lambda_function: 1,
    });
  });

  it("passes the network's inputs through: CIDR, zones, zone name, retention, tags and default tags", () => {
    const vpc = changesOf(plan, "module.network", "aws_vpc")[0].change.after;
    expect(vpc).toMatchObject({
      cidr_block: "10.42.0.0/16",
      tags: { Name: "dev-vpc", Team: "platform" },
      tags_all: { Name: "dev-vpc", Team: "platform", Project: "ecs-cdktf", Environment: "dev" },
    });
    const subnets = changesOf(plan, "module.network", "aws_subnet")
      .map((rc) => [
        rc.change.after.availability_zone,
        rc.change.after.cidr_block,
        (rc.change.after.tags as Record<string, string>).Name,
      ])
      .sort();
    expect(subnets).toEqual([
      ["eu-west-2a", "10.42.0.0/20", "dev-public-eu-west-2a"],
      ["eu-west-2a", "10.42.128.0/20", "dev-private-eu-west-2a"],
      ["eu-west-2b", "10.42.144.0/20", "dev-private-eu-west-2b"],
      ["eu-west-2b", "10.42.16.0/20", "dev-public-eu-west-2b"],
    ]);
    expect(changesOf(plan, "module.network", "aws_route53_zone")[0].change.after.name).toBe(
      "dev.myorg.local",
    );
    expect(changesOf(plan, "module.network", "aws_cloudwatch_log_group")[0].change.after).toMatchObject({
      name: "/vpc/dev/flow-logs",
      retention_in_days: 30,
    });
  });

  it("wires the network's outputs into the cluster: VPC, private subnets and the host DNS user data", () => {
    const sg = changesOf(plan, "module.cluster", "aws_security_group")[0].change;
    expect(sg.after_unknown.vpc_id).toBe(true); // module.network.vpc_id, known after apply
    const asg = changesOf(plan, "module.cluster", "aws_autoscaling_group")[0].change;
    expect(asg.after).toMatchObject({
      name: "dev-apps-default",
      min_size: 1,
      max_size: 3,
      desired_capacity: 1,
    });
    expect(asg.after_unknown.vpc_zone_identifier).toBe(true); // module.network.private_subnet_ids
    const template = changesOf(plan, "module.cluster", "aws_launch_template")[0].change.after;
    expect(template.instance_type).toBe("t3.medium");
    const userData = Buffer.from(String(template.user_data), "base64").toString("utf8");
    expect(userData).toContain("ECS_CLUSTER=dev-apps\n");
    // The network's host_dns_user_data output, computed from its inputs at plan time.
    expect(userData).toContain("DNS=10.42.0.2\nDomains=~dev.myorg.local\n");
    expect(changesOf(plan, "module.cluster", "aws_ecs_cluster")[0].change.after.name).toBe("dev-apps");
  });

  it("wires the cluster into the load balancer: its subnets, HTTPS, and traffic to the cluster's instances only", () => {
    const lb = changesOf(plan, "module.alb", "aws_lb")[0].change;
    expect(lb.after).toMatchObject({
      name: "dev-web",
      internal: true,
      load_balancer_type: "application",
      drop_invalid_header_fields: true,
      enable_deletion_protection: false,
      tags: { Name: "dev-web-alb", Team: "platform" },
    });
    expect(lb.after_unknown.subnets).toBe(true); // module.network.private_subnet_ids (internal)
    const listeners = changesOf(plan, "module.alb", "aws_lb_listener").map((rc) => rc.change.after);
    expect(listeners).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          port: 443,
          protocol: "HTTPS",
          certificate_arn: CERTIFICATE_ARN,
          ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        }),
        expect.objectContaining({
          port: 80,
          protocol: "HTTP",
          default_action: [expect.objectContaining({ type: "redirect" })],
        }),
      ]),
    );
    const ingress = changesOf(plan, "module.alb", "aws_vpc_security_group_ingress_rule").map((rc) => [
      rc.address.replace(/_[0-9A-F]{8}/, ""),
      rc.change.after.cidr_ipv4 ?? "cluster",
      rc.change.after.from_port,
      rc.change.after.to_port,
    ]);
    expect(ingress.sort()).toEqual(
      [
        // ingress_cidrs by for_each (the VPC's block), one rule per port
        [
          'module.alb.aws_vpc_security_group_ingress_rule.alb_ingress-443["10.42.0.0/16"]',
          "10.42.0.0/16",
          443,
          443,
        ],
        [
          'module.alb.aws_vpc_security_group_ingress_rule.alb_ingress-80["10.42.0.0/16"]',
          "10.42.0.0/16",
          80,
          80,
        ],
        // the cluster's instances accept the load balancer on the dynamic host port range
        [
          "module.alb.aws_vpc_security_group_ingress_rule.cluster_ingress-from-load-balancer-alb-32768-65535",
          "cluster",
          DYNAMIC_HOST_PORT_RANGE.from,
          DYNAMIC_HOST_PORT_RANGE.to,
        ],
      ].sort(),
    );
    const clusterIngress = changesOf(plan, "module.alb", "aws_vpc_security_group_ingress_rule").find((rc) =>
      rc.address.includes("cluster_ingress-from-load-balancer"),
    )!.change;
    // module.cluster.security_group_id and the load balancer's group, both known after apply
    expect(clusterIngress.after_unknown).toMatchObject({
      security_group_id: true,
      referenced_security_group_id: true,
    });
    const egress = changesOf(plan, "module.alb", "aws_vpc_security_group_egress_rule")[0].change;
    expect(egress.after).toMatchObject({
      from_port: DYNAMIC_HOST_PORT_RANGE.from,
      to_port: DYNAMIC_HOST_PORT_RANGE.to,
    });
    expect(egress.after_unknown.referenced_security_group_id).toBe(true);
  });

  it("wires the cluster and the load balancer into the service: rule, target group, task definition, capacity", () => {
    const service = changesOf(plan, "module.web", "aws_ecs_service")[0].change;
    expect(service.after).toMatchObject({
      name: "web",
      desired_count: 2,
      capacity_provider_strategy: [{ capacity_provider: "dev-apps-default", weight: 1, base: 0 }],
      deployment_circuit_breaker: [{ enable: true, rollback: true }],
      tags: { Name: "web-service", Team: "platform" },
    });
    expect(service.after_unknown.cluster).toBe(true); // module.cluster.cluster_arn
    // The service waits for the capacity provider association: cluster_name is the cluster
    // module's service_cluster_name, read from the association, and the service depends on it.
    const config = plan.configuration.root_module.module_calls.web.module.resources.find(
      (r) =>
        r.address === changesOf(plan, "module.web", "aws_ecs_service")[0].address.replace("module.web.", ""),
    )!;
    expect(config.depends_on).toContain("var.cluster_name");
    const rule = changesOf(plan, "module.web", "aws_lb_listener_rule")[0].change;
    expect(rule.after).toMatchObject({
      priority: 100,
      condition: [expect.objectContaining({ path_pattern: [expect.objectContaining({ values: ["/*"] })] })],
    });
    expect(rule.after_unknown.listener_arn).toBe(true); // module.alb.https_listener_arn
    const targetGroup = changesOf(plan, "module.web", "aws_lb_target_group")[0].change;
    expect(targetGroup.after).toMatchObject({
      port: 80,
      target_type: "instance",
      health_check: [expect.objectContaining({ path: "/", port: "traffic-port" })],
    });
    expect(targetGroup.after_unknown.vpc_id).toBe(true); // module.alb.vpc_id
    const taskDefinition = changesOf(plan, "module.web", "aws_ecs_task_definition")[0].change.after;
    expect(taskDefinition).toMatchObject({ family: "dev-apps-web", network_mode: "bridge" });
    const [container] = JSON.parse(String(taskDefinition.container_definitions)) as Record<string, unknown>[];
    expect(container).toMatchObject({
      name: "app",
      image: "public.ecr.aws/docker/library/nginx:1.27",
      cpu: 256,
      memory: 512,
      memoryReservation: 256,
      portMappings: [{ containerPort: 80, hostPort: 0, protocol: "tcp" }],
      readonlyRootFilesystem: false,
      logConfiguration: expect.objectContaining({
        options: expect.objectContaining({ "awslogs-group": "/ecs/dev-apps/web" }),
      }),
    });
  });

  it("plans the blue/green service: strategy, bake time, alarms, the header test rule before its own, both rules weighted", () => {
    const service = changesOf(plan, "module.api", "aws_ecs_service")[0].change;
    expect(service.after).toMatchObject({
      name: "api",
      deployment_configuration: [
        expect.objectContaining({ strategy: "BLUE_GREEN", bake_time_in_minutes: "15" }),
      ],
      alarms: [{ alarm_names: ["api-5xx"], enable: true, rollback: true }],
    });
    // The web module's alarms: none given, so no alarms block (its dynamic block has no element).
    expect(changesOf(plan, "module.web", "aws_ecs_service")[0].change.after).toMatchObject({ alarms: [] });
    const rules = changesOf(plan, "module.api", "aws_lb_listener_rule").map((rc) => rc.change.after);
    expect(rules.map((r) => r.priority).sort()).toEqual([40, 50]);
    const test = rules.find((r) => r.priority === 40)!;
    expect(test.condition).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          http_header: [expect.objectContaining({ http_header_name: "X-Test-Traffic", values: ["true"] })],
        }),
      ]),
    );
    for (const rule of rules) {
      const forward = (rule.action as { forward: { target_group: { weight: number }[] }[] }[])[0]!
        .forward[0]!;
      expect(forward.target_group.map((g) => g.weight).sort()).toEqual([0, 100]);
    }
  });

  it("wires the network, the cluster and the load balancer into the static IPs, and the edge groups back into the cluster", () => {
    // Per zone an ENI (in the public subnet, known after apply) with an Elastic IP
    expect(changesOf(plan, "module.static_ip", "aws_network_interface")).toHaveLength(2);
    for (const eni of changesOf(plan, "module.static_ip", "aws_network_interface")) {
      expect(eni.change.after_unknown.subnet_id).toBe(true); // module.network.public_subnet_ids_by_az
    }
    expect(
      changesOf(plan, "module.static_ip", "aws_eip")
        .map((rc) => (rc.change.after.tags as Record<string, string>).Name)
        .sort(),
    ).toEqual(["dev-static-ip-eu-west-2a", "dev-static-ip-eu-west-2b"]);
    // AND per zone an edge group of one instance in the cluster, with the launch hook
    const groups = changesOf(plan, "module.static_ip", "aws_autoscaling_group").map((rc) => rc.change.after);
    expect(groups.map((g) => [g.name, g.min_size, g.max_size]).sort()).toEqual([
      ["dev-apps-edge-0", 1, 1],
      ["dev-apps-edge-1", 1, 1],
    ]);
    expect(groups[0].initial_lifecycle_hook).toEqual([
      expect.objectContaining({
        name: "attach-static-ip",
        lifecycle_transition: "autoscaling:EC2_INSTANCE_LAUNCHING",
        default_result: "ABANDON",
        heartbeat_timeout: 300,
      }),
    ]);
    for (const rc of changesOf(plan, "module.static_ip", "aws_launch_template")) {
      const userData = Buffer.from(String(rc.change.after.user_data), "base64").toString("utf8");
      expect(userData).toContain("ECS_CLUSTER=dev-apps\n");
      expect(userData).toContain('ECS_INSTANCE_ATTRIBUTES={"role":"edge"}\n');
      expect(userData).toContain("DNS=10.42.0.2\nDomains=~dev.myorg.local\n");
    }
    // AND the cluster module registers their capacity providers after its own
    const association = changesOf(plan, "module.cluster", "aws_ecs_cluster_capacity_providers")[0].change
      .after;
    expect(association.capacity_providers).toEqual([
      "dev-apps-default",
      "dev-apps-edge-0",
      "dev-apps-edge-1",
    ]);
    // AND the Lambda ships from the module's own directory
    const lambda = changesOf(plan, "module.static_ip", "aws_lambda_function")[0].change.after;
    // (an absolute module source is installed under .terraform/modules, archive included)
    const filename = String(lambda.filename);
    expect(filename).toMatch(/(^|\/)static_ip\/attacher-code\.zip$/);
    expect(fs.readFileSync(path.resolve(run.dir, filename))).toEqual(
      fs.readFileSync(path.join(REPO, "dist/terraform/terraform-aws-static-ip/attacher-code.zip")),
    );
    // (its environment holds the ENI ids, known after apply)
    expect(
      changesOf(plan, "module.static_ip", "aws_lambda_function")[0].change.after_unknown.environment,
    ).toEqual([{ variables: true }]);
    // AND the launch rule matches the edge groups by name
    const rules = changesOf(plan, "module.static_ip", "aws_cloudwatch_event_rule").map(
      (rc) => rc.change.after,
    );
    const launch = rules.find((r) => r.name === "dev-static-ip-launch")!;
    expect(JSON.parse(String(launch.event_pattern))).toMatchObject({
      "detail-type": ["EC2 Instance-launch Lifecycle Action"],
      detail: { AutoScalingGroupName: ["dev-apps-edge-0", "dev-apps-edge-1"] },
    });
    expect(rules.find((r) => r.name === "dev-static-ip-reconcile")).toMatchObject({
      schedule_expression: "rate(5 minutes)",
    });
    // AND per zone a proxy service pinned to that zone's edge instances
    const services = changesOf(plan, "module.static_ip", "aws_ecs_service").map((rc) => rc.change.after);
    expect(
      services
        .map((s) => [
          s.name,
          (s.capacity_provider_strategy as Array<{ capacity_provider: string }>)[0].capacity_provider,
          (s.placement_constraints as Array<{ expression: string }>)[0].expression,
        ])
        .sort(),
    ).toEqual([
      [
        "dev-static-ip-proxy-eu-west-2a",
        "dev-apps-edge-0",
        "attribute:role == edge and attribute:ecs.availability-zone == eu-west-2a",
      ],
      [
        "dev-static-ip-proxy-eu-west-2b",
        "dev-apps-edge-1",
        "attribute:role == edge and attribute:ecs.availability-zone == eu-west-2b",
      ],
    ]);
    // AND the load balancer admits the cluster's instances (the proxy) on 80 and 443
    const ingress = changesOf(plan, "module.static_ip", "aws_vpc_security_group_ingress_rule")
      .filter((rc) => rc.change.after.cidr_ipv4 === undefined || rc.change.after.cidr_ipv4 === null)
      .map((rc) => rc.change.after.from_port)
      .sort();
    expect(ingress).toEqual([443, 80]);
  });

  it("wires the cluster into the ECS Anywhere activation, its role named after the cluster", () => {
    const activation = changesOf(plan, "module.ecs_anywhere", "aws_ssm_activation")[0].change.after;
    expect(activation).toMatchObject({
      name: "dev-apps-external",
      description: "ECS Anywhere instances of dev-apps",
      iam_role: "dev-apps-external",
      registration_limit: 3,
      tags: { Name: "dev-apps-external" },
    });
    const role = changesOf(plan, "module.ecs_anywhere", "aws_iam_role")[0].change.after;
    expect(role).toMatchObject({ name: "dev-apps-external" });
  });

  it("plans the root outputs from the modules' outputs", () => {
    expect(plan.output_changes.web_service_name.after).toBe("web");
    expect(plan.output_changes.url.after_unknown).toBe(true);
    expect(plan.output_changes.cluster_name.after).toBe("dev-apps");
    expect(plan.output_changes.vpc_id.after_unknown).toBe(true);
    // Two subnets, one per zone, their ids known after apply.
    expect(plan.output_changes.private_subnet_ids.after_unknown).toEqual([true, true]);
    // The Elastic IPs' addresses, by zone, known after apply.
    expect(plan.output_changes.static_ips.after_unknown).toEqual({ "eu-west-2a": true, "eu-west-2b": true });
    // The registration command holds the activation code: sensitive, known after apply.
    expect(plan.output_changes.registration_command).toMatchObject({
      after_unknown: true,
      after_sensitive: true,
    });
  });

  it("GIVEN bad values through the root's variables WHEN planned THEN Terraform names each module variable, the value and the fix", () => {
    let message = "";
    try {
      run.run([
        "plan",
        "-input=false",
        "-lock=false",
        "-no-color",
        `-var=aws_endpoint=${aws.endpoint}`,
        "-var=vpc_cidr=10.42.0.1/16",
        "-var=environment=ECS",
        "-var=certificate_arn=abc-123",
      ]);
    } catch (e) {
      message = (e as Error).message;
    }
    const errors = message.replace(/\s+/g, " ");
    const lines = fs.readFileSync(path.join(EXAMPLE, "main.tf"), "utf8").split("\n");
    const line = (start: string) => lines.findIndex((l) => l.trimStart().startsWith(start)) + 1;
    expect(errors).toContain(`in module "network": ${line("cidr_block ")}: cidr_block = var.vpc_cidr`);
    expect(errors).toContain(
      "cidr_block (10.42.0.1/16) must have no host bits set; use the network address 10.42.0.0/16.",
    );
    expect(errors).toContain(
      `in module "network": ${line("zone_name ")}: zone_name = "\${var.environment}.myorg.local" ├──────────────── │ var.zone_name is "ECS.myorg.local"`,
    );
    expect(errors).toContain(
      "cluster_name (ECS-apps) must not start with aws, ecs or fargate (its capacity provider <cluster_name>-default would use a prefix ECS reserves); rename it.",
    );
    expect(errors).toContain(
      `in module "alb": ${line("certificate_arn ")}: certificate_arn = var.certificate_arn`,
    );
    expect(errors).toContain(
      "certificate_arn (abc-123) must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>); request or import the certificate in ACM, in the load balancer's region, and pass its ARN.",
    );
  });
});
