import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { cidrHost, cidrSubnet } from "./cidr";
import { MAX_AZS } from "./regions";
import { NetworkConfig } from "./validation";

/** The two subnets of one availability zone. */
export interface AzSubnetCidrs {
  readonly availabilityZone: string;
  /** Netnum `i` of the VPC block. */
  readonly publicCidr: string;
  /** Netnum `MAX_AZS + i`, so adding a zone never renumbers another. */
  readonly privateCidr: string;
}

/**
 * Subnet CIDRs per AZ: literal strings for a literal VPC block and literal `subnetNewBits`,
 * `cidrsubnet()` when either is a token.
 */
export function subnetCidrs(config: NetworkConfig): AzSubnetCidrs[] {
  const { literalCidr, cidrBlock, subnetNewBits } = config;
  const literal = literalCidr !== undefined && !Token.isUnresolved(subnetNewBits) ? literalCidr : undefined;
  const subnet = (netnum: number): string =>
    literal ? cidrSubnet(literal, subnetNewBits, netnum) : Fn.cidrsubnet(cidrBlock, subnetNewBits, netnum);
  return config.availabilityZones.map((availabilityZone, i) => ({
    availabilityZone,
    publicCidr: subnet(i),
    privateCidr: subnet(MAX_AZS + i),
  }));
}

/** The VPC resolver (the block's base address + 2): literal, or `cidrhost()` for a token. */
export function vpcResolverAddress(config: NetworkConfig): string {
  return config.literalCidr ? cidrHost(config.literalCidr, 2) : Fn.cidrhost(config.cidrBlock, 2);
}

/** Public and private subnets, index `i` in AZ `i`. */
export interface NetworkSubnets {
  readonly publicSubnets: Subnet[];
  readonly privateSubnets: Subnet[];
}

/** Creates one public and one private subnet per AZ in `scope`. */
export function createSubnets(
  scope: Construct,
  config: NetworkConfig,
  vpcId: string,
  tagsFor: (suffix: string) => Record<string, string>,
): NetworkSubnets {
  const publicSubnets: Subnet[] = [];
  const privateSubnets: Subnet[] = [];
  subnetCidrs(config).forEach(({ availabilityZone, publicCidr, privateCidr }, i) => {
    publicSubnets.push(
      new Subnet(scope, `public-subnet-${i}`, {
        vpcId,
        availabilityZone,
        cidrBlock: publicCidr,
        // Instances in public subnets get a public IP only when asked for (ENI, EIP).
        mapPublicIpOnLaunch: false,
        tags: tagsFor(`public-${availabilityZone}`),
      }),
    );
    privateSubnets.push(
      new Subnet(scope, `private-subnet-${i}`, {
        vpcId,
        availabilityZone,
        cidrBlock: privateCidr,
        mapPublicIpOnLaunch: false,
        tags: tagsFor(`private-${availabilityZone}`),
      }),
    );
  });
  return { publicSubnets, privateSubnets };
}
