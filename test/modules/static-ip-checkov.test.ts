import { TerraformStack, Testing } from "cdktf";
import { EcsCluster } from "../../modules/ecs-cluster";
import { Network } from "../../modules/network";
import { StaticIp } from "../../modules/static-ip";
import { addAwsProvider } from "../../stacks/aws-provider";
import { describeFailures, runCheckov } from "../support/checkov";
import { TerraformRun } from "../support/terraform";

describe("StaticIp checkov (synthesized JSON)", () => {
  // GIVEN a stack with a network, a cluster and a StaticIp with its defaults
  const stack = new TerraformStack(Testing.app(), "stack");
  addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
  const net = new Network(stack, "net");
  const cluster = new EcsCluster(stack, "main", { network: net });
  new StaticIp(stack, "sip", { network: net, cluster });

  it("passes checkov with the project's skip list", () => {
    // WHEN checkov scans the synthesized JSON
    const result = runCheckov(TerraformRun.synth(stack).json, "terraform_json");
    // THEN nothing fails (the skips the edge needs are reasoned in policy/checkov-skips.json)
    expect(describeFailures(result)).toBe("");
    expect(result.passed).toBeGreaterThan(50);
  });
});
