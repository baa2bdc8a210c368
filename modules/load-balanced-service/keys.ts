import { keysOf } from "../shared/validation";
import type {
  AutoScalingOptions,
  CapacityProviderStrategyItem,
  ContainerHealthCheck,
  ContainerServiceProps,
  ContainerVolume,
  DeploymentAlarmsOptions,
  DeploymentLifecycleHook,
  DeploymentOptions,
  Ec2Compute,
  ExternalCompute,
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

// The keys of each props interface and nested option object, checked against the interface by the
// compiler: a key given from JavaScript or JSON that is not listed fails instead of being ignored.
// Maps whose keys are user data (tags, environment, secrets) are not key-checked.

/** Keys of {@link LoadBalancerProps}. */
export const LOAD_BALANCER_PROPS_KEYS = keysOf<LoadBalancerProps>()({
  network: true,
  name: true,
  internal: true,
  ingressCidrs: true,
  certificateArn: true,
  sslPolicy: true,
  redirectHttpToHttps: true,
  deletionProtection: true,
  idleTimeoutSeconds: true,
  enableAccessLogs: true,
  accessLogsRetentionDays: true,
  region: true,
  webAclArn: true,
  tags: true,
});

const CONTAINER_SERVICE_PROPS = {
  cluster: true,
  serviceName: true,
  imageTag: true,
  image: true,
  imageRepositoryArn: true,
  repositoryName: true,
  maxImageCount: true,
  repositoryForceDelete: true,
  repositoryKmsKeyArn: true,
  containerName: true,
  cpuUnits: true,
  memoryReservationMiB: true,
  memoryLimitMiB: true,
  environment: true,
  dockerLabels: true,
  secrets: true,
  secretsKmsKeyArns: true,
  entryPoint: true,
  command: true,
  volumes: true,
  readonlyRootFilesystem: true,
  writablePaths: true,
  containerHealthCheck: true,
  logRetentionDays: true,
  logKmsKeyArn: true,
  desiredCount: true,
  deploymentMaximumPercent: true,
  deploymentMinimumHealthyPercent: true,
  deployment: true,
  deploymentAlarms: true,
  imageOwner: true,
  forceNewDeployment: true,
  compute: true,
  capacityProviderStrategy: true,
  placementStrategies: true,
  placementConstraints: true,
  enableExecuteCommand: true,
  tags: true,
} as const;

/** Keys of {@link ContainerServiceProps}. */
export const CONTAINER_SERVICE_PROPS_KEYS = keysOf<ContainerServiceProps>()(CONTAINER_SERVICE_PROPS);

/** Keys of {@link WorkerServiceProps}. */
export const WORKER_SERVICE_PROPS_KEYS = keysOf<WorkerServiceProps>()({
  ...CONTAINER_SERVICE_PROPS,
  autoScaling: true,
});

/** Keys of {@link LoadBalancedServiceProps}. */
export const LOAD_BALANCED_SERVICE_PROPS_KEYS = keysOf<LoadBalancedServiceProps>()({
  ...CONTAINER_SERVICE_PROPS,
  loadBalancer: true,
  rulePriority: true,
  pathPatterns: true,
  hostHeaders: true,
  containerPort: true,
  healthCheckPath: true,
  healthCheckIntervalSeconds: true,
  healthCheckTimeoutSeconds: true,
  healthyThresholdCount: true,
  unhealthyThresholdCount: true,
  healthCheckSuccessCodes: true,
  deregistrationDelaySeconds: true,
  stickinessDurationSeconds: true,
  healthCheckGracePeriodSeconds: true,
  targetGroupName: true,
  autoScaling: true,
});

const AUTO_SCALING_OPTIONS = {
  minCapacity: true,
  maxCapacity: true,
  targetCpuUtilizationPercent: true,
  scaleInCooldownSeconds: true,
  scaleOutCooldownSeconds: true,
} as const;

/** Keys of {@link AutoScalingOptions} (a WorkerService's `autoScaling`). */
export const AUTO_SCALING_OPTIONS_KEYS = keysOf<AutoScalingOptions>()(AUTO_SCALING_OPTIONS);

/** Keys of {@link LoadBalancedAutoScalingOptions}. */
export const LOAD_BALANCED_AUTO_SCALING_OPTIONS_KEYS = keysOf<LoadBalancedAutoScalingOptions>()({
  ...AUTO_SCALING_OPTIONS,
  targetRequestsPerTarget: true,
});

/** Keys of {@link ContainerHealthCheck}. */
export const CONTAINER_HEALTH_CHECK_KEYS = keysOf<ContainerHealthCheck>()({
  command: true,
  intervalSeconds: true,
  timeoutSeconds: true,
  retries: true,
  startPeriodSeconds: true,
});

/** Keys of {@link ContainerVolume}. */
export const CONTAINER_VOLUME_KEYS = keysOf<ContainerVolume>()({
  name: true,
  containerPath: true,
  hostPath: true,
  readOnly: true,
});

/** Keys of {@link CapacityProviderStrategyItem}. */
export const CAPACITY_PROVIDER_STRATEGY_ITEM_KEYS = keysOf<CapacityProviderStrategyItem>()({
  capacityProvider: true,
  weight: true,
  base: true,
});

/** Keys of {@link PlacementStrategy}. */
export const PLACEMENT_STRATEGY_KEYS = keysOf<PlacementStrategy>()({ type: true, field: true });

/** Keys of each {@link PlacementConstraint} type. */
export const PLACEMENT_CONSTRAINT_KEYS: Readonly<Record<PlacementConstraint["type"], readonly string[]>> = {
  memberOf: keysOf<Extract<PlacementConstraint, { type: "memberOf" }>>()({ type: true, expression: true }),
  distinctInstance: keysOf<Extract<PlacementConstraint, { type: "distinctInstance" }>>()({ type: true }),
};

/** Keys of {@link DeploymentOptions}. */
export const DEPLOYMENT_OPTIONS_KEYS = keysOf<DeploymentOptions>()({
  strategy: true,
  bakeTimeMinutes: true,
  canaryPercent: true,
  canaryBakeTimeMinutes: true,
  linearStepPercent: true,
  linearStepBakeTimeMinutes: true,
  testListener: true,
  lifecycleHooks: true,
});

/** Keys of {@link TestListenerOptions}. */
export const TEST_LISTENER_OPTIONS_KEYS = keysOf<TestListenerOptions>()({
  port: true,
  headerName: true,
  headerValues: true,
  rulePriority: true,
});

/** Keys of {@link DeploymentLifecycleHook}. */
export const DEPLOYMENT_LIFECYCLE_HOOK_KEYS = keysOf<DeploymentLifecycleHook>()({
  functionArn: true,
  stages: true,
  details: true,
});

/** Keys of {@link DeploymentAlarmsOptions}. */
export const DEPLOYMENT_ALARMS_OPTIONS_KEYS = keysOf<DeploymentAlarmsOptions>()({
  alarmNames: true,
  targetErrorsAlarm: true,
  targetErrorsThreshold: true,
  rollback: true,
});

/** Keys of each {@link ServiceCompute} type. */
export const COMPUTE_KEYS: Readonly<Record<ServiceCompute["type"], readonly string[]>> = {
  ec2: keysOf<Ec2Compute>()({ type: true }),
  fargate: keysOf<FargateCompute>()({
    type: true,
    subnetIds: true,
    assignPublicIp: true,
    spot: true,
    platformVersion: true,
  }),
  managedInstances: keysOf<ManagedInstancesCompute>()({
    type: true,
    capacity: true,
    subnetIds: true,
    assignPublicIp: true,
  }),
  external: keysOf<ExternalCompute>()({ type: true, placementAttributes: true, networkMode: true }),
};
