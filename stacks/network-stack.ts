import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { Network, NetworkProps } from "../modules/network";
import { addOutputs, networkOutputs } from "./outputs";
import { addAwsProvider, AwsTarget } from "./aws-provider";
import { projectTags } from "./tags";

/** Props of {@link NetworkStack}. */
export interface NetworkStackProps {
  /** Environment name, used in tags and names (e.g. `dev`). */
  readonly environment: string;
  /**
   * Region of the stack's provider and of the network.
   * @default "eu-west-2"
   */
  readonly region?: string;
  /** Real AWS or the local emulator. */
  readonly target: AwsTarget;
  /**
   * Network settings (the region comes from `region`).
   * @default - the Network module's defaults
   */
  readonly network?: Omit<NetworkProps, "region">;
}

/** A deployable network: provider, the Network module and its outputs. */
export class NetworkStack extends TerraformStack {
  /** The network of this stack. */
  public readonly network: Network;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id);
    const region = props.region ?? "eu-west-2";
    addAwsProvider(this, { region, target: props.target, defaultTags: projectTags(props.environment) });
    this.network = new Network(this, "network", { name: props.environment, ...props.network, region });

    addOutputs(this, {
      ...networkOutputs(this.network),
      vpc_cidr_block: { value: this.network.vpcCidrBlock, description: "VPC IPv4 CIDR block" },
    });
  }
}
