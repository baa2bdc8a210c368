/**
 * The edge proxy of StaticIp (modules/static-ip/edge-proxy.ts): per AZ a host-network HAProxy task
 * definition and a one-task service on the AZ's edge capacity. The HAProxy text itself is run for
 * real in static-ip-haproxy.test.ts; here it is checked to be exactly the generator's output.
 */
import { Testing } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { NetworkInterface } from "@cdktf/provider-aws/lib/network-interface";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { EcsCluster } from "../../modules/ecs-cluster";
import {
  DEFAULT_PROXY_CPU_UNITS,
  DEFAULT_PROXY_HEALTH_PORT,
  DEFAULT_PROXY_IMAGE,
  DEFAULT_PROXY_LOG_RETENTION_DAYS,
  DEFAULT_PROXY_MEMORY_LIMIT_MIB,
  DEFAULT_PROXY_MEMORY_RESERVATION_MIB,
} from "../../modules/static-ip";
import {
  edgePlacementExpression,
  PROXY_CAPABILITIES,
  proxyListeners,
} from "../../modules/static-ip/edge-proxy";
import {
  healthCheckCommand,
  PROXY_COMMAND,
  renderHaproxyConfig,
} from "../../modules/static-ip/haproxy-config";
import {
  address,
  AZ_A,
  AZ_B,
  build,
  CERTIFICATE_ARN,
  CLUSTER_NAME,
  matching,
  NAME,
  ref,
  resolveIn,
  resource,
  synth,
  SynthJson,
} from "./static-ip-support";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

/** The container definition JSON (the keys the module sets). */
interface Container {
  name: string;
  image: string;
  essential: boolean;
  cpu: number;
  memory: number;
  memoryReservation: number;
  user: string;
  command: string[];
  environment: Array<{ name: string; value: string }>;
  portMappings: Array<{ containerPort: number; hostPort: number; protocol: string }>;
  readonlyRootFilesystem: boolean;
  privileged: boolean;
  linuxParameters: {
    capabilities: { drop: string[]; add: string[] };
    tmpfs: Array<{ containerPath: string; size: number }>;
  };
  healthCheck: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

function containerOf(json: SynthJson, az: string): Container {
  const definitions = JSON.parse(
    String(resource(json, EcsTaskDefinition, `sip_proxy_task-${az}`).container_definitions),
  ) as Container[];
  expect(definitions).toHaveLength(1);
  return definitions[0];
}

function env(container: Container, name: string): string | undefined {
  return container.environment.find((e) => e.name === name)?.value;
}

describe("StaticIp edge proxy defaults", () => {
  // GIVEN a StaticIp with an internal load balancer and no proxy options
  const { synth: out, json, built } = synth();

  it("logs to /ecs/<cluster>/<name>-proxy (writable by the cluster's instance role) for 365 days", () => {
    expect(resource(json, CloudwatchLogGroup, "sip_proxy_logs")).toEqual(
      expect.objectContaining({
        name: `/ecs/${CLUSTER_NAME}/${NAME}-proxy`,
        retention_in_days: DEFAULT_PROXY_LOG_RETENTION_DAYS,
      }),
    );
    expect(DEFAULT_PROXY_LOG_RETENTION_DAYS).toBe(365);
  });

  it("creates one host-network EC2 task definition per AZ, without task or execution role", () => {
    expect(matching(json, EcsTaskDefinition, "sip_proxy_task-")).toHaveLength(2);
    for (const az of [AZ_A, AZ_B]) {
      const td = resource(json, EcsTaskDefinition, `sip_proxy_task-${az}`);
      expect(td).toEqual(
        expect.objectContaining({
          family: `${NAME}-proxy-${az}`,
          network_mode: "host",
          requires_compatibilities: ["EC2"],
        }),
      );
      // HAProxy calls no AWS API; the public image needs no pull credentials; awslogs uses the instance role.
      expect(td.task_role_arn).toBeUndefined();
      expect(td.execution_role_arn).toBeUndefined();
    }
  });

  it("runs the pinned official HAProxy 2.6 image as root with only NET_BIND_SERVICE, SETUID, SETGID, read-only root, tmpfs /tmp", () => {
    const c = containerOf(json, AZ_A);
    expect(DEFAULT_PROXY_IMAGE).toBe("public.ecr.aws/docker/library/haproxy:2.6.18");
    expect(c).toEqual(
      expect.objectContaining({
        name: "haproxy",
        image: DEFAULT_PROXY_IMAGE,
        essential: true,
        cpu: DEFAULT_PROXY_CPU_UNITS,
        memory: DEFAULT_PROXY_MEMORY_LIMIT_MIB,
        memoryReservation: DEFAULT_PROXY_MEMORY_RESERVATION_MIB,
        user: "0",
        command: [...PROXY_COMMAND],
        readonlyRootFilesystem: true,
        privileged: false,
      }),
    );
    expect(c.linuxParameters).toEqual({
      capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "SETUID", "SETGID"] },
      tmpfs: [{ containerPath: "/tmp", size: 1 }],
    });
    expect(PROXY_CAPABILITIES).toEqual(c.linuxParameters.capabilities.add);
    expect(env(c, "HAPROXY_CONFIG_PATH")).toBe("/tmp/haproxy.cfg");
  });

  it("passes the generator's config: bound on the AZ's ENI address, forwarding to the ALB's DNS name on 80, resolved by the VPC resolver", () => {
    for (const az of [AZ_A, AZ_B]) {
      const expected = renderHaproxyConfig({
        bindAddress: ref(json, NetworkInterface, `sip_addresses_eni-${az}`, "private_ip"),
        listeners: [{ port: 80, mode: "http", targetPort: 80 }],
        targetHost: ref(json, Lb, "alb", "dns_name"),
        nameservers: [{ address: String(resolveIn(built.stack, built.net.vpcResolverAddress)) }],
        healthPort: DEFAULT_PROXY_HEALTH_PORT,
      });
      expect(env(containerOf(json, az), "HAPROXY_CONFIG")).toBe(expected);
      expect(resolveIn(built.stack, built.staticIp.proxy.haproxyConfigs[az])).toBe(expected);
    }
    // The network's resolver: the VPC CIDR's base + 2.
    expect(env(containerOf(json, AZ_A), "HAPROXY_CONFIG")).toMatch(/nameserver ns1 \d+\.\d+\.\d+\.2:53/);
  });

  it("declares the proxy and health ports as host ports, health-checks /healthz on loopback, logs with awslogs per AZ", () => {
    const c = containerOf(json, AZ_B);
    expect(c.portMappings).toEqual([
      { containerPort: 80, hostPort: 80, protocol: "tcp" },
      { containerPort: 8404, hostPort: 8404, protocol: "tcp" },
    ]);
    expect(DEFAULT_PROXY_HEALTH_PORT).toBe(8404);
    expect(c.healthCheck).toEqual({
      command: healthCheckCommand(8404),
      interval: 10,
      timeout: 5,
      retries: 3,
      startPeriod: 30,
    });
    expect(c.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: {
        "awslogs-group": ref(json, CloudwatchLogGroup, "sip_proxy_logs", "name"),
        "awslogs-region": expect.stringMatching(
          /^\$\{data\.aws_region\.sip_region_[0-9A-F]+\.region\}$/,
        ) as unknown as string,
        "awslogs-stream-prefix": AZ_B,
      },
    });
  });

  it("runs one task per AZ on that AZ's edge capacity, placed on role=edge in the AZ, stop-before-start", () => {
    for (const az of [AZ_A, AZ_B]) {
      expect(resource(json, EcsService, `sip_proxy_service-${az}`)).toEqual(
        expect.objectContaining({
          name: `${NAME}-proxy-${az}`,
          cluster: ref(json, { tfResourceType: "aws_ecs_cluster" }, "main_cluster", "arn"),
          task_definition: ref(json, EcsTaskDefinition, `sip_proxy_task-${az}`, "arn"),
          desired_count: 1,
          deployment_minimum_healthy_percent: 0,
          deployment_maximum_percent: 100,
          deployment_circuit_breaker: { enable: true, rollback: true },
          capacity_provider_strategy: [
            {
              capacity_provider: ref(json, EcsCapacityProvider, `main_edge-${az}_capacity-provider`, "name"),
              weight: 1,
              base: 0,
            },
          ],
          placement_constraints: [
            {
              type: "memberOf",
              expression: `attribute:role == edge and attribute:ecs.availability-zone == ${az}`,
            },
          ],
          propagate_tags: "SERVICE",
          enable_ecs_managed_tags: true,
          depends_on: [address(json, EcsClusterCapacityProviders, "main_capacity-providers")],
        }),
      );
    }
    expect(edgePlacementExpression(AZ_A)).toBe(
      "attribute:role == edge and attribute:ecs.availability-zone == eu-west-2a",
    );
  });

  it("lets the cluster's instances into the internal ALB on 80, and does not warn", () => {
    const rules = matching(json, VpcSecurityGroupIngressRule, "sip_proxy_alb-ingress");
    expect(rules.map(([, r]) => r)).toEqual([
      expect.objectContaining({
        security_group_id: ref(json, SecurityGroup, "alb_sg", "id"),
        referenced_security_group_id: ref(json, SecurityGroup, "main_instance-sg", "id"),
        ip_protocol: "tcp",
        from_port: 80,
        to_port: 80,
      }),
    ]);
    expect(built.staticIp.proxy.node.metadata.filter((m) => m.type === "@cdktf/warn")).toEqual([]);
    expect(out).toHaveResourceWithProperties(EcsService, { desired_count: 1 });
  });
});

describe("StaticIp edge proxy options", () => {
  it("passes 443 through as TCP to the ALB's 443, other ports as HTTP to its 80", () => {
    expect(proxyListeners([80, 443, 8080])).toEqual([
      { port: 80, mode: "http", targetPort: 80 },
      { port: 443, mode: "tcp", targetPort: 443 },
      { port: 8080, mode: "http", targetPort: 80 },
    ]);
    const { json } = synth({ proxyPorts: [80, 443] }, { certificateArn: CERTIFICATE_ARN });
    const c = containerOf(json, AZ_A);
    expect(env(c, "HAPROXY_CONFIG")).toBe(
      renderHaproxyConfig({
        bindAddress: ref(json, NetworkInterface, `sip_addresses_eni-${AZ_A}`, "private_ip"),
        listeners: proxyListeners([80, 443]),
        targetHost: ref(json, Lb, "alb", "dns_name"),
        nameservers: [
          { address: String(/nameserver ns1 ([\d.]+):53/.exec(env(c, "HAPROXY_CONFIG") ?? "")?.[1]) },
        ],
        healthPort: 8404,
      }),
    );
    expect(c.portMappings.map((p) => p.hostPort)).toEqual([80, 443, 8404]);
    expect(
      matching(json, VpcSecurityGroupIngressRule, "sip_proxy_alb-ingress")
        .map(([, r]) => Number(r.from_port))
        .sort((a, b) => a - b),
    ).toEqual([80, 443]);
  });

  it("uses the image, health port, CPU, memory and log retention given", () => {
    const { json } = synth({
      proxy: {
        image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/haproxy:2.6.18-patched",
        healthPort: 9000,
        cpuUnits: 256,
        memoryReservationMiB: 96,
        memoryLimitMiB: 384,
        logRetentionDays: 30,
      },
    });
    const c = containerOf(json, AZ_A);
    expect(c).toEqual(
      expect.objectContaining({
        image: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/haproxy:2.6.18-patched",
        cpu: 256,
        memory: 384,
        memoryReservation: 96,
      }),
    );
    expect(c.portMappings.map((p) => p.hostPort)).toEqual([80, 9000]);
    expect(c.healthCheck.command).toEqual(healthCheckCommand(9000));
    expect(env(c, "HAPROXY_CONFIG")).toContain("bind 127.0.0.1:9000\n");
    expect(resource(json, CloudwatchLogGroup, "sip_proxy_logs").retention_in_days).toBe(30);
  });

  it("with an internet-facing ALB adds no ingress rule to it and warns about the NAT detour", () => {
    const { json, built } = synth({}, { internal: false });
    expect(matching(json, VpcSecurityGroupIngressRule, "sip_proxy_alb-ingress")).toEqual([]);
    expect(
      built.staticIp.proxy.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data),
    ).toEqual([
      expect.stringMatching(
        /^The edge proxy forwards to internet-facing load balancer 'alb': its DNS name resolves to public addresses, so the proxy's traffic leaves through NAT/,
      ),
    ]);
  });

  it("limits the services to the given AZs", () => {
    const { json } = synth({ availabilityZones: [AZ_B] });
    expect(matching(json, EcsService, "sip_proxy_service-").map(([id]) => id)).toEqual([
      expect.stringContaining(`sip_proxy_service-${AZ_B}`),
    ]);
  });
});

describe("StaticIp edge proxy Terraform", () => {
  it("is valid Terraform with an internet-facing ALB and custom proxy options", () => {
    const { stack } = build({ proxy: { healthPort: 9100, logRetentionDays: 90 } }, { internal: false });
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
    expect(stack.node.findAll().some((c) => c instanceof EcsCluster)).toBe(true);
  });
});
