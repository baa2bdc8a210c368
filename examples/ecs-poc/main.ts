/**
 * The ecs-poc app, the way a consumer of `@ecs-cdktf/modules` writes it: the Flask `hello_world`
 * service on ECS with EC2 capacity, behind a load balancer, reachable from the internet on static
 * public IPs (one Elastic IP per AZ) in London.
 *
 * Two stacks, because the Elastic IPs must outlive the application:
 *
 * - `ecs-poc-foundation` (long-lived): the network with its private zone `myorg.local`, and the
 *   static IPs' addresses (per AZ an ENI holding an Elastic IP). Destroyed only on purpose.
 * - `ecs-poc-app`: the ECS cluster, the internal load balancer, the service, and the machinery that
 *   puts the static IPs in front of the load balancer (edge instances, the attacher Lambda, the
 *   HAProxy edge proxy). It reads the foundation through cdktf cross-stack references.
 *
 * In this repository tsconfig.json maps the `@ecs-cdktf/modules/<module>` entry points to the
 * modules' sources; a consumer gets them from the installed package instead.
 */
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Network } from "@ecs-cdktf/modules/network";
import { EcsCluster } from "@ecs-cdktf/modules/ecs-cluster";
import { LoadBalancedService, LoadBalancer } from "@ecs-cdktf/modules/load-balanced-service";
import { StaticIp, StaticIpAddresses } from "@ecs-cdktf/modules/static-ip";

/** Every resource lives in London. */
const REGION = "eu-west-2";

/**
 * The base name of the resources (VPC, cluster, load balancer, static IPs). Not `ecs-…`: capacity
 * provider names are `<cluster name>-<capacity>`, and ECS reserves the prefixes aws, ecs and fargate.
 */
const NAME = "poc";

/**
 * hashicorp/aws versions the modules' bindings fit. `AWS_PROVIDER_VERSION_CONSTRAINT` overrides it,
 * e.g. with the exact label of a provider built into a local filesystem mirror.
 */
const AWS_PROVIDER_VERSION = process.env.AWS_PROVIDER_VERSION_CONSTRAINT?.trim() || ">= 6.25.0, < 7.0.0";

/**
 * The AWS provider of a stack: stacks own it (the modules never set a provider, region or tags).
 * Credentials come from the usual AWS chain (environment, profile, SSO), never from code.
 */
function addAwsProvider(stack: TerraformStack): void {
  new AwsProvider(stack, "aws", { region: REGION, defaultTags: [{ tags: { Project: "ecs-poc" } }] });
  stack.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);
}

/** The long-lived half: the network and the static IPs' addresses. */
class FoundationStack extends TerraformStack {
  readonly network: Network;
  readonly addresses: StaticIpAddresses;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    addAwsProvider(this);

    // 1. A VPC over two AZs (eu-west-2a, eu-west-2b), a public and a private subnet in each, and
    //    the private Route 53 zone `myorg.local`. One NAT gateway keeps the proof of concept cheap;
    //    "per-az" (the default) survives the loss of an AZ.
    this.network = new Network(this, "network", {
      name: NAME,
      region: REGION,
      azCount: 2,
      natGateways: "single",
      zoneName: "myorg.local",
    });

    // 2. The static IPs: per AZ an ENI in the public subnet holding an Elastic IP, open on port 80.
    //    Terraform refuses to destroy the Elastic IPs (`allowEipDestroy` is off): a released address
    //    is gone for good, and clients may have it on an allow list.
    this.addresses = new StaticIpAddresses(this, "static-ip", {
      network: this.network,
      name: `${NAME}-static-ip`,
      proxyPorts: [80],
    });

    new TerraformOutput(this, "static_ips", {
      value: this.addresses.publicIps,
      description: "The static public IPs (Elastic IPs), by AZ",
    });
  }
}

/** The application half: cluster, load balancer, service, and the static IPs' edge. */
class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string, foundation: FoundationStack) {
    super(scope, id);
    addAwsProvider(this);
    // The foundation's constructs are used as they are: cdktf turns every reference to them into an
    // output of the foundation stack read here through `terraform_remote_state`.
    const network = foundation.network;

    // 3. The ECS cluster on EC2: an Auto Scaling group of ECS-optimized instances in the private
    //    subnets behind a capacity provider with managed scaling (ECS sizes the group to the tasks).
    const cluster = new EcsCluster(this, "cluster", {
      network,
      clusterName: NAME,
      instanceType: "t3.small",
      minSize: 1,
      maxSize: 3,
    });

    // 4. The load balancer, internal (private subnets): the static IPs are the public entry, and
    //    the edge proxy reaches an internal load balancer directly, not through NAT. Deletion
    //    protection is off so the proof of concept can be torn down; keep the default (on) for real.
    const loadBalancer = new LoadBalancer(this, "alb", {
      network,
      name: NAME,
      internal: true,
      deletionProtection: false,
    });

    // 5. The Flask `hello_world` service (src/service in this repository): gunicorn on 8080,
    //    `/health` for the target group, every path of the load balancer, two to four tasks scaled
    //    on CPU. The module creates its ECR repository: push the image there with the tag below.
    const service = new LoadBalancedService(this, "hello-world", {
      cluster,
      loadBalancer,
      serviceName: "hello-world",
      imageTag: "0.1.0",
      repositoryForceDelete: true,
      rulePriority: 1000,
      pathPatterns: ["/*"],
      containerPort: 8080,
      healthCheckPath: "/health",
      environment: { WEB_CONCURRENCY: "2", GUNICORN_THREADS: "4" },
      autoScaling: { minCapacity: 2, maxCapacity: 4, targetCpuUtilizationPercent: 60 },
    });

    // 6. The static IPs in front of the load balancer: per AZ a one-instance edge Auto Scaling
    //    group in the cluster whose launch lifecycle hook waits until the attacher Lambda has moved
    //    the AZ's ENI (and so its Elastic IP) to the new instance, and an HAProxy edge proxy on it
    //    forwarding port 80 to the load balancer. The Lambda's code ships as a cdktf asset.
    const staticIp = new StaticIp(this, "static-ip", {
      network,
      cluster,
      loadBalancer,
      addresses: foundation.addresses,
      name: `${NAME}-static-ip`,
    });

    // The public URLs: the foundation's addresses, read here through remote state.
    new TerraformOutput(this, "service_urls", {
      value: Object.fromEntries(Object.entries(staticIp.publicIps).map(([az, ip]) => [az, `http://${ip}/`])),
      description: "The hello_world service's URL on each static IP, by AZ",
    });
    new TerraformOutput(this, "alb_dns_name", {
      value: loadBalancer.dnsName,
      description: "DNS name of the internal load balancer (resolves inside the VPC)",
    });
    new TerraformOutput(this, "cluster_name", {
      value: cluster.clusterName,
      description: "ECS cluster name",
    });
    new TerraformOutput(this, "ecr_repository_url", {
      value: service.repositoryUrl ?? "",
      description: "The service's ECR repository: push the hello_world image here",
    });
  }
}

const app = new App();
const foundation = new FoundationStack(app, "ecs-poc-foundation");
new AppStack(app, "ecs-poc-app", foundation);
app.synth();
