/**
 * examples/hcl-consumer: a plain HCL root module that calls the generated network and ecs-cluster
 * modules, wired together. It is copied to a temp dir (module sources made absolute), initialized
 * from the provider mirror, validated, and planned against a fresh local AWS (moto server); the
 * plan JSON shows the resources and the values that flowed through the variables.
 *
 * A plan is all this test runs: applying the same resources to moto is what
 * test/stacks/cluster-stack.local.test.ts does for the constructs these modules are generated from.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { EcsCluster } from "../../modules/ecs-cluster";
import { Network } from "../../modules/network";
import { offlineProviderOverride } from "../../scripts/terraform-modules/validate";
import { addAwsProvider, LOCAL_AWS_SERVICES } from "../../stacks/aws-provider";
import { LocalAws, LOCAL_REGION, startLocalAws } from "../support/moto";
import { TerraformRun } from "../support/terraform";

jest.setTimeout(5 * 60_000);

const REPO = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(REPO, "examples", "hcl-consumer");

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
interface Plan {
  readonly resource_changes: ResourceChange[];
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

function changesOf(plan: Plan, module: string, type: string): ResourceChange[] {
  return plan.resource_changes.filter((r) => r.module_address === module && r.type === type);
}

describe("examples/hcl-consumer", () => {
  let aws: LocalAws;
  let run: TerraformRun;
  let plan: Plan;

  beforeAll(async () => {
    aws = await startLocalAws();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-hcl-consumer-"));
    fs.writeFileSync(path.join(dir, "main.tf"), exampleMainTf());
    // Offline, the mirror holds one pre-release build of hashicorp/aws, which only an exact
    // constraint selects; the example's own range stays, this override pins the build.
    const override = offlineProviderOverride();
    if (override) fs.writeFileSync(path.join(dir, "offline_provider_override.tf.json"), override);
    run = new TerraformRun(dir);
    run.init();
    plan = run.plan([`-var=aws_endpoint=${aws.endpoint}`]) as unknown as Plan;
  });
  afterAll(async () => {
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
    const network = synthesizedCounts((s) => new Network(s, "network", { name: "dev" }));
    const networkAndCluster = synthesizedCounts((s) => {
      new EcsCluster(s, "cluster", { network: new Network(s, "network"), clusterName: "dev-apps" });
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

  it("plans the root outputs from the modules' outputs", () => {
    expect(plan.output_changes.cluster_name.after).toBe("dev-apps");
    expect(plan.output_changes.vpc_id.after_unknown).toBe(true);
    // Two subnets, one per zone, their ids known after apply.
    expect(plan.output_changes.private_subnet_ids.after_unknown).toEqual([true, true]);
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
  });
});
