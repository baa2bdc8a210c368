/**
 * The Traefik edge's read-only permissions (Traefik's documented ECS provider policy, narrowed to
 * one cluster where the action has a resource type) and the external instances' trust policy.
 */
import { allowOn, PolicyStatementJson, policyDocument } from "../shared/iam";

const DESCRIBE_REASON = "EC2 Describe* actions support no resource-level permissions";

/**
 * Every action of the Traefik task role that AWS accepts only with `Resource: "*"`, and why. The
 * IAM lint allows `"*"` for these actions and nothing else.
 */
export const EXTERNAL_CAPACITY_STAR_RESOURCE_ACTIONS: Readonly<Record<string, string>> = {
  "ecs:ListClusters":
    "Traefik's ECS provider lists clusters at start even with one configured; the action supports no resource types",
  "ecs:DescribeTaskDefinition":
    "Traefik reads the labels and port mappings of each task's definition; the action supports no resource types",
  "ecs:ListTasks":
    "Traefik lists the cluster's tasks; granted on * with the ecs:cluster condition naming the one cluster, as AWS documents",
  "ec2:DescribeInstances": `Traefik finds EC2 container instances' addresses; ${DESCRIBE_REASON}`,
  "ssm:DescribeInstanceInformation":
    "ECS Anywhere: Traefik finds a managed instance's (mi-…) address; the action supports no resource types",
};

/** Actions Traefik needs on the one cluster (resource: the cluster's ARN). */
export const TRAEFIK_CLUSTER_ACTIONS: readonly string[] = ["ecs:DescribeClusters"];
/** Actions on the cluster's tasks (resource: `task/<cluster>/*`). */
export const TRAEFIK_TASK_ACTIONS: readonly string[] = ["ecs:DescribeTasks"];
/** Actions on the cluster's container instances (resource: `container-instance/<cluster>/*`). */
export const TRAEFIK_CONTAINER_INSTANCE_ACTIONS: readonly string[] = ["ecs:DescribeContainerInstances"];

/** What the Traefik task role is scoped to. */
export interface TraefikRoleScope {
  readonly clusterArn: string;
  /** `arn:<partition>:ecs:<region>:<account>` */
  readonly ecsArnPrefix: string;
  readonly clusterName: string;
}

/** The Traefik task role's policy statements: read-only, one cluster. */
export function traefikStatements(scope: TraefikRoleScope): PolicyStatementJson[] {
  return [
    ...allowOn(
      "ReadAccountWide",
      [
        "ecs:ListClusters",
        "ecs:DescribeTaskDefinition",
        "ec2:DescribeInstances",
        "ssm:DescribeInstanceInformation",
      ],
      ["*"],
    ),
    ...allowOn("ListClusterTasks", ["ecs:ListTasks"], ["*"], {
      ArnEquals: { "ecs:cluster": scope.clusterArn },
    }),
    ...allowOn("DescribeCluster", TRAEFIK_CLUSTER_ACTIONS, [scope.clusterArn]),
    ...allowOn("DescribeClusterTasks", TRAEFIK_TASK_ACTIONS, [
      `${scope.ecsArnPrefix}:task/${scope.clusterName}/*`,
    ]),
    ...allowOn("DescribeClusterInstances", TRAEFIK_CONTAINER_INSTANCE_ACTIONS, [
      `${scope.ecsArnPrefix}:container-instance/${scope.clusterName}/*`,
    ]),
  ];
}

/** {@link traefikStatements} as a policy document. */
export function traefikPolicy(scope: TraefikRoleScope): string {
  return policyDocument(traefikStatements(scope));
}

/**
 * Trust policy of the external instances' role: SSM assumes it for the registered machines, only
 * for activations of this account and region (the confused-deputy conditions AWS documents for the
 * hybrid service role).
 */
export function ssmHybridAssumeRolePolicy(account: string, ssmArnPrefix: string): string {
  return policyDocument([
    {
      Sid: "SsmAssumeForHybridInstances",
      Effect: "Allow",
      Principal: { Service: "ssm.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:SourceAccount": account },
        ArnLike: { "aws:SourceArn": `${ssmArnPrefix}:*` },
      },
    },
  ]);
}
