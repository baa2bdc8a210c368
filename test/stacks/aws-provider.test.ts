import { TerraformStack, Testing } from "cdktf";
import {
  addAwsProvider,
  awsProviderVersionConstraint,
  DEFAULT_AWS_PROVIDER_VERSION_CONSTRAINT,
  LOCAL_AWS_SERVICES,
  localS3ControlRouting,
} from "../../stacks/aws-provider";
import { CURRENT_FLAVOR } from "../support/flavor";

interface SynthJson {
  terraform: { required_providers: { aws: { version: string; source: string } } };
  provider: { aws: Array<Record<string, unknown>> };
  resource?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

function synthJson(stack: TerraformStack): SynthJson {
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

describe("awsProviderVersionConstraint", () => {
  test("GIVEN no override THEN the 6.x range the bindings fit", () => {
    expect(awsProviderVersionConstraint({})).toBe(">= 6.25.0, < 7.0.0");
    expect(DEFAULT_AWS_PROVIDER_VERSION_CONSTRAINT).toBe(">= 6.25.0, < 7.0.0");
  });
  test("GIVEN AWS_PROVIDER_VERSION_CONSTRAINT THEN that exact value", () => {
    expect(awsProviderVersionConstraint({ AWS_PROVIDER_VERSION_CONSTRAINT: " 6.47.1-dev.x " })).toBe(
      "6.47.1-dev.x",
    );
  });
  test("GIVEN an empty AWS_PROVIDER_VERSION_CONSTRAINT THEN the default", () => {
    expect(awsProviderVersionConstraint({ AWS_PROVIDER_VERSION_CONSTRAINT: "" })).toBe(
      DEFAULT_AWS_PROVIDER_VERSION_CONSTRAINT,
    );
  });
});

describe("addAwsProvider", () => {
  test("GIVEN the local target THEN dummy credentials, skip flags and every service's endpoint", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    addAwsProvider(stack, {
      region: "eu-west-2",
      target: { kind: "local", endpoint: "http://127.0.0.1:4566" },
    });
    const provider = synthJson(stack).provider.aws[0]!;
    expect(provider).toMatchObject({
      region: "eu-west-2",
      access_key: "test",
      secret_key: "test",
      skip_credentials_validation: true,
      skip_metadata_api_check: "true",
      skip_region_validation: true,
      s3_use_path_style: true,
    });
    const endpoints = (provider.endpoints as Array<Record<string, string>>)[0]!;
    expect(Object.keys(endpoints).sort()).toEqual([...LOCAL_AWS_SERVICES].sort());
    expect(new Set(Object.values(endpoints))).toEqual(new Set(["http://127.0.0.1:4566"]));
  });

  test("GIVEN the local target THEN S3 Control (account id prefixed to the host) is routed through the emulator as HTTP proxy", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    addAwsProvider(stack, {
      region: "eu-west-2",
      target: { kind: "local", endpoint: "http://127.0.0.1:4566" },
    });
    const provider = synthJson(stack).provider.aws[0]!;
    expect(provider).toMatchObject({ http_proxy: "http://127.0.0.1:4566", https_proxy: "" });
    expect((provider.endpoints as Array<Record<string, string>>)[0]!.s3control).toBe("http://127.0.0.1:4566");
    expect(localS3ControlRouting("http://127.0.0.1:5000")).toEqual({
      httpProxy: "http://127.0.0.1:5000",
      httpsProxy: "",
    });
  });

  test("GIVEN the aws target THEN no endpoints, no static credentials, no skip flags", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    addAwsProvider(stack, { region: "eu-west-1", target: { kind: "aws" } });
    expect(synthJson(stack).provider.aws[0]).toEqual({ region: "eu-west-1" });
  });

  test("GIVEN default tags THEN they are the provider's default_tags", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" }, defaultTags: { project: "p" } });
    expect(synthJson(stack).provider.aws[0]).toEqual({
      region: "eu-west-2",
      default_tags: [{ tags: { project: "p" } }],
    });
  });

  test("THEN required_providers pins hashicorp/aws with the constraint in force", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
    expect(synthJson(stack).terraform.required_providers.aws).toEqual({
      // "aws" on cdktf, "hashicorp/aws" on cdktn: both registry.terraform.io/hashicorp/aws.
      source: CURRENT_FLAVOR.awsProviderSource,
      version: awsProviderVersionConstraint(),
    });
  });
});
