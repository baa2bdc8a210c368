import { Construct } from "constructs";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EipAssociation } from "@cdktf/provider-aws/lib/eip-association";
import { NetworkInterface } from "@cdktf/provider-aws/lib/network-interface";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { INetwork } from "../network";
import { failFor } from "../shared/validation";
import { StaticIpAddressesProps } from "./props";
import { azIdPart, resolveStandaloneAddressesConfig, StaticIpAddressesConfig } from "./validation";

/** Marks every {@link StaticIpAddresses}, also across copies of the package. */
const STATIC_IP_ADDRESSES_SYMBOL = Symbol.for("@ecs-cdktf/modules/static-ip.StaticIpAddresses");

/**
 * The long-lived half of the static IPs: per AZ an ENI in the public subnet holding an Elastic IP
 * (protected from destroy), and the ENIs' security group open on the proxy ports. Put it in a stack
 * that outlives the application's, and hand it to `StaticIp` (which moves the ENIs between edge
 * instances and runs the proxy); the addresses then survive a teardown of everything else.
 *
 * Everything a `StaticIp` in another stack reads from it is either literal (the AZs, the ports) or
 * a Terraform reference cdktf carries across stacks (ids, ARNs, private IPs).
 */
export class StaticIpAddresses extends Construct {
  /** Whether `x` is a {@link StaticIpAddresses}, by a symbol rather than a class (so also from another copy of the package). */
  public static isStaticIpAddresses(x: unknown): x is StaticIpAddresses {
    return typeof x === "object" && x !== null && STATIC_IP_ADDRESSES_SYMBOL in x;
  }

  /** The network the ENIs are in. */
  public readonly network: INetwork;
  /** The AZs, in order (literal names, or tokens in a generated Terraform module). */
  public readonly availabilityZones: readonly string[];
  /** The public ports (literal). */
  public readonly proxyPorts: readonly number[];
  /** The Elastic IPs, by AZ. */
  public readonly eips: Readonly<Record<string, Eip>>;
  /** The public addresses, by AZ. */
  public readonly publicIps: Readonly<Record<string, string>>;
  /** The associations of each EIP with its ENI, by AZ. */
  public readonly eipAssociations: Readonly<Record<string, EipAssociation>>;
  /** The ENIs holding the Elastic IPs, by AZ. */
  public readonly networkInterfaces: Readonly<Record<string, NetworkInterface>>;
  /** Ids of {@link networkInterfaces}, by AZ. */
  public readonly networkInterfaceIds: Readonly<Record<string, string>>;
  /** ARNs of {@link networkInterfaces}, by AZ. */
  public readonly networkInterfaceArns: Readonly<Record<string, string>>;
  /** Primary private IPs of {@link networkInterfaces} (what the proxy binds to), by AZ. */
  public readonly privateIps: Readonly<Record<string, string>>;
  /** The security group of the ENIs (the proxy ports from anywhere). */
  public readonly securityGroup: SecurityGroup;
  /** Id of {@link securityGroup}. */
  public readonly securityGroupId: string;
  /** The configuration the construct was built from. */
  public readonly config: StaticIpAddressesConfig;

  public constructor(scope: Construct, id: string, props: StaticIpAddressesProps) {
    // Validated before super(), so a rejected construct leaves nothing behind.
    const config = resolveStandaloneAddressesConfig(failFor(`StaticIpAddresses '${id}'`), props);
    super(scope, id);
    Object.defineProperty(this, STATIC_IP_ADDRESSES_SYMBOL, { value: true });
    this.config = config;
    this.network = props.network;
    this.availabilityZones = [...config.availabilityZones];
    this.proxyPorts = [...config.proxyPorts];
    const { name } = config;
    const tagged = (resourceName: string): Record<string, string> => ({ ...config.tags, Name: resourceName });

    // Open to the internet on purpose: the static IPs are the public entry point (the proxy behind
    // them forwards to the load balancer).
    this.securityGroup = new SecurityGroup(this, "edge-sg", {
      namePrefix: `${name}-edge-`,
      description: "Static-IP ENIs: the proxy ports from the internet",
      vpcId: props.network.vpcId,
      tags: tagged(`${name}-edge`),
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = this.securityGroup.id;
    for (const port of config.proxyPorts) {
      new VpcSecurityGroupIngressRule(this, `edge-ingress-${port}`, {
        securityGroupId: this.securityGroupId,
        description: `Internet to the static IPs on ${port} (public edge)`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
        tags: tagged(`${name}-edge-${port}`),
      });
    }

    const eips: Record<string, Eip> = {};
    const associations: Record<string, EipAssociation> = {};
    const enis: Record<string, NetworkInterface> = {};
    for (const az of config.availabilityZones) {
      const idPart = azIdPart(config.availabilityZones, az);
      const eni = new NetworkInterface(this, `eni-${idPart}`, {
        subnetId: props.network.publicSubnetIdsByAz[az],
        securityGroups: [this.securityGroupId],
        description: `Static IP of ${name} in ${az} (moved between edge instances by the attacher Lambda)`,
        tags: tagged(`${name}-${az}`),
      });
      const eip = new Eip(this, `eip-${idPart}`, {
        domain: "vpc",
        tags: tagged(`${name}-${az}`),
        // Releasing an Elastic IP loses the address for good (see README, "Releasing an Elastic IP").
        lifecycle: { preventDestroy: !config.allowEipDestroy },
      });
      associations[az] = new EipAssociation(this, `eip-association-${idPart}`, {
        allocationId: eip.allocationId,
        networkInterfaceId: eni.id,
      });
      enis[az] = eni;
      eips[az] = eip;
    }
    const byAz = <T>(pick: (az: string) => T): Record<string, T> =>
      Object.fromEntries(config.availabilityZones.map((az) => [az, pick(az)]));
    this.eips = eips;
    this.eipAssociations = associations;
    this.networkInterfaces = enis;
    this.publicIps = byAz((az) => eips[az].publicIp);
    this.networkInterfaceIds = byAz((az) => enis[az].id);
    this.networkInterfaceArns = byAz((az) => enis[az].arn);
    this.privateIps = byAz((az) => enis[az].privateIp);
  }
}
