import { Annotations, Aspects, Fn, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { checkAwsId, checkKnownKeys, Fail, failFor, keysOf } from "../shared/validation";
import { cidrHost, cidrProblem, parseCidr } from "./cidr";
import { needsHostDns, renderHostDnsUserData, unwiredLocalZoneWarning } from "./host-dns";
import { NAT_GATEWAY_MODES, NatGateways } from "./props";
import { REGION_PATTERN } from "./regions";
import { checkZoneName } from "./validation";

/** Marks every {@link INetwork} this library made, also across copies of the package. */
const NETWORK_SYMBOL = Symbol.for("@ecs-cdktf/modules/network.INetwork");

/**
 * What the other modules read of a network: a {@link Network} built here, or one that exists
 * already, imported with {@link Network.fromAttributes}.
 */
export interface INetwork extends IConstruct {
  /** Id of the VPC. */
  readonly vpcId: string;
  /** CIDR block of the VPC (a literal or a token); undefined when an imported network did not say. */
  readonly vpcCidrBlock: string | undefined;
  /** Availability zone names, in subnet order (empty when an imported network did not say). */
  readonly availabilityZones: string[];
  /** Public subnet ids, index `i` in `availabilityZones[i]` (empty when the VPC has none). */
  readonly publicSubnetIds: string[];
  /** Private subnet ids, index `i` in `availabilityZones[i]` (empty when the VPC has none). */
  readonly privateSubnetIds: string[];
  /** Public subnet id by AZ name. */
  readonly publicSubnetIdsByAz: Readonly<Record<string, string>>;
  /** Private subnet id by AZ name. */
  readonly privateSubnetIdsByAz: Readonly<Record<string, string>>;
  /**
   * The NAT gateway layout of the private subnets; `undefined` when not known (an imported
   * network that did not say), which skips the checks that need it.
   */
  readonly natGateways: NatGateways | undefined;
  /** The VPC's DNS resolver: the block's base address + 2 (e.g. `172.24.0.2`); undefined when not known. */
  readonly vpcResolverAddress: string | undefined;
  /** Name of the VPC's private Route 53 zone, when it has one this library knows of. */
  readonly zoneName: string | undefined;
  /**
   * Bash for EC2 user data that routes {@link zoneName} to the VPC resolver (empty when hosts
   * need nothing). Calling it marks the network as wired, which silences the `.local` warning.
   */
  hostDnsUserData(): string;
}

/**
 * Attributes of an existing network for {@link Network.fromAttributes}: the VPC and its subnets as
 * another stack, team or Terraform configuration made them.
 */
export interface NetworkAttributes {
  /** Id of the VPC, e.g. `vpc-0a1b2c3d4e5f60718` (a token such as a variable is accepted). */
  readonly vpcId: string;
  /**
   * IPv4 CIDR block of the VPC, e.g. `10.20.0.0/16`: an internal load balancer admits it by
   * default, and the VPC resolver is its base address + 2.
   * @default - not known: internal load balancers need their ingressCidrs
   */
  readonly vpcCidrBlock?: string;
  /**
   * Address of the VPC's DNS resolver, e.g. `10.20.0.2` (the static IP's edge proxy resolves the
   * load balancer with it).
   * @default - the base address of vpcCidrBlock + 2
   */
  readonly vpcResolverAddress?: string;
  /**
   * Availability zone names, in subnet order, e.g. `["eu-west-2a", "eu-west-2b"]`.
   * @default - not known: the subnets are not known by AZ, so the static IP cannot use the network
   */
  readonly availabilityZones?: string[];
  /**
   * Public subnet ids, one per AZ in `availabilityZones` order (for internet-facing load
   * balancers and the static IP's addresses).
   * @default - none: internet-facing load balancers cannot be placed in this network
   */
  readonly publicSubnetIds?: string[];
  /**
   * Private subnet ids, one per AZ in `availabilityZones` order (the cluster's instances and
   * internal load balancers).
   * @default - none: give the cluster its subnetIds
   */
  readonly privateSubnetIds?: string[];
  /**
   * How the private subnets reach the internet, as {@link NetworkProps.natGateways} describes it.
   * With `"none"` a cluster in the private subnets is rejected unless it opts in.
   * @default - not known: the checks that need it are skipped
   */
  readonly natGateways?: NatGateways;
  /**
   * Name of the VPC's private Route 53 zone; a `.local` zone makes
   * {@link INetwork.hostDnsUserData} configure hosts for it.
   * @default - none
   */
  readonly zoneName?: string;
  /**
   * Bash the hosts' user data needs for the VPC's DNS, as the network that made it gives it (e.g.
   * the network module's `host_dns_user_data` output): {@link INetwork.hostDnsUserData} returns it.
   * @default - rendered from zoneName (nothing without one)
   */
  readonly hostDnsUserData?: string;
}

/** Every key of {@link NetworkAttributes}. */
export const NETWORK_ATTRIBUTE_KEYS: readonly string[] = keysOf<NetworkAttributes>()({
  vpcId: true,
  vpcCidrBlock: true,
  vpcResolverAddress: true,
  availabilityZones: true,
  publicSubnetIds: true,
  privateSubnetIds: true,
  natGateways: true,
  zoneName: true,
  hostDnsUserData: true,
});

/** An AZ name: a region name and a letter. */
const AZ_NAME_PATTERN = new RegExp(`${REGION_PATTERN.source.replace(/\$$/, "")}[a-z]$`);

/**
 * What {@link Network} and an imported network share: the {@link INetwork} mark, and the host DNS
 * user data with the synth-time warning for a `.local` zone no host was configured for. Exported as
 * the base of `Network` and for {@link NetworkBase.isNetwork} (also `Network.isNetwork`); build a
 * `Network` or import one with `Network.fromAttributes` rather than extending it.
 */
export abstract class NetworkBase extends Construct implements INetwork {
  /** Whether `x` is an {@link INetwork} (built or imported), by a symbol rather than a class. */
  public static isNetwork(x: unknown): x is INetwork {
    return typeof x === "object" && x !== null && NETWORK_SYMBOL in x;
  }

  /** See the interface's `vpcId`. */
  public abstract readonly vpcId: string;
  /** See the interface's `vpcCidrBlock`. */
  public abstract readonly vpcCidrBlock: string | undefined;
  /** See the interface's `availabilityZones`. */
  public abstract readonly availabilityZones: string[];
  /** See the interface's `publicSubnetIds`. */
  public abstract readonly publicSubnetIds: string[];
  /** See the interface's `privateSubnetIds`. */
  public abstract readonly privateSubnetIds: string[];
  /** See the interface's `publicSubnetIdsByAz`. */
  public abstract readonly publicSubnetIdsByAz: Readonly<Record<string, string>>;
  /** See the interface's `privateSubnetIdsByAz`. */
  public abstract readonly privateSubnetIdsByAz: Readonly<Record<string, string>>;
  /** See the interface's `natGateways`. */
  public abstract readonly natGateways: NatGateways | undefined;
  /** See the interface's `vpcResolverAddress`. */
  public abstract readonly vpcResolverAddress: string | undefined;
  /** See the interface's `zoneName`. */
  public abstract readonly zoneName: string | undefined;

  private hostDnsWired = false;
  private localZoneWarned = false;

  protected constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, NETWORK_SYMBOL, { value: true });
    // An aspect rather than node.addValidation: Testing.synth runs aspects but not validations.
    Aspects.of(this).add({
      visit: (node: IConstruct) => {
        if (node === this) this.warnIfHostDnsNotWired();
      },
    });
  }

  /**
   * Bash for EC2 user data that routes {@link zoneName} to the VPC resolver through a
   * systemd-resolved drop-in (see the README for why `.local` needs it); empty without a zone.
   * Calling it marks the network as wired, which silences the synth-time `.local` warning.
   */
  public hostDnsUserData(): string {
    this.hostDnsWired = true;
    if (this.zoneName === undefined || this.vpcResolverAddress === undefined) return "";
    return renderHostDnsUserData(this.zoneName, this.vpcResolverAddress);
  }

  private warnIfHostDnsNotWired(): void {
    const zoneName = this.zoneName;
    if (this.hostDnsWired || this.localZoneWarned || zoneName === undefined || !needsHostDns(zoneName))
      return;
    this.localZoneWarned = true;
    Annotations.of(this).addWarning(unwiredLocalZoneWarning(zoneName));
  }
}

/** A network that exists already, as {@link Network.fromAttributes} imports it: no resources. */
export class ImportedNetwork extends NetworkBase {
  public readonly vpcId: string;
  public readonly vpcCidrBlock: string | undefined;
  public readonly availabilityZones: string[];
  public readonly publicSubnetIds: string[];
  public readonly privateSubnetIds: string[];
  public readonly publicSubnetIdsByAz: Readonly<Record<string, string>>;
  public readonly privateSubnetIdsByAz: Readonly<Record<string, string>>;
  public readonly natGateways: NatGateways | undefined;
  public readonly vpcResolverAddress: string | undefined;
  public readonly zoneName: string | undefined;
  private readonly givenHostDnsUserData: string | undefined;

  /** Validates `attrs` (throwing before the construct is added to `scope`), then holds them. */
  public constructor(scope: Construct, id: string, attrs: NetworkAttributes) {
    const config = resolveNetworkAttributes(failFor(`Network.fromAttributes '${id}'`), attrs);
    super(scope, id);
    this.vpcId = config.vpcId;
    this.vpcCidrBlock = config.vpcCidrBlock;
    this.availabilityZones = [...config.availabilityZones];
    this.publicSubnetIds = [...config.publicSubnetIds];
    this.privateSubnetIds = [...config.privateSubnetIds];
    this.publicSubnetIdsByAz = byAz(this.availabilityZones, this.publicSubnetIds);
    this.privateSubnetIdsByAz = byAz(this.availabilityZones, this.privateSubnetIds);
    this.natGateways = config.natGateways;
    this.zoneName = config.zoneName;
    this.vpcResolverAddress =
      attrs.vpcResolverAddress ??
      (config.vpcCidrBlock === undefined
        ? undefined
        : Token.isUnresolved(config.vpcCidrBlock)
          ? Fn.cidrhost(config.vpcCidrBlock, 2)
          : cidrHost(parseCidr(config.vpcCidrBlock), 2));
    this.givenHostDnsUserData = attrs.hostDnsUserData;
  }

  /** The given hostDnsUserData, else the drop-in for a `.local` zoneName (see {@link NetworkBase}). */
  public override hostDnsUserData(): string {
    const rendered = super.hostDnsUserData();
    return this.givenHostDnsUserData ?? rendered;
  }
}

/** {@link NetworkAttributes} with the defaults applied, validated. */
interface NetworkAttributesConfig {
  readonly vpcId: string;
  readonly vpcCidrBlock: string | undefined;
  readonly availabilityZones: readonly string[];
  readonly publicSubnetIds: readonly string[];
  readonly privateSubnetIds: readonly string[];
  readonly natGateways: NatGateways | undefined;
  readonly zoneName: string | undefined;
}

/** Validates every attribute of an imported network; literal checks skip unresolved tokens. */
export function resolveNetworkAttributes(fail: Fail, attrs: NetworkAttributes): NetworkAttributesConfig {
  if (typeof attrs !== "object" || attrs === null) {
    fail(
      "attributes",
      attrs,
      "be an object of NetworkAttributes",
      "pass { vpcId, vpcCidrBlock, availabilityZones, ... }",
    );
  }
  checkKnownKeys(fail, "", attrs, NETWORK_ATTRIBUTE_KEYS);
  const { vpcId, vpcCidrBlock, natGateways, zoneName } = attrs;
  const availabilityZones = attrs.availabilityZones ?? [];
  checkAwsId(fail, "vpcId", vpcId, "vpc");
  if (vpcCidrBlock !== undefined) {
    if (typeof vpcCidrBlock !== "string") {
      fail("vpcCidrBlock", vpcCidrBlock, "be the VPC's IPv4 CIDR block", "e.g. 10.20.0.0/16");
    }
    const problem = Token.isUnresolved(vpcCidrBlock) ? undefined : cidrProblem(vpcCidrBlock);
    if (problem)
      fail("vpcCidrBlock", vpcCidrBlock, problem, "give the VPC's primary block, e.g. 10.20.0.0/16");
  }
  for (const field of ["vpcResolverAddress", "hostDnsUserData"] as const) {
    if (attrs[field] !== undefined && typeof attrs[field] !== "string") {
      fail(field, attrs[field], "be a string", "omit it to derive it");
    }
  }
  if (
    attrs.availabilityZones !== undefined &&
    (!Array.isArray(availabilityZones) || availabilityZones.length === 0)
  ) {
    fail(
      "availabilityZones",
      availabilityZones,
      "list the AZ names of the subnets, in subnet order",
      'e.g. ["eu-west-2a", "eu-west-2b"]; omit it when not known',
    );
  }
  availabilityZones.forEach((az, i) => {
    if (typeof az !== "string" || (!Token.isUnresolved(az) && !AZ_NAME_PATTERN.test(az))) {
      fail(`availabilityZones[${i}]`, az, "be an AZ name, <region><letter>", "e.g. eu-west-2a");
    }
    if (availabilityZones.indexOf(az) !== i && !Token.isUnresolved(az)) {
      fail(`availabilityZones[${i}]`, az, "be listed once", "remove the repeat");
    }
  });
  const subnets = (field: "publicSubnetIds" | "privateSubnetIds"): readonly string[] => {
    const ids = attrs[field];
    if (ids === undefined) return [];
    if (!Array.isArray(ids))
      fail(field, ids, "be a list of subnet ids", "omit it when the VPC has no such subnets");
    // A token list (a Terraform variable) or unknown AZs: Terraform and the owner of the VPC check it.
    if (Token.isUnresolved(ids)) return ids;
    if (attrs.availabilityZones !== undefined && ids.length !== availabilityZones.length) {
      fail(
        field,
        ids,
        `list one subnet id per AZ, in availabilityZones order (${availabilityZones.length})`,
        "omit it when the VPC has no such subnets",
      );
    }
    ids.forEach((subnetId, i) => {
      checkAwsId(fail, `${field}[${i}]`, subnetId, "subnet");
      if (ids.indexOf(subnetId) !== i && !Token.isUnresolved(subnetId)) {
        fail(`${field}[${i}]`, subnetId, "be listed once", "give each AZ its own subnet");
      }
    });
    return ids;
  };
  const publicSubnetIds = subnets("publicSubnetIds");
  const privateSubnetIds = subnets("privateSubnetIds");
  const shared = publicSubnetIds.find(
    (subnetId) => !Token.isUnresolved(subnetId) && privateSubnetIds.includes(subnetId),
  );
  if (shared !== undefined) {
    fail("privateSubnetIds", shared, "not be public too", "list each subnet as public or private, not both");
  }
  if (
    natGateways !== undefined &&
    !Token.isUnresolved(natGateways) &&
    !NAT_GATEWAY_MODES.includes(natGateways)
  ) {
    fail("natGateways", natGateways, `be one of ${NAT_GATEWAY_MODES.join(", ")}`, "omit it when not known");
  }
  if (zoneName !== undefined) {
    if (typeof zoneName !== "string") fail("zoneName", zoneName, "be a zone name", "e.g. myorg.local");
    if (!Token.isUnresolved(zoneName)) checkZoneName(zoneName, fail);
  }
  return { vpcId, vpcCidrBlock, availabilityZones, publicSubnetIds, privateSubnetIds, natGateways, zoneName };
}

/** `ids` keyed by AZ name: index `i` in `azs[i]`. */
export function byAz(azs: readonly string[], ids: readonly string[]): Readonly<Record<string, string>> {
  return Object.fromEntries(ids.map((subnetId, i) => [azs[i], subnetId]));
}
