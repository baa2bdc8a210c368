/**
 * Every action of the attacher Lambda's role that AWS accepts only with `Resource: "*"`, and why.
 * The IAM lint allows `"*"` for these actions and nothing else.
 */
export const STATIC_IP_STAR_RESOURCE_ACTIONS: Readonly<Record<string, string>> = {
  "ec2:DescribeInstances":
    "finds the new instance's AZ and state, and the ENI owner's state; EC2 Describe* actions support no resource-level permissions",
  "ec2:DescribeNetworkInterfaces":
    "reads the ENI's attachment while it waits for attached/available; EC2 Describe* actions support no resource-level permissions",
  "autoscaling:DescribeAutoScalingInstances":
    "checks whether Auto Scaling is terminating the ENI's current owner before detaching; the action supports no resource types",
  "autoscaling:DescribeAutoScalingGroups":
    "the reconcile lists the edge groups' InService instances; the action supports no resource types (the handler asks only for the edge groups by name)",
};

/** EC2 actions that move the ENI (scoped to the ENI ARNs, and to edge instances by tag condition). */
export const ENI_MOVE_ACTIONS: readonly string[] = [
  "ec2:AttachNetworkInterface",
  "ec2:DetachNetworkInterface",
];

/** Completes the launch lifecycle action (scoped to the edge groups' ARNs). */
export const LIFECYCLE_ACTIONS: readonly string[] = ["autoscaling:CompleteLifecycleAction"];

/** CloudWatch Logs actions of the Lambda runtime (scoped to its log group). */
export const LAMBDA_LOG_ACTIONS: readonly string[] = ["logs:CreateLogStream", "logs:PutLogEvents"];

/** Lambda's asynchronous-invocation dead-letter delivery (scoped to the queue). */
export const DLQ_SEND_ACTIONS: readonly string[] = ["sqs:SendMessage"];
