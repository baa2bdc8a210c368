import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { ECR_PULL_ACTIONS, LOG_WRITE_ACTIONS } from "../ecs-cluster/iam";
import { Fail } from "./validation";
import {
  allowOn,
  PolicyCondition,
  policyDocument,
  PolicyStatementJson,
  serviceAssumeRolePolicy,
} from "../shared/iam";

export type { PolicyStatementJson } from "../shared/iam";

/** The service principal ECS tasks (and the agent acting for them) assume roles as. */
export const ECS_TASKS_SERVICE_PRINCIPAL = "ecs-tasks.amazonaws.com";

/** Reads SSM parameters for `secrets` (resource: parameter ARNs). */
export const SSM_SECRET_ACTIONS: readonly string[] = ["ssm:GetParameters"];
/** Reads Secrets Manager secrets for `secrets` (resource: secret ARNs). */
export const SECRETS_MANAGER_SECRET_ACTIONS: readonly string[] = ["secretsmanager:GetSecretValue"];
/** Decrypts secrets encrypted with a customer-managed key (resource: key ARNs). */
export const KMS_DECRYPT_ACTIONS: readonly string[] = ["kms:Decrypt"];

/** ECS Exec's channels between the SSM agent in the container and Session Manager. */
export const EXEC_CHANNEL_ACTIONS: readonly string[] = [
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
];

/** ECS Exec session logging to the cluster's exec log group (resource: that group). */
export const EXEC_LOG_ACTIONS: readonly string[] = [
  "logs:CreateLogStream",
  "logs:DescribeLogStreams",
  "logs:PutLogEvents",
];

/** The service principal ECS itself (not its tasks) assumes infrastructure roles as. */
export const ECS_SERVICE_PRINCIPAL = "ecs.amazonaws.com";

/** What ECS reads of the load balancer during a blue/green, canary or linear deployment. */
export const ELB_DESCRIBE_ACTIONS: readonly string[] = [
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:DescribeRules",
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeTargetHealth",
];
/** Registers the new revision's tasks in a target group (resource: the service's two groups). */
export const TARGET_REGISTRATION_ACTIONS: readonly string[] = [
  "elasticloadbalancing:RegisterTargets",
  "elasticloadbalancing:DeregisterTargets",
];
/** Moves traffic by rewriting a rule's weights (resource: the service's production and test rules). */
export const RULE_MODIFY_ACTIONS: readonly string[] = ["elasticloadbalancing:ModifyRule"];
/** Runs a deployment lifecycle hook (resource: the hooks' functions). */
export const LAMBDA_INVOKE_ACTIONS: readonly string[] = ["lambda:InvokeFunction"];

const ELB_DESCRIBE_REASON =
  "deployment role of a blue/green, canary or linear service: ELB's Describe actions support no resource types";

/**
 * Every action the module's roles hold on `Resource: "*"`, and why: AWS supports no narrower
 * resource for them. The IAM lint allows `"*"` for these actions and nothing else.
 */
export const STAR_RESOURCE_ACTIONS: Readonly<Record<string, string>> = {
  "ecr:GetAuthorizationToken":
    "execution role, image pulls from ECR: the registry token is account-wide; the action supports no resource types",
  "ssmmessages:CreateControlChannel":
    "task role with enableExecuteCommand: ECS Exec's control channel; ssmmessages has no resource types",
  "ssmmessages:CreateDataChannel":
    "task role with enableExecuteCommand: an ECS Exec session's data channel; ssmmessages has no resource types",
  "ssmmessages:OpenControlChannel":
    "task role with enableExecuteCommand: ECS Exec's control channel; ssmmessages has no resource types",
  "ssmmessages:OpenDataChannel":
    "task role with enableExecuteCommand: an ECS Exec session's data channel; ssmmessages has no resource types",
  "elasticloadbalancing:DescribeListeners": ELB_DESCRIBE_REASON,
  "elasticloadbalancing:DescribeRules": ELB_DESCRIBE_REASON,
  "elasticloadbalancing:DescribeTargetGroups": ELB_DESCRIBE_REASON,
  "elasticloadbalancing:DescribeTargetHealth": ELB_DESCRIBE_REASON,
};

/** What the deployment role of a traffic-shifting service is scoped to. */
export interface DeploymentRoleScope {
  /** The service's primary and alternate target groups. */
  readonly targetGroupArns: readonly string[];
  /** The service's production and test listener rules. */
  readonly listenerRuleArns: readonly string[];
  /** The lifecycle hooks' Lambda functions. */
  readonly functionArns: readonly string[];
}

/**
 * The statements of the role ECS assumes to shift a service's traffic (AWS's
 * AmazonECSInfrastructureRolePolicyForLoadBalancers, narrowed to this service's target groups and
 * rules) and to invoke its lifecycle hooks.
 */
export function deploymentRoleStatements(scope: DeploymentRoleScope): PolicyStatementJson[] {
  return [
    { Sid: "ReadLoadBalancer", Effect: "Allow", Action: [...ELB_DESCRIBE_ACTIONS], Resource: "*" },
    ...allowOn("RegisterTargets", TARGET_REGISTRATION_ACTIONS, scope.targetGroupArns),
    ...allowOn("ShiftTraffic", RULE_MODIFY_ACTIONS, scope.listenerRuleArns),
    ...allowOn("InvokeLifecycleHooks", LAMBDA_INVOKE_ACTIONS, scope.functionArns),
  ];
}

/** The trust policy of the deployment role: ECS itself, as AWS documents for infrastructure roles. */
export function ecsInfrastructureAssumeRolePolicy(): string {
  return serviceAssumeRolePolicy("EcsAssumeInfrastructureRole", ECS_SERVICE_PRINCIPAL);
}

/**
 * A trust policy for ECS tasks. With a guard, only ECS in that account may assume the role (the
 * confused-deputy conditions AWS documents for task roles).
 */
export function ecsTasksAssumeRolePolicy(confusedDeputyGuard?: {
  readonly account: string;
  readonly ecsArnPrefix: string;
}): string {
  return serviceAssumeRolePolicy(
    "EcsTasksAssumeRole",
    ECS_TASKS_SERVICE_PRINCIPAL,
    confusedDeputyGuard && {
      ArnLike: { "aws:SourceArn": `${confusedDeputyGuard.ecsArnPrefix}:*` },
      StringEquals: { "aws:SourceAccount": confusedDeputyGuard.account },
    },
  );
}

/** What the execution role is scoped to. */
export interface ExecutionRoleScope {
  /** ECR repository the image comes from, if any. */
  readonly repositoryArn: string | undefined;
  /** The service's log group ARN. */
  readonly logGroupArn: string;
  readonly ssmParameterArns: readonly string[];
  readonly secretArns: readonly string[];
  readonly kmsKeyArns: readonly string[];
}

/**
 * The execution role's statements: what the ECS agent does for the task before it starts (pull
 * the image, create the log stream, read the secrets) and nothing else.
 */
export function executionRoleStatements(scope: ExecutionRoleScope): PolicyStatementJson[] {
  const statements: PolicyStatementJson[] = [];
  if (scope.repositoryArn !== undefined) {
    statements.push(
      { Sid: "EcrAuthorizationToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      { Sid: "EcrPull", Effect: "Allow", Action: [...ECR_PULL_ACTIONS], Resource: [scope.repositoryArn] },
    );
  }
  statements.push({
    Sid: "WriteLogs",
    Effect: "Allow",
    Action: [...LOG_WRITE_ACTIONS],
    Resource: [scope.logGroupArn, `${scope.logGroupArn}:log-stream:*`],
  });
  statements.push(
    ...allowOn("ReadSsmParameters", SSM_SECRET_ACTIONS, scope.ssmParameterArns),
    ...allowOn("ReadSecrets", SECRETS_MANAGER_SECRET_ACTIONS, scope.secretArns),
    ...allowOn("DecryptSecrets", KMS_DECRYPT_ACTIONS, scope.kmsKeyArns),
  );
  return statements;
}

/** The task role statements ECS Exec needs, logging to the cluster's exec log group. */
export function execCommandStatements(execLogGroupArn: string, logsArnPrefix: string): PolicyStatementJson[] {
  return [
    { Sid: "EcsExecChannels", Effect: "Allow", Action: [...EXEC_CHANNEL_ACTIONS], Resource: "*" },
    {
      Sid: "EcsExecFindLogGroup",
      Effect: "Allow",
      Action: ["logs:DescribeLogGroups"],
      Resource: [`${logsArnPrefix}:log-group:*`],
    },
    {
      Sid: "EcsExecWriteLogs",
      Effect: "Allow",
      Action: [...EXEC_LOG_ACTIONS],
      Resource: [execLogGroupArn, `${execLogGroupArn}:log-stream:*`],
    },
  ];
}

/** Explicit IAM actions: `service:Action`, no wildcard. */
export const EXPLICIT_ACTION_PATTERN = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/** Condition block of a grant, e.g. `{ StringEquals: { "cloudwatch:namespace": "app" } }`. */
export type GrantCondition = PolicyCondition;

/**
 * The task role's inline policy: empty (no policy resource at all) until the first grant, then one
 * `aws_iam_role_policy` whose document grows with each grant.
 */
export class TaskRoleGrants {
  /** Called once, when the policy resource is created (by the first grant, or at once). */
  public onPolicyCreated?: (policy: IamRolePolicy) => void;
  private readonly statements: PolicyStatementJson[];
  private policy?: IamRolePolicy;

  /** `base`: statements the module itself adds (ECS Exec); they create the policy at once. */
  public constructor(
    private readonly scope: Construct,
    private readonly roleId: string,
    private readonly fail: Fail,
    base: readonly PolicyStatementJson[],
  ) {
    this.statements = [...base];
    if (this.statements.length > 0) this.ensurePolicy();
  }

  /** Every statement of the task role, in order. */
  public get all(): readonly PolicyStatementJson[] {
    return [...this.statements];
  }

  /** The policy resource, once a statement exists. */
  public get resource(): IamRolePolicy | undefined {
    return this.policy;
  }

  /** Adds `actions` on `resources`; rejects wildcard actions and a bare `"*"` resource. */
  public grant(actions: readonly string[], resources: readonly string[], condition?: GrantCondition): void {
    const fail = this.fail;
    if (actions.length === 0) fail("actions", actions, "list at least one action", 'e.g. ["s3:GetObject"]');
    for (const action of actions) {
      if (!EXPLICIT_ACTION_PATTERN.test(action)) {
        fail("actions", action, "be an explicit service:Action, without wildcards", "list each action");
      }
    }
    if (resources.length === 0) fail("resources", resources, "list at least one resource", "add an ARN");
    if (resources.includes("*")) {
      fail("resources", resources, 'not include "*"', "scope the grant to ARNs (patterns are fine)");
    }
    this.statements.push({
      Sid: `Grant${this.statements.length}`,
      Effect: "Allow",
      Action: [...actions],
      Resource: [...resources],
      ...(condition ? { Condition: condition } : {}),
    });
    this.ensurePolicy();
  }

  private ensurePolicy(): void {
    if (this.policy) return;
    this.policy = new IamRolePolicy(this.scope, "task-policy", {
      role: this.roleId,
      name: "task",
      // Lazy, so later grants land in the same document.
      policy: Lazy.stringValue({
        produce: () => policyDocument(this.statements),
      }),
    });
    this.onPolicyCreated?.(this.policy);
  }
}
