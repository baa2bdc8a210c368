/**
 * The minimal cdktf app: a network and an ECS cluster on it, from the package's public entry
 * points (`@ecs-cdktf/modules/<module>`). In this repository tsconfig.json maps those to the
 * modules' sources; a consumer gets them from the installed package instead.
 */
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Network } from "@ecs-cdktf/modules/network";
import { EcsCluster } from "@ecs-cdktf/modules/ecs-cluster";

/**
 * hashicorp/aws versions the modules' bindings fit. `AWS_PROVIDER_VERSION_CONSTRAINT` overrides it,
 * e.g. with the exact label of a provider built into a local filesystem mirror.
 */
const AWS_PROVIDER_VERSION = process.env.AWS_PROVIDER_VERSION_CONSTRAINT?.trim() || ">= 6.25.0, < 7.0.0";

/** One stack: the provider (stacks own it, modules never set one), the network, the cluster, outputs. */
export class MinimalStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-2" });
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);

    const network = new Network(this, "network", { name: "minimal", natGateways: "single" });
    const cluster = new EcsCluster(this, "cluster", { network, clusterName: "minimal" });

    new TerraformOutput(this, "vpc_id", { value: network.vpcId });
    new TerraformOutput(this, "cluster_name", { value: cluster.clusterName });
    new TerraformOutput(this, "capacity_provider_name", { value: cluster.capacityProviderName });
  }
}

const app = new App();
new MinimalStack(app, "minimal");
app.synth();
