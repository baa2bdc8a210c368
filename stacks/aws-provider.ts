import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";

/**
 * The hashicorp/aws version constraint written into every stack.
 *
 * `@cdktf/provider-aws` 21.22.1 was generated for hashicorp/aws 6.25.0 and would pin exactly that.
 * Where the registry is reachable any 6.x from 6.25 on fits the bindings. Offline, the toolchain
 * builds one commit into a filesystem mirror and exports its exact (pre-release) label as
 * `AWS_PROVIDER_VERSION_CONSTRAINT` (see toolchain/provider-aws.env): Terraform selects a
 * pre-release only by an exact constraint. This is the one place that decides it.
 */
export const DEFAULT_AWS_PROVIDER_VERSION_CONSTRAINT = ">= 6.25.0, < 7.0.0";

/** The constraint in force: `AWS_PROVIDER_VERSION_CONSTRAINT` when set, else the default range. */
export function awsProviderVersionConstraint(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.AWS_PROVIDER_VERSION_CONSTRAINT?.trim();
  return fromEnv ? fromEnv : DEFAULT_AWS_PROVIDER_VERSION_CONSTRAINT;
}

/**
 * Every AWS service the project's stacks call, by the provider's `endpoints` key. The local
 * target points each of them at the emulator; a service missing here would silently go to real
 * AWS, so a test checks this list against the resource types in the synthesized stacks.
 */
export const LOCAL_AWS_SERVICES = [
  "applicationautoscaling",
  "autoscaling",
  "cloudwatch",
  "cloudwatchlogs",
  "ec2",
  "ecr",
  "ecs",
  "elbv2",
  "events",
  "iam",
  "kms",
  "lambda",
  "route53",
  "s3",
  "s3control",
  "secretsmanager",
  "sqs",
  "ssm",
  "sts",
] as const;

/** The cdktf binding's property for an `endpoints` key, where it is not the key itself. */
const ENDPOINT_BINDING_PROPERTY: Partial<Record<(typeof LOCAL_AWS_SERVICES)[number], string>> = {
  s3control: "s3Control",
};

/** Where a stack's resources go. */
export type AwsTarget =
  /** Real AWS, credentials from the usual AWS chain. */
  | { readonly kind: "aws" }
  /** The local emulator (moto server) at `endpoint`, e.g. `http://127.0.0.1:4566`. */
  | { readonly kind: "local"; readonly endpoint: string };

/** Props of {@link addAwsProvider}. */
export interface AwsProviderProps {
  /** Region of every resource of the stack. */
  readonly region: string;
  /** Real AWS or the local emulator. */
  readonly target: AwsTarget;
  /**
   * Tags on every taggable resource.
   * @default - none
   */
  readonly defaultTags?: Readonly<Record<string, string>>;
}

/**
 * The provider settings that send S3 Control calls to the local emulator.
 *
 * hashicorp/aws 6.x reads and writes an S3 bucket's tags through S3 Control
 * (`ListTagsForResource`, `TagResource`), whose SDK puts the account id in front of the endpoint's
 * host: `http://127.0.0.1:4566` becomes `http://123456789012.127.0.0.1:4566`, which no resolver
 * answers. The provider's HTTP proxy setting, pointed at the emulator, routes it: the client
 * hands the request to the proxy as `GET http://123456789012.127.0.0.1:4566/v20180820/…` without
 * resolving that host, and moto server serves S3 Control paths (`/v20180820/…`) whatever the host.
 * Go's HTTP client never proxies a request to a loopback address, so every other service still
 * goes straight to `endpoint`. `https_proxy` is empty on purpose: the provider would otherwise
 * use the HTTP proxy for HTTPS too (and warn that it does).
 */
export function localS3ControlRouting(endpoint: string): { httpProxy: string; httpsProxy: string } {
  return { httpProxy: endpoint, httpsProxy: "" };
}

/** Dummy credentials the local emulator accepts; never real ones. */
const LOCAL_ACCESS_KEY = "test";

/**
 * Configures the AWS provider of a stack (modules never do) and pins its version constraint.
 */
export function addAwsProvider(stack: TerraformStack, props: AwsProviderProps): AwsProvider {
  const defaultTags =
    props.defaultTags && Object.keys(props.defaultTags).length > 0
      ? [{ tags: { ...props.defaultTags } }]
      : undefined;
  const common = { region: props.region, defaultTags };
  const target = props.target;
  const provider =
    target.kind === "local"
      ? new AwsProvider(stack, "aws", {
          ...common,
          accessKey: LOCAL_ACCESS_KEY,
          secretKey: LOCAL_ACCESS_KEY,
          skipCredentialsValidation: true,
          skipMetadataApiCheck: "true",
          skipRegionValidation: true,
          s3UsePathStyle: true,
          ...localS3ControlRouting(target.endpoint),
          endpoints: [
            Object.fromEntries(
              LOCAL_AWS_SERVICES.map((service) => [
                ENDPOINT_BINDING_PROPERTY[service] ?? service,
                target.endpoint,
              ]),
            ),
          ],
        })
      : new AwsProvider(stack, "aws", common);
  stack.addOverride("terraform.required_providers.aws.version", awsProviderVersionConstraint());
  return provider;
}
