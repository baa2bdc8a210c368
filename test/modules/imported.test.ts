/**
 * Existing infrastructure as the modules' interfaces: Network.fromAttributes, EcsCluster.fromAttributes
 * (and instancesFromAttributes), LoadBalancer.fromAttributes. A service on an imported VPC, cluster
 * and load balancer synthesizes and passes `terraform validate`; every attribute is validated; the
 * symbol checks (isNetwork, isEcsCluster, isLoadBalancer) replace `instanceof` on user input.
 */
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { EcsCluster, IEcsCluster } from "../../modules/ecs-cluster";
import {
  ILoadBalancer,
  LoadBalancedService,
  LoadBalancer,
  WorkerService,
} from "../../modules/load-balanced-service";
import { INetwork, Network } from "../../modules/network";
import { StaticIp } from "../../modules/static-ip";
import { addAwsProvider } from "../../stacks/aws-provider";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

type Block = Record<string, unknown>;
interface SynthJson {
  readonly resource: Record<string, Record<string, Block>>;
  readonly moved?: unknown;
}

const ACCOUNT = "123456789012";
const VPC = { vpcId: "vpc-0a1b2c3d4e5f60718", vpcCidrBlock: "10.20.0.0/16" };
const AZS = ["eu-west-2a", "eu-west-2b"];
const PUBLIC = ["subnet-0a000000000000001", "subnet-0a000000000000002"];
const PRIVATE = ["subnet-0b000000000000001", "subnet-0b000000000000002"];
const CLUSTER = {
  clusterName: "platform",
  clusterArn: `arn:aws:ecs:eu-west-2:${ACCOUNT}:cluster/platform`,
  capacityProviderName: "platform-default",
  securityGroupId: "sg-0c1d2e3f4a5b60718",
};
const LB_ARN = `arn:aws:elasticloadbalancing:eu-west-2:${ACCOUNT}:loadbalancer/app/shared/50dc6c495c0c9188`;
const LISTENER_ARN = `arn:aws:elasticloadbalancing:eu-west-2:${ACCOUNT}:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const LB = {
  loadBalancerArn: LB_ARN,
  dnsName: "internal-shared-1234567890.eu-west-2.elb.amazonaws.com",
  securityGroupId: "sg-0d1e2f3a4b5c60718",
  vpcId: VPC.vpcId,
  internal: true,
  httpsListenerArn: LISTENER_ARN,
};

function importAll(scope: Construct): {
  network: INetwork;
  cluster: IEcsCluster;
  loadBalancer: ILoadBalancer;
} {
  const network = Network.fromAttributes(scope, "network", {
    ...VPC,
    availabilityZones: AZS,
    publicSubnetIds: PUBLIC,
    privateSubnetIds: PRIVATE,
    natGateways: "per-az",
  });
  const cluster = EcsCluster.fromAttributes(scope, "cluster", { ...CLUSTER, instanceTypes: ["t3.small"] });
  const loadBalancer = LoadBalancer.fromAttributes(scope, "alb", LB);
  return { network, cluster, loadBalancer };
}

function synth(stack: TerraformStack): SynthJson {
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

function stack(): TerraformStack {
  return new TerraformStack(Testing.app(), "imported");
}

describe("GIVEN a service on an imported VPC, cluster and load balancer", () => {
  it("THEN it synthesizes the service's own resources only, wired to the imported ids, and passes terraform validate", () => {
    const s = stack();
    addAwsProvider(s, { region: "eu-west-2", target: { kind: "aws" } });
    const { network, cluster, loadBalancer } = importAll(s);
    new LoadBalancedService(s, "web", { cluster, loadBalancer, rulePriority: 100, imageTag: "v1" });
    new WorkerService(s, "jobs", { cluster, imageTag: "v1" });
    const json = synth(s);
    // Nothing of the network, cluster or load balancer is created.
    for (const type of [
      "aws_vpc",
      "aws_subnet",
      "aws_ecs_cluster",
      "aws_lb",
      "aws_lb_listener",
      "aws_security_group",
    ]) {
      expect(json.resource[type]).toBeUndefined();
    }
    const [tg] = Object.values(json.resource.aws_lb_target_group!);
    expect(tg!.vpc_id).toBe(VPC.vpcId);
    const rules = Object.values(json.resource.aws_lb_listener_rule!);
    expect(rules.map((r) => r.listener_arn)).toEqual([LISTENER_ARN]);
    const services = Object.values(json.resource.aws_ecs_service!);
    expect(services.map((svc) => svc.cluster)).toEqual([CLUSTER.clusterArn, CLUSTER.clusterArn]);
    expect(services.map((svc) => svc.capacity_provider_strategy)).toEqual([
      [{ base: 0, capacity_provider: "platform-default", weight: 1 }],
      [{ base: 0, capacity_provider: "platform-default", weight: 1 }],
    ]);
    // The load balancer reaches the instances: ingress on the cluster's group, egress on its own.
    const ingress = Object.values(json.resource.aws_vpc_security_group_ingress_rule!);
    expect(ingress).toEqual([
      expect.objectContaining({
        security_group_id: CLUSTER.securityGroupId,
        referenced_security_group_id: LB.securityGroupId,
        from_port: 32768,
        to_port: 65535,
      }),
    ]);
    const egress = Object.values(json.resource.aws_vpc_security_group_egress_rule!);
    expect(egress).toEqual([
      expect.objectContaining({
        security_group_id: LB.securityGroupId,
        referenced_security_group_id: CLUSTER.securityGroupId,
      }),
    ]);
    expect(network.privateSubnetIdsByAz).toEqual({ "eu-west-2a": PRIVATE[0], "eu-west-2b": PRIVATE[1] });
    expect(Testing.fullSynth(s)).toBeValidTerraform();
  });

  it("WHEN the load balancer's rules to the cluster exist (manageClusterRules false) or it allows all outbound THEN no rule, or no egress rule, is added", () => {
    const s = stack();
    const { cluster } = importAll(s);
    const managed = LoadBalancer.fromAttributes(s, "managed", { ...LB, manageClusterRules: false });
    new LoadBalancedService(s, "web", { cluster, loadBalancer: managed, rulePriority: 100, imageTag: "v1" });
    expect(synth(s).resource.aws_vpc_security_group_ingress_rule).toBeUndefined();
    expect(synth(s).resource.aws_vpc_security_group_egress_rule).toBeUndefined();

    const s2 = stack();
    const world = importAll(s2);
    const open = LoadBalancer.fromAttributes(s2, "open", { ...LB, allowAllOutbound: true });
    new LoadBalancedService(s2, "web", {
      cluster: world.cluster,
      loadBalancer: open,
      rulePriority: 100,
      imageTag: "v1",
    });
    expect(Object.keys(synth(s2).resource.aws_vpc_security_group_ingress_rule!)).toHaveLength(1);
    expect(synth(s2).resource.aws_vpc_security_group_egress_rule).toBeUndefined();
  });

  it("WHEN two services reserve the same priority on an imported load balancer THEN the second is refused", () => {
    const s = stack();
    const { cluster, loadBalancer } = importAll(s);
    new LoadBalancedService(s, "a", { cluster, loadBalancer, rulePriority: 100, imageTag: "v1" });
    expect(
      () =>
        new LoadBalancedService(s, "b", {
          cluster,
          loadBalancer,
          rulePriority: 100,
          imageTag: "v1",
          pathPatterns: ["/b/*"],
        }),
    ).toThrow(
      "LoadBalancedService 'b': rulePriority (100) must be unique on load balancer 'alb'; choose another priority (LoadBalancedService 'a' holds it)",
    );
  });

  it("WHEN a task does not fit the imported cluster's instance types THEN the service is refused", () => {
    const s = stack();
    const { cluster, loadBalancer } = importAll(s);
    expect(
      () =>
        new LoadBalancedService(s, "big", {
          cluster,
          loadBalancer,
          rulePriority: 1,
          imageTag: "v1",
          cpuUnits: 4096,
        }),
    ).toThrow(
      /^LoadBalancedService 'big': cpuUnits \(4096\) must fit an instance of EcsCluster 'cluster' \(t3\.small:/,
    );
  });
});

describe("GIVEN the symbol checks", () => {
  it("THEN built and imported constructs pass, look-alike objects and other constructs do not", () => {
    const s = stack();
    const { network, cluster, loadBalancer } = importAll(s);
    const built = new Network(s, "built", { region: "eu-west-2", natGateways: "single" });
    const builtCluster = new EcsCluster(s, "built-cluster", { network: built });
    expect([Network.isNetwork(network), Network.isNetwork(built)]).toEqual([true, true]);
    expect([EcsCluster.isEcsCluster(cluster), EcsCluster.isEcsCluster(builtCluster)]).toEqual([true, true]);
    expect(LoadBalancer.isLoadBalancer(loadBalancer)).toBe(true);
    const lookAlike = { vpcId: VPC.vpcId, privateSubnetIds: PRIVATE, publicSubnetIds: PUBLIC };
    expect([Network.isNetwork(lookAlike), Network.isNetwork(cluster), Network.isNetwork(undefined)]).toEqual([
      false,
      false,
      false,
    ]);
    expect([EcsCluster.isEcsCluster(network), LoadBalancer.isLoadBalancer(cluster)]).toEqual([false, false]);
  });

  it.each([
    [
      "an EcsCluster on a plain object as network",
      (s: TerraformStack) => new EcsCluster(s, "c", { network: { vpcId: "vpc-1" } as unknown as INetwork }),
      `EcsCluster 'c': network ({"vpcId":"vpc-1"}) must be a Network, built here or imported with Network.fromAttributes; pass the construct itself, not its id, name or ARN (for an existing one: Network.fromAttributes(scope, id, { ... }))`,
    ],
    [
      "a LoadBalancer on a VPC id as network",
      (s: TerraformStack) => new LoadBalancer(s, "lb", { network: "vpc-1" as unknown as INetwork }),
      `LoadBalancer 'lb': network ("vpc-1") must be a Network, built here or imported with Network.fromAttributes;`,
    ],
    [
      "a service on a cluster ARN",
      (s: TerraformStack) =>
        new WorkerService(s, "w", { cluster: CLUSTER.clusterArn as unknown as IEcsCluster, imageTag: "v1" }),
      `WorkerService 'w': cluster ("${CLUSTER.clusterArn}") must be an EcsCluster, built here or imported with EcsCluster.fromAttributes;`,
    ],
    [
      "a service on a Network as load balancer",
      (s: TerraformStack) => {
        const { network, cluster } = importAll(s);
        return new LoadBalancedService(s, "web", {
          cluster,
          loadBalancer: network as unknown as ILoadBalancer,
          rulePriority: 1,
          imageTag: "v1",
        });
      },
      `LoadBalancedService 'web': loadBalancer ("an ImportedNetwork") must be a LoadBalancer, built here or imported with LoadBalancer.fromAttributes;`,
    ],
  ])("WHEN %s THEN synth fails naming the field and the fix", (_case, build, message) => {
    expect(() => build(stack())).toThrow(message);
  });
});

describe("GIVEN bad attributes", () => {
  it.each<[string, () => void, string | RegExp]>([
    [
      "an unknown network attribute",
      () => Network.fromAttributes(stack(), "n", { ...VPC, privateSubnetId: PRIVATE } as never),
      /^Network\.fromAttributes 'n': privateSubnetId \(\[.*\]\) must be a known key; did you mean privateSubnetIds\?/,
    ],
    [
      "a VPC id of the wrong shape",
      () => Network.fromAttributes(stack(), "n", { vpcId: "vpc-xyz" }),
      `Network.fromAttributes 'n': vpcId ("vpc-xyz") must be a VPC id: vpc- and 8 or 17 hexadecimal digits; e.g. vpc-0a1b2c3d4e5f60718`,
    ],
    [
      "a CIDR with host bits",
      () => Network.fromAttributes(stack(), "n", { vpcId: VPC.vpcId, vpcCidrBlock: "10.20.0.1/16" }),
      /^Network\.fromAttributes 'n': vpcCidrBlock \("10\.20\.0\.1\/16"\) must have no host bits set/,
    ],
    [
      "one private subnet for two AZs",
      () =>
        Network.fromAttributes(stack(), "n", {
          ...VPC,
          availabilityZones: AZS,
          privateSubnetIds: [PRIVATE[0]!],
        }),
      `Network.fromAttributes 'n': privateSubnetIds (["${PRIVATE[0]}"]) must list one subnet id per AZ, in availabilityZones order (2); omit it when the VPC has no such subnets`,
    ],
    [
      "a subnet both public and private",
      () =>
        Network.fromAttributes(stack(), "n", {
          ...VPC,
          availabilityZones: AZS,
          publicSubnetIds: PUBLIC,
          privateSubnetIds: [PUBLIC[0]!, PRIVATE[1]!],
        }),
      `Network.fromAttributes 'n': privateSubnetIds ("${PUBLIC[0]}") must not be public too; list each subnet as public or private, not both`,
    ],
    [
      "an AZ name without its letter",
      () => Network.fromAttributes(stack(), "n", { ...VPC, availabilityZones: ["eu-west-2"] }),
      `Network.fromAttributes 'n': availabilityZones[0] ("eu-west-2") must be an AZ name, <region><letter>; e.g. eu-west-2a`,
    ],
    [
      "an unknown NAT layout",
      () => Network.fromAttributes(stack(), "n", { ...VPC, natGateways: "one" as never }),
      `Network.fromAttributes 'n': natGateways ("one") must be one of per-az, single, none; omit it when not known`,
    ],
    [
      "a cluster ARN of another cluster",
      () =>
        EcsCluster.fromAttributes(stack(), "c", {
          ...CLUSTER,
          clusterArn: `arn:aws:ecs:eu-west-2:${ACCOUNT}:cluster/other`,
        }),
      `EcsCluster.fromAttributes 'c': clusterArn ("arn:aws:ecs:eu-west-2:${ACCOUNT}:cluster/other") must be the ARN of the cluster clusterName names ("platform"); give the name and the ARN of the same cluster`,
    ],
    [
      "a security group id of the wrong shape",
      () => EcsCluster.fromAttributes(stack(), "c", { ...CLUSTER, securityGroupId: "platform-sg" }),
      `EcsCluster.fromAttributes 'c': securityGroupId ("platform-sg") must be a security group id: sg- and 8 or 17 hexadecimal digits; e.g. sg-0a1b2c3d4e5f60718`,
    ],
    [
      "an instance type of the wrong shape",
      () => EcsCluster.fromAttributes(stack(), "c", { ...CLUSTER, instanceTypes: ["T3-small"] }),
      `EcsCluster.fromAttributes 'c': instanceTypes[0] ("T3-small") must be an EC2 instance type; e.g. t3.small`,
    ],
    [
      "a listener of another load balancer",
      () =>
        LoadBalancer.fromAttributes(stack(), "lb", {
          ...LB,
          httpsListenerArn: LISTENER_ARN.replace("/shared/50dc6c495c0c9188/", "/other/60dc6c495c0c9188/"),
        }),
      /^LoadBalancer\.fromAttributes 'lb': httpsListenerArn \(".*other.*"\) must be a listener of the load balancer loadBalancerArn names; give the listener of that load balancer$/,
    ],
    [
      "a load balancer ARN of a network load balancer",
      () =>
        LoadBalancer.fromAttributes(stack(), "lb", {
          ...LB,
          loadBalancerArn: LB_ARN.replace("/app/", "/net/"),
        }),
      /^LoadBalancer\.fromAttributes 'lb': loadBalancerArn \(".*\/net\/.*"\) must be an Application Load Balancer ARN;/,
    ],
  ])("WHEN %s THEN the import fails naming the field, the value and the fix", (_case, build, message) => {
    expect(build).toThrow(message);
  });

  it("WHEN an import fails THEN nothing was added to the scope", () => {
    const s = stack();
    expect(() => Network.fromAttributes(s, "n", { vpcId: "vpc-xyz" })).toThrow(/vpcId/);
    expect(() => EcsCluster.fromAttributes(s, "c", { ...CLUSTER, clusterName: "my cluster" })).toThrow(
      /clusterName/,
    );
    expect(() => LoadBalancer.fromAttributes(s, "lb", { ...LB, dnsName: "not a name" })).toThrow(/dnsName/);
    expect(s.node.children.map((c) => c.node.id)).toEqual([]);
  });
});

describe("GIVEN what an import leaves out", () => {
  it("WHEN a service reads the capacity provider of a cluster imported without it THEN synth fails naming the attribute", () => {
    const s = stack();
    const cluster = EcsCluster.fromAttributes(s, "c", {
      clusterName: "platform",
      clusterArn: CLUSTER.clusterArn,
    });
    expect(() => new WorkerService(s, "w", { cluster, imageTag: "v1" })).toThrow(
      `EcsCluster.fromAttributes 'c': capacityProviderName (undefined) must be given: services name the capacity provider in their strategy; give EcsCluster.fromAttributes the capacityProviderName`,
    );
  });

  it("WHEN a service enables ECS Exec on a cluster imported without its exec log group THEN it is refused", () => {
    const s = stack();
    const { cluster } = importAll(s);
    expect(
      () =>
        new WorkerService(s, "w", {
          cluster,
          imageTag: "v1",
          enableExecuteCommand: true,
          readonlyRootFilesystem: false,
        }),
    ).toThrow(
      "WorkerService 'w': enableExecuteCommand (true) must be false on cluster 'cluster', which has no ECS Exec log group to scope the task role's log permissions to; give EcsCluster.fromAttributes the cluster's execLogGroupArn, or drop enableExecuteCommand",
    );
  });

  it("WHEN a service routes on a load balancer imported without a listener THEN it is refused", () => {
    const s = stack();
    const { cluster } = importAll(s);
    const loadBalancer = LoadBalancer.fromAttributes(s, "lb", { vpcId: VPC.vpcId });
    expect(
      () => new LoadBalancedService(s, "web", { cluster, loadBalancer, rulePriority: 1, imageTag: "v1" }),
    ).toThrow(
      `LoadBalancedService 'web': loadBalancer ("imported/lb") must have a listener services can add their rules to; give LoadBalancer.fromAttributes the httpsListenerArn or the httpListenerArn`,
    );
  });

  it("WHEN an internal load balancer is built on a network imported without its CIDR and without ingressCidrs THEN it is refused", () => {
    const s = stack();
    const network = Network.fromAttributes(s, "n", {
      vpcId: VPC.vpcId,
      availabilityZones: AZS,
      privateSubnetIds: PRIVATE,
    });
    expect(() => new LoadBalancer(s, "lb", { network, internal: true })).toThrow(
      "LoadBalancer 'lb': ingressCidrs (undefined) must be given for an internal load balancer on network 'n', whose vpcCidrBlock is not known (the default admits the VPC's block); pass ingressCidrs, or give Network.fromAttributes the vpcCidrBlock",
    );
    const lb = new LoadBalancer(s, "ok", { network, internal: true, ingressCidrs: ["10.20.0.0/16"] });
    expect(lb.internal).toBe(true);
  });

  it("WHEN capacity is added to an imported cluster THEN it needs the instance profile, and with it is created unassociated, with a warning", () => {
    const s = stack();
    const { network } = importAll(s);
    const bare = EcsCluster.fromAttributes(s, "bare", CLUSTER);
    expect(() => bare.addAutoScalingGroupCapacity("edge-a")).toThrow(
      "EcsCluster.fromAttributes 'bare': instanceProfileArn (undefined) must be given to add capacity 'edge-a' (its instances need the cluster's instance profile); give EcsCluster.fromAttributes the instanceProfileArn, or add the capacity where the cluster is defined",
    );
    const cluster = EcsCluster.fromAttributes(s, "full", {
      ...CLUSTER,
      instanceProfileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/platform-instances`,
      network,
    });
    const capacity = cluster.addAutoScalingGroupCapacity("edge-a", { maxSize: 1 });
    const json = synth(s);
    expect(json.resource.aws_ecs_cluster_capacity_providers).toBeUndefined();
    expect(Object.values(json.resource.aws_autoscaling_group!)[0]!.vpc_zone_identifier).toEqual(PRIVATE);
    expect(Object.values(json.resource.aws_launch_template!)[0]!.iam_instance_profile).toEqual({
      arn: `arn:aws:iam::${ACCOUNT}:instance-profile/platform-instances`,
    });
    expect(Object.values(json.resource.aws_ecs_capacity_provider!)).toHaveLength(1);
    const warnings = capacity.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
    expect(warnings).toEqual([
      "Capacity 'edge-a' was added to imported cluster 'full': associate its capacity provider (capacityProviderName) with the cluster where the cluster is defined (its capacity providers), or tasks placed on it stay PENDING.",
    ]);
    expect(() => cluster.addAutoScalingGroupCapacity("edge-a")).toThrow(
      `EcsCapacity 'edge-a': id ("edge-a") must be unique in the cluster; choose another id`,
    );
  });

  it("WHEN a static IP fronts an imported load balancer on an imported cluster and network THEN it synthesizes and validates", () => {
    const s = stack();
    addAwsProvider(s, { region: "eu-west-2", target: { kind: "aws" } });
    const network = Network.fromAttributes(s, "network", {
      ...VPC,
      availabilityZones: AZS,
      publicSubnetIds: PUBLIC,
      privateSubnetIds: PRIVATE,
    });
    const cluster = EcsCluster.fromAttributes(s, "cluster", {
      ...CLUSTER,
      instanceProfileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/platform-instances`,
      network,
    });
    const loadBalancer = LoadBalancer.fromAttributes(s, "alb", LB);
    const ip = new StaticIp(s, "static-ip", { network, cluster, loadBalancer });
    const json = synth(s);
    expect(Object.keys(json.resource.aws_network_interface!)).toHaveLength(2);
    expect(Object.values(json.resource.aws_autoscaling_group!).map((g) => g.vpc_zone_identifier)).toEqual([
      [PRIVATE[0]],
      [PRIVATE[1]],
    ]);
    expect(ip.node.id).toBe("static-ip");
    expect(Testing.fullSynth(s)).toBeValidTerraform();
  });
});
