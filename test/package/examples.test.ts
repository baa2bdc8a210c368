/**
 * examples/: each cdktf example is type-checked, synthesized by running it as its cdktf.json says
 * (tsx with the example's tsconfig), and validated by Terraform with the real provider. The
 * examples import the modules by the package's entry points (`@ecs-cdktf/modules/<module>`), which
 * their tsconfig maps to the modules' sources; the pack test covers the same imports from the
 * installed package.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bundleAttacher, BUNDLE_FILE_NAME } from "../../modules/static-ip/bundle";
import { awsProviderVersionConstraint } from "../../stacks/aws-provider";
import { TerraformRun } from "../support/terraform";
import { StackValidation, validateStacks } from "../support/validate-batch";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

const REPO = path.resolve(__dirname, "..", "..");
const TSC = path.join(REPO, "node_modules", "typescript", "bin", "tsc");
const TSX = path.join(REPO, "node_modules", "tsx", "dist", "cli.mjs");
/** How every cdktf example runs: its cdktf.json `app`, which the tests run without npx. */
const CDKTF_APP = "npx tsx --tsconfig tsconfig.json main.ts";

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 180_000,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `node ${args.join(" ")} failed in ${cwd}:\n${err.stderr ?? ""}\n${err.stdout ?? err.message}`,
    );
  }
}

type Block = Record<string, unknown>;

/** The parts of a synthesized `cdk.tf.json` the tests read. */
interface SynthJson {
  provider: { aws: Block[] };
  terraform: { required_providers: { aws: { version: string } } };
  resource: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  output: Record<string, { value: unknown; sensitive?: boolean }>;
}

/** A synthesized example: its stacks as cdktf's manifest lists them. */
class Synthesized {
  private readonly manifest: {
    stacks: Record<string, { workingDirectory: string; dependencies: string[] }>;
  };

  constructor(readonly outdir: string) {
    this.manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  }

  /** Stack ids, each with the stacks it depends on. */
  get stacks(): Record<string, string[]> {
    return Object.fromEntries(Object.entries(this.manifest.stacks).map(([id, s]) => [id, s.dependencies]));
  }

  /** The stack's directory (where Terraform runs). */
  dir(stack: string): string {
    const entry = this.manifest.stacks[stack];
    if (!entry) throw new Error(`stack ${stack} not in ${this.outdir}/manifest.json`);
    return path.join(this.outdir, entry.workingDirectory);
  }

  json(stack: string): SynthJson {
    return JSON.parse(fs.readFileSync(path.join(this.dir(stack), "cdk.tf.json"), "utf8")) as SynthJson;
  }
}

/** The construct path cdktf records on a resource (`<stack>/<construct>/…`). */
function constructPath(block: Block): string {
  return (block["//"] as { metadata: { path: string } }).metadata.path;
}

/** The resource types synthesized under a construct of the stack (one module instance). */
function typesUnder(tf: SynthJson, stack: string, construct: string): string[] {
  const prefix = `${stack}/${construct}/`;
  return Object.entries(tf.resource)
    .filter(([, byName]) => Object.values(byName).some((r) => constructPath(r).startsWith(prefix)))
    .map(([type]) => type);
}

/** The resources of one type, by name. */
function resources(tf: SynthJson, type: string): Block[] {
  return Object.values(tf.resource[type] ?? {});
}

/** Each cdktf example's synthesis, by name (filled by {@link describeCdktfExample}). */
const synthesizers: Record<string, () => Synthesized> = {};

/**
 * Examples whose stacks take required variables: a batch calls each stack as a module, which then
 * needs their values, so these are validated alone, as a root module, as a user's `terraform
 * validate` would.
 */
const VALIDATED_ALONE: readonly string[] = ["existing-vpc"];

/**
 * `terraform validate` of every stack of the other cdktf examples in one Terraform run
 * (test/support/validate-batch.ts): by example, then stack. Made by the first test that asks (it
 * synthesizes the examples not yet synthesized), so each test still runs alone.
 */
let validation: Record<string, Record<string, StackValidation>> | undefined;
function validated(example: string, stack: string): StackValidation {
  validation ??= validateStacks(
    Object.fromEntries(
      Object.entries(synthesizers)
        .filter(([name]) => !VALIDATED_ALONE.includes(name))
        .map(([name, synth]) => [name, synth().outdir]),
    ),
  );
  const result = validation[example]?.[stack];
  if (!result) throw new Error(`no stack ${stack} of examples/${example} in the validation batch`);
  return result;
}

/**
 * The tests every cdktf example shares: its tsconfig maps exactly the package's entry points, it
 * type-checks, and it synthesizes when run as its cdktf.json says (once; `synthesized()` returns
 * that run's output to the example's own tests, which `body` declares).
 */
function describeCdktfExample(name: string, body: (synthesized: () => Synthesized) => void): void {
  describe(`examples/${name}`, () => {
    const example = path.join(REPO, "examples", name);
    let outdir: string | undefined;
    let synth: Synthesized | undefined;

    afterAll(() => {
      if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
    });

    function synthesized(): Synthesized {
      if (!synth) {
        outdir = fs.mkdtempSync(path.join(os.tmpdir(), `ecs-cdktf-example-${name}-`));
        run([TSX, "--tsconfig", "tsconfig.json", "main.ts"], example, { CDKTF_OUTDIR: outdir });
        synth = new Synthesized(outdir);
      }
      return synth;
    }
    synthesizers[name] = synthesized;

    it("maps exactly the package's entry points, each to the source its exports target is compiled from", () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
        name: string;
        exports: Record<string, string | { default: string }>;
      };
      const tsconfig = JSON.parse(fs.readFileSync(path.join(example, "tsconfig.json"), "utf8")) as {
        compilerOptions: { paths: Record<string, string[]> };
      };
      const expected = Object.entries(pkg.exports)
        .filter(([subpath]) => subpath !== "./package.json")
        .map(([subpath, target]) => {
          const compiled = typeof target === "string" ? target : target.default;
          const source = compiled.replace(/^\.\/dist\//, "../../").replace(/\.js$/, ".ts");
          return [`${pkg.name}/${subpath.slice(2)}`, [source]];
        });
      expect(tsconfig.compilerOptions.paths).toEqual(Object.fromEntries(expected));
      for (const [, [source]] of expected)
        expect(fs.existsSync(path.join(example, source as string))).toBe(true);
    });

    it("type-checks", () => {
      expect(() => run([TSC, "-p", "tsconfig.json"], example)).not.toThrow();
    });

    it("runs as its cdktf.json says: each stack with the AWS provider in eu-west-2, the version constraint in force, no credentials or endpoints", () => {
      const cdktfJson = JSON.parse(fs.readFileSync(path.join(example, "cdktf.json"), "utf8")) as {
        app: string;
      };
      expect(cdktfJson.app).toBe(CDKTF_APP);
      const out = synthesized();
      for (const stack of Object.keys(out.stacks)) {
        const tf = out.json(stack);
        expect(tf.provider.aws).toHaveLength(1);
        expect(tf.provider.aws[0]).toMatchObject({ region: "eu-west-2" });
        // A consumer's provider: region and tags only, credentials from the AWS chain.
        expect(Object.keys(tf.provider.aws[0]).filter((k) => k !== "default_tags")).toEqual(["region"]);
        expect(tf.terraform.required_providers.aws.version).toBe(awsProviderVersionConstraint());
      }
    });

    body(synthesized);
  });
}

describeCdktfExample("minimal", (synthesized) => {
  it("synthesizes a network and a cluster that terraform validates with the real provider", () => {
    // WHEN the app runs
    const out = synthesized();
    expect(Object.keys(out.stacks)).toEqual(["minimal"]);

    // THEN the stack holds both modules and the outputs
    const tf = out.json("minimal");
    expect(Object.keys(tf.resource.aws_nat_gateway)).toHaveLength(1);
    expect(resources(tf, "aws_ecs_cluster")).toEqual([expect.objectContaining({ name: "minimal" })]);
    expect(Object.keys(tf.output).sort()).toEqual(["capacity_provider_name", "cluster_name", "vpc_id"]);
    // AND terraform accepts it
    expect(validated("minimal", "minimal").errors).toEqual([]);
  });
});

describeCdktfExample("existing-vpc", (synthesized) => {
  it("synthesizes the cluster, the load balancer and the service on the imported VPC's variables, and nothing of the VPC; terraform validates it", () => {
    const out = synthesized();
    expect(Object.keys(out.stacks)).toEqual(["existing-vpc"]);
    const tf = out.json("existing-vpc");
    // Nothing of the network is created: it is the team's.
    for (const type of [
      "aws_vpc",
      "aws_subnet",
      "aws_route_table",
      "aws_nat_gateway",
      "aws_internet_gateway",
      "aws_route53_zone",
    ]) {
      expect(tf.resource[type]).toBeUndefined();
    }
    // Everything is placed on the imported ids.
    expect(resources(tf, "aws_lb").map((lb) => lb.subnets)).toEqual(["${var.public_subnet_ids}"]);
    expect(resources(tf, "aws_autoscaling_group").map((g) => g.vpc_zone_identifier)).toEqual([
      "${var.private_subnet_ids}",
    ]);
    expect(resources(tf, "aws_security_group").map((sg) => sg.vpc_id)).toEqual([
      "${var.vpc_id}",
      "${var.vpc_id}",
    ]);
    expect(resources(tf, "aws_lb_target_group").map((tg) => tg.vpc_id)).toEqual(["${var.vpc_id}"]);
    expect(resources(tf, "aws_ecs_service")).toHaveLength(1);
    expect(Object.keys(tf.output).sort()).toEqual(["cluster_name", "load_balancer_dns_name", "service_name"]);
    expect(VALIDATED_ALONE).toContain("existing-vpc");
    expect(new TerraformRun(out.dir("existing-vpc")).init().validate()).toMatchObject({
      valid: true,
      error_count: 0,
    });
  });
});

describeCdktfExample("ecs-poc", (synthesized) => {
  const FOUNDATION = "ecs-poc-foundation";
  const APP = "ecs-poc-app";
  const AZS = ["eu-west-2a", "eu-west-2b"];

  it("synthesizes two stacks, the app depending on the foundation", () => {
    expect(synthesized().stacks).toEqual({ [FOUNDATION]: [], [APP]: [FOUNDATION] });
  });

  it("foundation: the two-AZ network with the myorg.local zone, and a static IP per AZ protected from destroy", () => {
    const tf = synthesized().json(FOUNDATION);
    // The network module
    expect(typesUnder(tf, FOUNDATION, "network")).toEqual(
      expect.arrayContaining([
        "aws_vpc",
        "aws_subnet",
        "aws_internet_gateway",
        "aws_nat_gateway",
        "aws_route53_zone",
      ]),
    );
    expect(
      resources(tf, "aws_subnet")
        .map((s) => s.availability_zone)
        .sort(),
    ).toEqual([...AZS, ...AZS].sort());
    expect(resources(tf, "aws_nat_gateway")).toHaveLength(1);
    expect(resources(tf, "aws_route53_zone")).toEqual([
      expect.objectContaining({
        name: "myorg.local",
        vpc: [{ vpc_id: expect.stringMatching(/^\$\{aws_vpc\./) }],
      }),
    ]);
    // The static IPs' addresses: per AZ an ENI in the public subnet, an EIP and their association
    expect(typesUnder(tf, FOUNDATION, "static-ip").sort()).toEqual([
      "aws_eip",
      "aws_eip_association",
      "aws_network_interface",
      "aws_security_group",
      "aws_vpc_security_group_ingress_rule",
    ]);
    expect(resources(tf, "aws_network_interface")).toHaveLength(2);
    const staticEips = resources(tf, "aws_eip").filter((e) =>
      constructPath(e).startsWith(`${FOUNDATION}/static-ip/`),
    );
    expect(staticEips.map((e) => e.lifecycle)).toEqual([
      { prevent_destroy: true },
      { prevent_destroy: true },
    ]);
    expect(resources(tf, "aws_eip_association")).toHaveLength(2);
    // Its own output: the static IPs, by AZ (the rest are cdktf's, for the app stack to read)
    expect(Object.keys(tf.output).filter((o) => !o.startsWith("cross-stack-output-"))).toEqual([
      "static_ips",
    ]);
    expect(tf.output.static_ips.value).toEqual(
      Object.fromEntries(
        AZS.map((az) => [
          az,
          expect.stringMatching(new RegExp(`^\\$\\{aws_eip\\.static-ip_eip-${az}_[0-9A-F]+\\.public_ip\\}$`)),
        ]),
      ),
    );
  });

  it("app: the cluster with managed scaling, the internal ALB, the hello_world service, the static IPs' edge", () => {
    const tf = synthesized().json(APP);
    // The cluster module: EC2 capacity behind a capacity provider with managed scaling
    expect(typesUnder(tf, APP, "cluster")).toEqual(
      expect.arrayContaining([
        "aws_ecs_cluster",
        "aws_ecs_capacity_provider",
        "aws_ecs_cluster_capacity_providers",
        "aws_autoscaling_group",
        "aws_launch_template",
      ]),
    );
    expect(resources(tf, "aws_ecs_cluster")).toEqual([expect.objectContaining({ name: "poc" })]);
    const providers = Object.fromEntries(
      resources(tf, "aws_ecs_capacity_provider").map((p) => [
        p.name,
        (p.auto_scaling_group_provider as { managed_scaling: { status: string } }).managed_scaling.status,
      ]),
    );
    // The cluster's own capacity is managed-scaled; the edge groups hold one instance each.
    expect(providers).toEqual({
      "poc-default": "ENABLED",
      "poc-edge-eu-west-2a": "DISABLED",
      "poc-edge-eu-west-2b": "DISABLED",
    });
    // The load balancer: internal, in the foundation's private subnets (read through remote state)
    expect(typesUnder(tf, APP, "alb")).toEqual(
      expect.arrayContaining(["aws_lb", "aws_lb_listener", "aws_security_group"]),
    );
    const [alb] = resources(tf, "aws_lb");
    expect(alb).toMatchObject({ name: "poc", internal: true });
    expect(alb.subnets).toEqual([
      expect.stringMatching(/terraform_remote_state\..*private-subnet-0/),
      expect.stringMatching(/terraform_remote_state\..*private-subnet-1/),
    ]);
    // The hello_world service: ECR image, port 8080, /health, behind the ALB, auto-scaled
    expect(typesUnder(tf, APP, "hello-world")).toEqual(
      expect.arrayContaining([
        "aws_ecr_repository",
        "aws_ecs_task_definition",
        "aws_ecs_service",
        "aws_lb_target_group",
        "aws_lb_listener_rule",
        "aws_appautoscaling_target",
      ]),
    );
    expect(resources(tf, "aws_lb_target_group")).toEqual([
      expect.objectContaining({ port: 8080, health_check: expect.objectContaining({ path: "/health" }) }),
    ]);
    const web = resources(tf, "aws_ecs_service").find((s) => s.name === "hello-world");
    expect(web?.load_balancer).toEqual([expect.objectContaining({ container_port: 8080 })]);
    const [container] = JSON.parse(
      String(
        resources(tf, "aws_ecs_task_definition").find((t) =>
          constructPath(t).startsWith(`${APP}/hello-world/`),
        )?.container_definitions,
      ),
    ) as Array<{ image: string }>;
    expect(container.image).toMatch(
      /^\$\{aws_ecr_repository\.hello-world_repository_[0-9A-F]+\.repository_url\}:0\.1\.0$/,
    );
    // The static IPs' edge: per AZ an edge group with the launch hook and an HAProxy service; the
    // attacher Lambda behind EventBridge; the ENIs and EIPs stay in the foundation
    expect(typesUnder(tf, APP, "static-ip")).toEqual(
      expect.arrayContaining([
        "aws_lambda_function",
        "aws_cloudwatch_event_rule",
        "aws_cloudwatch_event_target",
        "aws_sqs_queue",
        "aws_ecs_service",
        "aws_ecs_task_definition",
        "aws_vpc_security_group_ingress_rule",
      ]),
    );
    const hooks = resources(tf, "aws_autoscaling_group")
      .filter((g) => g.initial_lifecycle_hook)
      .map((g) => [g.name, g.initial_lifecycle_hook]);
    expect(hooks).toEqual(
      AZS.map((az) => [
        `poc-edge-${az}`,
        [
          expect.objectContaining({
            name: "attach-static-ip",
            lifecycle_transition: "autoscaling:EC2_INSTANCE_LAUNCHING",
          }),
        ],
      ]),
    );
    expect(
      resources(tf, "aws_ecs_service")
        .map((s) => s.name)
        .sort(),
    ).toEqual(["hello-world", "poc-static-ip-proxy-eu-west-2a", "poc-static-ip-proxy-eu-west-2b"]);
    expect(tf.resource.aws_eip).toBeUndefined();
    expect(tf.resource.aws_network_interface).toBeUndefined();
    expect(Object.keys(tf.data?.terraform_remote_state ?? {})).toEqual([
      `cross-stack-reference-input-${FOUNDATION}`,
    ]);
    // Its outputs: the service's URL on each static IP (read from the foundation), the ALB, the cluster
    expect(Object.keys(tf.output)).toEqual([
      "alb_dns_name",
      "cluster_name",
      "ecr_repository_url",
      "service_urls",
    ]);
    expect(tf.output.service_urls.value).toEqual(
      Object.fromEntries(
        AZS.map((az) => [
          az,
          expect.stringMatching(
            new RegExp(
              `^http://\\$\\{data\\.terraform_remote_state\\.[^}]+static-ip_eip-${az}_[0-9A-F]+public_ip\\}/$`,
            ),
          ),
        ]),
      ),
    );
    expect(tf.output.alb_dns_name.value).toMatch(/^\$\{aws_lb\.alb_[0-9A-F]+\.dns_name\}$/);
    expect(tf.output.cluster_name.value).toMatch(/^\$\{aws_ecs_cluster\.cluster_[0-9A-F]+\.name\}$/);
  });

  it("ships the attacher Lambda as an asset in the app stack's directory: the bundled handler", () => {
    const out = synthesized();
    const [fn] = resources(out.json(APP), "aws_lambda_function");
    expect(fn).toMatchObject({
      handler: "index.handler",
      filename: expect.stringMatching(/^assets\/.+\.zip$/),
    });
    const archive = path.join(out.dir(APP), String(fn.filename));
    expect(fs.existsSync(archive)).toBe(true);
    // AND the archive holds exactly the esbuild bundle of src/static-ip-attacher/handler.ts
    const code = execFileSync("unzip", ["-p", archive, BUNDLE_FILE_NAME], { encoding: "utf8" });
    expect(code).toBe(fs.readFileSync(path.join(bundleAttacher(), BUNDLE_FILE_NAME), "utf8"));
    expect(code).toContain("handler: () => handler");
  });

  it.each([FOUNDATION, APP])(
    "%s: terraform validates it with the real provider",
    (stack) => {
      expect(validated("ecs-poc", stack).errors).toEqual([]);
    },
    180_000,
  );
});
