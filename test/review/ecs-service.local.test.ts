import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { EcsCluster } from "../../modules/ecs-cluster";
import {
  LoadBalancedService,
  LoadBalancedServiceProps,
  LoadBalancer,
} from "../../modules/load-balanced-service";
import { Network } from "../../modules/network";
import { addAwsProvider } from "../../stacks/aws-provider";
import {
  analyzePlan,
  constructPathsOf,
  evaluateGate,
  Review,
  StackReview,
} from "../../scripts/review/analyze";
import { FORCE_NEW_DEPLOYMENT_ERROR, SERVICE_DOWNTIME } from "../../scripts/review/ecs-service";
import { renderJson, renderMarkdown, renderText } from "../../scripts/review/render";
import { failedPlan } from "../../scripts/review/run";
import { readSynthesized } from "../../scripts/review/synth";
import { Terraform, TerraformError } from "../../scripts/review/terraform";
import { LOCAL_REGION, LocalAws, localClientConfig, startLocalAws } from "../support/moto";
import { shareProvider } from "../support/shared-provider";

// The plan review on real plans of an ECS service's capacity provider strategy and name changes
// (issue #15 item 4): one stack (network, cluster, load balancer, a LoadBalancedService "web")
// applied to this file's moto server; then configs that change the service are synthesized,
// planned with the real `terraform plan` of the provider the tests run (hashicorp/aws 6.x, which
// changes capacity_provider_strategy in place and refuses to plan it without
// force_new_deployment), and reviewed from the real plan JSON or the real error. The cases run in
// order: the in-place update is applied, and the cases after it start from it.
//
// What is not shown here: a replacement forced by capacity_provider_strategy. The provider the
// tests run never plans one (hashicorp/aws before 6.15.0 did, hashicorp/terraform-provider-aws
// #22823); scripts/review's unit test (ecs-service.test.ts) reviews such a plan's JSON. Moto runs
// no ECS agent, so no task is placed and the downtime of a replacement is not observed, only
// planned; the strategy an in-place update leaves is read back from moto's DescribeServices.
jest.setTimeout(20 * 60_000);
// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

const STACK = "svc";

type ServiceChanges = Partial<Pick<LoadBalancedServiceProps, "serviceName" | "forceNewDeployment">> & {
  /** The base of the cluster's capacity provider in the service's strategy (weight 1). */
  readonly base?: number;
};

describe("plan review of an ECS service's capacity provider strategy and name", () => {
  let aws: LocalAws;
  let outdir: string;
  let statePath: string;
  let clusterName = "";

  /** Synthesizes the stack with the service changed by `changes`; its Terraform and JSON. */
  function synth(changes: ServiceChanges = {}) {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, STACK);
    addAwsProvider(stack, { region: LOCAL_REGION, target: { kind: "local", endpoint: aws.endpoint } });
    new LocalBackend(stack, { path: statePath });
    const network = new Network(stack, "network", { region: LOCAL_REGION, natGateways: "single" });
    const cluster = new EcsCluster(stack, "cluster", { network });
    const loadBalancer = new LoadBalancer(stack, "alb", { network, deletionProtection: false });
    const { base, ...props } = changes;
    new LoadBalancedService(stack, "web", {
      cluster,
      loadBalancer,
      image: "public.ecr.aws/nginx/nginx:1.27",
      containerPort: 80,
      rulePriority: 100,
      desiredCount: 1,
      ...(base === undefined
        ? {}
        : {
            capacityProviderStrategy: [{ capacityProvider: cluster.capacityProviderName, weight: 1, base }],
          }),
      ...props,
    });
    app.synth();
    const synthesized = readSynthesized(outdir).stacks.find((s) => s.id === STACK)!;
    return { stack: synthesized, tf: new Terraform(synthesized.dir) };
  }

  /** Plans `changes` against the deployed state and reviews it the way `npm run review` does. */
  async function review(changes: ServiceChanges): Promise<{ review: Review; tf: Terraform }> {
    const { stack, tf } = synth(changes);
    let s: StackReview;
    try {
      s = analyzePlan(STACK, await tf.plan(), {}, constructPathsOf(stack.json));
    } catch (e) {
      if (!(e instanceof TerraformError)) throw e;
      s = failedPlan(STACK, e);
    }
    return {
      review: {
        environment: "local",
        stacks: [s],
        gate: evaluateGate([s], { allowDestroyProtected: false }),
      },
      tf,
    };
  }

  /** The deployed service's capacity provider strategy, read from moto. */
  async function deployedStrategy(serviceName: string) {
    const ecs = new ECSClient(localClientConfig(aws));
    const out = await ecs.send(
      new DescribeServicesCommand({ cluster: clusterName, services: [serviceName] }),
    );
    ecs.destroy();
    return out.services?.[0]?.capacityProviderStrategy;
  }

  beforeAll(async () => {
    aws = await startLocalAws();
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-service-review-out-"));
    statePath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-service-review-state-")), "svc.tfstate");
    const { tf } = synth();
    await tf.init();
    await tf.plan();
    await tf.applyPlan();
    const state = JSON.parse(fs.readFileSync(statePath, "utf8")) as {
      resources: Array<{ type: string; instances: Array<{ attributes: Record<string, unknown> }> }>;
    };
    clusterName = String(
      state.resources.find((r) => r.type === "aws_ecs_cluster")!.instances[0]!.attributes.name,
    );
  });

  afterAll(async () => {
    await aws?.stop();
  });

  test("GIVEN the deployed service THEN its strategy is the cluster's provider, weight 1, base 0, and nothing changes", async () => {
    // Moto leaves a base of 0 out of DescribeServices' answer.
    const strategy = await deployedStrategy("web");
    expect(strategy).toEqual([expect.objectContaining({ capacityProvider: "cluster-default", weight: 1 })]);
    expect(strategy![0]!.base ?? 0).toBe(0);
    const { review: r } = await review({});
    expect(r.stacks[0]!.status).toBe("planned");
    expect(r.stacks[0]!.changes).toEqual([]);
    expect(r.gate).toEqual({ passed: true, failures: [], allowed: [], warnings: [] });
  });

  test("GIVEN the strategy's base changed without forceNewDeployment THEN the provider refuses the plan and the review explains it and the fix", async () => {
    const { review: r } = await review({ base: 1 });
    const s = r.stacks[0]!;
    expect(s.status).toBe("error");
    // The provider's own error, as Terraform printed it.
    expect(s.note).toContain(FORCE_NEW_DEPLOYMENT_ERROR);
    expect(s.note).toMatch(/with aws_ecs_service\.web_service_[0-9A-F]{8},/);
    expect(s.explanation).toEqual([
      expect.stringMatching(
        /^the capacity provider strategy of aws_ecs_service\.web_service_[0-9A-F]{8} changes: hashicorp\/aws .* in place only as part of a new deployment/,
      ),
      expect.stringMatching(/^fix: set forceNewDeployment: true on that service .* then remove it again/),
    ]);
    expect(r.gate.passed).toBe(false);
    expect(r.gate.failures).toEqual([
      expect.stringMatching(
        new RegExp(
          `^svc: the plan failed: .*${FORCE_NEW_DEPLOYMENT_ERROR}.* \\(fix: set forceNewDeployment: true`,
        ),
      ),
    ]);
    const text = renderText(r);
    expect(text).toMatch(/== Plan errors\n {2}- svc: error: .*force_new_deployment should be true/);
    expect(text).toMatch(/\n {6}fix: set forceNewDeployment: true on that service/);
    expect(text).toContain("GATE: FAILED");
    expect(renderMarkdown(r)).toMatch(
      /### Plan errors\n- svc: error: .*\n {2}- the capacity provider strategy/,
    );
    expect(JSON.parse(renderJson(r)).stacks[0].explanation).toEqual(s.explanation);
  });

  test("GIVEN the same change with forceNewDeployment: true THEN an in-place update, no warning; applied, moto has the new base; then forceNewDeployment removed plans without error", async () => {
    const { review: r, tf } = await review({ base: 1, forceNewDeployment: true });
    const s = r.stacks[0]!;
    expect([s.status, s.note]).toEqual(["planned", undefined]);
    expect(s.destructive).toEqual([]);
    expect(s.warnings).toEqual([]);
    const service = s.changes.find((c) => c.type === "aws_ecs_service")!;
    expect(service).toEqual(expect.objectContaining({ action: "update", construct: "svc/web/service" }));
    expect(service.attributes).toEqual(
      expect.arrayContaining([
        { path: "force_new_deployment", before: null, after: true },
        { path: "capacity_provider_strategy[0].base", before: 0, after: 1 },
      ]),
    );
    expect(r.gate).toEqual({ passed: true, failures: [], allowed: [], warnings: [] });
    expect(renderText(r)).not.toContain("WARNING");

    await tf.applyPlan();
    expect(await deployedStrategy("web")).toEqual([expect.objectContaining({ weight: 1, base: 1 })]);

    // The second apply of the procedure: forceNewDeployment off again, the strategy as it is now.
    const { review: after } = await review({ base: 1 });
    const s2 = after.stacks[0]!;
    expect([s2.status, s2.note]).toEqual(["planned", undefined]);
    expect(s2.changes.map((c) => [c.type, c.action])).toEqual([["aws_ecs_service", "update"]]);
    expect(s2.changes[0]!.attributes).toEqual([{ path: "force_new_deployment", before: true, after: null }]);
  });

  test("GIVEN the service renamed THEN its replacement, forced by name, carries the downtime warning in every format; the gate warns and passes", async () => {
    const { review: r } = await review({ base: 1, serviceName: "web-v2" });
    const s = r.stacks[0]!;
    expect(s.status).toBe("planned");
    const replaced = s.destructive.find((d) => d.type === "aws_ecs_service")!;
    expect(replaced).toEqual(
      expect.objectContaining({
        action: "replace",
        forcedBy: ["name"],
        reason: "replace_because_cannot_update",
        construct: "svc/web/service",
      }),
    );
    expect(s.warnings).toEqual([
      {
        address: replaced.address,
        type: "aws_ecs_service",
        forcedBy: ["name"],
        message: `${SERVICE_DOWNTIME} (forced by name)`,
        withoutDowntime: [
          expect.stringMatching(/^or, with any provider: add a second service beside this one/),
        ],
      },
    ]);
    // Not a failure: nothing protected is lost (the gate's other failures would be checkov's, not run here).
    expect(r.gate.passed).toBe(true);
    expect(r.gate.warnings).toEqual([`svc: ${replaced.address}: ${SERVICE_DOWNTIME} (forced by name)`]);
    const text = renderText(r);
    expect(text).toContain(
      `  ! WARNING svc: ${replaced.address}: replacing this ECS service causes downtime`,
    );
    expect(text).toMatch(
      new RegExp(
        `- replace svc: ${replaced.address.replace(/\./g, "\\.")}\\n(.*\\n)*? {6}WARNING: replacing this ECS service causes downtime`,
      ),
    );
    expect(text).toMatch(/GATE: PASSED\n {2}! WARNING svc: aws_ecs_service\./);
    const markdown = renderMarkdown(r);
    expect(markdown).toContain("### Gate\n- ⚠️ **Downtime**: svc: aws\\_ecs\\_service.");
    expect(markdown).toContain("  - WARNING: replacing this ECS service causes downtime");
    expect(JSON.parse(renderJson(r)).gate.warnings).toEqual(r.gate.warnings);
  });

  test("GIVEN the service renamed and its strategy changed together THEN the provider refuses that plan too (its check runs before the replacement)", async () => {
    // capacityProviderStrategyCustomizeDiff checks any existing service whose strategy changes,
    // even one the plan replaces: the explanation applies as it is.
    const { review: r } = await review({ base: 2, serviceName: "web-v2" });
    const s = r.stacks[0]!;
    expect(s.status).toBe("error");
    expect(s.note).toContain(FORCE_NEW_DEPLOYMENT_ERROR);
    expect(s.explanation?.[1]).toMatch(/^fix: set forceNewDeployment: true/);
  });
});
