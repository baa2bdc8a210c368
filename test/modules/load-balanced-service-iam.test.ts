import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { EcsCluster } from "../../modules/ecs-cluster";
import { STAR_RESOURCE_ACTIONS as CLUSTER_STAR_RESOURCE_ACTIONS } from "../../modules/ecs-cluster/iam";
import { LoadBalancedService, LoadBalancer, WorkerService } from "../../modules/load-balanced-service";
import { EXEC_CHANNEL_ACTIONS, STAR_RESOURCE_ACTIONS } from "../../modules/load-balanced-service/iam";
import { Network } from "../../modules/network";
import { addAwsProvider } from "../../stacks/aws-provider";
import {
  asList,
  describeFindings,
  IamScan,
  lintIam,
  lintSynthesizedIam,
  scanIam,
  statementsOf,
  unusedStarResourceActions,
} from "../support/iam";

const SSM_ARN = "arn:aws:ssm:eu-west-2:123456789012:parameter/web/db-url";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:web/api-key-AbCdEf";
const KMS_ARN = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** Network + cluster + an ALB with access logs + two services and a worker, as a stack holds them. */
function servicesStack(options: { enableExecuteCommand?: boolean } = {}): string {
  const stack = new TerraformStack(Testing.app(), "stack");
  addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
  const network = new Network(stack, "net", { region: "eu-west-2" });
  const cluster = new EcsCluster(stack, "apps", { network });
  const lb = new LoadBalancer(stack, "alb", { network, enableAccessLogs: true });
  const exec = options.enableExecuteCommand ?? false;
  const web = new LoadBalancedService(stack, "web", {
    cluster,
    loadBalancer: lb,
    rulePriority: 100,
    imageTag: "v1",
    secrets: { DB_URL: SSM_ARN, API_KEY: SECRET_ARN },
    secretsKmsKeyArns: [KMS_ARN],
    enableExecuteCommand: exec,
    readonlyRootFilesystem: !exec,
  });
  web.grantTaskRole(["s3:GetObject"], ["arn:aws:s3:::uploads/*"]);
  new LoadBalancedService(stack, "api", {
    cluster,
    loadBalancer: lb,
    rulePriority: 10,
    pathPatterns: ["/api/*"],
    image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/shared/api:1.0",
    imageRepositoryArn: "arn:aws:ecr:eu-west-2:123456789012:repository/shared/api",
  });
  new WorkerService(stack, "worker", { cluster, image: "public.ecr.aws/docker/library/busybox:1.36" });
  // A blue/green service: its deployment role holds ELB's Describe actions on "*".
  new LoadBalancedService(stack, "green", {
    cluster,
    loadBalancer: lb,
    rulePriority: 20,
    pathPatterns: ["/green/*"],
    image: "public.ecr.aws/docker/library/nginx:1.27",
    deployment: {
      strategy: "blueGreen",
      testListener: { port: 9000 },
      lifecycleHooks: [
        { functionArn: "arn:aws:lambda:eu-west-2:123456789012:function:smoke", stages: ["POST_SCALE_UP"] },
      ],
    },
  });
  return Testing.synth(stack);
}

/**
 * `aws_ecr_lifecycle_policy.policy` is an image expiry rule, not an IAM document, but the lint
 * reads every `policy` attribute: this drops those entries (and only those) from a scan.
 */
const NOT_IAM = /^aws_ecr_lifecycle_policy\./;
function withoutLifecyclePolicies(scan: IamScan): IamScan {
  return { ...scan, unparsed: scan.unparsed.filter((u) => !NOT_IAM.test(u.location)) };
}

/** The part of a scan this module created (not the network's or the cluster's). */
function moduleOnly(scan: IamScan): IamScan {
  const ours = (location: string): boolean => /\.(alb|web|api|worker|green)_/.test(location);
  return withoutLifecyclePolicies({
    policies: scan.policies.filter((p) => ours(p.location)),
    managedPolicies: scan.managedPolicies.filter((m) => ours(m.location)),
    unparsed: scan.unparsed.filter((u) => ours(u.location)),
  });
}

describe("LoadBalancedService IAM", () => {
  // GIVEN the modules in a stack, with ECS Exec WHEN every IAM document is scanned
  const synth = servicesStack({ enableExecuteCommand: true });
  const scan = moduleOnly(scanIam(synth));

  it("parses every policy it creates: trust and inline policies of each service, and the bucket policy", () => {
    const locations = scan.policies.map((p) => `${p.kind} ${p.location.replace(/_[0-9A-F]{8}/, "")}`).sort();
    expect(locations).toEqual([
      "identity aws_iam_role_policy.api_execution-policy.policy",
      "identity aws_iam_role_policy.green_deployment-policy.policy",
      "identity aws_iam_role_policy.green_execution-policy.policy",
      "identity aws_iam_role_policy.web_execution-policy.policy",
      "identity aws_iam_role_policy.web_task-policy.policy",
      "identity aws_iam_role_policy.worker_execution-policy.policy",
      "resource aws_s3_bucket_policy.alb_access-logs-policy.policy",
      "trust aws_iam_role.api_execution-role.assume_role_policy",
      "trust aws_iam_role.api_task-role.assume_role_policy",
      "trust aws_iam_role.green_deployment-role.assume_role_policy",
      "trust aws_iam_role.green_execution-role.assume_role_policy",
      "trust aws_iam_role.green_task-role.assume_role_policy",
      "trust aws_iam_role.web_execution-role.assume_role_policy",
      "trust aws_iam_role.web_task-role.assume_role_policy",
      "trust aws_iam_role.worker_execution-role.assume_role_policy",
      "trust aws_iam_role.worker_task-role.assume_role_policy",
    ]);
    expect(scan.unparsed).toEqual([]);
    expect(scan.managedPolicies).toEqual([]);
  });

  it('has no wildcard action and no Resource "*" outside STAR_RESOURCE_ACTIONS', () => {
    expect(describeFindings(lintIam(scan, { allowedStarResourceActions: STAR_RESOURCE_ACTIONS }))).toBe("");
  });

  it("keeps the whole stack clean with the cluster's allow-list added", () => {
    const findings = lintIam(withoutLifecyclePolicies(scanIam(synth)), {
      allowedStarResourceActions: { ...CLUSTER_STAR_RESOURCE_ACTIONS, ...STAR_RESOURCE_ACTIONS },
    });
    expect(describeFindings(findings)).toBe("");
  });

  it("leaves out of the lint only the ECR lifecycle policy, which is no IAM document", () => {
    const all = scanIam(synth);
    expect(all.unparsed.map((u) => u.location.replace(/_[0-9A-F]{8}/, ""))).toEqual([
      "aws_ecr_lifecycle_policy.web_repository-lifecycle.policy",
    ]);
    expect(JSON.parse(String(all.unparsed[0].value))).toHaveProperty("rules");
    expect(lintSynthesizedIam(synth, { allowedStarResourceActions: {} }).length).toBeGreaterThan(0);
  });

  it("has no stale entry in STAR_RESOURCE_ACTIONS", () => {
    expect(unusedStarResourceActions(scan, { allowedStarResourceActions: STAR_RESOURCE_ACTIONS })).toEqual(
      [],
    );
  });

  it("lists a reason for every allow-listed action", () => {
    for (const [action, reason] of Object.entries(STAR_RESOURCE_ACTIONS)) {
      expect(action).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
      expect(reason.length).toBeGreaterThan(20);
    }
  });

  it("without ECS Exec, the only Resource \"*\" actions are the ECR token of the services that pull from ECR and ELB's Describe actions of the blue/green service's deployment role", () => {
    const plain = moduleOnly(scanIam(servicesStack()));
    expect(lintIam(plain, { allowedStarResourceActions: STAR_RESOURCE_ACTIONS })).toEqual([]);
    const starred = plain.policies.flatMap((p) =>
      statementsOf(p.document)
        .filter((s) => s.Effect === "Allow" && asList(s.Resource).includes("*"))
        .map((s) => `${p.location.split(".")[1].split("_")[0]} ${asList(s.Action).join(",")}`),
    );
    expect(starred.sort()).toEqual([
      "api ecr:GetAuthorizationToken",
      "green elasticloadbalancing:DescribeListeners,elasticloadbalancing:DescribeRules,elasticloadbalancing:DescribeTargetGroups,elasticloadbalancing:DescribeTargetHealth",
      "web ecr:GetAuthorizationToken",
    ]);
    expect(
      unusedStarResourceActions(plain, { allowedStarResourceActions: STAR_RESOURCE_ACTIONS }).sort(),
    ).toEqual([...EXEC_CHANNEL_ACTIONS].sort());
  });

  it("scopes every other execution role statement to the given ARNs", () => {
    const web = scan.policies.find((p) => p.location.startsWith("aws_iam_role_policy.web_execution-policy"));
    const resources = Object.fromEntries(statementsOf(web!.document).map((s) => [s.Sid, asList(s.Resource)]));
    expect(resources.ReadSsmParameters).toEqual([SSM_ARN]);
    expect(resources.ReadSecrets).toEqual([SECRET_ARN]);
    expect(resources.DecryptSecrets).toEqual([KMS_ARN]);
    expect(resources.EcrPull).toEqual([expect.stringMatching(/aws_ecr_repository\.web_repository/)]);
    const api = scan.policies.find((p) => p.location.startsWith("aws_iam_role_policy.api_execution-policy"));
    expect(statementsOf(api!.document).find((s) => s.Sid === "EcrPull")?.Resource).toEqual([
      "arn:aws:ecr:eu-west-2:123456789012:repository/shared/api",
    ]);
  });

  it('documents every Resource "*" action in the module README', () => {
    const readme = fs.readFileSync(
      path.join(__dirname, "..", "..", "modules", "load-balanced-service", "README.md"),
      "utf8",
    );
    for (const action of Object.keys(STAR_RESOURCE_ACTIONS)) expect(readme).toContain(`\`${action}\``);
  });
});
