/**
 * A cdktf app for a team that already has a VPC: the network is imported with
 * `Network.fromAttributes` (its ids come in as Terraform variables, so one app serves every
 * account), and the cluster, the load balancer and a service are built on it. Only the cluster,
 * the load balancer and the service are created; the VPC, its subnets and their routes stay the
 * team's.
 */
import { App, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Network } from "@ecs-cdktf/modules/network";
import { EcsCluster } from "@ecs-cdktf/modules/ecs-cluster";
import { LoadBalancedService, LoadBalancer } from "@ecs-cdktf/modules/load-balanced-service";

/**
 * hashicorp/aws versions the modules' bindings fit. `AWS_PROVIDER_VERSION_CONSTRAINT` overrides it,
 * e.g. with the exact label of a provider built into a local filesystem mirror.
 */
const AWS_PROVIDER_VERSION = process.env.AWS_PROVIDER_VERSION_CONSTRAINT?.trim() || ">= 6.25.0, < 7.0.0";

/** The zones of the existing subnets, in the order the subnet id variables list them. */
const AVAILABILITY_ZONES = ["eu-west-2a", "eu-west-2b"];

export class ExistingVpcStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-2" });
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);

    const vpcId = new TerraformVariable(this, "vpc_id", {
      type: "string",
      description: "Id of the existing VPC",
    });
    const vpcCidrBlock = new TerraformVariable(this, "vpc_cidr_block", {
      type: "string",
      description: "Its IPv4 CIDR block",
    });
    const publicSubnetIds = new TerraformVariable(this, "public_subnet_ids", {
      type: "list(string)",
      description: `Its public subnets, one per zone: ${AVAILABILITY_ZONES.join(", ")}`,
    });
    const privateSubnetIds = new TerraformVariable(this, "private_subnet_ids", {
      type: "list(string)",
      description: `Its private subnets (with a NAT gateway route), one per zone: ${AVAILABILITY_ZONES.join(", ")}`,
    });

    // No resource: the attributes are validated and held for the constructs below.
    const network = Network.fromAttributes(this, "network", {
      vpcId: vpcId.stringValue,
      vpcCidrBlock: vpcCidrBlock.stringValue,
      availabilityZones: AVAILABILITY_ZONES,
      publicSubnetIds: publicSubnetIds.listValue,
      privateSubnetIds: privateSubnetIds.listValue,
      natGateways: "single",
    });

    const cluster = new EcsCluster(this, "cluster", { network, clusterName: "payments" });
    const loadBalancer = new LoadBalancer(this, "alb", { network, name: "payments" });
    const service = new LoadBalancedService(this, "api", {
      cluster,
      loadBalancer,
      rulePriority: 100,
      imageTag: "v1",
    });

    new TerraformOutput(this, "load_balancer_dns_name", { value: loadBalancer.dnsName });
    new TerraformOutput(this, "cluster_name", { value: cluster.clusterName });
    new TerraformOutput(this, "service_name", { value: service.serviceName });
  }
}

const app = new App();
new ExistingVpcStack(app, "existing-vpc");
app.synth();
