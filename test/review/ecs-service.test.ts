import { analyzePlan, evaluateGate, Review, StackReview, unplannedStack } from "../../scripts/review/analyze";
import {
  explainPlanError,
  FORCE_NEW_DEPLOYMENT_ERROR,
  IN_PLACE_STRATEGY_PROVIDER_VERSION,
  SERVICE_DOWNTIME,
} from "../../scripts/review/ecs-service";
import { PlanJson, ResourceChange } from "../../scripts/review/plan-json";
import { renderJson, renderMarkdown, renderText } from "../../scripts/review/render";
import { failedPlan } from "../../scripts/review/run";
import { TerraformError } from "../../scripts/review/terraform";

// The review of ECS service replacements and of the provider's capacity provider strategy error,
// on plan JSON written here: the plans of hashicorp/aws before 6.15.0, which replaced a service
// when its capacity_provider_strategy changed (hashicorp/terraform-provider-aws#22823), cannot be
// made by the provider the tests run. The same review on real plans (an in-place strategy update,
// the provider's error, a rename's replacement) is in ecs-service.local.test.ts.

const SERVICE = "aws_ecs_service.web_service_0A1B2C3D";

/** The service before: on the cluster's capacity provider, weight 1, base 0. */
const BEFORE = {
  name: "web",
  capacity_provider_strategy: [{ capacity_provider: "dev-default", weight: 1, base: 0 }],
  force_new_deployment: false,
  launch_type: "",
};

/** A planned change of the service. */
function serviceChange(
  actions: string[],
  after: Record<string, unknown>,
  replacePaths?: Array<Array<string | number>>,
): ResourceChange {
  return {
    address: SERVICE,
    mode: "managed",
    type: "aws_ecs_service",
    name: "web_service_0A1B2C3D",
    ...(replacePaths ? { action_reason: "replace_because_cannot_update" } : {}),
    change: {
      actions,
      before: BEFORE,
      after: { ...BEFORE, ...after },
      ...(replacePaths ? { replace_paths: replacePaths } : {}),
    },
  };
}

function plan(...changes: ResourceChange[]): PlanJson {
  return { format_version: "1.2", resource_changes: changes };
}

function reviewOf(...stacks: StackReview[]): Review {
  return { environment: "dev", stacks, gate: evaluateGate(stacks, { allowDestroyProtected: false }) };
}

const NEW_STRATEGY = { capacity_provider_strategy: [{ capacity_provider: "dev-spot", weight: 1, base: 0 }] };

describe("ECS service replacements in the plan review", () => {
  describe("GIVEN a plan that replaces the service for its capacity_provider_strategy (hashicorp/aws before 6.15.0)", () => {
    const s = analyzePlan(
      "dev-app",
      plan(serviceChange(["delete", "create"], NEW_STRATEGY, [["capacity_provider_strategy"]])),
    );
    const r = reviewOf(s);

    it("THEN the replacement carries a downtime warning with what forces it and how to avoid it", () => {
      expect(s.destructive.map((d) => [d.address, d.action, d.forcedBy])).toEqual([
        [SERVICE, "replace", ["capacity_provider_strategy"]],
      ]);
      expect(s.warnings).toEqual([
        {
          address: SERVICE,
          type: "aws_ecs_service",
          forcedBy: ["capacity_provider_strategy"],
          message: `${SERVICE_DOWNTIME} (forced by capacity_provider_strategy)`,
          withoutDowntime: [
            expect.stringContaining(
              `hashicorp/aws ${IN_PLACE_STRATEGY_PROVIDER_VERSION} and later change capacity_provider_strategy in place`,
            ),
            expect.stringMatching(/^or, with any provider: add a second service beside this one/),
          ],
        },
      ]);
      expect(s.warnings[0]!.withoutDowntime[0]).toContain(
        "set forceNewDeployment: true on the service for the apply that changes the strategy, then remove it",
      );
      expect(SERVICE_DOWNTIME).toContain("ECS deletes the old service, draining and stopping its tasks");
    });

    it("THEN the gate passes (nothing protected is lost) and carries the warning", () => {
      expect(r.gate).toEqual({
        passed: true,
        failures: [],
        allowed: [],
        warnings: [`dev-app: ${SERVICE}: ${SERVICE_DOWNTIME} (forced by capacity_provider_strategy)`],
      });
    });

    it("THEN the text shows the warning at the top, under the replacement and with the gate", () => {
      const text = renderText(r);
      const warning = `  ! WARNING dev-app: ${SERVICE}: ${SERVICE_DOWNTIME} (forced by capacity_provider_strategy)`;
      expect(text.split("\n").filter((l) => l === warning)).toHaveLength(2);
      expect(text.indexOf(warning)).toBeLessThan(text.indexOf("== Deletes and replacements"));
      expect(text).toContain(
        [
          `  - replace dev-app: ${SERVICE}`,
          `      WARNING: ${SERVICE_DOWNTIME} (forced by capacity_provider_strategy)`,
          `      without downtime: ${s.warnings[0]!.withoutDowntime[0]}`,
          `      without downtime: ${s.warnings[0]!.withoutDowntime[1]}`,
          "      forced by: capacity_provider_strategy",
        ].join("\n"),
      );
      expect(text).toMatch(/GATE: PASSED\n {2}! WARNING dev-app: aws_ecs_service\.web_service_0A1B2C3D: /);
    });

    it("THEN the Markdown shows it in the Gate section and under the replacement; the JSON carries it", () => {
      const markdown = renderMarkdown(r);
      expect(markdown).toContain(
        "### Gate\n- ⚠️ **Downtime**: dev-app: aws\\_ecs\\_service.web\\_service\\_0A1B2C3D: replacing this ECS service causes downtime",
      );
      expect(markdown.indexOf("### Gate")).toBeLessThan(markdown.indexOf("### Deletes and replacements"));
      expect(markdown).toContain("  - WARNING: replacing this ECS service causes downtime");
      expect(markdown).toContain("  - without downtime: hashicorp/aws 6.15.0 and later");
      const json = JSON.parse(renderJson(r)) as Review;
      expect(json.stacks[0]!.warnings).toEqual(s.warnings);
      expect(json.gate.warnings).toEqual(r.gate.warnings);
    });
  });

  it("GIVEN a replacement forced by a strategy item's field and launch_type THEN both pieces of advice", () => {
    const s = analyzePlan(
      "dev-app",
      plan(
        serviceChange(["delete", "create"], { ...NEW_STRATEGY, launch_type: "EC2" }, [
          ["capacity_provider_strategy", 0, "capacity_provider"],
          ["launch_type"],
        ]),
      ),
    );
    expect(s.warnings[0]!.forcedBy).toEqual([
      "capacity_provider_strategy[0].capacity_provider",
      "launch_type",
    ]);
    expect(s.warnings[0]!.withoutDowntime).toEqual([
      expect.stringContaining("change capacity_provider_strategy in place"),
      expect.stringMatching(/^launch_type cannot change in place in any hashicorp\/aws version/),
      expect.stringMatching(/^or, with any provider: add a second service/),
    ]);
  });

  it("GIVEN a replacement forced by name THEN the warning offers only a second service", () => {
    const s = analyzePlan(
      "dev-app",
      plan(serviceChange(["delete", "create"], { name: "web-v2" }, [["name"]])),
    );
    expect(s.warnings.map((w) => [w.forcedBy, w.withoutDowntime.length])).toEqual([[["name"], 1]]);
    expect(s.warnings[0]!.message).toBe(`${SERVICE_DOWNTIME} (forced by name)`);
  });

  it("GIVEN a replacement Terraform gives no paths for (tainted) THEN the warning says so", () => {
    const tainted: ResourceChange = {
      ...serviceChange(["delete", "create"], {}),
      action_reason: "replace_because_tainted",
    };
    const s = analyzePlan("dev-app", plan(tainted));
    expect(s.warnings[0]!.message).toBe(
      `${SERVICE_DOWNTIME} (forced by: not reported (replace_because_tainted))`,
    );
  });

  it("GIVEN the service replaced with create_before_destroy, updated in place, or another type replaced THEN no warning", () => {
    const createFirst = serviceChange(["create", "delete"], { name: "web-v2" }, [["name"]]);
    const inPlace = serviceChange(["update"], { ...NEW_STRATEGY, force_new_deployment: true });
    const taskDefinition: ResourceChange = {
      address: "aws_ecs_task_definition.web_task_0A1B2C3D",
      mode: "managed",
      type: "aws_ecs_task_definition",
      name: "web_task_0A1B2C3D",
      action_reason: "replace_because_cannot_update",
      change: {
        actions: ["delete", "create"],
        before: { cpu: "256" },
        after: { cpu: "512" },
        replace_paths: [["cpu"]],
      },
    };
    for (const rc of [createFirst, inPlace, taskDefinition]) {
      const s = analyzePlan("dev-app", plan(rc));
      expect([rc.address, rc.change.actions, s.warnings]).toEqual([rc.address, rc.change.actions, []]);
    }
    const r = reviewOf(analyzePlan("dev-app", plan(inPlace)));
    expect(r.gate.warnings).toEqual([]);
    expect(renderText(r)).not.toContain("WARNING");
    expect(renderMarkdown(r)).not.toContain("### Gate");
  });

  it("GIVEN a protected replacement beside a replaced service THEN the protected one fails the gate and the service only warns", () => {
    const zone: ResourceChange = {
      address: "aws_route53_zone.network_zone_0A1B2C3D",
      mode: "managed",
      type: "aws_route53_zone",
      name: "network_zone_0A1B2C3D",
      action_reason: "replace_because_cannot_update",
      change: {
        actions: ["delete", "create"],
        before: { name: "a.local" },
        after: { name: "b.local" },
        replace_paths: [["name"]],
      },
    };
    const s = analyzePlan(
      "dev-app",
      plan(serviceChange(["delete", "create"], { name: "web-v2" }, [["name"]]), zone),
    );
    const gate = evaluateGate([s], { allowDestroyProtected: false });
    expect(gate.passed).toBe(false);
    expect(gate.failures).toEqual([
      expect.stringMatching(/^dev-app: aws_route53_zone\.\S+ would be replaced \(protected/),
    ]);
    expect(gate.warnings).toEqual([
      expect.stringMatching(/^dev-app: aws_ecs_service\.\S+: replacing this ECS service/),
    ]);
  });
});

/** What Terraform prints for the provider's refusal (with -no-color), as in a real run. */
const FORCE_NEW_DEPLOYMENT_STDERR = `
Error: ${FORCE_NEW_DEPLOYMENT_ERROR}

  with ${SERVICE},
  on cdk.tf.json line 1042, in resource "aws_ecs_service" "web_service_0A1B2C3D":
1042:       }

`;

describe("the provider's capacity provider strategy error in the plan review", () => {
  it("GIVEN Terraform's error output THEN the review names the service, what it means and the fix", () => {
    const explained = explainPlanError(FORCE_NEW_DEPLOYMENT_STDERR)!;
    expect(explained.addresses).toEqual([SERVICE]);
    expect(explained.lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^the capacity provider strategy of ${SERVICE.replace(/\./g, "\\.")} changes: .*in place only as part of a new deployment`,
        ),
      ),
      expect.stringMatching(/^fix: set forceNewDeployment: true on that service .*, then remove it again/),
    ]);
    // The same error in Terraform's boxed (coloured terminal) layout.
    const boxed = FORCE_NEW_DEPLOYMENT_STDERR.split("\n")
      .map((l) => `│ ${l}`)
      .join("\n");
    expect(explainPlanError(boxed)!.addresses).toEqual([SERVICE]);
  });

  it("GIVEN another error THEN no explanation", () => {
    expect(
      explainPlanError("Error: Reference to undeclared resource\n\n  with aws_lb.alb,\n"),
    ).toBeUndefined();
  });

  it("GIVEN the failed plan THEN its stack is an error with the raw error and the explanation, and the gate's failure gives the fix", () => {
    const s = failedPlan(
      "dev-app",
      new TerraformError("terraform plan exited 1", FORCE_NEW_DEPLOYMENT_STDERR, ""),
    );
    expect(s.status).toBe("error");
    expect(s.note).toContain(
      `Error: ${FORCE_NEW_DEPLOYMENT_ERROR} with ${SERVICE}, on cdk.tf.json line 1042`,
    );
    expect(s.explanation).toEqual(explainPlanError(FORCE_NEW_DEPLOYMENT_STDERR)!.lines);
    const r = reviewOf(s);
    expect(r.gate.passed).toBe(false);
    expect(r.gate.failures).toEqual([`dev-app: the plan failed: ${s.note} (${s.explanation![1]})`]);
    const text = renderText(r);
    expect(text).toContain(
      `== Plan errors\n  - dev-app: error: ${s.note}\n      ${s.explanation![0]}\n      ${s.explanation![1]}\n`,
    );
    expect(renderMarkdown(r)).toContain(
      "### Plan errors\n- dev-app: error: Error: force\\_new\\_deployment should be true",
    );
    expect((JSON.parse(renderJson(r)) as Review).stacks[0]!.explanation).toEqual(s.explanation);
  });

  it("GIVEN a refused plan (prevent_destroy) or another error THEN no explanation, as before", () => {
    const refused = failedPlan(
      "dev-foundation",
      new TerraformError(
        "x",
        "Error: Instance cannot be destroyed\n\nResource has lifecycle.prevent_destroy set",
        "",
      ),
    );
    expect([refused.status, refused.explanation]).toEqual(["refused", undefined]);
    const other = unplannedStack("dev-app", "error", "Error: something else");
    expect(evaluateGate([other], { allowDestroyProtected: false }).failures).toEqual([
      "dev-app: the plan failed: Error: something else",
    ]);
    expect(renderText(reviewOf(other))).toContain(
      "== Plan errors\n  - dev-app: error: Error: something else\n\n",
    );
  });
});
