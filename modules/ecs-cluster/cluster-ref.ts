import { Annotations, Fn, ITerraformDependable, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import {
  VpcSecurityGroupIngressRule,
  VpcSecurityGroupIngressRuleConfig,
} from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { checkAwsId, checkConstruct, checkKnownKeys, Fail, failFor, keysOf } from "../shared/validation";
import { INetwork, Network } from "../network";
import { EcsCapacity } from "./capacity";
import type { EcsCapacityOptions, PortSpec, SecurityGroupPeer } from "./props";
import type { IManagedInstancesCapacity } from "./managed-instances";
import {
  CAPACITY_PROVIDER_NAME_PATTERN,
  CapacityConfig,
  checkCapacityOptionKeys,
  resolveCapacityConfig,
  CLUSTER_NAME_PATTERN,
  checkNameTag,
  checkRuleDescription,
  INSTANCE_TYPE_PATTERN,
  LOG_GROUP_ARN_PATTERN,
  PortRange,
  resolvePortRange,
} from "./validation";

/** Id of a cluster's own capacity (and the suffix of its default names). */
export const DEFAULT_CAPACITY_ID = "default";

/** Marks every {@link IEcsCluster} this library made, also across copies of the package. */
const ECS_CLUSTER_SYMBOL = Symbol.for("@ecs-cdktf/modules/ecs-cluster.IEcsCluster");

/**
 * The container instances of a cluster as a load balancer reaches them: their security group and
 * its rules. Every {@link IEcsCluster} is one; {@link EcsCluster.instancesFromAttributes} imports
 * just the security group (for a load balancer in a stack that does not know the cluster).
 */
export interface IClusterInstances extends IConstruct {
  /** Id of the security group of the cluster's container instances. */
  readonly securityGroupId: string;
  /**
   * Allows TCP from `peer`'s security group to the instances on `port` (one port or a range).
   * The rule's Terraform id is derived from the description and ports, so keep both stable.
   */
  allowFrom(peer: SecurityGroupPeer, port: PortSpec, description: string): VpcSecurityGroupIngressRule;
  /** Allows TCP from the instances to `peer`'s security group on `port`. */
  allowTo(peer: SecurityGroupPeer, port: PortSpec, description: string): VpcSecurityGroupEgressRule;
}

/**
 * What services, load balancers and the static IP read of a cluster: an {@link EcsCluster} built
 * here, or one that exists already, imported with {@link EcsCluster.fromAttributes}.
 */
export interface IEcsCluster extends IClusterInstances {
  /** Name of the cluster (for a built cluster, a reference, so users depend on the cluster). */
  readonly clusterName: string;
  /**
   * The cluster's name when it is known at synth time (a literal), for the checks of the names
   * derived from it; undefined for a token (e.g. a Terraform variable).
   */
  readonly literalClusterName: string | undefined;
  /** ARN of the cluster. */
  readonly clusterArn: string;
  /** Name of the capacity provider of the cluster's default strategy. */
  readonly capacityProviderName: string;
  /** ARN of the log group ECS Exec sessions are logged to; undefined when the cluster has none. */
  readonly execLogGroupArn: string | undefined;
  /**
   * What a service must wait for before its capacity provider strategy may name the provider (the
   * association of the providers with the cluster); undefined when it exists already.
   */
  readonly capacityProviderAssociation: ITerraformDependable | undefined;
  /**
   * Instance types of the cluster's capacity, literal ones only: services check that their task
   * fits one of them. Empty when not known.
   */
  readonly instanceTypes: readonly string[];
  /** Whether {@link instanceTypes} lists every capacity's type (none is a token or unknown). */
  readonly allInstanceTypesKnown: boolean;
  /**
   * Whether AWS's `FARGATE` and `FARGATE_SPOT` capacity providers are associated with the cluster:
   * Fargate services need them in their capacity provider strategy.
   */
  readonly fargateCapacityProviders: boolean;
  /** The cluster's network (Fargate tasks default to its private subnets); undefined when not known. */
  readonly network: INetwork | undefined;
  /**
   * The cluster's Managed Instances capacities, when known (an {@link EcsCluster}'s): services on
   * EC2 compute refuse a strategy naming them, and services on them check they are the cluster's.
   * Undefined for an imported cluster (the checks are skipped).
   */
  readonly managedInstances?: readonly IManagedInstancesCapacity[];
  /**
   * Adds an Auto Scaling group as extra capacity (see {@link EcsCluster.addAutoScalingGroupCapacity});
   * an imported cluster refuses, naming why.
   */
  addAutoScalingGroupCapacity(id: string, options?: EcsCapacityOptions): EcsCapacity;
}

/**
 * The security group rules of a cluster's instances ({@link allowFrom}, {@link allowTo}), each with
 * an id derived from its description and ports: what every cluster, built or imported, shares.
 * Exported as the base of {@link EcsClusterBase}; import instances with
 * `EcsCluster.instancesFromAttributes` rather than extending it.
 */
export abstract class ClusterInstancesBase extends Construct implements IClusterInstances {
  /** See the interface's `securityGroupId`. */
  public abstract readonly securityGroupId: string;

  /** Errors of the construct's methods: `EcsCluster '<id>': …`. */
  protected abstract readonly fail: Fail;
  private readonly ruleIds = new Set<string>();

  /**
   * Allows TCP from `peer`'s security group to the instances on `port` (one port or a range), e.g.
   * a load balancer to the dynamic host ports of bridge-mode tasks (32768–65535). The rule's
   * Terraform id is derived from the description and ports, so keep both stable.
   */
  public allowFrom(
    peer: SecurityGroupPeer,
    port: PortSpec,
    description: string,
  ): VpcSecurityGroupIngressRule {
    return this.addRule(VpcSecurityGroupIngressRule, "ingress", peer, port, description);
  }

  /**
   * Allows TCP from the instances to `peer`'s security group on `port`, for destinations the
   * default egress (443 and 80 to any IPv4 address) does not cover, e.g. a database on 5432.
   */
  public allowTo(peer: SecurityGroupPeer, port: PortSpec, description: string): VpcSecurityGroupEgressRule {
    return this.addRule(VpcSecurityGroupEgressRule, "egress-to", peer, port, description);
  }

  private addRule<R>(
    rule: new (scope: Construct, id: string, config: VpcSecurityGroupIngressRuleConfig) => R,
    kind: string,
    peer: SecurityGroupPeer,
    port: PortSpec,
    description: string,
  ): R {
    const range = resolvePortRange(this.fail, port);
    checkRuleDescription(this.fail, description);
    const id = this.ruleId(kind, description, range);
    return new rule(this, id, {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: peer.securityGroupId,
      ipProtocol: "tcp",
      fromPort: range.from,
      toPort: range.to,
      description,
      tags: this.tagsFor(id),
    });
  }

  /** Tags of a resource the construct adds, with the Name `<clusterName>-<suffix>`. */
  protected abstract tagsFor(suffix: string): Record<string, string>;

  private ruleId(kind: string, description: string, range: PortRange): string {
    const slug = description
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40);
    const ports = range.from === range.to ? `${range.from}` : `${range.from}-${range.to}`;
    const id = `${kind}-${slug}-${ports}`;
    checkNameTag(
      this.fail,
      "description",
      description,
      this.tagsFor(id).Name ?? id,
      "shorten the description (its first 40 letters and digits name the rule) or clusterName",
    );
    if (this.ruleIds.has(id)) {
      this.fail(
        "description",
        description,
        `be unique per port (${ports})`,
        "describe each peer differently",
      );
    }
    this.ruleIds.add(id);
    return id;
  }
}

/**
 * What {@link EcsCluster} and an imported cluster share: the {@link IEcsCluster} mark, the
 * security group rules, and the check of a new capacity's id. Exported as the base of `EcsCluster`
 * and for {@link EcsClusterBase.isEcsCluster} (also `EcsCluster.isEcsCluster`); build an
 * `EcsCluster` or import one with `EcsCluster.fromAttributes` rather than extending it.
 */
export abstract class EcsClusterBase extends ClusterInstancesBase implements IEcsCluster {
  /** Whether `x` is an {@link IEcsCluster} (built or imported), by a symbol rather than a class. */
  public static isEcsCluster(x: unknown): x is IEcsCluster {
    return typeof x === "object" && x !== null && ECS_CLUSTER_SYMBOL in x;
  }

  /** See the interface's `clusterName`. */
  public abstract readonly clusterName: string;
  /** See the interface's `literalClusterName`. */
  public abstract readonly literalClusterName: string | undefined;
  /** See the interface's `clusterArn`. */
  public abstract readonly clusterArn: string;
  /** See the interface's `capacityProviderName`. */
  public abstract readonly capacityProviderName: string;
  /** See the interface's `execLogGroupArn`. */
  public abstract readonly execLogGroupArn: string | undefined;
  /** See the interface's `capacityProviderAssociation`. */
  public abstract readonly capacityProviderAssociation: ITerraformDependable | undefined;
  /** See the interface's `instanceTypes`. */
  public abstract readonly instanceTypes: readonly string[];
  /** See the interface's `allInstanceTypesKnown`. */
  public abstract readonly allInstanceTypesKnown: boolean;
  /** See the interface's `fargateCapacityProviders`. */
  public abstract readonly fargateCapacityProviders: boolean;
  /** See the interface's `network`. */
  public abstract readonly network: INetwork | undefined;

  protected constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, ECS_CLUSTER_SYMBOL, { value: true });
  }

  public abstract addAutoScalingGroupCapacity(id: string, options?: EcsCapacityOptions): EcsCapacity;

  /**
   * The validated configuration of a capacity `addAutoScalingGroupCapacity` adds: its options' keys,
   * an id that is kebab-case, not the default's and unique in the cluster, then every option
   * (`privateSubnetIds`: the network's, the default subnets). Errors read `EcsCapacity '<id>': …`.
   */
  protected resolveAddedCapacity(
    id: string,
    options: EcsCapacityOptions,
    clusterName: string,
    privateSubnetIds: string[],
  ): { fail: Fail; config: CapacityConfig } {
    const fail = failFor(`EcsCapacity '${id}'`);
    checkCapacityOptionKeys(fail, options);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || id === DEFAULT_CAPACITY_ID) {
      fail("id", id, `be kebab-case and not "${DEFAULT_CAPACITY_ID}"`, "e.g. edge-a");
    }
    if (this.node.tryFindChild(id) !== undefined) {
      fail("id", id, "be unique in the cluster", "choose another id");
    }
    const config = resolveCapacityConfig(
      fail,
      id,
      clusterName,
      { field: "network.privateSubnetIds", ids: privateSubnetIds },
      options,
    );
    return { fail, config };
  }
}

/**
 * The instances of a cluster known only by their security group, as
 * {@link EcsCluster.instancesFromAttributes} imports them.
 */
export class ImportedClusterInstances extends ClusterInstancesBase {
  public readonly securityGroupId: string;
  protected readonly fail: Fail;
  private readonly tags: Readonly<Record<string, string>>;

  /** Validates the attributes (throwing before the construct is added to `scope`). */
  public constructor(scope: Construct, id: string, attrs: ClusterInstancesAttributes) {
    const fail = failFor(`EcsCluster.instancesFromAttributes '${id}'`);
    checkKnownKeys(fail, "", attrs, CLUSTER_INSTANCES_ATTRIBUTE_KEYS);
    checkAwsId(fail, "securityGroupId", attrs.securityGroupId, "securityGroup");
    if (attrs.tags !== undefined && !Token.isUnresolved(attrs.tags) && "Name" in attrs.tags) {
      fail("tags", attrs.tags, "not set Name (each rule gets its own Name tag)", "drop the Name tag");
    }
    super(scope, id);
    this.fail = fail;
    this.securityGroupId = attrs.securityGroupId;
    this.tags = attrs.tags ?? {};
  }

  /** The given tags and the Name `<construct id>-<suffix>` (merged by Terraform for a token map). */
  protected tagsFor(suffix: string): Record<string, string> {
    const name = { Name: `${this.node.id}-${suffix}` };
    return Token.isUnresolved(this.tags)
      ? Token.asStringMap(Fn.merge([this.tags, name]))
      : { ...this.tags, ...name };
  }
}

/** Attributes of {@link EcsCluster.instancesFromAttributes}. */
export interface ClusterInstancesAttributes {
  /** Id of the security group of the cluster's container instances. */
  readonly securityGroupId: string;
  /**
   * Tags of the rules added to it, next to their Name tag (a token map, e.g. a variable, too).
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Every key of {@link ClusterInstancesAttributes}. */
const CLUSTER_INSTANCES_ATTRIBUTE_KEYS: readonly string[] = keysOf<ClusterInstancesAttributes>()({
  securityGroupId: true,
  tags: true,
});

/**
 * Attributes of an existing ECS cluster for {@link EcsCluster.fromAttributes}: the cluster, the
 * capacity provider its services use and its instances' security group, as another stack, team or
 * Terraform configuration made them.
 */
export interface EcsClusterAttributes {
  /** Name of the cluster: 1 to 255 letters, digits, hyphens and underscores (or a token). */
  readonly clusterName: string;
  /** ARN of the cluster, e.g. `arn:aws:ecs:eu-west-2:123456789012:cluster/platform`. */
  readonly clusterArn: string;
  /**
   * Name of the capacity provider services use (their strategy names it, weight 1).
   * @default - not known: reading it (a service does) fails, naming this attribute
   */
  readonly capacityProviderName?: string;
  /**
   * Id of the security group of the cluster's container instances: load balancers get ingress to
   * it on the dynamic host ports.
   * @default - not known: reading it fails, naming this attribute (import the load balancer with
   * manageClusterRules: false when its rules to the instances exist already)
   */
  readonly securityGroupId?: string;
  /**
   * ARN of the log group ECS Exec sessions are logged to; services with `enableExecuteCommand` need
   * it to scope the task role's log permissions.
   * @default - none: services cannot enable ECS Exec
   */
  readonly execLogGroupArn?: string;
  /**
   * Instance types of the cluster's capacity: services check that their task fits one of them.
   * @default - not known: the check is skipped
   */
  readonly instanceTypes?: string[];
  /**
   * ARN of the instance profile of the cluster's container instances. With it, capacity can be
   * added here ({@link IEcsCluster.addAutoScalingGroupCapacity}, e.g. by the static IP): its
   * capacity provider must then be associated with the cluster where the cluster is defined (a
   * synth-time warning names it).
   * @default - none: adding capacity is refused
   */
  readonly instanceProfileArn?: string;
  /**
   * The cluster's network: added capacity is placed in its private subnets and its instances get
   * its host DNS user data.
   * @default - none: added capacity needs its subnetIds
   */
  readonly network?: INetwork;
  /**
   * What services must wait for before their capacity provider strategy names a provider, e.g. a
   * Terraform variable or data source read from the cluster's capacity provider association.
   * @default - nothing: the association exists already
   */
  readonly capacityProviderAssociation?: ITerraformDependable;
  /**
   * Whether AWS's `FARGATE` and `FARGATE_SPOT` capacity providers are associated with the cluster
   * (where it is defined): Fargate services are refused without them.
   * @default false
   */
  readonly fargateCapacityProviders?: boolean;
}

/** Every key of {@link EcsClusterAttributes}. */
export const ECS_CLUSTER_ATTRIBUTE_KEYS: readonly string[] = keysOf<EcsClusterAttributes>()({
  clusterName: true,
  clusterArn: true,
  capacityProviderName: true,
  securityGroupId: true,
  execLogGroupArn: true,
  instanceTypes: true,
  instanceProfileArn: true,
  network: true,
  capacityProviderAssociation: true,
  fargateCapacityProviders: true,
});

const INSTANCE_PROFILE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:instance-profile\/[\w+=,.@/-]{1,128}$/;
const CLUSTER_ARN_PATTERN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/;

/** A cluster that exists already, as {@link EcsCluster.fromAttributes} imports it. */
export class ImportedEcsCluster extends EcsClusterBase {
  public readonly clusterName: string;
  public readonly literalClusterName: string | undefined;
  public readonly clusterArn: string;
  public readonly execLogGroupArn: string | undefined;
  public readonly capacityProviderAssociation: ITerraformDependable | undefined;
  public readonly instanceTypes: readonly string[];
  public readonly allInstanceTypesKnown: boolean;
  public readonly fargateCapacityProviders: boolean;
  public readonly network: INetwork | undefined;

  protected readonly fail: Fail;
  private readonly attrs: EcsClusterAttributes;

  /** Validates `attrs` (throwing before the construct is added to `scope`), then holds them. */
  public constructor(scope: Construct, id: string, attrs: EcsClusterAttributes) {
    const fail = failFor(`EcsCluster.fromAttributes '${id}'`);
    checkEcsClusterAttributes(fail, attrs);
    super(scope, id);
    this.fail = fail;
    this.clusterName = attrs.clusterName;
    this.literalClusterName = Token.isUnresolved(attrs.clusterName) ? undefined : attrs.clusterName;
    this.clusterArn = attrs.clusterArn;
    this.execLogGroupArn = attrs.execLogGroupArn;
    this.capacityProviderAssociation = attrs.capacityProviderAssociation;
    this.fargateCapacityProviders = attrs.fargateCapacityProviders ?? false;
    this.network = attrs.network;
    this.attrs = attrs;
    const types = attrs.instanceTypes ?? [];
    this.instanceTypes = [...new Set(types.filter((type) => !Token.isUnresolved(type)))];
    this.allInstanceTypesKnown =
      attrs.instanceTypes !== undefined &&
      !Token.isUnresolved(types) &&
      this.instanceTypes.length === types.length;
  }

  /** The given capacityProviderName; fails when it was not (services name it in their strategy). */
  public get capacityProviderName(): string {
    const name = this.attrs.capacityProviderName;
    if (name === undefined) {
      this.fail(
        "capacityProviderName",
        name,
        "be given: services name the capacity provider in their strategy",
        "give EcsCluster.fromAttributes the capacityProviderName",
      );
    }
    return name;
  }

  /** The instances' security group; fails when it was not given (see {@link EcsClusterAttributes}). */
  public get securityGroupId(): string {
    const securityGroupId = this.attrs.securityGroupId;
    if (securityGroupId === undefined) {
      this.fail(
        "securityGroupId",
        securityGroupId,
        "be given: a load balancer or the static IP adds rules to the instances' security group",
        "give EcsCluster.fromAttributes the securityGroupId, or import the load balancer with manageClusterRules: false when its rules exist",
      );
    }
    return securityGroupId;
  }

  /**
   * Adds an Auto Scaling group as capacity, as {@link EcsCluster.addAutoScalingGroupCapacity} does,
   * with the cluster's instance profile and security group. Its capacity provider is not associated
   * with the cluster here: ECS holds a cluster's providers in one association
   * (`aws_ecs_cluster_capacity_providers`), which the cluster's own stack owns; a synth-time warning
   * says so. Refused without `instanceProfileArn`.
   */
  public addAutoScalingGroupCapacity(id: string, options: EcsCapacityOptions = {}): EcsCapacity {
    const { instanceProfileArn, network } = this.attrs;
    if (instanceProfileArn === undefined) {
      this.fail(
        "instanceProfileArn",
        instanceProfileArn,
        `be given to add capacity '${id}' (its instances need the cluster's instance profile)`,
        "give EcsCluster.fromAttributes the instanceProfileArn, or add the capacity where the cluster is defined",
      );
    }
    const { config } = this.resolveAddedCapacity(
      id,
      options,
      this.clusterName,
      network?.privateSubnetIds ?? [],
    );
    const capacity = new EcsCapacity(this, id, {
      config,
      context: {
        clusterName: this.clusterName,
        hostDnsUserData: network?.hostDnsUserData() ?? "",
        instanceProfileArn,
        securityGroupId: this.securityGroupId,
        tags: {},
        // The cluster and its instance role are another stack's: nothing here to wait for.
        dependsOn: [],
      },
    });
    Annotations.of(capacity).addWarning(
      `Capacity '${id}' was added to imported cluster '${this.node.id}': associate its capacity provider ` +
        `(capacityProviderName) with the cluster where the cluster is defined (its capacity providers), ` +
        "or tasks placed on it stay PENDING.",
    );
    return capacity;
  }

  /** Only the Name tag, `<clusterName>-<suffix>` (the construct id for a token name). */
  protected tagsFor(suffix: string): Record<string, string> {
    return { Name: `${this.literalClusterName ?? this.node.id}-${suffix}` };
  }
}

/** Validates every attribute of an imported cluster; literal checks skip unresolved tokens. */
export function checkEcsClusterAttributes(fail: Fail, attrs: EcsClusterAttributes): void {
  if (typeof attrs !== "object" || attrs === null) {
    fail(
      "attributes",
      attrs,
      "be an object of EcsClusterAttributes",
      "pass { clusterName, clusterArn, capacityProviderName, securityGroupId }",
    );
  }
  checkKnownKeys(fail, "", attrs, ECS_CLUSTER_ATTRIBUTE_KEYS);
  const check = (field: string, value: unknown, pattern: RegExp, must: string, example: string): void => {
    if (typeof value !== "string" || (!Token.isUnresolved(value) && !pattern.test(value))) {
      fail(field, value, must, `e.g. ${example}`);
    }
  };
  check(
    "clusterName",
    attrs.clusterName,
    CLUSTER_NAME_PATTERN,
    "be 1 to 255 letters, digits, hyphens and underscores",
    "platform",
  );
  check(
    "clusterArn",
    attrs.clusterArn,
    CLUSTER_ARN_PATTERN,
    "be an ECS cluster ARN",
    "arn:aws:ecs:eu-west-2:123456789012:cluster/platform",
  );
  const arnName = attrs.clusterArn.split("/")[1];
  if (
    !Token.isUnresolved(attrs.clusterArn) &&
    !Token.isUnresolved(attrs.clusterName) &&
    arnName !== attrs.clusterName
  ) {
    fail(
      "clusterArn",
      attrs.clusterArn,
      `be the ARN of the cluster clusterName names ("${attrs.clusterName}")`,
      "give the name and the ARN of the same cluster",
    );
  }
  if (attrs.capacityProviderName !== undefined)
    check(
      "capacityProviderName",
      attrs.capacityProviderName,
      CAPACITY_PROVIDER_NAME_PATTERN,
      "be 1 to 255 letters, digits, hyphens and underscores",
      "platform-default",
    );
  if (attrs.securityGroupId !== undefined)
    checkAwsId(fail, "securityGroupId", attrs.securityGroupId, "securityGroup");
  if (attrs.execLogGroupArn !== undefined) {
    check(
      "execLogGroupArn",
      attrs.execLogGroupArn,
      LOG_GROUP_ARN_PATTERN,
      "be a CloudWatch Logs log group ARN",
      "arn:aws:logs:eu-west-2:123456789012:log-group:/ecs/platform/exec",
    );
  }
  if (attrs.instanceProfileArn !== undefined) {
    check(
      "instanceProfileArn",
      attrs.instanceProfileArn,
      INSTANCE_PROFILE_ARN_PATTERN,
      "be an IAM instance profile ARN",
      "arn:aws:iam::123456789012:instance-profile/platform-instances",
    );
  }
  if (attrs.network !== undefined)
    checkConstruct(fail, "network", attrs.network, Network.isNetwork, "Network");
  if (attrs.fargateCapacityProviders !== undefined && typeof attrs.fargateCapacityProviders !== "boolean") {
    fail(
      "fargateCapacityProviders",
      attrs.fargateCapacityProviders,
      "be true or false (a literal: it decides whether Fargate services are accepted)",
      "e.g. true when the cluster's capacity providers include FARGATE",
    );
  }
  if (attrs.instanceTypes !== undefined) {
    if (!Array.isArray(attrs.instanceTypes)) {
      fail(
        "instanceTypes",
        attrs.instanceTypes,
        "be a list of instance types",
        'e.g. ["t3.small"]; omit it when not known',
      );
    }
    if (!Token.isUnresolved(attrs.instanceTypes)) {
      attrs.instanceTypes.forEach((type, i) =>
        check(`instanceTypes[${i}]`, type, INSTANCE_TYPE_PATTERN, "be an EC2 instance type", "t3.small"),
      );
    }
  }
}
