import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { TerraformStack, Testing } from "cdktf";
import { EcsCluster } from "../../modules/ecs-cluster";
import { LoadBalancedService, LoadBalancer } from "../../modules/load-balanced-service";
import { Network } from "../../modules/network";
import { addAwsProvider } from "../../stacks/aws-provider";
import { LocalAws, localClientConfig, LOCAL_REGION, startLocalAws } from "../support/moto";
import { shareProvider } from "../support/shared-provider";
import { plannedActions, TerraformRun } from "../support/terraform";

// Blue/green and canary services and an image deploy owned by CI, applied with the real Terraform
// CLI and hashicorp/aws provider to moto server on localhost.
//
// What moto cannot show, and how this file deals with it:
// - moto runs no deployment: no task starts, ECS never moves traffic, never bakes, never invokes a
//   lifecycle hook or watches an alarm, and never assumes the deployment role. What is checked is
//   the configuration ECS and ELB are given (read back with the AWS SDK after the apply) and that
//   Terraform then plans no change: the deployment settings, the advanced load balancer
//   configuration, the weighted rules and the shared test listener round-trip.
// - ECS's traffic shift itself (ModifyRule with swapped weights) is done here with the SDK, as the
//   deployment role would, to show that the next plan leaves the shifted weights alone.
// - A CI deploy is what the shipped workflow (.github/workflows/deploy-image.yml) does, done with
//   the SDK: register a new revision of the family with a new image, update the service to it.
//   ECS would then deploy it; moto only records the service's new task definition.
jest.setTimeout(20 * 60_000);
shareProvider();

/** The workflow's task definition step (see .github/workflows/deploy-image.yml). */
const NEXT_TASK_DEFINITION = path.join(
  __dirname,
  "..",
  "..",
  "scripts",
  "deploy",
  "next-task-definition.cjs",
);

const HOOK = "arn:aws:lambda:eu-west-2:123456789012:function:smoke-test";

function deploymentsStack(endpoint: string): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "deployments");
  addAwsProvider(stack, { region: LOCAL_REGION, target: { kind: "local", endpoint } });
  const network = new Network(stack, "net", { region: LOCAL_REGION, natGateways: "single" });
  const cluster = new EcsCluster(stack, "apps", { network, minSize: 0, maxSize: 1, desiredCapacity: 0 });
  const lb = new LoadBalancer(stack, "alb", { network, internal: true, deletionProtection: false });
  new LoadBalancedService(stack, "web", {
    cluster,
    loadBalancer: lb,
    rulePriority: 1000,
    imageTag: "v1",
    repositoryForceDelete: true,
    desiredCount: 1,
    deployment: {
      strategy: "blueGreen",
      bakeTimeMinutes: 15,
      testListener: { port: 9000 },
      lifecycleHooks: [
        { functionArn: HOOK, stages: ["POST_TEST_TRAFFIC_SHIFT"], details: { suite: "smoke" } },
      ],
    },
    deploymentAlarms: { alarmNames: ["web-5xx"] },
    imageOwner: "ci",
  });
  new LoadBalancedService(stack, "api", {
    cluster,
    loadBalancer: lb,
    rulePriority: 100,
    pathPatterns: ["/api/*"],
    image: "public.ecr.aws/docker/library/nginx:1.27",
    desiredCount: 1,
    deployment: {
      strategy: "canary",
      canaryPercent: 5,
      canaryBakeTimeMinutes: 3,
      testListener: { port: 9000 },
    },
  });
  return stack;
}

describe("blue/green and canary services and a CI-owned image, applied to the local AWS", () => {
  let aws: LocalAws;
  let tf: TerraformRun;
  let ecs: ECSClient;
  let elb: ElasticLoadBalancingV2Client;
  let clusterName: string;

  beforeAll(async () => {
    aws = await startLocalAws();
    ecs = new ECSClient(localClientConfig(aws));
    elb = new ElasticLoadBalancingV2Client(localClientConfig(aws));
    tf = TerraformRun.synth(deploymentsStack(aws.endpoint)).init();
    tf.apply();
    const services = JSON.parse(tf.run(["show", "-json"])) as {
      values: { root_module: { resources: { type: string; values: Record<string, unknown> }[] } };
    };
    const cluster = services.values.root_module.resources.find((r) => r.type === "aws_ecs_cluster");
    clusterName = String(cluster!.values.name);
  });

  afterAll(async () => {
    try {
      tf?.destroy();
    } finally {
      await aws?.stop();
    }
  });

  async function describe(name: string) {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: clusterName, services: [name] }));
    expect(out.services).toHaveLength(1);
    return out.services![0]!;
  }

  it("THEN ECS holds each service's strategy, bake times, hook and alarms as configured", async () => {
    const web = await describe("web");
    expect(web.deploymentConfiguration).toMatchObject({
      strategy: "BLUE_GREEN",
      bakeTimeInMinutes: 15,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      alarms: { alarmNames: ["web-5xx"], enable: true, rollback: true },
      lifecycleHooks: [
        {
          hookTargetArn: HOOK,
          lifecycleStages: ["POST_TEST_TRAFFIC_SHIFT"],
          roleArn: expect.stringMatching(/:role\/web-deploy-/),
        },
      ],
    });
    const api = await describe("api");
    expect(api.deploymentConfiguration).toMatchObject({
      strategy: "CANARY",
      bakeTimeInMinutes: 10,
      canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 3 },
    });
  });

  it("THEN each service's load balancer names its alternate group, production and test rules and role", async () => {
    for (const name of ["web", "api"]) {
      const service = await describe(name);
      expect(service.loadBalancers).toHaveLength(1);
      const advanced = service.loadBalancers![0]!.advancedConfiguration!;
      expect(advanced.alternateTargetGroupArn).toMatch(/:targetgroup\//);
      expect(advanced.alternateTargetGroupArn).not.toBe(service.loadBalancers![0]!.targetGroupArn);
      expect(advanced.productionListenerRule).toMatch(/:listener-rule\//);
      expect(advanced.testListenerRule).toMatch(/:listener-rule\//);
      expect(advanced.roleArn).toMatch(new RegExp(`:role/${name}-deploy-`));
    }
  });

  it("THEN the two services share one test listener on 9000, each rule weighted 100/0", async () => {
    const web = await describe("web");
    const advanced = web.loadBalancers![0]!.advancedConfiguration!;
    const rules = await elb.send(new DescribeRulesCommand({ RuleArns: [advanced.testListenerRule!] }));
    const listenerArn = rules
      .Rules![0]!.RuleArn!.replace(":listener-rule/", ":listener/")
      .replace(/\/[^/]+$/, "");
    const listener = await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }));
    expect(listener.Listeners![0]).toMatchObject({ Port: 9000, Protocol: "HTTP" });
    const onListener = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    expect(
      onListener
        .Rules!.filter((r) => !r.IsDefault)
        .map((r) => r.Priority)
        .sort(),
    ).toEqual(["100", "1000"]);
    const forward = rules.Rules![0]!.Actions![0]!.ForwardConfig!.TargetGroups!;
    // The target groups of a forward action are a set: ELB returns them in no given order.
    expect(Object.fromEntries(forward.map((g) => [g.TargetGroupArn, g.Weight]))).toEqual({
      [web.loadBalancers![0]!.targetGroupArn!]: 100,
      [advanced.alternateTargetGroupArn!]: 0,
    });
  });

  it("THEN a plan right after the apply changes nothing", () => {
    expect(Object.values(plannedActions(tf.plan())).filter((a) => a !== "no-op" && a !== "read")).toEqual([]);
  });

  it("GIVEN ECS shifted the traffic (the rules' weights swapped) THEN the next plan leaves them alone", async () => {
    const web = await describe("web");
    const primary = web.loadBalancers![0]!.targetGroupArn!;
    const advanced = web.loadBalancers![0]!.advancedConfiguration!;
    for (const rule of [advanced.productionListenerRule!, advanced.testListenerRule!]) {
      await elb.send(
        new ModifyRuleCommand({
          RuleArn: rule,
          Actions: [
            {
              Type: "forward",
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: primary, Weight: 0 },
                  { TargetGroupArn: advanced.alternateTargetGroupArn!, Weight: 100 },
                ],
              },
            },
          ],
        }),
      );
    }
    const plan = tf.plan();
    expect(Object.values(plannedActions(plan)).filter((a) => a !== "no-op" && a !== "read")).toEqual([]);
    const after = await elb.send(new DescribeRulesCommand({ RuleArns: [advanced.productionListenerRule!] }));
    const weights = after.Rules![0]!.Actions![0]!.ForwardConfig!.TargetGroups!;
    expect(Object.fromEntries(weights.map((g) => [g.TargetGroupArn, g.Weight]))).toEqual({
      [primary]: 0,
      [advanced.alternateTargetGroupArn!]: 100,
    });
  });

  it("GIVEN CI registered a new revision with a new image and updated the service THEN the next plan is a no-op", async () => {
    // What .github/workflows/deploy-image.yml does: the family's latest revision, through the
    // workflow's own script, with the new image.
    const web = await describe("web");
    const current = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: web.taskDefinition! }),
    );
    const image = current.taskDefinition!.containerDefinitions![0]!.image!.replace(/:v1$/, ":v2");
    expect(image).toMatch(/:v2$/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "deploy-image-")), "current.json");
    fs.writeFileSync(file, JSON.stringify(current.taskDefinition));
    const input = JSON.parse(
      execFileSync(process.execPath, [NEXT_TASK_DEFINITION, file, image], { encoding: "utf8" }),
    ) as RegisterTaskDefinitionCommandInput;
    expect(input.family).toBe(current.taskDefinition!.family);
    expect(input.containerDefinitions!.map((c) => c.image)).toEqual([image]);
    const registered = await ecs.send(new RegisterTaskDefinitionCommand(input));
    const revision = registered.taskDefinition!.taskDefinitionArn!;
    expect(revision).not.toBe(web.taskDefinition);
    await ecs.send(
      new UpdateServiceCommand({ cluster: clusterName, service: "web", taskDefinition: revision }),
    );
    expect((await describe("web")).taskDefinition).toBe(revision);

    const plan = tf.plan();
    expect(Object.values(plannedActions(plan)).filter((a) => a !== "no-op" && a !== "read")).toEqual([]);
    // Terraform kept the service on CI's revision.
    expect((await describe("web")).taskDefinition).toBe(revision);
  });
});
