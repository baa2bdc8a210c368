import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { StaticIpConfig } from "./validation";

/** The two alarms of a {@link StaticIp}. */
export interface StaticIpAlarms {
  /** On the attacher Lambda's Errors metric. */
  readonly lambdaErrors: CloudwatchMetricAlarm;
  /** On visible messages in the dead-letter queue. */
  readonly deadLetterQueue: CloudwatchMetricAlarm;
}

/** Alarms on the attacher's errors and on the dead-letter queue, notifying `config.alarmActions`. */
export function addStaticIpAlarms(
  scope: Construct,
  name: string,
  config: StaticIpConfig,
  tagged: (resourceName: string) => Record<string, string>,
  target: { readonly lambdaFunctionName: string; readonly deadLetterQueueName: string },
): StaticIpAlarms {
  const alarmActions = config.alarmActions.length > 0 ? [...config.alarmActions] : undefined;
  const lambdaErrors = new CloudwatchMetricAlarm(scope, "lambda-errors-alarm", {
    alarmName: `${name}-errors`,
    alarmDescription: `The static-IP attacher Lambda ${name} failed: an edge instance may lack its static IP`,
    namespace: "AWS/Lambda",
    metricName: "Errors",
    dimensions: { FunctionName: target.lambdaFunctionName },
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions,
    tags: tagged(`${name}-errors`),
  });
  const deadLetterQueue = new CloudwatchMetricAlarm(scope, "dlq-alarm", {
    alarmName: `${name}-dlq-messages`,
    alarmDescription: `Launch or reconcile events of ${name} that were never handled are in the dead-letter queue`,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: target.deadLetterQueueName },
    statistic: "Maximum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions,
    tags: tagged(`${name}-dlq-messages`),
  });
  return { lambdaErrors, deadLetterQueue };
}
