/**
 * What a generated Terraform module is made of: for each cdktf module, an explicit spec says which
 * props become Terraform variables (with the validation rules Terraform can express) and which stay
 * fixed per generated module because they shape the construct tree at synth time.
 */
import type { Construct } from "constructs";
import type { TerraformVariable } from "cdktf";

/** A value as it appears in HCL or Terraform JSON. */
export type HclValue =
  string | number | boolean | null | readonly HclValue[] | { readonly [k: string]: HclValue };

/** One `validation` block of a variable. */
export interface VariableRule {
  /** A Terraform expression (HCL source, without `${}`), true for a valid value. */
  readonly condition: string;
  /**
   * What Terraform prints when the condition is false: `<variable> (<value>) must …; <fix>.`, like
   * the construct's own errors. May interpolate `${var.<name>}` (jsonencode() lists and maps).
   */
  readonly errorMessage: string;
  /**
   * Module arguments this rule rejects (each merged over the spec's `example`): the tests pass
   * each to the generated module and expect this message.
   */
  readonly rejects: ReadonlyArray<Readonly<Record<string, HclValue>>>;
  /**
   * Whether the construct rejects the same literal values at synth time (`same`), or only this
   * module does, and why (the reason is kept for reviewers; the tests skip the synth comparison).
   */
  readonly synth: "same" | { readonly hclOnly: string };
}

/** A prop that becomes a Terraform variable named after it (snake_case). */
export interface VariableDisposition {
  readonly as: "variable";
  /**
   * The variable's name, where snake_case of the prop reads badly (`memoryLimitMiB`).
   * @default - the prop's name in snake_case
   */
  readonly name?: string;
  /**
   * The variable's default, when the prop's `@default` is not a literal value (or to make an
   * optional prop nullable: `null` passes a null token, i.e. unset at plan time).
   * @default - the prop's `@default` value
   */
  readonly default?: HclValue;
  /** The variable has no default (the module's caller must set it). */
  readonly required?: boolean;
  /**
   * Replaces the prop's TSDoc summary, where that speaks of TypeScript rather than of the module.
   * @default - the TSDoc summary
   */
  readonly description?: string;
  /** Validation rules beyond the `contains()` one generated for string-literal unions. */
  readonly rules?: readonly VariableRule[];
  /**
   * For a list prop the construct iterates at synth time: the module is generated for exactly this
   * many elements, passed to the construct as `element(var.x, i)` each (a rule must enforce it).
   */
  readonly fixedLength?: number;
}

/** A prop fixed in the generated module: the construct sees this literal (or the prop unset). */
export interface FixedDisposition {
  readonly as: "fixed";
  /**
   * The literal the construct gets.
   * @default - the prop is left unset (the construct's default applies)
   */
  readonly value?: unknown;
  /** Why it is not a variable; shown in the module's README. */
  readonly reason: string;
}

/**
 * A construct-typed prop (e.g. `network: INetwork`) that `create` builds from adapter variables with
 * the construct's import (`Network.fromAttributes`): a construct cannot cross a Terraform module
 * boundary, its attributes can. Or an object prop (e.g. `deploymentAlarms`) that `create` assembles
 * from several adapter variables.
 */
export interface AdapterDisposition {
  readonly as: "adapter";
  /** The adapter variables it is built from. */
  readonly from: readonly string[];
  /** What the adapter provides, for the README. */
  readonly reason: string;
}

/** What becomes of one prop. */
export type PropDisposition = VariableDisposition | FixedDisposition | AdapterDisposition;

/** An input of the module that is no prop: the construct's adapter reads it (e.g. `vpc_id`). */
export interface AdapterVariable {
  /** Terraform type, e.g. `string` or `list(string)`. */
  readonly type: string;
  readonly description: string;
  /** @default - required */
  readonly default?: HclValue;
  readonly rules?: readonly VariableRule[];
}

/** An output beyond the construct's plain attributes (e.g. a method's result). */
export interface ExtraOutput<C> {
  readonly description: string;
  value(construct: C): unknown;
}

/** The spec of one generated module. */
export interface ModuleSpec<P extends object, C extends Construct> {
  /** Folder under `modules/` (and in `scripts/docs/modules.ts`). */
  readonly module: string;
  /**
   * The generated module's name: its folder and repository `terraform-aws-<name>`, its registry
   * address `ecs-cdktf/<name>/aws`, its spec file `specs/<name>.ts`. Set when one cdktf module
   * yields several Terraform modules (load-balanced-service: `alb` and `ecs-service`).
   * @default - `module`
   */
  readonly name?: string;
  /**
   * The props interface of {@link constructClass}.
   * @default - the module's props interface in `scripts/docs/modules.ts`
   */
  readonly propsInterface?: string;
  /** The construct class exported from the module's entry point, whose attributes become outputs. */
  readonly constructClass: string;
  /** One sentence on what the module creates, for its README. */
  readonly summary: string;
  /** Every prop, variable or fixed: the spec must decide each (the generator checks it does). */
  readonly props: { readonly [K in keyof Required<P>]: PropDisposition };
  /** Inputs of an adapter for props that are constructs (see `create`). */
  readonly adapterVariables?: Readonly<Record<string, AdapterVariable>>;
  /**
   * Builds the construct in `scope` from the props (tokens of the variables, fixed literals) and
   * the adapter variables. It is where a construct-typed prop is made from variables.
   */
  create(scope: Construct, props: Partial<P>, adapter: Readonly<Record<string, TerraformVariable>>): C;
  /** Plain attributes (string, list, map) that are not outputs, with why. */
  readonly skipAttributes?: Readonly<Record<string, string>>;
  /**
   * Output descriptions that replace an attribute's TSDoc where that speaks of TypeScript (e.g.
   * `{@link zone}`), by attribute name.
   */
  readonly outputDescriptions?: Readonly<Record<string, string>>;
  /** Outputs beyond the plain attributes, by output name. */
  readonly extraOutputs?: Readonly<Record<string, ExtraOutput<C>>>;
  /**
   * Outputs written `sensitive = true`, by output name (an attribute's in snake_case, or an extra
   * output's): those whose value is sensitive (e.g. `Fn.sensitive`), which Terraform refuses to
   * output otherwise.
   * @default - none
   */
  readonly sensitiveOutputs?: readonly string[];
  /** Paragraphs of the README after its usage example (Markdown), e.g. how to wire the module. */
  readonly notes?: readonly string[];
  /** Arguments of the tests' module calls: a literal for every required input. */
  readonly example: Readonly<Record<string, HclValue>>;
  /**
   * Arguments of the README's usage example, as HCL expressions (e.g. `module.network.vpc_id`).
   * @default - `example`
   */
  readonly usage?: Readonly<Record<string, string>>;
}

/** A spec whose prop and construct types are erased, for lists of specs. */
export type AnyModuleSpec = ModuleSpec<object, Construct>;

/** `cidrBlock` → `cidr_block`, `subnetNewBits` → `subnet_new_bits`. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** The generated module's short name (`network`, `alb`): the spec's `name`, else its `module`. */
export function moduleName(spec: { readonly module: string; readonly name?: string }): string {
  return spec.name ?? spec.module;
}

/** The name a generated module is published under: `terraform-aws-<module>`. */
export function registryName(module: string): string {
  return `terraform-aws-${module}`;
}

/** A spec error: names the module, the prop and the fix. */
export class ModuleSpecError extends Error {
  override readonly name = "ModuleSpecError";
}

/**
 * The rule for an integer variable in `[min, max]` (no `max`: at least `min`), worded like the
 * construct's own check (`<variable> (<value>) must be an integer from <min> to <max>; <fix>.`).
 */
export function integerRule(
  variable: string,
  min: number,
  max: number | undefined,
  fix: string,
  rejects: readonly HclValue[],
): VariableRule {
  const v = `var.${variable}`;
  const upper = max === undefined ? "" : ` && ${v} <= ${max}`;
  const range = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
  return {
    condition: `${v} == floor(${v}) && ${v} >= ${min}${upper}`,
    errorMessage: `${variable} (\${${v}}) must be an integer ${range}; ${fix}.`,
    rejects: rejects.map((value) => ({ [variable]: value })),
    synth: "same",
  };
}
