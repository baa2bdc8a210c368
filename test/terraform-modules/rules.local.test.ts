/**
 * The validation rules of the generated Terraform modules, on both sides of the module boundary:
 * every value a rule rejects fails a caller's Terraform run (real CLI and provider) with the
 * variable, the value and the fix, and the construct rejects the same literal at synth time (where
 * the rule mirrors one of its checks). The modules' own examples pass both.
 *
 * `terraform validate` evaluates a rule only when it reads no other variable; a rule that does
 * (`min_size <= max_size`) is evaluated by `terraform plan`, run here against a fresh local AWS
 * (moto server), which the modules' data sources read.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GeneratedModule, renderModules } from "../../scripts/terraform-modules/generate";
import type { ModulePlan } from "../../scripts/terraform-modules/plan";
import type { HclValue, VariableRule } from "../../scripts/terraform-modules/spec";
import { terraformEnv } from "../../scripts/review/terraform";
import { offlineProviderOverride } from "../../scripts/terraform-modules/validate";
import { addAwsProvider } from "../../stacks/aws-provider";
import { LocalAws, LOCAL_REGION, startLocalAws } from "../support/moto";
import { shareProvider } from "../support/shared-provider";

jest.setTimeout(5 * 60_000);

const REPO = path.resolve(__dirname, "..", "..");

/** One rejected example of one rule. */
interface Case {
  readonly id: string;
  readonly variable: string;
  readonly rule: VariableRule;
  readonly args: Readonly<Record<string, HclValue>>;
}

function casesOf(plan: ModulePlan): Case[] {
  return plan.variables.flatMap((v) =>
    v.rules.flatMap((rule, r) =>
      rule.rejects.map((args, i) => ({ id: `${v.name}_${r}_${i}`, variable: v.name, rule, args })),
    ),
  );
}

/** Whether a rule reads a variable other than its own (then only `plan` evaluates it). */
function crossVariable(c: Case): boolean {
  return [...c.rule.condition.matchAll(/var\.(\w+)/g)].some((m) => m[1] !== c.variable);
}

/** The rule's message as a pattern: its interpolations match any text. */
function messagePattern(message: string): RegExp {
  const parts = message.split(/\$\{(?:[^{}]|\{[^{}]*\})*\}/);
  return new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}`, "s");
}

/** The construct's props for module arguments (adapter arguments are left to `create`). */
function propsOf(plan: ModulePlan, args: Readonly<Record<string, HclValue>>): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [arg, value] of Object.entries(args)) {
    const v = plan.variables.find((x) => x.name === arg)!;
    if (v.prop) props[v.prop] = value;
  }
  return props;
}

/** Builds the module's construct with literal props, its adapter inputs as variables. */
function buildLiteral(plan: ModulePlan, args: Readonly<Record<string, HclValue>>): () => void {
  return () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    // A caller's provider, in the region of the modules' examples and default zones (Network takes
    // its region from it: it has no default of its own).
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const adapter = Object.fromEntries(
      plan.variables
        .filter((v) => !v.prop)
        .map((v) => [v.name, new TerraformVariable(stack, v.name, { type: v.type })]),
    );
    plan.spec.create(stack, propsOf(plan, args), adapter);
    Testing.synth(stack);
  };
}

interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail: string;
  readonly snippet?: {
    readonly context: string;
    readonly values: ReadonlyArray<{ readonly traversal: string }>;
  };
}

/** Runs terraform in `dir`; its stdout whatever the exit status (errors are what we look for). */
function terraform(dir: string, args: readonly string[]): string {
  const result = spawnSync(process.env.TERRAFORM_BINARY_NAME || "terraform", [...args], {
    cwd: dir,
    env: terraformEnv(),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: 4 * 60_000,
  });
  if (result.error) throw result.error;
  return result.stdout;
}

/** The provider block the project's stacks write for the local AWS at `endpoint`. */
function localProvider(endpoint: string): unknown {
  const stack = new TerraformStack(Testing.app(), "provider");
  addAwsProvider(stack, { region: LOCAL_REGION, target: { kind: "local", endpoint } });
  return (JSON.parse(Testing.synth(stack)) as { provider: unknown }).provider;
}

/**
 * A caller in a fresh directory, initialized: `module "ok"` with the example and one module call
 * per case; with `provider`, the root module configures it (for plan).
 */
function writeCaller(module: GeneratedModule, cases: readonly Case[], provider?: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-rules-"));
  const source = path.join(REPO, module.dir);
  const example = module.plan.spec.example;
  const calls: Record<string, unknown> = { ok: { source, ...example } };
  for (const c of cases) calls[c.id] = { source, ...example, ...c.args };
  fs.writeFileSync(
    path.join(dir, "main.tf.json"),
    JSON.stringify({ module: calls, ...(provider ? { provider } : {}) }, null, 2),
  );
  const override = offlineProviderOverride();
  if (override) fs.writeFileSync(path.join(dir, "offline_provider_override.tf.json"), override);
  terraform(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
  return dir;
}

// One provider process for the file's commands (test/support/shared-provider.ts).
shareProvider();
let modules: GeneratedModule[];
let aws: LocalAws;
beforeAll(async () => {
  modules = renderModules(REPO);
  aws = await startLocalAws();
});
afterAll(async () => {
  await aws?.stop();
});

// With the number of rules that read another variable (plan only): the alb module has none.
describe.each<[string, "some" | "none"]>([
  ["terraform-aws-network", "some"],
  ["terraform-aws-ecs-cluster", "some"],
  ["terraform-aws-alb", "none"],
  ["terraform-aws-ecs-service", "some"],
  ["terraform-aws-static-ip", "some"],
  ["terraform-aws-ecs-anywhere", "some"],
])("%s validation rules", (name, crossRules) => {
  let plan: ModulePlan;
  let cases: Case[];
  let validated: Diagnostic[];
  let planned: Diagnostic[];
  const dirs: string[] = [];

  beforeAll(() => {
    const module = modules.find((m) => m.plan.name === name)!;
    plan = module.plan;
    cases = casesOf(plan);
    // GIVEN a caller with one module call per rejected example, and one with the example only,
    // WHEN Terraform validates it
    const validateDir = writeCaller(
      module,
      cases.filter((c) => !crossVariable(c)),
    );
    dirs.push(validateDir);
    validated = (
      JSON.parse(terraform(validateDir, ["validate", "-json", "-no-color"])) as { diagnostics: Diagnostic[] }
    ).diagnostics;
    // AND plans the calls whose rules read another variable against the local AWS
    const planDir = writeCaller(module, cases.filter(crossVariable), localProvider(aws.endpoint));
    dirs.push(planDir);
    planned = terraform(planDir, ["plan", "-json", "-input=false", "-lock=false", "-no-color"])
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { type: string; diagnostic?: Diagnostic })
      .filter((m) => m.type === "diagnostic")
      .map((m) => m.diagnostic!);
  });
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`has rejected examples for every rule, ${crossRules} read by plan only`, () => {
    expect(cases.length).toBeGreaterThan(10);
    if (crossRules === "some") expect(cases.filter(crossVariable).length).toBeGreaterThan(0);
    else expect(cases.filter(crossVariable)).toEqual([]);
    for (const v of plan.variables) for (const r of v.rules) expect(r.rejects.length).toBeGreaterThan(0);
  });

  it("THEN the example alone passes every rule (the defaults too) in validate and plan, without warnings", () => {
    const ours = (d: Diagnostic) => d.snippet?.context === "module.ok" || !d.snippet;
    expect(validated.filter(ours)).toEqual([]);
    expect(planned.filter(ours)).toEqual([]);
  });

  it("THEN each rejected value fails its module call, naming the variable, the value and the fix", () => {
    for (const c of cases) {
      const own = (crossVariable(c) ? planned : validated).filter(
        (d) => d.snippet?.context === `module.${c.id}`,
      );
      expect({ case: c.id, summaries: [...new Set(own.map((d) => d.summary))] }).toEqual({
        case: c.id,
        summaries: ["Invalid value for variable"],
      });
      const match = own.find((d) => messagePattern(c.rule.errorMessage).test(d.detail));
      expect({ case: c.id, detail: match?.detail.split("\n\n")[0] }).toEqual({
        case: c.id,
        detail: expect.stringMatching(new RegExp(`^${c.variable} \\(.*\\) must .+; .+\\.$`, "s")),
      });
      expect(match?.snippet?.values.map((v) => v.traversal)).toContain(`var.${c.variable}`);
    }
  });

  it("THEN the construct rejects the same literal values at synth time, and accepts the example", () => {
    expect(buildLiteral(plan, plan.spec.example)).not.toThrow();
    // The construct, or the import of another module's construct it is given (the module builds
    // its network, cluster or load balancer with `<Class>.fromAttributes`, which checks the
    // attributes first: a repeated zone is the imported network's error).
    const owner = `(${plan.spec.constructClass}|Network\\.fromAttributes|EcsCluster\\.fromAttributes|LoadBalancer\\.fromAttributes)`;
    for (const c of cases.filter((x) => x.rule.synth === "same")) {
      let error: Error | undefined;
      try {
        buildLiteral(plan, { ...plan.spec.example, ...c.args })();
      } catch (e) {
        error = e as Error;
      }
      expect({ case: c.id, error: error?.message }).toEqual({
        case: c.id,
        error: expect.stringMatching(new RegExp(`^${owner} '[^']+': \\S+ \\(.*\\) must `, "s")),
      });
    }
  });
});

// The module's activation_code and registration_command are `sensitive = true` and hold a sensitive
// value: a caller that outputs them must mark its own outputs sensitive (Terraform refuses a root
// output of a sensitive value at plan; validate does not check it), as the module's README says.
describe("terraform-aws-ecs-anywhere sensitive outputs", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Plans a caller of the module with root outputs of its two secrets; the plan's errors. */
  function planWith(sensitive: boolean): Diagnostic[] {
    const module = modules.find((m) => m.plan.name === "terraform-aws-ecs-anywhere")!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-sensitive-"));
    dirs.push(dir);
    const output = Object.fromEntries(
      ["activation_code", "registration_command"].map((name) => [
        name,
        { value: `\${module.ok.${name}}`, ...(sensitive ? { sensitive: true } : {}) },
      ]),
    );
    fs.writeFileSync(
      path.join(dir, "main.tf.json"),
      JSON.stringify({
        module: { ok: { source: path.join(REPO, module.dir), ...module.plan.spec.example } },
        output,
        provider: localProvider(aws.endpoint),
      }),
    );
    const override = offlineProviderOverride();
    if (override) fs.writeFileSync(path.join(dir, "offline_provider_override.tf.json"), override);
    terraform(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
    return terraform(dir, ["plan", "-json", "-input=false", "-lock=false", "-no-color"])
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { type: string; diagnostic?: Diagnostic })
      .filter((m) => m.type === "diagnostic" && m.diagnostic!.severity === "error")
      .map((m) => m.diagnostic!);
  }

  it("GIVEN a caller's sensitive outputs of activation_code and registration_command THEN the plan has no error", () => {
    expect(planWith(true)).toEqual([]);
  });

  it("GIVEN a caller's outputs of them without `sensitive` THEN the plan refuses each: they reach the caller sensitive", () => {
    expect(planWith(false).map((d) => d.summary)).toEqual([
      "Output refers to sensitive values",
      "Output refers to sensitive values",
    ]);
  });
});
