import { App, Testing } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { EcsCluster as EcsClusterResource } from "@cdktf/provider-aws/lib/ecs-cluster";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { typesWithoutLocalEndpoint } from "../support/endpoints";
import { ClusterStack } from "../../stacks/cluster-stack";
import { describeFailures, runCheckov } from "../support/checkov";
import { TerraformRun } from "../support/terraform";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

interface SynthJson {
  provider: { aws: Array<Record<string, unknown>> };
  output: Record<string, { value: unknown; description: string }>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
}

function synthJson(stack: ClusterStack): SynthJson {
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

const LOCAL = { kind: "local", endpoint: "http://127.0.0.1:4566" } as const;

describe("ClusterStack", () => {
  // GIVEN an environment name only WHEN the stack is synthesized
  const stack = new ClusterStack(new App(), "cluster", { environment: "dev", target: { kind: "aws" } });
  const json = synthJson(stack);

  it("configures the provider with the region and the project's default tags", () => {
    expect(json.provider.aws[0]).toEqual({
      region: "eu-west-2",
      default_tags: [{ tags: { project: "ecs-cdktf", environment: "dev", "managed-by": "cdktf" } }],
    });
  });

  it("names the network and the cluster after the environment", () => {
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Vpc, { tags: { Name: "dev-vpc" } });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(EcsClusterResource, { name: "dev" });
    expect(stack.cluster.node.id).toBe("cluster");
    expect(stack.network.node.id).toBe("network");
  });

  it("outputs the network, the cluster, its capacity, role and security group", () => {
    expect(Object.keys(json.output).sort()).toEqual([
      "asg_arn",
      "asg_name",
      "availability_zones",
      "capacity_provider_name",
      "cluster_arn",
      "cluster_name",
      "exec_log_group_name",
      "instance_profile_name",
      "instance_role_arn",
      "launch_template_id",
      "nat_public_ips",
      "private_subnet_ids",
      "public_subnet_ids",
      "security_group_id",
      "vpc_id",
      "zone_id",
      "zone_name",
    ]);
    expect(json.output.cluster_name.value).toMatch(/^\$\{aws_ecs_cluster\.cluster_[0-9A-F]{8}\.name\}$/);
    expect(json.output.asg_arn.value).toMatch(
      /^\$\{aws_autoscaling_group\.cluster_default_asg_[0-9A-F]{8}\.arn\}$/,
    );
    for (const o of Object.values(json.output)) expect(o.description.length).toBeGreaterThan(5);
  });

  it("GIVEN network and cluster props THEN they reach the modules (region from the stack)", () => {
    const custom = new ClusterStack(new App(), "cluster", {
      environment: "test",
      region: "eu-west-1",
      target: { kind: "aws" },
      network: { natGateways: "single" },
      cluster: { clusterName: "apps", amiId: "ami-0123456789abcdef0", minSize: 2, maxSize: 4 },
    });
    const out = Testing.synth(custom);
    expect(out).toHaveResourceWithProperties(EcsClusterResource, { name: "apps" });
    expect(out).toHaveResourceWithProperties(AutoscalingGroup, {
      name: "apps-default",
      min_size: 2,
      max_size: 4,
    });
    expect(custom.network.availabilityZones).toEqual(["eu-west-1a", "eu-west-1b"]);
    expect(synthJson(custom).provider.aws[0]).toMatchObject({ region: "eu-west-1" });
  });

  it("passes terraform validate", () => {
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });

  it("passes checkov on the synthesized JSON", () => {
    const result = runCheckov(TerraformRun.synth(stack).json, "terraform_json");
    expect(describeFailures(result)).toBe("");
    expect(result.passed).toBeGreaterThan(30);
  });
});

test("GIVEN the local target THEN every resource and data source type has a local endpoint", () => {
  const json = synthJson(new ClusterStack(new App(), "cluster", { environment: "t", target: LOCAL }));
  expect([...Object.keys(json.resource), ...Object.keys(json.data ?? {})]).toEqual(
    expect.arrayContaining(["aws_ecs_cluster", "aws_autoscaling_group", "aws_ssm_parameter"]),
  );
  expect(typesWithoutLocalEndpoint(json)).toEqual([]);
});
