import { TerraformProvider, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { createFlowLogs } from "./flow-logs";
import { byAz, ImportedNetwork, INetwork, NetworkAttributes, NetworkBase } from "./network-ref";
import { NatGateways, NetworkProps } from "./props";
import { createRouting } from "./routing";
import { createSubnets, vpcResolverAddress } from "./subnets";
import { mergeTags } from "./tags";
import { resolveNetworkConfig } from "./validation";

/**
 * A VPC with one public and one private subnet per availability zone, an internet gateway, NAT
 * gateways as chosen, a private Route 53 zone, VPC flow logs and a closed default security group.
 *
 * It configures no provider, region, backend or outputs: the stack does. A network that exists
 * already is imported with {@link Network.fromAttributes}; the other modules take either.
 */
export class Network extends NetworkBase {
  /**
   * An existing VPC and its subnets as an {@link INetwork}, for the other modules: no resource
   * is created. The attributes are validated first; errors read `Network.fromAttributes '<id>': …`.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: NetworkAttributes): INetwork {
    return new ImportedNetwork(scope, id, attrs);
  }

  /** The VPC. */
  public readonly vpc: Vpc;
  /** Id of the VPC. */
  public readonly vpcId: string;
  /** CIDR block of the VPC (the literal given, or the token). */
  public readonly vpcCidrBlock: string;
  /** Availability zone names, in subnet order. */
  public readonly availabilityZones: string[];
  /** Public subnets, index `i` in `availabilityZones[i]`. */
  public readonly publicSubnets: Subnet[];
  /** Private subnets, index `i` in `availabilityZones[i]`. */
  public readonly privateSubnets: Subnet[];
  /** Ids of {@link publicSubnets}. */
  public readonly publicSubnetIds: string[];
  /** Ids of {@link privateSubnets}. */
  public readonly privateSubnetIds: string[];
  /** Public subnet id by AZ name. */
  public readonly publicSubnetIdsByAz: Readonly<Record<string, string>>;
  /** Private subnet id by AZ name. */
  public readonly privateSubnetIdsByAz: Readonly<Record<string, string>>;
  /** Id of the public route table. */
  public readonly publicRouteTableId: string;
  /** Ids of the private route tables (one per AZ, or one shared for `natGateways: "single"`). */
  public readonly privateRouteTableIds: string[];
  /** The private hosted zone, associated with the VPC. */
  public readonly zone: Route53Zone;
  /** Id of {@link zone}. */
  public readonly zoneId: string;
  /** Name of {@link zone}, e.g. `myorg.local`. */
  public readonly zoneName: string;
  /**
   * The NAT gateway layout: `none` means the private subnets have no route to the internet (nor
   * to AWS APIs: the network creates no VPC endpoints).
   */
  public readonly natGateways: NatGateways;
  /** Public IPs of the NAT gateways (empty for `natGateways: "none"`). */
  public readonly natPublicIps: string[];
  /** Log group of the VPC flow logs, when enabled. */
  public readonly flowLogGroup?: CloudwatchLogGroup;
  /** The VPC's DNS resolver: the block's base address + 2 (e.g. `172.24.0.2`). */
  public readonly vpcResolverAddress: string;

  /** Validates `props` (throwing before any resource is created), then builds the network. */
  public constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const config = resolveNetworkConfig(id, props, awsProviderRegion(this));
    const tagsFor = (suffix: string): Record<string, string> =>
      mergeTags(config.tags, { Name: `${config.name}-${suffix}` });

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: config.cidrBlock,
      // Private hosted zones answer only in VPCs with both DNS settings on.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: tagsFor("vpc"),
    });
    this.vpcId = this.vpc.id;
    this.vpcCidrBlock = config.cidrBlock;
    this.availabilityZones = [...config.availabilityZones];

    // Adopts the VPC's default security group and removes all its rules.
    new DefaultSecurityGroup(this, "default-sg", {
      vpcId: this.vpcId,
      ingress: [],
      egress: [],
      tags: tagsFor("default-closed"),
    });

    const subnets = createSubnets(this, config, this.vpcId, tagsFor);
    this.publicSubnets = subnets.publicSubnets;
    this.privateSubnets = subnets.privateSubnets;
    this.publicSubnetIds = this.publicSubnets.map((subnet) => subnet.id);
    this.privateSubnetIds = this.privateSubnets.map((subnet) => subnet.id);
    this.publicSubnetIdsByAz = byAz(this.availabilityZones, this.publicSubnetIds);
    this.privateSubnetIdsByAz = byAz(this.availabilityZones, this.privateSubnetIds);

    const routing = createRouting(this, config, this.vpcId, subnets, tagsFor);
    this.publicRouteTableId = routing.publicRouteTable.id;
    this.privateRouteTableIds = routing.privateRouteTables.map((table) => table.id);
    this.natPublicIps = routing.natEips.map((eip) => eip.publicIp);
    this.natGateways = config.natGateways;

    this.zone = new Route53Zone(this, "zone", {
      name: config.zoneName,
      comment: `Private zone of ${config.name}`,
      vpc: [{ vpcId: this.vpcId }],
      tags: tagsFor("zone"),
    });
    this.zoneId = this.zone.zoneId;
    this.zoneName = config.zoneName;
    this.vpcResolverAddress = vpcResolverAddress(config);

    if (config.enableFlowLogs) {
      this.flowLogGroup = createFlowLogs(this, config, this.vpcId, tagsFor).logGroup;
    }
  }
}

/**
 * The region of the default (unaliased) AWS provider of `scope`'s stack, when it sets one: the
 * region the network's resources really go to.
 */
export function awsProviderRegion(scope: Construct): string | undefined {
  const stack = TerraformStack.of(scope);
  for (const child of stack.node.findAll()) {
    if (!TerraformProvider.isTerraformProvider(child)) continue;
    if (child.terraformResourceType !== "aws" || child.alias !== undefined) continue;
    const region = (child as TerraformProvider & { region?: unknown }).region;
    if (typeof region === "string") return region;
  }
  return undefined;
}
