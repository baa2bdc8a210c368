/**
 * IAM policy JSON helpers shared by the modules (internal: not a module of its own).
 * @module
 */

/** Condition block of a statement, e.g. `{ ArnEquals: { "ecs:cluster": "arn:…" } }`. */
export type PolicyCondition = Readonly<Record<string, Readonly<Record<string, string | string[]>>>>;

/** One identity policy statement as JSON (Allow, explicit actions). */
export interface PolicyStatementJson {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string | string[];
  readonly Condition?: PolicyCondition;
}

/**
 * `Allow actions on resources` as a list: one statement, or none when `resources` is empty (a
 * statement with no resource is invalid IAM, and an unused permission is not least privilege).
 */
export function allowOn(
  sid: string,
  actions: readonly string[],
  resources: readonly string[],
  condition?: PolicyCondition,
): PolicyStatementJson[] {
  if (resources.length === 0) return [];
  return [
    {
      Sid: sid,
      Effect: "Allow",
      Action: [...actions],
      Resource: [...resources],
      ...(condition ? { Condition: condition } : {}),
    },
  ];
}

/** A policy document (`Version` 2012-10-17) as a JSON string. */
export function policyDocument(statements: readonly object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** A trust policy letting one AWS service principal assume the role, optionally with a condition. */
export function serviceAssumeRolePolicy(
  sid: string,
  servicePrincipal: string,
  condition?: PolicyCondition,
): string {
  return policyDocument([
    {
      Sid: sid,
      Effect: "Allow",
      Principal: { Service: servicePrincipal },
      Action: "sts:AssumeRole",
      ...(condition ? { Condition: condition } : {}),
    },
  ]);
}
