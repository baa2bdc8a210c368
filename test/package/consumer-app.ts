/**
 * The throwaway consumer project of the pack test: a cdktf app that imports the modules by their
 * package entry points. Its source is kept as text here, not as a .ts file of the repo, because
 * `@ecs-cdktf/modules/...` only resolves where the package is installed (the repo's own tsc would
 * fail on it).
 */

/** Entry points the consumer app uses; each must resolve into the installed package. */
export const CONSUMER_ENTRY_POINTS = [
  "network",
  "ecs-cluster",
  "load-balanced-service",
  "static-ip",
] as const;

/** ARN of the existing cluster the consumer imports (`EcsCluster.fromAttributes`). */
export const IMPORTED_CLUSTER_ARN = "arn:aws:ecs:eu-west-2:123456789012:cluster/platform";

/** Name of the consumer's stack. */
export const CONSUMER_STACK = "consumer";

/**
 * `main.ts` of the consumer. `node main.js` synthesizes one stack using every module above;
 * `node main.js bad-input` builds a network with an invalid prop (the run must fail with the
 * module's message).
 */
export const CONSUMER_MAIN_TS = `import { App, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Network, NatGateways } from "@ecs-cdktf/modules/network";
import { EcsCluster } from "@ecs-cdktf/modules/ecs-cluster";
import { LoadBalancedService, LoadBalancer, WorkerService } from "@ecs-cdktf/modules/load-balanced-service";
import { StaticIp } from "@ecs-cdktf/modules/static-ip";

class ConsumerStack extends TerraformStack {
  constructor(scope: Construct, id: string, natGateways: NatGateways) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-2" });
    const constraint = process.env.AWS_PROVIDER_VERSION_CONSTRAINT || ">= 6.25.0, < 7.0.0";
    this.addOverride("terraform.required_providers.aws.version", constraint);

    const network = new Network(this, "net", { name: "consumer", natGateways });
    const cluster = new EcsCluster(this, "apps", { network, clusterName: "consumer", maxSize: 3 });
    const alb = new LoadBalancer(this, "alb", { network, name: "consumer", deletionProtection: false });
    const web = new LoadBalancedService(this, "web", {
      cluster,
      loadBalancer: alb,
      imageTag: "1.0.0",
      rulePriority: 100,
      autoScaling: { minCapacity: 1, maxCapacity: 4 },
    });
    new WorkerService(this, "jobs", {
      cluster,
      image: "public.ecr.aws/docker/library/busybox:1.36",
      command: ["sleep", "3600"],
      desiredCount: 1,
    });

    // An existing cluster, imported: the batch worker runs there, nothing of the cluster is created.
    const platform = EcsCluster.fromAttributes(this, "platform", {
      clusterName: "platform",
      clusterArn: "${IMPORTED_CLUSTER_ARN}",
      capacityProviderName: "platform-default",
    });
    new WorkerService(this, "batch", {
      cluster: platform,
      image: "public.ecr.aws/docker/library/busybox:1.36",
      command: ["sleep", "3600"],
      desiredCount: 1,
    });

    // The attacher Lambda comes from the prebuilt bundle in the tarball: the consumer has neither
    // its TypeScript source nor esbuild.
    const staticIp = new StaticIp(this, "edge", { network, cluster, loadBalancer: alb });

    new TerraformOutput(this, "url", { value: "http://" + alb.dnsName });
    new TerraformOutput(this, "cluster_name", { value: cluster.clusterName });
    new TerraformOutput(this, "web_repository_url", { value: web.repositoryUrl ?? "" });
    new TerraformOutput(this, "attacher", { value: staticIp.lambdaFunctionName });
  }
}

const app = new App();
new ConsumerStack(app, "${CONSUMER_STACK}", process.argv[2] === "bad-input" ? ("both" as NatGateways) : "single");
app.synth();
`;
