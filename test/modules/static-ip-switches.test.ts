import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { NetworkInterface } from "@cdktf/provider-aws/lib/network-interface";
import { Testing } from "cdktf";
import { AZ_A, AZ_B, build, matching, Options, resources, synth } from "./static-ip-support";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

// The StaticIp's two switches the environment stacks use: `stopped` (the stop switch) and `alarms`.

describe("StaticIp stopped", () => {
  const running = synth({});
  const stopped = synth({ stopped: true });

  it("scales every edge group to zero: min, max and desired", () => {
    const groups = matching(stopped.json, AutoscalingGroup, "_edge-");
    expect(groups.map(([, g]) => [g.min_size, g.max_size, g.desired_capacity])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(matching(running.json, AutoscalingGroup, "_edge-").map(([, g]) => g.desired_capacity)).toEqual([
      1, 1,
    ]);
  });

  it("scales every edge proxy service to zero tasks", () => {
    for (const az of [AZ_A, AZ_B]) {
      expect(
        matching(stopped.json, EcsService, `sip_proxy_service-${az}`).map(([, s]) => s.desired_count),
      ).toEqual([0]);
      expect(
        matching(running.json, EcsService, `sip_proxy_service-${az}`).map(([, s]) => s.desired_count),
      ).toEqual([1]);
    }
  });

  it("keeps everything else: the same resources, the same ENIs, Elastic IPs and Lambda", () => {
    const ids = (json: typeof running.json) =>
      Object.entries(json.resource ?? {}).flatMap(([type, byId]) =>
        Object.keys(byId).map((id) => `${type}.${id}`),
      );
    expect(ids(stopped.json)).toEqual(ids(running.json));
    for (const type of [Eip, NetworkInterface, LambdaFunction]) {
      expect(resources(stopped.json, type)).toEqual(resources(running.json, type));
    }
  });

  it("passes terraform validate", () => {
    expect(Testing.fullSynth(build({ stopped: true }).stack)).toBeValidTerraform();
  });

  it("rejects a value that is not a boolean", () => {
    expect(() => build({ stopped: "yes" } as unknown as Options)).toThrow(
      "StaticIp 'sip': stopped (\"yes\") must be true or false; true scales the edge to zero, false (the default) runs it",
    );
  });
});

describe("StaticIp alarms", () => {
  it("GIVEN the default THEN both alarms", () => {
    const { json, built } = synth({});
    expect(Object.keys(resources(json, CloudwatchMetricAlarm))).toHaveLength(2);
    expect(built.staticIp.lambdaErrorsAlarm).toBeDefined();
    expect(built.staticIp.deadLetterQueueAlarm).toBeDefined();
  });

  it("GIVEN alarms false THEN no alarm, everything else as before", () => {
    const { json, built } = synth({ alarms: false });
    expect(resources(json, CloudwatchMetricAlarm)).toEqual({});
    expect(built.staticIp.lambdaErrorsAlarm).toBeUndefined();
    expect(built.staticIp.deadLetterQueueAlarm).toBeUndefined();
    const withAlarms = synth({}).json;
    const types = (j: typeof json) =>
      Object.keys(j.resource ?? {}).filter((t) => t !== "aws_cloudwatch_metric_alarm");
    expect(types(json)).toEqual(types(withAlarms));
  });

  it("rejects alarm actions without alarms", () => {
    expect(() => build({ alarms: false, alarmActions: ["arn:aws:sns:eu-west-2:123456789012:ops"] })).toThrow(
      "StaticIp 'sip': alarmActions ([\"arn:aws:sns:eu-west-2:123456789012:ops\"]) must be empty when alarms is false (there is no alarm to act); drop alarmActions, or set alarms to true",
    );
  });

  it("rejects a value that is not a boolean", () => {
    expect(() => build({ alarms: 1 } as unknown as Options)).toThrow(
      "StaticIp 'sip': alarms (1) must be true or false; true (the default) creates the two alarms",
    );
  });
});
