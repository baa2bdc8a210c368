import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { serviceAssumeRolePolicy } from "../shared/iam";
import { checkKnownKeys, Fail, keysOf } from "../shared/validation";
import { ec2AssumeRolePolicy } from "./iam";
import { DEFAULT_MANAGED_INSTANCES_MONITORING, ManagedInstancesCapacityOptions } from "./props";
import { CAPACITY_PROVIDER_NAME_PATTERN } from "./validation";

/**
 * The AWS managed policy AWS documents for the infrastructure role of Managed Instances: it lets
 * ECS launch and terminate the instances, and pass only roles named `ecsInstanceRole*` to EC2.
 */
export const MANAGED_INSTANCES_INFRASTRUCTURE_POLICY = "AmazonECSInfrastructureRolePolicyForManagedInstances";
/** The AWS managed policy AWS documents for the role of the managed instances (the ECS agent's). */
export const MANAGED_INSTANCES_INSTANCE_POLICY = "AmazonECSInstanceRolePolicyForManagedInstances";
/**
 * The prefix the instance role's name must have: the infrastructure policy allows `iam:PassRole`
 * only on `role/ecsInstanceRole*` (with `iam:PassedToService` ec2.amazonaws.com).
 */
export const MANAGED_INSTANCES_ROLE_PREFIX = "ecsInstanceRole";

/** Every key of {@link ManagedInstancesCapacityOptions}. */
export const MANAGED_INSTANCES_OPTION_KEYS: readonly string[] = keysOf<ManagedInstancesCapacityOptions>()({
  capacityProviderName: true,
  vcpuCount: true,
  memoryMib: true,
  allowedInstanceTypes: true,
  subnetIds: true,
  securityGroupIds: true,
  storageSizeGib: true,
  monitoring: true,
  propagateTags: true,
  scaleInAfterSeconds: true,
});

const RANGE_KEYS = keysOf<{ min: number; max?: number }>()({ min: true, max: true });
const INSTANCE_TYPE_PATTERN = /^[a-z0-9.*-]{1,30}$/;
const literal = (value: unknown): boolean => !Token.isUnresolved(value);

/** Validated options of a Managed Instances capacity. */
export interface ManagedInstancesConfig {
  readonly capacityProviderName: string;
  readonly vcpuCount: { readonly min: number; readonly max?: number };
  readonly memoryMib: { readonly min: number; readonly max?: number };
  readonly allowedInstanceTypes?: string[];
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly storageSizeGib?: number;
  readonly monitoring: string;
  readonly propagateTags: boolean;
  readonly scaleInAfterSeconds?: number;
}

function checkInteger(
  fail: Fail,
  field: string,
  value: unknown,
  min: number,
  max: number,
  fix: string,
): void {
  if (!literal(value)) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    fail(field, value, `be an integer ${range}`, fix);
  }
}

function checkRange(fail: Fail, field: string, range: unknown, fix: string): void {
  if (typeof range !== "object" || range === null) fail(field, range, "be { min, max? }", fix);
  checkKnownKeys(fail, field, range, RANGE_KEYS);
  const { min, max } = range as { min: number; max?: number };
  checkInteger(fail, `${field}.min`, min, 1, Number.MAX_SAFE_INTEGER, fix);
  if (max !== undefined) {
    checkInteger(fail, `${field}.max`, max, 1, Number.MAX_SAFE_INTEGER, fix);
    if (literal(min) && literal(max) && max < min) fail(`${field}.max`, max, `be at least min (${min})`, fix);
  }
}

/**
 * Applies defaults to the options of a Managed Instances capacity and validates them (ranges as the
 * ECS API documents them), throwing on the first problem.
 */
export function resolveManagedInstancesConfig(
  fail: Fail,
  capacityId: string,
  clusterName: string,
  defaults: { readonly subnetIds: string[]; readonly securityGroupId: string },
  options: ManagedInstancesCapacityOptions,
): ManagedInstancesConfig {
  if (typeof options !== "object" || options === null) {
    fail("options", options, "be an object", "pass at least { vcpuCount, memoryMib }");
  }
  checkKnownKeys(fail, "options", options, MANAGED_INSTANCES_OPTION_KEYS);
  checkRange(fail, "vcpuCount", options.vcpuCount, "e.g. { min: 2, max: 8 }");
  checkRange(fail, "memoryMib", options.memoryMib, "e.g. { min: 4096, max: 16384 }");

  const capacityProviderName = options.capacityProviderName ?? `${clusterName}-${capacityId}`;
  if (literal(capacityProviderName) && !CAPACITY_PROVIDER_NAME_PATTERN.test(capacityProviderName)) {
    fail(
      "capacityProviderName",
      capacityProviderName,
      "be 1 to 255 letters, digits, hyphens or underscores",
      options.capacityProviderName === undefined
        ? "pass capacityProviderName (the default is <clusterName>-<capacity id>)"
        : "rename it",
    );
  }
  if (literal(capacityProviderName) && /^(aws|ecs|fargate)/i.test(capacityProviderName)) {
    fail(
      "capacityProviderName",
      capacityProviderName,
      "not start with aws, ecs or fargate (reserved by ECS)",
      "rename it",
    );
  }

  const types = options.allowedInstanceTypes;
  if (types !== undefined && literal(types)) {
    if (!Array.isArray(types) || types.length < 1 || types.length > 400) {
      fail(
        "allowedInstanceTypes",
        types,
        "list 1 to 400 instance types",
        'e.g. ["m7g.large"], or leave it unset',
      );
    }
    for (const type of types) {
      if (literal(type) && !INSTANCE_TYPE_PATTERN.test(type)) {
        fail("allowedInstanceTypes", type, "be an instance type or a pattern with *", 'e.g. "m7g.*"');
      }
    }
  }

  const subnetIds = options.subnetIds ?? defaults.subnetIds;
  if (literal(subnetIds) && (!Array.isArray(subnetIds) || subnetIds.length === 0)) {
    fail(
      "subnetIds",
      subnetIds,
      "list at least one subnet",
      "leave it unset for the network's private subnets",
    );
  }
  const securityGroupIds = options.securityGroupIds ?? [defaults.securityGroupId];
  if (
    literal(securityGroupIds) &&
    (!Array.isArray(securityGroupIds) || securityGroupIds.length < 1 || securityGroupIds.length > 5)
  ) {
    fail(
      "securityGroupIds",
      securityGroupIds,
      "list 1 to 5 security groups",
      "leave it unset for the cluster's instance security group",
    );
  }

  if (options.storageSizeGib !== undefined) {
    checkInteger(fail, "storageSizeGib", options.storageSizeGib, 1, 16_384, "e.g. 30");
  }
  const monitoring = options.monitoring ?? DEFAULT_MANAGED_INSTANCES_MONITORING;
  if (literal(monitoring) && monitoring !== "BASIC" && monitoring !== "DETAILED") {
    fail("monitoring", monitoring, 'be "BASIC" or "DETAILED"', 'e.g. "BASIC"');
  }
  const propagateTags = options.propagateTags ?? true;
  if (typeof propagateTags !== "boolean") {
    fail("propagateTags", propagateTags, "be true or false", "e.g. true");
  }
  if (options.scaleInAfterSeconds !== undefined) {
    checkInteger(fail, "scaleInAfterSeconds", options.scaleInAfterSeconds, 0, 3600, "e.g. 300");
  }
  return {
    capacityProviderName,
    vcpuCount: options.vcpuCount,
    memoryMib: options.memoryMib,
    allowedInstanceTypes: types,
    subnetIds,
    securityGroupIds,
    storageSizeGib: options.storageSizeGib,
    monitoring,
    propagateTags,
    scaleInAfterSeconds: options.scaleInAfterSeconds,
  };
}

/** What a Managed Instances capacity takes from its cluster. */
export interface ManagedInstancesContext {
  /** The cluster's name (a reference). */
  readonly clusterName: string;
  /** The literal cluster name, or a token (for derived role names). */
  readonly literalClusterName: string;
  readonly partition: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Created first: the cluster's capacity provider association (see #44783 in the README). */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * A Managed Instances capacity provider a service runs on (`compute` type `managedInstances`): a
 * {@link ManagedInstancesCapacity}, or one made elsewhere given by its name.
 */
export interface IManagedInstancesCapacity {
  /**
   * The capacity provider's name: for one made here, a reference to the resource, so Terraform
   * creates it before the services naming it.
   */
  readonly capacityProviderName: string;
  /**
   * What the services wait for (the capacity provider resource); undefined when it exists already.
   */
  readonly capacityProvider?: ITerraformDependable;
}

/**
 * An ECS Managed Instances capacity provider of a cluster: ECS launches, patches and terminates
 * the instances itself. It has its own infrastructure role (trusting ecs.amazonaws.com, with the
 * AWS managed policy AWS documents) and instance role and profile (named `ecsInstanceRole…`, the
 * only roles that policy may pass, with the managed policy for the instances). Created by
 * {@link EcsCluster.addManagedInstancesCapacity}.
 */
export class ManagedInstancesCapacity extends Construct implements IManagedInstancesCapacity {
  /** The capacity provider, associated with the cluster through its `cluster` argument. */
  public readonly capacityProvider: EcsCapacityProvider;
  /** Its name. */
  public readonly capacityProviderName: string;
  /** The role ECS assumes to manage the instances. */
  public readonly infrastructureRole: IamRole;
  /** The role of the managed instances. */
  public readonly instanceRole: IamRole;
  /** The instance profile holding {@link instanceRole}. */
  public readonly instanceProfile: IamInstanceProfile;
  /** The validated options. */
  public readonly config: ManagedInstancesConfig;

  public constructor(
    scope: Construct,
    id: string,
    props: { readonly config: ManagedInstancesConfig; readonly context: ManagedInstancesContext },
  ) {
    super(scope, id);
    const { config, context } = props;
    this.config = config;
    const clusterPart = Token.isUnresolved(context.literalClusterName)
      ? ""
      : `${context.literalClusterName.slice(0, 10)}-`;
    const idPart = `${id.slice(0, 10)}-`;
    const tags = (suffix: string): Record<string, string> => ({
      ...context.tags,
      Name: `${context.literalClusterName}-${id}-${suffix}`,
    });

    this.infrastructureRole = new IamRole(this, "infrastructure-role", {
      namePrefix: `ecs-mi-${clusterPart}${idPart}`,
      description: `ECS Managed Instances infrastructure of cluster ${context.literalClusterName}`,
      assumeRolePolicy: serviceAssumeRolePolicy("EcsAssumeRole", "ecs.amazonaws.com"),
      tags: tags("infrastructure"),
    });
    const infrastructurePolicy = new IamRolePolicyAttachment(this, "infrastructure-policy", {
      role: this.infrastructureRole.name,
      policyArn: `arn:${context.partition}:iam::aws:policy/${MANAGED_INSTANCES_INFRASTRUCTURE_POLICY}`,
    });

    this.instanceRole = new IamRole(this, "instance-role", {
      namePrefix: `${MANAGED_INSTANCES_ROLE_PREFIX}-${clusterPart}${idPart}`,
      description: `ECS Managed Instances of cluster ${context.literalClusterName}`,
      assumeRolePolicy: ec2AssumeRolePolicy(),
      tags: tags("instance"),
    });
    const instancePolicy = new IamRolePolicyAttachment(this, "instance-policy", {
      role: this.instanceRole.name,
      policyArn: `arn:${context.partition}:iam::aws:policy/${MANAGED_INSTANCES_INSTANCE_POLICY}`,
    });
    this.instanceProfile = new IamInstanceProfile(this, "instance-profile", {
      namePrefix: `${MANAGED_INSTANCES_ROLE_PREFIX}-${clusterPart}${idPart}`,
      role: this.instanceRole.name,
      tags: tags("instance"),
    });

    const range = (value: { readonly min: number; readonly max?: number }) => ({
      min: value.min,
      ...(value.max !== undefined ? { max: value.max } : {}),
    });
    this.capacityProvider = new EcsCapacityProvider(this, "capacity-provider", {
      name: config.capacityProviderName,
      // Managed Instances providers are associated here, at creation: the cluster's
      // aws_ecs_cluster_capacity_providers cannot list them (#44783).
      cluster: context.clusterName,
      managedInstancesProvider: {
        infrastructureRoleArn: this.infrastructureRole.arn,
        propagateTags: config.propagateTags ? "CAPACITY_PROVIDER" : "NONE",
        ...(config.scaleInAfterSeconds !== undefined
          ? { infrastructureOptimization: { scaleInAfter: config.scaleInAfterSeconds } }
          : {}),
        instanceLaunchTemplate: {
          ec2InstanceProfileArn: this.instanceProfile.arn,
          monitoring: config.monitoring,
          networkConfiguration: { subnets: config.subnetIds, securityGroups: config.securityGroupIds },
          ...(config.storageSizeGib !== undefined
            ? { storageConfiguration: { storageSizeGib: config.storageSizeGib } }
            : {}),
          instanceRequirements: {
            vcpuCount: range(config.vcpuCount),
            memoryMib: range(config.memoryMib),
            ...(config.allowedInstanceTypes ? { allowedInstanceTypes: config.allowedInstanceTypes } : {}),
          },
        },
      },
      tags: { ...context.tags, Name: config.capacityProviderName },
      dependsOn: [...context.dependsOn, infrastructurePolicy, instancePolicy],
    });
    this.capacityProviderName = this.capacityProvider.name;
  }
}
