import { allowOn, PolicyStatementJson, serviceAssumeRolePolicy } from "../shared/iam";

export type { PolicyStatementJson } from "../shared/iam";

/** Actions the ECS container agent calls on its own cluster (resource: the cluster ARN). */
export const ECS_AGENT_CLUSTER_ACTIONS: readonly string[] = [
  "ecs:RegisterContainerInstance",
  "ecs:DeregisterContainerInstance",
  "ecs:SubmitContainerStateChange",
  "ecs:SubmitTaskStateChange",
  "ecs:SubmitAttachmentStateChanges",
];

/**
 * Actions the ECS container agent calls on its container instance. The instance does not exist
 * before the agent registers it, so they are scoped to container-instance ARNs of the account and
 * region plus an `ecs:cluster` condition naming this cluster.
 */
export const ECS_AGENT_CONTAINER_INSTANCE_ACTIONS: readonly string[] = [
  "ecs:Poll",
  "ecs:StartTelemetrySession",
  // Spot interruption draining: the agent sets its own instance to DRAINING.
  "ecs:UpdateContainerInstancesState",
];

/** ECR actions that pull an image's layers (resource: repository ARNs). */
export const ECR_PULL_ACTIONS: readonly string[] = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchGetImage",
];

/** CloudWatch Logs actions of the awslogs driver (resource: log group ARNs). */
export const LOG_WRITE_ACTIONS: readonly string[] = ["logs:CreateLogStream", "logs:PutLogEvents"];

/**
 * Every action of the instance role that AWS accepts only with `Resource: "*"`, and why. The IAM
 * lint allows `"*"` for these actions and nothing else.
 */
export const STAR_RESOURCE_ACTIONS: Readonly<Record<string, string>> = {
  "ecs:DiscoverPollEndpoint":
    "ECS agent: finds its ACS/TCS endpoints before it has a container instance; the action supports no resource types",
  "ecr:GetAuthorizationToken":
    "image pulls: the registry token is account-wide; the action supports no resource types",
  "ssmmessages:CreateControlChannel":
    "Session Manager: the SSM agent's control channel; ssmmessages has no resource types",
  "ssmmessages:CreateDataChannel":
    "Session Manager: a session's data channel; ssmmessages has no resource types",
  "ssmmessages:OpenControlChannel":
    "Session Manager: the SSM agent's control channel; ssmmessages has no resource types",
  "ssmmessages:OpenDataChannel":
    "Session Manager: a session's data channel; ssmmessages has no resource types",
  "ec2messages:AcknowledgeMessage":
    "SSM agent message delivery (Run Command); ec2messages has no resource types",
  "ec2messages:DeleteMessage": "SSM agent message delivery (Run Command); ec2messages has no resource types",
  "ec2messages:FailMessage": "SSM agent message delivery (Run Command); ec2messages has no resource types",
  "ec2messages:GetEndpoint": "SSM agent message delivery (Run Command); ec2messages has no resource types",
  "ec2messages:GetMessages": "SSM agent message delivery (Run Command); ec2messages has no resource types",
  "ec2messages:SendReply": "SSM agent message delivery (Run Command); ec2messages has no resource types",
};

/**
 * Session Manager actions on the instance itself (resource: EC2 instance ARNs of the account and
 * region): the SSM agent's registration and heartbeat. AmazonSSMManagedInstanceCore grants it on
 * `"*"`, but the action supports the `instance` resource type.
 */
export const SESSION_MANAGER_INSTANCE_ACTIONS: readonly string[] = ["ssm:UpdateInstanceInformation"];

/** Session Manager actions that support no resource types (in {@link STAR_RESOURCE_ACTIONS}). */
export const SESSION_MANAGER_STAR_ACTIONS: readonly string[] = Object.keys(STAR_RESOURCE_ACTIONS).filter(
  (action) => /^(ssm|ssmmessages|ec2messages):/.test(action),
);

/** The Session Manager permissions of the instance role (AmazonSSMManagedInstanceCore's, for sessions). */
export const SESSION_MANAGER_ACTIONS: readonly string[] = [
  ...SESSION_MANAGER_INSTANCE_ACTIONS,
  ...SESSION_MANAGER_STAR_ACTIONS,
];

/** The service principal of EC2 instance roles. */
export const EC2_SERVICE_PRINCIPAL = "ec2.amazonaws.com";

/** What the instance role's statements are scoped to. */
export interface InstancePolicyScope {
  readonly clusterArn: string;
  /** `arn:<partition>:ecs:<region>:<account>` */
  readonly ecsArnPrefix: string;
  /** `arn:<partition>:ec2:<region>:<account>` */
  readonly ec2ArnPrefix: string;
  readonly ecrRepositoryArns: readonly string[];
  readonly logGroupArns: readonly string[];
  readonly enableSessionManager: boolean;
}

/** The statements the ECS agent, image pulls, logging and (optionally) Session Manager need. */
export function instancePolicyStatements(scope: InstancePolicyScope): PolicyStatementJson[] {
  const statements: PolicyStatementJson[] = [
    {
      Sid: "EcsAgentOnCluster",
      Effect: "Allow",
      Action: [...ECS_AGENT_CLUSTER_ACTIONS],
      Resource: [scope.clusterArn],
    },
    {
      Sid: "EcsAgentOnOwnContainerInstance",
      Effect: "Allow",
      Action: [...ECS_AGENT_CONTAINER_INSTANCE_ACTIONS],
      Resource: [`${scope.ecsArnPrefix}:container-instance/*`],
      Condition: { ArnEquals: { "ecs:cluster": scope.clusterArn } },
    },
    {
      Sid: "EcsAgentDiscoverEndpoint",
      Effect: "Allow",
      Action: ["ecs:DiscoverPollEndpoint"],
      Resource: "*",
    },
    {
      Sid: "EcrAuthorizationToken",
      Effect: "Allow",
      Action: ["ecr:GetAuthorizationToken"],
      Resource: "*",
    },
  ];
  statements.push(
    ...allowOn("EcrPull", ECR_PULL_ACTIONS, scope.ecrRepositoryArns),
    ...allowOn("AwslogsWrite", LOG_WRITE_ACTIONS, scope.logGroupArns),
  );
  if (scope.enableSessionManager) {
    statements.push(
      {
        Sid: "SessionManagerInstance",
        Effect: "Allow",
        Action: [...SESSION_MANAGER_INSTANCE_ACTIONS],
        Resource: [`${scope.ec2ArnPrefix}:instance/*`],
      },
      {
        Sid: "SessionManager",
        Effect: "Allow",
        Action: [...SESSION_MANAGER_STAR_ACTIONS],
        Resource: "*",
      },
    );
  }
  return statements;
}

/** The trust policy of an EC2 instance role. */
export function ec2AssumeRolePolicy(): string {
  return serviceAssumeRolePolicy("Ec2AssumeRole", EC2_SERVICE_PRINCIPAL);
}
