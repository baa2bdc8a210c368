import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Network } from "../../modules/network";
import { EcsCluster } from "../../modules/ecs-cluster";
import {
  SESSION_MANAGER_INSTANCE_ACTIONS,
  SESSION_MANAGER_STAR_ACTIONS,
  STAR_RESOURCE_ACTIONS,
} from "../../modules/ecs-cluster/iam";
import { addAwsProvider } from "../../stacks/aws-provider";
import {
  describeFindings,
  lintIam,
  lintSynthesizedIam,
  scanIam,
  statementsOf,
  unusedStarResourceActions,
} from "../support/iam";

const TRUST_EC2 = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

function policy(statement: Record<string, unknown>): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
}

describe("IAM lint helper (test/support/iam.ts)", () => {
  // GIVEN a stack with one policy of each shape, each with one problem
  const stack = new TerraformStack(Testing.app(), "fixture");
  const role = new IamRole(stack, "role", { name: "r", assumeRolePolicy: TRUST_EC2 });
  new IamRolePolicy(stack, "service-wildcard", {
    role: role.id,
    policy: policy({ Effect: "Allow", Action: "ecs:*", Resource: "arn:aws:ecs:eu-west-2:1:cluster/c" }),
  });
  new IamRolePolicy(stack, "prefix-wildcard", {
    role: role.id,
    policy: policy({ Effect: "Allow", Action: ["s3:Get*"], Resource: ["arn:aws:s3:::b/*"] }),
  });
  new IamPolicy(stack, "star-action", {
    name: "p",
    policy: policy({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::b" }),
  });
  new IamPolicy(stack, "star-resource", {
    name: "q",
    policy: policy({ Effect: "Allow", Action: ["s3:GetObject", "ecr:GetAuthorizationToken"], Resource: "*" }),
  });
  new IamPolicy(stack, "not-action", {
    name: "n",
    policy: policy({ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b" }),
  });
  new IamPolicy(stack, "deny-wildcard", {
    name: "d",
    policy: policy({ Effect: "Deny", Action: "*", Resource: "*" }),
  });
  new IamRole(stack, "open-trust", {
    name: "o",
    assumeRolePolicy: policy({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }),
    inlinePolicy: [
      { name: "inline", policy: policy({ Effect: "Allow", Action: "sqs:*", Resource: "arn:aws:sqs:*:*:q" }) },
    ],
  });
  const document = new DataAwsIamPolicyDocument(stack, "document", {
    statement: [{ actions: ["kms:*"], resources: ["*"] }],
  });
  new IamPolicy(stack, "from-document", { name: "f", policy: document.json });
  new IamRolePolicyAttachment(stack, "managed", {
    role: role.name,
    policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
  });
  new IamRolePolicy(stack, "expression", { role: role.id, policy: "${jsonencode(local.p)}" });

  // WHEN it is scanned and linted with ecr:GetAuthorizationToken allowed on "*"
  const synth = Testing.synth(stack);
  const scan = scanIam(synth);
  const findings = lintIam(scan, { allowedStarResourceActions: ["ecr:GetAuthorizationToken"] });
  const problemsAt = (idPart: string): string[] =>
    findings.filter((f) => f.location.includes(idPart)).map((f) => f.problem);

  it("finds inline, managed, trust, role-inline and data-source documents", () => {
    const kinds = scan.policies.map((p) => `${p.kind} ${p.location.replace(/_[0-9A-F]{8}/, "")}`).sort();
    expect(kinds).toEqual([
      "identity aws_iam_policy.deny-wildcard.policy",
      "identity aws_iam_policy.not-action.policy",
      "identity aws_iam_policy.star-action.policy",
      "identity aws_iam_policy.star-resource.policy",
      "identity aws_iam_role.open-trust.inline_policy[0]",
      "identity aws_iam_role_policy.prefix-wildcard.policy",
      "identity aws_iam_role_policy.service-wildcard.policy",
      "identity data.aws_iam_policy_document.document",
      "trust aws_iam_role.open-trust.assume_role_policy",
      "trust aws_iam_role.role.assume_role_policy",
    ]);
    expect(scan.managedPolicies).toHaveLength(1);
    expect(scan.unparsed.map((u) => u.value)).toEqual(["${jsonencode(local.p)}"]);
  });

  it("reports service and prefix wildcards and a bare * action", () => {
    expect(problemsAt("service-wildcard")).toEqual(['wildcard action "ecs:*"']);
    expect(problemsAt("prefix-wildcard")).toEqual(['wildcard action "s3:Get*"']);
    expect(problemsAt("star-action")).toEqual(['wildcard action "*"']);
    expect(problemsAt("open-trust.inline_policy")).toEqual(['wildcard action "sqs:*"']);
    expect(problemsAt("data.aws_iam_policy_document")).toEqual(['wildcard action "kms:*"']);
  });

  it('reports Resource "*" only for actions outside the allow-list', () => {
    expect(problemsAt("star-resource")).toEqual([
      'Resource "*" for s3:GetObject, which is not in the allow-list',
    ]);
  });

  it("reports NotAction, any principal, managed policies and unparseable policies; ignores denies", () => {
    expect(problemsAt("not-action")).toEqual(['NotAction "iam:*" allows every other action']);
    expect(problemsAt("open-trust.assume_role_policy")).toEqual(['allows any principal ("*")']);
    expect(problemsAt("managed")).toEqual([
      "attaches managed policy arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore, whose content is not checked",
    ]);
    expect(problemsAt("expression")[0]).toMatch(/^cannot be parsed as a policy document/);
    expect(problemsAt("deny-wildcard")).toEqual([]);
    expect(problemsAt("role.assume_role_policy")).toEqual([]);
    expect(problemsAt("from-document")).toEqual([]); // linted as its data source
  });

  it("accepts a module's { action: reason } allow-list and allowed managed policies", () => {
    const relaxed = lintIam(scan, {
      allowedStarResourceActions: { "s3:GetObject": "fixture", "ecr:GetAuthorizationToken": "fixture" },
      allowedManagedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
    });
    expect(relaxed.filter((f) => /star-resource|managed/.test(f.location))).toEqual([]);
  });

  it("formats findings one per line", () => {
    expect(
      describeFindings([
        { location: "a.b", statement: 0, problem: "p" },
        { location: "c", problem: "q" },
      ]),
    ).toBe("a.b statement 0: p\nc: q");
  });
});

/** Network + EcsCluster (with extra capacity and a grant) as a deployable stack would hold them. */
function clusterStack(options: { enableSessionManager?: boolean } = {}): string {
  const stack = new TerraformStack(Testing.app(), "stack");
  addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
  const net = new Network(stack, "net", { region: "eu-west-2" });
  const cluster = new EcsCluster(stack, "main", { network: net, ...options });
  cluster.addAutoScalingGroupCapacity("edge-a", { instanceAttributes: { role: "edge" } });
  cluster.grantToInstances({
    sid: "ReadConfig",
    actions: ["s3:GetObject"],
    resources: ["arn:aws:s3:::config/ecs/*"],
  });
  return Testing.synth(stack);
}

describe("EcsCluster IAM", () => {
  // GIVEN the module in a stack WHEN every IAM document of the stack is linted
  const synth = clusterStack();
  const scan = scanIam(synth);

  it("parses every policy the stack creates: trust and inline policies of both roles", () => {
    const locations = scan.policies.map((p) => p.location.replace(/_[0-9A-F]{8}/, "")).sort();
    expect(locations).toEqual([
      "aws_iam_role.main_instance-role.assume_role_policy",
      "aws_iam_role.net_flow-log-role.assume_role_policy",
      "aws_iam_role_policy.main_instance-policy.policy",
      "aws_iam_role_policy.net_flow-log-policy.policy",
    ]);
    expect(scan.unparsed).toEqual([]);
    expect(scan.managedPolicies).toEqual([]);
  });

  it('has no wildcard action and no Resource "*" outside STAR_RESOURCE_ACTIONS', () => {
    const findings = lintSynthesizedIam(synth, { allowedStarResourceActions: STAR_RESOURCE_ACTIONS });
    expect(describeFindings(findings)).toBe("");
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

  it('without Session Manager, the only Resource "*" actions are the ECS endpoint and the ECR token', () => {
    const noSsm = scanIam(clusterStack({ enableSessionManager: false }));
    expect(lintIam(noSsm, { allowedStarResourceActions: STAR_RESOURCE_ACTIONS })).toEqual([]);
    const starActions = noSsm.policies
      .flatMap((p) => statementsOf(p.document))
      .filter((s) => s.Resource === "*")
      .flatMap((s) => s.Action);
    expect(starActions).toEqual(["ecs:DiscoverPollEndpoint", "ecr:GetAuthorizationToken"]);
    expect(
      unusedStarResourceActions(noSsm, { allowedStarResourceActions: STAR_RESOURCE_ACTIONS }).sort(),
    ).toEqual([...SESSION_MANAGER_STAR_ACTIONS].sort());
  });

  it('scopes the SSM agent\'s registration to EC2 instances of the account and region, not "*"', () => {
    const statements = scanIam(clusterStack({}))
      .policies.flatMap((p) => statementsOf(p.document))
      .filter((s) => [s.Action ?? []].flat().some((a) => SESSION_MANAGER_INSTANCE_ACTIONS.includes(a)));
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toEqual([...SESSION_MANAGER_INSTANCE_ACTIONS]);
    expect(statements[0]!.Resource).toEqual([
      expect.stringMatching(/^arn:\$\{.+\}:ec2:\$\{.+\}:\$\{.+\}:instance\/\*$/),
    ]);
    expect(Object.keys(STAR_RESOURCE_ACTIONS)).not.toContain("ssm:UpdateInstanceInformation");
  });

  it('documents every Resource "*" action in the module README', () => {
    const readme = fs.readFileSync(
      path.join(__dirname, "..", "..", "modules", "ecs-cluster", "README.md"),
      "utf8",
    );
    for (const action of Object.keys(STAR_RESOURCE_ACTIONS)) expect(readme).toContain(`\`${action}\``);
  });
});
