/**
 * terraform-aws-ecs-anywhere: the ExternalCapacity construct (the IAM role of Amazon ECS Anywhere
 * machines, an SSM activation, the registration command) with its inputs as Terraform variables.
 * Its cluster is the ecs-cluster module's. The module's other construct, TraefikEdge, is not
 * generated (see the notes).
 */
import { Fn, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import { EcsCluster, IEcsCluster } from "../../../modules/ecs-cluster";
import {
  DEFAULT_REGISTRATION_LIMIT,
  ExternalCapacity,
  ExternalCapacityProps,
  MAX_EXPIRATION_DAYS,
  MAX_REGISTRATION_LIMIT,
  MIN_REGISTRATION_LIMIT,
} from "../../../modules/external-capacity";
import {
  EXPIRATION_DATE_PATTERN,
  MAX_DESCRIPTION_LENGTH,
  ROLE_NAME_PATTERN,
} from "../../../modules/external-capacity/validation";
import { integerRule, ModuleSpec } from "../spec";
import { patternRule } from "./ecs-service";
import { CLUSTER_ARN_VARIABLE, hclRegex } from "./shared";

/** What ExternalCapacity reads of its cluster, by adapter variable. */
const CLUSTER_MEMBERS = { clusterName: "cluster_name", clusterArn: "cluster_arn" } as const;

/** The `cluster` prop: the ecs-cluster module's outputs as an imported cluster (only its name is used). */
function clusterFromVariables(
  scope: Construct,
  vars: Readonly<Record<string, TerraformVariable>>,
): IEcsCluster {
  return EcsCluster.fromAttributes(scope, "cluster", {
    clusterName: vars[CLUSTER_MEMBERS.clusterName].stringValue,
    clusterArn: vars[CLUSTER_MEMBERS.clusterArn].stringValue,
  });
}

/** The construct's own expiration form, as an HCL regex: RFC 3339, UTC, whole seconds. */
const EXPIRATION_REGEX = hclRegex(EXPIRATION_DATE_PATTERN).replace(/\\\\d/g, "[0-9]");

export const ecsAnywhereSpec: ModuleSpec<ExternalCapacityProps, ExternalCapacity> = {
  module: "external-capacity",
  name: "ecs-anywhere",
  constructClass: "ExternalCapacity",
  summary:
    "Capacity on machines outside AWS (Amazon ECS Anywhere) for an ECS cluster: the IAM role the registered " +
    "machines get (trusting SSM, with only AmazonSSMManagedInstanceCore and AmazonEC2ContainerServiceforEC2Role), " +
    "an SSM activation with its registration limit and expiry, and the command that registers a machine.",
  props: {
    cluster: {
      as: "adapter",
      from: [CLUSTER_MEMBERS.clusterName, CLUSTER_MEMBERS.clusterArn],
      reason:
        "The cluster the machines register in: the ecs-cluster module's outputs (cluster_name, cluster_arn) as an " +
        "imported cluster.",
    },
    name: {
      as: "variable",
      default: null,
      description:
        "Base name of the instances' IAM role and of the activation's default instance name: 1 to 64 letters, " +
        "digits and `+=,.@_-`. null: `<cluster_name>-external`.",
      rules: [
        {
          condition: `var.name == null ? true : can(regex("${hclRegex(ROLE_NAME_PATTERN)}", var.name))`,
          errorMessage:
            'name (${coalesce(var.name, "null")}) must be 1 to 64 letters, digits and +=,.@_- (it names the instances\' IAM role); e.g. onprem-external.',
          rejects: [{ name: "on prem" }, { name: "a".repeat(65) }],
          synth: "same",
        },
      ],
    },
    registrationLimit: {
      as: "variable",
      rules: [
        integerRule(
          "registration_limit",
          MIN_REGISTRATION_LIMIT,
          MAX_REGISTRATION_LIMIT,
          `AWS's limits for one activation; the default is ${DEFAULT_REGISTRATION_LIMIT}`,
          [0, 1001, 2.5],
        ),
      ],
    },
    expirationDate: {
      as: "variable",
      default: null,
      description:
        "When the activation stops accepting registrations: an RFC 3339 time in UTC, whole seconds, " +
        "`YYYY-MM-DDTHH:MM:SSZ` (the form AWS returns, so the next plan shows no change), at most " +
        `${MAX_EXPIRATION_DAYS} days ahead (AWS refuses a later one at apply). Changing it replaces the activation. ` +
        "null: AWS's default, 24 hours after the activation is created.",
      rules: [
        {
          condition:
            `var.expiration_date == null ? true : can(regex("${EXPIRATION_REGEX}", var.expiration_date)) && ` +
            `try(formatdate("YYYY-MM-DD'T'hh:mm:ssZ", var.expiration_date) == var.expiration_date, false)`,
          errorMessage:
            'expiration_date (${coalesce(var.expiration_date, "null")}) must be an RFC 3339 time in UTC with whole seconds, YYYY-MM-DDTHH:MM:SSZ (the form AWS returns; another form would show a change, and replace the activation, on every plan); e.g. 2026-12-31T00:00:00Z.',
          rejects: [
            { expiration_date: "2026-12-31" },
            { expiration_date: "2026-12-31T00:00:00+01:00" },
            { expiration_date: "2026-12-31T00:00:00.5Z" },
            { expiration_date: "2026-02-30T00:00:00Z" },
          ],
          synth: "same",
        },
      ],
    },
    description: {
      as: "variable",
      default: null,
      description: `Description of the activation (at most ${MAX_DESCRIPTION_LENGTH} characters). null: "ECS Anywhere instances of <cluster_name>".`,
      rules: [
        {
          condition: `var.description == null ? true : length(var.description) <= ${MAX_DESCRIPTION_LENGTH}`,
          errorMessage: `description (\${coalesce(var.description, "null")}) must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters; shorten it.`,
          rejects: [{ description: "d".repeat(MAX_DESCRIPTION_LENGTH + 1) }],
          synth: "same",
        },
      ],
    },
    instanceAttributes: {
      as: "fixed",
      reason:
        "The construct writes the attributes into the registration command at synth time (as the JSON of " +
        "ECS_INSTANCE_ATTRIBUTES) and checks each, so it needs them as a literal; this module registers machines " +
        "without custom attributes. Use the construct for them, or append ECS_INSTANCE_ATTRIBUTES to " +
        "/etc/ecs/ecs.config on the machine before running the registration command.",
    },
    tags: {
      as: "fixed",
      reason:
        "The construct merges the tags with each resource's Name tag at synth time, which a Terraform map variable " +
        "(a token) cannot join; the module sets only Name. Tag the role and the activation with the provider's " +
        "default_tags (a change of the activation's tags replaces it).",
    },
  },
  adapterVariables: {
    cluster_name: {
      type: "string",
      description:
        "Name of the ECS cluster the machines register in: the ecs-cluster module's cluster_name output.",
      rules: [
        {
          ...patternRule(
            "cluster_name",
            "^[A-Za-z0-9_-]{1,255}$",
            "be an ECS cluster name (1 to 255 letters, digits, hyphens or underscores)",
            "pass the cluster module's cluster_name",
            ["my cluster"],
          ),
          synth: { hclOnly: "the construct takes an EcsCluster, whose name is a reference" },
        },
        {
          condition: "var.name != null || length(var.cluster_name) <= 55",
          errorMessage:
            "cluster_name (${var.cluster_name}) must be at most 55 characters when name is null (the IAM role name <cluster_name>-external is at most 64); pass a name of at most 64 characters.",
          rejects: [{ cluster_name: "c".repeat(56) }],
          synth: {
            hclOnly:
              "the construct checks the derived role name only for a literal cluster name; this module's is a variable",
          },
        },
      ],
    },
    cluster_arn: CLUSTER_ARN_VARIABLE,
  },
  create: (scope, props, adapter) => {
    const cluster = clusterFromVariables(scope, adapter);
    // A variable's null stands for the construct's default, which a token would hide from it: the
    // default is coalesced in Terraform. A literal (the tests' synth comparison) goes as it is.
    const orDefault = (value: string | undefined, fallback: string): string | undefined =>
      value !== undefined && Token.isUnresolved(value)
        ? Token.asString(Fn.coalesce([value, fallback]))
        : value;
    return new ExternalCapacity(scope, "external-capacity", {
      ...props,
      cluster,
      name: orDefault(props.name, `${cluster.clusterName}-external`),
      description: orDefault(props.description, `ECS Anywhere instances of ${cluster.clusterName}`),
    });
  },
  skipAttributes: {
    instanceAttributes: "Always empty in this module (instance_attributes is fixed: see below).",
    placementExpression: "Undefined without instance attributes, which this module has none of.",
  },
  outputDescriptions: {
    roleName: "Name of the IAM role of the registered machines (SSM assumes it for them).",
    activationId: "Id of the SSM activation (not secret on its own).",
    activationCode: "The activation's code: with activation_id it registers machines.",
    registrationCommand:
      "The command that registers one machine (run as a sudoer on it): downloads AWS's ECS Anywhere install " +
      "script and runs it with the region, cluster_name and the activation. Holds the activation code.",
  },
  sensitiveOutputs: ["activation_code", "registration_command"],
  notes: [
    "`activation_code` and `registration_command` are sensitive outputs (`sensitive = true`): a calling module " +
      "that outputs either must mark its output sensitive too, and the state holds the code. Services run on the " +
      "registered machines with the `EXTERNAL` launch type.",
    "The cdktf module `modules/external-capacity` also has `TraefikEdge` (a Traefik reverse proxy on the external " +
      "machines, with `traefikRouteLabels` for the services it routes to). It is not generated as a Terraform " +
      "module: its entry points map (names to host ports) and its instance attributes shape its task definition " +
      "and placement at synth time, and the services it routes to carry labels the construct writes. Use the " +
      "construct for it.",
  ],
  usage: {
    cluster_name: "module.cluster.cluster_name",
    cluster_arn: "module.cluster.cluster_arn",
    registration_limit: "3",
    expiration_date: '"2026-12-31T00:00:00Z"',
  },
  example: {
    cluster_name: "dev",
    cluster_arn: "arn:aws:ecs:eu-west-2:123456789012:cluster/dev",
  },
};
