import { EcsCapacity, IEcsCluster } from "../ecs-cluster";
import { INetwork } from "../network";
import { EDGE_INSTANCE_ATTRIBUTES, LIFECYCLE_HOOK_NAME } from "./props";
import { azIdPart, StaticIpConfig } from "./validation";

/** The edge capacity of a {@link StaticIp}: one Auto Scaling group per AZ, registered in the cluster. */
export interface EdgeCapacity {
  /** The capacity, by AZ. */
  readonly capacities: Record<string, EcsCapacity>;
  /** The groups' names, by AZ. */
  readonly groupNameByAz: Record<string, string>;
  /** The groups' names, in AZ order. */
  readonly groupNames: string[];
}

/**
 * Per AZ a one-instance group (none when stopped) in that AZ's private subnet, with the edge
 * attributes the proxy is placed by and a launch lifecycle hook that waits for the attacher Lambda.
 * The group names are literals (the cluster's naming), so the Lambda's policy and rules can name
 * the groups without referring to them, and the groups can depend on the Lambda.
 */
export function addEdgeCapacity(
  cluster: IEcsCluster,
  network: INetwork,
  config: StaticIpConfig,
  edgeSize: number,
): EdgeCapacity {
  const azs = config.availabilityZones;
  const capacities: Record<string, EcsCapacity> = {};
  const groupNameByAz: Record<string, string> = {};
  const groupNames: string[] = [];
  for (const az of azs) {
    const capacity = cluster.addAutoScalingGroupCapacity(`edge-${azIdPart(azs, az)}`, {
      subnetIds: [network.privateSubnetIdsByAz[az]],
      // One instance per AZ; none when stopped (the ENI stays, unattached, with its Elastic IP).
      minSize: edgeSize,
      maxSize: edgeSize,
      desiredCapacity: edgeSize,
      managedScaling: false,
      instanceType: config.instanceType,
      amiId: config.amiId,
      instanceAttributes: { ...EDGE_INSTANCE_ATTRIBUTES },
      initialLifecycleHooks: [
        {
          name: LIFECYCLE_HOOK_NAME,
          lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
          heartbeatTimeout: config.heartbeatTimeoutSeconds,
          // No answer in time means no static IP: replace the instance rather than serve without it.
          defaultResult: "ABANDON",
          notificationMetadata: JSON.stringify({ az }),
        },
      ],
    });
    capacities[az] = capacity;
    groupNameByAz[az] = capacity.config.autoScalingGroupName;
    groupNames.push(capacity.config.autoScalingGroupName);
  }
  return { capacities, groupNameByAz, groupNames };
}
