import { formatValue, ValidationError } from "../modules/shared/validation";
import { AwsTarget } from "./aws-provider";

/** The values `ECS_CDKTF_TARGET` accepts. */
export const TARGETS = ["local", "aws"] as const;

/**
 * Reads where to deploy from the environment:
 * - `ECS_CDKTF_TARGET=local` (the default): the local AWS at `LOCAL_AWS_ENDPOINT`
 *   (scripts/local.sh starts moto server and sets it);
 * - `ECS_CDKTF_TARGET=aws`: real AWS, credentials from the usual AWS chain.
 */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): AwsTarget {
  const kind = (env.ECS_CDKTF_TARGET ?? "local").trim();
  if (kind === "aws") return { kind: "aws" };
  if (kind !== "local") {
    throw new ValidationError(
      `ECS_CDKTF_TARGET (${formatValue(kind)}) must be one of ${TARGETS.join(", ")}; unset it for the local AWS`,
    );
  }
  const endpoint = env.LOCAL_AWS_ENDPOINT?.trim();
  if (!endpoint) {
    throw new ValidationError(
      "LOCAL_AWS_ENDPOINT is not set: the local target needs the emulator's URL; " +
        "run `npm run local` (it starts moto server and sets it), or set ECS_CDKTF_TARGET=aws for real AWS",
    );
  }
  if (!/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(endpoint)) {
    throw new ValidationError(
      `LOCAL_AWS_ENDPOINT (${formatValue(endpoint)}) must be a URL such as http://127.0.0.1:4566; fix the value`,
    );
  }
  return { kind: "local", endpoint: endpoint.replace(/\/$/, "") };
}
