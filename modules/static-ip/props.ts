import type { IEcsCluster } from "../ecs-cluster";
import type { ILoadBalancer } from "../load-balanced-service";
import type { INetwork } from "../network";
import type { StaticIpAddresses } from "./addresses";

/** Default heartbeat of the edge groups' launch lifecycle hook, seconds. */
export const DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 300;
/** Shortest lifecycle-hook heartbeat AWS accepts, seconds. */
export const MIN_HEARTBEAT_TIMEOUT_SECONDS = 30;
/** Longest lifecycle-hook heartbeat AWS accepts, seconds. */
export const MAX_HEARTBEAT_TIMEOUT_SECONDS = 7200;
/** Default TCP ports the static IPs accept from the internet. */
export const DEFAULT_PROXY_PORTS: readonly number[] = [80];
/** The port the edge proxy passes through as TCP to the load balancer's HTTPS listener (TLS ends at the ALB). */
export const TLS_PASSTHROUGH_PORT = 443;
/** Default base name of a standalone {@link StaticIpAddresses} (tags and the security group's name prefix). */
export const DEFAULT_ADDRESSES_NAME = "static-ip";
/** Default retention of the Lambda's log group, days (a year, which checkov's CKV_AWS_338 asks for). */
export const DEFAULT_LAMBDA_LOG_RETENTION_DAYS = 365;
/** ECS attribute the edge instances carry, for the edge proxy's placement constraint. */
export const EDGE_INSTANCE_ATTRIBUTES: Readonly<Record<string, string>> = { role: "edge" };
/** Name of the launch lifecycle hook declared in each edge Auto Scaling group. */
export const LIFECYCLE_HOOK_NAME = "attach-static-ip";
/** Longest Lambda timeout AWS accepts, seconds. */
export const MAX_LAMBDA_TIMEOUT_SECONDS = 900;
/** Seconds the Lambda timeout stays below the heartbeat (and the event age below it, where allowed). */
export const HEARTBEAT_MARGIN_SECONDS = 10;
/** Shortest `maximum_event_age_in_seconds` EventBridge (and Lambda async invocation) accepts. */
export const MIN_EVENT_AGE_SECONDS = 60;
/** Longest `maximum_event_age_in_seconds` of a Lambda's asynchronous invocation config. */
export const MAX_LAMBDA_EVENT_AGE_SECONDS = 21_600;
/** Retries of EventBridge's delivery to the Lambda. */
export const EVENT_RETRY_ATTEMPTS = 3;
/** Retries of Lambda's asynchronous invocation when the handler throws (AWS's maximum is 2). */
export const LAMBDA_ASYNC_RETRY_ATTEMPTS = 2;
/** How long the dead-letter queue keeps a message, seconds (14 days, SQS's maximum). */
export const DLQ_MESSAGE_RETENTION_SECONDS = 1_209_600;
/** Default schedule of the reconcile run (an EventBridge schedule expression). */
export const DEFAULT_RECONCILE_SCHEDULE = "rate(5 minutes)";

/**
 * Default image of the edge proxy: the official HAProxy image (Debian bookworm based, so it has
 * bash) from ECR Public's Docker Official Images mirror, pinned to the 2.6 LTS line, the version the
 * config tests run (Debian 12's HAProxy 2.6, scripts/setup-haproxy.sh).
 */
export const DEFAULT_PROXY_IMAGE = "public.ecr.aws/docker/library/haproxy:2.6.18";
/** Default port of the proxy's health endpoint on the instance's loopback (HAProxy's usual stats port). */
export const DEFAULT_PROXY_HEALTH_PORT = 8404;
/** Default CPU units of the proxy container. */
export const DEFAULT_PROXY_CPU_UNITS = 128;
/** Default memory reservation (soft limit) of the proxy container, MiB. */
export const DEFAULT_PROXY_MEMORY_RESERVATION_MIB = 64;
/** Default memory limit (hard limit) of the proxy container, MiB. */
export const DEFAULT_PROXY_MEMORY_LIMIT_MIB = 256;
/** Default retention of the proxy's log group, days. */
export const DEFAULT_PROXY_LOG_RETENTION_DAYS = 365;
/** Smallest memory ECS accepts for a container, MiB. */
export const MIN_CONTAINER_MEMORY_MIB = 6;
/**
 * Host ports the ECS agent reserves on every container instance (its default `ECS_RESERVED_PORTS`):
 * ECS never places a host-network task that declares one of them.
 */
export const ECS_RESERVED_HOST_PORTS: readonly number[] = [22, 2375, 2376, 51678, 51679];

/** Props of {@link StaticIpAddresses}: the long-lived part (ENIs, Elastic IPs, their security group). */
export interface StaticIpAddressesProps {
  /** The network whose public subnets hold the ENIs. */
  readonly network: INetwork;

  /**
   * AZs that get a static IP, each one of `network.availabilityZones`, no duplicates, at least one.
   * @default - every AZ of the network
   */
  readonly availabilityZones?: string[];

  /**
   * TCP ports the ENIs' security group opens to `0.0.0.0/0`: the static IPs are the public edge.
   * Integers from 1 to 65535, no duplicates, at least one, none of ECS_RESERVED_HOST_PORTS. The
   * edge proxy (StaticIp) listens on exactly these: 443 passes TLS through, every other port is HTTP.
   * @default DEFAULT_PROXY_PORTS ([80])
   */
  readonly proxyPorts?: number[];

  /**
   * Base name of the resources' `Name` tags (`<name>-<az>`) and of the security group's name prefix:
   * 1 to 60 letters, digits, hyphens and underscores.
   * @default DEFAULT_ADDRESSES_NAME ("static-ip")
   */
  readonly name?: string;

  /**
   * Let `terraform destroy` (or removing an AZ) release the Elastic IPs. Off, each EIP has
   * `lifecycle.prevent_destroy`, so Terraform refuses any plan that would delete it: a released
   * address is gone for good. See README, "Releasing an Elastic IP".
   * @default false
   */
  readonly allowEipDestroy?: boolean;

  /**
   * Tags added to every taggable resource, next to `Name` (which the module sets and rejects here).
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Options of the edge proxy: HAProxy in host network mode, one ECS service per AZ. */
export interface EdgeProxyOptions {
  /**
   * Container image of HAProxy: the official image's layout (bash, `haproxy` on PATH, user `haproxy`
   * with uid/gid 99), 2.6 or newer. An image reference as the OCI distribution grammar defines it
   * (`[registry[:port]/]path[:tag][@sha256:<64 hex>]`, the path lower case).
   * @default DEFAULT_PROXY_IMAGE ("public.ecr.aws/docker/library/haproxy:2.6.18")
   */
  readonly image?: string;

  /**
   * Port of the health endpoint (`/healthz`) on the instance's loopback: an integer from 1 to 65535,
   * not a proxy port, not one of ECS_RESERVED_HOST_PORTS.
   * @default DEFAULT_PROXY_HEALTH_PORT (8404)
   */
  readonly healthPort?: number;

  /**
   * CPU units of the container (an integer from 1 to 10240).
   * @default DEFAULT_PROXY_CPU_UNITS (128)
   */
  readonly cpuUnits?: number;

  /**
   * Memory reservation of the container, MiB (an integer, at least 6, at most `memoryLimitMiB`).
   * @default DEFAULT_PROXY_MEMORY_RESERVATION_MIB (64)
   */
  readonly memoryReservationMiB?: number;

  /**
   * Memory limit of the container, MiB (an integer, at least `memoryReservationMiB`).
   * @default DEFAULT_PROXY_MEMORY_LIMIT_MIB (256)
   */
  readonly memoryLimitMiB?: number;

  /**
   * Retention of the proxy's log group, a CloudWatch Logs value (LOG_RETENTION_DAYS_ALLOWED).
   * @default DEFAULT_PROXY_LOG_RETENTION_DAYS (365)
   */
  readonly logRetentionDays?: number;
}

/** Props of {@link StaticIp}. */
export interface StaticIpProps {
  /**
   * The network whose private subnets hold the edge instances (and, without `addresses`, whose
   * public subnets hold the ENIs). With `addresses`, it must be their network.
   */
  readonly network: INetwork;

  /** The ECS cluster the edge capacity (one Auto Scaling group per AZ) and the proxy services run in. */
  readonly cluster: IEcsCluster;

  /**
   * The load balancer the edge proxy forwards to: its HTTP listener (80) for HTTP ports, its HTTPS
   * listener (443, which it must have when 443 is a proxy port) for TLS passthrough.
   */
  readonly loadBalancer: ILoadBalancer;

  /**
   * The ENIs and Elastic IPs, e.g. from a long-lived stack so the addresses outlive this one. Then
   * `availabilityZones`, `proxyPorts` and `allowEipDestroy` belong to them and must not be set here.
   * @default - a StaticIpAddresses created in this construct (id `addresses`) from the props below
   */
  readonly addresses?: StaticIpAddresses;

  /**
   * Without `addresses`: the AZs that get a static IP (see StaticIpAddressesProps).
   * @default - every AZ of the network
   */
  readonly availabilityZones?: string[];

  /**
   * Without `addresses`: the public ports (see StaticIpAddressesProps).
   * @default DEFAULT_PROXY_PORTS ([80])
   */
  readonly proxyPorts?: number[];

  /**
   * Without `addresses`: let Terraform release the Elastic IPs (see StaticIpAddressesProps).
   * @default false
   */
  readonly allowEipDestroy?: boolean;

  /**
   * Heartbeat of the launch lifecycle hook, seconds (an integer from 30 to 7200): how long a new
   * edge instance waits for its ENI before Auto Scaling abandons it. The Lambda's timeout and the
   * event's maximum age are derived from it.
   * @default DEFAULT_HEARTBEAT_TIMEOUT_SECONDS (300)
   */
  readonly heartbeatTimeoutSeconds?: number;

  /**
   * EC2 instance type of the edge instances.
   * @default - the cluster capacity's default (DEFAULT_INSTANCE_TYPE, "t3.small")
   */
  readonly instanceType?: string;

  /**
   * An explicit AMI id for the edge instances (e.g. for the local emulator, which has no public SSM
   * parameter).
   * @default - the ECS-optimized Amazon Linux 2023 AMI from its public SSM parameter
   */
  readonly amiId?: string;

  /**
   * Base name of the Lambda function (and its log group `/aws/lambda/<name>`), the dead-letter
   * queue (`<name>-dlq`), the EventBridge rules, the role, the alarms, the proxy services
   * (`<name>-proxy-<az>`) and, without `addresses`, the addresses' tags: 1 to 60 letters, digits,
   * hyphens and underscores, and at most 54 so that the rule `<name>-reconcile` fits EventBridge's
   * 64 (the default, too, must fit: the Lambda function `<name>` in 64). The cluster's name must leave
   * the edge launch templates' name_prefix `<clusterName>-edge-<az>-` within 102.
   * @default - `<clusterName>-static-ip`
   */
  readonly name?: string;

  /**
   * Retention of the Lambda's log group, a CloudWatch Logs value (LOG_RETENTION_DAYS_ALLOWED).
   * @default DEFAULT_LAMBDA_LOG_RETENTION_DAYS (365)
   */
  readonly lambdaLogRetentionDays?: number;

  /**
   * When the reconcile runs: an EventBridge schedule expression, `rate(<n> minute[s]|hour[s]|day[s])`
   * or `cron(<6 fields>)`. Each run re-attaches an ENI left unattached (or on a terminated instance)
   * while its AZ's edge group has an InService instance.
   * @default DEFAULT_RECONCILE_SCHEDULE
   */
  readonly reconcileSchedule?: string;

  /**
   * The edge proxy's image and resources.
   * @default - every EdgeProxyOptions default
   */
  readonly proxy?: EdgeProxyOptions;

  /**
   * The stop switch: scales every edge Auto Scaling group (min, max, desired) and every edge proxy
   * service (desired count) to zero. The addresses (ENIs, Elastic IPs), the Lambda, its rules and
   * alarms stay; `false` scales the edge back to one instance and one proxy task per AZ.
   * @default false
   */
  readonly stopped?: boolean;

  /**
   * Create the two alarms (Lambda errors, messages in the dead-letter queue). Turn them off only
   * where CloudWatch alarms cannot be created: the local AWS (moto 5.2.5) does not speak the
   * `smithy-rpc-v2-cbor` protocol hashicorp/aws 6.x uses for CloudWatch.
   * @default true
   */
  readonly alarms?: boolean;

  /**
   * Actions (e.g. SNS topic ARNs) of the two alarms: Lambda errors and messages in the dead-letter queue.
   * @default - none (the alarms only change state)
   */
  readonly alarmActions?: string[];

  /**
   * Tags added to every taggable resource, next to `Name` (which the module sets and rejects here).
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}
