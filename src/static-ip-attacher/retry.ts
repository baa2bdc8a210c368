/**
 * Retries of AWS calls. The SDK clients are built with `maxAttempts: 1` so this is the only retry
 * layer: attempts do not multiply, every attempt is logged, and the handler's deadline bounds them.
 */

/** Error codes AWS APIs use for throttling (EC2: RequestLimitExceeded; Auto Scaling: Throttling). */
export const THROTTLING_ERROR_CODES: ReadonlySet<string> = new Set([
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
]);

/** Server-side or network failures that are worth another attempt. */
export const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  "InternalError",
  "InternalFailure",
  "ServiceUnavailable",
  "Unavailable",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
]);

/** How often and how patiently a call is retried. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  /** Backoff before the second attempt; doubles each time. */
  readonly baseDelayMs: number;
  /** Ceiling of one backoff. */
  readonly maxDelayMs: number;
}

/** 5 attempts, backoff 200 ms doubling to at most 5 s ("equal jitter": half fixed, half random). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

/** The AWS error code of an SDK v3 error (`name`, or `Code`/`code` for network and XML errors). */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { name, Code, code } = error as { name?: unknown; Code?: unknown; code?: unknown };
  for (const candidate of [name, Code, code]) {
    if (typeof candidate === "string" && candidate !== "" && candidate !== "Error") return candidate;
  }
  return undefined;
}

/** Short description of an error for a log line. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof metadata?.httpStatusCode === "number" ? metadata.httpStatusCode : undefined;
}

/** True for a throttling error. */
export function isThrottling(error: unknown): boolean {
  const code = errorCode(error);
  return (code !== undefined && THROTTLING_ERROR_CODES.has(code)) || httpStatus(error) === 429;
}

/** True for an error another attempt may cure: throttling, a 5xx, or a network failure. */
export function isRetryable(error: unknown): boolean {
  if (isThrottling(error)) return true;
  const code = errorCode(error);
  if (code !== undefined && TRANSIENT_ERROR_CODES.has(code)) return true;
  const status = httpStatus(error);
  return status !== undefined && status >= 500;
}

/** Backoff before attempt `attempt + 1` (attempt counts from 1): equal jitter on a capped exponential. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** What `withRetry` needs besides the call. */
export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly random: () => number;
  /** No backoff may end after this instant (ms since epoch); the last error is thrown instead. */
  readonly deadlineMs?: number;
  /** Called before each backoff. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** Runs `call`, retrying retryable errors with backoff; rethrows the last error when out of attempts or time. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error) || attempt >= options.policy.maxAttempts) throw error;
      const delayMs = backoffDelayMs(attempt, options.policy, options.random);
      if (options.deadlineMs !== undefined && options.now() + delayMs > options.deadlineMs) throw error;
      options.onRetry?.({ attempt, delayMs, error });
      await options.sleep(delayMs);
    }
  }
}
