import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CreateTagsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { DEV, EnvironmentConfig } from "../../stacks/config";
import { addEnvironment, EnvironmentStacks } from "../../stacks/environment";
import { evaluateGate, Review, SENSITIVE, StackReview } from "../../scripts/review/analyze";
import { renderJson, renderMarkdown, renderText } from "../../scripts/review/render";
import { deployEnvironment, reviewEnvironment } from "../../scripts/review/run";
import { readSynthesized } from "../../scripts/review/synth";
import { LocalAws, localClientConfig, startLocalAws } from "../support/moto";

// The plan review on real plans: each case synthesizes our stacks (the dev preset, changed the
// way a pull request would change it), runs the real `terraform plan` and `terraform show -json`
// against state applied to this file's moto server, and reviews that JSON. No plan is written
// by hand. One deployment serves every case; cases that would break it are planned, not applied.
//
// What moto cannot show, and how this file deals with it:
// - Application Auto Scaling does not act on a scalable target's new range (AWS brings the
//   service's running count into it): the stop switch is checked on the target's min and max.
// - No ECS agent runs, so no task is ever placed: a stopped service's running count is not shown
//   going to zero, only its desired count and scalable target.
jest.setTimeout(30 * 60_000);

/**
 * Overwrites an SSM SecureString through the AWS SDK for Python (boto3, in the tools venv; the
 * project has no JavaScript SSM client), as someone changing it in the console would.
 */
function putParameterWithBoto3(endpoint: string, name: string, value: string): Promise<void> {
  const script = [
    "import boto3, sys",
    "ssm = boto3.client('ssm', endpoint_url=sys.argv[1], region_name='eu-west-2', aws_access_key_id='test', aws_secret_access_key='test')",
    "ssm.put_parameter(Name=sys.argv[2], Value=sys.argv[3], Type='SecureString', Overwrite=True)",
  ].join("\n");
  const python = path.join(process.env.ECS_CDKTF_VENV ?? "", "bin", "python");
  return new Promise((resolve, reject) =>
    execFile(python, ["-c", script, endpoint, name, value], (error, _out, stderr) =>
      error ? reject(new Error(`boto3 put_parameter failed: ${stderr}`)) : resolve(),
    ),
  );
}

/** A secret the review must never print. */
const SECRET = "s3cr3t-hunter2";
const SECRET_DRIFT = "0ther-s3cr3t-from-the-console";

describe("plan review on real plans of our stacks", () => {
  let aws: LocalAws;
  let stateDir: string;
  let outdir: string;
  let base: EnvironmentConfig;

  /** Synthesizes `config` (and `extra` additions) into the shared outdir (its .terraform stays). */
  function synth(config: EnvironmentConfig, extra?: (stacks: EnvironmentStacks) => void) {
    const app = new App({ outdir });
    const stacks = addEnvironment(app, config, { kind: "local", endpoint: aws.endpoint });
    extra?.(stacks);
    app.synth();
    return readSynthesized(outdir);
  }

  function review(config: EnvironmentConfig, extra?: (stacks: EnvironmentStacks) => void, allow = false) {
    return reviewEnvironment({
      config,
      app: synth(config, extra),
      allowDestroyProtected: allow,
      log: () => {},
    });
  }

  async function deploy(config: EnvironmentConfig, extra?: (stacks: EnvironmentStacks) => void) {
    const result = await deployEnvironment({
      config,
      app: synth(config, extra),
      allowDestroyProtected: false,
      checkovBlocks: false,
      log: () => {},
    });
    if (!result.review.gate.passed)
      throw new Error(`deploy stopped by the gate:\n${renderText(result.review)}`);
    return result;
  }

  function stack(r: Review, id: string): StackReview {
    const s = r.stacks.find((x) => x.stack === id);
    if (!s) throw new Error(`no stack ${id} in the review`);
    return s;
  }

  /** Gate failures that are not checkov's. */
  function nonCheckovFailures(r: Review): string[] {
    return r.gate.failures.filter((f) => !/: checkov CKV/.test(f));
  }

  beforeAll(async () => {
    aws = await startLocalAws();
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "review-state-"));
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "review-out-"));
    base = {
      ...DEV,
      backend: { kind: "local", directory: stateDir },
      // web auto-scaled (1 to 2 tasks), so the stop switch meets a scalable target too.
      services: DEV.services.map((s) =>
        s.name === "web" ? { ...s, autoScaling: { minCount: 1, maxCount: 2, cpuTargetPercent: 60 } } : s,
      ),
    };
    const first = await deploy(base);
    expect(first.applied).toEqual(["dev-foundation", "dev-app"]);
  });

  afterAll(async () => {
    await aws?.stop();
  });

  test("GIVEN the deployed config THEN the review shows no change", async () => {
    const r = await review(base);
    expect(r.stacks.map((s) => [s.stack, s.status, s.changes.length, s.counts.create])).toEqual([
      ["dev-foundation", "planned", 0, 0],
      ["dev-app", "planned", 0, 0],
    ]);
    expect(renderText(r)).toMatch(/dev-foundation: no changes \(\d+ unchanged\)/);
    // dev's checkov exceptions are skipped on top of the project's list.
    const checkov = stack(r, "dev-app").checkov!;
    expect(checkov.skippedChecks).toEqual(
      expect.arrayContaining(["CKV_AWS_150", "CKV_AWS_2", "CKV_AWS_158"]),
    );
    expect(checkov.findings.map((f) => f.id)).not.toContain("CKV_AWS_150");
    expect(checkov.passed).toBeGreaterThan(50);
  });

  test("GIVEN a tag change THEN updates in place, no delete, and no protected failure in the gate", async () => {
    const r = await review({ ...base, tags: { team: "platform" } });
    for (const id of ["dev-foundation", "dev-app"]) {
      const s = stack(r, id);
      expect(s.counts.update).toBeGreaterThan(0);
      expect(s.counts.replace + s.counts.delete).toBe(0);
      expect(s.destructive).toEqual([]);
    }
    const vpc = stack(r, "dev-foundation").changes.find((c) => c.type === "aws_vpc")!;
    expect(vpc.attributes).toEqual(
      expect.arrayContaining([{ path: "tags_all.team", before: null, after: "platform" }]),
    );
    expect(nonCheckovFailures(r)).toEqual([]);
    // Whatever else the gate reports comes from checkov (see the checkov case below).
    expect(r.gate.passed).toBe(r.stacks.every((s) => (s.checkov?.findings ?? []).length === 0));
  });

  test("GIVEN a renamed private zone THEN a protected replacement forced by `name` fails the gate", async () => {
    const r = await review({ ...base, network: { ...base.network, zoneName: "other.local" } });
    const f = stack(r, "dev-foundation");
    expect(f.destructive).toEqual([
      expect.objectContaining({
        type: "aws_route53_zone",
        action: "replace",
        forcedBy: ["name"],
        protected: expect.stringContaining("Route 53 zone"),
      }),
    ]);
    expect(r.gate.passed).toBe(false);
    const zoneFailure = r.gate.failures.find((x) => x.includes("aws_route53_zone"));
    expect(zoneFailure).toMatch(
      /^dev-foundation: aws_route53_zone\.network_zone_[0-9A-F]{8} would be replaced \(protected: Route 53 zone.*\); pass --allow-destroy-protected to allow it on purpose$/,
    );
    // Deletes and replacements come first in every format.
    const text = renderText(r);
    expect(text.indexOf("== Deletes and replacements")).toBeLessThan(text.indexOf("== IAM"));
    expect(text).toMatch(/replace dev-foundation: aws_route53_zone\.\S+ \[PROTECTED: Route 53 zone/);
    expect(text).toContain("forced by: name");
    expect(text).toContain("GATE: FAILED");
    const markdown = renderMarkdown(r);
    expect(markdown).toContain("## Plan review: `dev` — ❌ gate failed");
    expect(markdown).toMatch(/\| `dev-foundation` \| 0 \| \d+ \| 1 \| 0 \|/);
    expect(markdown.indexOf("### Deletes and replacements")).toBeLessThan(markdown.indexOf("### IAM"));
    expect(JSON.parse(renderJson(r))).toEqual(JSON.parse(JSON.stringify(r)));

    // The same real plan with the override: the gate lets the zone through, and says so.
    const allowed = evaluateGate(r.stacks, { allowDestroyProtected: true });
    expect(allowed.failures.filter((x) => x.includes("aws_route53_zone"))).toEqual([]);
    expect(allowed.allowed).toEqual([
      expect.stringMatching(/aws_route53_zone.*allowed by --allow-destroy-protected$/),
    ]);
  });

  test("GIVEN the NAT gateway removed THEN deleting its Elastic IP (protected) fails the gate", async () => {
    // Without NAT the private instances need VPC endpoints or a proxy, which the config must say.
    const r = await review({
      ...base,
      network: { ...base.network, natGateways: "none" },
      capacity: { ...base.capacity, allowPrivateSubnetsWithoutNat: true },
    });
    const f = stack(r, "dev-foundation");
    expect(f.destructive.map((d) => [d.type, d.action, Boolean(d.protected)])).toEqual([
      ["aws_eip", "delete", true],
      ["aws_nat_gateway", "delete", false],
      ["aws_route", "delete", false],
    ]);
    expect(f.groups.publicExposure.map((e) => e.type)).toEqual(
      expect.arrayContaining(["aws_eip", "aws_route"]),
    );
    expect(nonCheckovFailures(r)).toEqual([
      expect.stringMatching(/^dev-foundation: aws_eip\.\S+ would be deleted \(protected: Elastic IP/),
    ]);
  });

  test("GIVEN a replacement Terraform refuses (prevent_destroy) THEN the stack is refused and the gate fails even with the override", async () => {
    const r = await review(
      { ...base, network: { ...base.network, zoneName: "other.local" } },
      (stacks) => stacks.foundation.network.zone.addOverride("lifecycle.prevent_destroy", true),
      true,
    );
    const f = stack(r, "dev-foundation");
    expect(f.status).toBe("refused");
    expect(f.note).toMatch(/prevent_destroy/);
    expect(r.gate.passed).toBe(false);
    expect(r.gate.failures[0]).toMatch(
      /^dev-foundation: Terraform refused the plan: .*prevent_destroy.*cannot be overridden here/,
    );
  });

  test("GIVEN changes made through the AWS SDK THEN they show as drift, and the plan reverts them", async () => {
    const ec2 = new EC2Client(localClientConfig(aws));
    const state = JSON.parse(
      fs.readFileSync(path.join(stateDir, "terraform.dev-foundation.tfstate"), "utf8"),
    );
    const vpcId = state.outputs.vpc_id.value as string;
    await ec2.send(
      new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: "owner", Value: "console-user" }] }),
    );
    const r = await review(base);
    const drift = stack(r, "dev-foundation").drift;
    expect(drift).toEqual([
      expect.objectContaining({
        type: "aws_vpc",
        action: "update",
        attributes: expect.arrayContaining([{ path: "tags.owner", before: null, after: "console-user" }]),
      }),
    ]);
    expect(stack(r, "dev-foundation").changes).toEqual([
      expect.objectContaining({
        type: "aws_vpc",
        attributes: expect.arrayContaining([{ path: "tags.owner", before: "console-user", after: null }]),
      }),
    ]);
    expect(renderText(r)).toMatch(
      /== Drift[^=]*update dev-foundation: aws_vpc\.\S+\n\s+tags\.owner: null → "console-user"/,
    );
    // The provider's normalizations after a refresh (null read back as [] and the like) are not drift.
    expect(stack(r, "dev-app").drift).toEqual([]);
    await deploy(base);
    const vpc = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
    expect(vpc.Vpcs?.[0]?.Tags?.find((t) => t.Key === "owner")).toBeUndefined();
    ec2.destroy();
  });

  test("GIVEN a sensitive value (an SSM SecureString) THEN every format masks it, in changes and in drift", async () => {
    // Our stacks hold no secret, so this case adds one to the app stack: a resource whose value the
    // provider marks sensitive, planned and applied for real.
    const withSecret = (stacks: EnvironmentStacks) => {
      new SsmParameter(stacks.app, "secret", {
        name: "/dev/review-test",
        type: "SecureString",
        value: SECRET,
        // PutParameter with Overwrite: the provider's SDK retries a request that timed out, and
        // when moto (slow on a loaded machine) had stored the first one, a create without it
        // fails with ParameterAlreadyExists (seen in CI; hashicorp/terraform-provider-aws#13578).
        overwrite: true,
      });
    };
    try {
      await secretCase(withSecret);
    } finally {
      await deploy(base); // removes the parameter again
    }
  });

  async function secretCase(withSecret: (stacks: EnvironmentStacks) => void): Promise<void> {
    const planned = await review(base, withSecret);
    const created = stack(planned, "dev-app").changes.find((c) => c.type === "aws_ssm_parameter");
    expect(created?.action).toBe("create");
    const planJson = fs.readFileSync(path.join(outdir, "stacks", "dev-app", "plan.json"), "utf8");
    expect(planJson).toContain(SECRET); // Terraform's JSON holds it in clear; the review must not.
    for (const out of [renderText(planned), renderMarkdown(planned), renderJson(planned)]) {
      expect(out).not.toContain(SECRET);
    }

    await deploy(base, withSecret);
    await putParameterWithBoto3(aws.endpoint, "/dev/review-test", SECRET_DRIFT);
    const drifted = await review(base, withSecret);
    const driftedJson = fs.readFileSync(path.join(outdir, "stacks", "dev-app", "plan.json"), "utf8");
    expect(driftedJson).toContain(SECRET_DRIFT); // read back from the local AWS, in clear
    const app = stack(drifted, "dev-app");
    const drift = app.drift.find((d) => d.type === "aws_ssm_parameter");
    expect(drift?.attributes).toEqual(
      expect.arrayContaining([{ path: "value", before: SENSITIVE, after: SENSITIVE }]),
    );
    const change = app.changes.find((c) => c.type === "aws_ssm_parameter");
    expect(change?.attributes).toEqual(
      expect.arrayContaining([{ path: "value", before: SENSITIVE, after: SENSITIVE }]),
    );
    for (const out of [renderText(drifted), renderMarkdown(drifted), renderJson(drifted)]) {
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain(SECRET_DRIFT);
    }
  }

  test("GIVEN checkov findings THEN the gate fails and names each; the environment's exceptions skip theirs", async () => {
    // dev turns the load balancer's deletion protection off on purpose and says so in its
    // exceptions (CKV_AWS_150). Without them, checkov fails on the same real plan.
    const strict = await review({ ...base, checkovExceptions: [] });
    const app = stack(strict, "dev-app");
    expect(app.checkov?.findings.map((f) => f.id)).toEqual(
      expect.arrayContaining(["CKV_AWS_150", "CKV_AWS_2"]),
    );
    expect(strict.gate.passed).toBe(false);
    expect(strict.gate.failures).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dev-app: checkov CKV_AWS_150 failed on aws_lb\.alb_[0-9A-F]{8}: /),
      ]),
    );
    // With them (the deployed config's review, first case), CKV_AWS_150 is skipped.
  });

  test("the CLI (npm run review) exits with the gate's verdict and writes JSON and Markdown", async () => {
    synth({ ...base, network: { ...base.network, zoneName: "other.local" } });
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ["--import", "tsx", "scripts/review/cli.ts", ...args],
          {
            cwd: path.join(__dirname, "..", ".."),
            env: { ...process.env, ECS_CDKTF_ENV: "" },
            maxBuffer: 64 << 20,
          },
          (error, stdout, stderr) =>
            resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
        );
      });
    const md = path.join(outdir, "review.md");
    const failing = await run(["review", "--env", "dev", "--synthesized", outdir, "--format", "json"]);
    expect(failing.code).toBe(1);
    const json = JSON.parse(failing.stdout) as Review;
    expect(json.gate.failures).toEqual(
      expect.arrayContaining([expect.stringMatching(/aws_route53_zone.*would be replaced/)]),
    );

    const allowed = await run([
      "review",
      "--env=dev",
      `--synthesized=${outdir}`,
      "--format",
      "markdown",
      "--out",
      md,
      "--allow-destroy-protected",
    ]);
    const markdown = fs.readFileSync(md, "utf8");
    expect(markdown).toBe(allowed.stdout);
    expect(markdown).toMatch(
      /⚠️ dev-foundation: aws\\_route53\\_zone\.\S+ would be replaced .*allowed by --allow-destroy-protected/,
    );
    expect(markdown).not.toMatch(/❌ .*aws\\_route53\\_zone/);
    // Exit 0 exactly when nothing else (checkov) fails the gate.
    expect(allowed.code).toBe(markdown.includes("❌ dev-") ? 1 : 0);
    expect(allowed.stderr).toContain("GATE:"); // the readable text goes to the terminal too

    const bad = await run(["review", "--env", "staging", "--synthesized", outdir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'Unknown environment "staging" (from --env): the valid choices are dev, prod',
    );
  });

  test("GIVEN stopped: true THEN services and capacity scale to zero, the foundation is untouched; and back", async () => {
    const config = localClientConfig(aws);
    const autoscaling = new AutoScalingClient(config);
    const ecs = new ECSClient(config);
    const aas = new ApplicationAutoScalingClient(config);
    const group = async () =>
      (
        await autoscaling.send(
          new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["dev-default"] }),
        )
      ).AutoScalingGroups![0]!;
    const api = async () =>
      (await ecs.send(new DescribeServicesCommand({ cluster: "dev", services: ["api"] }))).services![0]!;
    const webTarget = async () =>
      (
        await aas.send(
          new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", ResourceIds: ["service/dev/web"] }),
        )
      ).ScalableTargets![0]!;
    const foundationState = () =>
      fs.readFileSync(path.join(stateDir, "terraform.dev-foundation.tfstate"), "utf8");
    const zoneAndEips = (state: string) =>
      (
        JSON.parse(state).resources as Array<{
          type: string;
          instances: Array<{ attributes: { id: string } }>;
        }>
      )
        .filter((r) => r.type === "aws_route53_zone" || r.type === "aws_eip")
        .map((r) => `${r.type}:${r.instances[0]!.attributes.id}`);
    const before = zoneAndEips(foundationState());
    expect(before.filter((x) => x.startsWith("aws_route53_zone:"))).toHaveLength(1);
    expect(before.filter((x) => x.startsWith("aws_eip:")).length).toBeGreaterThanOrEqual(1);

    const stop = await deploy({ ...base, stopped: true });
    expect(stop.applied).toEqual(["dev-app"]);
    expect(stack(stop.review, "dev-foundation").changes).toEqual([]);
    expect(stack(stop.review, "dev-app").destructive).toEqual([]);
    expect(await group()).toMatchObject({ MinSize: 0, MaxSize: 0, DesiredCapacity: 0, Instances: [] });
    expect((await api()).desiredCount).toBe(0);
    expect(await webTarget()).toMatchObject({ MinCapacity: 0, MaxCapacity: 0 });
    expect(stop.outputs["dev-app"]!.stopped).toBe(true);
    expect(zoneAndEips(foundationState())).toEqual(before);

    const start = await deploy(base);
    expect(start.applied).toEqual(["dev-app"]);
    expect(await group()).toMatchObject({ MinSize: 1, MaxSize: 1, DesiredCapacity: 1 });
    expect((await api()).desiredCount).toBe(1);
    expect(await webTarget()).toMatchObject({ MinCapacity: 1, MaxCapacity: 2 });
    expect(zoneAndEips(foundationState())).toEqual(before);
    for (const c of [autoscaling, ecs, aas]) c.destroy();
  });
});
