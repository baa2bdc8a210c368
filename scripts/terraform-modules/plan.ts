/**
 * Turns a module spec and the props metadata (scripts/docs/props.ts) into the module's variables,
 * fixed props and outputs, refusing what Terraform variables cannot express.
 */
import { entryPoint, MODULES } from "../docs/modules";
import type { AttributeDoc, PropDoc, PropKind, PropsInterfaceDoc, PropsReader } from "../docs/props";
import {
  AnyModuleSpec,
  ExtraOutput,
  HclValue,
  moduleName,
  ModuleSpecError,
  PropDisposition,
  registryName,
  snakeCase,
  VariableDisposition,
  VariableRule,
} from "./spec";
import type { Construct } from "constructs";

/** A Terraform variable of the generated module. */
export interface VariableDef {
  readonly name: string;
  /** The prop it feeds; absent for an adapter variable. */
  readonly prop?: string;
  readonly kind: PropKind;
  /** Terraform type constraint. */
  readonly type: string;
  readonly description: string;
  /** Absent: required. */
  readonly default?: HclValue;
  readonly required: boolean;
  /** Every validation rule, the generated enum rule first. */
  readonly rules: readonly VariableRule[];
  readonly fixedLength?: number;
}

/** A prop the generated module does not expose. */
export interface FixedDef {
  readonly prop: string;
  readonly as: "fixed" | "adapter";
  /** `undefined`: unset, the construct's default applies. */
  readonly value?: unknown;
  /** The construct's default, as its README shows it (for an unset prop). */
  readonly constructDefault?: PropDoc["default"];
  readonly reason: string;
}

/** An output of the generated module. */
export interface OutputDef {
  readonly name: string;
  readonly description: string;
  /** The attribute it exposes, or the extra output's value. */
  readonly attribute?: string;
  readonly extra?: ExtraOutput<Construct>;
  /** Written `sensitive = true` (the spec's `sensitiveOutputs`). */
  readonly sensitive: boolean;
}

/** Everything the generator needs to write one module. */
export interface ModulePlan {
  readonly spec: AnyModuleSpec;
  /** `terraform-aws-<module>`. */
  readonly name: string;
  readonly props: PropsInterfaceDoc;
  readonly variables: readonly VariableDef[];
  readonly fixed: readonly FixedDef[];
  readonly outputs: readonly OutputDef[];
  /** Rewrites a text about props into one about the module's variables. */
  readonly wording: (text: string) => string;
}

/** Terraform type constraints of the prop kinds a variable can carry. */
const VARIABLE_TYPES: Partial<Record<PropKind, string>> = {
  string: "string",
  "string-enum": "string",
  number: "number",
  boolean: "bool",
  "string-list": "list(string)",
  "number-list": "list(number)",
  "string-map": "map(string)",
};

/** Why a kind cannot be a variable. */
const NOT_A_VARIABLE: Partial<Record<PropKind, string>> = {
  construct:
    "it is a construct instance, wired in code; mark it `adapter` and build it from adapter variables in `create`",
  other:
    "its type (an object shape, a function or a provider struct) has no Terraform variable mapping; mark it `fixed`",
};

/** Attribute kinds that become outputs (plain values); resource objects and constructs do not. */
const OUTPUT_KINDS: ReadonlySet<PropKind> = new Set<PropKind>([
  "string",
  "string-enum",
  "number",
  "boolean",
  "string-list",
  "number-list",
  "string-map",
]);

/** Plans the module of `spec` from the props and attributes `reader` reads under `root`. */
export function planModule(spec: AnyModuleSpec, reader: PropsReader, root: string): ModulePlan {
  const name = registryName(moduleName(spec));
  const specFile = `scripts/terraform-modules/specs/${moduleName(spec)}.ts`;
  const fail = (what: string, fix: string): never => {
    throw new ModuleSpecError(`${name}: ${what}; ${fix} (${specFile})`);
  };
  const info = MODULES.find((m) => m.name === spec.module);
  if (!info) fail(`modules/${spec.module} is not a published module`, "add it to scripts/docs/modules.ts");
  const entry = entryPoint(root, info!);
  const props = reader.read(entry, spec.propsInterface ?? info!.propsInterface);

  const dispositions = spec.props as Readonly<Record<string, PropDisposition>>;
  const propNames = props.props.map((p) => p.name);
  for (const p of propNames) {
    if (!(p in dispositions)) {
      fail(
        `prop ${p} of ${props.name} has no disposition`,
        'declare it { as: "variable" } or { as: "fixed", reason } in the spec',
      );
    }
  }
  for (const p of Object.keys(dispositions)) {
    if (!propNames.includes(p))
      fail(`the spec names prop ${p}, which ${props.name} does not have`, "remove it");
  }

  const variables: VariableDef[] = [];
  const fixed: FixedDef[] = [];
  for (const prop of props.props) {
    const d = dispositions[prop.name];
    if (d.as === "variable") {
      variables.push(variableOf(prop, d, fail));
    } else if (d.as === "adapter") {
      // A construct, or an object shape (`other`) that `create` assembles from several variables;
      // a plain value is a variable of its own.
      if (prop.kind !== "construct" && prop.kind !== "other") {
        fail(
          `prop ${prop.name} (${prop.typeText}) is marked adapter but is neither a construct nor an object`,
          "make it a variable",
        );
      }
      for (const v of d.from) {
        if (!spec.adapterVariables?.[v])
          fail(`prop ${prop.name} is built from ${v}`, "declare that adapter variable");
      }
      fixed.push({ prop: prop.name, as: "adapter", reason: d.reason });
    } else {
      fixed.push({
        prop: prop.name,
        as: "fixed",
        ...(d.value !== undefined ? { value: d.value } : { constructDefault: prop.default }),
        reason: d.reason,
      });
    }
  }
  for (const [v, a] of Object.entries(spec.adapterVariables ?? {})) {
    if (variables.some((x) => x.name === v))
      fail(`adapter variable ${v} clashes with a prop's variable`, "rename it");
    variables.push({
      name: v,
      kind: "other",
      type: a.type,
      description: a.description,
      ...(a.default !== undefined ? { default: a.default } : {}),
      required: a.default === undefined,
      rules: a.rules ?? [],
    });
  }
  for (const v of variables) {
    for (const rule of v.rules) checkRule(v.name, rule, variables, fail);
  }
  // Descriptions come from TSDoc, which names props in camelCase: name the variables instead.
  const wording = hclWording(variables);
  const worded = variables.map((v) => ({ ...v, description: wording(v.description) }));
  const fixedWorded = fixed.map((f) => ({ ...f, reason: wording(f.reason) }));

  const outputs = outputsOf(spec, reader.readAttributes(entry, spec.constructClass), fail).map((o) => ({
    ...o,
    description: wording(o.description),
  }));
  for (const [arg] of Object.entries(spec.example)) {
    if (!variables.some((v) => v.name === arg))
      fail(`the example sets ${arg}, which is no variable`, "fix it");
  }
  for (const v of variables.filter((x) => x.required)) {
    if (!(v.name in spec.example)) fail(`the example misses the required variable ${v.name}`, "add it");
  }
  return { spec, name, props, variables: worded, fixed: fixedWorded, outputs, wording };
}

/** Replaces the camelCase names of props that are variables by the variables' names. */
function hclWording(variables: readonly VariableDef[]): (text: string) => string {
  const names = variables.filter((v) => v.prop && v.prop !== v.name).map((v) => [v.prop!, v.name] as const);
  return (text) => names.reduce((t, [prop, name]) => t.replace(new RegExp(`\\b${prop}\\b`, "g"), name), text);
}

function variableOf(
  prop: PropDoc,
  d: VariableDisposition,
  fail: (what: string, fix: string) => never,
): VariableDef {
  const name = d.name ?? snakeCase(prop.name);
  const type = VARIABLE_TYPES[prop.kind];
  if (!type) {
    fail(
      `prop ${prop.name} (${prop.typeText}) cannot be a Terraform variable: ${NOT_A_VARIABLE[prop.kind]}`,
      "change its disposition",
    );
  }
  if (d.fixedLength !== undefined && !prop.kind.endsWith("-list")) {
    fail(`prop ${prop.name} has a fixedLength but is no list`, "drop fixedLength");
  }
  let defaultValue: HclValue | undefined;
  if (d.required) {
    if (d.default !== undefined) fail(`variable ${name} is required and has a default`, "drop one");
  } else if (d.default !== undefined) {
    defaultValue = d.default;
  } else if (prop.default?.kind === "value") {
    defaultValue = prop.default.value as HclValue;
  } else if (prop.optional) {
    fail(
      `prop ${prop.name}'s @default (${prop.default?.kind === "description" ? prop.default.text : "none"}) ` +
        "is no literal the variable could default to",
      "give the variable a `default` (null: unset at plan time) or make it `required`",
    );
  }
  const rules: VariableRule[] = [];
  if (prop.kind === "string-enum" && prop.literalValues) {
    const values = prop.literalValues.map((v) => JSON.stringify(v));
    rules.push({
      condition: `contains([${values.join(", ")}], var.${name})`,
      errorMessage: `${name} (\${var.${name}}) must be one of ${prop.literalValues.join(", ")}; pick one of them.`,
      rejects: [{ [name]: "none-of-these" }],
      synth: "same",
    });
  }
  rules.push(...(d.rules ?? []));
  return {
    name,
    prop: prop.name,
    kind: prop.kind,
    type: type!,
    description: d.description ?? prop.description,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
    required: defaultValue === undefined,
    rules,
    ...(d.fixedLength !== undefined ? { fixedLength: d.fixedLength } : {}),
  };
}

/** A rule reads its own variable, names it first in its message, and rejects only known inputs. */
function checkRule(
  name: string,
  rule: VariableRule,
  variables: readonly VariableDef[],
  fail: (what: string, fix: string) => never,
): void {
  if (!rule.condition.includes(`var.${name}`)) {
    fail(`a rule of ${name} does not read var.${name}`, "a validation must refer to its own variable");
  }
  if (!rule.errorMessage.startsWith(`${name} (`) || !/; .+\.$/.test(rule.errorMessage)) {
    fail(
      `the message of a rule of ${name} (${rule.errorMessage}) is not "${name} (<value>) must …; <fix>."`,
      "word it like the construct's errors",
    );
  }
  if (rule.rejects.length === 0) fail(`a rule of ${name} has no rejected example`, "add one to `rejects`");
  for (const args of rule.rejects) {
    for (const arg of Object.keys(args)) {
      if (!variables.some((v) => v.name === arg))
        fail(`a rule of ${name} rejects ${arg}, which is no variable`, "fix it");
    }
  }
}

function outputsOf(
  spec: AnyModuleSpec,
  attributes: readonly AttributeDoc[],
  fail: (what: string, fix: string) => never,
): OutputDef[] {
  const skip = spec.skipAttributes ?? {};
  for (const a of Object.keys(skip)) {
    if (!attributes.some((x) => x.name === a))
      fail(`skipAttributes names ${a}, which ${spec.constructClass} lacks`, "remove it");
  }
  const described = spec.outputDescriptions ?? {};
  for (const a of Object.keys(described)) {
    if (!attributes.some((x) => x.name === a && OUTPUT_KINDS.has(x.kind) && !(a in skip))) {
      fail(
        `outputDescriptions names ${a}, which is no output attribute of ${spec.constructClass}`,
        "remove it",
      );
    }
  }
  const outputs: OutputDef[] = attributes
    .filter((a) => OUTPUT_KINDS.has(a.kind) && !(a.name in skip))
    .map((a) => {
      if (!a.description) fail(`attribute ${a.name} has no TSDoc`, `document it in ${spec.constructClass}`);
      return {
        name: snakeCase(a.name),
        description: described[a.name] ?? a.description,
        attribute: a.name,
        sensitive: false,
      };
    });
  for (const [name, extra] of Object.entries(spec.extraOutputs ?? {})) {
    if (outputs.some((o) => o.name === name))
      fail(`extra output ${name} clashes with an attribute's`, "rename it");
    outputs.push({
      name,
      description: extra.description,
      extra: extra as ExtraOutput<Construct>,
      sensitive: false,
    });
  }
  const sensitive = spec.sensitiveOutputs ?? [];
  for (const name of sensitive) {
    if (!outputs.some((o) => o.name === name))
      fail(`sensitiveOutputs names ${name}, which is no output of the module`, "remove it");
  }
  return outputs.map((o) => ({ ...o, sensitive: sensitive.includes(o.name) }));
}
