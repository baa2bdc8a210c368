import * as fs from "node:fs";
import { DescribeClustersCommand, ECSClient } from "@aws-sdk/client-ecs";
import { TerraformStack, Testing } from "cdktf";
import { EcsCluster } from "../../modules/ecs-cluster";
import { LoadBalancedService, LoadBalancer } from "../../modules/load-balanced-service";
import { Network } from "../../modules/network";
import { addAwsProvider } from "../../stacks/aws-provider";
import { LocalAws, localClientConfig, LOCAL_REGION, startLocalAws } from "../support/moto";
import { shareProvider } from "../support/shared-provider";
import { plannedActions, TerraformRun } from "../support/terraform";

// A cluster's default capacity provider strategy across two Auto Scaling group providers, and a
// Managed Instances capacity added to it, with the real Terraform CLI and hashicorp/aws provider
// against moto server on localhost.
//
// What moto cannot show, and how this file deals with it:
// - moto 5.2.x does not know Managed Instances: CreateCapacityProvider reads only
//   autoScalingGroupProvider (managedInstancesProvider and cluster are dropped) and, without one,
//   fails with an internal error. So the Managed Instances capacity is not applied: after the
//   cluster is applied, the stack with the capacity added is planned against moto (the plan
//   must create the capacity provider, its two roles, two managed policy attachments and the
//   instance profile, and leave the cluster's association alone: #44783), with a service on it
//   (compute type managedInstances, behind a load balancer) whose planned task definition,
//   strategy, network configuration and target group are checked; the unit files
//   (ecs-cluster-managed-instances.test.ts, load-balanced-service-compute.test.ts) check the
//   configuration and run terraform validate. No service is applied on it.
// - No instance is launched (the groups have 0 instances) and no task is placed by the strategy:
//   what is checked is the strategy ECS holds (DescribeClusters) and a no-op plan after the apply.
jest.setTimeout(20 * 60_000);
shareProvider();

function clusterStack(endpoint: string, withManagedInstances: boolean): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "managed-instances");
  addAwsProvider(stack, { region: LOCAL_REGION, target: { kind: "local", endpoint } });
  const network = new Network(stack, "net", { region: LOCAL_REGION, natGateways: "single" });
  const sizes = { minSize: 0, maxSize: 1, desiredCapacity: 0 };
  const cluster = new EcsCluster(stack, "apps", {
    network,
    clusterName: "mi-demo",
    ...sizes,
    defaultCapacityProviderStrategy: [
      { capacityProvider: "mi-demo-default", base: 1, weight: 1 },
      { capacityProvider: "mi-demo-extra", weight: 2 },
    ],
  });
  cluster.addAutoScalingGroupCapacity("extra", sizes);
  if (withManagedInstances) {
    const capacity = cluster.addManagedInstancesCapacity("managed", {
      vcpuCount: { min: 2, max: 4 },
      memoryMib: { min: 4096 },
    });
    // A service on it: awsvpc MANAGED_INSTANCES tasks behind ip targets.
    const lb = new LoadBalancer(stack, "alb", { network });
    new LoadBalancedService(stack, "web", {
      cluster,
      loadBalancer: lb,
      rulePriority: 100,
      image: "public.ecr.aws/docker/library/nginx:1.27",
      cpuUnits: 512,
      memoryLimitMiB: 1024,
      compute: { type: "managedInstances", capacity },
    });
  }
  return stack;
}

describe("a cluster's default strategy across two providers, applied to the local AWS", () => {
  let aws: LocalAws;
  let tf: TerraformRun;
  let ecs: ECSClient;

  beforeAll(async () => {
    aws = await startLocalAws();
    ecs = new ECSClient(localClientConfig(aws));
    tf = TerraformRun.synth(clusterStack(aws.endpoint, false)).init();
    tf.apply();
  });

  afterAll(async () => {
    try {
      tf?.destroy();
    } finally {
      await aws?.stop();
    }
  });

  it("THEN ECS holds both providers and the default strategy as configured", async () => {
    const out = await ecs.send(new DescribeClustersCommand({ clusters: ["mi-demo"] }));
    const cluster = out.clusters![0]!;
    expect([...cluster.capacityProviders!].sort()).toEqual(["mi-demo-default", "mi-demo-extra"]);
    // hashicorp/aws leaves a base of 0 out of the request (ECS's default), so moto stores none.
    const strategy = cluster.defaultCapacityProviderStrategy!.map((item) => ({
      ...item,
      base: item.base ?? 0,
    }));
    expect(strategy).toEqual([
      { capacityProvider: "mi-demo-default", weight: 1, base: 1 },
      { capacityProvider: "mi-demo-extra", weight: 2, base: 0 },
    ]);
  });

  it("THEN a plan right after the apply changes nothing", () => {
    expect(Object.values(plannedActions(tf.plan())).filter((a) => a !== "no-op" && a !== "read")).toEqual([]);
  });

  it("GIVEN a Managed Instances capacity is added THEN the plan creates only it and its IAM, not touching the association", () => {
    const applied = fs.readFileSync(tf.json, "utf8");
    const next = TerraformRun.synth(clusterStack(aws.endpoint, true));
    try {
      fs.copyFileSync(next.json, tf.json);
      const changes = Object.entries(plannedActions(tf.plan())).filter(
        ([, a]) => a !== "no-op" && a !== "read",
      );
      // The cluster's own resources: only the capacity and its IAM (the service and load balancer
      // are new constructs of their own).
      const clusterChanges = changes.filter(([address]) => address.split(".")[1]!.startsWith("apps_"));
      const byType = clusterChanges.map(([address, action]) => `${address.split(".")[0]} ${action}`).sort();
      expect(byType).toEqual([
        "aws_ecs_capacity_provider create",
        "aws_iam_instance_profile create",
        "aws_iam_role create",
        "aws_iam_role create",
        "aws_iam_role_policy_attachment create",
        "aws_iam_role_policy_attachment create",
      ]);
      for (const [address] of clusterChanges) expect(address).toMatch(/apps_managed_/);
      for (const [address, action] of changes) {
        expect(`${address} ${action}`).toMatch(/^[a-z0-9_]+\.(apps_managed|web|alb)_.* create$/);
      }
      const plan = JSON.parse(fs.readFileSync(tf.planJsonPath, "utf8")) as {
        resource_changes: { address: string; type: string; change: { after: Record<string, unknown> } }[];
        configuration: {
          root_module: {
            resources: { address: string; expressions: Record<string, unknown>; depends_on?: string[] }[];
          };
        };
      };
      const after = (type: string, prefix: string): Record<string, unknown>[] =>
        plan.resource_changes
          .filter((c) => c.type === type && c.address.startsWith(`${type}.${prefix}`))
          .map((c) => c.change.after);
      expect(after("aws_ecs_task_definition", "web_")).toEqual([
        expect.objectContaining({
          requires_compatibilities: ["MANAGED_INSTANCES"],
          network_mode: "awsvpc",
          cpu: "512",
          memory: "1024",
        }),
      ]);
      const [service] = after("aws_ecs_service", "web_");
      expect(service).toMatchObject({
        capacity_provider_strategy: [{ capacity_provider: "mi-demo-managed", weight: 1, base: 0 }],
        network_configuration: [expect.objectContaining({ assign_public_ip: false })],
      });
      expect(service).not.toHaveProperty("launch_type", "EC2");
      // Subnets and security group are known after apply: the configuration names them.
      const config = plan.configuration.root_module.resources.find((r) =>
        r.address.startsWith("aws_ecs_service.web_"),
      )!;
      expect(JSON.stringify(config.expressions.network_configuration)).toMatch(
        /aws_subnet\.net_private-subnet-0_.*aws_subnet\.net_private-subnet-1_.*|aws_security_group\.web_tasks-sg_/,
      );
      expect(JSON.stringify(config.expressions.network_configuration)).toContain(
        "aws_security_group.web_tasks-sg_",
      );
      expect(config.depends_on).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^aws_ecs_capacity_provider\.apps_managed_capacity-provider_/),
        ]),
      );
      expect(after("aws_lb_target_group", "web_")).toEqual([expect.objectContaining({ target_type: "ip" })]);
      const provider = plan.resource_changes.find(
        (c) => c.type === "aws_ecs_capacity_provider" && c.change.after.name === "mi-demo-managed",
      );
      expect(provider!.change.after).toMatchObject({
        name: "mi-demo-managed",
        cluster: "mi-demo",
        managed_instances_provider: [
          expect.objectContaining({
            propagate_tags: "CAPACITY_PROVIDER",
            instance_launch_template: [
              expect.objectContaining({
                monitoring: "BASIC",
                instance_requirements: [
                  expect.objectContaining({
                    vcpu_count: [{ min: 2, max: 4 }],
                    memory_mib: [{ min: 4096, max: null }],
                  }),
                ],
              }),
            ],
          }),
        ],
      });
    } finally {
      fs.writeFileSync(tf.json, applied);
    }
  });
});
