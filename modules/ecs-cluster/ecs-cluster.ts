import { IResolvable, ITerraformDependable, Lazy, Op, Token } from "cdktf";
import { Construct } from "constructs";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { EcsCluster as EcsClusterResource } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { INetwork } from "../network";
import { EcsCapacity, EcsCapacityContext } from "./capacity";
import {
  ClusterInstancesAttributes,
  DEFAULT_CAPACITY_ID,
  EcsClusterAttributes,
  EcsClusterBase,
  IClusterInstances,
  IEcsCluster,
  ImportedClusterInstances,
  ImportedEcsCluster,
} from "./cluster-ref";
import { ec2AssumeRolePolicy, instancePolicyStatements, PolicyStatementJson } from "./iam";
import { policyDocument } from "../shared/iam";
import { checkKnownKeys, Fail, failFor, keysOf } from "../shared/validation";
import {
  ClusterCapacityProviderStrategyItem,
  DEFAULT_EGRESS_PORTS,
  EcsCapacityOptions,
  EcsClusterProps,
  ManagedInstancesCapacityOptions,
} from "./props";
import { ManagedInstancesCapacity, resolveManagedInstancesConfig } from "./managed-instances";
import { resolveCapacityStrategy } from "../shared/capacity-strategy";
import {
  checkPrivateSubnetEgress,
  ClusterConfig,
  instanceSecurityGroupDescription,
  resolveCapacityConfig,
  resolveClusterConfig,
} from "./validation";

export { DEFAULT_CAPACITY_ID } from "./cluster-ref";

/** AWS's Fargate capacity providers, associated with a cluster by `fargateCapacityProviders`. */
export const FARGATE_CAPACITY_PROVIDERS: readonly string[] = ["FARGATE", "FARGATE_SPOT"];

/** A statement added to the instance role with {@link EcsCluster.grantToInstances}. */
export interface InstanceGrant {
  /** Statement id: letters and digits, unique in the role's policy. */
  readonly sid: string;
  /** Explicit actions, e.g. `["s3:GetObject"]`: no wildcards. */
  readonly actions: string[];
  /** Resource ARNs (patterns allowed), never a bare `*`. */
  readonly resources: string[];
  /**
   * IAM condition block.
   * @default - none
   */
  readonly condition?: Readonly<Record<string, Readonly<Record<string, string | string[]>>>>;
}

/** Every key of {@link InstanceGrant}. */
const INSTANCE_GRANT_KEYS = keysOf<InstanceGrant>()({
  sid: true,
  actions: true,
  resources: true,
  condition: true,
});

const SID_PATTERN = /^[A-Za-z0-9]{1,128}$/;
const EXPLICIT_ACTION_PATTERN = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/**
 * An ECS cluster whose capacity is an EC2 Auto Scaling group in the network's private subnets,
 * scaled by an ECS capacity provider: Container Insights on, ECS Exec logged to CloudWatch, a
 * least-privilege instance role, and an instance security group with no ingress until
 * {@link allowFrom} opens it. See README.md.
 *
 * It configures no provider, region, backend or outputs: the stack does.
 */
export class EcsCluster extends EcsClusterBase {
  /**
   * An existing ECS cluster as an {@link IEcsCluster}, for services, load balancers and the static
   * IP: no resource is created (a load balancer's ingress rule is added to its security group).
   * The attributes are validated first; errors read `EcsCluster.fromAttributes '<id>': …`.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: EcsClusterAttributes): IEcsCluster {
    return new ImportedEcsCluster(scope, id, attrs);
  }

  /**
   * The container instances of an existing cluster known only by their security group, for a
   * load balancer's `allowTrafficTo` in a stack that does not know the cluster itself: no resource
   * is created until a rule is added.
   */
  public static instancesFromAttributes(
    scope: Construct,
    id: string,
    attrs: ClusterInstancesAttributes,
  ): IClusterInstances {
    return new ImportedClusterInstances(scope, id, attrs);
  }

  /** The ECS cluster. */
  public readonly cluster: EcsClusterResource;
  /** Name of the cluster (a reference, so users depend on the cluster). */
  public readonly clusterName: string;
  /** ARN of the cluster. */
  public readonly clusterArn: string;
  /** The cluster's own capacity (launch template, Auto Scaling group, capacity provider). */
  public readonly defaultCapacity: EcsCapacity;
  /** The capacity provider of {@link defaultCapacity}, the cluster's default strategy. */
  public readonly capacityProvider: EcsCapacityProvider;
  /** Name of {@link capacityProvider}. */
  public readonly capacityProviderName: string;
  /** The Auto Scaling group of {@link defaultCapacity}. */
  public readonly autoScalingGroup: AutoscalingGroup;
  /** Its name. */
  public readonly autoScalingGroupName: string;
  /** Its ARN. */
  public readonly autoScalingGroupArn: string;
  /** The launch template of {@link defaultCapacity}. */
  public readonly launchTemplate: LaunchTemplate;
  /** The role of every container instance of the cluster. */
  public readonly instanceRole: IamRole;
  /** ARN of {@link instanceRole}. */
  public readonly instanceRoleArn: string;
  /** The instance profile holding {@link instanceRole}. */
  public readonly instanceProfile: IamInstanceProfile;
  /** The security group of every container instance of the cluster. */
  public readonly securityGroup: SecurityGroup;
  /** Id of {@link securityGroup}. */
  public readonly securityGroupId: string;
  /** The log group ECS Exec sessions are logged to, `/ecs/<clusterName>/exec`. */
  public readonly execLogGroup: CloudwatchLogGroup;
  /** ARN of the log group ECS Exec sessions are logged to (services scope their task roles' log permissions to it). */
  public readonly execLogGroupArn: string;
  /** The association of the capacity providers and the default strategy with the cluster. */
  public readonly clusterCapacityProviders: EcsClusterCapacityProviders;
  /**
   * Instance types of the cluster's capacity: its own group's, then each added group's, each
   * once, literal types only (a token type, e.g. a Terraform variable, is left out). Look them up
   * with `instanceCapacity()` to check that a task fits some instance.
   */
  public readonly instanceTypes: readonly string[];

  /** Whether AWS's `FARGATE` and `FARGATE_SPOT` providers are associated (`fargateCapacityProviders`). */
  public readonly fargateCapacityProviders: boolean;
  /** The network the cluster's instances are in (Fargate tasks default to its private subnets). */
  public readonly network: INetwork;

  private readonly config: ClusterConfig;
  private readonly capacityContext: EcsCapacityContext;
  private readonly capacities: EcsCapacity[] = [];
  private readonly literalInstanceTypes: string[] = [];
  private readonly grants: PolicyStatementJson[] = [];
  private readonly managedInstancesCapacities: ManagedInstancesCapacity[] = [];
  private readonly partition: string;
  protected readonly fail: Fail;

  /** Validates every prop (throwing before any resource is created), then builds the cluster. */
  public constructor(scope: Construct, id: string, props: EcsClusterProps) {
    super(scope, id);
    this.fail = failFor(`EcsCluster '${id}'`);
    this.config = resolveClusterConfig(this.fail, id, props);
    const clusterName = this.config.clusterName;
    const capacityConfig = resolveCapacityConfig(
      this.fail,
      DEFAULT_CAPACITY_ID,
      clusterName,
      { field: "network.privateSubnetIds", ids: props.network.privateSubnetIds },
      props,
    );
    checkPrivateSubnetEgress(
      this.fail,
      props.network,
      props.subnetIds,
      this.config.allowPrivateSubnetsWithoutNat,
    );
    this.network = props.network;
    this.fargateCapacityProviders = props.fargateCapacityProviders ?? false;
    if (typeof this.fargateCapacityProviders !== "boolean") {
      this.fail(
        "fargateCapacityProviders",
        this.fargateCapacityProviders,
        "be true or false (a literal: it decides whether Fargate services are accepted)",
        "e.g. true for a cluster with Fargate services",
      );
    }

    const defaultStrategy =
      props.defaultCapacityProviderStrategy === undefined
        ? undefined
        : resolveCapacityStrategy(
            this.fail,
            "defaultCapacityProviderStrategy",
            props.defaultCapacityProviderStrategy,
            "leave it unset for the default capacity's provider",
          );

    const partition = new DataAwsPartition(this, "partition").partition;
    this.partition = partition;
    const region = new DataAwsRegion(this, "region").region;
    const account = new DataAwsCallerIdentity(this, "account").accountId;

    this.execLogGroup = new CloudwatchLogGroup(this, "exec-log-group", {
      name: `/ecs/${clusterName}/exec`,
      retentionInDays: this.config.execLogRetentionDays,
      kmsKeyId: this.config.kmsKeyArn,
      tags: this.tagsFor("exec"),
    });

    this.cluster = new EcsClusterResource(this, "cluster", {
      name: clusterName,
      setting: [{ name: "containerInsights", value: this.config.containerInsights }],
      configuration: {
        executeCommandConfiguration: {
          kmsKeyId: this.config.kmsKeyArn,
          logging: "OVERRIDE",
          logConfiguration: {
            cloudWatchLogGroupName: this.execLogGroup.name,
            cloudWatchEncryptionEnabled: isSet(this.config.kmsKeyArn),
          },
        },
      },
      tags: this.tagsFor("cluster"),
    });
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.execLogGroupArn = this.execLogGroup.arn;

    const ecsArnPrefix = `arn:${partition}:ecs:${region}:${account}`;
    const baseStatements = instancePolicyStatements({
      clusterArn: this.clusterArn,
      ecsArnPrefix,
      ec2ArnPrefix: `arn:${partition}:ec2:${region}:${account}`,
      ecrRepositoryArns: this.config.ecrRepositoryArns ?? [
        `arn:${partition}:ecr:${region}:${account}:repository/*`,
      ],
      // One pattern covers the groups and their streams (`…:log-group:<name>:log-stream:<stream>`).
      logGroupArns: this.config.logGroupArns ?? [
        `arn:${partition}:logs:${region}:${account}:log-group:/ecs/${clusterName}/*`,
      ],
      enableSessionManager: this.config.enableSessionManager,
    });

    const namePrefix = Token.isUnresolved(clusterName) ? "ecs-" : `${clusterName.slice(0, 24)}-`;
    this.instanceRole = new IamRole(this, "instance-role", {
      namePrefix: `${namePrefix}instance-`,
      description: `ECS container instances of cluster ${clusterName}`,
      assumeRolePolicy: ec2AssumeRolePolicy(),
      tags: this.tagsFor("instance"),
    });
    this.instanceRoleArn = this.instanceRole.arn;
    const instancePolicy = new IamRolePolicy(this, "instance-policy", {
      role: this.instanceRole.id,
      name: "ecs-container-instance",
      // Lazy, so grantToInstances() can add statements after construction.
      policy: Lazy.stringValue({
        produce: () => policyDocument([...baseStatements, ...this.grants]),
      }),
    });
    this.instanceProfile = new IamInstanceProfile(this, "instance-profile", {
      namePrefix: `${namePrefix}instance-`,
      role: this.instanceRole.name,
      tags: this.tagsFor("instance"),
    });

    this.securityGroup = new SecurityGroup(this, "instance-sg", {
      namePrefix: `${namePrefix}instances-`,
      description: instanceSecurityGroupDescription(clusterName),
      vpcId: props.network.vpcId,
      tags: this.tagsFor("instances"),
    });
    this.securityGroupId = this.securityGroup.id;
    for (const port of DEFAULT_EGRESS_PORTS) {
      new VpcSecurityGroupEgressRule(this, `egress-${port}`, {
        securityGroupId: this.securityGroupId,
        description: `Instances to any IPv4 address on ${port}`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
        tags: this.tagsFor(`egress-${port}`),
      });
    }

    this.capacityContext = {
      clusterName,
      hostDnsUserData: props.network.hostDnsUserData(),
      instanceProfileArn: this.instanceProfile.arn,
      securityGroupId: this.securityGroupId,
      tags: this.config.tags,
      dependsOn: [this.cluster, instancePolicy],
    };
    this.defaultCapacity = new EcsCapacity(this, DEFAULT_CAPACITY_ID, {
      config: capacityConfig,
      context: this.capacityContext,
    });
    this.instanceTypes = this.literalInstanceTypes;
    this.addCapacity(this.defaultCapacity);
    this.launchTemplate = this.defaultCapacity.launchTemplate;
    this.autoScalingGroup = this.defaultCapacity.autoScalingGroup;
    this.autoScalingGroupName = this.defaultCapacity.autoScalingGroupName;
    this.autoScalingGroupArn = this.defaultCapacity.autoScalingGroupArn;
    this.capacityProvider = this.defaultCapacity.capacityProvider;
    this.capacityProviderName = this.defaultCapacity.capacityProviderName;

    // References to each capacity provider and the cluster: destroy removes this association
    // first, then the providers, then their groups, then the cluster.
    this.clusterCapacityProviders = new EcsClusterCapacityProviders(this, "capacity-providers", {
      clusterName: this.clusterName,
      capacityProviders: Lazy.listValue({
        produce: () => [
          ...this.capacityProviderNames,
          ...(this.fargateCapacityProviders ? FARGATE_CAPACITY_PROVIDERS : []),
        ],
      }),
      defaultCapacityProviderStrategy:
        defaultStrategy === undefined
          ? [{ capacityProvider: this.capacityProviderName, weight: 1, base: 0 }]
          : Lazy.anyValue({ produce: () => this.defaultStrategyBlocks(defaultStrategy) }),
    });
  }

  /**
   * The default strategy as Terraform blocks, checked against the providers the cluster has once
   * every capacity is added (at synth time): names given literally are matched to the capacities'
   * names, which resolve to their references (so the association waits for them).
   */
  private defaultStrategyBlocks(strategy: readonly ClusterCapacityProviderStrategyItem[]): object[] {
    const field = "defaultCapacityProviderStrategy";
    const byName = new Map<string, string>();
    for (const capacity of this.capacities) {
      byName.set(capacity.config.capacityProviderName, capacity.capacityProviderName);
      byName.set(capacity.capacityProviderName, capacity.capacityProviderName);
    }
    const managed = new Set<string>();
    for (const capacity of this.managedInstancesCapacities) {
      managed.add(capacity.config.capacityProviderName);
      managed.add(capacity.capacityProviderName);
    }
    let kinds = 0;
    let fargate = false;
    let autoScaling = false;
    const blocks = strategy.map((item) => {
      const name = item.capacityProvider;
      if (managed.has(name)) {
        this.fail(
          field,
          name,
          "not name a Managed Instances capacity: the cluster's aws_ecs_cluster_capacity_providers " +
            "(which also holds its Auto Scaling group providers) would have to list it, and ECS " +
            "refuses Managed Instances providers through PutClusterCapacityProviders " +
            "(hashicorp/terraform-provider-aws#44783)",
          "name it in the services' capacityProviderStrategy instead, and keep the default strategy on " +
            "Auto Scaling group (or Fargate) providers",
        );
      }
      let resolved = byName.get(name);
      if (resolved !== undefined) {
        autoScaling = true;
      } else if (FARGATE_CAPACITY_PROVIDERS.includes(name) && this.fargateCapacityProviders) {
        resolved = name;
        fargate = true;
      } else if (Token.isUnresolved(name)) {
        resolved = name;
      } else {
        const known = [
          ...this.capacities.map((capacity) => capacity.config.capacityProviderName),
          ...(this.fargateCapacityProviders ? FARGATE_CAPACITY_PROVIDERS : []),
        ];
        this.fail(
          field,
          name,
          `name a capacity provider of the cluster (${known.join(", ")})`,
          FARGATE_CAPACITY_PROVIDERS.includes(name)
            ? "set fargateCapacityProviders: true to associate FARGATE and FARGATE_SPOT"
            : "use e.g. cluster.capacityProviderName, or add the capacity first",
        );
      }
      return { capacity_provider: resolved, weight: item.weight, base: item.base };
    });
    kinds = (fargate ? 1 : 0) + (autoScaling ? 1 : 0);
    if (kinds > 1) {
      this.fail(
        field,
        strategy.map((item) => item.capacityProvider),
        "not mix Auto Scaling group and Fargate capacity providers (ECS refuses such a strategy)",
        "keep one kind in the default strategy; services can name the other in their own strategy",
      );
    }
    return blocks;
  }

  /**
   * Adds an ECS Managed Instances capacity provider: ECS itself launches, patches and terminates
   * instances meeting the requirements, in the network's private subnets (by default) with the
   * cluster's instance security group (by default). It gets its own infrastructure role and
   * instance role and profile (see the README's IAM section). It is associated with the cluster by
   * its `cluster` argument, after the cluster's capacity provider association, and is not in the
   * cluster's default strategy (hashicorp/terraform-provider-aws#44783): services run on it with
   * `compute: { type: "managedInstances", capacity }`. Options are validated first; errors read
   * `EcsCluster '<id>' capacity '<capacity id>': …`.
   */
  public addManagedInstancesCapacity(
    id: string,
    options: ManagedInstancesCapacityOptions,
  ): ManagedInstancesCapacity {
    const fail = failFor(`EcsCluster '${this.node.id}' capacity '${id}'`);
    const config = resolveManagedInstancesConfig(
      fail,
      id,
      this.config.clusterName,
      { subnetIds: this.network.privateSubnetIds, securityGroupId: this.securityGroupId },
      options,
    );
    const name = config.capacityProviderName;
    const taken = [
      ...this.capacities.map((capacity) => capacity.config.capacityProviderName),
      ...this.managedInstancesCapacities.map((capacity) => capacity.config.capacityProviderName),
    ];
    if (!Token.isUnresolved(name) && taken.includes(name)) {
      fail("capacityProviderName", name, "be unique among the cluster's capacity providers", "rename it");
    }
    const capacity = new ManagedInstancesCapacity(this, id, {
      config,
      context: {
        clusterName: this.clusterName,
        literalClusterName: this.config.clusterName,
        partition: this.partition,
        tags: this.config.tags,
        dependsOn: [this.clusterCapacityProviders],
      },
    });
    this.managedInstancesCapacities.push(capacity);
    return capacity;
  }

  /** The Managed Instances capacities added with {@link addManagedInstancesCapacity}. */
  public get managedInstances(): readonly ManagedInstancesCapacity[] {
    return [...this.managedInstancesCapacities];
  }

  /** The name as given (`clusterName` or the construct id), undefined for a token. */
  public get literalClusterName(): string | undefined {
    return Token.isUnresolved(this.config.clusterName) ? undefined : this.config.clusterName;
  }

  /** {@link clusterCapacityProviders}: services wait for it before their strategy names a provider. */
  public get capacityProviderAssociation(): ITerraformDependable {
    return this.clusterCapacityProviders;
  }

  /** Whether every capacity's instance type is literal, so {@link instanceTypes} lists them all. */
  public get allInstanceTypesKnown(): boolean {
    return this.capacities.every((capacity) => !Token.isUnresolved(capacity.config.instanceType));
  }

  /** Names of every capacity provider of the cluster: its own first, then the added ones. */
  public get capacityProviderNames(): string[] {
    return this.capacities.map((capacity) => capacity.capacityProviderName);
  }

  /**
   * Adds an Auto Scaling group as extra capacity: its own launch template (with, e.g., custom
   * `instanceAttributes` for placement constraints), group and capacity provider, registered with
   * the cluster but not in its default strategy (tasks reach it through an explicit capacity
   * provider strategy or placement constraint). It shares the cluster's instance role, profile and
   * security group. Options are validated first; errors read `EcsCapacity '<id>': …`.
   */
  public addAutoScalingGroupCapacity(id: string, options: EcsCapacityOptions = {}): EcsCapacity {
    const { fail, config } = this.resolveAddedCapacity(
      id,
      options,
      this.config.clusterName,
      this.network.privateSubnetIds,
    );
    checkPrivateSubnetEgress(
      fail,
      this.network,
      options.subnetIds,
      this.config.allowPrivateSubnetsWithoutNat,
    );
    const capacity = new EcsCapacity(this, id, { config, context: this.capacityContext });
    this.addCapacity(capacity);
    return capacity;
  }

  private addCapacity(capacity: EcsCapacity): void {
    this.capacities.push(capacity);
    const type = capacity.config.instanceType;
    if (!Token.isUnresolved(type) && !this.literalInstanceTypes.includes(type)) {
      this.literalInstanceTypes.push(type);
    }
  }

  /**
   * Adds a statement to the instance role's inline policy, for something every container instance
   * (not a task: give tasks task roles) must do. Explicit actions only, scoped to ARNs.
   */
  public grantToInstances(grant: InstanceGrant): void {
    const fail = this.fail;
    checkKnownKeys(fail, "grant", grant, INSTANCE_GRANT_KEYS);
    if (!SID_PATTERN.test(grant.sid) || this.grants.some((statement) => statement.Sid === grant.sid)) {
      fail("grant.sid", grant.sid, "be 1 to 128 letters or digits, unique in the role", "rename it");
    }
    if (grant.actions.length === 0) fail("grant.actions", grant.actions, "list an action", "add one");
    for (const action of grant.actions) {
      if (!EXPLICIT_ACTION_PATTERN.test(action)) {
        fail("grant.actions", action, "be an explicit service:Action, without wildcards", "list each action");
      }
    }
    if (grant.resources.length === 0) fail("grant.resources", grant.resources, "list a resource", "add one");
    if (grant.resources.includes("*")) {
      fail("grant.resources", grant.resources, 'not include "*"', "scope the grant to ARNs");
    }
    this.grants.push({
      Sid: grant.sid,
      Effect: "Allow",
      Action: [...grant.actions],
      Resource: [...grant.resources],
      ...(grant.condition ? { Condition: grant.condition } : {}),
    });
  }

  protected tagsFor(suffix: string): Record<string, string> {
    return { ...this.config.tags, Name: `${this.config.clusterName}-${suffix}` };
  }
}

/** Whether an optional value is set: `!= null` in Terraform for a token (a variable may be null). */
function isSet(value: string | undefined): boolean | IResolvable {
  if (value === undefined) return false;
  return Token.isUnresolved(value) ? Op.neq(value, Token.nullValue()) : true;
}
