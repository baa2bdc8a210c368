/**
 * Synthesizes a planned module with cdktf: each variable is a `TerraformVariable` whose token is
 * passed to the construct's props, each output a `TerraformOutput`. The stack's JSON is then cut
 * into a Terraform module: no provider configuration, no backend, `required_providers` kept with
 * the published version range.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  App,
  AssetType,
  Fn,
  TerraformAsset,
  TerraformOutput,
  TerraformStack,
  TerraformVariable,
  Token,
} from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DEFAULT_AWS_PROVIDER_VERSION_CONSTRAINT } from "../../stacks/aws-provider";
import type { ModulePlan, VariableDef } from "./plan";
import { HclValue, moduleName, ModuleSpecError } from "./spec";
import { zipDirectory } from "./zip";

/**
 * The Terraform versions the generated modules accept: 1.9 is the first whose validation rules may
 * refer to other variables (`min_size <= max_size`).
 */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.9.0";

/**
 * The hashicorp/aws versions a generated module accepts. Never the toolchain's exact pre-release
 * (`AWS_PROVIDER_VERSION_CONSTRAINT`): a root module pins that where it must.
 */
export const MODULE_AWS_PROVIDER_CONSTRAINT = DEFAULT_AWS_PROVIDER_VERSION_CONSTRAINT;

/** Terraform JSON, as parsed. */
type Json = { [key: string]: unknown };

/** The files of a generated module, by name, as written (text, or the bytes of an archive). */
export type ModuleFiles = Readonly<Record<string, string | Buffer>>;

/** A synthesized module: its Terraform JSON and the archives it refers to, by file name. */
export interface SynthesizedModule {
  readonly json: Json;
  readonly archives: Readonly<Record<string, Buffer>>;
}

/** The token a variable hands to the construct, shaped like the prop's type. */
function tokenOf(v: VariableDef, variable: TerraformVariable): unknown {
  switch (v.kind) {
    case "string":
    case "string-enum":
      return variable.stringValue;
    case "number":
      return variable.numberValue;
    case "boolean":
      // A boolean token: the construct passes it through or turns it into a conditional.
      return variable.booleanValue;
    case "string-list":
    case "number-list":
      return v.fixedLength === undefined
        ? variable.listValue
        : Array.from({ length: v.fixedLength }, (_, i) => Token.asString(Fn.element(variable.listValue, i)));
    case "string-map":
      return Token.asStringMap(variable.value);
    default:
      throw new Error(`no token for ${v.name} (${v.kind})`);
  }
}

/** The prop a construct error names: `<Class> '<id>': <field> (…` → `<field>`. */
function fieldOf(message: string): string | undefined {
  return /^\w+ '[^']*': ([\w.]+) \(/.exec(message)?.[1];
}

/** Synthesizes `plan` and returns its Terraform JSON, before it is cut into files. */
export function synthModuleJson(plan: ModulePlan): Json {
  return synthModule(plan).json;
}

/**
 * Replaces every string of `value` that `replacements` has (exact match) by its replacement.
 */
function replaceStrings(value: unknown, replacements: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") return replacements.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => replaceStrings(v, replacements));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Json).map(([k, v]) => [k, replaceStrings(v, replacements)]),
    );
  }
  return value;
}

/**
 * The construct's archive assets (e.g. a Lambda's code) as files of the module: each becomes
 * `<asset id>.zip` next to the module's Terraform files, built deterministically from the asset's
 * source directory, and the stack's references to it read `${path.module}/<asset id>.zip` (its
 * hash `filebase64sha256()` of that file) instead of cdktf's `assets/…` path, which exists only
 * in cdktf's output directory.
 */
function moduleAssets(
  plan: ModulePlan,
  stack: TerraformStack,
): { replacements: Map<string, string>; archives: Record<string, Buffer> } {
  const replacements = new Map<string, string>();
  const archives: Record<string, Buffer> = {};
  const assets = stack.node.findAll().filter((c): c is TerraformAsset => c instanceof TerraformAsset);
  for (const asset of assets) {
    const file = `${asset.node.id}.zip`;
    if (asset.type !== AssetType.ARCHIVE || file in archives) {
      throw new ModuleSpecError(
        `${plan.name}: asset ${asset.node.path} is ${asset.type !== AssetType.ARCHIVE ? "no archive" : "named like another"}; ` +
          "the generator ships only archive assets with distinct ids",
      );
    }
    // cdktf keeps the source path private; it is the directory the archive is made from.
    const source = (asset as unknown as { sourcePath: string }).sourcePath;
    archives[file] = zipDirectory(source);
    const reference = `\${path.module}/${file}`;
    replacements.set(asset.path, reference);
    replacements.set(asset.assetHash, `\${filebase64sha256("${reference}")}`);
  }
  return { replacements, archives };
}

/** Synthesizes `plan`: its Terraform JSON, before it is cut into files, and its archives. */
export function synthModule(plan: ModulePlan): SynthesizedModule {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-tfmodule-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, plan.name);
    // cdktf refuses resources without a provider; its block is removed from the module below.
    new AwsProvider(stack, "aws", {});

    const props: Record<string, unknown> = {};
    const adapter: Record<string, TerraformVariable> = {};
    for (const v of plan.variables) {
      const variable = new TerraformVariable(stack, v.name, {
        type: v.type,
        description: v.description,
        // cdktf cannot write a null default: moduleFiles() adds it.
        ...(v.default !== undefined && v.default !== null ? { default: v.default } : {}),
        validation: v.rules.map((r) => ({ condition: `\${${r.condition}}`, errorMessage: r.errorMessage })),
      });
      if (v.prop) props[v.prop] = tokenOf(v, variable);
      else adapter[v.name] = variable;
    }
    for (const f of plan.fixed) if (f.as === "fixed" && f.value !== undefined) props[f.prop] = f.value;

    let construct;
    try {
      construct = plan.spec.create(stack, props, adapter);
    } catch (e) {
      if (e instanceof ModuleSpecError) throw e;
      const message = (e as Error).message;
      const field = fieldOf(message);
      const variable = plan.variables.find((v) => v.prop && field?.split(".")[0] === v.prop);
      throw new ModuleSpecError(
        `${plan.name}: the construct refused its inputs as Terraform variables` +
          (variable ? ` (prop ${variable.prop}, variable ${variable.name})` : "") +
          `: ${message}. A prop the construct needs as a literal cannot be a variable: mark it ` +
          `{ as: "fixed", reason } in scripts/terraform-modules/specs/${moduleName(plan.spec)}.ts`,
      );
    }
    for (const o of plan.outputs) {
      const value = o.attribute
        ? (construct as unknown as Record<string, unknown>)[o.attribute]
        : o.extra!.value(construct);
      if (value === undefined) {
        throw new ModuleSpecError(
          `${plan.name}: output ${o.name} has no value (the construct left it undefined); skip it in the spec`,
        );
      }
      // Variables and outputs share the stack's construct names; Terraform keeps them apart.
      new TerraformOutput(stack, `output-${o.name}`, {
        value,
        description: o.description,
        ...(o.sensitive ? { sensitive: true } : {}),
      }).overrideLogicalId(o.name);
    }
    const { replacements, archives } = moduleAssets(plan, stack);
    app.synth();
    const file = path.join(outdir, "stacks", plan.name, "cdk.tf.json");
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as Json;
    return { json: replaceStrings(json, replacements) as Json, archives };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Removes cdktf's `//` metadata everywhere. */
function stripComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripComments);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Json)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, stripComments(v)]),
    );
  }
  return value;
}

/** The file header: what generated it and what to edit instead. */
function header(plan: ModulePlan): string {
  return (
    `Generated by \`npm run build:terraform\` from the ${plan.spec.constructClass} construct ` +
    `(modules/${plan.spec.module}) and scripts/terraform-modules/specs/${moduleName(plan.spec)}.ts: edit those, not this file.`
  );
}

function jsonFile(plan: ModulePlan, body: Json): string {
  return `${JSON.stringify({ "//": header(plan), ...body }, null, 2)}\n`;
}

/**
 * Cuts a synthesized stack into the module's Terraform files: `versions.tf.json` (required
 * Terraform and provider versions), `variables.tf.json`, `main.tf.json` (data sources,
 * resources and `moved` blocks) and `outputs.tf.json`, plus its `archives`. Provider configuration and backend are
 * dropped.
 */
export function moduleFiles(
  plan: ModulePlan,
  synthesized: Json,
  archives: Readonly<Record<string, Buffer>> = {},
): Record<string, string | Buffer> {
  const json = stripComments(synthesized) as Json;
  const known = new Set([
    "terraform",
    "provider",
    "variable",
    "output",
    "data",
    "resource",
    "locals",
    "moved",
  ]);
  const unknown = Object.keys(json).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new ModuleSpecError(
      `${plan.name}: the stack synthesized ${unknown.join(", ")}, which the generator does not place`,
    );
  }
  const terraform = (json.terraform ?? {}) as Json;
  const providers = Object.keys((terraform.required_providers ?? {}) as Json);
  if (providers.join() !== "aws") {
    throw new ModuleSpecError(
      `${plan.name}: the module needs providers ${providers.join(", ")}; the generator pins only hashicorp/aws`,
    );
  }

  const variables = (json.variable ?? {}) as Record<string, Json>;
  for (const v of plan.variables) {
    // cdktf drops a null default; in Terraform a variable without default is required.
    if (v.default === null) variables[v.name] = { ...variables[v.name], default: null };
  }

  const main: Json = {};
  if (json.locals) main.locals = json.locals;
  if (json.data) main.data = json.data;
  if (json.resource) main.resource = json.resource;
  // Resources whose address changed: Terraform moves their state (a module's callers see no replacement).
  if (json.moved) main.moved = json.moved;

  return {
    "versions.tf.json": jsonFile(plan, {
      terraform: {
        required_version: REQUIRED_TERRAFORM_VERSION,
        required_providers: { aws: { source: "hashicorp/aws", version: MODULE_AWS_PROVIDER_CONSTRAINT } },
      },
    }),
    "variables.tf.json": jsonFile(plan, { variable: variables }),
    "main.tf.json": jsonFile(plan, main),
    "outputs.tf.json": jsonFile(plan, { output: json.output ?? {} }),
    ...archives,
  };
}

/** A default value for messages and tables. */
export function hcl(value: HclValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(hcl).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${k} = ${hcl(v)}`).join(", ")} }`;
  }
  return JSON.stringify(value);
}
