/**
 * The LoadBalancedService module: an Application Load Balancer shared by container services on an
 * EcsCluster, each with its own target group, listener rule, task definition, ECS service and auto
 * scaling; and WorkerService, the same without a load balancer. See README.md.
 * @module
 */
export { LoadBalancer } from "./load-balancer";
export type { RuleConflict, RuleReservation } from "./load-balancer";
export { LoadBalancerBase } from "./load-balancer-ref";
export type { ILoadBalancer, LoadBalancerAttributes, ServiceListenerRef } from "./load-balancer-ref";
export { LoadBalancedService, MAX_SHIFTING_TARGET_GROUP_NAME_LENGTH } from "./load-balanced-service";
export { DEPLOYMENT_STRATEGIES } from "./deployment-config";
export { WorkerService } from "./worker-service";
export { ContainerService } from "./container-service";
export {
  attributePlacementExpression,
  COMPUTE_TYPES,
  EXTERNAL_NETWORK_MODES,
  FARGATE_TASK_EGRESS_PORTS,
  FARGATE_TASK_SIZES,
} from "./compute-config";
export {
  CANARY_PERCENT_RANGE,
  DEFAULT_ACCESS_LOGS_RETENTION_DAYS,
  DEFAULT_BAKE_TIME_MINUTES,
  DEFAULT_CANARY_BAKE_TIME_MINUTES,
  DEFAULT_CANARY_PERCENT,
  DEFAULT_LINEAR_STEP_BAKE_TIME_MINUTES,
  DEFAULT_LINEAR_STEP_PERCENT,
  DEFAULT_TEST_HEADER_VALUES,
  DEPLOYMENT_LIFECYCLE_STAGES,
  LINEAR_STEP_PERCENT_RANGE,
  MAX_BAKE_TIME_MINUTES,
  MAX_DEPLOYMENT_ALARMS,
  DEFAULT_CONTAINER_NAME,
  DEFAULT_CONTAINER_PORT,
  DEFAULT_CPU_UNITS,
  DEFAULT_DEPLOYMENT_MAXIMUM_PERCENT,
  DEFAULT_DEPLOYMENT_MINIMUM_HEALTHY_PERCENT,
  DEFAULT_DEREGISTRATION_DELAY_SECONDS,
  DEFAULT_DESIRED_COUNT,
  DEFAULT_EXTERNAL_PLACEMENT_STRATEGIES,
  DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS,
  DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS,
  DEFAULT_HEALTH_CHECK_PATH,
  DEFAULT_HEALTH_CHECK_SUCCESS_CODES,
  DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS,
  DEFAULT_HEALTHY_THRESHOLD_COUNT,
  DEFAULT_IDLE_TIMEOUT_SECONDS,
  DEFAULT_INTERNET_INGRESS_CIDRS,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_MAX_IMAGE_COUNT,
  DEFAULT_MEMORY_LIMIT_MIB,
  DEFAULT_MEMORY_RESERVATION_MIB,
  DEFAULT_PLACEMENT_STRATEGIES,
  DEFAULT_SCALE_IN_COOLDOWN_SECONDS,
  DEFAULT_SCALE_OUT_COOLDOWN_SECONDS,
  DEFAULT_SSL_POLICY,
  DEFAULT_TARGET_CPU_UTILIZATION_PERCENT,
  DEFAULT_UNHEALTHY_THRESHOLD_COUNT,
  DEFAULT_WRITABLE_PATHS,
  DYNAMIC_HOST_PORT_RANGE,
  MAX_CPU_UNITS,
  MIN_CONTAINER_MEMORY_MIB,
  MIN_CPU_UNITS,
} from "./props";
export type {
  AutoScalingOptions,
  CapacityProviderStrategyItem,
  ContainerHealthCheck,
  ContainerServiceProps,
  ContainerVolume,
  DeploymentAlarmsOptions,
  DeploymentLifecycleHook,
  DeploymentLifecycleStage,
  DeploymentOptions,
  DeploymentStrategyType,
  Ec2Compute,
  ExternalCompute,
  ExternalNetworkMode,
  FargateCompute,
  ManagedInstancesCompute,
  LoadBalancedAutoScalingOptions,
  LoadBalancedServiceProps,
  LoadBalancerProps,
  PlacementConstraint,
  PlacementStrategy,
  ServiceCompute,
  TestListenerOptions,
  WorkerServiceProps,
} from "./props";
export type { GrantCondition } from "./iam";
export type { PolicyCondition } from "../shared/iam";
