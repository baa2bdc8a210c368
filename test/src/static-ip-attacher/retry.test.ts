import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  errorCode,
  isRetryable,
  isThrottling,
  withRetry,
} from "../../../src/static-ip-attacher/retry";
import { ec2Error, FakeClock } from "./fakes";

describe("error classification", () => {
  test.each([
    ["Throttling"],
    ["ThrottlingException"],
    ["RequestLimitExceeded"],
    ["TooManyRequestsException"],
  ])("%s is throttling and retryable", (code) => {
    expect(isThrottling(ec2Error(code))).toBe(true);
    expect(isRetryable(ec2Error(code))).toBe(true);
  });

  test("HTTP 429 is throttling whatever the code", () => {
    expect(isThrottling(ec2Error("SlowDown", 429))).toBe(true);
  });

  test("5xx and network errors are retryable, client errors are not", () => {
    expect(isRetryable(ec2Error("InternalError", 500))).toBe(true);
    expect(isRetryable(ec2Error("Whatever", 503))).toBe(true);
    expect(isRetryable(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(true);
    expect(isRetryable(ec2Error("InvalidInstanceID.NotFound"))).toBe(false);
    expect(isRetryable(ec2Error("UnauthorizedOperation", 403))).toBe(false);
    expect(isRetryable("not an error")).toBe(false);
  });

  test("errorCode reads the SDK's name, then Code/code, never the generic 'Error'", () => {
    expect(errorCode(ec2Error("InvalidAttachmentID.NotFound"))).toBe("InvalidAttachmentID.NotFound");
    expect(errorCode(Object.assign(new Error("x"), { Code: "RequestLimitExceeded" }))).toBe(
      "RequestLimitExceeded",
    );
    expect(errorCode(new Error("x"))).toBeUndefined();
    expect(errorCode(undefined)).toBeUndefined();
  });
});

describe("backoffDelayMs", () => {
  test("doubles from 200 ms with equal jitter and caps at 5 s", () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelayMs(a, DEFAULT_RETRY_POLICY, low))).toEqual([
      100, 200, 400, 800, 1600, 2500, 2500,
    ]);
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelayMs(a, DEFAULT_RETRY_POLICY, high))).toEqual([
      200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });

  test("the default policy is 5 attempts, 200 ms base, 5 s cap", () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 });
  });
});

describe("withRetry", () => {
  const options = (clock: FakeClock, deadlineMs?: number) => ({
    policy: DEFAULT_RETRY_POLICY,
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
    deadlineMs,
  });

  test("GIVEN throttling then success THEN the result, after backoff", async () => {
    const clock = new FakeClock(0);
    const call = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(ec2Error("RequestLimitExceeded"))
      .mockResolvedValueOnce("ok");

    await expect(withRetry(call, options(clock))).resolves.toBe("ok");
    expect(call).toHaveBeenCalledTimes(2);
    expect(clock.nowMs).toBe(150);
  });

  test("GIVEN throttling forever THEN maxAttempts calls and the last error", async () => {
    const clock = new FakeClock(0);
    const call = jest.fn<Promise<string>, []>().mockRejectedValue(ec2Error("Throttling"));
    const onRetry = jest.fn();

    await expect(withRetry(call, { ...options(clock), onRetry })).rejects.toMatchObject({
      name: "Throttling",
    });
    expect(call).toHaveBeenCalledTimes(5);
    expect(onRetry.mock.calls.map(([info]: [{ delayMs: number }]) => info.delayMs)).toEqual([
      150, 300, 600, 1200,
    ]);
  });

  test("GIVEN a non-retryable error THEN one call", async () => {
    const call = jest.fn<Promise<string>, []>().mockRejectedValue(ec2Error("InvalidParameterValue"));

    await expect(withRetry(call, options(new FakeClock(0)))).rejects.toMatchObject({
      name: "InvalidParameterValue",
    });
    expect(call).toHaveBeenCalledTimes(1);
  });

  test("GIVEN a backoff would end after the deadline THEN the error is thrown instead of sleeping", async () => {
    const clock = new FakeClock(0);
    const call = jest.fn<Promise<string>, []>().mockRejectedValue(ec2Error("Throttling"));

    await expect(withRetry(call, options(clock, 400))).rejects.toMatchObject({ name: "Throttling" });
    expect(call).toHaveBeenCalledTimes(2);
    expect(clock.nowMs).toBe(150);
  });
});
