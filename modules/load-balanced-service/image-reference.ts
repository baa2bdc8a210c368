/**
 * Image references as registries define them: the grammar of the OCI distribution reference
 * (`github.com/distribution/reference`, the one Docker and ECS parse), checked at synth time.
 *
 * ```
 * reference  := name [ ":" tag ] [ "@" digest ]
 * name       := [ domain "/" ] path            (at most 255 characters)
 * domain     := host [ ":" port ]              (a first component with "." or ":", or localhost)
 * path       := component ( "/" component )*
 * component  := [a-z0-9]+ ( ( [._] | "__" | "-"+ ) [a-z0-9]+ )*
 * tag        := [\w][\w.-]{0,127}
 * digest     := "sha256:" 64 lower-case hex digits
 * ```
 * @module
 */

/** One path component of a repository name (lower case only). */
export const IMAGE_PATH_COMPONENT_PATTERN = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** A tag. */
export const IMAGE_REFERENCE_TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
/** A digest as this module accepts it: sha256 only. */
export const IMAGE_DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
/** Most characters of a repository name, registry host included. */
export const MAX_IMAGE_NAME_LENGTH = 255;

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST_PATTERN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`,
);

const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REGISTRY = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})+(?::[0-9]+)?|${DOMAIN_COMPONENT}:[0-9]+|localhost|\\[[a-fA-F0-9:]+\\](?::[0-9]+)?)`;

/**
 * The whole grammar as one pattern (RE2-compatible, for a Terraform `regex()` too), without the
 * name's length limit: what {@link imageReferenceProblem} accepts, up to 255 characters of name.
 */
export const IMAGE_REFERENCE_PATTERN = new RegExp(
  `^(?:${REGISTRY}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/** Why `reference` is no image reference: what it must be and the fix; undefined when it is one. */
export interface ImageReferenceProblem {
  readonly must: string;
  readonly fix: string;
}

const GRAMMAR = "[registry[:port]/]path[:tag][@sha256:<digest>]";

/** The first problem of a literal image reference, or undefined for a valid one. */
export function imageReferenceProblem(reference: string): ImageReferenceProblem | undefined {
  const example = "e.g. public.ecr.aws/docker/library/nginx:1.27";
  if (reference.length === 0 || /\s/.test(reference)) {
    return { must: `be an image reference without whitespace (${GRAMMAR})`, fix: example };
  }
  let rest = reference;
  const at = rest.indexOf("@");
  if (at >= 0) {
    const digest = rest.slice(at + 1);
    if (!IMAGE_DIGEST_PATTERN.test(digest)) {
      return {
        must: `end in a digest @sha256:<64 lower-case hex digits> after @ (${GRAMMAR})`,
        fix: "copy the digest from the registry (docker buildx imagetools inspect), or drop @…",
      };
    }
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > slash) {
    const tag = rest.slice(colon + 1);
    if (!IMAGE_REFERENCE_TAG_PATTERN.test(tag)) {
      return {
        must: `have a tag of 1 to 128 letters, digits, _ . - not starting with . or - (${GRAMMAR})`,
        fix: "e.g. :1.27 or a git SHA",
      };
    }
    rest = rest.slice(0, colon);
  }
  const name = rest;
  if (name.length > MAX_IMAGE_NAME_LENGTH) {
    return {
      must: `have a repository name (registry included) of at most ${MAX_IMAGE_NAME_LENGTH} characters (it has ${name.length})`,
      fix: "use a shorter repository path",
    };
  }
  const parts = name.split("/");
  const first = parts[0] ?? "";
  const looksLikeHost =
    parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  // A first component that is no host may still be a path component (`my_org.team/app`).
  const hasDomain = looksLikeHost && HOST_PATTERN.test(first);
  if (looksLikeHost && !hasDomain && !IMAGE_PATH_COMPONENT_PATTERN.test(first)) {
    return {
      must: `start with a registry host[:port] of letters, digits, - and . (${GRAMMAR})`,
      fix: "e.g. 123456789012.dkr.ecr.eu-west-2.amazonaws.com or registry.example.com:5000",
    };
  }
  const path = hasDomain ? parts.slice(1) : parts;
  for (const component of path) {
    if (IMAGE_PATH_COMPONENT_PATTERN.test(component)) continue;
    if (IMAGE_PATH_COMPONENT_PATTERN.test(component.toLowerCase())) {
      const lower = [...(hasDomain ? [first] : []), ...path.map((c) => c.toLowerCase())].join("/");
      return {
        must: `have a lower-case repository path (${JSON.stringify(component)} has upper case; registries reject it)`,
        fix: `use lower case: ${JSON.stringify(reference.replace(name, lower))}`,
      };
    }
    return {
      must: `have a repository path of /-separated lower-case letters and digits joined by . _ __ or - (${JSON.stringify(component)} is not one)`,
      fix: example,
    };
  }
  return undefined;
}
