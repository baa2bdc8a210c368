import { Fn, Token } from "cdktf";

/** The ECS container agent's configuration file on ECS-optimized AMIs. */
export const ECS_CONFIG_FILE = "/etc/ecs/ecs.config";

/** What the user data of one capacity configures. */
export interface EcsUserDataOptions {
  readonly clusterName: string;
  readonly containerStopTimeoutSeconds: number;
  readonly spot: boolean;
  readonly instanceAttributes: Readonly<Record<string, string>>;
  /** Bash from `Network.hostDnsUserData()`. */
  readonly hostDns: string;
  readonly additionalUserData?: string;
}

/** The `KEY=value` lines written to {@link ECS_CONFIG_FILE}, in order. */
export function ecsConfigLines(options: EcsUserDataOptions): string[] {
  const lines = [
    `ECS_CLUSTER=${options.clusterName}`,
    "ECS_ENABLE_CONTAINER_METADATA=true",
    `ECS_CONTAINER_STOP_TIMEOUT=${numberText(options.containerStopTimeoutSeconds)}s`,
    // awsvpc tasks get no route to instance metadata (the hop limit already stops bridge-mode ones).
    "ECS_AWSVPC_BLOCK_IMDS=true",
  ];
  if (options.spot) lines.push("ECS_ENABLE_SPOT_INSTANCE_DRAINING=true");
  if (Object.keys(options.instanceAttributes).length > 0) {
    lines.push(`ECS_INSTANCE_ATTRIBUTES=${attributesJson(options.instanceAttributes)}`);
  }
  return lines;
}

/**
 * The attributes as JSON. With token values, Terraform's `jsonencode()` writes it: cdktf refuses the
 * double quotes of a literal JSON inside a script that `base64encode()` takes as an argument.
 */
function attributesJson(attributes: Readonly<Record<string, string>>): string {
  const tokens = Object.entries(attributes).some(([k, v]) => Token.isUnresolved(k) || Token.isUnresolved(v));
  return tokens ? Token.asString(Fn.jsonencode(attributes)) : JSON.stringify(attributes);
}

/** A number as text; a number token becomes a string token (spliced as a number, it loses its `${}`). */
function numberText(value: number): string {
  return Token.isUnresolved(value) ? Token.asString(value) : String(value);
}

/**
 * The bash user data of an ECS container instance: the agent's configuration, then the network's
 * `.local` DNS drop-in, then any extra script.
 */
export function renderEcsUserData(options: EcsUserDataOptions): string {
  const parts = [
    "#!/bin/bash",
    "set -euo pipefail",
    "",
    // ecs.service starts after cloud-init's user data, so the agent reads this on its first start.
    `# ECS container agent configuration (cluster ${options.clusterName}).`,
    `cat >> ${ECS_CONFIG_FILE} <<'EOF'`,
    ...ecsConfigLines(options),
    "EOF",
    "",
    options.hostDns.trimEnd(),
    "",
  ];
  if (options.additionalUserData) parts.push(options.additionalUserData.trimEnd(), "");
  return parts.join("\n");
}

/**
 * Base64 for a launch template. A literal script is encoded here, so the synthesized JSON and the
 * plan carry plain base64; a script with Terraform references is encoded by `base64encode()`, its
 * literal backslashes and double quotes (e.g. of ECS_INSTANCE_ATTRIBUTES' JSON) escaped for the
 * HCL string cdktf writes it into.
 */
export function encodeUserData(script: string): string {
  return Token.isUnresolved(script)
    ? Fn.base64encode(script.replace(/\\/g, "\\\\").replace(/"/g, '\\"'))
    : Buffer.from(script, "utf8").toString("base64");
}
