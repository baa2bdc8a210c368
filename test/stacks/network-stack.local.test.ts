import { App } from "cdktf";
import {
  DescribeFlowLogsCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { GetHostedZoneCommand, ListHostedZonesCommand, Route53Client } from "@aws-sdk/client-route-53";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { NetworkStack } from "../../stacks/network-stack";
import { LocalAws, localClientConfig, LOCAL_REGION, startLocalAws } from "../support/moto";
import { plannedActions, TerraformRun } from "../support/terraform";
import { describeFailures, runCheckov } from "../support/checkov";
import { shareProvider } from "../support/shared-provider";

// Real Terraform + the real hashicorp/aws provider, applied to moto server on localhost; then the
// AWS SDK reads back what exists. One apply serves every assertion (it is the slow part).
jest.setTimeout(10 * 60_000);
// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

describe("NetworkStack applied to the local AWS", () => {
  let aws: LocalAws;
  let tf: TerraformRun;
  let ec2: EC2Client;
  let vpcId: string;

  beforeAll(async () => {
    aws = await startLocalAws();
    ec2 = new EC2Client(localClientConfig(aws));
    const app = new App();
    const stack = new NetworkStack(app, "network", {
      environment: "test",
      region: LOCAL_REGION,
      target: { kind: "local", endpoint: aws.endpoint },
    });
    tf = TerraformRun.synth(stack).init();
  });

  afterAll(async () => {
    ec2?.destroy();
    await aws?.stop();
  });

  test("GIVEN an empty account WHEN planned THEN everything is a create", () => {
    const plan = tf.plan();
    const actions = Object.values(plannedActions(plan));
    expect(actions.length).toBeGreaterThan(20);
    expect(new Set(actions)).toEqual(new Set(["create"]));
  });

  test("checkov passes on the plan JSON", () => {
    const result = runCheckov(tf.planJsonPath, "terraform_plan");
    expect(describeFailures(result)).toBe("");
    expect(result.passed).toBeGreaterThan(0);
  });

  test("WHEN applied THEN outputs name 2 AZs, 4 subnets and 2 NAT IPs", () => {
    tf.applyPlan();
    const out = tf.outputs();
    vpcId = out.vpc_id as string;
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
      new DescribeInternetGatewaysCommand({ Filters: [{ Name: "attachment.vpc-id", Values: [vpcId] }] }),
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
    const r53 = new Route53Client(localClientConfig(aws));
    const zones = await r53.send(new ListHostedZonesCommand({}));
    const zone = zones.HostedZones?.find((z) => z.Name === "myorg.local.");
    expect(zone?.Config?.PrivateZone).toBe(true);
    const detail = await r53.send(new GetHostedZoneCommand({ Id: zone?.Id }));
    expect(detail.VPCs).toEqual([{ VPCId: vpcId, VPCRegion: LOCAL_REGION }]);
    r53.destroy();
  });

  test("THEN the VPC's flow log goes to a log group with retention", async () => {
    const flows = await ec2.send(
      new DescribeFlowLogsCommand({ Filter: [{ Name: "resource-id", Values: [vpcId] }] }),
    );
    expect(flows.FlowLogs).toHaveLength(1);
    const flow = flows.FlowLogs![0]!;
    expect(flow.TrafficType).toBe("ALL");
    expect(flow.LogDestinationType).toBe("cloud-watch-logs");
    const logs = new CloudWatchLogsClient(localClientConfig(aws));
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: flow.LogGroupName }));
    expect(groups.logGroups?.[0]?.retentionInDays).toBe(365);
    logs.destroy();
  });

  test("WHEN planned again THEN nothing changes", () => {
    const actions = Object.values(plannedActions(tf.plan()));
    expect(actions.filter((a) => a !== "no-op")).toEqual([]);
  });

  test("WHEN destroyed THEN state is empty and no VPC, subnet, NAT, zone or log group is left", async () => {
    tf.destroy();
    expect(tf.stateList()).toEqual([]);
    const vpcs = await ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: "cidr", Values: ["172.24.0.0/16"] }] }),
    );
    expect(vpcs.Vpcs ?? []).toEqual([]);
    const subnets = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    expect(subnets.Subnets ?? []).toEqual([]);
    const nats = await ec2.send(
      new DescribeNatGatewaysCommand({ Filter: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    expect((nats.NatGateways ?? []).filter((n) => n.State !== "deleted")).toEqual([]);
    const r53 = new Route53Client(localClientConfig(aws));
    const zones = await r53.send(new ListHostedZonesCommand({}));
    expect(zones.HostedZones ?? []).toEqual([]);
    r53.destroy();
    const logs = new CloudWatchLogsClient(localClientConfig(aws));
    expect((await logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []).toEqual([]);
    logs.destroy();
  });
});
