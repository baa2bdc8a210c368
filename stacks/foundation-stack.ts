import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { Network } from "../modules/network";
import { StaticIpAddresses } from "../modules/static-ip";
import { addOutputs, networkOutputs } from "./outputs";
import { addAwsProvider, AwsTarget } from "./aws-provider";
import { addBackend } from "./backend";
import { availabilityZonesOf, EnvironmentConfig, staticIpAvailabilityZonesOf } from "./config";
import { CONFIG_KEYS } from "./config-schema";
import { environmentFail, pathsUnder, reportUnder } from "./config-paths";
import { environmentTags } from "./tags";

/** Props of {@link FoundationStack}. */
export interface FoundationStackProps {
  /** The environment (validated: see `stacks/config.ts`). */
  readonly config: EnvironmentConfig;
  /** Real AWS or the local emulator. */
  readonly target: AwsTarget;
}

/**
 * The long-lived half of an environment: the network with its private zone, and the static IPs'
 * addresses (per AZ of `config.staticIp.addresses` an ENI holding an Elastic IP, protected from
 * destroy unless `config.staticIp.allowEipDestroy`). Torn down only on purpose: an app teardown keeps it, so
 * the zone and the Elastic IPs outlive the app. The app stack reads it through cdktf cross-stack
 * references (Terraform remote state).
 */
export class FoundationStack extends TerraformStack {
  /** The environment this stack was built from. */
  public readonly config: EnvironmentConfig;
  /** The network (VPC, subnets, NAT, the private zone, flow logs). */
  public readonly network: Network;
  /**
   * The AZs that hold a static IP, from `config.staticIp.addresses`: the static-IP addresses are
   * created in these AZs' public subnets, in this stack, and the edge capacity of the app stack
   * follows them.
   */
  public readonly staticIpAvailabilityZones: string[];
  /**
   * The static IPs' addresses (per AZ an ENI holding an Elastic IP, and their security group), or
   * undefined when `config.staticIp.addresses` is `none`. The app stack's StaticIp moves the ENIs.
   */
  public readonly staticIpAddresses?: StaticIpAddresses;

  constructor(scope: Construct, id: string, props: FoundationStackProps) {
    super(scope, id);
    const config = props.config;
    this.config = config;
    addAwsProvider(this, {
      region: config.region,
      target: props.target,
      defaultTags: environmentTags(config),
    });
    addBackend(this, config.backend, config.name, props.target);

    // The modules' errors on what the config sets are reported under the config's paths.
    const fail = environmentFail(config.name);
    const networkPaths = {
      ...pathsUnder("network", CONFIG_KEYS.network),
      region: "region",
      allowUnlistedRegion: "allowUnlistedRegion",
    };
    this.network = reportUnder(
      fail,
      networkPaths,
      () =>
        new Network(this, "network", {
          name: config.name,
          region: config.region,
          ...(config.allowUnlistedRegion ? { allowUnlistedRegion: config.allowUnlistedRegion } : {}),
          availabilityZones: availabilityZonesOf(config),
          cidrBlock: config.network.cidrBlock,
          natGateways: config.network.natGateways,
          zoneName: config.network.zoneName,
        }),
    );
    this.staticIpAvailabilityZones = staticIpAvailabilityZonesOf(config);
    if (this.staticIpAvailabilityZones.length > 0) {
      this.staticIpAddresses = reportUnder(
        fail,
        pathsUnder("staticIp", CONFIG_KEYS.staticIp),
        () =>
          new StaticIpAddresses(this, "static-ip", {
            network: this.network,
            name: `${config.name}-static-ip`,
            availabilityZones: [...this.staticIpAvailabilityZones],
            proxyPorts: [...config.staticIp.proxyPorts],
            allowEipDestroy: config.staticIp.allowEipDestroy,
          }),
      );
    }

    const addresses = this.staticIpAddresses;
    addOutputs(this, {
      ...networkOutputs(this.network),
      static_ips: {
        value: addresses?.publicIps ?? {},
        description: "Static public IPs (Elastic IPs) by AZ; empty when staticIp.addresses is none",
      },
      static_ip_eni_ids: {
        value: addresses?.networkInterfaceIds ?? {},
        description: "ENIs holding the static IPs, by AZ; empty when staticIp.addresses is none",
      },
    });
  }
}
