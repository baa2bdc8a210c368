/**
 * The Terraform registry modules generated from the cdktf modules (scripts/terraform-modules):
 * fresh against the committed dist/terraform, shaped like registry modules (no provider, no
 * backend, the published version range), valid for the real Terraform CLI, and refused when a
 * spec asks for what Terraform variables cannot carry or when Terraform rejects the module.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  DefaultTokenResolver,
  StringConcat,
  TerraformStack,
  TerraformVariable,
  Testing,
  Tokenization,
} from "cdktf";
import { entryPoint, MODULES } from "../../scripts/docs/modules";
import { PropsReader } from "../../scripts/docs/props";
import {
  DIST_DIR,
  GeneratedModule,
  renderModules,
  staleFiles,
  staleMessage,
  unknownModulesMessage,
} from "../../scripts/terraform-modules/generate";
import { planModule } from "../../scripts/terraform-modules/plan";
import { AnyModuleSpec, ModuleSpecError } from "../../scripts/terraform-modules/spec";
import { SPECS } from "../../scripts/terraform-modules/specs";
import { albSpec } from "../../scripts/terraform-modules/specs/alb";
import { ecsAnywhereSpec } from "../../scripts/terraform-modules/specs/ecs-anywhere";
import { ecsServiceSpec } from "../../scripts/terraform-modules/specs/ecs-service";
import { ecsClusterSpec, networkFromVariables } from "../../scripts/terraform-modules/specs/ecs-cluster";
import { networkSpec } from "../../scripts/terraform-modules/specs/network";
import { staticIpSpec } from "../../scripts/terraform-modules/specs/static-ip";
import { bundleAttacher } from "../../modules/static-ip/bundle";
import { Network } from "../../modules/network";
import { synthModuleJson } from "../../scripts/terraform-modules/synth";
import {
  TerraformValidateError,
  validateModule,
  validateModules,
} from "../../scripts/terraform-modules/validate";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

const REPO = path.resolve(__dirname, "..", "..");
const TSX = path.join(REPO, "node_modules", "tsx", "dist", "cli.mjs");
const GENERATE = path.join(REPO, "scripts", "terraform-modules", "generate.ts");

type Json = Record<string, unknown>;

/** A spec like `spec` with some props' dispositions replaced. */
function withProps(spec: AnyModuleSpec, props: Record<string, unknown>): AnyModuleSpec {
  return { ...spec, props: { ...spec.props, ...props } } as AnyModuleSpec;
}

let reader: PropsReader;
let modules: GeneratedModule[];

beforeAll(() => {
  reader = new PropsReader(
    MODULES.filter((m) => SPECS.some((s) => s.module === m.name)).map((m) => entryPoint(REPO, m)),
    REPO,
  );
  modules = renderModules(REPO);
});

/**
 * `terraform validate` of every generated module, called with its example: one batch run
 * (validateModules), made by the first test that asks, so each test still runs alone (`-t`).
 */
let verdicts: Map<string, TerraformValidateError | undefined> | undefined;
function validated(name: string): TerraformValidateError | undefined {
  verdicts ??= new Map(
    validateModules(
      modules.map((m) => ({ name: m.plan.name, files: m.files, args: m.plan.spec.example })),
    ).map((v, i) => [modules[i].plan.name, v]),
  );
  if (!verdicts.has(name)) throw new Error(`no generated module ${name}`);
  return verdicts.get(name);
}

const byName = (name: string) => modules.find((m) => m.plan.name === name)!;
const json = (module: GeneratedModule, file: string) => JSON.parse(module.files[file] as string) as Json;

describe("dist/terraform", () => {
  it("GIVEN the committed modules WHEN regenerated THEN none is stale (else: npm run build:terraform)", () => {
    expect(modules.map((m) => m.dir)).toEqual([
      path.join(DIST_DIR, "terraform-aws-network"),
      path.join(DIST_DIR, "terraform-aws-ecs-cluster"),
      path.join(DIST_DIR, "terraform-aws-alb"),
      path.join(DIST_DIR, "terraform-aws-ecs-service"),
      path.join(DIST_DIR, "terraform-aws-ecs-service-blue-green"),
      path.join(DIST_DIR, "terraform-aws-ecs-service-canary"),
      path.join(DIST_DIR, "terraform-aws-ecs-service-linear"),
      path.join(DIST_DIR, "terraform-aws-static-ip"),
      path.join(DIST_DIR, "terraform-aws-ecs-anywhere"),
    ]);
    for (const m of modules)
      expect({ dir: m.dir, stale: staleFiles(REPO, m) }).toEqual({ dir: m.dir, stale: [] });
  });

  it("GIVEN a changed file THEN the check names it and says how to regenerate", () => {
    const m = byName("terraform-aws-network");
    const changed = { ...m, files: { ...m.files, "main.tf.json": "{}\n" } };
    const stale = staleFiles(REPO, changed);
    expect(stale).toEqual([path.join(m.dir, "main.tf.json")]);
    expect(staleMessage(changed, stale)).toBe(
      `${m.dir}: stale (main.tf.json): the construct, its TSDoc or the module's spec changed since it was ` +
        "generated. Run `npm run build:terraform` and commit dist/terraform.",
    );
  });

  it("GIVEN `--check` on the CLI THEN it passes on the committed modules", () => {
    const out = execFileSync(process.execPath, [TSX, GENERATE, "--check"], { cwd: REPO, encoding: "utf8" });
    expect(out).toBe(
      [
        "ok: dist/terraform/terraform-aws-network",
        "ok: dist/terraform/terraform-aws-ecs-cluster",
        "ok: dist/terraform/terraform-aws-alb",
        "ok: dist/terraform/terraform-aws-ecs-service",
        "ok: dist/terraform/terraform-aws-ecs-service-blue-green",
        "ok: dist/terraform/terraform-aws-ecs-service-canary",
        "ok: dist/terraform/terraform-aws-ecs-service-linear",
        "ok: dist/terraform/terraform-aws-static-ip",
        "ok: dist/terraform/terraform-aws-ecs-anywhere",
        "",
      ].join("\n"),
    );
  });

  it("GIVEN a cdktf module's name on the CLI THEN it checks every module generated from it", () => {
    const out = execFileSync(process.execPath, [TSX, GENERATE, "--check", "load-balanced-service"], {
      cwd: REPO,
      encoding: "utf8",
    });
    expect(out).toBe(
      "ok: dist/terraform/terraform-aws-alb\nok: dist/terraform/terraform-aws-ecs-service\n" +
        "ok: dist/terraform/terraform-aws-ecs-service-blue-green\n" +
        "ok: dist/terraform/terraform-aws-ecs-service-canary\n" +
        "ok: dist/terraform/terraform-aws-ecs-service-linear\n",
    );
  });

  it("GIVEN every published module THEN each has a spec (generated as one Terraform module or more)", () => {
    expect(MODULES.filter((m) => !SPECS.some((s) => s.module === m.name)).map((m) => m.name)).toEqual([]);
  });

  it("GIVEN a published module without a spec THEN the refusal names it and where its spec goes", () => {
    const withoutStaticIp = SPECS.filter((s) => s.module !== "static-ip");
    expect(unknownModulesMessage(["static-ip"], withoutStaticIp)).toBe(
      "no Terraform module spec for static-ip (static-ip: published on npm, but its props are not yet mapped to " +
        "Terraform variables; add a spec under scripts/terraform-modules/specs/); generated: network, ecs-cluster, alb, ecs-service, ecs-service-blue-green, ecs-service-canary, ecs-service-linear, ecs-anywhere",
    );
    expect(unknownModulesMessage(["static-ip", "alb"], SPECS)).toBeUndefined();
  });

  it("GIVEN an unknown module name on the CLI THEN it refuses it, listing the generated ones", () => {
    const run = () =>
      execFileSync(process.execPath, [TSX, GENERATE, "--check", "no-such-module"], {
        cwd: REPO,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    expect(run).toThrow(
      /error: no Terraform module spec for no-such-module; generated: network, ecs-cluster, alb, ecs-service, ecs-service-blue-green, ecs-service-canary, ecs-service-linear, static-ip, ecs-anywhere$/m,
    );
  });
});

describe.each<[string, string[]]>([
  ["terraform-aws-network", []],
  ["terraform-aws-ecs-cluster", []],
  ["terraform-aws-alb", []],
  ["terraform-aws-ecs-service", []],
  ["terraform-aws-ecs-service-blue-green", []],
  ["terraform-aws-ecs-service-canary", []],
  ["terraform-aws-ecs-service-linear", []],
  ["terraform-aws-static-ip", ["attacher-code.zip"]],
  ["terraform-aws-ecs-anywhere", []],
])("%s", (name, archives) => {
  const module = () => byName(name);

  it("has the registry layout: versions, variables, main, outputs, README, LICENSE (and its archives)", () => {
    expect(Object.keys(module().files).sort()).toEqual(
      [
        "LICENSE",
        "README.md",
        "main.tf.json",
        "outputs.tf.json",
        "variables.tf.json",
        "versions.tf.json",
        ...archives,
      ].sort(),
    );
    expect(module().files.LICENSE).toBe(fs.readFileSync(path.join(REPO, "LICENSE"), "utf8"));
  });

  it("requires Terraform 1.9 and hashicorp/aws in the published range, never the toolchain's pre-release", () => {
    expect(json(module(), "versions.tf.json").terraform).toEqual({
      required_version: ">= 1.9.0",
      required_providers: { aws: { source: "hashicorp/aws", version: ">= 6.25.0, < 7.0.0" } },
    });
  });

  it("configures no provider and no backend, and holds no cdktf metadata", () => {
    for (const file of ["main.tf.json", "variables.tf.json", "outputs.tf.json", "versions.tf.json"]) {
      const body = json(module(), file);
      expect(
        Object.keys(body).filter(
          (k) =>
            !["//", "data", "resource", "locals", "variable", "output", "terraform", "moved"].includes(k),
        ),
      ).toEqual([]);
      expect(JSON.stringify(body)).not.toMatch(/"backend"|"provider"\s*:|"metadata"/);
    }
  });

  it("has a variable per variable prop and adapter input, typed, described and defaulted as planned", () => {
    const variables = json(module(), "variables.tf.json").variable as Record<string, Json>;
    const plan = module().plan;
    expect(Object.keys(variables).sort()).toEqual(plan.variables.map((v) => v.name).sort());
    for (const v of plan.variables) {
      expect(variables[v.name]).toMatchObject({ type: v.type, description: v.description });
      if (v.required) expect(variables[v.name]).not.toHaveProperty("default");
      else expect(variables[v.name].default).toEqual(v.default);
      expect(variables[v.name].validation ?? []).toHaveLength(v.rules.length);
    }
  });

  it("takes each variable prop's default from the construct's @default", () => {
    for (const v of module().plan.variables.filter((x) => x.prop && !x.required)) {
      const doc = module().plan.props.props.find((p) => p.name === v.prop)!;
      if (doc.default?.kind === "value" && !(v.prop === "availabilityZones")) {
        expect({ variable: v.name, default: v.default }).toEqual({
          variable: v.name,
          default: doc.default.value,
        });
      }
    }
  });

  it("decides every prop of the construct: a variable, or fixed / adapter with a reason", () => {
    const plan = module().plan;
    const decided = [
      ...plan.variables.filter((v) => v.prop).map((v) => v.prop),
      ...plan.fixed.map((f) => f.prop),
    ];
    expect(decided.sort()).toEqual(plan.props.props.map((p) => p.name).sort());
    for (const f of plan.fixed) expect(f.reason).toMatch(/\w/);
  });

  it("outputs every plain attribute of the construct, plus the extras, each described", () => {
    const outputs = json(module(), "outputs.tf.json").output as Record<string, Json>;
    expect(Object.keys(outputs).sort()).toEqual(
      module()
        .plan.outputs.map((o) => o.name)
        .sort(),
    );
    for (const o of Object.values(outputs)) expect(o.description).toMatch(/\w/);
    // AND exactly the spec's sensitive outputs are written `sensitive = true`
    for (const o of module().plan.outputs) {
      expect({ output: o.name, sensitive: outputs[o.name].sensitive ?? false }).toEqual({
        output: o.name,
        sensitive: (module().plan.spec.sensitiveOutputs ?? []).includes(o.name),
      });
    }
  });

  it("documents usage, requirements, every input, output and fixed prop in its README", () => {
    const readme = module().files["README.md"] as string;
    const plan = module().plan;
    expect(readme).toContain(`# ${name}\n`);
    expect(readme).toContain(`source  `);
    expect(readme).toContain(`"ecs-cdktf/${name.replace(/^terraform-aws-/, "")}/aws"`);
    expect(readme).toContain("| `hashicorp/aws` | `>= 6.25.0, < 7.0.0` |");
    for (const v of plan.variables) expect(readme).toContain(`| \`${v.name}\` |`);
    for (const o of plan.outputs) expect(readme).toContain(`| \`${o.name}\` |`);
    for (const f of plan.fixed) expect(readme).toContain(`| \`${f.prop}\` |`);
    // The usage example is HCL as `terraform fmt` writes it.
    const usage = /```hcl\n([\s\S]*?)```/.exec(readme)![1];
    const formatted = execFileSync(process.env.TERRAFORM_BINARY_NAME || "terraform", ["fmt", "-"], {
      input: usage,
      encoding: "utf8",
    });
    expect(formatted).toBe(usage);
  });

  it("passes terraform validate with the real provider, called with its example", () => {
    expect(validated(name)?.message).toBeUndefined();
  });
});

/** The entries of a zip archive as Python's zipfile reads them: name, Unix mode, content. */
function readZip(bytes: Buffer): Array<{ name: string; mode: number; text: string }> {
  const script =
    "import json, sys, zipfile, io\n" +
    "z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))\n" +
    "assert z.testzip() is None\n" +
    "print(json.dumps([{'name': i.filename, 'mode': i.external_attr >> 16, 'text': z.read(i).decode()} for i in z.infolist()]))";
  return JSON.parse(execFileSync("python3", ["-c", script], { input: bytes, encoding: "utf8" })) as Array<{
    name: string;
    mode: number;
    text: string;
  }>;
}

describe("moved blocks", () => {
  // The alb module's rules to the cluster got the addresses EcsCluster.allowFrom and
  // LoadBalancer.allowTrafficTo give them when the module moved to EcsCluster.instancesFromAttributes:
  // a caller's state at the old addresses moves instead of being replaced.
  it("GIVEN terraform-aws-alb THEN it moves the two rules from their old addresses to resources of the module; no other module moves anything", () => {
    const main = json(byName("terraform-aws-alb"), "main.tf.json") as {
      resource: Record<string, Record<string, Json>>;
      moved: { from: string; to: string }[];
    };
    const addresses = Object.entries(main.resource).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `${type}.${name}`),
    );
    expect(main.moved.map((m) => m.from)).toEqual([
      "aws_vpc_security_group_egress_rule.alb_egress-to-cluster_644BAF6B",
      "aws_vpc_security_group_ingress_rule.cluster-ingress-from-alb",
    ]);
    for (const { from, to } of main.moved) {
      expect(addresses).toContain(to);
      expect(addresses).not.toContain(from);
    }
    for (const m of modules.filter((m) => m.plan.name !== "terraform-aws-alb")) {
      expect({ module: m.plan.name, moved: json(m, "main.tf.json").moved }).toEqual({
        module: m.plan.name,
        moved: undefined,
      });
    }
  });
});

describe("terraform-aws-static-ip", () => {
  const module = () => byName("terraform-aws-static-ip");
  const resources = () =>
    (json(module(), "main.tf.json") as { resource: Record<string, Record<string, Json>> }).resource;

  it("ships the attacher Lambda's bundle as a deterministic zip, referred to from the module's own path", () => {
    const zip = module().files["attacher-code.zip"] as Buffer;
    // THEN a standard reader finds exactly the bundle, a regular file readable by Lambda
    expect(readZip(zip)).toEqual([
      {
        name: "index.js",
        mode: 0o100644,
        text: fs.readFileSync(path.join(bundleAttacher(), "index.js"), "utf8"),
      },
    ]);
    // AND rendering again gives the same bytes (no timestamps), so --check sees no change
    expect(
      renderModules(REPO, [staticIpSpec as unknown as AnyModuleSpec])[0].files["attacher-code.zip"],
    ).toEqual(zip);
    const lambda = Object.values(resources().aws_lambda_function)[0];
    expect(lambda).toMatchObject({
      filename: "${path.module}/attacher-code.zip",
      source_code_hash: '${filebase64sha256("${path.module}/attacher-code.zip")}',
    });
    expect(JSON.stringify(json(module(), "main.tf.json"))).not.toContain("assets/");
  });

  it("names per-zone resources by position (the zones are variables) and pairs zones with ENIs in Terraform", () => {
    expect(Object.keys(resources().aws_network_interface).map((k) => k.replace(/_[0-9A-F]{8}$/, ""))).toEqual(
      ["static-ip_addresses_eni-0", "static-ip_addresses_eni-1"],
    );
    expect(Object.values(resources().aws_autoscaling_group).map((g) => g.name)).toEqual([
      "${var.cluster_name}-edge-0",
      "${var.cluster_name}-edge-1",
    ]);
    const lambda = Object.values(resources().aws_lambda_function)[0] as {
      environment: { variables: Record<string, string> };
    };
    expect(lambda.environment.variables.ENI_BY_AZ).toMatch(
      /^\$\{jsonencode\(zipmap\(\[element\(var\.availability_zones, 0\), element\(var\.availability_zones, 1\)\], \[aws_network_interface\.\S+\.id, aws_network_interface\.\S+\.id\]\)\)\}$/,
    );
  });

  it("builds the edge groups with the cluster module's inputs and hands their providers back to it", () => {
    const template = Object.values(resources().aws_launch_template)[0] as Json;
    expect(template).toMatchObject({
      iam_instance_profile: { arn: "${var.instance_profile_arn}" },
      vpc_security_group_ids: ["${var.cluster_security_group_id}"],
    });
    expect(String(template.user_data)).toContain('ECS_INSTANCE_ATTRIBUTES={\\"role\\":\\"edge\\"}');
    expect(String(template.user_data)).toContain("ECS_CLUSTER=${var.cluster_name}");
    for (const service of Object.values(resources().aws_ecs_service)) {
      expect(service.depends_on).toEqual(["var.service_cluster_name"]);
    }
    const outputs = json(module(), "outputs.tf.json").output as Record<string, Json>;
    expect(outputs.edge_capacity_provider_names.value).toEqual(
      Object.keys(resources().aws_ecs_capacity_provider).map(
        (k) => `\${aws_ecs_capacity_provider.${k}.name}`,
      ),
    );
    // AND the ecs-cluster module registers them next to its own
    const cluster = json(byName("terraform-aws-ecs-cluster"), "main.tf.json") as {
      resource: Record<string, Record<string, Json>>;
    };
    const association = Object.values(cluster.resource.aws_ecs_cluster_capacity_providers)[0];
    expect(association.capacity_providers).toMatch(
      /^\$\{concat\(\[aws_ecs_capacity_provider\.\S+\.name\], var\.extra_capacity_provider_names\)\}$/,
    );
  });
});

describe("terraform-aws-ecs-anywhere", () => {
  const module = () => byName("terraform-aws-ecs-anywhere");
  const outputs = () => json(module(), "outputs.tf.json").output as Record<string, Json>;
  const resources = () =>
    (json(module(), "main.tf.json") as { resource: Record<string, Record<string, Json>> }).resource;

  it("outputs the activation code and the registration command as sensitive, and nothing else", () => {
    expect(
      Object.entries(outputs())
        .filter(([, o]) => o.sensitive === true)
        .map(([name]) => name)
        .sort(),
    ).toEqual(["activation_code", "registration_command"]);
    expect(outputs().activation_code.value).toMatch(
      /^\$\{sensitive\(aws_ssm_activation\.\S+\.activation_code\)\}$/,
    );
    expect(String(outputs().registration_command.value)).toMatch(/^\$\{sensitive\(/);
    expect(String(outputs().registration_command.value)).toContain('--cluster \\"${var.cluster_name}\\"');
    const readme = module().files["README.md"] as string;
    expect(readme).toContain(
      "| `activation_code` | The activation's code: with activation_id it registers machines. Sensitive (`sensitive = true`)",
    );
    expect(readme).toContain("`TraefikEdge`");
  });

  it("defaults an unset name and description to the construct's, in Terraform (the cluster name is a variable)", () => {
    const role = Object.values(resources().aws_iam_role)[0];
    const activation = Object.values(resources().aws_ssm_activation)[0];
    expect(role.name).toBe('${coalesce(var.name, "${var.cluster_name}-external")}');
    expect(activation).toMatchObject({
      name: '${coalesce(var.name, "${var.cluster_name}-external")}',
      description: '${coalesce(var.description, "ECS Anywhere instances of ${var.cluster_name}")}',
      expiration_date: "${var.expiration_date}",
      registration_limit: "${var.registration_limit}",
      iam_role: `\${aws_iam_role.${Object.keys(resources().aws_iam_role)[0]}.name}`,
    });
  });

  it("GIVEN sensitiveOutputs naming no output THEN planning refuses it", () => {
    const spec = { ...ecsAnywhereSpec, sensitiveOutputs: ["activation_secret"] } as unknown as AnyModuleSpec;
    expect(() => planModule(spec, reader, REPO)).toThrow(
      /^terraform-aws-ecs-anywhere: sensitiveOutputs names activation_secret, which is no output of the module; remove it \(scripts\/terraform-modules\/specs\/ecs-anywhere\.ts\)$/,
    );
  });
});

describe("refusals: what Terraform variables cannot carry", () => {
  const synth = (spec: AnyModuleSpec) => () => synthModuleJson(planModule(spec, reader, REPO));

  it.each<[string, AnyModuleSpec, RegExp]>([
    [
      "network azCount (it sets how many subnets exist)",
      withProps(networkSpec as unknown as AnyModuleSpec, { azCount: { as: "variable" } }),
      /^terraform-aws-network: the construct refused its inputs as Terraform variables \(prop azCount, variable az_count\): Network 'network': azCount \(.+\) must be a literal, not a token: it decides at synth time how many subnets, NAT gateways and route tables exist; .*A prop the construct needs as a literal cannot be a variable: mark it \{ as: "fixed", reason \} in scripts\/terraform-modules\/specs\/network\.ts$/s,
    ],
    [
      "network natGateways",
      withProps(networkSpec as unknown as AnyModuleSpec, { natGateways: { as: "variable" } }),
      /^terraform-aws-network: the construct refused its inputs as Terraform variables \(prop natGateways, variable nat_gateways\): Network 'network': natGateways \(.+\) must be a literal, not a token/,
    ],
    [
      "ecs-cluster spot",
      withProps(ecsClusterSpec as unknown as AnyModuleSpec, { spot: { as: "variable" } }),
      /^terraform-aws-ecs-cluster: the construct refused its inputs as Terraform variables \(prop spot, variable spot\): EcsCluster 'cluster': spot \(.+\) must be a literal, not a token: it decides at synth time the launch template's market options/,
    ],
    [
      "ecs-cluster tags",
      withProps(ecsClusterSpec as unknown as AnyModuleSpec, { tags: { as: "variable", default: {} } }),
      /^terraform-aws-ecs-cluster: the construct refused its inputs as Terraform variables \(prop tags, variable tags\): EcsCluster 'cluster': tags \(.+\) must be a literal, not a token: it decides at synth time the Auto Scaling group's tag blocks/,
    ],
    [
      "alb redirectHttpToHttps",
      withProps(albSpec as unknown as AnyModuleSpec, {
        redirectHttpToHttps: { as: "variable", default: true },
      }),
      /^terraform-aws-alb: the construct refused its inputs as Terraform variables \(prop redirectHttpToHttps, variable redirect_http_to_https\): LoadBalancer 'alb': redirectHttpToHttps \(.+\) must be a literal, not a token: it decides at synth time the HTTP listener's default action/,
    ],
    [
      "ecs-service environment",
      withProps(ecsServiceSpec as unknown as AnyModuleSpec, { environment: { as: "variable", default: {} } }),
      /^terraform-aws-ecs-service: the construct refused its inputs as Terraform variables \(prop environment, variable environment\): LoadBalancedService 'service': environment \(.+\) must be a literal, not a token: it decides at synth time the container definition's environment entries/,
    ],
    [
      "ecs-service hostHeaders",
      withProps(ecsServiceSpec as unknown as AnyModuleSpec, { hostHeaders: { as: "variable", default: [] } }),
      /^terraform-aws-ecs-service: the construct refused its inputs as Terraform variables \(prop hostHeaders, variable host_headers\): LoadBalancedService 'service': hostHeaders \(.+\) must be a literal, not a token: it decides at synth time whether the listener rule has a host-header condition/,
    ],
    [
      "ecs-service ECS Exec, whose statements need the cluster's exec log group, which the imported cluster lacks",
      withProps(ecsServiceSpec as unknown as AnyModuleSpec, {
        enableExecuteCommand: { as: "fixed", value: true, reason: "test" },
      }),
      /^terraform-aws-ecs-service: the construct refused its inputs as Terraform variables: LoadBalancedService 'service': enableExecuteCommand \(true\) must be false on cluster 'cluster', which has no ECS Exec log group to scope the task role's log permissions to; give EcsCluster\.fromAttributes the cluster's execLogGroupArn, or drop enableExecuteCommand\./,
    ],
  ])("GIVEN %s as a variable THEN generation refuses, naming module, prop and why", (_case, spec, error) => {
    expect(synth(spec)).toThrow(ModuleSpecError);
    expect(synth(spec)).toThrow(error);
  });

  it.each<[string, AnyModuleSpec, RegExp]>([
    [
      "a construct prop (network) as a variable",
      withProps(ecsClusterSpec as unknown as AnyModuleSpec, { network: { as: "variable" } }),
      /^terraform-aws-ecs-cluster: prop network \(INetwork\) cannot be a Terraform variable: it is a construct instance, wired in code; mark it `adapter` and build it from adapter variables in `create`; change its disposition \(scripts\/terraform-modules\/specs\/ecs-cluster\.ts\)$/,
    ],
    [
      "an object-list prop (initialLifecycleHooks) as a variable",
      withProps(ecsClusterSpec as unknown as AnyModuleSpec, { initialLifecycleHooks: { as: "variable" } }),
      /^terraform-aws-ecs-cluster: prop initialLifecycleHooks \(AutoscalingGroupInitialLifecycleHook\[\]\) cannot be a Terraform variable: its type .* has no Terraform variable mapping; mark it `fixed`/,
    ],
    [
      "a prop without a disposition",
      {
        ...networkSpec,
        props: Object.fromEntries(Object.entries(networkSpec.props).filter(([p]) => p !== "zoneName")),
      } as unknown as AnyModuleSpec,
      /^terraform-aws-network: prop zoneName of NetworkProps has no disposition; declare it/,
    ],
    [
      "a variable whose @default is no literal, without a default",
      withProps(networkSpec as unknown as AnyModuleSpec, { name: { as: "variable" } }),
      /^terraform-aws-network: prop name's @default \(the construct id\) is no literal the variable could default to; give the variable a `default`/,
    ],
    [
      "a rule whose message is not worded like the construct's",
      withProps(networkSpec as unknown as AnyModuleSpec, {
        zoneName: {
          as: "variable",
          rules: [
            {
              condition: 'var.zone_name != ""',
              errorMessage: "Bad zone.",
              rejects: [{ zone_name: "" }],
              synth: "same",
            },
          ],
        },
      }),
      /^terraform-aws-network: the message of a rule of zone_name \(Bad zone\.\) is not "zone_name \(<value>\) must …; <fix>\."/,
    ],
  ])("GIVEN %s THEN planning refuses it", (_case, spec, error) => {
    expect(() => planModule(spec, reader, REPO)).toThrow(error);
  });

  // The network is Network.fromAttributes of the module's variables: an INetwork, so every member
  // EcsCluster reads is typed (a Proxy used to guard reads of members the adapter lacked).
  it("GIVEN the ecs-cluster module's network THEN it is an imported INetwork of its variables, without public subnets", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const vars = Object.fromEntries(
      ["vpc_id", "private_subnet_ids", "host_dns_user_data", "nat_gateways"].map((n) => [
        n,
        new TerraformVariable(stack, n, { type: n === "private_subnet_ids" ? "list(string)" : "string" }),
      ]),
    );
    const network = networkFromVariables(stack, vars);
    expect(Network.isNetwork(network)).toBe(true);
    const resolve = (value: unknown) =>
      Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });
    expect(resolve(network.vpcId)).toBe("${var.vpc_id}");
    expect(resolve(network.privateSubnetIds)).toBe("${var.private_subnet_ids}");
    expect(resolve(network.hostDnsUserData())).toBe("${var.host_dns_user_data}");
    expect(resolve(network.natGateways)).toBe("${var.nat_gateways}");
    expect(network.publicSubnetIds).toEqual([]);
    expect(network.availabilityZones).toEqual([]);
  });
});

describe("refusals: a module Terraform rejects", () => {
  it("GIVEN a module referring to an undeclared variable THEN validateModule refuses it with Terraform's error", () => {
    const m = byName("terraform-aws-network");
    const main = json(m, "main.tf.json") as { resource: Record<string, Record<string, Json>> };
    const vpc = Object.values(main.resource.aws_vpc)[0];
    vpc.cidr_block = "${var.no_such_variable}";
    const files = { ...m.files, "main.tf.json": JSON.stringify(main) };
    // One run (a validate each), both assertions on its error.
    let error: unknown;
    try {
      validateModule(m.plan.name, files, m.plan.spec.example);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TerraformValidateError);
    expect((error as Error).message).toMatch(
      /^terraform-aws-network: terraform validate rejects the generated module, so it is not published:\n {2}- error: Reference to undeclared input variable \(main\.tf\.json:\d+\)/,
    );
  });

  // A batch with a broken module validates each again alone: the variable rule's refusal comes
  // from the module's own run, as validateModule gives it.
  it("GIVEN a variable whose default breaks its own rule, in a batch with a good module THEN validateModules refuses that one only", () => {
    const broken = byName("terraform-aws-ecs-cluster");
    const variables = json(broken, "variables.tf.json") as { variable: Record<string, Json> };
    variables.variable.imds_hop_limit.default = 0;
    const good = byName("terraform-aws-network");
    const [refused, passed] = validateModules([
      {
        name: broken.plan.name,
        files: { ...broken.files, "variables.tf.json": JSON.stringify(variables) },
        args: broken.plan.spec.example,
      },
      { name: good.plan.name, files: good.files, args: good.plan.spec.example },
    ]);
    expect(refused).toBeInstanceOf(TerraformValidateError);
    expect(refused?.message).toMatch(
      /^terraform-aws-ecs-cluster: terraform validate rejects the generated module, so it is not published:\n {2}- error: Invalid value for variable .*imds_hop_limit \(0\) must be an integer from 1 to 64/,
    );
    expect(passed).toBeUndefined();
  });
});
