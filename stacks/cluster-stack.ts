import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { EcsCluster, EcsClusterProps } from "../modules/ecs-cluster";
import { Network, NetworkProps } from "../modules/network";
import { addOutputs, networkOutputs, OutputSpecs } from "./outputs";
import { addAwsProvider, AwsTarget } from "./aws-provider";
import { projectTags } from "./tags";

/** Props of {@link ClusterStack}. */
export interface ClusterStackProps {
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
   * @default - the Network module's defaults, named after the environment
   */
  readonly network?: Omit<NetworkProps, "region">;
  /**
   * Cluster settings (the network is this stack's).
   * @default - the EcsCluster module's defaults, the cluster named after the environment
   */
  readonly cluster?: Omit<EcsClusterProps, "network">;
}

/** A deployable ECS cluster: provider, the Network and EcsCluster modules, and their outputs (the network's too). */
export class ClusterStack extends TerraformStack {
  /** The network of this stack. */
  public readonly network: Network;
  /** The ECS cluster of this stack. */
  public readonly cluster: EcsCluster;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id);
    const region = props.region ?? "eu-west-2";
    addAwsProvider(this, { region, target: props.target, defaultTags: projectTags(props.environment) });
    this.network = new Network(this, "network", { name: props.environment, ...props.network, region });
    this.cluster = new EcsCluster(this, "cluster", {
      clusterName: props.environment,
      ...props.cluster,
      network: this.network,
    });

    const c = this.cluster;
    const outputs: OutputSpecs = {
      ...networkOutputs(this.network),
      cluster_name: { value: c.clusterName, description: "ECS cluster name" },
      cluster_arn: { value: c.clusterArn, description: "ECS cluster ARN" },
      capacity_provider_name: {
        value: c.capacityProviderName,
        description: "The cluster's default capacity provider",
      },
      asg_name: { value: c.autoScalingGroupName, description: "Auto Scaling group of the default capacity" },
      asg_arn: { value: c.autoScalingGroupArn, description: "ARN of that Auto Scaling group" },
      launch_template_id: {
        value: c.launchTemplate.id,
        description: "Launch template of the default capacity",
      },
      instance_role_arn: { value: c.instanceRoleArn, description: "Role of the container instances" },
      instance_profile_name: {
        value: c.instanceProfile.name,
        description: "Instance profile holding that role",
      },
      security_group_id: {
        value: c.securityGroupId,
        description: "Security group of the container instances",
      },
      exec_log_group_name: { value: c.execLogGroup.name, description: "Log group of ECS Exec sessions" },
    };
    addOutputs(this, outputs);
  }
}
