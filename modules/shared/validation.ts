/**
 * The one shape of a bad-input error, shared by every module and the environment config
 * (internal: not a module of its own).
 *
 * `<Construct> '<id>': <field> (<value>) must <rule>; <fix>`, with the value shown as its type
 * reads: strings quoted (`"yes"`), numbers as numbers (`NaN`, `Infinity` too), `undefined`.
 * @module
 */
import { Token } from "cdktf";

/**
 * Thrown for input that cannot be synthesized. Apps and CLIs print its message alone (one line, no
 * stack trace): the message already names the construct, the field, the value and the fix.
 */
export class ValidationError extends Error {
  /**
   * The parts of the message, when it was made by a {@link Fail}: what lets a caller report the
   * problem under its own name for the field (the environment config: `services[1].cpuUnits`).
   */
  readonly problem?: ValidationProblem;

  constructor(message: string, problem?: ValidationProblem) {
    super(message);
    this.name = "ValidationError";
    if (problem) this.problem = problem;
  }

  /** Whether `e` is a {@link ValidationError}, also one from another copy of this module. */
  static isValidationError(e: unknown): e is ValidationError {
    return e instanceof Error && e.name === "ValidationError";
  }
}

/** `value` as it reads in a message: strings quoted, NaN and undefined by name, the rest as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    return String(value);
  }
  if (value === undefined) return "undefined";
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  try {
    return JSON.stringify(value, (_k, v: unknown) =>
      typeof v === "number" && !Number.isFinite(v) ? String(v) : v,
    );
  } catch {
    return String(value);
  }
}

/** The parts of a {@link ValidationError}'s message `<label>: <field> (<value>) must <must>; <fix>`. */
export interface ValidationProblem {
  /** The construct or config, e.g. `EcsCluster 'main'`. */
  readonly label: string;
  /** The field, e.g. `autoScaling.minCapacity` or `pathPatterns`. */
  readonly field: string;
  /** The value as given. */
  readonly value: unknown;
  readonly must: string;
  readonly fix: string;
}

/** Throws `<label>: <field> (<value>) must <must>; <fix>` as a {@link ValidationError}. */
export type Fail = (field: string, value: unknown, must: string, fix: string) => never;

/** A {@link Fail} for one construct or config, e.g. `EcsCluster 'main'` or `Environment 'dev'`. */
export function failFor(label: string): Fail {
  return (field, value, must, fix) => {
    throw new ValidationError(`${label}: ${field} (${formatValue(value)}) must ${must}; ${fix}`, {
      label,
      field,
      value,
      must,
      fix,
    });
  };
}

/** Levenshtein distance of two strings, case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[y.length]!;
}

/**
 * The valid name nearest to `key` (a typo, a case slip, a plural), or undefined when none is
 * close: at most a third of the longer name's letters differ.
 */
export function nearestName(key: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of valid) {
    const d = distance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const isPrefix =
    best.toLowerCase().startsWith(key.toLowerCase()) || key.toLowerCase().startsWith(best.toLowerCase());
  return bestDistance <= Math.max(2, Math.floor(Math.max(key.length, best.length) / 3)) || isPrefix
    ? best
    : undefined;
}

/** The fix part of an unknown-key message: the nearest valid name, else the valid ones. */
export function unknownKeyFix(key: string, valid: readonly string[]): string {
  const near = nearestName(key, valid);
  const list = [...valid].sort().join(", ");
  return near ? `did you mean ${near}? (valid: ${list})` : `remove it; the valid keys are ${list}`;
}

/**
 * The keys of `T`, every one and no other, checked by the compiler: `keysOf<NetworkProps>()({
 * cidrBlock: true, ... })`. A props interface and its runtime key list cannot drift apart.
 */
export function keysOf<T>() {
  return <K extends { readonly [P in keyof Required<T>]: true }>(
    keys: K & { readonly [P in Exclude<keyof K, keyof T>]: never },
  ): readonly string[] => Object.keys(keys);
}

/**
 * Fails on the first key of `value` that `valid` does not list, naming where it was found
 * (`field`, e.g. `autoScaling`; empty for the props themselves) and the nearest valid name.
 * Untyped callers (JavaScript, JSON) would otherwise have a typo silently ignored.
 */
export function checkKnownKeys(fail: Fail, field: string, value: unknown, valid: readonly string[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (valid.includes(key)) continue;
    const at = field ? `${field}.${key}` : key;
    fail(at, (value as Record<string, unknown>)[key], "be a known key", unknownKeyFix(key, valid));
  }
}

/**
 * Ids of existing AWS resources (8 or 17 hexadecimal digits after the prefix), as imported
 * constructs take them. RE2-compatible, so Terraform validation rules can use their `source`.
 */
export const AWS_ID_PATTERNS = {
  vpc: /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/,
  subnet: /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/,
  securityGroup: /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/,
} as const;

/**
 * The ARNs the modules take, each pattern written once: the constructs test them, the generated
 * Terraform modules' validation rules derive from them, the environment config imports them.
 */
export const AWS_ARN_PATTERNS = {
  kmsKey: /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
  acmCertificate: /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
  ecrRepository: /^arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository\/\S+$/,
  logGroup: /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:\S+$/,
  lambdaFunction:
    /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/,
} as const;

/** What each of {@link AWS_ID_PATTERNS} is, for messages, and an example. */
const AWS_ID_KINDS: Readonly<Record<keyof typeof AWS_ID_PATTERNS, { what: string; example: string }>> = {
  vpc: { what: "a VPC id: vpc-", example: "vpc-0a1b2c3d4e5f60718" },
  subnet: { what: "a subnet id: subnet-", example: "subnet-0a1b2c3d4e5f60718" },
  securityGroup: { what: "a security group id: sg-", example: "sg-0a1b2c3d4e5f60718" },
};

/**
 * Fails unless `value` is a string id of `kind` ({@link AWS_ID_PATTERNS}), e.g. `vpc-0a1b2c3d`; an
 * unresolved token (a Terraform variable) passes, Terraform or the id's owner checks it.
 */
export function checkAwsId(
  fail: Fail,
  field: string,
  value: unknown,
  kind: keyof typeof AWS_ID_PATTERNS,
): void {
  if (typeof value === "string" && (Token.isUnresolved(value) || AWS_ID_PATTERNS[kind].test(value))) return;
  const { what, example } = AWS_ID_KINDS[kind];
  fail(field, value, `be ${what} and 8 or 17 hexadecimal digits`, `e.g. ${example}`);
}

/** A wrong value as a message shows it: an instance of a class by its class, anything else itself. */
export function shownValue(given: unknown): unknown {
  if (typeof given !== "object" || given === null) return given;
  const className: unknown = given.constructor?.name;
  if (typeof className !== "string" || className === "Object") return given;
  return `${/^[AEIOU]/.test(className) ? "an" : "a"} ${className}`;
}

/**
 * Fails unless `value` is one of this library's constructs of a kind (`is`: the kind's symbol
 * check, e.g. `Network.isNetwork`), built or imported with `<kind>.fromAttributes`. From plain
 * JavaScript, JSON or through a type assertion anything can arrive where a construct is typed.
 */
export function checkConstruct(
  fail: Fail,
  field: string,
  value: unknown,
  is: (x: unknown) => boolean,
  kind: string,
): void {
  if (is(value)) return;
  const article = /^[AEIOU]/.test(kind) ? "an" : "a";
  fail(
    field,
    shownValue(value),
    `be ${article} ${kind}, built here or imported with ${kind}.fromAttributes`,
    `pass the construct itself, not its id, name or ARN (for an existing one: ${kind}.fromAttributes(scope, id, { ... }))`,
  );
}
