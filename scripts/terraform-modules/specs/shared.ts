/** Adapter variables several generated modules take, worded once. */
import type { AdapterVariable, HclValue } from "../spec";
import { AWS_ARN_PATTERNS, AWS_ID_PATTERNS } from "../../../modules/shared/validation";

/** A string input holding an id or ARN from another module, checked by `regex`. */
export function referenceVariable(options: {
  /** The variable's name. */
  readonly name: string;
  readonly description: string;
  /** RE2 pattern, as HCL string content. */
  readonly regex: string;
  /** What a valid value is, e.g. `a VPC id like vpc-0123456789abcdef0`. */
  readonly must: string;
  /** Where the value comes from, e.g. `the network's vpc_id`. */
  readonly source: string;
  readonly rejects: HclValue;
  /** The construct's prop this stands for, e.g. `a Network, whose VPC id`. */
  readonly construct: string;
}): AdapterVariable {
  const { name } = options;
  return {
    type: "string",
    description: options.description,
    rules: [
      {
        condition: `can(regex("${options.regex}", var.${name}))`,
        errorMessage: `${name} (\${var.${name}}) must be ${options.must}; pass ${options.source}.`,
        rejects: [{ [name]: options.rejects }],
        synth: { hclOnly: `the construct takes ${options.construct} is a reference` },
      },
    ],
  };
}

/** `vpc_id`: the network module's output. */
export function vpcIdVariable(description: string): AdapterVariable {
  return referenceVariable({
    name: "vpc_id",
    description,
    regex: AWS_ID_PATTERNS.vpc.source,
    must: "a VPC id like vpc-0123456789abcdef0",
    source: "the network's vpc_id",
    rejects: "my-vpc",
    construct: "a Network, whose VPC id",
  });
}

/** `cluster_arn`: the ecs-cluster module's output. */
export const CLUSTER_ARN_VARIABLE: AdapterVariable = referenceVariable({
  name: "cluster_arn",
  description: "ARN of the ECS cluster: the ecs-cluster module's cluster_arn output.",
  regex: "^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]+$",
  must: "an ECS cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>)",
  source: "the cluster module's cluster_arn",
  rejects: "apps",
  construct: "an EcsCluster, whose ARN",
});

/** A security group id from another module's `security_group_id` output. */
export function securityGroupIdVariable(options: {
  readonly name: string;
  readonly description: string;
  readonly source: string;
  readonly rejects: string;
  readonly construct: string;
}): AdapterVariable {
  return referenceVariable({
    ...options,
    regex: AWS_ID_PATTERNS.securityGroup.source,
    must: "a security group id like sg-0123456789abcdef0",
  });
}

/** A construct's pattern as the body of an HCL string for `regex()` (RE2 reads it the same). */
export function hclRegex(pattern: RegExp): string {
  return pattern.source.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

/** `var.<variable> == null || <the ARN matches AWS_ARN_PATTERNS[kind]>`: an optional ARN's rule. */
export function optionalArnCondition(variable: string, kind: keyof typeof AWS_ARN_PATTERNS): string {
  return `var.${variable} == null || can(regex("${hclRegex(AWS_ARN_PATTERNS[kind])}", var.${variable}))`;
}
