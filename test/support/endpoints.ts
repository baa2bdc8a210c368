import { LOCAL_AWS_SERVICES } from "../../stacks/aws-provider";

type LocalService = (typeof LOCAL_AWS_SERVICES)[number];

/**
 * Which provider `endpoints` key serves each resource or data source type. A type whose service
 * has no local endpoint would reach real AWS from a "local" deploy, so tests require a match.
 */
const SERVICE_OF_TYPE: ReadonlyArray<[RegExp, LocalService]> = [
  [
    /^aws_(vpc|subnet|internet_gateway|nat_gateway|eip|eip_association|route|route_table|route_table_association|default_security_group|security_group|flow_log|network_interface|launch_template|ami|vpc_security_group_(ingress|egress)_rule)$/,
    "ec2",
  ],
  [/^aws_route53_/, "route53"],
  [/^aws_cloudwatch_log_/, "cloudwatchlogs"],
  [/^aws_cloudwatch_metric_alarm$/, "cloudwatch"],
  [/^aws_cloudwatch_event_/, "events"],
  [/^aws_iam_/, "iam"],
  [/^aws_ecs_/, "ecs"],
  [/^aws_ecr_/, "ecr"],
  [/^aws_autoscaling_/, "autoscaling"],
  [/^aws_appautoscaling_/, "applicationautoscaling"],
  [/^aws_(lb|alb)(_|$)/, "elbv2"],
  [/^aws_s3_/, "s3"],
  [/^aws_kms_/, "kms"],
  [/^aws_lambda_/, "lambda"],
  [/^aws_sqs_/, "sqs"],
  [/^aws_ssm_/, "ssm"],
  [/^aws_secretsmanager_/, "secretsmanager"],
  [/^aws_caller_identity$/, "sts"],
];

/** Data sources the provider answers from its own configuration, without an API call. */
const NO_API_DATA_SOURCES = ["aws_partition", "aws_region", "aws_iam_policy_document"];

/** The resource and data source types of a synthesized stack that no local endpoint serves. */
export function typesWithoutLocalEndpoint(json: {
  resource?: Record<string, unknown>;
  data?: Record<string, unknown>;
}): string[] {
  const types = [
    ...Object.keys(json.resource ?? {}),
    ...Object.keys(json.data ?? {}).filter((t) => !NO_API_DATA_SOURCES.includes(t)),
  ];
  return types.filter(
    (t) => !SERVICE_OF_TYPE.some(([re, service]) => re.test(t) && LOCAL_AWS_SERVICES.includes(service)),
  );
}
