import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
} from "@aws-sdk/client-ecs";
import { DescribeSecurityGroupRulesCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { TerraformStack, Testing } from "cdktf";
import { EcsCluster } from "../../modules/ecs-cluster";
import { LoadBalancedService, LoadBalancer, WorkerService } from "../../modules/load-balanced-service";
import { Network } from "../../modules/network";
import { addAwsProvider } from "../../stacks/aws-provider";
import { LocalAws, localClientConfig, LOCAL_REGION, startLocalAws } from "../support/moto";
import { shareProvider } from "../support/shared-provider";
import { plannedActions, TerraformRun } from "../support/terraform";

// A Fargate LoadBalancedService applied with the real Terraform CLI and hashicorp/aws provider to
// moto server on localhost, read back with the AWS SDK, then planned again (no change); an EXTERNAL
// (ECS Anywhere) WorkerService planned against it.
//
// What moto does not do, and how this file deals with it:
// - moto refuses the EXTERNAL launch type (CreateService: "launch type should be one of
//   [EC2,FARGATE]"), so the EXTERNAL worker is not applied: its stack is planned against moto (the
//   provider reads the account, region and partition there) and the plan's values are checked
//   (launch type, no capacity provider strategy, the attribute constraint, the task definition's
//   EXTERNAL compatibility, host network mode and docker labels); the unit tests run terraform
//   validate on it.
// - moto runs no task: no Fargate task starts, gets a network interface or registers with the
//   target group, and no external instance exists to place the worker on. What is checked is the
//   configuration ECS, ELB and EC2 hold after the apply (launch type and capacity provider strategy,
//   network configuration, task definition compatibilities and size, the target group's ip target
//   type, the tasks' security group rules), and that the next plan changes nothing.
// - Whether Fargate accepts the task size and whether the memberOf expression matches registered
//   instances is AWS's to decide at run time: the unit tests (load-balanced-service-compute.test.ts)
//   check the size against AWS's table and the expression's shape.
jest.setTimeout(20 * 60_000);
shareProvider();

function computeStack(endpoint: string): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "compute");
  addAwsProvider(stack, { region: LOCAL_REGION, target: { kind: "local", endpoint } });
  const network = new Network(stack, "net", { region: LOCAL_REGION, natGateways: "single" });
  const cluster = new EcsCluster(stack, "apps", {
    network,
    minSize: 0,
    maxSize: 1,
    desiredCapacity: 0,
    fargateCapacityProviders: true,
  });
  const lb = new LoadBalancer(stack, "alb", { network, internal: true, deletionProtection: false });
  new LoadBalancedService(stack, "web", {
    cluster,
    loadBalancer: lb,
    rulePriority: 100,
    image: "public.ecr.aws/docker/library/nginx:1.27",
    desiredCount: 1,
    cpuUnits: 512,
    memoryLimitMiB: 1024,
    compute: { type: "fargate" },
    capacityProviderStrategy: [
      { capacityProvider: "FARGATE", base: 1, weight: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 2 },
    ],
  });
  return stack;
}

/** A cluster with an EXTERNAL worker (planned only: moto refuses the launch type). */
function externalStack(endpoint: string): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "external");
  addAwsProvider(stack, { region: LOCAL_REGION, target: { kind: "local", endpoint } });
  const network = new Network(stack, "net", { region: LOCAL_REGION, natGateways: "single" });
  const cluster = new EcsCluster(stack, "anywhere", { network, minSize: 0, maxSize: 1, desiredCapacity: 0 });
  new WorkerService(stack, "edge", {
    cluster,
    image: "public.ecr.aws/docker/library/traefik:v3.1",
    desiredCount: 1,
    compute: { type: "external", placementAttributes: { role: "edge" }, networkMode: "host" },
    dockerLabels: { "traefik.enable": "true" },
  });
  return stack;
}

describe("A Fargate service and an EXTERNAL worker, applied to the local AWS", () => {
  let aws: LocalAws;
  let tf: TerraformRun;
  let ecs: ECSClient;
  let clusterName: string;

  beforeAll(async () => {
    aws = await startLocalAws();
    ecs = new ECSClient(localClientConfig(aws));
    tf = TerraformRun.synth(computeStack(aws.endpoint)).init();
    tf.apply();
    const state = JSON.parse(tf.run(["show", "-json"])) as {
      values: { root_module: { resources: { type: string; values: Record<string, unknown> }[] } };
    };
    const cluster = state.values.root_module.resources.find((r) => r.type === "aws_ecs_cluster");
    clusterName = String(cluster!.values.name);
  });

  afterAll(async () => {
    try {
      tf?.destroy();
    } finally {
      await aws?.stop();
    }
  });

  async function describe(name: string) {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: clusterName, services: [name] }));
    expect(out.services).toHaveLength(1);
    return out.services![0]!;
  }

  it("THEN the cluster's capacity providers include FARGATE and FARGATE_SPOT", async () => {
    const out = await ecs.send(new DescribeClustersCommand({ clusters: [clusterName] }));
    expect(out.clusters![0]!.capacityProviders).toEqual(
      expect.arrayContaining([`${clusterName}-default`, "FARGATE", "FARGATE_SPOT"]),
    );
  });

  it("THEN the Fargate service has its strategy and an awsvpc network configuration in private subnets", async () => {
    const web = await describe("web");
    // The strategy is a set: ECS returns it in no given order, and leaves a base of 0 out.
    const strategy = Object.fromEntries(
      web.capacityProviderStrategy!.map((i) => [i.capacityProvider, { base: i.base ?? 0, weight: i.weight }]),
    );
    expect(strategy).toEqual({ FARGATE: { base: 1, weight: 1 }, FARGATE_SPOT: { base: 0, weight: 2 } });
    const vpc = web.networkConfiguration!.awsvpcConfiguration!;
    expect(vpc.assignPublicIp).toBe("DISABLED");
    expect(vpc.subnets).toHaveLength(2);
    expect(vpc.securityGroups).toHaveLength(1);

    const ec2 = new EC2Client(localClientConfig(aws));
    const rules = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: vpc.securityGroups! }] }),
    );
    const shown = rules.SecurityGroupRules!.map((r) => ({
      egress: r.IsEgress,
      from: r.FromPort,
      to: r.ToPort,
      cidr: r.CidrIpv4,
      peer: r.ReferencedGroupInfo?.GroupId !== undefined,
    }));
    expect(shown).toEqual(
      expect.arrayContaining([
        { egress: false, from: 8080, to: 8080, cidr: undefined, peer: true },
        { egress: true, from: 443, to: 443, cidr: "0.0.0.0/0", peer: false },
      ]),
    );
    expect(shown).toHaveLength(2);
  });

  it("THEN its task definition requires FARGATE, in awsvpc mode, at 512 units and 1024 MiB", async () => {
    const web = await describe("web");
    const { taskDefinition } = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: web.taskDefinition! }),
    );
    expect(taskDefinition).toMatchObject({
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "512",
      memory: "1024",
    });
    expect(taskDefinition!.containerDefinitions![0]!.portMappings).toEqual([
      expect.objectContaining({ containerPort: 8080, hostPort: 8080 }),
    ]);
  });

  it("THEN its target group takes ip targets", async () => {
    const web = await describe("web");
    const elb = new ElasticLoadBalancingV2Client(localClientConfig(aws));
    const groups = await elb.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [web.loadBalancers![0]!.targetGroupArn!] }),
    );
    expect(groups.TargetGroups![0]).toMatchObject({ TargetType: "ip", Port: 8080 });
  });

  it("THEN a plan right after the apply changes nothing", () => {
    expect(Object.values(plannedActions(tf.plan())).filter((a) => a !== "no-op" && a !== "read")).toEqual([]);
  });

  it("GIVEN an EXTERNAL worker THEN its plan against moto creates a service of launch type EXTERNAL, placed by its attribute, in host mode", () => {
    const plan = TerraformRun.synth(externalStack(aws.endpoint)).init().plan();
    const after = (type: string): Record<string, unknown> => {
      const changes = (plan.resource_changes ?? []).filter((c) => c.type === type);
      expect(changes.map((c) => c.change.actions)).toEqual([["create"]]);
      return (changes[0]!.change as { after?: unknown }).after as Record<string, unknown>;
    };
    const service = after("aws_ecs_service");
    expect(service).toMatchObject({
      name: "edge",
      launch_type: "EXTERNAL",
      capacity_provider_strategy: [],
      placement_constraints: [{ type: "memberOf", expression: "attribute:role == edge" }],
      ordered_placement_strategy: [{ type: "spread", field: "instanceId" }],
    });
    const task = after("aws_ecs_task_definition");
    expect(task).toMatchObject({ requires_compatibilities: ["EXTERNAL"], network_mode: "host" });
    const definitions = JSON.parse(String(task.container_definitions)) as { dockerLabels?: unknown }[];
    expect(definitions[0]!.dockerLabels).toEqual({ "traefik.enable": "true" });
  });
});
