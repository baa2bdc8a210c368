import { TerraformStack, Testing } from "cdktf";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Network } from "../../modules/network";
import {
  EcsCluster,
  EcsClusterProps,
  MANAGED_INSTANCES_INFRASTRUCTURE_POLICY,
  MANAGED_INSTANCES_INSTANCE_POLICY,
  ManagedInstancesCapacityOptions,
} from "../../modules/ecs-cluster";
import { STAR_RESOURCE_ACTIONS } from "../../modules/ecs-cluster/iam";
import { addAwsProvider } from "../../stacks/aws-provider";
import { describeFindings, lintSynthesizedIam } from "../support/iam";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

type Block = Record<string, unknown>;
interface SynthJson {
  readonly resource: Record<string, Record<string, Block>>;
}
type TfType = { readonly tfResourceType: string };

function only(json: SynthJson, type: TfType, idPart: string): [string, Block] {
  const matches = Object.entries(json.resource[type.tfResourceType] ?? {}).filter(([id]) =>
    id.includes(idPart),
  );
  if (matches.length !== 1) throw new Error(`expected one ${type.tfResourceType} matching ${idPart}`);
  return matches[0];
}

const MINIMAL: ManagedInstancesCapacityOptions = { vcpuCount: { min: 2 }, memoryMib: { min: 4096 } };

function newCluster(props: Omit<EcsClusterProps, "network"> = {}): {
  stack: TerraformStack;
  cluster: EcsCluster;
} {
  const stack = new TerraformStack(Testing.app(), "stack");
  const net = new Network(stack, "net", { region: "eu-west-2" });
  const cluster = new EcsCluster(stack, "main", { network: net, clusterName: "demo", ...props });
  return { stack, cluster };
}

describe("EcsCluster.addManagedInstancesCapacity: defaults", () => {
  // GIVEN a cluster with one Managed Instances capacity with only the required options
  const { stack, cluster } = newCluster();
  const capacity = cluster.addManagedInstancesCapacity("mi", MINIMAL);
  const json = JSON.parse(Testing.synth(stack)) as SynthJson;
  const [, provider] = only(json, EcsCapacityProvider, "main_mi_capacity-provider");
  const [associationId, association] = only(json, EcsClusterCapacityProviders, "capacity-providers");
  const [, infraRole] = only(json, IamRole, "mi_infrastructure-role");
  const [, instanceRole] = only(json, IamRole, "mi_instance-role");

  it("creates a managed_instances_provider associated through its cluster argument", () => {
    expect(provider.name).toBe("demo-mi");
    expect(provider.cluster).toMatch(/^\$\{aws_ecs_cluster\.main_cluster_.+\.name\}$/);
    expect(provider.auto_scaling_group_provider).toBeUndefined();
    const mip = provider.managed_instances_provider as Block;
    expect(mip.propagate_tags).toBe("CAPACITY_PROVIDER");
    expect(mip.infrastructure_optimization).toBeUndefined();
    expect(mip.infrastructure_role_arn).toMatch(/aws_iam_role\.main_mi_infrastructure-role_.+\.arn/);
    const template = mip.instance_launch_template as Block;
    expect(template.ec2_instance_profile_arn).toMatch(
      /aws_iam_instance_profile\.main_mi_instance-profile_.+\.arn/,
    );
    expect(template.monitoring).toBe("BASIC");
    expect(template.storage_configuration).toBeUndefined();
    expect(template.instance_requirements).toEqual({ vcpu_count: { min: 2 }, memory_mib: { min: 4096 } });
    const network = template.network_configuration as { subnets: string[]; security_groups: string[] };
    expect(network.subnets).toHaveLength(2);
    for (const subnet of network.subnets) expect(subnet).toMatch(/aws_subnet\.net_private/);
    expect(network.security_groups).toEqual([
      expect.stringMatching(/aws_security_group\.main_instance-sg_.+\.id/),
    ]);
  });

  it("is created after the cluster's association, which neither lists it nor puts it in the default strategy", () => {
    expect(provider.depends_on).toEqual(
      expect.arrayContaining([`aws_ecs_cluster_capacity_providers.${associationId}`]),
    );
    expect(association.capacity_providers).toEqual([expect.stringMatching(/main_default_capacity-provider/)]);
    expect(association.default_capacity_provider_strategy).toEqual([
      { capacity_provider: expect.stringMatching(/main_default_capacity-provider/), weight: 1, base: 0 },
    ]);
    expect(cluster.managedInstances).toEqual([capacity]);
  });

  it("gives ECS an infrastructure role with the AWS managed policy, and the instances an ecsInstanceRole… role", () => {
    expect(JSON.parse(String(infraRole.assume_role_policy))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EcsAssumeRole",
          Effect: "Allow",
          Principal: { Service: "ecs.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ],
    });
    expect(infraRole.name_prefix).toBe("ecs-mi-demo-mi-");
    // The managed infrastructure policy passes only role/ecsInstanceRole* (iam:PassedToService ec2).
    expect(instanceRole.name_prefix).toBe("ecsInstanceRole-demo-mi-");
    expect(String(instanceRole.name_prefix).length).toBeLessThanOrEqual(38);
    expect(JSON.parse(String(instanceRole.assume_role_policy)).Statement[0].Principal).toEqual({
      Service: "ec2.amazonaws.com",
    });
    const [, profile] = only(json, IamInstanceProfile, "mi_instance-profile");
    expect(profile.role).toMatch(/main_mi_instance-role_.+\.name/);
    const [, infraAttachment] = only(json, IamRolePolicyAttachment, "mi_infrastructure-policy");
    const [, instanceAttachment] = only(json, IamRolePolicyAttachment, "mi_instance-policy");
    expect(infraAttachment.policy_arn).toMatch(
      new RegExp(`:iam::aws:policy/${MANAGED_INSTANCES_INFRASTRUCTURE_POLICY}$`),
    );
    expect(instanceAttachment.policy_arn).toMatch(
      new RegExp(`:iam::aws:policy/${MANAGED_INSTANCES_INSTANCE_POLICY}$`),
    );
    expect(provider.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/mi_infrastructure-policy/),
        expect.stringMatching(/mi_instance-policy/),
      ]),
    );
  });
});

describe("EcsCluster.addManagedInstancesCapacity and defaultCapacityProviderStrategy: options (one combined stack)", () => {
  // GIVEN a cluster with an added Auto Scaling group capacity, a default strategy across both
  // group providers, and a Managed Instances capacity with every option set
  const stack = new TerraformStack(Testing.app(), "stack");
  addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
  const net = new Network(stack, "net", { region: "eu-west-2" });
  const cluster = new EcsCluster(stack, "main", {
    network: net,
    clusterName: "demo",
    defaultCapacityProviderStrategy: [
      { capacityProvider: "demo-default", base: 1 },
      { capacityProvider: "demo-spot", weight: 3 },
    ],
  });
  cluster.addAutoScalingGroupCapacity("spot");
  cluster.addManagedInstancesCapacity("gpu", {
    capacityProviderName: "demo-managed",
    vcpuCount: { min: 2, max: 8 },
    memoryMib: { min: 4096, max: 32768 },
    allowedInstanceTypes: ["m7g.*", "c7g.large"],
    subnetIds: [net.publicSubnetIds[0]],
    securityGroupIds: ["sg-0123456789abcdef0"],
    storageSizeGib: 50,
    monitoring: "DETAILED",
    propagateTags: false,
    scaleInAfterSeconds: 600,
  });
  const synth = Testing.synth(stack);
  const json = JSON.parse(synth) as SynthJson;
  const [, provider] = only(json, EcsCapacityProvider, "main_gpu_capacity-provider");
  const [, association] = only(json, EcsClusterCapacityProviders, "capacity-providers");

  it("maps every option to the managed_instances_provider", () => {
    expect(provider.name).toBe("demo-managed");
    const mip = provider.managed_instances_provider as Block;
    expect(mip.propagate_tags).toBe("NONE");
    expect(mip.infrastructure_optimization).toEqual({ scale_in_after: 600 });
    const template = mip.instance_launch_template as Block;
    expect(template.monitoring).toBe("DETAILED");
    expect(template.storage_configuration).toEqual({ storage_size_gib: 50 });
    expect(template.instance_requirements).toEqual({
      vcpu_count: { min: 2, max: 8 },
      memory_mib: { min: 4096, max: 32768 },
      allowed_instance_types: ["m7g.*", "c7g.large"],
    });
    expect(template.network_configuration).toEqual({
      subnets: [expect.stringMatching(/aws_subnet\.net_public/)],
      security_groups: ["sg-0123456789abcdef0"],
    });
  });

  it("sets the default strategy across the Auto Scaling group providers, by reference", () => {
    expect(association.default_capacity_provider_strategy).toEqual([
      {
        capacity_provider: expect.stringMatching(/main_default_capacity-provider_.+\.name/),
        weight: 1,
        base: 1,
      },
      {
        capacity_provider: expect.stringMatching(/main_spot_capacity-provider_.+\.name/),
        weight: 3,
        base: 0,
      },
    ]);
  });

  it("passes the IAM lint (the two AWS managed policies are the documented ones)", () => {
    const arns = Object.values(json.resource[IamRolePolicyAttachment.tfResourceType]).map((a) =>
      String(a.policy_arn),
    );
    const findings = lintSynthesizedIam(synth, {
      allowedStarResourceActions: STAR_RESOURCE_ACTIONS,
      allowedManagedPolicyArns: arns,
    });
    expect(describeFindings(findings)).toBe("");
    expect(arns).toHaveLength(2);
  });

  it("is valid Terraform for the real provider", () => {
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });
});

describe("defaultCapacityProviderStrategy with Fargate", () => {
  it("accepts FARGATE and FARGATE_SPOT when the association is on", () => {
    const { stack } = newCluster({
      fargateCapacityProviders: true,
      defaultCapacityProviderStrategy: [
        { capacityProvider: "FARGATE", base: 2 },
        { capacityProvider: "FARGATE_SPOT", weight: 4 },
      ],
    });
    const [, association] = only(
      JSON.parse(Testing.synth(stack)) as SynthJson,
      EcsClusterCapacityProviders,
      "capacity",
    );
    expect(association.default_capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", weight: 1, base: 2 },
      { capacity_provider: "FARGATE_SPOT", weight: 4, base: 0 },
    ]);
  });
});

describe("validation", () => {
  const strategyError =
    (props: Omit<EcsClusterProps, "network">, extend: (c: EcsCluster) => void = () => undefined) =>
    () => {
      const { stack, cluster } = newCluster(props);
      extend(cluster);
      Testing.synth(stack);
    };

  it.each([
    [[], /EcsCluster 'main': defaultCapacityProviderStrategy .*have 1 to 20 entries/],
    [
      [{ capacityProvider: "demo-default", weight: 1001 }],
      /defaultCapacityProviderStrategy\.weight .*from 0 to 1000/,
    ],
    [
      [{ capacityProvider: "demo-default", base: -1 }],
      /defaultCapacityProviderStrategy\.base .*from 0 to 100000/,
    ],
    [[{ capacityProvider: "demo-default", weight: 0 }], /at least one entry a weight above 0/],
    [
      [{ capacityProvider: "demo-default" }, { capacityProvider: "demo-default" }],
      /name each capacity provider once/,
    ],
  ])("refuses the strategy %j", (strategy, message) => {
    expect(() => newCluster({ defaultCapacityProviderStrategy: strategy })).toThrow(message);
  });

  it("refuses a base on two entries", () => {
    expect(
      strategyError({
        defaultCapacityProviderStrategy: [
          { capacityProvider: "demo-default", base: 1 },
          { capacityProvider: "demo-x", base: 1 },
        ],
      }),
    ).toThrow(/set base on one entry at most/);
  });

  it("refuses a name that is not a provider of the cluster", () => {
    expect(strategyError({ defaultCapacityProviderStrategy: [{ capacityProvider: "other" }] })).toThrow(
      /EcsCluster 'main': defaultCapacityProviderStrategy \("other"\) must name a capacity provider of the cluster \(demo-default\)/,
    );
  });

  it("refuses FARGATE without fargateCapacityProviders", () => {
    expect(strategyError({ defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE" }] })).toThrow(
      /set fargateCapacityProviders: true/,
    );
  });

  it("refuses a strategy mixing Auto Scaling group and Fargate providers", () => {
    expect(
      strategyError({
        fargateCapacityProviders: true,
        defaultCapacityProviderStrategy: [
          { capacityProvider: "demo-default" },
          { capacityProvider: "FARGATE" },
        ],
      }),
    ).toThrow(/not mix Auto Scaling group and Fargate/);
  });

  it("refuses a Managed Instances capacity in the default strategy, naming #44783 and the fix", () => {
    expect(
      strategyError(
        {
          defaultCapacityProviderStrategy: [
            { capacityProvider: "demo-default" },
            { capacityProvider: "demo-mi" },
          ],
        },
        (c) => c.addManagedInstancesCapacity("mi", MINIMAL),
      ),
    ).toThrow(
      /EcsCluster 'main': defaultCapacityProviderStrategy \("demo-mi"\) must not name a Managed Instances capacity.*terraform-provider-aws#44783.*services' capacityProviderStrategy/,
    );
  });

  it.each<[string, Partial<ManagedInstancesCapacityOptions> & Record<string, unknown>, RegExp]>([
    ["an unknown key", { vcpu: 2 }, /options\.vcpu \(2\) must be a known key; did you mean vcpuCount\?/],
    ["vcpuCount.min 0", { vcpuCount: { min: 0 } }, /vcpuCount\.min \(0\) must be an integer ≥ 1/],
    [
      "vcpuCount.max below min",
      { vcpuCount: { min: 4, max: 2 } },
      /vcpuCount\.max \(2\) must be at least min \(4\)/,
    ],
    [
      "memoryMib not an object",
      { memoryMib: 4096 as unknown as { min: number } },
      /memoryMib \(4096\) must be \{ min, max\? \}/,
    ],
    ["memoryMib.min fractional", { memoryMib: { min: 1.5 } }, /memoryMib\.min \(1\.5\) must be an integer/],
    [
      "a bad instance type",
      { allowedInstanceTypes: ["M7G LARGE"] },
      /allowedInstanceTypes \("M7G LARGE"\) must be an instance type/,
    ],
    ["no instance types", { allowedInstanceTypes: [] }, /allowedInstanceTypes .*list 1 to 400/],
    ["no subnets", { subnetIds: [] }, /subnetIds .*list at least one subnet/],
    [
      "six security groups",
      { securityGroupIds: ["a", "b", "c", "d", "e", "f"] },
      /securityGroupIds .*1 to 5/,
    ],
    ["storage 0", { storageSizeGib: 0 }, /storageSizeGib \(0\) must be an integer from 1 to 16384/],
    [
      "a bad monitoring",
      { monitoring: "FULL" as "BASIC" },
      /monitoring \("FULL"\) must be "BASIC" or "DETAILED"/,
    ],
    [
      "a non-boolean propagateTags",
      { propagateTags: "yes" as unknown as boolean },
      /propagateTags \("yes"\) must be true or false/,
    ],
    [
      "scaleInAfterSeconds 3601",
      { scaleInAfterSeconds: 3601 },
      /scaleInAfterSeconds \(3601\) must be an integer from 0 to 3600/,
    ],
    [
      "a bad name",
      { capacityProviderName: "a b" },
      /capacityProviderName \("a b"\) must be 1 to 255 letters/,
    ],
    [
      "a reserved name",
      { capacityProviderName: "ecs-x" },
      /capacityProviderName \("ecs-x"\) must not start with aws, ecs or fargate/,
    ],
    [
      "a taken name",
      { capacityProviderName: "demo-default" },
      /capacityProviderName \("demo-default"\) must be unique/,
    ],
  ])("refuses %s", (_what, options, message) => {
    const { cluster } = newCluster();
    expect(() =>
      cluster.addManagedInstancesCapacity("mi", {
        ...MINIMAL,
        ...options,
      } as ManagedInstancesCapacityOptions),
    ).toThrow(new RegExp(`EcsCluster 'main' capacity 'mi': ${message.source}`));
  });
});
