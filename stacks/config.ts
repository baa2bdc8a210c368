/**
 * The typed configuration of the app, one per environment: the types (`config-types.ts`), the
 * presets (`presets.ts`), their validation (`config-validation.ts`) and how the environment is
 * chosen (here). See docs/stacks.md.
 * @module
 */
import * as path from "node:path";
import { defaultAvailabilityZones } from "../modules/network/regions";
import { formatValue, ValidationError } from "../modules/shared/validation";
import { EnvironmentConfig } from "./config-types";
import { validateEnvironmentConfig } from "./config-validation";
import { DEFAULT_ENVIRONMENT, ENVIRONMENT_NAMES, EnvironmentName, PRESETS } from "./presets";

export * from "./config-types";
export { checkEnvironmentShape, ENVIRONMENT_CONFIG_SCHEMA, fieldPath } from "./config-schema";
export {
  MAX_SERVICES,
  MIN_AZ_COUNT,
  MIN_EXCEPTION_REASON_LENGTH,
  RESERVED_TAG_KEYS,
  STATIC_IP_ADDRESS_MODES,
  validateEnvironmentConfig,
} from "./config-validation";
export {
  DEFAULT_ENVIRONMENT,
  DEFAULT_IMAGE_TAG,
  DEFAULT_REGION,
  DEV,
  ENVIRONMENT_NAMES,
  PROD,
  PRESETS,
} from "./presets";
export type { EnvironmentName } from "./presets";

/** Environment variable that picks the environment, e.g. `ECS_CDKTF_ENV=prod`. */
export const ENVIRONMENT_VARIABLE = "ECS_CDKTF_ENV";

/**
 * App context key that picks the environment: `"context": { "env": "prod" }` in cdktf.json,
 * `CDKTF_CONTEXT_JSON='{"env":"prod"}'`, or `new App({ context: { env: "prod" } })`.
 */
export const ENVIRONMENT_CONTEXT_KEY = "env";

/**
 * Environment variable that moves the local backend's state files to another directory (tests
 * and the local deploy test use it to keep their state apart from yours).
 */
export const STATE_DIRECTORY_VARIABLE = "ECS_CDKTF_STATE_DIR";

/**
 * Environment variable that lets one run release the Elastic IPs (`ECS_CDKTF_ALLOW_EIP_DESTROY=1`
 * sets `staticIp.allowEipDestroy`): for destroying the foundation on purpose
 * (`scripts/local.sh destroy --include-foundation` sets it). Only `1` or empty.
 */
export const ALLOW_EIP_DESTROY_VARIABLE = "ECS_CDKTF_ALLOW_EIP_DESTROY";

/** Where the environment choice may come from. */
export interface EnvironmentSources {
  /** The app's `env` context value (`app.node.tryGetContext("env")`), if any. */
  readonly context?: unknown;
  /** The process environment (`ECS_CDKTF_ENV`, `ECS_CDKTF_STATE_DIR`, `ECS_CDKTF_ALLOW_EIP_DESTROY`). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * How errors name where `context` came from.
   * @default 'the app context "env"'
   */
  readonly contextLabel?: string;
}

function choices(): string {
  return ENVIRONMENT_NAMES.join(", ");
}

function checkName(value: unknown, from: string): EnvironmentName {
  if (typeof value === "string" && (ENVIRONMENT_NAMES as readonly string[]).includes(value.trim())) {
    return value.trim() as EnvironmentName;
  }
  throw new ValidationError(
    `Unknown environment ${formatValue(value)} (from ${from}): the valid choices are ${choices()}; ` +
      "pick one of them, or add a preset to PRESETS in stacks/presets.ts",
  );
}

/**
 * The environment name chosen by the `env` context or `ECS_CDKTF_ENV`, else `dev`. Both set to
 * different values is rejected rather than one silently winning.
 */
export function selectEnvironmentName(sources: EnvironmentSources = {}): EnvironmentName {
  const fromVariable = sources.env?.[ENVIRONMENT_VARIABLE];
  const variable = fromVariable === undefined || fromVariable === "" ? undefined : fromVariable;
  const context = sources.context === undefined || sources.context === "" ? undefined : sources.context;
  const contextLabel = sources.contextLabel ?? `the app context "env"`;
  const fromContext = context === undefined ? undefined : checkName(context, contextLabel);
  const fromEnv = variable === undefined ? undefined : checkName(variable, ENVIRONMENT_VARIABLE);
  if (fromContext && fromEnv && fromContext !== fromEnv) {
    throw new ValidationError(
      `The environment is chosen twice: ${contextLabel} (${fromContext}) and ` +
        `${ENVIRONMENT_VARIABLE} (${fromEnv}) differ; set only one of them`,
    );
  }
  return fromContext ?? fromEnv ?? DEFAULT_ENVIRONMENT;
}

/**
 * The validated configuration of the chosen environment: its preset, with the local backend's
 * directory from `ECS_CDKTF_STATE_DIR` when set, and the Elastic IPs releasable when
 * `ECS_CDKTF_ALLOW_EIP_DESTROY=1`.
 */
export function loadEnvironmentConfig(sources: EnvironmentSources = {}): EnvironmentConfig {
  const name = selectEnvironmentName(sources);
  const preset = withEipDestroyAllowed(PRESETS[name], sources.env?.[ALLOW_EIP_DESTROY_VARIABLE]);
  return withStateDirectory(preset, sources.env?.[STATE_DIRECTORY_VARIABLE]);
}

/** `config` with `staticIp.allowEipDestroy` on when `flag` is `1`; unchanged when it is unset or empty. */
export function withEipDestroyAllowed(
  config: EnvironmentConfig,
  flag: string | undefined,
): EnvironmentConfig {
  if (flag === undefined || flag === "") return config;
  if (flag !== "1") {
    throw new ValidationError(
      `Environment '${config.name}': ${ALLOW_EIP_DESTROY_VARIABLE} (${formatValue(flag)}) must be 1 or empty; ` +
        "set it to 1 only to release the Elastic IPs on purpose, else unset it",
    );
  }
  return { ...config, staticIp: { ...config.staticIp, allowEipDestroy: true } };
}

/** `config` validated, with the local backend's state files in `directory` when given. */
export function withStateDirectory(
  config: EnvironmentConfig,
  directory: string | undefined,
): EnvironmentConfig {
  if (directory === undefined || directory === "") return validateEnvironmentConfig(config);
  if (config.backend.kind !== "local") {
    throw new ValidationError(
      `Environment '${config.name}': ${STATE_DIRECTORY_VARIABLE} (${formatValue(directory)}) applies to the local ` +
        `backend only, and this environment's backend is ${config.backend.kind}; unset it`,
    );
  }
  return validateEnvironmentConfig({
    ...config,
    backend: { kind: "local", directory: path.resolve(directory) },
  });
}

/** The AZ names of an environment's network: the first `azCount` zones of its region, as `Network` derives them. */
export function availabilityZonesOf(config: EnvironmentConfig): string[] {
  return defaultAvailabilityZones(config.region, config.network.azCount);
}

/** The AZs that hold a static IP: the first (`one`), every one (`per-az`) or none. */
export function staticIpAvailabilityZonesOf(config: EnvironmentConfig): string[] {
  const azs = availabilityZonesOf(config);
  switch (config.staticIp.addresses) {
    case "one":
      return azs.slice(0, 1);
    case "per-az":
      return azs;
    case "none":
      return [];
  }
}
