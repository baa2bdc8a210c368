import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { withTags } from "./validation";

/** What {@link targetErrorsAlarm} watches. */
export interface TargetErrorsAlarmProps {
  /** The alarm's name, unique in the account and region. */
  readonly name: string;
  readonly serviceName: string;
  /** `app/<name>/<id>` of the load balancer. */
  readonly loadBalancerArnSuffix: string;
  /** The service's target group, and the alternate one with a traffic-shifting deployment. */
  readonly targetGroupArnSuffixes: readonly string[];
  /** 5xx answers in a minute that put the alarm in ALARM. */
  readonly threshold: number;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * A service's own deployment alarm: the `HTTPCode_Target_5XX_Count` of its target groups (summed
 * over both with a traffic-shifting deployment, so it follows the new revision wherever it runs)
 * reaches `threshold` in a minute. No data (no traffic) is not breaching.
 */
export function targetErrorsAlarm(scope: Construct, props: TargetErrorsAlarmProps): CloudwatchMetricAlarm {
  const metric = (targetGroup: string) => ({
    namespace: "AWS/ApplicationELB",
    metricName: "HTTPCode_Target_5XX_Count",
    dimensions: { LoadBalancer: props.loadBalancerArnSuffix, TargetGroup: targetGroup },
    period: 60,
    stat: "Sum",
  });
  const common = {
    alarmName: props.name,
    alarmDescription: `Targets of service ${props.serviceName} answered ${props.threshold} or more 5xx in a minute: a deployment in progress fails and rolls back`,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    evaluationPeriods: 1,
    threshold: props.threshold,
    treatMissingData: "notBreaching",
    tags: withTags(props.tags, { Name: props.name }),
  };
  const groups = props.targetGroupArnSuffixes;
  if (groups.length === 1) {
    const { stat, ...single } = metric(groups[0]!);
    return new CloudwatchMetricAlarm(scope, "target-errors-alarm", { ...common, ...single, statistic: stat });
  }
  return new CloudwatchMetricAlarm(scope, "target-errors-alarm", {
    ...common,
    metricQuery: [
      ...groups.map((group, i) => ({ id: `group${i}`, metric: metric(group), returnData: false })),
      {
        id: "errors",
        expression: `SUM([${groups.map((_g, i) => `group${i}`).join(", ")}])`,
        label: `5xx answers of ${props.serviceName}'s target groups`,
        returnData: true,
      },
    ],
  });
}
