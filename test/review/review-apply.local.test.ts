import * as fs from "node:fs";
import * as path from "node:path";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CreateTagsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { EnvironmentStacks } from "../../stacks/environment";
import { SENSITIVE } from "../../scripts/review/analyze";
import { renderJson, renderMarkdown, renderText } from "../../scripts/review/render";
import { describeFailoverDrill, DrillWorld, drillWorld, StaticIpOutputs } from "../support/failover-drill";
import { CURRENT_FLAVOR } from "../support/flavor";
import { localClientConfig } from "../support/moto";
import { boto3Call } from "../stacks/boto3";
import { deployedDev, stack } from "./deployed-dev";

// The plan review's cases that apply a change to the deployed dev preset (deployed-dev.ts): drift
// made outside Terraform, a sensitive value planned, applied and drifted, and the stop switch.
// Each case leaves the deployment as it found it. The plan-only cases are in review.local.test.ts.
// Then the static IP's failover drill (test/support/failover-drill.ts) on the same deployment.
//
// The suite runs this file on the cdktn flavor (jest.config.js, project local-cdktn): the dev
// environment is synthesized by cdktn's App and @cdktn/provider-aws (every cdktf import mapped),
// then reviewed, gated and applied, foundation and app, by the same deploy as `npm run local`'s,
// and drilled. The review itself reads Terraform's plans, which do not depend on the flavor (the
// two flavors synthesize the same JSON: test/flavors/cdktn.test.ts).
//
// What moto cannot show, and how this file deals with it:
// - Application Auto Scaling does not act on a scalable target's new range (AWS brings the
//   service's running count into it): the stop switch is checked on the target's min and max.
// - No ECS agent runs, so no task is ever placed: a stopped service's running count is not shown
//   going to zero, only its desired count and scalable target.
jest.setTimeout(30 * 60_000);

/** A secret the review must never print. */
const SECRET = "s3cr3t-hunter2";
const SECRET_DRIFT = "0ther-s3cr3t-from-the-console";

describe("plan review on real plans of our stacks, with changes applied", () => {
  const dev = deployedDev();

  test("GIVEN changes made through the AWS SDK THEN they show as drift, and the plan reverts them", async () => {
    const ec2 = new EC2Client(localClientConfig(dev.aws));
    const state = JSON.parse(
      fs.readFileSync(path.join(dev.stateDir, "terraform.dev-foundation.tfstate"), "utf8"),
    );
    const vpcId = state.outputs.vpc_id.value as string;
    await ec2.send(
      new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: "owner", Value: "console-user" }] }),
    );
    const r = await dev.review(dev.base);
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
      /== Drift[^=]*update dev-foundation: aws_vpc\.\S+\n\s+construct: dev-foundation\/network\/vpc\n\s+tags\.owner: null → "console-user"/,
    );
    // The provider's normalizations after a refresh (null read back as [] and the like) are not drift.
    expect(stack(r, "dev-app").drift).toEqual([]);
    await dev.deploy(dev.base);
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
      await dev.deploy(dev.base); // removes the parameter again
    }
  });

  async function secretCase(withSecret: (stacks: EnvironmentStacks) => void): Promise<void> {
    const planned = await dev.review(dev.base, withSecret);
    const created = stack(planned, "dev-app").changes.find((c) => c.type === "aws_ssm_parameter");
    expect(created?.action).toBe("create");
    const planJson = fs.readFileSync(path.join(dev.outdir, "stacks", "dev-app", "plan.json"), "utf8");
    expect(planJson).toContain(SECRET); // Terraform's JSON holds it in clear; the review must not.
    for (const out of [renderText(planned), renderMarkdown(planned), renderJson(planned)]) {
      expect(out).not.toContain(SECRET);
    }

    await dev.deploy(dev.base, withSecret);
    // As someone changing it in the console would (the project has no JavaScript SSM client).
    await boto3Call(dev.aws, "ssm", "put_parameter", {
      Name: "/dev/review-test",
      Value: SECRET_DRIFT,
      Type: "SecureString",
      Overwrite: true,
    });
    const drifted = await dev.review(dev.base, withSecret);
    const driftedJson = fs.readFileSync(path.join(dev.outdir, "stacks", "dev-app", "plan.json"), "utf8");
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

  test("GIVEN stopped: true THEN services and capacity scale to zero, the foundation is untouched; and back", async () => {
    const config = localClientConfig(dev.aws);
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
      fs.readFileSync(path.join(dev.stateDir, "terraform.dev-foundation.tfstate"), "utf8");
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

    const stop = await dev.deploy({ ...dev.base, stopped: true });
    expect(stop.applied).toEqual(["dev-app"]);
    expect(stack(stop.review, "dev-foundation").changes).toEqual([]);
    expect(stack(stop.review, "dev-app").destructive).toEqual([]);
    expect(await group()).toMatchObject({ MinSize: 0, MaxSize: 0, DesiredCapacity: 0, Instances: [] });
    expect((await api()).desiredCount).toBe(0);
    expect(await webTarget()).toMatchObject({ MinCapacity: 0, MaxCapacity: 0 });
    expect(stop.outputs["dev-app"]!.stopped).toBe(true);
    expect(zoneAndEips(foundationState())).toEqual(before);

    const start = await dev.deploy(dev.base);
    expect(start.applied).toEqual(["dev-app"]);
    expect(await group()).toMatchObject({ MinSize: 1, MaxSize: 1, DesiredCapacity: 1 });
    expect((await api()).desiredCount).toBe(1);
    expect(await webTarget()).toMatchObject({ MinCapacity: 1, MaxCapacity: 2 });
    expect(zoneAndEips(foundationState())).toEqual(before);
    for (const c of [autoscaling, ecs, aas]) c.destroy();
  });

  test("the deployed stacks were synthesized by the flavor this process loads (cdktn in the suite's local-cdktn project)", () => {
    expect(CURRENT_FLAVOR.name).toBe(process.env.ECS_CDKTF_JEST_FLAVOR || "cdktf");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require("cdktf/package.json") as { name: string; version: string };
    expect(loaded.name).toBe(CURRENT_FLAVOR.name);
    for (const id of ["dev-foundation", "dev-app"]) {
      const json = JSON.parse(fs.readFileSync(path.join(dev.outdir, "stacks", id, "cdk.tf.json"), "utf8"));
      expect(json["//"].metadata).toMatchObject({ stackName: id, version: loaded.version });
      expect(json.terraform.required_providers.aws.source).toBe(CURRENT_FLAVOR.awsProviderSource);
    }
  });

  describe(`the static IP's failover drill on this deployment (synthesized by ${CURRENT_FLAVOR.name})`, () => {
    let world: DrillWorld;
    let ec2: EC2Client;
    let autoscaling: AutoScalingClient;
    beforeAll(async () => {
      ec2 = new EC2Client(localClientConfig(dev.aws));
      autoscaling = new AutoScalingClient(localClientConfig(dev.aws));
      const outputs = { foundation: dev.outputs["dev-foundation"], app: dev.outputs["dev-app"] };
      world = await drillWorld(
        dev.aws,
        { ec2, autoscaling },
        outputs as unknown as StaticIpOutputs,
        "eu-west-2a",
      );
    });
    afterAll(() => {
      for (const c of [ec2, autoscaling]) c?.destroy();
    });
    describeFailoverDrill(() => world);
  });
});
