/**
 * The EcsCluster module: an ECS cluster with EC2 Auto Scaling capacity behind a capacity provider,
 * a least-privilege instance role and a closed instance security group. See README.md.
 * @module
 */
export { EcsCluster, FARGATE_CAPACITY_PROVIDERS } from "./ecs-cluster";
export type { InstanceGrant } from "./ecs-cluster";
export {
  MANAGED_INSTANCES_INFRASTRUCTURE_POLICY,
  MANAGED_INSTANCES_INSTANCE_POLICY,
  MANAGED_INSTANCES_ROLE_PREFIX,
  ManagedInstancesCapacity,
} from "./managed-instances";
export type {
  IManagedInstancesCapacity,
  ManagedInstancesConfig,
  ManagedInstancesContext,
} from "./managed-instances";
export { ClusterInstancesBase, DEFAULT_CAPACITY_ID, EcsClusterBase } from "./cluster-ref";
export type {
  ClusterInstancesAttributes,
  EcsClusterAttributes,
  IClusterInstances,
  IEcsCluster,
} from "./cluster-ref";
export { EcsCapacity } from "./capacity";
export type { EcsCapacityContext, EcsCapacityProps } from "./capacity";
export type { CapacityConfig } from "./validation";
export type { Fail } from "../shared/validation";
export {
  DEFAULT_AMI_SSM_PARAMETER,
  DEFAULT_CONTAINER_INSIGHTS,
  DEFAULT_CONTAINER_STOP_TIMEOUT_SECONDS,
  DEFAULT_EGRESS_PORTS,
  DEFAULT_EXEC_LOG_RETENTION_DAYS,
  DEFAULT_IMDS_HOP_LIMIT,
  DEFAULT_INSTANCE_REFRESH_MIN_HEALTHY_PERCENTAGE,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_INSTANCE_WARMUP_PERIOD_SECONDS,
  DEFAULT_MANAGED_INSTANCES_MONITORING,
  DEFAULT_MAX_SIZE,
  DEFAULT_MAXIMUM_SCALING_STEP_SIZE,
  DEFAULT_MIN_SIZE,
  DEFAULT_MINIMUM_SCALING_STEP_SIZE,
  DEFAULT_ROOT_DEVICE_NAME,
  DEFAULT_ROOT_VOLUME_SIZE_GIB,
  DEFAULT_TARGET_CAPACITY_PERCENT,
  LOG_RETENTION_DAYS_ALLOWED,
} from "./props";
export type {
  ClusterCapacityProviderStrategyItem,
  ContainerInsights,
  EcsCapacityOptions,
  ManagedInstancesCapacityOptions,
  EcsClusterProps,
  PortSpec,
  SecurityGroupPeer,
} from "./props";
export { INSTANCE_TYPES, instanceCapacity, OS_MEMORY_OVERHEAD_FRACTION } from "./instance-types";
export type { InstanceCapacity, InstanceTypeSpec } from "./instance-types";
export { MAX_INSTANCE_ATTRIBUTES } from "./validation";
