import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  DefaultTokenResolver,
  StringConcat,
  TerraformStack,
  TerraformVariable,
  Testing,
  Tokenization,
} from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  DEFAULT_FLOW_LOG_RETENTION_DAYS,
  DEFAULT_VPC_CIDR,
  DEFAULT_ZONE_NAME,
  NatGateways,
  Network,
  NetworkProps,
} from "../../modules/network";
import { defaultAvailabilityZones } from "../../modules/network/regions";
import { ValidationError } from "../../modules/shared/validation";
import { addAwsProvider } from "../../stacks/aws-provider";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

type Block = Record<string, unknown>;
interface SynthJson {
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
}
interface PolicyDocument {
  readonly Statement: {
    readonly Effect: string;
    readonly Action: string | string[];
    readonly Resource?: string | string[];
    readonly Principal?: Record<string, string>;
    readonly Condition?: Record<string, Record<string, string>>;
  }[];
}

/** Synthesizes one Network (id "net") in a fresh stack. */
function synthNetwork(props: NetworkProps = {}): {
  synth: string;
  net: Network;
  json: SynthJson;
  stack: TerraformStack;
} {
  const stack = new TerraformStack(Testing.app(), "stack");
  const net = new Network(stack, "net", { region: "eu-west-2", ...props });
  const synth = Testing.synth(stack);
  return { synth, net, json: JSON.parse(synth) as SynthJson, stack };
}

/** Every resource of one Terraform type, keyed by its logical id. */
function resources(json: SynthJson, type: { readonly tfResourceType: string }): Record<string, Block> {
  return json.resource?.[type.tfResourceType] ?? {};
}

function count(json: SynthJson, type: { readonly tfResourceType: string }): number {
  return Object.keys(resources(json, type)).length;
}

/** The one resource of `type` whose logical id contains `idPart`. */
function resource(json: SynthJson, type: { readonly tfResourceType: string }, idPart: string): Block {
  const matches = Object.entries(resources(json, type)).filter(([id]) => id.includes(idPart));
  if (matches.length !== 1) throw new Error(`expected one ${type.tfResourceType} matching ${idPart}`);
  return matches[0][1];
}

/** `aws_x.<logical id containing idPart>`, the Terraform address (as in `depends_on`). */
function address(json: SynthJson, type: { readonly tfResourceType: string }, idPart: string): string {
  const id = Object.keys(resources(json, type)).find((key) => key.includes(idPart));
  return `${type.tfResourceType}.${id}`;
}

/** `${<address>.<attribute>}`, a reference as it appears in synthesized JSON. */
function ref(
  json: SynthJson,
  type: { readonly tfResourceType: string },
  idPart: string,
  attribute = "id",
): string {
  return `\${${address(json, type, idPart)}.${attribute}}`;
}

function cidrsOf(json: SynthJson, kind: "public" | "private"): unknown[] {
  return Object.entries(resources(json, Subnet))
    .filter(([id]) => id.includes(`${kind}-subnet-`))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, subnet]) => subnet.cidr_block);
}

/** Resolves tokens (e.g. an attribute) to the Terraform expressions they synthesize to. */
function resolveIn(stack: TerraformStack, value: unknown): unknown {
  return Tokenization.resolve(value, {
    scope: stack,
    resolver: new DefaultTokenResolver(new StringConcat()),
  });
}

function warningsOf(net: Network): unknown[] {
  return net.node.metadata.filter((entry) => entry.type === "@cdktf/warn").map((entry) => entry.data);
}

describe("Network defaults", () => {
  // GIVEN no props
  // WHEN the network is synthesized
  const { synth, net, json, stack } = synthNetwork();

  it("creates a VPC with the default CIDR and DNS support and hostnames on", () => {
    // THEN
    expect(DEFAULT_VPC_CIDR).toBe("172.24.0.0/16");
    expect(synth).toHaveResourceWithProperties(Vpc, {
      cidr_block: "172.24.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: { Name: "net-vpc" },
    });
    expect(count(json, Vpc)).toBe(1);
    expect(net.vpcCidrBlock).toBe("172.24.0.0/16");
  });

  it("spans the first two AZs of eu-west-2 with /20 public (netnum i) and private (netnum 8+i) subnets", () => {
    expect(net.availabilityZones).toEqual(["eu-west-2a", "eu-west-2b"]);
    expect(cidrsOf(json, "public")).toEqual(["172.24.0.0/20", "172.24.16.0/20"]);
    expect(cidrsOf(json, "private")).toEqual(["172.24.128.0/20", "172.24.144.0/20"]);
    expect(resource(json, Subnet, "public-subnet-0")).toEqual({
      availability_zone: "eu-west-2a",
      cidr_block: "172.24.0.0/20",
      map_public_ip_on_launch: false,
      tags: { Name: "net-public-eu-west-2a" },
      vpc_id: ref(json, Vpc, "vpc"),
    });
    expect(resource(json, Subnet, "private-subnet-1")).toEqual({
      availability_zone: "eu-west-2b",
      cidr_block: "172.24.144.0/20",
      map_public_ip_on_launch: false,
      tags: { Name: "net-private-eu-west-2b" },
      vpc_id: ref(json, Vpc, "vpc"),
    });
  });

  it("never maps public IPs on launch", () => {
    const subnets = Object.values(resources(json, Subnet));
    expect(subnets).toHaveLength(4);
    for (const subnet of subnets) expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  it("routes the public subnets to an internet gateway", () => {
    expect(count(json, InternetGateway)).toBe(1);
    expect(synth).toHaveResourceWithProperties(InternetGateway, {
      vpc_id: ref(json, Vpc, "vpc"),
      tags: { Name: "net-igw" },
    });
    expect(resource(json, Route, "public-default-route")).toEqual({
      route_table_id: ref(json, RouteTable, "public-rt"),
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: ref(json, InternetGateway, "igw"),
    });
    for (const i of [0, 1]) {
      expect(resource(json, RouteTableAssociation, `public-rta-${i}`)).toEqual({
        route_table_id: ref(json, RouteTable, "public-rt"),
        subnet_id: ref(json, Subnet, `public-subnet-${i}`),
      });
    }
  });

  it("gives each AZ its own NAT gateway, EIP and private route table (per-az)", () => {
    expect(count(json, Eip)).toBe(2);
    expect(count(json, NatGateway)).toBe(2);
    expect(count(json, RouteTable)).toBe(3);
    expect(count(json, Route)).toBe(3);
    expect(count(json, RouteTableAssociation)).toBe(4);
    for (const i of [0, 1]) {
      const az = `eu-west-2${"ab"[i]}`;
      expect(resource(json, Eip, `nat-eip-${i}`)).toEqual({
        domain: "vpc",
        depends_on: [address(json, InternetGateway, "igw")],
        tags: { Name: `net-nat-${az}` },
      });
      expect(resource(json, NatGateway, `nat-${i}_`)).toEqual({
        allocation_id: ref(json, Eip, `nat-eip-${i}`, "allocation_id"),
        subnet_id: ref(json, Subnet, `public-subnet-${i}`),
        depends_on: [address(json, InternetGateway, "igw")],
        tags: { Name: `net-nat-${az}` },
      });
      expect(resource(json, RouteTable, `private-rt-${i}`)).toEqual({
        vpc_id: ref(json, Vpc, "vpc"),
        tags: { Name: `net-private-${az}` },
      });
      expect(resource(json, Route, `private-default-route-${i}`)).toEqual({
        route_table_id: ref(json, RouteTable, `private-rt-${i}`),
        destination_cidr_block: "0.0.0.0/0",
        nat_gateway_id: ref(json, NatGateway, `nat-${i}_`),
      });
      expect(resource(json, RouteTableAssociation, `private-rta-${i}`)).toEqual({
        route_table_id: ref(json, RouteTable, `private-rt-${i}`),
        subnet_id: ref(json, Subnet, `private-subnet-${i}`),
      });
    }
    expect(net.natPublicIps).toHaveLength(2);
    expect(net.natGateways).toBe("per-az");
    expect(net.privateRouteTableIds).toHaveLength(2);
  });

  it("creates a private myorg.local zone associated with the VPC", () => {
    expect(DEFAULT_ZONE_NAME).toBe("myorg.local");
    expect(count(json, Route53Zone)).toBe(1);
    expect(synth).toHaveResourceWithProperties(Route53Zone, {
      name: "myorg.local",
      vpc: [{ vpc_id: ref(json, Vpc, "vpc") }],
      tags: { Name: "net-zone" },
    });
    expect(net.zoneName).toBe("myorg.local");
  });

  it("exposes the VPC resolver as the base address + 2", () => {
    expect(net.vpcResolverAddress).toBe("172.24.0.2");
  });

  it("closes the default security group: no ingress, no egress", () => {
    expect(count(json, DefaultSecurityGroup)).toBe(1);
    expect(resource(json, DefaultSecurityGroup, "default-sg")).toEqual({
      vpc_id: ref(json, Vpc, "vpc"),
      ingress: [],
      egress: [],
      tags: { Name: "net-default-closed" },
    });
  });

  it("sends all VPC traffic to a flow log group kept a year, without a customer-managed key", () => {
    expect(DEFAULT_FLOW_LOG_RETENTION_DAYS).toBe(365);
    expect(resource(json, CloudwatchLogGroup, "flow-log-group")).toEqual({
      name: "/vpc/net/flow-logs",
      retention_in_days: 365,
      tags: { Name: "net-flow-logs" },
    });
    expect(resource(json, FlowLog, "flow-log")).toEqual({
      vpc_id: ref(json, Vpc, "vpc"),
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: ref(json, CloudwatchLogGroup, "flow-log-group", "arn"),
      iam_role_arn: ref(json, IamRole, "flow-log-role", "arn"),
      depends_on: [address(json, IamRolePolicy, "flow-log-policy")],
      tags: { Name: "net-flow-log" },
    });
    expect(net.flowLogGroup).toBeInstanceOf(CloudwatchLogGroup);
  });

  it("lets only vpc-flow-logs of this account assume the flow log role", () => {
    const role = resource(json, IamRole, "flow-log-role");
    const identityId = Object.keys(json.data?.[DataAwsCallerIdentity.tfResourceType] ?? {})[0];
    const callerIdentity = `${DataAwsCallerIdentity.tfResourceType}.${identityId}`;
    expect(role.name_prefix).toBe("net-flow-logs-");
    const trust = JSON.parse(role.assume_role_policy as string) as PolicyDocument;
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": `\${data.${callerIdentity}.account_id}` },
        },
      },
    ]);
    expect(Object.keys(json.data?.[DataAwsCallerIdentity.tfResourceType] ?? {})).toHaveLength(1);
  });

  it("scopes the flow log role's policy to three log actions on its log group", () => {
    const policy = resource(json, IamRolePolicy, "flow-log-policy");
    expect(policy.role).toBe(ref(json, IamRole, "flow-log-role"));
    const document = JSON.parse(policy.policy as string) as PolicyDocument;
    const groupArn = ref(json, CloudwatchLogGroup, "flow-log-group", "arn");
    expect(document.Statement).toEqual([
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [groupArn, `${groupArn}:*`],
      },
    ]);
    const actions = document.Statement.flatMap((statement) => statement.Action);
    for (const action of actions) expect(action).not.toContain("*");
  });

  it("exposes subnet ids by AZ and in AZ order", () => {
    expect(Object.keys(net.publicSubnetIdsByAz)).toEqual(["eu-west-2a", "eu-west-2b"]);
    expect(Object.keys(net.privateSubnetIdsByAz)).toEqual(["eu-west-2a", "eu-west-2b"]);
    const [public0, public1] = [0, 1].map((i) => ref(json, Subnet, `public-subnet-${i}`));
    const [private0, private1] = [0, 1].map((i) => ref(json, Subnet, `private-subnet-${i}`));
    expect(
      resolveIn(
        stack,
        net.publicSubnets.map((subnet) => subnet.id),
      ),
    ).toEqual([public0, public1]);
    expect(
      resolveIn(
        stack,
        net.privateSubnets.map((subnet) => subnet.id),
      ),
    ).toEqual([private0, private1]);
    expect(resolveIn(stack, net.publicSubnetIds)).toEqual([public0, public1]);
    expect(resolveIn(stack, net.privateSubnetIds)).toEqual([private0, private1]);
    expect(resolveIn(stack, net.publicSubnetIdsByAz)).toEqual({
      "eu-west-2a": public0,
      "eu-west-2b": public1,
    });
    expect(resolveIn(stack, net.privateSubnetIdsByAz)).toEqual({
      "eu-west-2a": private0,
      "eu-west-2b": private1,
    });
  });

  it("exposes the VPC, zone and route tables as typed attributes", () => {
    expect(net.vpc).toBeInstanceOf(Vpc);
    expect(resolveIn(stack, net.vpcId)).toBe(ref(json, Vpc, "vpc"));
    expect(net.zone).toBeInstanceOf(Route53Zone);
    expect(resolveIn(stack, net.zoneId)).toBe(ref(json, Route53Zone, "zone", "zone_id"));
    expect(resolveIn(stack, net.publicRouteTableId)).toBe(ref(json, RouteTable, "public-rt"));
    expect(resolveIn(stack, net.privateRouteTableIds)).toEqual(
      [0, 1].map((i) => ref(json, RouteTable, `private-rt-${i}`)),
    );
    expect(resolveIn(stack, net.natPublicIps)).toEqual(
      [0, 1].map((i) => ref(json, Eip, `nat-eip-${i}`, "public_ip")),
    );
  });
});

describe("Network options", () => {
  it("GIVEN a literal cidrBlock THEN subnets and the resolver are computed from it", () => {
    const { net, json, synth } = synthNetwork({ cidrBlock: "10.10.0.0/16" });
    expect(synth).toHaveResourceWithProperties(Vpc, { cidr_block: "10.10.0.0/16" });
    expect(cidrsOf(json, "public")).toEqual(["10.10.0.0/20", "10.10.16.0/20"]);
    expect(cidrsOf(json, "private")).toEqual(["10.10.128.0/20", "10.10.144.0/20"]);
    expect(net.vpcResolverAddress).toBe("10.10.0.2");
  });

  it("GIVEN subnetNewBits 8 on a /16 THEN subnets are /24", () => {
    const { json } = synthNetwork({ cidrBlock: "10.1.0.0/16", subnetNewBits: 8 });
    expect(cidrsOf(json, "public")).toEqual(["10.1.0.0/24", "10.1.1.0/24"]);
    expect(cidrsOf(json, "private")).toEqual(["10.1.8.0/24", "10.1.9.0/24"]);
  });

  it("GIVEN a /24 VPC and subnetNewBits 4 THEN subnets are /28 (the smallest AWS allows)", () => {
    const { json, net } = synthNetwork({ cidrBlock: "192.168.5.0/24" });
    expect(cidrsOf(json, "public")).toEqual(["192.168.5.0/28", "192.168.5.16/28"]);
    expect(cidrsOf(json, "private")).toEqual(["192.168.5.128/28", "192.168.5.144/28"]);
    expect(net.vpcResolverAddress).toBe("192.168.5.2");
  });

  it("GIVEN azCount 3 THEN it uses a, b, c and adding the AZ renumbers no other subnet", () => {
    const two = synthNetwork().json;
    const { json, net } = synthNetwork({ azCount: 3 });
    expect(net.availabilityZones).toEqual(["eu-west-2a", "eu-west-2b", "eu-west-2c"]);
    expect(cidrsOf(json, "public")).toEqual([...cidrsOf(two, "public"), "172.24.32.0/20"]);
    expect(cidrsOf(json, "private")).toEqual([...cidrsOf(two, "private"), "172.24.160.0/20"]);
    expect(count(json, NatGateway)).toBe(3);
    expect(resource(json, Subnet, "private-subnet-2").availability_zone).toBe("eu-west-2c");
  });

  it("GIVEN azCount 1 THEN one AZ, one NAT", () => {
    const { json, net } = synthNetwork({ azCount: 1 });
    expect(net.availabilityZones).toEqual(["eu-west-2a"]);
    expect(count(json, Subnet)).toBe(2);
    expect(count(json, NatGateway)).toBe(1);
  });

  it("GIVEN availabilityZones THEN subnets follow their order", () => {
    const { json, net } = synthNetwork({ availabilityZones: ["eu-west-2c", "eu-west-2a"] });
    expect(net.availabilityZones).toEqual(["eu-west-2c", "eu-west-2a"]);
    expect(resource(json, Subnet, "public-subnet-0")).toMatchObject({
      availability_zone: "eu-west-2c",
      cidr_block: "172.24.0.0/20",
    });
    expect(resource(json, Subnet, "private-subnet-1")).toMatchObject({
      availability_zone: "eu-west-2a",
      cidr_block: "172.24.144.0/20",
    });
    expect(Object.keys(net.publicSubnetIdsByAz)).toEqual(["eu-west-2c", "eu-west-2a"]);
  });

  it("GIVEN availabilityZones and a matching azCount THEN it is accepted", () => {
    const { net } = synthNetwork({ availabilityZones: ["eu-west-2b"], azCount: 1 });
    expect(net.availabilityZones).toEqual(["eu-west-2b"]);
  });

  it("GIVEN region us-east-1 and azCount 6 THEN it uses us-east-1a..f", () => {
    const { net } = synthNetwork({ region: "us-east-1", azCount: 6 });
    expect(net.availabilityZones).toEqual(["a", "b", "c", "d", "e", "f"].map((l) => `us-east-1${l}`));
  });

  it.each([
    ["eu-west-1", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]],
    ["eu-central-1", ["eu-central-1a", "eu-central-1b", "eu-central-1c"]],
    ["us-west-2", ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]],
  ])("GIVEN region %s and all its known AZs THEN they are accepted", (region, zones) => {
    expect(synthNetwork({ region, azCount: zones.length }).net.availabilityZones).toEqual(zones);
  });

  describe("the region: from the stack's AWS provider, never a silent default", () => {
    const stackWith = (providerRegion?: string, alias?: string): TerraformStack => {
      const stack = new TerraformStack(Testing.app(), "stack");
      if (providerRegion !== undefined) new AwsProvider(stack, "aws", { region: providerRegion, alias });
      return stack;
    };

    it("GIVEN a stack whose provider is in us-east-1 and no region THEN the subnets are in us-east-1", () => {
      const net = new Network(stackWith("us-east-1"), "net");
      expect(net.availabilityZones).toEqual(["us-east-1a", "us-east-1b"]);
    });

    it("GIVEN no provider region, no region and no zones THEN synth fails, naming region and the fixes", () => {
      expect(() => new Network(stackWith(), "net")).toThrow(
        `Network 'net': region (undefined) must be given when the stack's AWS provider sets no region: it names the availability zones; pass region (e.g. "eu-west-2"), configure the stack's AwsProvider with one, or list availabilityZones`,
      );
      // An aliased provider is not the stack's default: its region does not count.
      expect(() => new Network(stackWith("us-east-1", "use1"), "net")).toThrow(
        /^Network 'net': region \(undefined\) must be given/,
      );
    });

    it("GIVEN a region that differs from the provider's THEN synth fails: the provider decides where the subnets go", () => {
      expect(() => new Network(stackWith("us-east-1"), "net", { region: "eu-west-2" })).toThrow(
        `Network 'net': region ("eu-west-2") must agree with the region of the stack's AWS provider ("us-east-1"): the provider decides where the subnets go; drop region, or configure the provider with the same one`,
      );
      expect(new Network(stackWith("eu-west-2"), "same", { region: "eu-west-2" }).availabilityZones).toEqual([
        "eu-west-2a",
        "eu-west-2b",
      ]);
    });

    it("GIVEN no provider region but literal zones THEN the zones name the region, and a zone of another region is refused", () => {
      expect(
        new Network(stackWith(), "net", { availabilityZones: ["eu-west-1a", "eu-west-1c"] })
          .availabilityZones,
      ).toEqual(["eu-west-1a", "eu-west-1c"]);
      expect(
        () => new Network(stackWith(), "mixed", { availabilityZones: ["eu-west-1a", "eu-west-2b"] }),
      ).toThrow(/^Network 'mixed': availabilityZones \("eu-west-2b"\) must be a zone of eu-west-1/);
    });

    it("GIVEN the environment config's zones THEN they are Network's own derivation (defaultAvailabilityZones)", () => {
      expect(defaultAvailabilityZones("us-east-1", 3)).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
      expect(new Network(stackWith("us-east-1"), "net", { azCount: 3 }).availabilityZones).toEqual(
        defaultAvailabilityZones("us-east-1", 3),
      );
    });
  });

  it("GIVEN a region outside the table THEN AZs fall back to the <region>[a-z] shape", () => {
    expect(synthNetwork({ region: "ap-southeast-7" }).net.availabilityZones).toEqual([
      "ap-southeast-7a",
      "ap-southeast-7b",
    ]);
    const { net } = synthNetwork({ region: "ap-southeast-7", availabilityZones: ["ap-southeast-7z"] });
    expect(net.availabilityZones).toEqual(["ap-southeast-7z"]);
    expect(synthNetwork({ region: "ap-southeast-7", azCount: 8 }).net.availabilityZones).toHaveLength(8);
  });

  it("GIVEN natGateways single THEN one NAT in the first AZ and one shared private route table", () => {
    const { json, net } = synthNetwork({ natGateways: "single" });
    expect(count(json, Eip)).toBe(1);
    expect(count(json, NatGateway)).toBe(1);
    expect(resource(json, NatGateway, "nat-0")).toMatchObject({
      subnet_id: ref(json, Subnet, "public-subnet-0"),
      tags: { Name: "net-nat-eu-west-2a" },
    });
    expect(count(json, RouteTable)).toBe(2);
    expect(resource(json, RouteTable, "private-rt-0").tags).toEqual({ Name: "net-private" });
    expect(count(json, Route)).toBe(2);
    expect(resource(json, Route, "private-default-route-0")).toEqual({
      route_table_id: ref(json, RouteTable, "private-rt-0"),
      destination_cidr_block: "0.0.0.0/0",
      nat_gateway_id: ref(json, NatGateway, "nat-0"),
    });
    for (const i of [0, 1]) {
      expect(resource(json, RouteTableAssociation, `private-rta-${i}`).route_table_id).toBe(
        ref(json, RouteTable, "private-rt-0"),
      );
    }
    expect(net.natPublicIps).toHaveLength(1);
    expect(net.natGateways).toBe("single");
    expect(net.privateRouteTableIds).toHaveLength(1);
  });

  it("GIVEN natGateways none THEN no NAT or EIP and private route tables without a default route", () => {
    const { json, net } = synthNetwork({ natGateways: "none" });
    expect(count(json, Eip)).toBe(0);
    expect(count(json, NatGateway)).toBe(0);
    expect(count(json, RouteTable)).toBe(3);
    expect(Object.keys(resources(json, Route))).toEqual([expect.stringContaining("public-default-route")]);
    for (const i of [0, 1]) {
      expect(resource(json, RouteTableAssociation, `private-rta-${i}`).route_table_id).toBe(
        ref(json, RouteTable, `private-rt-${i}`),
      );
    }
    expect(net.natPublicIps).toEqual([]);
    expect(net.natGateways).toBe("none");
    expect(net.privateRouteTableIds).toHaveLength(2);
  });

  it("GIVEN a zoneName THEN the private zone uses it", () => {
    const { synth, net } = synthNetwork({ zoneName: "corp.internal" });
    expect(synth).toHaveResourceWithProperties(Route53Zone, { name: "corp.internal" });
    expect(net.zoneName).toBe("corp.internal");
  });

  it("GIVEN enableFlowLogs false THEN no flow log, log group, role, policy or caller identity", () => {
    const { json, net } = synthNetwork({ enableFlowLogs: false });
    for (const type of [FlowLog, CloudwatchLogGroup, IamRole, IamRolePolicy])
      expect(count(json, type)).toBe(0);
    expect(json.data).toBeUndefined();
    expect(net.flowLogGroup).toBeUndefined();
  });

  it("GIVEN flowLogRetentionDays 30 THEN the log group keeps logs 30 days", () => {
    const { synth } = synthNetwork({ flowLogRetentionDays: 30 });
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 30 });
  });

  it("GIVEN flowLogKmsKeyArn THEN the log group is encrypted with that key", () => {
    const arn = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { synth } = synthNetwork({ flowLogKmsKeyArn: arn });
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { kms_key_id: arn });
  });

  it("GIVEN a name THEN Name tags, the log group and the role prefix use it", () => {
    const { json, synth } = synthNetwork({ name: "prod" });
    expect(synth).toHaveResourceWithProperties(Vpc, { tags: { Name: "prod-vpc" } });
    expect(resource(json, Subnet, "public-subnet-0").tags).toEqual({ Name: "prod-public-eu-west-2a" });
    expect(resource(json, CloudwatchLogGroup, "flow-log-group").name).toBe("/vpc/prod/flow-logs");
    expect(resource(json, IamRole, "flow-log-role").name_prefix).toBe("prod-flow-logs-");
  });

  it("GIVEN tags THEN every taggable resource carries them next to its Name tag", () => {
    const { json } = synthNetwork({ tags: { team: "platform", env: "dev" } });
    const untaggable: string[] = [Route, RouteTableAssociation, IamRolePolicy].map(
      (type) => type.tfResourceType,
    );
    const types = Object.keys(json.resource ?? {});
    expect(types.length).toBeGreaterThan(10);
    for (const type of types.filter((t) => !untaggable.includes(t))) {
      for (const [id, block] of Object.entries(json.resource?.[type] ?? {})) {
        expect({ id, tags: block.tags }).toEqual({
          id,
          tags: { team: "platform", env: "dev", Name: expect.stringMatching(/^net-/) },
        });
      }
    }
  });
});

describe("Network with an unresolved cidrBlock", () => {
  // GIVEN the CIDR block comes from a Terraform variable
  let net: Network | undefined;
  const synth = Testing.synthScope((scope) => {
    const cidr = new TerraformVariable(scope, "vpc_cidr", { type: "string" });
    net = new Network(scope, "net", { region: "eu-west-2", cidrBlock: cidr.stringValue });
  });
  const json = JSON.parse(synth) as SynthJson;

  it("THEN the VPC uses the variable and subnets use cidrsubnet()", () => {
    expect(synth).toHaveResourceWithProperties(Vpc, { cidr_block: "${var.vpc_cidr}" });
    expect(cidrsOf(json, "public")).toEqual([
      "${cidrsubnet(var.vpc_cidr, 4, 0)}",
      "${cidrsubnet(var.vpc_cidr, 4, 1)}",
    ]);
    expect(cidrsOf(json, "private")).toEqual([
      "${cidrsubnet(var.vpc_cidr, 4, 8)}",
      "${cidrsubnet(var.vpc_cidr, 4, 9)}",
    ]);
  });

  it("THEN the resolver address and the host DNS snippet use cidrhost()", () => {
    const scope = Testing.synthScope((s) => {
      const cidr = new TerraformVariable(s, "vpc_cidr", { type: "string" });
      const network = new Network(s, "net", { region: "eu-west-2", cidrBlock: cidr.stringValue });
      new TerraformVariable(s, "probe", { type: "string", default: network.vpcResolverAddress });
      new TerraformVariable(s, "probe_user_data", { type: "string", default: network.hostDnsUserData() });
    });
    const variables = (JSON.parse(scope) as { variable: Record<string, { default: string }> }).variable;
    expect(variables.probe.default).toBe("${cidrhost(var.vpc_cidr, 2)}");
    expect(variables.probe_user_data.default).toContain("DNS=${cidrhost(var.vpc_cidr, 2)}\n");
    expect(net?.vpcCidrBlock).toMatch(/^\$\{TfToken\[/);
  });

  it("GIVEN the region is a variable too THEN AZ names are derived from it", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const region = new TerraformVariable(scope, "region", { type: "string" });
        new Network(scope, "net", { region: region.stringValue });
      }),
    ) as SynthJson;
    expect(resource(json, Subnet, "public-subnet-0").availability_zone).toBe("${var.region}a");
    expect(resource(json, Subnet, "private-subnet-1").availability_zone).toBe("${var.region}b");
  });

  it("THEN literal-only checks are skipped but the others still run", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const cidr = new TerraformVariable(scope, "vpc_cidr", { type: "string" });
        new Network(scope, "net", { region: "eu-west-2", cidrBlock: cidr.stringValue, subnetNewBits: 3 });
      }),
    ).toThrow(/^Network 'net': subnetNewBits \(3\) must give at least 10 subnets/);
  });
});

describe("Network.hostDnsUserData", () => {
  it("GIVEN the default network THEN it writes a systemd-resolved drop-in for the zone and restarts resolved", () => {
    const { net } = synthNetwork();
    const script = net.hostDnsUserData();
    expect(script).toContain("install -d -m 0755 /etc/systemd/resolved.conf.d\n");
    expect(script).toContain(
      [
        "cat > /etc/systemd/resolved.conf.d/myorg.local.conf <<'EOF'",
        "[Resolve]",
        "DNS=172.24.0.2",
        "Domains=~myorg.local",
        "MulticastDNS=no",
        "EOF",
        "systemctl restart systemd-resolved",
      ].join("\n"),
    );
  });

  it("GIVEN another CIDR and zone THEN the drop-in follows them", () => {
    const { net } = synthNetwork({ cidrBlock: "10.20.0.0/16", zoneName: "svc.local" });
    const script = net.hostDnsUserData();
    expect(script).toContain("/etc/systemd/resolved.conf.d/svc.local.conf");
    expect(script).toContain("DNS=10.20.0.2\n");
    expect(script).toContain("Domains=~svc.local\n");
  });

  it("THEN the snippet is valid bash", () => {
    const script = synthNetwork().net.hostDnsUserData();
    expect(() => execFileSync("bash", ["-n"], { input: script })).not.toThrow();
  });
});

describe("Network .local warning", () => {
  it("GIVEN a .local zone and no hostDnsUserData() call WHEN synthesized THEN it warns once", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "stack");
    const net = new Network(stack, "net", { region: "eu-west-2" });
    Testing.synth(stack);
    Testing.synth(stack);
    expect(warningsOf(net)).toEqual([
      expect.stringMatching(/^Zone myorg\.local ends in \.local: systemd-resolved/),
    ]);
  });

  it("GIVEN a .local zone WHEN the app is synthesized THEN the warning reaches the manifest", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "stack");
    addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
    new Network(stack, "net", { region: "eu-west-2" });
    const outdir = Testing.fullSynth(stack);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { annotations: { constructPath: string; level: string; message: string }[] }>;
    };
    expect(manifest.stacks.stack.annotations).toEqual([
      {
        constructPath: "stack/net",
        level: "@cdktf/warn",
        message: expect.stringContaining("network.hostDnsUserData()"),
      },
    ]);
  });

  it("GIVEN hostDnsUserData() was called THEN there is no warning", () => {
    let net: Network | undefined;
    Testing.synthScope((scope) => {
      net = new Network(scope, "net", { region: "eu-west-2" });
      net.hostDnsUserData();
    });
    expect(warningsOf(net as Network)).toEqual([]);
  });

  it("GIVEN a zone outside .local THEN there is no warning", () => {
    expect(warningsOf(synthNetwork({ zoneName: "corp.internal" }).net)).toEqual([]);
  });
});

describe("Network validation", () => {
  const build =
    (props: NetworkProps, id = "net") =>
    () =>
      Testing.synthScope((scope) => new Network(scope, id, { region: "eu-west-2", ...props }));
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  /** A value as messages show it: strings quoted, numbers bare, lists and maps as JSON. */
  const shown = (value: unknown) => (typeof value === "number" ? String(value) : JSON.stringify(value));
  /** The message names the construct id, the field and the value, then says what must hold and the fix. */
  const message = (field: string, value: unknown, must: string, id = "net") =>
    new RegExp(
      `^Network '${escape(id)}': ${escape(field)} \\(${escape(shown(value))}\\) must ${must}.*; \\S`,
    );

  it.each<[string, NetworkProps, string, unknown, string]>([
    ["malformed cidrBlock", { cidrBlock: "10.0.0/16" }, "cidrBlock", "10.0.0/16", "be an IPv4 CIDR block"],
    [
      "cidrBlock leading zero",
      { cidrBlock: "010.0.0.0/16" },
      "cidrBlock",
      "010.0.0.0/16",
      "be an IPv4 CIDR block",
    ],
    [
      "cidrBlock octet > 255",
      { cidrBlock: "10.0.0.256/16" },
      "cidrBlock",
      "10.0.0.256/16",
      "have octets from 0",
    ],
    [
      "cidrBlock prefix > 32",
      { cidrBlock: "10.0.0.0/33" },
      "cidrBlock",
      "10.0.0.0/33",
      "have a prefix length",
    ],
    [
      "cidrBlock host bits",
      { cidrBlock: "10.0.0.1/16" },
      "cidrBlock",
      "10.0.0.1/16",
      "have no host bits set",
    ],
    [
      "cidrBlock wider than /16",
      { cidrBlock: "10.0.0.0/8" },
      "cidrBlock",
      "10.0.0.0/8",
      "have a prefix from /16 to /28",
    ],
    [
      "cidrBlock narrower than /28",
      { cidrBlock: "10.0.0.0/29" },
      "cidrBlock",
      "10.0.0.0/29",
      "have a prefix from /16",
    ],
    [
      "cidrBlock too small",
      { cidrBlock: "10.0.0.0/25" },
      "cidrBlock",
      "10.0.0.0/25",
      "be large enough for /29",
    ],
    [
      "cidrBlock too small for subnetNewBits",
      { cidrBlock: "10.0.0.0/20", subnetNewBits: 9 },
      "cidrBlock",
      "10.0.0.0/20",
      "be large enough for /29",
    ],
    ["subnetNewBits 0", { subnetNewBits: 0 }, "subnetNewBits", 0, "be an integer from 1 to 12"],
    ["subnetNewBits 13", { subnetNewBits: 13 }, "subnetNewBits", 13, "be an integer from 1 to 12"],
    ["subnetNewBits 2.5", { subnetNewBits: 2.5 }, "subnetNewBits", 2.5, "be an integer"],
    ["too few netnums", { subnetNewBits: 3 }, "subnetNewBits", 3, "give at least 10 subnets"],
    ["azCount 0", { azCount: 0 }, "azCount", 0, "be an integer from 1 to 3"],
    [
      "azCount above the region's AZs",
      { azCount: 4 },
      "azCount",
      4,
      "be an integer from 1 to 3 \\(eu-west-2",
    ],
    ["azCount fractional", { azCount: 1.5 }, "azCount", 1.5, "be an integer"],
    [
      "azCount above us-east-1's",
      { region: "us-east-1", azCount: 7 },
      "azCount",
      7,
      "be an integer from 1 to 6",
    ],
    ["azCount above 8", { region: "ap-southeast-7", azCount: 9 }, "azCount", 9, "be an integer from 1 to 8"],
    [
      "azCount contradicting availabilityZones",
      { azCount: 3, availabilityZones: ["eu-west-2a", "eu-west-2b"] },
      "azCount",
      3,
      "equal the 2 availabilityZones given",
    ],
    ["empty availabilityZones", { availabilityZones: [] }, "availabilityZones", [], "list 1 to 3 zones"],
    [
      "too many availabilityZones",
      { availabilityZones: ["eu-west-2a", "eu-west-2b", "eu-west-2c", "eu-west-2d"] },
      "availabilityZones",
      ["eu-west-2a", "eu-west-2b", "eu-west-2c", "eu-west-2d"],
      "list 1 to 3 zones",
    ],
    [
      "AZ of another region",
      { availabilityZones: ["eu-west-2a", "eu-west-1b"] },
      "availabilityZones",
      "eu-west-1b",
      "be a zone of eu-west-2 \\(eu-west-2a, eu-west-2b, eu-west-2c\\)",
    ],
    [
      "unknown AZ letter",
      { availabilityZones: ["eu-west-2d"] },
      "availabilityZones",
      "eu-west-2d",
      "be a zone of",
    ],
    [
      "AZ without a letter in an unknown region",
      { region: "ap-southeast-7", availabilityZones: ["ap-southeast-7"] },
      "availabilityZones",
      "ap-southeast-7",
      "be a zone of ap-southeast-7 \\(ap-southeast-7\\[a-z\\]\\)",
    ],
    [
      "duplicate AZ",
      { availabilityZones: ["eu-west-2a", "eu-west-2a"] },
      "availabilityZones",
      "eu-west-2a",
      "be listed once",
    ],
    ["malformed region", { region: "Europe" }, "region", "Europe", "be an AWS region name"],
    [
      "single-label zoneName",
      { zoneName: "myorg" },
      "zoneName",
      "myorg",
      "be at least two lower-case DNS labels",
    ],
    ["zoneName trailing dot", { zoneName: "myorg.local." }, "zoneName", "myorg.local.", "not end with a dot"],
    ["zoneName leading hyphen", { zoneName: "-bad.local" }, "zoneName", "-bad.local", "be at least two"],
    [
      "zoneName upper case",
      { zoneName: "MyOrg.local" },
      "zoneName",
      "MyOrg.local",
      "be at least two lower-case",
    ],
    ["zoneName empty label", { zoneName: "a..local" }, "zoneName", "a..local", "be at least two"],
    [
      "zoneName label over 63",
      { zoneName: `${"a".repeat(64)}.local` },
      "zoneName",
      `${"a".repeat(64)}.local`,
      "be at least two",
    ],
    [
      "flowLogRetentionDays not allowed",
      { flowLogRetentionDays: 10 },
      "flowLogRetentionDays",
      10,
      "be a CloudWatch Logs retention \\(1, 3, 5,",
    ],
    [
      "flowLogRetentionDays with flow logs off",
      { enableFlowLogs: false, flowLogRetentionDays: 30 },
      "flowLogRetentionDays",
      30,
      "be unset when enableFlowLogs is false",
    ],
    [
      "flowLogKmsKeyArn not an ARN",
      { flowLogKmsKeyArn: "alias/logs" },
      "flowLogKmsKeyArn",
      "alias/logs",
      "be a KMS key ARN",
    ],
    [
      "flowLogKmsKeyArn with flow logs off",
      {
        enableFlowLogs: false,
        flowLogKmsKeyArn: "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      },
      "flowLogKmsKeyArn",
      "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "be unset when enableFlowLogs is false",
    ],
    [
      "unknown natGateways",
      { natGateways: "two" as string as NatGateways },
      "natGateways",
      "two",
      "be one of per-az, single, none",
    ],
    ["name with bad characters", { name: "bad_name!" }, "name", "bad_name!", "be 1 to 24 letters"],
    ["name too long", { name: "n".repeat(25) }, "name", "n".repeat(25), "be 1 to 24 letters"],
    ["Name in tags", { tags: { Name: "x" } }, "tags", { Name: "x" }, "not set Name"],
  ])("GIVEN %s THEN it throws naming id, field and value", (_case, props, field, value, must) => {
    expect(build(props)).toThrow(message(field, value, must));
  });

  it("GIVEN a construct id unfit as a name THEN it says to pass `name`", () => {
    expect(build({}, "Net_1")).toThrow(message("name", "Net_1", "be 1 to 24", "Net_1"));
    expect(build({}, "Net_1")).toThrow(/pass `name`/);
    expect(build({ name: "net-1" }, "Net_1")).not.toThrow();
  });

  it("GIVEN bad values THEN each is shown as its type reads: strings quoted, NaN by name", () => {
    expect(build({}, "Net_1")).toThrow(/^Network 'Net_1': name \("Net_1"\) must be 1 to 24 letters/);
    expect(build({ azCount: NaN })).toThrow(/^Network 'net': azCount \(NaN\) must be an integer from 1 to 3/);
    expect(build({ azCount: 4 })).toThrow(/^Network 'net': azCount \(4\) must/);
  });

  it("GIVEN a misspelt prop THEN it fails naming the nearest key and the valid ones", () => {
    const props = { natGateway: "single" } as unknown as NetworkProps;
    expect(build(props)).toThrow(
      "Network 'net': natGateway (\"single\") must be a known key; did you mean natGateways? (valid: " +
        "allowUnlistedRegion, availabilityZones, azCount, cidrBlock, enableFlowLogs, flowLogKmsKeyArn, " +
        "flowLogRetentionDays, name, natGateways, region, subnetNewBits, tags, zoneName)",
    );
    expect(build({ foo: 1 } as unknown as NetworkProps)).toThrow(
      /^Network 'net': foo \(1\) must be a known key; remove it; the valid keys are allowUnlistedRegion, /,
    );
  });

  it("GIVEN every prop, validly THEN it passes (tag keys are the caller's and not checked)", () => {
    const every: Required<NetworkProps> = {
      cidrBlock: "10.1.0.0/16",
      region: "eu-west-1",
      allowUnlistedRegion: false,
      availabilityZones: ["eu-west-1a", "eu-west-1c"],
      azCount: 2,
      subnetNewBits: 4,
      natGateways: "single",
      zoneName: "corp.internal",
      enableFlowLogs: true,
      flowLogRetentionDays: 30,
      flowLogKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      name: "every",
      tags: { natGateway: "not a prop", Team: "net" },
    };
    expect(build(every)).not.toThrow();
  });

  it("GIVEN a region AWS does not list THEN it fails naming the nearest one and the escape hatch", () => {
    expect(build({ region: "eu-west-7" })).toThrow(
      "Network 'net': region (\"eu-west-7\") must be a region AWS lists (AWS_REGIONS); did you mean eu-west-1? " +
        "for a region newer than the table, set allowUnlistedRegion: true",
    );
    expect(build({ region: "eu-west-2" })).not.toThrow();
  });

  it("GIVEN an unlisted region with allowUnlistedRegion THEN it passes, its zones derived; the shape is still checked", () => {
    const { net } = synthNetwork({ region: "eu-west-7", allowUnlistedRegion: true });
    expect(net.availabilityZones).toEqual(["eu-west-7a", "eu-west-7b"]);
    expect(build({ region: "Europe", allowUnlistedRegion: true })).toThrow(
      message("region", "Europe", "be an AWS region name"),
    );
  });

  it("GIVEN allowUnlistedRegion as a token THEN it fails: it decides at synth time", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const allow = new TerraformVariable(scope, "allow", { type: "bool" })
          .booleanValue as unknown as boolean;
        new Network(scope, "net", { region: "eu-west-2", allowUnlistedRegion: allow });
      }),
    ).toThrow(/^Network 'net': allowUnlistedRegion \(.+\) must be a literal, not a token/);
  });

  it("GIVEN the longest valid name THEN the derived names fit: the flow log role prefix within IAM's 38", () => {
    const name = "n".repeat(24);
    const { json } = synthNetwork({ name });
    const prefix = resource(json, IamRole, "flow-log-role").name_prefix as string;
    expect(prefix).toBe(`${name}-flow-logs-`);
    expect(prefix.length).toBeLessThanOrEqual(38);
    expect(resource(json, CloudwatchLogGroup, "flow-log-group").name).toBe(`/vpc/${name}/flow-logs`);
  });

  it("GIVEN bad props THEN the error is a ValidationError", () => {
    let thrown: unknown;
    try {
      build({ azCount: 0 })();
    } catch (e) {
      thrown = e;
    }
    expect(ValidationError.isValidationError(thrown)).toBe(true);
  });

  it("GIVEN bad props THEN nothing is created", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    expect(() => new Network(stack, "net", { region: "eu-west-2", azCount: 9 })).toThrow(/azCount/);
    expect((JSON.parse(Testing.synth(stack)) as SynthJson).resource).toBeUndefined();
  });
});

describe("Network README", () => {
  const readme = fs.readFileSync(path.join(__dirname, "../../modules/network/README.md"), "utf8");
  const source = (file: string) =>
    fs.readFileSync(path.join(__dirname, "../../modules/network", file), "utf8");

  it("starts with a usage example", () => {
    expect(readme).toMatch(/^# Network\n[\s\S]*?```ts\n[\s\S]*new Network\(/);
  });

  it("documents every prop and every public attribute", () => {
    const props = [...source("props.ts").matchAll(/^ {2}readonly (\w+)\??:/gm)].map((m) => m[1]);
    const attributes = [...source("network.ts").matchAll(/^ {2}public readonly (\w+)\??:/gm)].map(
      (m) => m[1],
    );
    expect(props.length).toBeGreaterThan(10);
    expect(attributes.length).toBeGreaterThan(15);
    for (const name of [...props, ...attributes, "hostDnsUserData()"])
      expect(readme).toContain(`| \`${name}\``);
  });
});

describe("Network Terraform validity", () => {
  it("GIVEN a stack with the AWS provider and a Network THEN terraform validate passes", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "stack");
    addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
    const net = new Network(stack, "net", { region: "eu-west-2" });
    net.hostDnsUserData();
    const dir = Testing.fullSynth(stack);
    expect(dir).toBeValidTerraform();
  });
});
