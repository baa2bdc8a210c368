import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeFlowLogsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  ECSClient,
  ListContainerInstancesCommand,
} from "@aws-sdk/client-ecs";
import {
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from "@aws-sdk/client-iam";
import { GetHostedZoneCommand, ListHostedZonesCommand, Route53Client } from "@aws-sdk/client-route-53";
import { STAR_RESOURCE_ACTIONS } from "../../modules/ecs-cluster/iam";
import { ClusterStack, ClusterStackProps } from "../../stacks/cluster-stack";
import { describeFailures, runCheckov } from "../support/checkov";
import { describeFindings, IamPolicyDocument, lintIam } from "../support/iam";
import { LocalAws, localClientConfig, LOCAL_REGION, startLocalAws } from "../support/moto";
import { plannedActions, TerraformRun } from "../support/terraform";
import { shareProvider } from "../support/shared-provider";

// Real Terraform + the real hashicorp/aws provider, applied to moto server on localhost; then the
// AWS SDK reads back what exists. One apply serves every assertion (it is the slow part): the
// network's (the stack's Network with its defaults: VPC, subnets, routes, NAT, zone, flow log) and
// the cluster's, then one destroy of both.
//
// What moto cannot show, and how this file deals with it:
// - No ECS agent runs on moto's "instances", so no container instance ever registers: the
//   registration itself, the IAM policy in use and ECS's refusal to delete a cluster with registered
//   instances are not exercised. The destroy order that protects against that refusal is asserted
//   from Terraform's own destroy log instead.
// - moto has no StartInstanceRefresh: a launch template change is planned (and shown to update the
//   template and the group in place, which is what starts the refresh on AWS), not applied.
// - moto does not enforce that a capacity provider in use by a cluster cannot be deleted, nor does
//   it scale the group from ECS metrics (managed scaling is stored, not acted on).
jest.setTimeout(15 * 60_000);
// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

const ENVIRONMENT = "test";
const BASE: Omit<ClusterStackProps, "target"> = {
  environment: ENVIRONMENT,
  region: LOCAL_REGION,
  // Two instances, so destroy runs against a group that has instances running.
  cluster: { minSize: 1, desiredCapacity: 2, maxSize: 3 },
};

/** A change in `terraform show -json` of a plan. */
interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly change: {
    readonly actions: string[];
    readonly before: Record<string, unknown>;
    readonly after: Record<string, unknown>;
    readonly after_unknown: Record<string, unknown>;
  };
}

/** The non-no-op changes of the plan last written in `run`'s directory. */
function changesOf(run: TerraformRun): ResourceChange[] {
  const plan = JSON.parse(fs.readFileSync(run.planJsonPath, "utf8")) as {
    resource_changes?: ResourceChange[];
  };
  return (plan.resource_changes ?? []).filter((rc) => rc.change.actions.join(",") !== "no-op");
}

interface StateResource {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly values: Record<string, unknown>;
}

describe("ClusterStack applied to the local AWS", () => {
  let aws: LocalAws;
  let tf: TerraformRun;
  let out: Record<string, unknown>;
  let ec2: EC2Client;
  let autoscaling: AutoScalingClient;
  let ecs: ECSClient;
  let iam: IAMClient;
  let logs: CloudWatchLogsClient;
  let route53: Route53Client;
  let vpcId: string;
  let instanceIds: string[] = [];

  beforeAll(async () => {
    aws = await startLocalAws();
    const config = localClientConfig(aws);
    ec2 = new EC2Client(config);
    autoscaling = new AutoScalingClient(config);
    ecs = new ECSClient(config);
    iam = new IAMClient(config);
    logs = new CloudWatchLogsClient(config);
    route53 = new Route53Client(config);
    const stack = new ClusterStack(new App(), "cluster", {
      ...BASE,
      target: { kind: "local", endpoint: aws.endpoint },
    });
    tf = TerraformRun.synth(stack).init();
  });

  afterAll(async () => {
    for (const client of [ec2, autoscaling, ecs, iam, logs, route53]) client?.destroy();
    await aws?.stop();
  });

  test("GIVEN an empty account WHEN planned THEN everything is a create", () => {
    const actions = plannedActions(tf.plan());
    expect(new Set(Object.values(actions))).toEqual(new Set(["create"]));
    const types = new Set(Object.keys(actions).map((address) => address.split(".")[0]));
    expect(Object.keys(actions).length).toBeGreaterThan(30);
    for (const type of [
      "aws_vpc",
      "aws_subnet",
      "aws_internet_gateway",
      "aws_nat_gateway",
      "aws_eip",
      "aws_route_table",
      "aws_route53_zone",
      "aws_flow_log",
      "aws_ecs_cluster",
      "aws_ecs_capacity_provider",
      "aws_ecs_cluster_capacity_providers",
      "aws_autoscaling_group",
      "aws_launch_template",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_iam_instance_profile",
      "aws_security_group",
      "aws_vpc_security_group_egress_rule",
      "aws_cloudwatch_log_group",
    ]) {
      expect(types).toContain(type);
    }
  });

  test("checkov passes on the plan JSON", () => {
    const result = runCheckov(tf.planJsonPath, "terraform_plan");
    expect(describeFailures(result)).toBe("");
    expect(result.passed).toBeGreaterThan(0);
  });

  test("WHEN applied THEN the outputs name 2 AZs, 4 subnets, 2 NAT IPs, the zone, the cluster, its group and its provider", () => {
    tf.applyPlan();
    out = tf.outputs();
    expect(out.cluster_name).toBe(ENVIRONMENT);
    expect(out.cluster_arn).toBe(`arn:aws:ecs:${LOCAL_REGION}:123456789012:cluster/${ENVIRONMENT}`);
    expect(out.capacity_provider_name).toBe(`${ENVIRONMENT}-default`);
    expect(out.asg_name).toBe(`${ENVIRONMENT}-default`);
    expect(out.asg_arn).toMatch(/^arn:aws:autoscaling:eu-west-2:123456789012:autoScalingGroup:.+/);
    expect(out.security_group_id).toMatch(/^sg-/);
    expect(out.instance_role_arn).toMatch(/^arn:aws:iam::123456789012:role\/test-instance-/);
    vpcId = String(out.vpc_id);
    expect(vpcId).toMatch(/^vpc-/);
    expect(out.availability_zones).toEqual(["eu-west-2a", "eu-west-2b"]);
    expect(out.public_subnet_ids).toHaveLength(2);
    expect(out.private_subnet_ids).toHaveLength(2);
    expect(out.nat_public_ips).toHaveLength(2);
    expect(out.zone_name).toBe("myorg.local");
  });

  test("THEN the VPC has DNS support and hostnames, and its default SG has no rules", async () => {
    const vpcs = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
    expect(vpcs.Vpcs?.[0]?.CidrBlock).toBe("172.24.0.0/16");
    for (const Attribute of ["enableDnsSupport", "enableDnsHostnames"] as const) {
      const attr = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute }));
      const value = Attribute === "enableDnsSupport" ? attr.EnableDnsSupport : attr.EnableDnsHostnames;
      expect(value?.Value).toBe(true);
    }
    const sgs = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: "vpc-id", Values: [vpcId] },
          { Name: "group-name", Values: ["default"] },
        ],
      }),
    );
    expect(sgs.SecurityGroups?.[0]?.IpPermissions ?? []).toEqual([]);
    expect(sgs.SecurityGroups?.[0]?.IpPermissionsEgress ?? []).toEqual([]);
  });

  test("THEN there are 4 subnets over 2 AZs with the computed CIDRs", async () => {
    const subnets = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    const layout = (subnets.Subnets ?? []).map((s) => `${s.AvailabilityZone} ${s.CidrBlock}`).sort();
    expect(layout).toEqual([
      "eu-west-2a 172.24.0.0/20",
      "eu-west-2a 172.24.128.0/20",
      "eu-west-2b 172.24.144.0/20",
      "eu-west-2b 172.24.16.0/20",
    ]);
  });

  test("THEN public subnets route to the IGW and each private subnet to its AZ's NAT", async () => {
    const igws = await ec2.send(
      new DescribeInternetGatewaysCommand({
        Filters: [{ Name: "attachment.vpc-id", Values: [vpcId] }],
      }),
    );
    const igwId = igws.InternetGateways?.[0]?.InternetGatewayId;
    expect(igwId).toMatch(/^igw-/);
    const nats = await ec2.send(
      new DescribeNatGatewaysCommand({ Filter: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    const natBySubnet = new Map((nats.NatGateways ?? []).map((n) => [n.SubnetId, n.NatGatewayId]));
    expect(natBySubnet.size).toBe(2);

    const subnets = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    const byCidr = new Map((subnets.Subnets ?? []).map((s) => [s.CidrBlock, s]));
    const tables = await ec2.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    const defaultRouteOf = (subnetId: string | undefined) => {
      const table = (tables.RouteTables ?? []).find((t) =>
        (t.Associations ?? []).some((a) => a.SubnetId === subnetId),
      );
      return table?.Routes?.find((r) => r.DestinationCidrBlock === "0.0.0.0/0");
    };
    for (const [pub, priv] of [
      ["172.24.0.0/20", "172.24.128.0/20"],
      ["172.24.16.0/20", "172.24.144.0/20"],
    ]) {
      expect(defaultRouteOf(byCidr.get(pub)?.SubnetId)?.GatewayId).toBe(igwId);
      // The private subnet's NAT sits in the public subnet of the same AZ.
      expect(defaultRouteOf(byCidr.get(priv)?.SubnetId)?.NatGatewayId).toBe(
        natBySubnet.get(byCidr.get(pub)?.SubnetId),
      );
    }
  });

  // moto 5.2.5 alone would make this zone public and drop the VPC; tools/moto_server.py restores
  // Route 53's documented behaviour (a VPC in CreateHostedZone makes the zone private).
  test("THEN the private zone is associated with the VPC", async () => {
    const zones = await route53.send(new ListHostedZonesCommand({}));
    const zone = zones.HostedZones?.find((z) => z.Name === "myorg.local.");
    expect(zone?.Config?.PrivateZone).toBe(true);
    const detail = await route53.send(new GetHostedZoneCommand({ Id: zone?.Id }));
    expect(detail.VPCs).toEqual([{ VPCId: vpcId, VPCRegion: LOCAL_REGION }]);
  });

  test("THEN the VPC's flow log goes to a log group with retention", async () => {
    const flows = await ec2.send(
      new DescribeFlowLogsCommand({ Filter: [{ Name: "resource-id", Values: [vpcId] }] }),
    );
    expect(flows.FlowLogs).toHaveLength(1);
    const flow = flows.FlowLogs![0]!;
    expect(flow.TrafficType).toBe("ALL");
    expect(flow.LogDestinationType).toBe("cloud-watch-logs");
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: flow.LogGroupName }));
    expect(groups.logGroups?.[0]?.retentionInDays).toBe(365);
  });

  test("THEN the group spans the private subnets with the sizes, the template version and the ECS tag", async () => {
    const groups = await autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [String(out.asg_name)] }),
    );
    const group = groups.AutoScalingGroups?.[0];
    expect(group).toMatchObject({ MinSize: 1, MaxSize: 3, DesiredCapacity: 2 });
    expect(new Set(group?.VPCZoneIdentifier?.split(","))).toEqual(
      new Set(out.private_subnet_ids as string[]),
    );
    expect(group?.LaunchTemplate).toMatchObject({ LaunchTemplateId: out.launch_template_id, Version: "1" });
    expect(group?.NewInstancesProtectedFromScaleIn).toBe(false);
    expect(group?.Tags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Key: "AmazonECSManaged", Value: "true", PropagateAtLaunch: true }),
        expect.objectContaining({ Key: "Name", Value: "test-default", PropagateAtLaunch: true }),
      ]),
    );
    instanceIds = (group?.Instances ?? []).map((i) => String(i.InstanceId));
    expect(instanceIds).toHaveLength(2);
    expect(new Set(group?.Instances?.map((i) => i.LifecycleState))).toEqual(new Set(["InService"]));
  });

  test("THEN the instances run in the private subnets from the launch template, with no key pair", async () => {
    const reservations = await ec2.send(new DescribeInstancesCommand({ InstanceIds: instanceIds }));
    const instances = (reservations.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    expect(instances).toHaveLength(2);
    for (const instance of instances) {
      expect(instance.State?.Name).toBe("running");
      expect(out.private_subnet_ids).toContain(instance.SubnetId);
      expect(instance.KeyName).toBeUndefined();
      expect(instance.SecurityGroups?.map((g) => g.GroupId)).toEqual([out.security_group_id]);
      expect(instance.Tags).toEqual(
        expect.arrayContaining([
          { Key: "aws:ec2launchtemplate:id", Value: out.launch_template_id },
          { Key: "aws:ec2launchtemplate:version", Value: "1" },
          { Key: "AmazonECSManaged", Value: "true" },
        ]),
      );
      // moto does not copy the template's instance profile and metadata options onto instances an
      // Auto Scaling group launches (AWS does), so those are checked on the template below.
    }
  });

  test("THEN the launch template has IMDSv2 (hop limit 1), an encrypted gp3 root and the ECS user data", async () => {
    const versions = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: String(out.launch_template_id),
        Versions: ["$Latest"],
      }),
    );
    const data = versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData;
    expect(data?.InstanceType).toBe("t3.small");
    expect(data?.MetadataOptions).toMatchObject({
      HttpTokens: "required",
      HttpPutResponseHopLimit: 1,
      HttpEndpoint: "enabled",
    });
    expect(data?.BlockDeviceMappings).toEqual([
      {
        DeviceName: "/dev/xvda",
        Ebs: expect.objectContaining({
          Encrypted: true,
          VolumeType: "gp3",
          VolumeSize: 30,
          DeleteOnTermination: true,
        }),
      },
    ]);
    expect(data?.KeyName).toBeUndefined();
    expect(data?.SecurityGroupIds).toEqual([out.security_group_id]);
    const profile = await iam.send(
      new GetInstanceProfileCommand({ InstanceProfileName: String(out.instance_profile_name) }),
    );
    expect(data?.IamInstanceProfile?.Arn).toBe(profile.InstanceProfile?.Arn);
    const script = Buffer.from(String(data?.UserData), "base64").toString("utf8");
    expect(script).toContain("ECS_CLUSTER=test\n");
    expect(script).toContain("Domains=~myorg.local");
  });

  test("THEN the AMI is the ECS-optimized AL2023 image the public SSM parameter names", async () => {
    const state = JSON.parse(tf.run(["show", "-json"])) as {
      values: { root_module: { child_modules?: unknown[]; resources: StateResource[] } };
    };
    const parameter = state.values.root_module.resources.find(
      (r) => r.mode === "data" && r.type === "aws_ssm_parameter",
    );
    const amiId = String(parameter?.values.insecure_value);
    expect(amiId).toMatch(/^ami-[0-9a-f]+$/);
    const versions = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: String(out.launch_template_id),
        Versions: ["$Latest"],
      }),
    );
    expect(versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId).toBe(amiId);
    const images = await ec2.send(new DescribeImagesCommand({ ImageIds: [amiId] }));
    expect(images.Images?.[0]?.Name).toMatch(/^al2023-ami-ecs-hvm-.*-x86_64/);
  });

  test("THEN the cluster has Container Insights, logged ECS Exec and the capacity provider as default strategy", async () => {
    const clusters = await ecs.send(
      new DescribeClustersCommand({ clusters: [ENVIRONMENT], include: ["SETTINGS", "CONFIGURATIONS"] }),
    );
    const cluster = clusters.clusters?.[0];
    expect(cluster?.status).toBe("ACTIVE");
    expect(cluster?.settings).toEqual([{ name: "containerInsights", value: "enabled" }]);
    expect(cluster?.configuration?.executeCommandConfiguration).toMatchObject({
      logging: "OVERRIDE",
      logConfiguration: expect.objectContaining({ cloudWatchLogGroupName: out.exec_log_group_name }),
    });
    expect(cluster?.capacityProviders).toEqual([out.capacity_provider_name]);
    // base 0 is the default: the provider does not send it, and moto does not echo a default back.
    expect(cluster?.defaultCapacityProviderStrategy).toEqual([
      expect.objectContaining({ capacityProvider: out.capacity_provider_name, weight: 1 }),
    ]);
    expect(cluster?.defaultCapacityProviderStrategy?.[0]?.base ?? 0).toBe(0);
    // moto runs no ECS agent, so no instance of the group ever registers (see the top of the file).
    const registered = await ecs.send(new ListContainerInstancesCommand({ cluster: ENVIRONMENT }));
    expect(registered.containerInstanceArns ?? []).toEqual([]);
  });

  test("THEN the capacity provider scales the group with managed scaling and draining, no termination protection", async () => {
    const providers = await ecs.send(
      new DescribeCapacityProvidersCommand({ capacityProviders: [String(out.capacity_provider_name)] }),
    );
    expect(providers.failures ?? []).toEqual([]);
    expect(providers.capacityProviders?.[0]?.autoScalingGroupProvider).toMatchObject({
      autoScalingGroupArn: out.asg_arn,
      managedTerminationProtection: "DISABLED",
      managedDraining: "ENABLED",
      managedScaling: {
        status: "ENABLED",
        targetCapacity: 100,
        minimumScalingStepSize: 1,
        maximumScalingStepSize: 10_000,
        instanceWarmupPeriod: 300,
      },
    });
  });

  test("THEN the instance profile holds the role, whose only policy is the scoped inline one", async () => {
    const profile = await iam.send(
      new GetInstanceProfileCommand({ InstanceProfileName: String(out.instance_profile_name) }),
    );
    expect(profile.InstanceProfile?.Roles?.map((r) => r.Arn)).toEqual([out.instance_role_arn]);
    const roleName = String(profile.InstanceProfile?.Roles?.[0]?.RoleName);
    const role = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    const trust = JSON.parse(
      decodeURIComponent(String(role.Role?.AssumeRolePolicyDocument)),
    ) as IamPolicyDocument;
    expect(trust.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: "ec2.amazonaws.com" } }),
    ]);
    expect(
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies,
    ).toEqual([]);
    const names = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    expect(names.PolicyNames).toEqual(["ecs-container-instance"]);
    const inline = await iam.send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: "ecs-container-instance" }),
    );
    const document = JSON.parse(decodeURIComponent(String(inline.PolicyDocument))) as IamPolicyDocument;
    const findings = lintIam(
      { policies: [{ location: "deployed", kind: "identity", document }], managedPolicies: [], unparsed: [] },
      { allowedStarResourceActions: STAR_RESOURCE_ACTIONS },
    );
    expect(describeFindings(findings)).toBe("");
    // The references resolved to this cluster and account.
    expect(JSON.stringify(document)).toContain(`"Resource":["${String(out.cluster_arn)}"]`);
    expect(JSON.stringify(document)).toContain(
      `arn:aws:ecs:${LOCAL_REGION}:123456789012:container-instance/*`,
    );
  });

  test("THEN the instance security group has no ingress and egress on 443 and 80 only", async () => {
    const groups = await ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [String(out.security_group_id)] }),
    );
    const group = groups.SecurityGroups?.[0];
    expect(group?.VpcId).toBe(out.vpc_id);
    expect(group?.IpPermissions ?? []).toEqual([]);
    const egress = (group?.IpPermissionsEgress ?? []).map(
      (p) => `${p.IpProtocol} ${p.FromPort}-${p.ToPort} ${(p.IpRanges ?? []).map((r) => r.CidrIp).join(",")}`,
    );
    expect(egress.sort()).toEqual(["tcp 443-443 0.0.0.0/0", "tcp 80-80 0.0.0.0/0"]);
  });

  test("THEN the ECS Exec log group exists with a year's retention", async () => {
    const groups = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: String(out.exec_log_group_name) }),
    );
    expect(groups.logGroups?.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([
      ["/ecs/test/exec", 365],
    ]);
  });

  // moto 5.2.5 alone reports the template's own tags inside its data, which made every plan
  // update the template and the group; tools/moto_server.py keeps the data as requested.
  test("WHEN planned again THEN nothing changes", () => {
    tf.plan();
    expect(changesOf(tf).map((rc) => `${rc.address} ${rc.change.actions.join(",")}`)).toEqual([]);
  });

  test("WHEN the instance type changes THEN the template gets a new version and the group is updated in place", () => {
    // Planned in a second synth against a copy of the state: moto has no StartInstanceRefresh, which
    // the provider calls when it applies this group update, so it is not applied here.
    const changed = new ClusterStack(new App(), "cluster", {
      ...BASE,
      cluster: { ...BASE.cluster, instanceType: "t3.medium" },
      target: { kind: "local", endpoint: aws.endpoint },
    });
    const tf2 = TerraformRun.synth(changed);
    fs.copyFileSync(path.join(tf.dir, "terraform.tfstate"), path.join(tf2.dir, "terraform.tfstate"));
    tf2.init();
    tf2.plan();
    const changes = changesOf(tf2);
    expect(changes.map((rc) => `${rc.type} ${rc.change.actions.join(",")}`).sort()).toEqual([
      "aws_autoscaling_group update",
      "aws_launch_template update",
    ]);
    // (The previous test shows the same two updates come from moto's tag artifact alone; what this
    // change adds is the new instance type in a new template version.)
    const template = changes.find((rc) => rc.type === "aws_launch_template")!;
    expect(template.change.before.instance_type).toBe("t3.small");
    expect(template.change.after.instance_type).toBe("t3.medium");
    expect(template.change.after_unknown.latest_version).toBe(true);
    const group = changes.find((rc) => rc.type === "aws_autoscaling_group")!;
    expect(group.change.before.launch_template).toEqual([expect.objectContaining({ version: "1" })]);
    expect(group.change.after_unknown.launch_template).toEqual([{ version: true }]);
    expect(group.change.after.instance_refresh).toEqual([
      expect.objectContaining({
        strategy: "Rolling",
        preferences: [expect.objectContaining({ min_healthy_percentage: 90, skip_matching: true })],
      }),
    ]);
  });

  test("WHEN destroyed with instances running THEN it completes in dependency order and nothing is left (no VPC, subnet, NAT, zone or log group)", async () => {
    const before = await autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [String(out.asg_name)] }),
    );
    expect(before.AutoScalingGroups?.[0]?.Instances?.length).toBe(2);

    const log = tf.run(["destroy", "-input=false", "-lock=false", "-no-color", "-auto-approve"]);
    const completed = [...log.matchAll(/^(\S+?)\.\S+: Destruction complete/gm)].map((m) => m[1]);
    const at = (type: string): number => {
      const index = completed.indexOf(type);
      expect(index).toBeGreaterThanOrEqual(0);
      return index;
    };
    // Association, then providers, then groups (instances), then the cluster.
    expect(at("aws_ecs_cluster_capacity_providers")).toBeLessThan(at("aws_ecs_capacity_provider"));
    expect(at("aws_ecs_capacity_provider")).toBeLessThan(at("aws_autoscaling_group"));
    expect(at("aws_autoscaling_group")).toBeLessThan(at("aws_ecs_cluster"));
    expect(at("aws_autoscaling_group")).toBeLessThan(at("aws_launch_template"));
    expect(tf.stateList()).toEqual([]);

    const groups = await autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [String(out.asg_name)] }),
    );
    expect(groups.AutoScalingGroups ?? []).toEqual([]);
    const reservations = await ec2.send(new DescribeInstancesCommand({ InstanceIds: instanceIds }));
    const states = (reservations.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .map((i) => i.State?.Name);
    expect(new Set(states)).toEqual(new Set(["terminated"]));
    const templates = await ec2.send(new DescribeLaunchTemplatesCommand({}));
    expect(templates.LaunchTemplates ?? []).toEqual([]);
    const providers = await ecs.send(
      new DescribeCapacityProvidersCommand({ capacityProviders: [String(out.capacity_provider_name)] }),
    );
    expect(providers.capacityProviders ?? []).toEqual([]);
    // A deleted cluster stays describable as INACTIVE for a while (on AWS as in moto).
    const clusters = await ecs.send(new DescribeClustersCommand({ clusters: [ENVIRONMENT] }));
    expect((clusters.clusters ?? []).map((c) => c.status)).not.toContain("ACTIVE");
    await expect(
      iam.send(new GetInstanceProfileCommand({ InstanceProfileName: String(out.instance_profile_name) })),
    ).rejects.toThrow(/not found|cannot be found|NoSuchEntity/i);
    const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
    expect(vpcs.Vpcs ?? []).toEqual([]);
    const byCidr = await ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: "cidr", Values: ["172.24.0.0/16"] }] }),
    );
    expect(byCidr.Vpcs ?? []).toEqual([]);
    const subnets = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    expect(subnets.Subnets ?? []).toEqual([]);
    const nats = await ec2.send(
      new DescribeNatGatewaysCommand({ Filter: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    expect((nats.NatGateways ?? []).filter((n) => n.State !== "deleted")).toEqual([]);
    const zones = await route53.send(new ListHostedZonesCommand({}));
    expect(zones.HostedZones ?? []).toEqual([]);
    const logGroups = await logs.send(new DescribeLogGroupsCommand({}));
    expect(logGroups.logGroups ?? []).toEqual([]);
  });
});
