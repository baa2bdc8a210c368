import { Fn, ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { AutoscalingGroup, AutoscalingGroupTag } from "@cdktf/provider-aws/lib/autoscaling-group";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { encodeUserData, renderEcsUserData } from "./user-data";
import { CapacityConfig, launchTemplateDescription } from "./validation";

/** What a capacity takes from its cluster. */
export interface EcsCapacityContext {
  /** The cluster's name as a literal (it goes into the user data). */
  readonly clusterName: string;
  /** Bash from `Network.hostDnsUserData()`. */
  readonly hostDnsUserData: string;
  readonly instanceProfileArn: string;
  readonly securityGroupId: string;
  readonly tags: Readonly<Record<string, string>>;
  /**
   * What the Auto Scaling group must be created after and destroyed before: the cluster (its
   * instances register in it, and ECS refuses to delete a cluster with registered instances) and
   * the instance role's policy (the agent needs it on first boot).
   */
  readonly dependsOn: ITerraformDependable[];
}

/** Props of {@link EcsCapacity}: a validated configuration and the cluster's context. */
export interface EcsCapacityProps {
  readonly config: CapacityConfig;
  readonly context: EcsCapacityContext;
}

/** Tag ECS expects on an Auto Scaling group (and its instances) that a capacity provider scales. */
export const ECS_MANAGED_TAG_KEY = "AmazonECSManaged";

/**
 * One Auto Scaling group of ECS container instances and its capacity provider: a launch template
 * (ECS-optimized AL2023, IMDSv2 only, encrypted gp3 root, no SSH key), the group (rolling instance
 * refresh on template changes, force delete) and a capacity provider with managed scaling and
 * draining. Created by `EcsCluster`: its own capacity, and each `addAutoScalingGroupCapacity`.
 */
export class EcsCapacity extends Construct {
  /** The launch template. */
  public readonly launchTemplate: LaunchTemplate;
  /** The Auto Scaling group. */
  public readonly autoScalingGroup: AutoscalingGroup;
  /** Name of {@link autoScalingGroup}. */
  public readonly autoScalingGroupName: string;
  /** ARN of {@link autoScalingGroup}. */
  public readonly autoScalingGroupArn: string;
  /** The ECS capacity provider of the group. */
  public readonly capacityProvider: EcsCapacityProvider;
  /** Name of {@link capacityProvider}. */
  public readonly capacityProviderName: string;
  /** The user data script, before base64. */
  public readonly userDataScript: string;
  /** The configuration the capacity was built from. */
  public readonly config: CapacityConfig;

  public constructor(scope: Construct, id: string, props: EcsCapacityProps) {
    super(scope, id);
    const { config, context } = props;
    this.config = config;
    const name = config.autoScalingGroupName;
    const tagsWithName = { ...context.tags, Name: name };

    const imageId =
      config.amiId ??
      new DataAwsSsmParameter(this, "ami", { name: config.amiSsmParameterName }).insecureValue;

    this.userDataScript = renderEcsUserData({
      clusterName: context.clusterName,
      containerStopTimeoutSeconds: config.containerStopTimeoutSeconds,
      spot: config.spot,
      instanceAttributes: config.instanceAttributes,
      hostDns: context.hostDnsUserData,
      additionalUserData: config.additionalUserData,
    });

    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      namePrefix: Token.isUnresolved(name) ? undefined : `${name}-`,
      description: launchTemplateDescription(context.clusterName, id),
      imageId,
      instanceType: config.instanceType,
      iamInstanceProfile: { arn: context.instanceProfileArn },
      vpcSecurityGroupIds: withLeading(context.securityGroupId, config.additionalSecurityGroupIds),
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: config.imdsHopLimit,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: config.rootDeviceName,
          ebs: {
            volumeSize: config.rootVolumeSizeGib,
            volumeType: "gp3",
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      monitoring: { enabled: config.detailedMonitoring },
      instanceMarketOptions: config.spot ? { marketType: "spot" } : undefined,
      userData: encodeUserData(this.userDataScript),
      updateDefaultVersion: true,
      tagSpecifications: [{ resourceType: "volume", tags: tagsWithName }],
      tags: tagsWithName,
    });

    const asgTags: AutoscalingGroupTag[] = Object.entries({
      ...tagsWithName,
      [ECS_MANAGED_TAG_KEY]: "true",
    }).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));

    this.autoScalingGroup = new AutoscalingGroup(this, "asg", {
      name,
      vpcZoneIdentifier: config.subnetIds,
      minSize: config.minSize,
      maxSize: config.maxSize,
      desiredCapacity: config.desiredCapacity,
      launchTemplate: {
        id: this.launchTemplate.id,
        // The template's version number rather than "$Latest": a new version changes the group's
        // configuration, which is what starts the instance refresh below.
        version: Token.asString(this.launchTemplate.latestVersion),
      },
      instanceRefresh: {
        strategy: "Rolling",
        preferences: {
          minHealthyPercentage: config.instanceRefreshMinHealthyPercentage,
          skipMatching: true,
          // Protected instances (managed termination protection) are replaced too, not skipped.
          scaleInProtectedInstances: "Refresh",
        },
      },
      protectFromScaleIn: config.protectFromScaleIn,
      // Deletes the group with its instances, protected or not, without waiting for lifecycle
      // hooks, so `destroy` never waits on ECS draining (see README, "Destroy").
      forceDelete: true,
      initialLifecycleHook:
        config.initialLifecycleHooks.length > 0 ? config.initialLifecycleHooks : undefined,
      tag: asgTags,
      dependsOn: context.dependsOn,
      // Managed scaling owns the desired capacity once the group exists.
      lifecycle: { ignoreChanges: ["desired_capacity"] },
      // No capacity wait: on an update of min_size, hashicorp/aws waits for max(min_size, the
      // desired capacity in state), a count it ignores. Stopping (min = max = 0) would then wait
      // for the last known desired count of instances in a group that may hold none. ECS places
      // tasks once instances register, so nothing needs Terraform to wait.
      waitForCapacityTimeout: "0",
    });
    this.autoScalingGroupName = this.autoScalingGroup.name;
    this.autoScalingGroupArn = this.autoScalingGroup.arn;

    this.capacityProvider = new EcsCapacityProvider(this, "capacity-provider", {
      name: config.capacityProviderName,
      autoScalingGroupProvider: {
        autoScalingGroupArn: this.autoScalingGroupArn,
        managedDraining: "ENABLED",
        managedTerminationProtection: enabledOrDisabled(config.managedTerminationProtection),
        managedScaling: {
          status: enabledOrDisabled(config.managedScaling),
          targetCapacity: config.targetCapacityPercent,
          minimumScalingStepSize: config.minimumScalingStepSize,
          maximumScalingStepSize: config.maximumScalingStepSize,
          instanceWarmupPeriod: config.instanceWarmupPeriodSeconds,
        },
      },
      tags: { ...context.tags, Name: config.capacityProviderName },
    });
    this.capacityProviderName = this.capacityProvider.name;
  }
}

/** `ENABLED` or `DISABLED` for a flag; a token flag becomes a Terraform conditional. */
function enabledOrDisabled(flag: boolean): string {
  if (Token.isUnresolved(flag)) return Token.asString(Fn.conditional(flag, "ENABLED", "DISABLED"));
  return flag ? "ENABLED" : "DISABLED";
}

/** `[first, ...rest]`; a token list (e.g. a Terraform variable) cannot be spread, so `concat()`. */
function withLeading(first: string, rest: string[]): string[] {
  return Token.isUnresolved(rest) ? Token.asList(Fn.concat([[first], rest])) : [first, ...rest];
}
