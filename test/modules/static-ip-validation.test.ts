import { TerraformStack, Testing } from "cdktf";
import { EcsCluster } from "../../modules/ecs-cluster";
import { LoadBalancer } from "../../modules/load-balanced-service";
import { Network } from "../../modules/network";
import { StaticIp, StaticIpAddresses, StaticIpAddressesProps, StaticIpProps } from "../../modules/static-ip";
import { addAwsProvider } from "../../stacks/aws-provider";
import { build, Options } from "./static-ip-support";

// StaticIp and StaticIpAddresses: unknown keys, image references and the names derived from the
// base name and the cluster's name, each failing before anything is created.

/** A stack with a network, a cluster named `clusterName` and an internal load balancer. */
function world(clusterName?: string): {
  stack: TerraformStack;
  net: Network;
  cluster: EcsCluster;
  alb: LoadBalancer;
} {
  const stack = new TerraformStack(Testing.app(), "stack");
  addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
  const net = new Network(stack, "net", { region: "eu-west-2" });
  const cluster = new EcsCluster(stack, "main", { network: net, clusterName });
  const alb = new LoadBalancer(stack, "alb", { network: net, internal: true });
  return { stack, net, cluster, alb };
}

describe("StaticIp unknown keys", () => {
  it("GIVEN a typo of a prop THEN it names the prop it meant", () => {
    expect(() => build({ stoped: true } as unknown as Options)).toThrow(
      /^StaticIp 'sip': stoped \(true\) must be a known key; did you mean stopped\? \(valid: addresses, alarmActions, alarms, allowEipDestroy, amiId, availabilityZones, cluster, heartbeatTimeoutSeconds, instanceType, lambdaLogRetentionDays, loadBalancer, name, network, proxy, proxyPorts, reconcileSchedule, stopped, tags\)$/,
    );
  });

  it("GIVEN a typo in proxy THEN it names the option it meant", () => {
    expect(() => build({ proxy: { memoryLimitMib: 512 } } as unknown as Options)).toThrow(
      /^StaticIp 'sip': proxy\.memoryLimitMib \(512\) must be a known key; did you mean memoryLimitMiB\? \(valid: cpuUnits, healthPort, image, logRetentionDays, memoryLimitMiB, memoryReservationMiB\)$/,
    );
  });

  it("GIVEN an unknown key nothing resembles THEN it lists the valid keys", () => {
    expect(() => build({ zzzzzzzz: 1 } as unknown as Options)).toThrow(
      /^StaticIp 'sip': zzzzzzzz \(1\) must be a known key; remove it; the valid keys are addresses, /,
    );
  });

  it("GIVEN a typo THEN nothing is created", () => {
    const { stack, net, cluster, alb } = world();
    expect(
      () =>
        new StaticIp(stack, "sip", {
          network: net,
          cluster,
          loadBalancer: alb,
          alarm: false,
        } as unknown as StaticIpProps),
    ).toThrow(/alarm \(false\) must be a known key; did you mean alarms\?/);
    expect(stack.node.tryFindChild("sip")).toBeUndefined();
  });

  it("GIVEN a typo in StaticIpAddresses props THEN it names the prop it meant", () => {
    const { stack, net } = world();
    expect(
      () =>
        new StaticIpAddresses(stack, "ips", {
          network: net,
          allowEipDestory: true,
        } as unknown as StaticIpAddressesProps),
    ).toThrow(
      /^StaticIpAddresses 'ips': allowEipDestory \(true\) must be a known key; did you mean allowEipDestroy\? \(valid: allowEipDestroy, availabilityZones, name, network, proxyPorts, tags\)$/,
    );
    expect(stack.node.tryFindChild("ips")).toBeUndefined();
  });
});

describe("StaticIp proxy image", () => {
  it.each([
    "public.ecr.aws/docker/library/haproxy:2.6.18",
    "haproxy",
    "haproxy:2.8",
    "registry.example.com:5000/edge/haproxy:2.8",
    `haproxy@sha256:${"a".repeat(64)}`,
    `123456789012.dkr.ecr.eu-west-2.amazonaws.com/edge/haproxy:2.8@sha256:${"0".repeat(64)}`,
  ])("GIVEN %s THEN it is accepted", (image) => {
    expect(() => build({ proxy: { image } })).not.toThrow();
  });

  it.each([
    [
      "HAProxy:2.8",
      /proxy\.image \("HAProxy:2\.8"\) must have a lower-case repository path .*; use lower case: "haproxy:2\.8"$/,
    ],
    ["haproxy:-2.8", /proxy\.image \("haproxy:-2\.8"\) must have a tag of 1 to 128/],
    ["haproxy@sha256:abc", /proxy\.image \("haproxy@sha256:abc"\) must end in a digest @sha256:/],
    ["edge//haproxy", /proxy\.image \("edge\/\/haproxy"\) must have a repository path of \/-separated/],
  ])("GIVEN %s THEN it throws", (image, message) => {
    expect(() => build({ proxy: { image } })).toThrow(message);
  });
});

describe("StaticIp derived names", () => {
  it("GIVEN a 60-character name (valid by itself) THEN the reconcile rule's name would exceed 64: it throws", () => {
    const name = "p".repeat(60);
    expect(() => build({ name })).toThrow(
      `StaticIp 'sip': name ("${name}") must keep the EventBridge rule name "${name}-launch" (67 characters) within AWS's limit of 64; shorten name to at most 57 characters`,
    );
  });

  it("GIVEN a 55-character name THEN the reconcile rule (-reconcile) still exceeds 64", () => {
    const name = "p".repeat(55);
    expect(() => build({ name })).toThrow(
      `StaticIp 'sip': name ("${name}") must keep the EventBridge rule name "${name}-reconcile" (65 characters) within AWS's limit of 64; shorten name to at most 54 characters`,
    );
  });

  it("GIVEN a 54-character name THEN every derived name fits", () => {
    expect(() => build({ name: "p".repeat(54) })).not.toThrow();
  });

  it("GIVEN no name and a long cluster name THEN the default name's Lambda function would exceed 64: it throws", () => {
    const clusterName = "c".repeat(60);
    const { stack, net, cluster, alb } = world(clusterName);
    expect(() => new StaticIp(stack, "sip", { network: net, cluster, loadBalancer: alb })).toThrow(
      `StaticIp 'sip': name ("${clusterName}-static-ip") must keep the Lambda function name "${clusterName}-static-ip" (70 characters) within AWS's limit of 64; pass a name of at most 64 characters (the default is <clusterName>-static-ip)`,
    );
    expect(stack.node.tryFindChild("sip")).toBeUndefined();
  });

  it("GIVEN a long cluster name and a short name THEN it passes", () => {
    const { stack, net, cluster, alb } = world("c".repeat(60));
    expect(
      () => new StaticIp(stack, "sip", { network: net, cluster, loadBalancer: alb, name: "edge" }),
    ).not.toThrow();
  });

  it("GIVEN a cluster name too long for the edge launch templates' name_prefix THEN it throws", () => {
    const clusterName = "c".repeat(90);
    const { stack, net, cluster, alb } = world(clusterName);
    expect(
      () => new StaticIp(stack, "sip", { network: net, cluster, loadBalancer: alb, name: "edge" }),
    ).toThrow(
      `StaticIp 'sip': cluster.clusterName ("${clusterName}") must keep the launch template name_prefix "${clusterName}-edge-eu-west-2a-" (107 characters) within AWS's limit of 102; give EcsCluster 'main' a clusterName of at most 85 characters`,
    );
  });
});
