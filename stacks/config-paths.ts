/**
 * The environment config takes the modules' prop names, and the modules hold the rules for them:
 * a module's error on a field the config sets is reported under the config's path for that field
 * (`Environment 'dev': services[1].pathPatterns ("/a b") must …`), so the config does not repeat
 * the modules' rules.
 * @module
 */
import { Fail, failFor, ValidationError } from "../modules/shared/validation";

/**
 * The one label of the environment's errors, `Environment '<name>'`, for the config's checks and
 * for the modules' errors the stacks report: an empty name shows as `""`, a name that is no string
 * (which the shape check reports) as it prints.
 */
export function environmentFail(name: unknown): Fail {
  const shown = typeof name === "string" ? name || JSON.stringify(name) : String(name);
  return failFor(`Environment '${shown}'`);
}

/** Where a construct's props are in the environment config: the prop's name → its config path. */
export type ConfigPaths = Readonly<Record<string, string>>;

/** Each of `keys` under `prefix`: `{ cidrBlock: "network.cidrBlock", … }`. */
export function pathsUnder(prefix: string, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, `${prefix}.${key}`]));
}

/**
 * `build()`; a {@link ValidationError} it throws on a prop that `paths` maps is thrown again by
 * `fail` (the environment's) under the config's path, with the module's rule and fix. Errors on
 * props the config does not set (a derived name, a construct) are thrown as they are: they name
 * their construct.
 */
export function reportUnder<T>(fail: Fail, paths: ConfigPaths, build: () => T): T {
  try {
    return build();
  } catch (e) {
    const problem = ValidationError.isValidationError(e) ? e.problem : undefined;
    if (problem) {
      const prop = /^[^.[]+/.exec(problem.field)?.[0] ?? problem.field;
      if (Object.hasOwn(paths, prop)) {
        fail(`${paths[prop]}${problem.field.slice(prop.length)}`, problem.value, problem.must, problem.fix);
      }
    }
    throw e;
  }
}
