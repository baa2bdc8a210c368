import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { withTags } from "./validation";

/**
 * The Elastic Load Balancing account of each region opened before August 2022: only it may write
 * access logs there. Regions opened since then accept the log delivery service principal
 * ({@link ELB_LOG_DELIVERY_SERVICE_PRINCIPAL}) instead, which has no per-region account.
 */
export const ELB_ACCOUNT_IDS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-south-1": "718504428378",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-southeast-3": "589379963580",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-south-1": "635631232127",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
};

/** The principal that writes access logs in regions opened since August 2022. */
export const ELB_LOG_DELIVERY_SERVICE_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The principal allowed to write a region's access logs, as an IAM `Principal` value. */
export function accessLogWriterPrincipal(
  region: string,
  partition: string,
): { readonly AWS: string } | { readonly Service: string } {
  const account = ELB_ACCOUNT_IDS[region];
  return account === undefined
    ? { Service: ELB_LOG_DELIVERY_SERVICE_PRINCIPAL }
    : { AWS: `arn:${partition}:iam::${account}:root` };
}

/** What {@link createAccessLogsBucket} needs. */
export interface AccessLogsBucketOptions {
  /** Load balancer name: the bucket name prefix and the object key prefix. */
  readonly name: string;
  /** Literal region (picks the writer principal). */
  readonly region: string;
  readonly retentionDays: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** The bucket and the pieces the load balancer must wait for. */
export interface AccessLogsBucket {
  readonly bucket: S3Bucket;
  /** Key prefix the load balancer writes under (`<prefix>/AWSLogs/<account>/…`). */
  readonly prefix: string;
  /** The policy: the load balancer checks it can write when access logs are turned on. */
  readonly policy: S3BucketPolicy;
}

/**
 * A bucket for ALB access logs: SSE-S3 (the only encryption ALB log delivery supports), public
 * access blocked, bucket-owner-enforced ownership, versioned with old versions expiring, TLS-only,
 * and writable under `<prefix>/AWSLogs/<account>/` by the region's log writer only.
 */
export function createAccessLogsBucket(scope: Construct, options: AccessLogsBucketOptions): AccessLogsBucket {
  const account = new DataAwsCallerIdentity(scope, "access-logs-account").accountId;
  const partition = new DataAwsPartition(scope, "access-logs-partition").partition;
  const tags = withTags(options.tags, { Name: `${options.name}-access-logs` });
  const prefix = options.name;

  const bucket = new S3Bucket(scope, "access-logs-bucket", {
    bucketPrefix: `${options.name.toLowerCase().slice(0, 24)}-alb-logs-`,
    tags,
  });
  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, "access-logs-public-access-block", {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, "access-logs-ownership", {
    bucket: bucket.id,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, "access-logs-encryption", {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  });
  new S3BucketVersioningA(scope, "access-logs-versioning", {
    bucket: bucket.id,
    versioningConfiguration: { status: "Enabled" },
  });
  new S3BucketLifecycleConfiguration(scope, "access-logs-lifecycle", {
    bucket: bucket.id,
    rule: [
      {
        id: "expire-access-logs",
        status: "Enabled",
        filter: [{ prefix: "" }],
        expiration: [{ days: options.retentionDays }],
        noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
      },
    ],
  });

  const policy = new S3BucketPolicy(scope, "access-logs-policy", {
    bucket: bucket.id,
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ElbWritesAccessLogs",
          Effect: "Allow",
          Principal: accessLogWriterPrincipal(options.region, partition),
          Action: "s3:PutObject",
          Resource: `${bucket.arn}/${prefix}/AWSLogs/${account}/*`,
        },
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [bucket.arn, `${bucket.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    }),
    // S3 rejects a policy write racing the public access block on a new bucket.
    dependsOn: [publicAccessBlock],
  });

  return { bucket, prefix, policy };
}
