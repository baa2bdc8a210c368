import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, Lazy, TerraformStack, Testing } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EipAssociation } from "@cdktf/provider-aws/lib/eip-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { NetworkInterface } from "@cdktf/provider-aws/lib/network-interface";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { EcsCluster } from "../../modules/ecs-cluster";
import { STAR_RESOURCE_ACTIONS } from "../../modules/ecs-cluster/iam";
import { LoadBalancer } from "../../modules/load-balanced-service";
import { Network } from "../../modules/network";
import {
  DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
  DEFAULT_LAMBDA_LOG_RETENTION_DAYS,
  DEFAULT_RECONCILE_SCHEDULE,
  LIFECYCLE_HOOK_NAME,
  StaticIp,
  StaticIpAddresses,
} from "../../modules/static-ip";
import {
  DLQ_MESSAGE_RETENTION_SECONDS,
  EVENT_RETRY_ATTEMPTS,
  LAMBDA_ASYNC_RETRY_ATTEMPTS,
} from "../../modules/static-ip/props";
import {
  LAMBDA_HANDLER,
  LAMBDA_RUNTIME,
  LAUNCH_LIFECYCLE_DETAIL_TYPE,
} from "../../modules/static-ip/static-ip";
import {
  lambdaAsyncEventAgeSeconds,
  lambdaTimeoutSeconds,
  maximumEventAgeSeconds,
} from "../../modules/static-ip/validation";
import { STATIC_IP_STAR_RESOURCE_ACTIONS } from "../../modules/static-ip/iam";
import { addAwsProvider } from "../../stacks/aws-provider";
import {
  describeFindings,
  IamScan,
  lintIam,
  lintSynthesizedIam,
  scanIam,
  unusedStarResourceActions,
} from "../support/iam";
import {
  address,
  AZ_A,
  AZ_B,
  Block,
  build,
  CERTIFICATE_ARN,
  matching,
  NAME,
  Options,
  ref,
  resolveIn,
  resource,
  synth,
  SynthJson,
} from "./static-ip-support";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

interface Statement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

function statements(json: SynthJson): Statement[] {
  const policy = resource(json, IamRolePolicy, "sip_lambda-policy");
  return (JSON.parse(String(policy.policy)) as { Statement: Statement[] }).Statement;
}

function statement(json: SynthJson, sid: string): Statement {
  const found = statements(json).find((s) => s.Sid === sid);
  if (found === undefined) throw new Error(`no statement ${sid}`);
  return found;
}

describe("StaticIp defaults", () => {
  // GIVEN a network with two AZs, a cluster and an internal ALB; WHEN a StaticIp is added with no options
  const { synth: out, json } = synth();

  it("creates one ENI per AZ in that AZ's public subnet, with the edge security group, tagged", () => {
    expect(matching(json, NetworkInterface, "sip_addresses_eni-")).toHaveLength(2);
    [
      [AZ_A, "public-subnet-0"],
      [AZ_B, "public-subnet-1"],
    ].forEach(([az, subnet]) => {
      expect(resource(json, NetworkInterface, `sip_addresses_eni-${az}`)).toEqual(
        expect.objectContaining({
          subnet_id: `\${aws_subnet.${matching(json, { tfResourceType: "aws_subnet" }, `net_${subnet}`)[0][0]}.id}`,
          security_groups: [ref(json, SecurityGroup, "sip_addresses_edge-sg")],
          tags: { Name: `${NAME}-${az}` },
        }),
      );
    });
  });

  it("opens only port 80 from 0.0.0.0/0 on the ENIs' own security group", () => {
    expect(out).toHaveResourceWithProperties(SecurityGroup, {
      vpc_id: ref(json, { tfResourceType: "aws_vpc" }, "net_vpc"),
      name_prefix: `${NAME}-edge-`,
      tags: { Name: `${NAME}-edge` },
    });
    const rules = matching(json, VpcSecurityGroupIngressRule, "sip_addresses_edge-ingress");
    expect(rules).toHaveLength(1);
    expect(rules[0][1]).toEqual(
      expect.objectContaining({
        security_group_id: ref(json, SecurityGroup, "sip_addresses_edge-sg"),
        cidr_ipv4: "0.0.0.0/0",
        ip_protocol: "tcp",
        from_port: 80,
        to_port: 80,
      }),
    );
  });

  it("creates a VPC EIP per AZ protected from destroy, associated with that AZ's ENI", () => {
    for (const az of [AZ_A, AZ_B]) {
      expect(resource(json, Eip, `sip_addresses_eip-${az}`)).toEqual({
        domain: "vpc",
        lifecycle: { prevent_destroy: true },
        tags: { Name: `${NAME}-${az}` },
      });
      expect(resource(json, EipAssociation, `sip_addresses_eip-association-${az}`)).toEqual({
        allocation_id: ref(json, Eip, `sip_addresses_eip-${az}_`, "allocation_id"),
        network_interface_id: ref(json, NetworkInterface, `sip_addresses_eni-${az}`),
      });
    }
  });

  it("adds one edge capacity per AZ: private subnet of the AZ, 1 instance, no managed scaling, role=edge, launch hook", () => {
    [
      [AZ_A, "private-subnet-0"],
      [AZ_B, "private-subnet-1"],
    ].forEach(([az, subnet]) => {
      const group = resource(json, AutoscalingGroup, `main_edge-${az}_asg`);
      expect(group).toEqual(
        expect.objectContaining({
          name: `main-edge-${az}`,
          min_size: 1,
          max_size: 1,
          desired_capacity: 1,
          vpc_zone_identifier: [
            `\${aws_subnet.${matching(json, { tfResourceType: "aws_subnet" }, `net_${subnet}`)[0][0]}.id}`,
          ],
          initial_lifecycle_hook: [
            {
              name: LIFECYCLE_HOOK_NAME,
              lifecycle_transition: "autoscaling:EC2_INSTANCE_LAUNCHING",
              heartbeat_timeout: DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
              default_result: "ABANDON",
              notification_metadata: JSON.stringify({ az }),
            },
          ],
        }),
      );
      // The group waits for everything that handles its first launch event.
      expect(group.depends_on).toEqual(
        expect.arrayContaining([
          address(json, LambdaFunction, "sip_attacher_"),
          address(json, CloudwatchEventTarget, "sip_launch-target"),
          address(json, LambdaPermission, "sip_launch-permission"),
          address(json, IamRolePolicy, "sip_lambda-policy"),
          address(json, EipAssociation, `sip_addresses_eip-association-${az}`),
        ]),
      );
      expect(resource(json, EcsCapacityProvider, `main_edge-${az}_capacity-provider`)).toEqual(
        expect.objectContaining({
          auto_scaling_group_provider: expect.objectContaining({
            managed_scaling: expect.objectContaining({ status: "DISABLED" }),
          }) as unknown,
        }),
      );
      const userData = Buffer.from(
        String(resource(json, LaunchTemplate, `main_edge-${az}_launch-template`).user_data),
        "base64",
      ).toString("utf8");
      expect(userData).toContain('ECS_INSTANCE_ATTRIBUTES={"role":"edge"}');
    });
  });

  it("creates its own addresses (id addresses) and exposes public IPs, ENI ids, edge capacities, Lambda and DLQ names", () => {
    const { staticIp, stack } = build();
    expect(staticIp.addresses).toBeInstanceOf(StaticIpAddresses);
    expect(staticIp.addresses.node.path).toBe("stack/sip/addresses");
    expect(resolveIn(stack, staticIp.addresses.config.name)).toBe(NAME);
    expect(staticIp.publicIps).toBe(staticIp.addresses.publicIps);
    expect(Object.keys(staticIp.addresses.eips)).toEqual([AZ_A, AZ_B]);
    expect(Object.keys(staticIp.publicIps)).toEqual([AZ_A, AZ_B]);
    expect(Object.keys(staticIp.networkInterfaceIds)).toEqual([AZ_A, AZ_B]);
    expect(Object.keys(staticIp.edgeCapacities)).toEqual([AZ_A, AZ_B]);
    expect(staticIp.edgeAutoScalingGroupNames).toEqual({
      [AZ_A]: `main-edge-${AZ_A}`,
      [AZ_B]: `main-edge-${AZ_B}`,
    });
    expect(resolveIn(stack, staticIp.publicIps[AZ_A])).toMatch(
      /^\$\{aws_eip\.sip_addresses_eip-eu-west-2a_[0-9A-F]+\.public_ip\}$/,
    );
    expect(resolveIn(stack, staticIp.networkInterfaceIds[AZ_B])).toMatch(
      /^\$\{aws_network_interface\.sip_addresses_eni-eu-west-2b_/,
    );
    expect(resolveIn(stack, staticIp.lambdaFunctionName)).toMatch(
      /^\$\{aws_lambda_function\.sip_attacher_[0-9A-F]+\.function_name\}$/,
    );
    expect(resolveIn(stack, staticIp.deadLetterQueueName)).toMatch(
      /^\$\{aws_sqs_queue\.sip_dlq_[0-9A-F]+\.name\}$/,
    );
  });

  it("creates the Lambda: nodejs22.x, index.handler, timeout below the heartbeat, ENI_BY_AZ and heartbeat in env, DLQ", () => {
    const fn = resource(json, LambdaFunction, "sip_attacher_");
    expect(fn).toEqual(
      expect.objectContaining({
        function_name: NAME,
        runtime: LAMBDA_RUNTIME,
        handler: LAMBDA_HANDLER,
        role: ref(json, IamRole, "sip_lambda-role", "arn"),
        timeout: 290,
        environment: {
          variables: {
            ENI_BY_AZ: `\${jsonencode({"${AZ_A}" = ${address(json, NetworkInterface, `sip_addresses_eni-${AZ_A}`)}.id, "${AZ_B}" = ${address(json, NetworkInterface, `sip_addresses_eni-${AZ_B}`)}.id})}`,
            HEARTBEAT_TIMEOUT_SECONDS: String(DEFAULT_HEARTBEAT_TIMEOUT_SECONDS),
            EDGE_GROUP_NAMES: JSON.stringify([`main-edge-${AZ_A}`, `main-edge-${AZ_B}`]),
          },
        },
        dead_letter_config: { target_arn: ref(json, SqsQueue, "sip_dlq_", "arn") },
        logging_config: {
          log_format: "Text",
          log_group: ref(json, CloudwatchLogGroup, "sip_lambda-logs", "name"),
        },
        depends_on: [
          address(json, CloudwatchLogGroup, "sip_lambda-logs"),
          address(json, IamRolePolicy, "sip_lambda-policy"),
        ],
      }),
    );
    expect(Number(fn.timeout)).toBeLessThan(DEFAULT_HEARTBEAT_TIMEOUT_SECONDS);
    expect(String(fn.filename)).toMatch(/^assets\/sip_attacher-code_[0-9A-F]+\/[0-9A-F]+\/archive\.zip$/);
    expect(fn.source_code_hash).toMatch(/^[0-9A-F]{32}$/);
    expect(out).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
      function_name: ref(json, LambdaFunction, "sip_attacher_", "function_name"),
      maximum_retry_attempts: LAMBDA_ASYNC_RETRY_ATTEMPTS,
      maximum_event_age_in_seconds: 290,
    });
  });

  it("creates the log group /aws/lambda/<name> with 365 days retention", () => {
    expect(out).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: `/aws/lambda/${NAME}`,
      retention_in_days: DEFAULT_LAMBDA_LOG_RETENTION_DAYS,
    });
  });

  it("creates an encrypted dead-letter queue that only the two rules may send to", () => {
    expect(out).toHaveResourceWithProperties(SqsQueue, {
      name: `${NAME}-dlq`,
      sqs_managed_sse_enabled: true,
      message_retention_seconds: DLQ_MESSAGE_RETENTION_SECONDS,
    });
    const policy = JSON.parse(String(resource(json, SqsQueuePolicy, "sip_dlq-policy").policy)) as {
      Statement: Block[];
    };
    expect(policy.Statement).toEqual([
      {
        Sid: "EventBridgeDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: ref(json, SqsQueue, "sip_dlq_", "arn"),
        Condition: {
          ArnEquals: {
            "aws:SourceArn": [
              ref(json, CloudwatchEventRule, "sip_launch-rule", "arn"),
              ref(json, CloudwatchEventRule, "sip_reconcile-rule", "arn"),
            ],
          },
        },
      },
    ]);
  });

  it("matches the edge groups' launch lifecycle actions and targets the Lambda with retries and the DLQ", () => {
    const rule = resource(json, CloudwatchEventRule, "sip_launch-rule");
    expect(JSON.parse(String(rule.event_pattern))).toEqual({
      source: ["aws.autoscaling"],
      "detail-type": [LAUNCH_LIFECYCLE_DETAIL_TYPE],
      detail: { AutoScalingGroupName: [`main-edge-${AZ_A}`, `main-edge-${AZ_B}`] },
    });
    expect(out).toHaveResourceWithProperties(CloudwatchEventTarget, {
      rule: ref(json, CloudwatchEventRule, "sip_launch-rule", "name"),
      arn: ref(json, LambdaFunction, "sip_attacher_", "arn"),
      retry_policy: { maximum_retry_attempts: EVENT_RETRY_ATTEMPTS, maximum_event_age_in_seconds: 290 },
      dead_letter_config: { arn: ref(json, SqsQueue, "sip_dlq_", "arn") },
    });
    expect(out).toHaveResourceWithProperties(LambdaPermission, {
      action: "lambda:InvokeFunction",
      principal: "events.amazonaws.com",
      function_name: ref(json, LambdaFunction, "sip_attacher_", "function_name"),
      source_arn: ref(json, CloudwatchEventRule, "sip_launch-rule", "arn"),
    });
  });

  it("runs the reconcile: a rate(5 minutes) schedule targeting the same Lambda, with retries and the DLQ", () => {
    expect(resource(json, CloudwatchEventRule, "sip_reconcile-rule")).toEqual(
      expect.objectContaining({
        name: `${NAME}-reconcile`,
        schedule_expression: DEFAULT_RECONCILE_SCHEDULE,
      }),
    );
    expect(DEFAULT_RECONCILE_SCHEDULE).toBe("rate(5 minutes)");
    expect(resource(json, CloudwatchEventRule, "sip_reconcile-rule").event_pattern).toBeUndefined();
    expect(resource(json, CloudwatchEventTarget, "sip_reconcile-target")).toEqual(
      expect.objectContaining({
        rule: ref(json, CloudwatchEventRule, "sip_reconcile-rule", "name"),
        arn: ref(json, LambdaFunction, "sip_attacher_", "arn"),
        retry_policy: { maximum_retry_attempts: EVENT_RETRY_ATTEMPTS, maximum_event_age_in_seconds: 290 },
        dead_letter_config: { arn: ref(json, SqsQueue, "sip_dlq_", "arn") },
      }),
    );
    // The scheduled event is delivered as is: no input transformer, so the handler sees "Scheduled Event".
    expect(resource(json, CloudwatchEventTarget, "sip_reconcile-target").input).toBeUndefined();
    expect(resource(json, LambdaPermission, "sip_reconcile-permission")).toEqual(
      expect.objectContaining({
        principal: "events.amazonaws.com",
        source_arn: ref(json, CloudwatchEventRule, "sip_reconcile-rule", "arn"),
      }),
    );
  });

  it("alarms on Lambda errors and on messages in the DLQ, without actions", () => {
    const errors = resource(json, CloudwatchMetricAlarm, "sip_lambda-errors-alarm");
    expect(errors).toEqual(
      expect.objectContaining({
        namespace: "AWS/Lambda",
        metric_name: "Errors",
        dimensions: { FunctionName: ref(json, LambdaFunction, "sip_attacher_", "function_name") },
        statistic: "Sum",
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
      }),
    );
    const dlq = resource(json, CloudwatchMetricAlarm, "sip_dlq-alarm");
    expect(dlq).toEqual(
      expect.objectContaining({
        namespace: "AWS/SQS",
        metric_name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: ref(json, SqsQueue, "sip_dlq_", "name") },
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
      }),
    );
    expect(errors.alarm_actions).toBeUndefined();
    expect(dlq.alarm_actions).toBeUndefined();
  });

  it("trusts only Lambda (of this account) with the role", () => {
    const trust = JSON.parse(String(resource(json, IamRole, "sip_lambda-role").assume_role_policy)) as {
      Statement: Block[];
    };
    expect(trust.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }),
    ]);
  });

  it("scopes the role: ENIs, edge instances by group tag, edge group ARNs, its log group, its DLQ", () => {
    expect(statement(json, "Describe")).toEqual(
      expect.objectContaining({ Action: Object.keys(STATIC_IP_STAR_RESOURCE_ACTIONS), Resource: "*" }),
    );
    expect(statement(json, "Describe").Action).toEqual([
      "ec2:DescribeInstances",
      "ec2:DescribeNetworkInterfaces",
      "autoscaling:DescribeAutoScalingInstances",
      "autoscaling:DescribeAutoScalingGroups",
    ]);
    expect(statements(json).map((st) => st.Sid)).toEqual([
      "Describe",
      "MoveStaticIpEnis",
      "MoveToEdgeInstances",
      "CompleteEdgeLifecycleActions",
      "Logs",
      "DeadLetterQueue",
    ]);
    expect(statement(json, "MoveStaticIpEnis").Resource).toEqual([
      ref(json, NetworkInterface, `sip_addresses_eni-${AZ_A}`, "arn"),
      ref(json, NetworkInterface, `sip_addresses_eni-${AZ_B}`, "arn"),
    ]);
    const toInstances = statement(json, "MoveToEdgeInstances");
    expect(toInstances.Action).toEqual(["ec2:AttachNetworkInterface", "ec2:DetachNetworkInterface"]);
    expect(toInstances.Resource).toMatch(
      /^arn:\$\{data\.aws_partition\..+\}:ec2:\$\{data\.aws_region\..+\}:\$\{data\.aws_caller_identity\..+\}:instance\/\*$/,
    );
    expect(toInstances.Condition).toEqual({
      StringEquals: {
        "aws:ResourceTag/aws:autoscaling:groupName": [`main-edge-${AZ_A}`, `main-edge-${AZ_B}`],
      },
    });
    const complete = statement(json, "CompleteEdgeLifecycleActions");
    expect(complete.Action).toEqual(["autoscaling:CompleteLifecycleAction"]);
    expect(complete.Resource).toHaveLength(2);
    expect((complete.Resource as string[])[0]).toMatch(
      /:autoScalingGroup:\*:autoScalingGroupName\/main-edge-eu-west-2a$/,
    );
    expect(statement(json, "Logs")).toEqual(
      expect.objectContaining({
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${ref(json, CloudwatchLogGroup, "sip_lambda-logs", "arn")}:*`,
      }),
    );
    expect(statement(json, "DeadLetterQueue")).toEqual(
      expect.objectContaining({
        Action: ["sqs:SendMessage"],
        Resource: ref(json, SqsQueue, "sip_dlq_", "arn"),
      }),
    );
  });

  it("passes the IAM lint: no wildcard actions, '*' only for STATIC_IP_STAR_RESOURCE_ACTIONS", () => {
    const scan = scanIam(out);
    const own: IamScan = {
      policies: scan.policies.filter((p) => p.location.includes(".sip_")),
      managedPolicies: scan.managedPolicies.filter((m) => m.location.includes(".sip_")),
      unparsed: scan.unparsed.filter((u) => u.location.includes(".sip_")),
    };
    // The role policy, its trust policy and the queue policy.
    expect(own.policies.map((p) => p.location).sort()).toEqual([
      `${address(json, IamRole, "sip_lambda-role")}.assume_role_policy`,
      `${address(json, IamRolePolicy, "sip_lambda-policy")}.policy`,
      `${address(json, SqsQueuePolicy, "sip_dlq-policy")}.policy`,
    ]);
    const options = { allowedStarResourceActions: STATIC_IP_STAR_RESOURCE_ACTIONS };
    expect(describeFindings(lintIam(own, options))).toBe("");
    expect(unusedStarResourceActions(own, options)).toEqual([]);
    // The whole stack, with the cluster's own allow-list for its instance role.
    const all = {
      allowedStarResourceActions: { ...STATIC_IP_STAR_RESOURCE_ACTIONS, ...STAR_RESOURCE_ACTIONS },
    };
    expect(describeFindings(lintSynthesizedIam(out, all))).toBe("");
  });
});

describe("StaticIp options", () => {
  it("limits to the given AZs", () => {
    const { json } = synth({ availabilityZones: [AZ_B] });
    expect(matching(json, NetworkInterface, "sip_addresses_eni-").map(([id]) => id)).toEqual([
      expect.stringContaining(`sip_addresses_eni-${AZ_B}`),
    ]);
    expect(matching(json, Eip, "sip_addresses_eip-")).toHaveLength(1);
    expect(matching(json, AutoscalingGroup, "main_edge-")).toHaveLength(1);
    expect(JSON.parse(String(resource(json, CloudwatchEventRule, "sip_launch-rule").event_pattern))).toEqual(
      expect.objectContaining({ detail: { AutoScalingGroupName: [`main-edge-${AZ_B}`] } }),
    );
  });

  it("derives the hook, Lambda timeout and event ages from heartbeatTimeoutSeconds", () => {
    const { synth: out, json } = synth({ heartbeatTimeoutSeconds: 1200 });
    expect(resource(json, AutoscalingGroup, `main_edge-${AZ_A}_asg`).initial_lifecycle_hook).toEqual([
      expect.objectContaining({ heartbeat_timeout: 1200 }),
    ]);
    expect(out).toHaveResourceWithProperties(LambdaFunction, {
      timeout: 890,
      environment: { variables: expect.objectContaining({ HEARTBEAT_TIMEOUT_SECONDS: "1200" }) as unknown },
    });
    expect(out).toHaveResourceWithProperties(CloudwatchEventTarget, {
      retry_policy: { maximum_retry_attempts: EVENT_RETRY_ATTEMPTS, maximum_event_age_in_seconds: 1190 },
    });
    expect(out).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
      maximum_event_age_in_seconds: 1190,
    });
  });

  it.each([
    [30, 20, 60, 60],
    [300, 290, 290, 290],
    [900, 890, 890, 890],
    [7200, 890, 7190, 7190],
  ])(
    "heartbeat %i → Lambda timeout %i, rule event age %i, async event age %i",
    (hb, timeout, age, asyncAge) => {
      expect(lambdaTimeoutSeconds(hb)).toBe(timeout);
      expect(lambdaTimeoutSeconds(hb)).toBeLessThan(hb);
      expect(maximumEventAgeSeconds(hb)).toBe(age);
      expect(lambdaAsyncEventAgeSeconds(hb)).toBe(asyncAge);
    },
  );

  it("opens every proxy port (443 needs the load balancer's HTTPS listener)", () => {
    const { json } = synth({ proxyPorts: [80, 443] }, { certificateArn: CERTIFICATE_ARN });
    const ports = matching(json, VpcSecurityGroupIngressRule, "sip_addresses_edge-ingress").map(([, b]) => [
      b.from_port,
      b.to_port,
      b.cidr_ipv4,
    ]);
    expect(ports.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [80, 80, "0.0.0.0/0"],
      [443, 443, "0.0.0.0/0"],
    ]);
  });

  it("passes instanceType and amiId to the edge launch templates", () => {
    const { json } = synth({ instanceType: "t3.micro", amiId: "ami-0123456789abcdef0" });
    for (const az of [AZ_A, AZ_B]) {
      expect(resource(json, LaunchTemplate, `main_edge-${az}_launch-template`)).toEqual(
        expect.objectContaining({ instance_type: "t3.micro", image_id: "ami-0123456789abcdef0" }),
      );
    }
  });

  it("uses name for the Lambda, log group, role, queue, rules, alarms, proxy and the addresses' tags", () => {
    const { synth: out, json } = synth({ name: "prod-edge" });
    expect(out).toHaveResourceWithProperties(LambdaFunction, { function_name: "prod-edge" });
    expect(out).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/lambda/prod-edge" });
    expect(out).toHaveResourceWithProperties(IamRole, { name: "prod-edge" });
    expect(out).toHaveResourceWithProperties(SqsQueue, { name: "prod-edge-dlq" });
    expect(out).toHaveResourceWithProperties(CloudwatchEventRule, { name: "prod-edge-launch" });
    expect(out).toHaveResourceWithProperties(CloudwatchEventRule, { name: "prod-edge-reconcile" });
    expect(out).toHaveResourceWithProperties(CloudwatchMetricAlarm, { alarm_name: "prod-edge-errors" });
    expect(out).toHaveResourceWithProperties(CloudwatchMetricAlarm, { alarm_name: "prod-edge-dlq-messages" });
    expect(out).toHaveResourceWithProperties(EcsService, { name: `prod-edge-proxy-${AZ_A}` });
    expect(resource(json, NetworkInterface, `sip_addresses_eni-${AZ_A}`).tags).toEqual({
      Name: `prod-edge-${AZ_A}`,
    });
  });

  it("sets the log retention", () => {
    expect(synth({ lambdaLogRetentionDays: 30 }).synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
      retention_in_days: 30,
    });
  });

  it("sets the reconcile schedule", () => {
    const { json } = synth({ reconcileSchedule: "cron(0/10 * * * ? *)" });
    expect(resource(json, CloudwatchEventRule, "sip_reconcile-rule").schedule_expression).toBe(
      "cron(0/10 * * * ? *)",
    );
  });

  it("drops prevent_destroy only with allowEipDestroy", () => {
    const { json } = synth({ allowEipDestroy: true });
    expect(resource(json, Eip, `sip_addresses_eip-${AZ_A}_`).lifecycle).toEqual({ prevent_destroy: false });
  });

  it("sets alarm actions", () => {
    const { json } = synth({ alarmActions: ["arn:aws:sns:eu-west-2:123456789012:ops"] });
    for (const id of ["sip_lambda-errors-alarm", "sip_dlq-alarm"]) {
      expect(resource(json, CloudwatchMetricAlarm, id).alarm_actions).toEqual([
        "arn:aws:sns:eu-west-2:123456789012:ops",
      ]);
    }
  });

  it("adds tags next to Name, on its own addresses too", () => {
    const { json } = synth({ tags: { team: "edge" } });
    expect(resource(json, Eip, `sip_addresses_eip-${AZ_A}_`).tags).toEqual({
      team: "edge",
      Name: `${NAME}-${AZ_A}`,
    });
    expect(resource(json, NetworkInterface, `sip_addresses_eni-${AZ_A}`).tags).toEqual({
      team: "edge",
      Name: `${NAME}-${AZ_A}`,
    });
    expect(resource(json, LambdaFunction, "sip_attacher_").tags).toEqual({ team: "edge", Name: NAME });
    expect(resource(json, SqsQueue, "sip_dlq_").tags).toEqual({ team: "edge", Name: `${NAME}-dlq` });
    expect(resource(json, EcsService, `sip_proxy_service-${AZ_A}`).tags).toEqual({
      team: "edge",
      Name: `${NAME}-proxy-${AZ_A}`,
    });
  });
});

describe("StaticIp with given addresses", () => {
  /** A stack with addresses ("ips") made first, then a StaticIp using them. */
  function withAddresses(extra: Options = {}) {
    const stack = new TerraformStack(Testing.app(), "stack");
    addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
    const net = new Network(stack, "net", { region: "eu-west-2" });
    const addresses = new StaticIpAddresses(stack, "ips", { network: net, availabilityZones: [AZ_A] });
    const cluster = new EcsCluster(stack, "main", { network: net });
    const alb = new LoadBalancer(stack, "alb", { network: net, internal: true });
    return { stack, net, addresses, cluster, alb, extra };
  }

  it("uses them: no addresses of its own, the given ENIs in the Lambda, IAM and proxy; the groups wait for their EIPs", () => {
    const { stack, net, addresses, cluster, alb } = withAddresses();
    const staticIp = new StaticIp(stack, "sip", { network: net, cluster, loadBalancer: alb, addresses });
    const json = JSON.parse(Testing.synth(stack)) as SynthJson;

    expect(staticIp.addresses).toBe(addresses);
    expect(staticIp.node.tryFindChild("addresses")).toBeUndefined();
    expect(staticIp.config.availabilityZones).toEqual([AZ_A]);
    expect(matching(json, NetworkInterface, "")).toHaveLength(1);
    expect(matching(json, AutoscalingGroup, "main_edge-").map(([id]) => id)).toEqual([
      expect.stringContaining(`main_edge-${AZ_A}`),
    ]);
    const eni = address(json, NetworkInterface, `ips_eni-${AZ_A}`);
    expect(
      (resource(json, LambdaFunction, "sip_attacher_").environment as { variables: Block }).variables
        .ENI_BY_AZ,
    ).toBe(`\${jsonencode({"${AZ_A}" = ${eni}.id})}`);
    expect(statement(json, "MoveStaticIpEnis").Resource).toEqual([`\${${eni}.arn}`]);
    const container = (
      JSON.parse(
        String(resource(json, EcsTaskDefinition, `sip_proxy_task-${AZ_A}`).container_definitions),
      ) as Array<{
        environment: Array<{ name: string; value: string }>;
      }>
    )[0];
    expect(container.environment[0].value).toContain(`bind \${${eni}.private_ip}:80 transparent`);
    expect(resource(json, AutoscalingGroup, `main_edge-${AZ_A}_asg`).depends_on).toContain(
      address(json, EipAssociation, `ips_eip-association-${AZ_A}`),
    );
  });

  it.each<[string, Options, RegExp]>([
    [
      "availabilityZones",
      { availabilityZones: [AZ_A] },
      /^StaticIp 'sip': availabilityZones \(\["eu-west-2a"\]\) must not be set together with addresses; set it on StaticIpAddresses 'ips' \(it is \["eu-west-2a"\] there\)$/,
    ],
    [
      "proxyPorts",
      { proxyPorts: [80] },
      /^StaticIp 'sip': proxyPorts \(\[80\]\) must not be set together with addresses/,
    ],
    [
      "allowEipDestroy",
      { allowEipDestroy: false },
      /^StaticIp 'sip': allowEipDestroy \(false\) must not be set together with addresses; set it on StaticIpAddresses 'ips' \(it is false there\)$/,
    ],
  ])("rejects %s next to addresses (it belongs to them)", (_field, extra, message) => {
    const { stack, net, addresses, cluster, alb } = withAddresses();
    expect(
      () => new StaticIp(stack, "sip", { network: net, cluster, loadBalancer: alb, addresses, ...extra }),
    ).toThrow(message);
    expect(stack.node.tryFindChild("sip")).toBeUndefined();
  });

  it("rejects addresses of another network", () => {
    const { stack, addresses } = withAddresses();
    const other = new Network(stack, "other", { region: "eu-west-2", cidrBlock: "10.9.0.0/16" });
    const cluster = new EcsCluster(stack, "second", { network: other });
    const alb = new LoadBalancer(stack, "alb2", { network: other, internal: true });
    expect(
      () => new StaticIp(stack, "sip", { network: other, cluster, loadBalancer: alb, addresses }),
    ).toThrow(
      /^StaticIp 'sip': addresses \("stack\/ips"\) must be in the same network \(stack\/other\); the addresses are in stack\/net$/,
    );
  });

  it("rejects something that is not a StaticIpAddresses", () => {
    const { stack, net, cluster, alb } = withAddresses();
    const fake = { availabilityZones: [AZ_A] } as unknown as StaticIpAddresses;
    expect(
      () => new StaticIp(stack, "sip", { network: net, cluster, loadBalancer: alb, addresses: fake }),
    ).toThrow(
      /^StaticIp 'sip': addresses \(\{"availabilityZones":\["eu-west-2a"\]\}\) must be a StaticIpAddresses; omit it to create the addresses here$/,
    );
  });
});

describe("StaticIp across stacks (addresses in a long-lived stack)", () => {
  // GIVEN the network and the addresses in "foundation", the cluster, ALB and StaticIp in "app"
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "static-ip-cross-"));
  const app = new App({ outdir });
  const foundation = new TerraformStack(app, "foundation");
  addAwsProvider(foundation, { region: "eu-west-2", target: { kind: "aws" } });
  const net = new Network(foundation, "net", { region: "eu-west-2" });
  const addresses = new StaticIpAddresses(foundation, "ips", { network: net });
  const appStack = new TerraformStack(app, "app");
  addAwsProvider(appStack, { region: "eu-west-2", target: { kind: "aws" } });
  const cluster = new EcsCluster(appStack, "main", { network: net });
  const alb = new LoadBalancer(appStack, "alb", { network: net, internal: true });
  new StaticIp(appStack, "sip", { network: net, cluster, loadBalancer: alb, addresses });
  // WHEN the app synthesizes
  app.synth();
  const read = (stack: string): SynthJson =>
    JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as SynthJson;
  const base = read("foundation");
  const own = read("app");
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it("keeps the ENIs and EIPs in the long-lived stack only", () => {
    expect(matching(base, Eip, "ips_eip-")).toHaveLength(2);
    expect(own.resource?.aws_eip).toBeUndefined();
    expect(own.resource?.aws_network_interface).toBeUndefined();
  });

  it("reads the ENI ids, ARNs and private IPs through remote state: Lambda env, IAM, proxy config", () => {
    expect(Object.keys(own.data?.terraform_remote_state ?? {})).toEqual([
      expect.stringContaining("foundation"),
    ]);
    const remote =
      /\$\{data\.terraform_remote_state\.[^.]+\.outputs\.cross-stack-output-aws_network_interfaceips_eni-eu-west-2a_[0-9A-F]+(id|arn|private_ip)\}/;
    const fn = resource(own, LambdaFunction, "sip_attacher_");
    expect(String((fn.environment as { variables: Block }).variables.ENI_BY_AZ)).toMatch(
      /data\.terraform_remote_state\./,
    );
    expect(JSON.stringify(statement(own, "MoveStaticIpEnis").Resource)).toMatch(/terraform_remote_state/);
    const container = (
      JSON.parse(
        String(resource(own, EcsTaskDefinition, `sip_proxy_task-${AZ_A}`).container_definitions),
      ) as Array<{
        environment: Array<{ name: string; value: string }>;
      }>
    )[0];
    const bind = container.environment[0].value.split("\n").find((l) => l.includes(":80 transparent")) ?? "";
    expect(bind.replace(/^ {2}bind /, "").replace(/:80 transparent$/, "")).toMatch(remote);
    // The foundation stack exports what the app reads.
    expect(Object.keys(base.output ?? {}).join(" ")).toMatch(/private_ip/);
  });

  it("does not make the edge groups depend on resources of the other stack", () => {
    for (const [, group] of matching(own, AutoscalingGroup, "main_edge-")) {
      expect((group.depends_on as string[]).some((d) => d.startsWith("aws_eip_association"))).toBe(false);
    }
  });
});

describe("StaticIp validation", () => {
  it.each<[string, Options, RegExp]>([
    [
      "zero AZs",
      { availabilityZones: [] },
      /^StaticIp 'sip': availabilityZones \(\[\]\) must name at least one AZ; /,
    ],
    [
      "an AZ not in the network",
      { availabilityZones: ["eu-west-2c"] },
      /^StaticIp 'sip': availabilityZones \("eu-west-2c"\) must be an AZ of the network \(eu-west-2a, eu-west-2b\)/,
    ],
    [
      "an AZ given as a token (a Network keys its subnets by literal AZ names)",
      { availabilityZones: [Lazy.stringValue({ produce: () => AZ_A })] },
      /^StaticIp 'sip': availabilityZones \("\$\{TfToken\[TOKEN\.\d+\]\}"\) must have a public subnet in the network; the network has public subnets by literal AZ name only; pass the AZ names, not a reference$/,
    ],
    [
      "a duplicate AZ",
      { availabilityZones: [AZ_A, AZ_A] },
      /availabilityZones \(\["eu-west-2a","eu-west-2a"\]\) must name each AZ once/,
    ],
    [
      "heartbeat too short",
      { heartbeatTimeoutSeconds: 29 },
      /heartbeatTimeoutSeconds \(29\) must be an integer from 30 to 7200/,
    ],
    [
      "heartbeat too long",
      { heartbeatTimeoutSeconds: 7201 },
      /heartbeatTimeoutSeconds \(7201\) must be an integer from 30 to 7200/,
    ],
    [
      "heartbeat not an integer",
      { heartbeatTimeoutSeconds: 60.5 },
      /heartbeatTimeoutSeconds \(60.5\) must be an integer/,
    ],
    ["no proxy port", { proxyPorts: [] }, /proxyPorts \(\[\]\) must name at least one port/],
    ["port 0", { proxyPorts: [0] }, /proxyPorts \(0\) must be an integer from 1 to 65535/],
    ["port 65536", { proxyPorts: [65536] }, /proxyPorts \(65536\) must be an integer from 1 to 65535/],
    [
      "a port clash",
      { proxyPorts: [8080, 80, 8080] },
      /proxyPorts \(\[8080,80,8080\]\) must name each port once \(8080 clashes/,
    ],
    [
      "a port the ECS agent reserves",
      { proxyPorts: [80, 51678] },
      /^StaticIp 'sip': proxyPorts \(51678\) must not be a port the ECS agent reserves on every instance \(22, 2375, 2376, 51678, 51679\); ECS would never place the proxy/,
    ],
    [
      "443 without an HTTPS listener on the load balancer",
      { proxyPorts: [80, 443] },
      /^StaticIp 'sip': proxyPorts \(\[80,443\]\) must include 443 only when the load balancer has an HTTPS listener \(the proxy passes TLS through to its 443\); give LoadBalancer 'alb' a certificateArn, or drop 443$/,
    ],
    [
      "a health port equal to a proxy port",
      { proxyPorts: [80, 8404] },
      /^StaticIp 'sip': proxy\.healthPort \(8404\) must differ from every proxy port \(80, 8404\); HAProxy cannot listen twice/,
    ],
    [
      "a health port the ECS agent reserves",
      { proxy: { healthPort: 51679 } },
      /proxy\.healthPort \(51679\) must not be a port the ECS agent reserves/,
    ],
    [
      "health port 0",
      { proxy: { healthPort: 0 } },
      /proxy\.healthPort \(0\) must be an integer from 1 to 65535/,
    ],
    [
      "an image with a space",
      { proxy: { image: "haproxy 2.6" } },
      /proxy\.image \("haproxy 2\.6"\) must be an image reference without whitespace/,
    ],
    ["0 CPU units", { proxy: { cpuUnits: 0 } }, /proxy\.cpuUnits \(0\) must be an integer from 1 to 10240/],
    [
      "a memory reservation below ECS's minimum",
      { proxy: { memoryReservationMiB: 5 } },
      /proxy\.memoryReservationMiB \(5\) must be an integer of at least 6/,
    ],
    [
      "a memory limit below the reservation",
      { proxy: { memoryReservationMiB: 128, memoryLimitMiB: 64 } },
      /proxy\.memoryLimitMiB \(64\) must be an integer of at least memoryReservationMiB \(128\)/,
    ],
    [
      "a bad proxy log retention",
      { proxy: { logRetentionDays: 42 } },
      /proxy\.logRetentionDays \(42\) must be a CloudWatch Logs retention value/,
    ],
    [
      "a schedule that is no schedule expression",
      { reconcileSchedule: "every 5 minutes" },
      /^StaticIp 'sip': reconcileSchedule \("every 5 minutes"\) must be an EventBridge schedule expression, rate\(…\) or cron\(…\); e\.g\. rate\(5 minutes\)/,
    ],
    [
      "rate(1 minutes)",
      { reconcileSchedule: "rate(1 minutes)" },
      /reconcileSchedule \("rate\(1 minutes\)"\) must be/,
    ],
    [
      "rate(0 minutes)",
      { reconcileSchedule: "rate(0 minutes)" },
      /reconcileSchedule \("rate\(0 minutes\)"\) must be/,
    ],
    [
      "a five-field cron",
      { reconcileSchedule: "cron(*/5 * * * *)" },
      /reconcileSchedule \("cron\(\*\/5 \* \* \* \*\)"\) must be/,
    ],
    [
      "a bad instance type",
      { instanceType: "large" },
      /instanceType \("large"\) must be an EC2 instance type/,
    ],
    ["an empty AMI id", { amiId: " " }, /amiId \(" "\) must not be empty/],
    ["a bad name", { name: "has space" }, /name \("has space"\) must be 1 to 60 letters/],
    [
      "a bad log retention",
      { lambdaLogRetentionDays: 42 },
      /lambdaLogRetentionDays \(42\) must be a CloudWatch Logs retention value/,
    ],
    ["a Name tag", { tags: { Name: "x" } }, /tags \(\{"Name":"x"\}\) must not set Name/],
  ])("rejects %s", (_case, options, message) => {
    expect(() => build(options)).toThrow(message);
  });

  it.each([
    [
      "a DNS name",
      "internal-alb-123.eu-west-2.elb.amazonaws.com",
      /loadBalancer \("internal-alb-123\.eu-west-2\.elb\.amazonaws\.com"\) must be a LoadBalancer/,
    ],
    [
      "a look-alike object",
      { dnsName: "x", httpListener: {} },
      /loadBalancer \(\{"dnsName":"x","httpListener":\{\}\}\) must be a LoadBalancer/,
    ],
    ["nothing", undefined, /loadBalancer \(undefined\) must be a LoadBalancer/],
  ])(
    "rejects %s as the load balancer (from plain JavaScript), before creating anything",
    (_case, given, message) => {
      const stack = new TerraformStack(Testing.app(), "stack");
      const net = new Network(stack, "net", { region: "eu-west-2" });
      const cluster = new EcsCluster(stack, "main", { network: net });
      const loadBalancer = given as unknown as LoadBalancer;
      expect(() => new StaticIp(stack, "sip", { network: net, cluster, loadBalancer })).toThrow(message);
      expect(() => new StaticIp(stack, "sip", { network: net, cluster, loadBalancer })).toThrow(
        /must be a LoadBalancer, built here or imported with LoadBalancer\.fromAttributes; pass the construct itself, not its id, name or ARN \(for an existing one: LoadBalancer\.fromAttributes\(scope, id, \{ \.\.\. \}\)\)$/,
      );
      expect(stack.node.tryFindChild("sip")).toBeUndefined();
    },
  );

  it("accepts the schedule forms EventBridge documents", () => {
    for (const reconcileSchedule of [
      "rate(1 minute)",
      "rate(2 hours)",
      "rate(1 day)",
      "cron(0/10 * * * ? *)",
    ]) {
      expect(() => build({ reconcileSchedule })).not.toThrow();
    }
  });

  it("rejects an AZ without a public subnet, before creating anything", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const net = new Network(stack, "net", { region: "eu-west-2" });
    const cluster = new EcsCluster(stack, "main", { network: net });
    const alb = new LoadBalancer(stack, "alb", { network: net, internal: true });
    const partial = Object.create(net) as Network;
    Object.defineProperty(partial, "publicSubnetIdsByAz", {
      value: { [AZ_A]: net.publicSubnetIdsByAz[AZ_A] },
    });
    expect(
      () =>
        new StaticIp(stack, "sip", {
          network: partial,
          cluster,
          loadBalancer: alb,
          availabilityZones: [AZ_B],
        }),
    ).toThrow(/availabilityZones \("eu-west-2b"\) must have a public subnet in the network/);
    expect(stack.node.tryFindChild("sip")).toBeUndefined();
    expect(cluster.capacityProviderNames).toHaveLength(1);
  });

  it("rejects an AZ without a private subnet, before creating anything", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const net = new Network(stack, "net", { region: "eu-west-2" });
    const cluster = new EcsCluster(stack, "main", { network: net });
    const alb = new LoadBalancer(stack, "alb", { network: net, internal: true });
    const partial = Object.create(net) as Network;
    Object.defineProperty(partial, "privateSubnetIdsByAz", {
      value: { [AZ_A]: net.privateSubnetIdsByAz[AZ_A] },
    });
    expect(
      () =>
        new StaticIp(stack, "sip", {
          network: partial,
          cluster,
          loadBalancer: alb,
          availabilityZones: [AZ_B],
        }),
    ).toThrow(
      /^StaticIp 'sip': availabilityZones \("eu-west-2b"\) must have a private subnet in the network; the edge instance launches/,
    );
    expect(stack.node.tryFindChild("sip")).toBeUndefined();
  });
});

describe("StaticIp twice on one cluster", () => {
  it("rejects the second before it creates anything", () => {
    const { stack, net, cluster, alb } = build({ availabilityZones: [AZ_A] });
    expect(
      () => new StaticIp(stack, "second", { network: net, cluster, loadBalancer: alb, name: "second" }),
    ).toThrow(
      /^StaticIp 'second': availabilityZones \("eu-west-2a"\) must not have an edge capacity in the cluster already \(edge-eu-west-2a\); use one StaticIp per cluster$/,
    );
    expect(stack.node.tryFindChild("second")).toBeUndefined();
  });
});

describe("StaticIp Terraform", () => {
  it("is valid Terraform with the real provider (443 passthrough, tags, alarm actions, proxy options)", () => {
    const { stack } = build(
      {
        proxyPorts: [80, 443],
        tags: { team: "edge" },
        alarmActions: ["arn:aws:sns:eu-west-2:123456789012:ops"],
        proxy: { healthPort: 9000, cpuUnits: 256, memoryLimitMiB: 512 },
      },
      { certificateArn: CERTIFICATE_ARN },
    );
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });
});
