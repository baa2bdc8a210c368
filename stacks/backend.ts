import * as path from "node:path";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { AwsTarget } from "./aws-provider";
import { BackendConfig } from "./config-types";

/** Key prefix of S3 state objects when the config names none. */
export const DEFAULT_STATE_KEY_PREFIX = "ecs-cdktf";

/** The local state file of stack `stackId` in `directory` (cdktf's own default name). */
export function localStatePath(directory: string | undefined, stackId: string): string {
  return path.resolve(directory ?? process.cwd(), `terraform.${stackId}.tfstate`);
}

/** The S3 key of stack `stackId`'s state. */
export function s3StateKey(keyPrefix: string | undefined, environment: string, stackId: string): string {
  return `${keyPrefix ?? DEFAULT_STATE_KEY_PREFIX}/${environment}/${stackId}.tfstate`;
}

/**
 * Configures where `stack` keeps its state. Cross-stack references read it back through the same
 * settings (cdktf writes a `terraform_remote_state` data source from them), so both stacks of an
 * environment must use one backend.
 *
 * - local: `terraform.<stack id>.tfstate` in the configured directory, written with an explicit
 *   path so the consuming stack's remote state reads the same file.
 * - s3: one object per stack, `encrypt = true` (SSE-S3, or SSE-KMS with `kmsKeyArn`) and
 *   `use_lockfile = true` (S3's native lock file, Terraform ≥ 1.10; no DynamoDB table). Against
 *   the local AWS the backend talks to the emulator's S3 with its dummy credentials.
 */
export function addBackend(
  stack: TerraformStack,
  backend: BackendConfig,
  environment: string,
  target: AwsTarget,
): void {
  const stackId = stack.node.id;
  if (backend.kind === "local") {
    new LocalBackend(stack, { path: localStatePath(backend.directory, stackId) });
    return;
  }
  const local =
    target.kind === "local"
      ? {
          endpoints: { s3: target.endpoint },
          usePathStyle: true,
          accessKey: "test",
          secretKey: "test",
          skipCredentialsValidation: true,
          skipRequestingAccountId: true,
          skipMetadataApiCheck: true,
          skipRegionValidation: true,
        }
      : {};
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: s3StateKey(backend.keyPrefix, environment, stackId),
    region: backend.region,
    encrypt: true,
    ...(backend.kmsKeyArn ? { kmsKeyId: backend.kmsKeyArn } : {}),
    ...local,
  });
  // cdktf 0.21's S3BackendConfig predates Terraform 1.10's native S3 locking.
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
