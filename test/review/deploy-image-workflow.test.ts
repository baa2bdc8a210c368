import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { App, Testing } from "cdktf";
import { addEnvironment } from "../../stacks/environment";
import { PROD } from "../../stacks/presets";

// The image deploy workflow cannot run here (no GitHub, no AWS): its syntax, expressions and
// action inputs are checked by the real actionlint (built from its Go module by scripts/setup.sh),
// the names it derives are checked against what the stacks synthesize, and its task definition
// step (scripts/deploy/next-task-definition.cjs) runs here on a DescribeTaskDefinition answer. The
// whole deploy (that step, RegisterTaskDefinition, UpdateService, then a no-op plan) runs against
// the local AWS in test/modules/load-balanced-service-deployments.local.test.ts.

const ROOT = path.join(__dirname, "..", "..");
const WORKFLOW = path.join(ROOT, ".github", "workflows", "deploy-image.yml");
const SCRIPT = path.join(ROOT, "scripts", "deploy", "next-task-definition.cjs");
const run = promisify(execFile);

async function exec(
  binary: string,
  args: string[],
): Promise<{ code: number; output: string; stdout: string }> {
  try {
    const { stdout, stderr } = await run(binary, args, { cwd: ROOT });
    return { code: 0, output: stdout + stderr, stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, output: err.stdout + err.stderr, stdout: err.stdout };
  }
}

function actionlint(): string {
  const binary = process.env.ECS_CDKTF_ACTIONLINT;
  if (!binary) throw new Error("ECS_CDKTF_ACTIONLINT is not set: run `npm run setup` (it builds actionlint)");
  return binary;
}

describe(".github/workflows/deploy-image.yml", () => {
  const text = fs.readFileSync(WORKFLOW, "utf8");

  it("passes actionlint", async () => {
    expect(await exec(actionlint(), ["-no-color", WORKFLOW])).toMatchObject({ code: 0, output: "" });
  });

  it("GIVEN a broken copy THEN actionlint fails on it (the check is real)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-"));
    fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    const broken = path.join(dir, ".github", "workflows", "broken.yml");
    fs.writeFileSync(broken, text.replace("steps.image.outputs.uri", "steps.imge.outputs.uri"));
    const result = await exec(actionlint(), ["-no-color", broken]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/property "imge" is not defined/);
  });

  it("asks for OIDC credentials and read access only, and no stored AWS keys", () => {
    expect(text).toMatch(/^permissions:\n {2}contents: read\n/m);
    expect(text).toContain("id-token: write");
    expect(text).not.toMatch(/secrets\.AWS_(ACCESS|SECRET)/);
    expect(text).not.toContain("pull-requests: write");
  });

  it("names the cluster, repository and task definition family as the stacks create them", () => {
    // GIVEN prod's stacks WHEN synthesized THEN the names the workflow builds exist
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "deploy-names-")) });
    const { app: appStack } = addEnvironment(app, PROD, { kind: "aws" });
    const json = JSON.parse(Testing.synth(appStack)) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    // The names reference the cluster's: resolve that reference to the cluster's literal name.
    const clusters = json.resource.aws_ecs_cluster ?? {};
    const values = (type: string, attribute: string) =>
      Object.values(json.resource[type] ?? {}).map((r) =>
        String(r[attribute]).replace(/\$\{aws_ecs_cluster\.([^.]+)\.name\}/g, (_m, id: string) =>
          String(clusters[id]?.name),
        ),
      );
    expect(values("aws_ecs_cluster", "name")).toEqual([PROD.name]);
    expect(values("aws_ecr_repository", "name")).toEqual([`${PROD.name}/web`]);
    expect(values("aws_ecs_task_definition", "family")).toEqual(
      expect.arrayContaining([`${PROD.name}-web`, `${PROD.name}-api`]),
    );
    expect(values("aws_ecs_service", "name")).toEqual(expect.arrayContaining(["web", "api"]));
    expect(text).toContain('image="$REGISTRY/$ENVIRONMENT/$SERVICE:$IMAGE_TAG"');
    expect(text).toContain('family="$ENVIRONMENT-$SERVICE"');
    expect(text).toContain('--cluster "$ENVIRONMENT" --service "$SERVICE"');
    expect(text).toContain("node scripts/deploy/next-task-definition.cjs current.json");
  });

  describe("its task definition step (scripts/deploy/next-task-definition.cjs)", () => {
    const current = {
      taskDefinitionArn: "arn:aws:ecs:eu-west-2:123456789012:task-definition/prod-web:7",
      family: "prod-web",
      revision: 7,
      status: "ACTIVE",
      taskRoleArn: "arn:aws:iam::123456789012:role/web-task-abc",
      executionRoleArn: "arn:aws:iam::123456789012:role/web-exec-abc",
      networkMode: "bridge",
      requiresCompatibilities: ["EC2"],
      compatibilities: ["EXTERNAL", "EC2"],
      requiresAttributes: [{ name: "com.amazonaws.ecs.capability.ecr-auth" }],
      registeredAt: "2026-12-07T01:00:00.000Z",
      registeredBy: "arn:aws:sts::123456789012:assumed-role/terraform/session",
      volumes: [{ name: "writable-tmp" }],
      containerDefinitions: [
        { name: "app", image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/prod/web:0.1.0", memory: 1024 },
      ],
    };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "next-td-")), "current.json");
    fs.writeFileSync(file, JSON.stringify(current));
    const image = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/prod/web:3f2a9c1";

    it("GIVEN a revision THEN prints the next one with the new image and without the read-only fields", async () => {
      const result = await exec(process.execPath, [SCRIPT, file, image]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({
        family: "prod-web",
        taskRoleArn: current.taskRoleArn,
        executionRoleArn: current.executionRoleArn,
        networkMode: "bridge",
        requiresCompatibilities: ["EC2"],
        volumes: [{ name: "writable-tmp" }],
        containerDefinitions: [{ name: "app", image, memory: 1024 }],
      });
    });

    it("GIVEN no image, or a file without containers THEN it fails with the reason", async () => {
      expect(await exec(process.execPath, [SCRIPT, file])).toMatchObject({
        code: 2,
        output: expect.stringContaining("usage: next-task-definition.cjs"),
      });
      const empty = path.join(path.dirname(file), "empty.json");
      fs.writeFileSync(empty, JSON.stringify({ taskDefinition: current }));
      expect(await exec(process.execPath, [SCRIPT, empty, image])).toMatchObject({
        code: 1,
        output: expect.stringContaining("no containerDefinitions: pass `--query taskDefinition` output"),
      });
      expect(await exec(process.execPath, [SCRIPT, file, "web 2"])).toMatchObject({
        code: 1,
        output: expect.stringContaining('image ("web 2") must be an image reference'),
      });
    });
  });
});
