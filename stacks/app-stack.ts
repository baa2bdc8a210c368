import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { EcsCluster } from "../modules/ecs-cluster";
import {
  DeploymentOptions,
  LoadBalancedAutoScalingOptions,
  LoadBalancedService,
  LoadBalancer,
} from "../modules/load-balanced-service";
import { StaticIp } from "../modules/static-ip";
import { Fail } from "../modules/shared/validation";
import { addOutputs, OutputSpecs } from "./outputs";
import { CONFIG_KEYS } from "./config-schema";
import { ConfigPaths, environmentFail, pathsUnder, reportUnder } from "./config-paths";
import { addAwsProvider, AwsTarget } from "./aws-provider";
import { addBackend } from "./backend";
import { CapacityConfig, EnvironmentConfig, ServiceConfig } from "./config";
import { FoundationStack } from "./foundation-stack";
import { environmentTags } from "./tags";

/** Props of {@link AppStack}. */
export interface AppStackProps {
  /** The environment (validated: see `stacks/config.ts`); the foundation's. */
  readonly config: EnvironmentConfig;
  /** Real AWS or the local emulator. */
  readonly target: AwsTarget;
  /** The environment's foundation stack: its network holds the cluster and the load balancer. */
  readonly foundation: FoundationStack;
}

/** Capacity sizes of the cluster: the configured ones, or all zero when the environment is stopped. */
export function capacitySizes(config: EnvironmentConfig): CapacityConfig {
  return config.stopped
    ? { ...config.capacity, minSize: 0, maxSize: 0, desiredCapacity: 0 }
    : config.capacity;
}

/** A service's `deployment` as the module's prop: copies of its lists. */
function deploymentProps(d: DeploymentOptions): DeploymentOptions {
  return {
    ...d,
    ...(d.testListener
      ? {
          testListener: {
            ...d.testListener,
            ...(d.testListener.headerValues ? { headerValues: [...d.testListener.headerValues] } : {}),
          },
        }
      : {}),
    ...(d.lifecycleHooks
      ? { lifecycleHooks: d.lifecycleHooks.map((h) => ({ ...h, stages: [...h.stages] })) }
      : {}),
  };
}

/** Task counts of a service: desired count and auto scaling, or all zero when stopped. */
export function serviceScale(
  service: ServiceConfig,
  stopped: boolean,
): { desiredCount: number; autoScaling?: LoadBalancedAutoScalingOptions } {
  const a = service.autoScaling;
  const autoScaling: LoadBalancedAutoScalingOptions | undefined = a && {
    ...a,
    minCapacity: stopped ? 0 : a.minCapacity,
    maxCapacity: stopped ? 0 : a.maxCapacity,
  };
  return { desiredCount: stopped ? 0 : service.desiredCount, ...(autoScaling ? { autoScaling } : {}) };
}

/**
 * The short-lived half of an environment: the ECS cluster on EC2 capacity, the load balancer,
 * every configured service on it, and the static IPs' edge (StaticIp on the foundation's
 * addresses). Destroying it keeps the foundation (network, zone, static IPs). `config.stopped`
 * scales the services, the capacity and the edge (groups and proxy services) to zero without
 * removing anything.
 */
export class AppStack extends TerraformStack {
  /** The environment this stack was built from. */
  public readonly config: EnvironmentConfig;
  /** The ECS cluster. */
  public readonly cluster: EcsCluster;
  /** The load balancer every service shares. */
  public readonly loadBalancer: LoadBalancer;
  /** The services, by configured name, in configuration order. */
  public readonly services: Readonly<Record<string, LoadBalancedService>>;
  /**
   * The static IPs' edge (edge Auto Scaling group per AZ with the launch hook, the attacher Lambda,
   * its rules, DLQ and alarms, the HAProxy edge proxy), moving the foundation's addresses; undefined
   * when the environment has no static IP.
   */
  public readonly staticIp?: StaticIp;
  /** The environment's {@link Fail}: module errors on what the config sets, under its paths. */
  private readonly fail: Fail;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id);
    const config = props.config;
    if (props.foundation.config.name !== config.name) {
      throw new Error(
        `AppStack '${id}': foundation (${props.foundation.node.id}, environment ${props.foundation.config.name}) ` +
          `must belong to environment ${config.name}; pass that environment's foundation stack`,
      );
    }
    this.config = config;
    addAwsProvider(this, {
      region: config.region,
      target: props.target,
      defaultTags: environmentTags(config),
    });
    addBackend(this, config.backend, config.name, props.target);
    const network = props.foundation.network;

    // The modules' errors on what the config sets are reported under the config's paths.
    this.fail = environmentFail(config.name);
    const sizes = capacitySizes(config);
    this.cluster = reportUnder(
      this.fail,
      pathsUnder("capacity", CONFIG_KEYS.capacity),
      () =>
        new EcsCluster(this, "cluster", {
          network,
          clusterName: config.name,
          instanceType: sizes.instanceType,
          minSize: sizes.minSize,
          maxSize: sizes.maxSize,
          desiredCapacity: sizes.desiredCapacity,
          // Fargate services name FARGATE (or FARGATE_SPOT) in their strategy: the cluster lists them.
          ...(config.services.some((s) => s.compute?.type === "fargate")
            ? { fargateCapacityProviders: true }
            : {}),
          ...(config.capacity.allowPrivateSubnetsWithoutNat
            ? { allowPrivateSubnetsWithoutNat: config.capacity.allowPrivateSubnetsWithoutNat }
            : {}),
        }),
    );

    const loadBalancerPaths = {
      ...pathsUnder("loadBalancer", CONFIG_KEYS.loadBalancer),
      deletionProtection: "deletionProtection",
    };
    this.loadBalancer = reportUnder(
      this.fail,
      loadBalancerPaths,
      () =>
        new LoadBalancer(this, "alb", {
          network,
          name: `${config.name}-alb`,
          internal: config.loadBalancer.internal,
          // Unset: the module's default, the VPC's CIDR block when internal, else the internet.
          ...(config.loadBalancer.ingressCidrs
            ? { ingressCidrs: [...config.loadBalancer.ingressCidrs] }
            : {}),
          deletionProtection: config.deletionProtection,
          enableAccessLogs: config.loadBalancer.enableAccessLogs,
          ...(config.loadBalancer.certificateArn
            ? { certificateArn: config.loadBalancer.certificateArn }
            : {}),
        }),
    );

    // Services that own a repository first: the others take their image from them.
    const services: Record<string, LoadBalancedService> = {};
    const ordered = [
      ...config.services.filter((s) => s.image.source === "ecr"),
      ...config.services.filter((s) => s.image.source !== "ecr"),
    ];
    for (const s of ordered) services[s.serviceName] = this.addService(s, services);
    this.services = Object.fromEntries(config.services.map((s) => [s.serviceName, services[s.serviceName]!]));

    const addresses = props.foundation.staticIpAddresses;
    if (addresses) {
      this.staticIp = reportUnder(
        this.fail,
        { ...pathsUnder("staticIp", CONFIG_KEYS.staticIp), stopped: "stopped" },
        () =>
          new StaticIp(this, "static-ip", {
            network,
            cluster: this.cluster,
            loadBalancer: this.loadBalancer,
            addresses,
            name: `${config.name}-static-ip`,
            stopped: config.stopped,
            alarms: config.staticIp.alarms,
          }),
      );
    }

    const repositories = Object.fromEntries(
      config.services
        .filter((s) => s.image.source === "ecr")
        .map((s) => [s.serviceName, this.services[s.serviceName]!.repositoryUrl ?? ""]),
    );
    const outputs: OutputSpecs = {
      alb_dns_name: { value: this.loadBalancer.dnsName, description: "DNS name of the load balancer" },
      alb_zone_id: {
        value: this.loadBalancer.zoneId,
        description: "Route 53 zone id of the load balancer (alias records)",
      },
      cluster_name: { value: this.cluster.clusterName, description: "ECS cluster name" },
      asg_name: {
        value: this.cluster.autoScalingGroupName,
        description: "Auto Scaling group of the cluster's capacity",
      },
      ecr_repository_urls: {
        value: repositories,
        description: "ECR repository URL by service (services that own one), to push images to",
      },
      service_names: {
        value: config.services.map((s) => this.services[s.serviceName]!.serviceName),
        description: "ECS service names, in configuration order",
      },
      stopped: { value: config.stopped, description: "Whether the environment is stopped (scaled to zero)" },
    };
    if (this.staticIp) {
      Object.assign(outputs, {
        static_ip_lambda_name: {
          value: this.staticIp.lambdaFunctionName,
          description: "The static-IP attacher Lambda (launch lifecycle events and the reconcile)",
        },
        static_ip_dlq_name: {
          value: this.staticIp.deadLetterQueueName,
          description: "Dead-letter queue of the static-IP events that were never handled",
        },
        static_ip_edge_asg_names: {
          value: this.staticIp.edgeAutoScalingGroupNames,
          description: "Edge Auto Scaling groups (one instance holding the static IP), by AZ",
        },
      });
    }
    addOutputs(this, outputs);
  }

  private addService(
    s: ServiceConfig,
    built: Readonly<Record<string, LoadBalancedService>>,
  ): LoadBalancedService {
    const config = this.config;
    const at = `services[${config.services.indexOf(s)}]`;
    const paths: ConfigPaths = {
      ...pathsUnder(at, CONFIG_KEYS.service),
      // The module's image is the config's registry uri; its tag, the environment's.
      image: `${at}.image${s.image.source === "registry" ? ".uri" : ""}`,
      imageTag: "imageTag",
    };
    return reportUnder(this.fail, paths, () => this.buildService(s, built));
  }

  private buildService(
    s: ServiceConfig,
    built: Readonly<Record<string, LoadBalancedService>>,
  ): LoadBalancedService {
    const config = this.config;
    const image = s.image;
    const imageProps =
      image.source === "ecr"
        ? { imageTag: config.imageTag, repositoryForceDelete: !config.deletionProtection }
        : image.source === "service"
          ? { image: built[image.service]!.image, imageRepositoryArn: built[image.service]!.repository?.arn }
          : { image: image.uri };
    return new LoadBalancedService(this, s.serviceName, {
      cluster: this.cluster,
      loadBalancer: this.loadBalancer,
      serviceName: s.serviceName,
      ...imageProps,
      rulePriority: s.rulePriority,
      ...(s.pathPatterns ? { pathPatterns: [...s.pathPatterns] } : {}),
      ...(s.hostHeaders ? { hostHeaders: [...s.hostHeaders] } : {}),
      containerPort: s.containerPort,
      healthCheckPath: s.healthCheckPath,
      cpuUnits: s.cpuUnits,
      memoryLimitMiB: s.memoryLimitMiB,
      memoryReservationMiB: s.memoryReservationMiB,
      ...(s.environment ? { environment: { ...s.environment } } : {}),
      ...(s.containerHealthCheck
        ? {
            containerHealthCheck: { ...s.containerHealthCheck, command: [...s.containerHealthCheck.command] },
          }
        : {}),
      ...serviceScale(s, config.stopped),
      ...(s.deployment ? { deployment: deploymentProps(s.deployment) } : {}),
      ...(s.deploymentAlarms
        ? {
            deploymentAlarms: {
              ...s.deploymentAlarms,
              ...(s.deploymentAlarms.alarmNames ? { alarmNames: [...s.deploymentAlarms.alarmNames] } : {}),
            },
          }
        : {}),
      ...(s.imageOwner ? { imageOwner: s.imageOwner } : {}),
      ...(s.forceNewDeployment !== undefined ? { forceNewDeployment: s.forceNewDeployment } : {}),
      ...(s.compute
        ? {
            compute:
              s.compute.type === "external"
                ? { ...s.compute, placementAttributes: { ...s.compute.placementAttributes } }
                : { ...s.compute },
          }
        : {}),
      ...(s.capacityProviderStrategy
        ? { capacityProviderStrategy: s.capacityProviderStrategy.map((item) => ({ ...item })) }
        : {}),
    });
  }
}
