import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { EcsCluster, EcsClusterProps } from "../modules/ecs-cluster";
import {
  LoadBalancedAutoScalingOptions,
  LoadBalancedService,
  LoadBalancer,
  LoadBalancerProps,
} from "../modules/load-balanced-service";
import { Network, NetworkProps } from "../modules/network";
import { addOutputs, OutputSpecs } from "./outputs";
import { addAwsProvider, AwsTarget } from "./aws-provider";
import { projectTags } from "./tags";

/** Default auto scaling of the Flask service: 2 to 6 tasks, CPU at 60 %, 1000 requests per task per minute. */
export const DEFAULT_WEB_AUTO_SCALING: LoadBalancedAutoScalingOptions = {
  minCapacity: 2,
  maxCapacity: 6,
  targetCpuUtilizationPercent: 60,
  targetRequestsPerTarget: 1000,
};

/** Props of {@link ServiceStack}. */
export interface ServiceStackProps {
  /** Environment name, used in tags and names (e.g. `dev`). */
  readonly environment: string;
  /**
   * Region of the stack's provider and of the network.
   * @default "eu-west-2"
   */
  readonly region?: string;
  /** Real AWS or the local emulator. */
  readonly target: AwsTarget;
  /** Tag of the Flask image in the web service's ECR repository (e.g. a git SHA). */
  readonly imageTag: string;
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
  /**
   * Load balancer settings (the network is this stack's).
   * @default - the LoadBalancer module's defaults, named `<environment>-web`
   */
  readonly loadBalancer?: Omit<LoadBalancerProps, "network">;
  /**
   * Auto scaling of the Flask service.
   * @default DEFAULT_WEB_AUTO_SCALING
   */
  readonly webAutoScaling?: LoadBalancedAutoScalingOptions;
}

/**
 * The Flask `hello_world` service on ECS behind an ALB: provider, Network, EcsCluster, a shared
 * LoadBalancer, the `web` service (every path, its own ECR repository, auto scaling) and a second
 * service `api` on the same load balancer by path (`/api/*`, the same image, two tasks), with
 * their outputs.
 */
export class ServiceStack extends TerraformStack {
  /** The network of this stack. */
  public readonly network: Network;
  /** The ECS cluster of this stack. */
  public readonly cluster: EcsCluster;
  /** The load balancer both services share. */
  public readonly loadBalancer: LoadBalancer;
  /** The Flask service, routed every path the other rules leave. */
  public readonly web: LoadBalancedService;
  /** The second service, routed `/api/*`. */
  public readonly api: LoadBalancedService;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id);
    const region = props.region ?? "eu-west-2";
    addAwsProvider(this, { region, target: props.target, defaultTags: projectTags(props.environment) });
    this.network = new Network(this, "network", { name: props.environment, ...props.network, region });
    this.cluster = new EcsCluster(this, "cluster", {
      clusterName: props.environment,
      ...props.cluster,
      network: this.network,
    });
    this.loadBalancer = new LoadBalancer(this, "alb", {
      name: `${props.environment}-web`,
      ...props.loadBalancer,
      network: this.network,
    });

    // The Flask app (src/service): gunicorn on 8080, /health for the ALB, healthcheck.py for Docker.
    this.web = new LoadBalancedService(this, "web", {
      cluster: this.cluster,
      loadBalancer: this.loadBalancer,
      imageTag: props.imageTag,
      // Evaluated last: every path the more specific rules below leave.
      rulePriority: 1000,
      pathPatterns: ["/*"],
      containerPort: 8080,
      healthCheckPath: "/health",
      containerHealthCheck: { command: ["CMD", "python", "/app/healthcheck.py"], startPeriodSeconds: 10 },
      environment: { WEB_CONCURRENCY: "2", GUNICORN_THREADS: "4" },
      autoScaling: props.webAutoScaling ?? DEFAULT_WEB_AUTO_SCALING,
    });

    // A second service on the same load balancer, by path: the same image from web's repository
    // (the hello_world app answers /api/* with its JSON 404, which shows the routing).
    this.api = new LoadBalancedService(this, "api", {
      cluster: this.cluster,
      loadBalancer: this.loadBalancer,
      image: this.web.image,
      imageRepositoryArn: this.web.repository?.arn,
      rulePriority: 100,
      pathPatterns: ["/api/*"],
      containerPort: 8080,
      healthCheckPath: "/health",
      desiredCount: 2,
    });

    const lb = this.loadBalancer;
    const outputs: OutputSpecs = {
      alb_dns_name: { value: lb.dnsName, description: "DNS name of the load balancer" },
      alb_zone_id: { value: lb.zoneId, description: "Route 53 zone id of the load balancer (alias records)" },
      alb_arn: { value: lb.arn, description: "ARN of the load balancer" },
      alb_security_group_id: {
        value: lb.securityGroupId,
        description: "Security group of the load balancer",
      },
      http_listener_arn: { value: lb.httpListener.arn, description: "ARN of the HTTP listener" },
      https_listener_arn: {
        value: lb.httpsListener?.arn ?? "",
        description: "ARN of the HTTPS listener (empty without a certificate)",
      },
      cluster_name: { value: this.cluster.clusterName, description: "ECS cluster name" },
      cluster_security_group_id: {
        value: this.cluster.securityGroupId,
        description: "Security group of the container instances",
      },
      web_service_name: { value: this.web.serviceName, description: "ECS service of the Flask app" },
      web_target_group_arn: { value: this.web.targetGroupArn, description: "Target group of the Flask app" },
      web_log_group_name: { value: this.web.logGroupName, description: "Log group of the Flask app" },
      web_repository_url: {
        value: this.web.repositoryUrl ?? "",
        description: "ECR repository to push the Flask image to",
      },
      web_task_definition_arn: {
        value: this.web.taskDefinitionArn,
        description: "Task definition of the Flask app",
      },
      api_service_name: { value: this.api.serviceName, description: "ECS service routed /api/*" },
      api_target_group_arn: {
        value: this.api.targetGroupArn,
        description: "Target group of the /api/* service",
      },
      api_log_group_name: { value: this.api.logGroupName, description: "Log group of the /api/* service" },
      access_logs_bucket: {
        value: lb.accessLogsBucket?.bucket ?? "",
        description: "Bucket of the load balancer's access logs (empty when off)",
      },
    };
    addOutputs(this, outputs);
  }
}
