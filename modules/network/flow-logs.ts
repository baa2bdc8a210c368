import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { NetworkConfig } from "./validation";

/** The only actions the flow log service needs on its (existing) log group. */
export const FLOW_LOG_ACTIONS: readonly string[] = [
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:DescribeLogStreams",
];

/** The service principal VPC flow logs assume their role as. */
export const FLOW_LOG_SERVICE_PRINCIPAL = "vpc-flow-logs.amazonaws.com";

/** The flow log resources of a network. */
export interface NetworkFlowLogs {
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  readonly flowLog: FlowLog;
}

/** A flow log of all VPC traffic into its own log group, written through a role scoped to it. */
export function createFlowLogs(
  scope: Construct,
  config: NetworkConfig,
  vpcId: string,
  tagsFor: (suffix: string) => Record<string, string>,
): NetworkFlowLogs {
  const logGroupName = `/vpc/${config.name}/flow-logs`;
  const logGroup = new CloudwatchLogGroup(scope, "flow-log-group", {
    name: logGroupName,
    retentionInDays: config.flowLogRetentionDays,
    kmsKeyId: config.flowLogKmsKeyArn,
    tags: tagsFor("flow-logs"),
  });

  const account = new DataAwsCallerIdentity(scope, "account");
  const role = new IamRole(scope, "flow-log-role", {
    namePrefix: `${config.name}-flow-logs-`,
    description: `Lets VPC flow logs of ${config.name} write to ${logGroupName}`,
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: FLOW_LOG_SERVICE_PRINCIPAL },
          Action: "sts:AssumeRole",
          // Confused-deputy guard: only flow logs of this account may assume the role.
          Condition: { StringEquals: { "aws:SourceAccount": account.accountId } },
        },
      ],
    }),
    tags: tagsFor("flow-logs"),
  });

  const policy = new IamRolePolicy(scope, "flow-log-policy", {
    role: role.id,
    name: "write-flow-logs",
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: FLOW_LOG_ACTIONS,
          // Log streams are addressed as "<group arn>:log-stream:<name>", hence the ":*" form.
          Resource: [logGroup.arn, `${logGroup.arn}:*`],
        },
      ],
    }),
  });

  const flowLog = new FlowLog(scope, "flow-log", {
    vpcId,
    trafficType: "ALL",
    logDestinationType: "cloud-watch-logs",
    logDestination: logGroup.arn,
    iamRoleArn: role.arn,
    tags: tagsFor("flow-log"),
    // The role's permissions must exist before the service first delivers logs.
    dependsOn: [policy],
  });

  return { logGroup, role, flowLog };
}
