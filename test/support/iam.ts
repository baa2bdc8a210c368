/**
 * IAM lint for synthesized stacks: finds every IAM policy document in a stack's Terraform JSON
 * (inline and managed policies, role trust policies, `aws_iam_policy_document` data sources and
 * any other resource's `policy`), then reports
 * - Allow statements with a wildcard action (`*`, `service:*`, `service:Get*`) or a `NotAction`,
 * - `Resource: "*"` (or `NotResource`) for an action that is not in the caller's allow-list,
 * - any principal (`"*"`) allowed,
 * - AWS-managed (or otherwise opaque) policy ARNs attached, unless allowed,
 * - policies that cannot be parsed (an expression instead of JSON, say), since they cannot be checked.
 *
 * Module-agnostic: a module exports its own allow-list of actions AWS only accepts with `"*"`.
 */

/** A statement as IAM JSON spells it (single values or lists). */
export interface IamStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: string | Readonly<Record<string, string | string[]>>;
  readonly NotPrincipal?: string | Readonly<Record<string, string | string[]>>;
  readonly Condition?: Readonly<Record<string, unknown>>;
}

/** A policy document. */
export interface IamPolicyDocument {
  readonly Version?: string;
  readonly Statement: IamStatement | IamStatement[];
}

/** What a document is used as. */
export type PolicyKind = "identity" | "trust" | "resource";

/** One policy document found in a stack. */
export interface FoundPolicy {
  /** Where: `aws_iam_role_policy.<id>.policy`, `data.aws_iam_policy_document.<id>`, ... */
  readonly location: string;
  readonly kind: PolicyKind;
  readonly document: IamPolicyDocument;
}

/** A managed policy attached by ARN. */
export interface ManagedPolicyAttachment {
  readonly location: string;
  readonly policyArn: string;
}

/** Everything IAM in one stack. */
export interface IamScan {
  readonly policies: FoundPolicy[];
  readonly managedPolicies: ManagedPolicyAttachment[];
  /** Policy attributes that are neither JSON nor a reference to a scanned document. */
  readonly unparsed: { readonly location: string; readonly value: unknown }[];
}

/** A problem the lint found. */
export interface IamFinding {
  readonly location: string;
  /** Index of the statement in the document, when the finding is about one. */
  readonly statement?: number;
  readonly problem: string;
}

/** Options of {@link lintIam}. */
export interface IamLintOptions {
  /**
   * Actions allowed with `Resource: "*"` (AWS supports no narrower resource for them): a list, or
   * a module's `{ action: reason }` record.
   */
  readonly allowedStarResourceActions: Iterable<string> | Readonly<Record<string, string>>;
  /** Managed policy ARNs that may be attached (their content is not in the stack). */
  readonly allowedManagedPolicyArns?: Iterable<string>;
}

type Block = Readonly<Record<string, unknown>>;
interface SynthJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Block>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Block>>>>;
}

/** Attributes holding a managed policy ARN (or a list of them), by resource type. */
const MANAGED_POLICY_ATTRIBUTES: Readonly<Record<string, string>> = {
  aws_iam_role_policy_attachment: "policy_arn",
  aws_iam_user_policy_attachment: "policy_arn",
  aws_iam_group_policy_attachment: "policy_arn",
  aws_iam_policy_attachment: "policy_arn",
  aws_iam_role_policy_attachments_exclusive: "policy_arns",
  aws_iam_role: "managed_policy_arns",
};

const POLICY_DOCUMENT_REF = /^\$\{data\.aws_iam_policy_document\.[^.}]+\.json\}$/;
const IAM_POLICY_ARN_REF = /^\$\{aws_iam_policy\.[^.}]+\.arn\}$/;

/** A value as a list. */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Statements of a document, as a list. */
export function statementsOf(document: IamPolicyDocument): IamStatement[] {
  return asList(document.Statement);
}

function kindOf(resourceType: string, attribute: string): PolicyKind {
  if (attribute === "assume_role_policy") return "trust";
  return resourceType.startsWith("aws_iam_") ? "identity" : "resource";
}

/** Finds every IAM policy document and managed policy attachment of a synthesized stack. */
export function scanIam(synth: string | SynthJson): IamScan {
  const json: SynthJson = typeof synth === "string" ? (JSON.parse(synth) as SynthJson) : synth;
  const policies: FoundPolicy[] = [];
  const managedPolicies: ManagedPolicyAttachment[] = [];
  const unparsed: { location: string; value: unknown }[] = [];

  const addPolicyString = (location: string, kind: PolicyKind, value: unknown): void => {
    if (typeof value === "string" && POLICY_DOCUMENT_REF.test(value)) return; // scanned as data
    try {
      if (typeof value !== "string") throw new Error("not a string");
      const document = JSON.parse(value) as IamPolicyDocument;
      if (typeof document !== "object" || document === null || document.Statement === undefined) {
        throw new Error("no Statement");
      }
      policies.push({ location, kind, document });
    } catch {
      unparsed.push({ location, value });
    }
  };

  for (const [type, blocks] of Object.entries(json.resource ?? {})) {
    for (const [id, block] of Object.entries(blocks)) {
      const at = `${type}.${id}`;
      for (const attribute of ["policy", "assume_role_policy"]) {
        if (block[attribute] !== undefined) {
          addPolicyString(`${at}.${attribute}`, kindOf(type, attribute), block[attribute]);
        }
      }
      for (const [i, inline] of asList(block.inline_policy as Block | Block[] | undefined).entries()) {
        if (inline.policy !== undefined)
          addPolicyString(`${at}.inline_policy[${i}]`, "identity", inline.policy);
      }
      const managedAttribute = MANAGED_POLICY_ATTRIBUTES[type];
      if (managedAttribute !== undefined) {
        for (const arn of asList(block[managedAttribute] as string | string[] | undefined)) {
          managedPolicies.push({ location: `${at}.${managedAttribute}`, policyArn: arn });
        }
      }
    }
  }

  for (const [id, block] of Object.entries(json.data?.aws_iam_policy_document ?? {})) {
    const location = `data.aws_iam_policy_document.${id}`;
    const statements = asList(block.statement as Block | Block[] | undefined).map(statementFromData);
    const hasPrincipals = statements.some((s) => s.Principal !== undefined || s.NotPrincipal !== undefined);
    policies.push({
      location,
      kind: hasPrincipals ? "resource" : "identity",
      document: { Version: "2012-10-17", Statement: statements },
    });
    for (const attribute of ["source_policy_documents", "override_policy_documents"]) {
      for (const [i, source] of asList(block[attribute] as string | string[] | undefined).entries()) {
        addPolicyString(`${location}.${attribute}[${i}]`, "identity", source);
      }
    }
  }

  return { policies, managedPolicies, unparsed };
}

/** An `aws_iam_policy_document` statement block in IAM JSON form. */
function statementFromData(block: Block): IamStatement {
  const principals = (key: string): Record<string, string[]> | undefined => {
    const list = asList(block[key] as Block | Block[] | undefined);
    if (list.length === 0) return undefined;
    const out: Record<string, string[]> = {};
    for (const p of list) {
      const type = String(p.type);
      out[type] = [...(out[type] ?? []), ...asList(p.identifiers as string | string[] | undefined)];
    }
    return out;
  };
  const list = (key: string): string[] | undefined =>
    block[key] === undefined ? undefined : asList(block[key] as string | string[]);
  return {
    Sid: block.sid as string | undefined,
    Effect: (block.effect as string | undefined) ?? "Allow",
    Action: list("actions"),
    NotAction: list("not_actions"),
    Resource: list("resources"),
    NotResource: list("not_resources"),
    Principal: principals("principals"),
    NotPrincipal: principals("not_principals"),
  };
}

function isAnyPrincipal(principal: IamStatement["Principal"]): boolean {
  if (principal === undefined) return false;
  if (typeof principal === "string") return principal === "*";
  return Object.values(principal).some((ids) => asList(ids).includes("*"));
}

function allowList(options: IamLintOptions): Set<string> {
  const allowed = options.allowedStarResourceActions;
  return new Set(
    Symbol.iterator in Object(allowed) ? [...(allowed as Iterable<string>)] : Object.keys(allowed),
  );
}

/** Lints a scan; an empty list means clean. */
export function lintIam(scan: IamScan, options: IamLintOptions): IamFinding[] {
  const starAllowed = allowList(options);
  const managedAllowed = new Set(options.allowedManagedPolicyArns ?? []);
  const findings: IamFinding[] = [];

  for (const { location, value } of scan.unparsed) {
    findings.push({
      location,
      problem: `cannot be parsed as a policy document, so it cannot be checked: ${String(value).slice(0, 120)}`,
    });
  }

  for (const { location, document } of scan.policies) {
    statementsOf(document).forEach((statement, index) => {
      if ((statement.Effect ?? "Allow") !== "Allow") return; // broad denies only narrow access
      const at = (problem: string): void => {
        findings.push({ location, statement: index, problem });
      };
      if (statement.NotAction !== undefined) {
        at(`NotAction ${JSON.stringify(statement.NotAction)} allows every other action`);
      }
      const actions = asList(statement.Action);
      for (const action of actions) {
        if (action.includes("*")) at(`wildcard action "${action}"`);
      }
      if (statement.NotResource !== undefined) {
        at(`NotResource ${JSON.stringify(statement.NotResource)} grants every other resource`);
      }
      if (asList(statement.Resource).includes("*")) {
        for (const action of actions) {
          if (!action.includes("*") && !starAllowed.has(action)) {
            at(`Resource "*" for ${action}, which is not in the allow-list`);
          }
        }
      }
      if (isAnyPrincipal(statement.Principal)) at('allows any principal ("*")');
      if (statement.NotPrincipal !== undefined) at("NotPrincipal allows every other principal");
    });
  }

  for (const { location, policyArn } of scan.managedPolicies) {
    if (IAM_POLICY_ARN_REF.test(policyArn)) continue; // an aws_iam_policy of the stack: scanned above
    if (!managedAllowed.has(policyArn)) {
      findings.push({
        location,
        problem: `attaches managed policy ${policyArn}, whose content is not checked`,
      });
    }
  }
  return findings;
}

/** {@link scanIam} then {@link lintIam}. */
export function lintSynthesizedIam(synth: string | SynthJson, options: IamLintOptions): IamFinding[] {
  return lintIam(scanIam(synth), options);
}

/** Allow-listed actions no statement grants on `"*"`: a stale allow-list. */
export function unusedStarResourceActions(scan: IamScan, options: IamLintOptions): string[] {
  const used = new Set<string>();
  for (const { document } of scan.policies) {
    for (const statement of statementsOf(document)) {
      if (asList(statement.Resource).includes("*")) asList(statement.Action).forEach((a) => used.add(a));
    }
  }
  return [...allowList(options)].filter((action) => !used.has(action));
}

/** One finding per line, for assertion messages. */
export function describeFindings(findings: readonly IamFinding[]): string {
  return findings
    .map((f) => `${f.location}${f.statement === undefined ? "" : ` statement ${f.statement}`}: ${f.problem}`)
    .join("\n");
}
