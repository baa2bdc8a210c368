/**
 * The parts of Terraform's machine-readable plan (`terraform show -json <planfile>`, format 1.x)
 * the review reads. See https://developer.hashicorp.com/terraform/internals/json-format.
 */

/** A value's sensitivity mask: `true` where the value is sensitive, mirroring its structure. */
export type SensitiveMask = boolean | SensitiveMask[] | { [key: string]: SensitiveMask };

/** A value's unknown mask: `true` where the value is known only after apply. */
export type UnknownMask = SensitiveMask;

/** One planned (or drifted) change of one resource instance. */
export interface Change {
  /** `["no-op"]`, `["create"]`, `["read"]`, `["update"]`, `["delete"]`, `["forget"]`, or a replacement: `["delete", "create"]` / `["create", "delete"]`. */
  readonly actions: readonly string[];
  readonly before: unknown;
  readonly after: unknown;
  readonly after_unknown?: UnknownMask;
  readonly before_sensitive?: SensitiveMask;
  readonly after_sensitive?: SensitiveMask;
  /** Attribute paths that force the replacement, each a list of keys and indexes. */
  readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
  /** Present when an `import` block imports the resource (Terraform 1.5 and later). */
  readonly importing?: { readonly id?: string; readonly identity?: unknown };
}

/** One entry of `resource_changes` or `resource_drift`. */
export interface ResourceChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly change: Change;
  /** Why Terraform chose this action, e.g. `replace_because_cannot_update`, `delete_because_no_resource_config`. */
  readonly action_reason?: string;
}

/** The plan. */
export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly resource_drift?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, Change>>;
  /** The attributes (of drifted resources) the planned changes depend on. */
  readonly relevant_attributes?: ReadonlyArray<{
    readonly resource: string;
    readonly attribute: ReadonlyArray<string | number>;
  }>;
  readonly errored?: boolean;
}
