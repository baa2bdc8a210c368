import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import {
  EcsCluster,
  IEcsCluster,
  MANAGED_INSTANCES_INFRASTRUCTURE_POLICY,
  MANAGED_INSTANCES_INSTANCE_POLICY,
  ManagedInstancesCapacity,
} from "../../modules/ecs-cluster";
import { STAR_RESOURCE_ACTIONS as CLUSTER_STAR_RESOURCE_ACTIONS } from "../../modules/ecs-cluster/iam";
import {
  FARGATE_TASK_SIZES,
  LoadBalancedService,
  LoadBalancedServiceProps,
  LoadBalancer,
  WorkerService,
  WorkerServiceProps,
} from "../../modules/load-balanced-service";
import { STAR_RESOURCE_ACTIONS } from "../../modules/load-balanced-service/iam";
import { Network } from "../../modules/network";
import { addAwsProvider } from "../../stacks/aws-provider";
import { describeFindings, lintIam, scanIam } from "../support/iam";
import { shareProvider } from "../support/shared-provider";

// Compute of LoadBalancedService and WorkerService: EC2 (the default), Fargate (awsvpc, task size,
// FARGATE/FARGATE_SPOT strategy, the service's own security group, ip target groups) and EXTERNAL
// (ECS Anywhere workers placed by custom attributes); docker labels. One stack holds every kind:
// its synth is shared by the assertions and validated once with the real provider. Every rejected
// value fails before anything is created.

shareProvider();

type Block = Record<string, unknown>;
interface SynthJson {
  readonly resource: Record<string, Record<string, Block>>;
}

const SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"];

interface World {
  readonly scope: Construct;
  readonly network: Network;
  readonly cluster: EcsCluster;
  readonly lb: LoadBalancer;
}

function makeWorld(scope: Construct, fargateCapacityProviders = true): World {
  const network = new Network(scope, "net", { region: "eu-west-2" });
  const cluster = new EcsCluster(scope, "apps", { network, fargateCapacityProviders });
  const lb = new LoadBalancer(scope, "alb", { network });
  return { scope, network, cluster, lb };
}

type ServiceOptions = Partial<Omit<LoadBalancedServiceProps, "loadBalancer">>;
type WorkerOptions = Partial<WorkerServiceProps>;

function addService(w: World, id: string, options: ServiceOptions): LoadBalancedService {
  return new LoadBalancedService(w.scope, id, {
    cluster: w.cluster,
    loadBalancer: w.lb,
    rulePriority: 100,
    imageTag: "v1",
    ...options,
  });
}

function addWorker(w: World, id: string, options: WorkerOptions): WorkerService {
  return new WorkerService(w.scope, id, { cluster: w.cluster, imageTag: "v1", ...options });
}

/** Every compute kind in one stack (the provider makes it valid Terraform on its own). */
function computeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "compute");
  addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
  const w = makeWorld(stack);
  addService(w, "legacy", { rulePriority: 1, pathPatterns: ["/legacy/*"] });
  addService(w, "web", { compute: { type: "fargate" } });
  addService(w, "api", {
    rulePriority: 10,
    pathPatterns: ["/api/*"],
    cpuUnits: 1024,
    memoryLimitMiB: 3072,
    compute: {
      type: "fargate",
      subnetIds: SUBNETS,
      assignPublicIp: true,
      spot: true,
      platformVersion: "1.4.0",
    },
    deployment: { strategy: "blueGreen", testListener: { port: 9000 } },
    dockerLabels: { team: "payments", "com.example.tier": "api" },
  });
  addService(w, "mix", {
    rulePriority: 20,
    pathPatterns: ["/mix/*"],
    compute: { type: "fargate" },
    capacityProviderStrategy: [
      { capacityProvider: "FARGATE", base: 1, weight: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 3 },
    ],
  });
  addWorker(w, "jobs", { compute: { type: "fargate" }, cpuUnits: 512, memoryLimitMiB: 1024 });
  addWorker(w, "edge", {
    compute: { type: "external", placementAttributes: { role: "edge", site: "lon-1" }, networkMode: "host" },
    placementConstraints: [{ type: "distinctInstance" }],
    dockerLabels: { "traefik.enable": "true" },
  });
  addWorker(w, "batch", { compute: { type: "external", placementAttributes: { role: "batch" } } });
  const managed = w.cluster.addManagedInstancesCapacity("managed", {
    vcpuCount: { min: 2, max: 4 },
    memoryMib: { min: 4096 },
  });
  addService(w, "mi", {
    rulePriority: 30,
    pathPatterns: ["/mi/*"],
    cpuUnits: 512,
    memoryLimitMiB: 1024,
    compute: { type: "managedInstances", capacity: managed },
  });
  addWorker(w, "miworker", {
    compute: { type: "managedInstances", capacity: managed, subnetIds: SUBNETS, assignPublicIp: true },
    placementConstraints: [{ type: "distinctInstance" }],
  });
  return stack;
}

function entries(json: SynthJson, type: string, id: string): [string, Block][] {
  return Object.entries(json.resource[type] ?? {}).filter(([key]) => key.startsWith(`${id}_`));
}

function one(json: SynthJson, type: string, id: string, suffix = ""): Block {
  const found = entries(json, type, id).filter(([key]) => key.includes(suffix));
  expect(found.map(([key]) => key)).toHaveLength(1);
  return found[0]![1];
}

function container(json: SynthJson, id: string): Block {
  const definitions = one(json, "aws_ecs_task_definition", id).container_definitions as string;
  return (JSON.parse(definitions) as Block[])[0]!;
}

// ---------------------------------------------------------------------------------------------

describe("GIVEN a stack with EC2, Fargate and EXTERNAL services", () => {
  const stack = computeStack();
  const json = JSON.parse(Testing.synth(stack)) as SynthJson;

  it("THEN the cluster's association lists its own provider, then FARGATE and FARGATE_SPOT", () => {
    const association = Object.values(json.resource.aws_ecs_cluster_capacity_providers!)[0]!;
    expect(association.capacity_providers).toEqual([
      expect.stringContaining("aws_ecs_capacity_provider"),
      "FARGATE",
      "FARGATE_SPOT",
    ]);
    expect(association.default_capacity_provider_strategy).toEqual([
      { base: 0, capacity_provider: expect.stringContaining("aws_ecs_capacity_provider"), weight: 1 },
    ]);
  });

  it("THEN an EC2 service (the default) keeps bridge mode, the cluster's provider and instance targets", () => {
    expect(one(json, "aws_ecs_task_definition", "legacy")).toMatchObject({
      network_mode: "bridge",
      requires_compatibilities: ["EC2"],
    });
    const service = one(json, "aws_ecs_service", "legacy");
    expect(service.capacity_provider_strategy).toEqual([
      { base: 0, capacity_provider: expect.stringContaining("aws_ecs_capacity_provider"), weight: 1 },
    ]);
    expect(service).not.toHaveProperty("network_configuration");
    expect(service).not.toHaveProperty("launch_type");
    expect(one(json, "aws_lb_target_group", "legacy").target_type).toBe("instance");
    expect(entries(json, "aws_security_group", "legacy")).toEqual([]);
    expect(container(json, "legacy")).not.toHaveProperty("dockerLabels");
  });

  it("THEN a default Fargate service is an awsvpc FARGATE task of 256 units and 512 MiB", () => {
    expect(one(json, "aws_ecs_task_definition", "web")).toMatchObject({
      network_mode: "awsvpc",
      requires_compatibilities: ["FARGATE"],
      cpu: "256",
      memory: "512",
      execution_role_arn: expect.stringContaining("aws_iam_role.web_execution-role"),
    });
    expect(container(json, "web").portMappings).toEqual([
      { containerPort: 8080, hostPort: 8080, protocol: "tcp" },
    ]);
  });

  it("THEN it runs on FARGATE, weight 1, in the network's private subnets with its own group and no public IP", () => {
    const service = one(json, "aws_ecs_service", "web");
    expect(service.capacity_provider_strategy).toEqual([
      { base: 0, capacity_provider: "FARGATE", weight: 1 },
    ]);
    expect(service.network_configuration).toEqual({
      assign_public_ip: false,
      security_groups: [expect.stringContaining("aws_security_group.web_tasks-sg")],
      subnets: [
        expect.stringContaining("aws_subnet.net_private-subnet-0_"),
        expect.stringContaining("aws_subnet.net_private-subnet-1_"),
      ],
    });
    expect(service).not.toHaveProperty("ordered_placement_strategy");
    expect(service).not.toHaveProperty("placement_constraints");
    expect(service).not.toHaveProperty("platform_version");
    expect(service.depends_on).toEqual(
      expect.arrayContaining([expect.stringContaining("aws_ecs_cluster_capacity_providers.")]),
    );
  });

  it("THEN its target group registers ip targets", () => {
    expect(one(json, "aws_lb_target_group", "web")).toMatchObject({ target_type: "ip", port: 8080 });
  });

  it("THEN only the load balancer reaches its tasks, on the container port; they reach 443 only", () => {
    const sg = one(json, "aws_security_group", "web", "tasks-sg");
    expect(sg).toMatchObject({ name_prefix: "web-tasks-", vpc_id: expect.stringContaining("aws_vpc.") });
    expect(entries(json, "aws_vpc_security_group_ingress_rule", "web").map(([, r]) => r)).toEqual([
      expect.objectContaining({
        security_group_id: expect.stringContaining("aws_security_group.web_tasks-sg"),
        referenced_security_group_id: expect.stringContaining("aws_security_group.alb_sg"),
        from_port: 8080,
        to_port: 8080,
        ip_protocol: "tcp",
      }),
    ]);
    expect(entries(json, "aws_vpc_security_group_egress_rule", "web").map(([, r]) => r)).toEqual([
      expect.objectContaining({ cidr_ipv4: "0.0.0.0/0", from_port: 443, to_port: 443 }),
    ]);
    const lbEgress = Object.entries(json.resource.aws_vpc_security_group_egress_rule!).filter(([key]) =>
      key.startsWith("alb_egress-to-tasks-compute-web-8080"),
    );
    expect(lbEgress.map(([, r]) => r)).toEqual([
      expect.objectContaining({
        security_group_id: expect.stringContaining("aws_security_group.alb_sg"),
        referenced_security_group_id: expect.stringContaining("aws_security_group.web_tasks-sg"),
        from_port: 8080,
        to_port: 8080,
      }),
    ]);
  });

  it("THEN the cluster's instances get the load balancer's dynamic-port ingress once, for the EC2 service", () => {
    const ingress = Object.keys(json.resource.aws_vpc_security_group_ingress_rule!).filter((key) =>
      key.startsWith("apps_ingress-from-load-balancer-alb"),
    );
    expect(ingress).toHaveLength(1);
  });

  it("THEN the options set the subnets, public IP, FARGATE_SPOT, platform version, size and labels", () => {
    const service = one(json, "aws_ecs_service", "api");
    expect(service).toMatchObject({
      capacity_provider_strategy: [{ base: 0, capacity_provider: "FARGATE_SPOT", weight: 1 }],
      platform_version: "1.4.0",
    });
    expect(service.network_configuration).toMatchObject({ assign_public_ip: true, subnets: SUBNETS });
    expect(one(json, "aws_ecs_task_definition", "api")).toMatchObject({ cpu: "1024", memory: "3072" });
    expect(container(json, "api").dockerLabels).toEqual({ "com.example.tier": "api", team: "payments" });
  });

  it("THEN a blue/green Fargate service has two ip target groups", () => {
    const groups = entries(json, "aws_lb_target_group", "api").map(([, g]) => g.target_type);
    expect(groups).toEqual(["ip", "ip"]);
    const lb = one(json, "aws_ecs_service", "api").load_balancer as Block[];
    expect(lb[0]!.advanced_configuration).toMatchObject({
      alternate_target_group_arn: expect.stringContaining("aws_lb_target_group.api_alternate-target-group"),
    });
  });

  it("THEN a strategy across FARGATE and FARGATE_SPOT keeps its base and weights", () => {
    expect(one(json, "aws_ecs_service", "mix").capacity_provider_strategy).toEqual([
      { base: 1, capacity_provider: "FARGATE", weight: 1 },
      { base: 0, capacity_provider: "FARGATE_SPOT", weight: 3 },
    ]);
  });

  it("THEN a Fargate worker gets its group (egress only) in the cluster network's VPC and no port", () => {
    const service = one(json, "aws_ecs_service", "jobs");
    expect(service.network_configuration).toMatchObject({ assign_public_ip: false });
    expect(service).not.toHaveProperty("load_balancer");
    expect(one(json, "aws_security_group", "jobs").vpc_id).toEqual(expect.stringContaining("aws_vpc.net_"));
    expect(entries(json, "aws_vpc_security_group_ingress_rule", "jobs")).toEqual([]);
    expect(container(json, "jobs")).not.toHaveProperty("portMappings");
    expect(one(json, "aws_ecs_task_definition", "jobs")).toMatchObject({ cpu: "512", memory: "1024" });
  });

  it("THEN an EXTERNAL worker runs by launch type EXTERNAL, placed by its attributes, in host mode", () => {
    const service = one(json, "aws_ecs_service", "edge");
    expect(service.launch_type).toBe("EXTERNAL");
    expect(service).not.toHaveProperty("capacity_provider_strategy");
    expect(service).not.toHaveProperty("network_configuration");
    expect(service.placement_constraints).toEqual([
      { type: "distinctInstance" },
      { type: "memberOf", expression: "attribute:role == edge and attribute:site == lon-1" },
    ]);
    expect(service.ordered_placement_strategy).toEqual([{ type: "spread", field: "instanceId" }]);
    expect(service.depends_on).not.toEqual(
      expect.arrayContaining([expect.stringContaining("aws_ecs_cluster_capacity_providers.")]),
    );
    expect(one(json, "aws_ecs_task_definition", "edge")).toMatchObject({
      network_mode: "host",
      requires_compatibilities: ["EXTERNAL"],
    });
    expect(one(json, "aws_ecs_task_definition", "edge")).not.toHaveProperty("cpu");
    expect(container(json, "edge").dockerLabels).toEqual({ "traefik.enable": "true" });
    expect(entries(json, "aws_security_group", "edge")).toEqual([]);
  });

  it("THEN an EXTERNAL worker defaults to bridge mode with the one attribute constraint", () => {
    expect(one(json, "aws_ecs_task_definition", "batch").network_mode).toBe("bridge");
    expect(one(json, "aws_ecs_service", "batch").placement_constraints).toEqual([
      { type: "memberOf", expression: "attribute:role == batch" },
    ]);
  });

  it("THEN the services expose their tasks' security group on Fargate only", () => {
    const s = new TerraformStack(Testing.app(), "expose");
    const w = makeWorld(s);
    expect(addService(w, "web", { compute: { type: "fargate" } }).securityGroupId).toMatch(/\$\{TfToken/);
    expect(addService(w, "ec2", { rulePriority: 2, pathPatterns: ["/x"] }).securityGroup).toBeUndefined();
  });

  it("THEN a Managed Instances service is an awsvpc MANAGED_INSTANCES task sized by cpuUnits and memoryLimitMiB", () => {
    expect(one(json, "aws_ecs_task_definition", "mi")).toMatchObject({
      network_mode: "awsvpc",
      requires_compatibilities: ["MANAGED_INSTANCES"],
      cpu: "512",
      memory: "1024",
    });
    // awsvpc: the host port is the container port.
    expect(container(json, "mi").portMappings).toEqual([
      expect.objectContaining({ containerPort: 8080, hostPort: 8080 }),
    ]);
  });

  it("THEN it runs on its capacity (a reference, waited for), in the private subnets with its own group", () => {
    const service = one(json, "aws_ecs_service", "mi");
    const provider = Object.keys(json.resource.aws_ecs_capacity_provider!).find((key) =>
      key.startsWith("apps_managed_"),
    )!;
    expect(service.capacity_provider_strategy).toEqual([
      { base: 0, capacity_provider: `\${aws_ecs_capacity_provider.${provider}.name}`, weight: 1 },
    ]);
    expect(service.depends_on).toEqual(expect.arrayContaining([`aws_ecs_capacity_provider.${provider}`]));
    expect(service.network_configuration).toEqual({
      subnets: [
        expect.stringMatching(/^\$\{aws_subnet\.net_private-subnet-0_/),
        expect.stringMatching(/^\$\{aws_subnet\.net_private-subnet-1_/),
      ],
      security_groups: [expect.stringMatching(/^\$\{aws_security_group\.mi_tasks-sg_[0-9A-F]+\.id\}$/)],
      assign_public_ip: false,
    });
    expect(service).not.toHaveProperty("launch_type");
    expect(service).not.toHaveProperty("platform_version");
    expect(service).not.toHaveProperty("ordered_placement_strategy");
    expect(one(json, "aws_security_group", "mi", "tasks-sg").description).toBe(
      "Managed Instances tasks of service mi",
    );
  });

  it("THEN its target group registers ip targets, and only the load balancer reaches its tasks", () => {
    expect(one(json, "aws_lb_target_group", "mi").target_type).toBe("ip");
    expect(one(json, "aws_vpc_security_group_ingress_rule", "mi", "tasks-ingress")).toMatchObject({
      from_port: 8080,
      to_port: 8080,
      ip_protocol: "tcp",
      referenced_security_group_id: expect.stringContaining("aws_security_group.alb_") as unknown,
    });
    expect(one(json, "aws_vpc_security_group_egress_rule", "mi", "tasks-egress-443")).toMatchObject({
      from_port: 443,
      cidr_ipv4: "0.0.0.0/0",
    });
  });

  it("THEN a Managed Instances worker takes the subnets, public IP and placement constraints", () => {
    expect(one(json, "aws_ecs_task_definition", "miworker")).toMatchObject({
      network_mode: "awsvpc",
      requires_compatibilities: ["MANAGED_INSTANCES"],
      cpu: "256",
      memory: "512",
    });
    const service = one(json, "aws_ecs_service", "miworker");
    expect(service.network_configuration).toMatchObject({ subnets: SUBNETS, assign_public_ip: true });
    expect(service.placement_constraints).toEqual([{ type: "distinctInstance" }]);
    expect(service.capacity_provider_strategy).toEqual([
      {
        base: 0,
        capacity_provider: expect.stringContaining("aws_ecs_capacity_provider.apps_managed_") as unknown,
        weight: 1,
      },
    ]);
    expect(container(json, "miworker")).not.toHaveProperty("portMappings");
  });

  it("keeps the IAM lint clean", () => {
    const data = (json as unknown as { data: Record<string, Record<string, unknown>> }).data;
    const clusterPartition = Object.keys(data.aws_partition!).find((key) =>
      key.startsWith("apps_partition_"),
    );
    const scan = scanIam(json as unknown as Parameters<typeof scanIam>[0]);
    const iamOnly = {
      ...scan,
      unparsed: scan.unparsed.filter((u) => !/^aws_ecr_lifecycle_policy\./.test(u.location)),
    };
    expect(
      describeFindings(
        lintIam(iamOnly, {
          allowedStarResourceActions: { ...CLUSTER_STAR_RESOURCE_ACTIONS, ...STAR_RESOURCE_ACTIONS },
          // The two AWS managed policies AWS documents for the Managed Instances capacity.
          allowedManagedPolicyArns: [
            MANAGED_INSTANCES_INFRASTRUCTURE_POLICY,
            MANAGED_INSTANCES_INSTANCE_POLICY,
          ].map(
            (policy) => `arn:\${data.aws_partition.${clusterPartition}.partition}:iam::aws:policy/${policy}`,
          ),
        }),
      ),
    ).toBe("");
  });

  it("passes terraform validate with the real provider", () => {
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });
});

describe("GIVEN a cluster without fargateCapacityProviders (the default)", () => {
  it("THEN its association lists its own providers only", () => {
    const json = JSON.parse(Testing.synthScope((s) => makeWorld(s, false))) as SynthJson;
    const association = Object.values(json.resource.aws_ecs_cluster_capacity_providers!)[0]!;
    expect(association.capacity_providers).toEqual([expect.stringContaining("aws_ecs_capacity_provider")]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("Rejected compute", () => {
  const service =
    (options: ServiceOptions, fargate = true): (() => void) =>
    () =>
      Testing.synthScope((s) => addService(makeWorld(s, fargate), "web", options));
  const worker =
    (options: WorkerOptions): (() => void) =>
    () =>
      Testing.synthScope((s) => addWorker(makeWorld(s), "jobs", options));
  const lbFail = (rest: string): RegExp => new RegExp(`^LoadBalancedService 'web': ${rest}`);
  const workerFail = (rest: string): RegExp => new RegExp(`^WorkerService 'jobs': ${rest}`);

  it("refuses an unknown compute type", () => {
    expect(service({ compute: { type: "lambda" } as never })).toThrow(
      lbFail(
        `compute\\.type \\("lambda"\\) must be one of "ec2", "fargate", "managedInstances", "external"; leave compute unset`,
      ),
    );
  });

  it("refuses an unknown key of a compute type, naming the nearest", () => {
    expect(service({ compute: { type: "fargate", spott: true } as never })).toThrow(/compute.*spott/);
  });

  it("refuses a Fargate CPU Fargate has no size for", () => {
    expect(service({ compute: { type: "fargate" }, cpuUnits: 300 })).toThrow(
      lbFail(
        "cpuUnits \\(300\\) must be a Fargate task CPU \\(256, 512, 1024, 2048, 4096, 8192, 16384 units\\) with compute type fargate; pick the nearest, e.g. 256",
      ),
    );
  });

  it("refuses a memory the CPU does not take, naming the valid memories", () => {
    expect(service({ compute: { type: "fargate" }, memoryLimitMiB: 4096 })).toThrow(
      lbFail(
        "memoryLimitMiB \\(4096\\) must be a memory Fargate runs with 256 CPU units: 512, 1024, 2048 MiB",
      ),
    );
    expect(service({ compute: { type: "fargate" }, cpuUnits: 1024, memoryLimitMiB: 1000 })).toThrow(
      lbFail(
        "memoryLimitMiB \\(1000\\) must be a memory Fargate runs with 1024 CPU units: 2048 to 8192 in steps of 1024 MiB; pick one of them, e.g. 2048",
      ),
    );
  });

  it("accepts every combination of the table", () => {
    const sizes = Object.entries(FARGATE_TASK_SIZES).map(([cpu, memories]) => [cpu, memories.length]);
    expect(sizes).toEqual([
      ["256", 3],
      ["512", 4],
      ["1024", 7],
      ["2048", 13],
      ["4096", 23],
      ["8192", 12],
      ["16384", 12],
    ]);
    expect(FARGATE_TASK_SIZES[16_384]!.at(-1)).toBe(122_880);
  });

  it("refuses Fargate on a cluster without the FARGATE providers, naming the fix", () => {
    expect(service({ compute: { type: "fargate" } }, false)).toThrow(
      lbFail(
        `compute\\.type \\("fargate"\\) must run on a cluster whose capacity providers include FARGATE and FARGATE_SPOT: cluster 'apps' has not associated them; set fargateCapacityProviders: true on the EcsCluster`,
      ),
    );
  });

  it("refuses EXTERNAL on a LoadBalancedService", () => {
    expect(service({ compute: { type: "external", placementAttributes: { role: "edge" } } })).toThrow(
      lbFail(
        `compute\\.type \\("external"\\) must not be external on a LoadBalancedService: external \\(ECS Anywhere\\) instances are outside the VPC.*; run it as a WorkerService`,
      ),
    );
  });

  it("refuses EXTERNAL without placement attributes", () => {
    expect(worker({ compute: { type: "external", placementAttributes: {} } })).toThrow(
      workerFail("compute\\.placementAttributes \\(\\{\\}\\) must have 1 to 10 custom attributes"),
    );
    expect(worker({ compute: { type: "external" } as never })).toThrow(
      workerFail("compute\\.placementAttributes \\(undefined\\) must have 1 to 10"),
    );
  });

  it("refuses invalid attribute names and values", () => {
    expect(worker({ compute: { type: "external", placementAttributes: { "bad name": "x" } } })).toThrow(
      workerFail('compute\\.placementAttributes \\("bad name"\\) must have names of 1 to 128 letters'),
    );
    expect(worker({ compute: { type: "external", placementAttributes: { role: " edge" } } })).toThrow(
      workerFail('compute\\.placementAttributes\\.role \\(" edge"\\) must be 1 to 128 letters'),
    );
  });

  it("refuses awsvpc on EXTERNAL", () => {
    expect(
      worker({
        compute: { type: "external", placementAttributes: { role: "a" }, networkMode: "awsvpc" as never },
      }),
    ).toThrow(
      workerFail(
        'compute\\.networkMode \\("awsvpc"\\) must be "bridge" or "host" \\(ECS Anywhere supports no awsvpc\\)',
      ),
    );
  });

  it("refuses a FARGATE strategy on an EC2 service", () => {
    expect(service({ capacityProviderStrategy: [{ capacityProvider: "FARGATE" }] })).toThrow(
      lbFail(
        `capacityProviderStrategy \\("FARGATE"\\) must name the cluster's EC2 capacity providers with compute type ec2 \\(the default\\).*; set compute: \\{ type: "fargate" \\}`,
      ),
    );
  });

  it("refuses an EC2 provider on a Fargate service, spot with a strategy, and any strategy on EXTERNAL", () => {
    expect(
      service({
        compute: { type: "fargate" },
        capacityProviderStrategy: [{ capacityProvider: "apps-default" }],
      }),
    ).toThrow(lbFail(`capacityProviderStrategy \\("apps-default"\\) must name only FARGATE or FARGATE_SPOT`));
    expect(
      service({
        compute: { type: "fargate", spot: true },
        capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT" }],
      }),
    ).toThrow(lbFail("compute\\.spot \\(true\\) must be unset with capacityProviderStrategy"));
    expect(
      worker({
        compute: { type: "external", placementAttributes: { role: "a" } },
        capacityProviderStrategy: [{ capacityProvider: "apps-default" }],
      }),
    ).toThrow(workerFail(`capacityProviderStrategy \\(.*\\) must be unset with compute type "external"`));
  });

  it("refuses placement and host volumes on Fargate", () => {
    expect(service({ compute: { type: "fargate" }, placementStrategies: [{ type: "random" }] })).toThrow(
      lbFail("placementStrategies \\(.*\\) must be unset with compute type fargate"),
    );
    expect(
      service({ compute: { type: "fargate" }, placementConstraints: [{ type: "distinctInstance" }] }),
    ).toThrow(lbFail("placementConstraints \\(.*\\) must be unset with compute type fargate"));
    expect(
      service({
        compute: { type: "fargate" },
        volumes: [{ name: "data", containerPath: "/data", hostPath: "/mnt/data" }],
      }),
    ).toThrow(lbFail('volumes\\.hostPath \\("/mnt/data"\\) must be unset with compute type fargate'));
  });

  it("refuses bad Fargate subnets, flags and platform versions", () => {
    expect(service({ compute: { type: "fargate", subnetIds: ["sub-1"] } })).toThrow(
      lbFail('compute\\.subnetIds\\[0\\] \\("sub-1"\\) must be a subnet id'),
    );
    expect(service({ compute: { type: "fargate", subnetIds: [] } })).toThrow(
      lbFail("compute\\.subnetIds \\(\\[\\]\\) must have 1 to 16 subnets"),
    );
    expect(service({ compute: { type: "fargate", assignPublicIp: "yes" as never } })).toThrow(
      lbFail('compute\\.assignPublicIp \\("yes"\\) must be true or false'),
    );
    expect(service({ compute: { type: "fargate", platformVersion: "v2" } })).toThrow(
      lbFail('compute\\.platformVersion \\("v2"\\) must be LATEST or a Fargate platform version'),
    );
  });

  it("refuses a Fargate worker on an imported cluster without the providers or without a network", () => {
    const imported =
      (attrs: { fargateCapacityProviders?: boolean }): (() => void) =>
      () =>
        Testing.synthScope((s) => {
          const cluster: IEcsCluster = EcsCluster.fromAttributes(s, "platform", {
            clusterName: "platform",
            clusterArn: "arn:aws:ecs:eu-west-2:123456789012:cluster/platform",
            ...attrs,
          });
          new WorkerService(s, "jobs", {
            cluster,
            image: "public.ecr.aws/x/y:1",
            compute: { type: "fargate" },
          });
        });
    expect(imported({})).toThrow(
      workerFail(
        `compute\\.type \\("fargate"\\) must run on a cluster whose capacity providers include FARGATE`,
      ),
    );
    expect(imported({ fargateCapacityProviders: true })).toThrow(
      workerFail(
        `compute\\.type \\("fargate"\\) must run on a cluster whose network is known.*; give EcsCluster.fromAttributes the network`,
      ),
    );
    expect(imported({ fargateCapacityProviders: "yes" as never })).toThrow(
      /^EcsCluster.fromAttributes 'platform': fargateCapacityProviders \("yes"\) must be true or false/,
    );
  });

  describe("on Managed Instances", () => {
    type Compute = Partial<Extract<NonNullable<ServiceOptions["compute"]>, { type: "managedInstances" }>>;
    /** A service of cluster `apps` with a Managed Instances capacity `managed` (and `other`'s). */
    const mi =
      (
        compute: (capacity: ManagedInstancesCapacity, other: ManagedInstancesCapacity) => Compute,
        options: ServiceOptions = {},
        kind: "service" | "worker" = "service",
      ): (() => void) =>
      () =>
        Testing.synthScope((s) => {
          const w = makeWorld(s);
          const capacity = w.cluster.addManagedInstancesCapacity("managed", {
            vcpuCount: { min: 2 },
            memoryMib: { min: 4096 },
          });
          const otherCluster = new EcsCluster(s, "other", { network: w.network });
          const other = otherCluster.addManagedInstancesCapacity("managed", {
            vcpuCount: { min: 2 },
            memoryMib: { min: 4096 },
          });
          const props = {
            ...options,
            compute: { type: "managedInstances", ...compute(capacity, other) } as never,
          };
          if (kind === "service") addService(w, "web", props);
          else addWorker(w, "jobs", props as WorkerOptions);
        });

    it("accepts its capacity, and one made elsewhere by name", () => {
      expect(mi((capacity) => ({ capacity }))).not.toThrow();
      expect(mi(() => ({ capacity: { capacityProviderName: "existing-mi" } }))).not.toThrow();
    });

    it("refuses an unknown key, naming it", () => {
      expect(mi((capacity) => ({ capacity, spot: true }) as Compute)).toThrow(
        /^LoadBalancedService 'web': compute.*spot/,
      );
    });

    it("refuses a missing or untyped capacity", () => {
      expect(mi(() => ({}))).toThrow(
        lbFail("compute\\.capacity \\(undefined\\) must be a Managed Instances capacity provider"),
      );
      expect(mi(() => ({ capacity: "mi" as never }))).toThrow(
        lbFail(
          'compute\\.capacity \\("mi"\\) must be a Managed Instances capacity provider.*addManagedInstancesCapacity',
        ),
      );
    });

    it("refuses another cluster's capacity", () => {
      expect(mi((_, other) => ({ capacity: other }))).toThrow(
        lbFail(
          ".*compute\\.capacity .* must be a Managed Instances capacity of the service's cluster 'apps'",
        ),
      );
    });

    it("refuses a strategy mixing it with Auto Scaling group or Fargate providers", () => {
      expect(
        mi((capacity) => ({ capacity }), {
          capacityProviderStrategy: [{ capacityProvider: "apps-managed" }, { capacityProvider: "FARGATE" }],
        }),
      ).toThrow(
        lbFail(
          'capacityProviderStrategy \\("FARGATE"\\) must name only Managed Instances capacity providers with compute type managedInstances',
        ),
      );
      expect(
        mi((capacity) => ({ capacity }), {
          capacityProviderStrategy: [
            { capacityProvider: "apps-managed" },
            { capacityProvider: "apps-default" },
          ],
        }),
      ).toThrow(lbFail('capacityProviderStrategy \\("apps-default"\\) must name only Managed Instances'));
    });

    it("refuses a strategy without its capacity, and takes one naming it literally as a reference", () => {
      expect(
        mi(() => ({ capacity: { capacityProviderName: "existing-mi" } }), {
          capacityProviderStrategy: [{ capacityProvider: "apps-managed" }],
        }),
      ).toThrow(
        lbFail(`capacityProviderStrategy \\(\\["apps-managed"\\]\\) must name compute.capacity's provider`),
      );
      const json = JSON.parse(
        Testing.synthScope((s) => {
          const w = makeWorld(s);
          const capacity = w.cluster.addManagedInstancesCapacity("managed", {
            vcpuCount: { min: 2 },
            memoryMib: { min: 4096 },
          });
          addWorker(w, "jobs", {
            compute: { type: "managedInstances", capacity },
            capacityProviderStrategy: [{ capacityProvider: "apps-managed", base: 1, weight: 2 }],
          });
        }),
      ) as SynthJson;
      const service = one(json, "aws_ecs_service", "jobs");
      expect(service.capacity_provider_strategy).toEqual([
        {
          base: 1,
          capacity_provider: expect.stringMatching(
            /^\$\{aws_ecs_capacity_provider\.apps_managed_.*\.name\}$/,
          ) as unknown,
          weight: 2,
        },
      ]);
    });

    it("refuses a worker on an imported cluster without a network", () => {
      expect(() =>
        Testing.synthScope((s) => {
          const cluster = EcsCluster.fromAttributes(s, "platform", {
            clusterName: "platform",
            clusterArn: "arn:aws:ecs:eu-west-2:123456789012:cluster/platform",
          });
          new WorkerService(s, "jobs", {
            cluster,
            image: "public.ecr.aws/x/y:1",
            compute: { type: "managedInstances", capacity: { capacityProviderName: "mi" } },
          });
        }),
      ).toThrow(
        workerFail(`compute\\.type \\("managedInstances"\\) must run on a cluster whose network is known`),
      );
    });

    it("refuses bad subnets and flags", () => {
      expect(mi((capacity) => ({ capacity, subnetIds: ["sub-1"] }))).toThrow(
        lbFail('compute\\.subnetIds\\[0\\] \\("sub-1"\\) must be a subnet id'),
      );
      expect(mi((capacity) => ({ capacity, assignPublicIp: "yes" as never }), {}, "worker")).toThrow(
        workerFail('compute\\.assignPublicIp \\("yes"\\) must be true or false'),
      );
    });

    it("refuses an EC2 service whose strategy names a Managed Instances provider of the cluster", () => {
      const ec2 =
        (name: (capacity: ManagedInstancesCapacity) => string): (() => void) =>
        () =>
          Testing.synthScope((s) => {
            const w = makeWorld(s);
            const capacity = w.cluster.addManagedInstancesCapacity("managed", {
              vcpuCount: { min: 2 },
              memoryMib: { min: 4096 },
            });
            addService(w, "web", { capacityProviderStrategy: [{ capacityProvider: name(capacity) }] });
          });
      const message = lbFail(
        '.* must name the cluster\'s Auto Scaling group capacity providers with compute type ec2.*; set compute: \\{ type: "managedInstances", capacity \\}',
      );
      expect(ec2(() => "apps-managed")).toThrow(message);
      expect(ec2((capacity) => capacity.capacityProviderName)).toThrow(message);
    });
  });

  it("refuses a bad docker label key", () => {
    expect(worker({ dockerLabels: { "-x": "1" } })).toThrow(
      workerFail('dockerLabels \\("-x"\\) must have keys of 1 to 255 letters, digits and \\._/-'),
    );
  });

  it("refuses a fargateCapacityProviders that is no boolean", () => {
    expect(() =>
      Testing.synthScope((s) => {
        const network = new Network(s, "net", { region: "eu-west-2" });
        new EcsCluster(s, "apps", { network, fargateCapacityProviders: 1 as never });
      }),
    ).toThrow(/^EcsCluster 'apps': fargateCapacityProviders \(1\) must be true or false/);
  });
});
