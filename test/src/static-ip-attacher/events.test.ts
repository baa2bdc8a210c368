import {
  InvalidLifecycleEventError,
  LAUNCH_DETAIL_TYPE,
  parseEvent,
} from "../../../src/static-ip-attacher/events";
import launchEvent from "./fixtures/launch-event.json";
import scheduledEvent from "./fixtures/scheduled-event.json";

function omit(record: object, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

describe("parseEvent", () => {
  test("GIVEN the documented launch event THEN every field the handler needs is read", () => {
    expect(parseEvent(launchEvent)).toEqual({
      kind: "launch",
      eventId: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
      eventTimeMs: Date.parse("2025-06-03T10:15:30Z"),
      instanceId: "i-0a1b2c3d4e5f67890",
      autoScalingGroupName: "edge-eu-west-2a",
      lifecycleHookName: "attach-static-ip",
      lifecycleActionToken: "87654321-4321-4321-4321-210987654321",
      origin: "EC2",
      destination: "AutoScalingGroup",
    });
  });

  test("the fixture has the documented EventBridge envelope", () => {
    expect(Object.keys(launchEvent).sort()).toEqual(
      ["account", "detail", "detail-type", "id", "region", "resources", "source", "time", "version"].sort(),
    );
    expect(launchEvent["detail-type"]).toBe(LAUNCH_DETAIL_TYPE);
    expect(launchEvent.resources[0]).toMatch(
      /^arn:aws:autoscaling:eu-west-2:\d{12}:autoScalingGroup:[0-9a-f-]+:autoScalingGroupName\/edge-eu-west-2a$/,
    );
  });

  test("GIVEN no or an unparsable time THEN eventTimeMs is undefined (the handler counts from now)", () => {
    const withoutTime = omit(launchEvent, "time");
    expect(parseEvent(withoutTime)).toMatchObject({ kind: "launch", eventTimeMs: undefined });
    expect(parseEvent({ ...launchEvent, time: "yesterday" })).toMatchObject({ eventTimeMs: undefined });
  });

  test("GIVEN Origin/Destination absent THEN they are undefined", () => {
    const detail = omit(launchEvent.detail, "Origin", "Destination", "NotificationMetadata");
    expect(parseEvent({ ...launchEvent, detail })).toMatchObject({
      origin: undefined,
      destination: undefined,
    });
  });

  test.each([
    [
      "EventBridge test notification",
      { ...launchEvent.detail, LifecycleTransition: "autoscaling:TEST_NOTIFICATION" },
    ],
    ["SNS-style test notification", { Event: "autoscaling:TEST_NOTIFICATION", AutoScalingGroupName: "edge" }],
  ])("GIVEN an %s THEN it is ignored", (_name, detail) => {
    expect(parseEvent({ ...launchEvent, detail })).toEqual({
      kind: "ignored",
      reason: "test-notification",
      detailType: LAUNCH_DETAIL_TYPE,
    });
  });

  test("GIVEN an EventBridge schedule's event THEN it asks for a reconcile", () => {
    expect(parseEvent(scheduledEvent)).toEqual({
      kind: "reconcile",
      eventId: "89d1a02d-5ec7-412e-82f5-13505f849b41",
      ruleArn: "arn:aws:events:eu-west-2:123456789012:rule/main-static-ip-reconcile",
    });
    expect(parseEvent({ ...scheduledEvent, resources: undefined })).toMatchObject({
      kind: "reconcile",
      ruleArn: undefined,
    });
  });

  test.each([
    ["a terminate action", { ...launchEvent, "detail-type": "EC2 Instance-terminate Lifecycle Action" }],
    ["a Scheduled Event from another source", { ...scheduledEvent, source: "custom.cron" }],
    ["another source", { ...launchEvent, source: "custom.app" }],
    ["an event without detail-type", { detail: {} }],
  ])("GIVEN %s THEN it is ignored as not a launch lifecycle action", (_name, event) => {
    expect(parseEvent(event)).toMatchObject({ kind: "ignored", reason: "not-a-launch-lifecycle-action" });
  });

  test.each([
    [null, /event \(null\) must be an EventBridge event object/],
    ["{}", /event \("\{\}"\) must be an EventBridge event object/],
    [[launchEvent], /must be an EventBridge event object/],
    [{ ...launchEvent, detail: "x" }, /detail \("x"\) must be an object/],
    [
      { ...launchEvent, detail: { ...launchEvent.detail, EC2InstanceId: "web-1" } },
      /detail\.EC2InstanceId \("web-1"\) must be an instance id/,
    ],
    [
      { ...launchEvent, detail: { ...launchEvent.detail, AutoScalingGroupName: undefined } },
      /detail\.AutoScalingGroupName \(undefined\) must be a non-empty string/,
    ],
    [
      { ...launchEvent, detail: { ...launchEvent.detail, LifecycleHookName: "" } },
      /detail\.LifecycleHookName \(""\)/,
    ],
    [
      {
        ...launchEvent,
        detail: { ...launchEvent.detail, LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING" },
      },
      /detail\.LifecycleTransition \("autoscaling:EC2_INSTANCE_TERMINATING"\) must be "autoscaling:EC2_INSTANCE_LAUNCHING"/,
    ],
  ])("GIVEN %j THEN it throws %s", (event, message) => {
    expect(() => parseEvent(event)).toThrow(InvalidLifecycleEventError);
    expect(() => parseEvent(event)).toThrow(message);
  });

  test("GIVEN several bad fields THEN one error names them all and the fix", () => {
    const detail = { LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING" };
    expect(() => parseEvent({ ...launchEvent, detail })).toThrow(
      /EC2InstanceId.*AutoScalingGroupName.*LifecycleHookName.*LifecycleActionToken.*no input transformer/,
    );
  });
});
