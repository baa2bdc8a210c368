import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { EcsCapacity, IEcsCluster } from "../ecs-cluster";
import { ILoadBalancer } from "../load-balanced-service";
import { HTTP_PORT, HTTPS_PORT } from "../load-balanced-service/load-balancer";
import { healthCheckCommand, PROXY_COMMAND, ProxyListener, renderHaproxyConfig } from "./haproxy-config";
import { EDGE_INSTANCE_ATTRIBUTES, TLS_PASSTHROUGH_PORT } from "./props";
import { azIdPart, EdgeProxyConfig } from "./validation";

/** Name of the proxy's container in its task definitions. */
export const PROXY_CONTAINER_NAME = "haproxy";
/**
 * Linux capabilities the proxy container keeps (every other one is dropped). It starts as root so
 * it can bind ports below 1024 (NET_BIND_SERVICE) and then switch to the image's `haproxy` user
 * (SETUID, SETGID); after the switch it holds none. The official image's default user cannot bind
 * 80, and host network mode rules out lowering `net.ipv4.ip_unprivileged_port_start` per container.
 */
export const PROXY_CAPABILITIES: readonly string[] = ["NET_BIND_SERVICE", "SETUID", "SETGID"];
/** Where the container writes its config: a small tmpfs, the root filesystem is read-only. */
export const PROXY_CONFIG_DIR = "/tmp";
/** Size of that tmpfs, MiB. */
export const PROXY_TMPFS_SIZE_MIB = 1;

/** The public ports as HAProxy listeners: 443 is TLS passed through to the ALB's 443, any other port HTTP to its 80. */
export function proxyListeners(ports: readonly number[]): ProxyListener[] {
  return ports.map((port) =>
    port === TLS_PASSTHROUGH_PORT
      ? { port, mode: "tcp", targetPort: HTTPS_PORT }
      : { port, mode: "http", targetPort: HTTP_PORT },
  );
}

/** The placement constraint pinning a proxy task to the edge instance of one AZ. */
export function edgePlacementExpression(az: string): string {
  const attributes = Object.entries(EDGE_INSTANCE_ATTRIBUTES).map(
    ([key, value]) => `attribute:${key} == ${value}`,
  );
  return [...attributes, `attribute:ecs.availability-zone == ${az}`].join(" and ");
}

/** What {@link EdgeProxy} is built from (validated by StaticIp). */
export interface EdgeProxyProps {
  readonly cluster: IEcsCluster;
  readonly loadBalancer: ILoadBalancer;
  /** The edge capacity of each AZ. */
  readonly capacities: Readonly<Record<string, EcsCapacity>>;
  /** The ENI's private IP of each AZ (what the proxy binds to). */
  readonly bindAddresses: Readonly<Record<string, string>>;
  readonly proxyPorts: readonly number[];
  /** The VPC resolver's address. */
  readonly resolverAddress: string;
  readonly region: string;
  /** Base name: services and families `<name>-proxy-<az>`, log group `/ecs/<cluster>/<name>-proxy`. */
  readonly name: string;
  readonly config: EdgeProxyConfig;
  /** Tasks of each AZ's service: 1, or 0 when the edge is stopped. */
  readonly desiredCount: number;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The edge proxy: per AZ a task definition (HAProxy, host network mode) and an ECS service of one
 * task on that AZ's edge capacity, placed on `role=edge` instances of the AZ. Each proxy binds the
 * AZ's static-IP ENI address and forwards to the load balancer. Created by `StaticIp`.
 *
 * Host network mode because Docker's bridge port mapping does not follow the secondary ENI's
 * source-based routing on Amazon Linux 2023: replies would leave through the primary interface.
 */
export class EdgeProxy extends Construct {
  /** The proxy's log group (`/ecs/<cluster>/<name>-proxy`, writable by the cluster's instance role). */
  public readonly logGroup: CloudwatchLogGroup;
  /** Task definitions, by AZ. */
  public readonly taskDefinitions: Readonly<Record<string, EcsTaskDefinition>>;
  /** ECS services, by AZ. */
  public readonly services: Readonly<Record<string, EcsService>>;
  /** The HAProxy configuration of each AZ (with Terraform references for the addresses). */
  public readonly haproxyConfigs: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: EdgeProxyProps) {
    super(scope, id);
    const { cluster, loadBalancer, config, name } = props;
    const tagged = (resourceName: string): Record<string, string> => ({ ...props.tags, Name: resourceName });
    const listeners = proxyListeners(props.proxyPorts);

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/ecs/${cluster.clusterName}/${name}-proxy`,
      retentionInDays: config.logRetentionDays,
      tags: tagged(`${name}-proxy`),
    });

    // The instances reach the ALB from their primary interface (the cluster's security group). An
    // internal ALB admits only its ingress CIDRs, so let the cluster's instances in on the target
    // ports. An internet-facing ALB's name resolves to public addresses: the traffic leaves through
    // NAT and arrives from the NAT gateways' addresses, which its ingress CIDRs must admit.
    const targetPorts = [...new Set(listeners.map((l) => l.targetPort))].sort((a, b) => a - b);
    if (loadBalancer.internal) {
      for (const port of targetPorts) {
        new VpcSecurityGroupIngressRule(this, `alb-ingress-${port}`, {
          securityGroupId: loadBalancer.securityGroupId,
          description: `Edge proxy (instances of ${cluster.node.id}) on ${port}`,
          referencedSecurityGroupId: cluster.securityGroupId,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          tags: tagged(`${name}-proxy-to-alb-${port}`),
        });
      }
    } else {
      Annotations.of(this).addWarning(
        `The edge proxy forwards to internet-facing load balancer '${loadBalancer.node.id}': its DNS name resolves ` +
          "to public addresses, so the proxy's traffic leaves through NAT (the network needs NAT gateways) and the ALB " +
          "sees the NAT addresses. An internal load balancer behind the static IPs avoids the detour.",
      );
    }

    const taskDefinitions: Record<string, EcsTaskDefinition> = {};
    const services: Record<string, EcsService> = {};
    const configs: Record<string, string> = {};
    const azs = Object.keys(props.capacities);
    for (const [az, capacity] of Object.entries(props.capacities)) {
      const idPart = azIdPart(azs, az);
      const haproxyConfig = renderHaproxyConfig({
        bindAddress: props.bindAddresses[az],
        listeners,
        targetHost: loadBalancer.dnsName,
        nameservers: [{ address: props.resolverAddress }],
        healthPort: config.healthPort,
      });
      configs[az] = haproxyConfig;
      const ports = [...props.proxyPorts, config.healthPort];
      const container = {
        name: PROXY_CONTAINER_NAME,
        image: config.image,
        essential: true,
        cpu: config.cpuUnits,
        memory: config.memoryLimitMiB,
        memoryReservation: config.memoryReservationMiB,
        // Root only until HAProxy has bound its ports; the config switches to uid/gid 99.
        user: "0",
        command: [...PROXY_COMMAND],
        environment: [
          { name: "HAPROXY_CONFIG", value: haproxyConfig },
          { name: "HAPROXY_CONFIG_PATH", value: `${PROXY_CONFIG_DIR}/haproxy.cfg` },
        ],
        // Host mode: declared so ECS never places two proxies (or anything else on these ports) on one instance.
        portMappings: ports.map((port) => ({ containerPort: port, hostPort: port, protocol: "tcp" })),
        readonlyRootFilesystem: true,
        privileged: false,
        linuxParameters: {
          capabilities: { drop: ["ALL"], add: [...PROXY_CAPABILITIES] },
          tmpfs: [{ containerPath: PROXY_CONFIG_DIR, size: PROXY_TMPFS_SIZE_MIB }],
        },
        healthCheck: {
          command: healthCheckCommand(config.healthPort),
          interval: 10,
          timeout: 5,
          retries: 3,
          startPeriod: 30,
        },
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": this.logGroup.name,
            "awslogs-region": props.region,
            "awslogs-stream-prefix": az,
          },
        },
      };
      const family = `${name}-proxy-${az}`;
      taskDefinitions[az] = new EcsTaskDefinition(this, `task-${idPart}`, {
        family,
        networkMode: "host",
        requiresCompatibilities: ["EC2"],
        containerDefinitions: JSON.stringify([container]),
        tags: tagged(family),
      });
      services[az] = new EcsService(this, `service-${idPart}`, {
        name: family,
        cluster: cluster.clusterArn,
        taskDefinition: taskDefinitions[az].arn,
        desiredCount: props.desiredCount,
        // One instance per AZ and fixed host ports: the old task must stop before the new one binds.
        deploymentMinimumHealthyPercent: 0,
        deploymentMaximumPercent: 100,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        capacityProviderStrategy: [{ capacityProvider: capacity.capacityProviderName, weight: 1, base: 0 }],
        placementConstraints: [{ type: "memberOf", expression: edgePlacementExpression(az) }],
        enableEcsManagedTags: true,
        propagateTags: "SERVICE",
        tags: tagged(family),
        // ECS rejects a strategy naming a capacity provider the cluster does not have yet.
        dependsOn: cluster.capacityProviderAssociation ? [cluster.capacityProviderAssociation] : undefined,
      });
    }
    this.taskDefinitions = taskDefinitions;
    this.services = services;
    this.haproxyConfigs = configs;
  }
}
