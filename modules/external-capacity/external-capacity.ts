import { Annotations, Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SsmActivation } from "@cdktf/provider-aws/lib/ssm-activation";
import type { IEcsCluster } from "../ecs-cluster";
import { failFor } from "../shared/validation";
import { ssmHybridAssumeRolePolicy } from "./iam";
import { ExternalCapacityProps, EXTERNAL_INSTANCE_MANAGED_POLICIES } from "./props";
import { registrationCommand } from "./registration";
import { attributeExpression, ExternalCapacityConfig, resolveExternalCapacityConfig } from "./validation";

/**
 * Capacity on machines outside AWS (Amazon ECS Anywhere) for an ECS cluster: the IAM role the
 * registered machines get (trusting SSM, holding only the AWS managed policies
 * AmazonSSMManagedInstanceCore and AmazonEC2ContainerServiceforEC2Role), an SSM activation with
 * its registration limit and expiry, and the command that registers a machine (install the SSM and
 * ECS agents, join the cluster with the custom attributes). Services run on the machines with the
 * `EXTERNAL` launch type, placed by those attributes ({@link placementExpression}).
 *
 * The activation's code is a secret: {@link activationCode} and {@link registrationCommand} are
 * marked sensitive, so a stack output of either must be `sensitive: true`. The state holds the code.
 */
export class ExternalCapacity extends Construct {
  /** The cluster the machines register in. */
  public readonly cluster: IEcsCluster;
  /** The role of the registered machines (SSM assumes it for them). */
  public readonly role: IamRole;
  /** Name of {@link role}. */
  public readonly roleName: string;
  /** The SSM activation. */
  public readonly activation: SsmActivation;
  /** Id of the activation (not secret on its own). */
  public readonly activationId: string;
  /** The activation's code, marked sensitive: with the id it registers machines. */
  public readonly activationCode: string;
  /** The command that registers one machine (holds the code: marked sensitive). */
  public readonly registrationCommand: string;
  /** The attributes the registered machines carry. */
  public readonly instanceAttributes: Readonly<Record<string, string>>;
  /**
   * A `memberOf` expression matching the machines' attributes (e.g. `attribute:role == edge`), for
   * a service's placement constraint; undefined when they have none.
   */
  public readonly placementExpression: string | undefined;
  /** The configuration the construct was built from. */
  public readonly config: ExternalCapacityConfig;

  public constructor(scope: Construct, id: string, props: ExternalCapacityProps) {
    // Validated before super(), so a rejected ExternalCapacity leaves no construct behind.
    const config = resolveExternalCapacityConfig(failFor(`ExternalCapacity '${id}'`), props);
    super(scope, id);
    this.config = config;
    const { cluster } = props;
    this.cluster = cluster;
    const name = config.name ?? `${cluster.clusterName}-external`;
    const tagged = (resourceName: string): Record<string, string> => ({ ...config.tags, Name: resourceName });

    const partition = new DataAwsPartition(this, "partition").partition;
    const region = new DataAwsRegion(this, "region").region;
    const account = new DataAwsCallerIdentity(this, "account").accountId;

    this.role = new IamRole(this, "role", {
      name,
      description: `ECS Anywhere instances of ${cluster.clusterName} (assumed by SSM for registered machines)`,
      assumeRolePolicy: ssmHybridAssumeRolePolicy(account, `arn:${partition}:ssm:${region}:${account}`),
      tags: tagged(name),
    });
    this.roleName = this.role.name;
    const attachments = EXTERNAL_INSTANCE_MANAGED_POLICIES.map(
      (policy) =>
        new IamRolePolicyAttachment(this, `policy-${policy.split("/").pop()!}`, {
          role: this.role.name,
          policyArn: `arn:${partition}:iam::aws:policy/${policy}`,
        }),
    );

    if (config.expired) {
      Annotations.of(this).addWarning(
        `ExternalCapacity '${id}': expirationDate (${config.expirationDate}) has passed. An existing activation keeps ` +
          "it and registers no more machines; AWS refuses it for a new one. Set a later date (replaces the activation) " +
          "to register more.",
      );
    }

    this.activation = new SsmActivation(this, "activation", {
      name,
      description: config.description ?? `ECS Anywhere instances of ${cluster.clusterName}`,
      iamRole: this.role.name,
      registrationLimit: config.registrationLimit,
      expirationDate: config.expirationDate,
      tags: tagged(name),
      // Registered machines assume the role at once: its policies must be attached first.
      dependsOn: attachments,
    });
    this.activationId = this.activation.id;
    this.activationCode = Token.asString(Fn.sensitive(this.activation.activationCode));
    this.instanceAttributes = config.instanceAttributes;
    this.placementExpression =
      Object.keys(config.instanceAttributes).length > 0
        ? attributeExpression(config.instanceAttributes)
        : undefined;
    const command = registrationCommand({
      region,
      clusterName: cluster.clusterName,
      activationId: this.activation.id,
      activationCode: this.activation.activationCode,
      instanceAttributes: config.instanceAttributes,
    });
    // cdktf writes a function's string argument into an HCL string without escaping it: escape the
    // literal backslashes and double quotes (of the attributes' JSON, the quoted arguments) here.
    this.registrationCommand = Token.asString(
      Fn.sensitive(command.replace(/\\/g, "\\\\").replace(/"/g, '\\"')),
    );
  }
}
