import { TerraformStack, Testing } from "cdktf";
import { EcsCluster } from "../../modules/ecs-cluster";
import { LoadBalancer } from "../../modules/load-balanced-service";
import { Network } from "../../modules/network";
import { StaticIp } from "../../modules/static-ip";
import { addAwsProvider } from "../../stacks/aws-provider";
import { describeFailures, runCheckov } from "../support/checkov";
import { TerraformRun } from "../support/terraform";

describe("StaticIp checkov (synthesized JSON)", () => {
  // GIVEN a stack with a network, a cluster, an internal ALB with HTTPS and a StaticIp passing 443 through
  const stack = new TerraformStack(Testing.app(), "stack");
  addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
  const net = new Network(stack, "net", { region: "eu-west-2" });
  const cluster = new EcsCluster(stack, "main", { network: net });
  const alb = new LoadBalancer(stack, "alb", {
    network: net,
    internal: true,
    // The ALB's own checks (access logs) are LoadBalancer's business; turned on so only the edge's findings remain.
    enableAccessLogs: true,
    certificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/0f3c2a1e-1111-2222-3333-444455556666",
  });
  new StaticIp(stack, "sip", { network: net, cluster, loadBalancer: alb, proxyPorts: [80, 443] });

  it("passes checkov with the project's skip list", () => {
    // WHEN checkov scans the synthesized JSON
    const result = runCheckov(TerraformRun.synth(stack).json, "terraform_json");
    // THEN nothing fails (the skips the edge needs are reasoned in policy/checkov-skips.json)
    expect(describeFailures(result)).toBe("");
    expect(result.passed).toBeGreaterThan(50);
  });
});
