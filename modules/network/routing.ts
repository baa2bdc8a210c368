import { Construct } from "constructs";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { NetworkConfig } from "./validation";

const ANYWHERE = "0.0.0.0/0";

/** The routing resources of a network. */
export interface NetworkRouting {
  readonly internetGateway: InternetGateway;
  readonly publicRouteTable: RouteTable;
  /** One per AZ, or a single shared one for `natGateways: "single"`. */
  readonly privateRouteTables: RouteTable[];
  readonly natGateways: NatGateway[];
  readonly natEips: Eip[];
}

/**
 * Internet gateway, public route table, and NAT gateways with private route tables as
 * `config.natGateways` asks.
 */
export function createRouting(
  scope: Construct,
  config: NetworkConfig,
  vpcId: string,
  subnets: { readonly publicSubnets: Subnet[]; readonly privateSubnets: Subnet[] },
  tagsFor: (suffix: string) => Record<string, string>,
): NetworkRouting {
  const azs = config.availabilityZones;
  const internetGateway = new InternetGateway(scope, "igw", { vpcId, tags: tagsFor("igw") });

  const publicRouteTable = new RouteTable(scope, "public-rt", { vpcId, tags: tagsFor("public") });
  new Route(scope, "public-default-route", {
    routeTableId: publicRouteTable.id,
    destinationCidrBlock: ANYWHERE,
    gatewayId: internetGateway.id,
  });
  subnets.publicSubnets.forEach((subnet, i) => {
    new RouteTableAssociation(scope, `public-rta-${i}`, {
      subnetId: subnet.id,
      routeTableId: publicRouteTable.id,
    });
  });

  const natAzCount = { "per-az": azs.length, single: 1, none: 0 }[config.natGateways];
  const natEips: Eip[] = [];
  const natGateways: NatGateway[] = [];
  for (let i = 0; i < natAzCount; i++) {
    // A NAT gateway's EIP and traffic need the internet gateway attached first.
    const eip = new Eip(scope, `nat-eip-${i}`, {
      domain: "vpc",
      tags: tagsFor(`nat-${azs[i]}`),
      dependsOn: [internetGateway],
    });
    natEips.push(eip);
    natGateways.push(
      new NatGateway(scope, `nat-${i}`, {
        allocationId: eip.allocationId,
        subnetId: subnets.publicSubnets[i].id,
        tags: tagsFor(`nat-${azs[i]}`),
        dependsOn: [internetGateway],
      }),
    );
  }

  // Table i serves AZ i; "single" keeps only table 0 (same address), so switching modes keeps it.
  const shared = config.natGateways === "single";
  const privateTableCount = shared ? 1 : azs.length;
  const privateRouteTables: RouteTable[] = [];
  for (let i = 0; i < privateTableCount; i++) {
    const table = new RouteTable(scope, `private-rt-${i}`, {
      vpcId,
      tags: tagsFor(shared ? "private" : `private-${azs[i]}`),
    });
    privateRouteTables.push(table);
    if (natGateways[i]) {
      new Route(scope, `private-default-route-${i}`, {
        routeTableId: table.id,
        destinationCidrBlock: ANYWHERE,
        natGatewayId: natGateways[i].id,
      });
    }
  }
  subnets.privateSubnets.forEach((subnet, i) => {
    const table = privateRouteTables[shared ? 0 : i];
    new RouteTableAssociation(scope, `private-rta-${i}`, { subnetId: subnet.id, routeTableId: table.id });
  });

  return { internetGateway, publicRouteTable, privateRouteTables, natGateways, natEips };
}
