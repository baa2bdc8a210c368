import { Fn, Token } from "cdktf";

/**
 * `tags` plus `extra` (e.g. a resource's `Name`). A literal map is spread; a token map (e.g. a
 * Terraform `map(string)` variable) cannot be added to at synth time, so Terraform's `merge()`
 * does it at plan time, with `extra` winning as the spread does.
 */
export function mergeTags(
  tags: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  return Token.isUnresolved(tags) ? Token.asStringMap(Fn.merge([tags, extra])) : { ...tags, ...extra };
}
