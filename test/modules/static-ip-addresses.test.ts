/** StaticIpAddresses: the long-lived ENIs, Elastic IPs and their security group, on their own. */
import { TerraformStack, Testing } from "cdktf";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EipAssociation } from "@cdktf/provider-aws/lib/eip-association";
import { NetworkInterface } from "@cdktf/provider-aws/lib/network-interface";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Network } from "../../modules/network";
import {
  DEFAULT_ADDRESSES_NAME,
  DEFAULT_PROXY_PORTS,
  StaticIpAddresses,
  StaticIpAddressesProps,
} from "../../modules/static-ip";
import { addAwsProvider } from "../../stacks/aws-provider";
import { AZ_A, AZ_B, matching, ref, resolveIn, resource, SynthJson } from "./static-ip-support";
import { shareProvider } from "../support/shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

type Options = Omit<StaticIpAddressesProps, "network">;

function build(options: Options = {}) {
  const stack = new TerraformStack(Testing.app(), "stack");
  addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
  const net = new Network(stack, "net", { region: "eu-west-2" });
  const addresses = new StaticIpAddresses(stack, "ips", { network: net, ...options });
  return { stack, net, addresses };
}

function synth(options: Options = {}) {
  const built = build(options);
  return { ...built, json: JSON.parse(Testing.synth(built.stack)) as SynthJson };
}

describe("StaticIpAddresses defaults", () => {
  // GIVEN a two-AZ network; WHEN addresses are added with no options
  const { json, stack, addresses, net } = synth();

  it("creates per AZ an ENI in the public subnet and a protected VPC EIP on it, named static-ip-<az>", () => {
    expect(DEFAULT_ADDRESSES_NAME).toBe("static-ip");
    for (const [az, i] of [
      [AZ_A, 0],
      [AZ_B, 1],
    ] as const) {
      expect(resource(json, NetworkInterface, `ips_eni-${az}`)).toEqual(
        expect.objectContaining({
          subnet_id: ref(json, { tfResourceType: "aws_subnet" }, `net_public-subnet-${i}`),
          security_groups: [ref(json, SecurityGroup, "ips_edge-sg")],
          tags: { Name: `static-ip-${az}` },
        }),
      );
      expect(resource(json, Eip, `ips_eip-${az}`)).toEqual({
        domain: "vpc",
        lifecycle: { prevent_destroy: true },
        tags: { Name: `static-ip-${az}` },
      });
      expect(resource(json, EipAssociation, `ips_eip-association-${az}`)).toEqual({
        allocation_id: ref(json, Eip, `ips_eip-${az}`, "allocation_id"),
        network_interface_id: ref(json, NetworkInterface, `ips_eni-${az}`),
      });
    }
  });

  it("opens port 80 from anywhere on the ENIs' security group, in the network's VPC", () => {
    expect(DEFAULT_PROXY_PORTS).toEqual([80]);
    expect(resource(json, SecurityGroup, "ips_edge-sg")).toEqual(
      expect.objectContaining({
        name_prefix: "static-ip-edge-",
        vpc_id: ref(json, { tfResourceType: "aws_vpc" }, "net_vpc"),
        lifecycle: { create_before_destroy: true },
      }),
    );
    expect(matching(json, VpcSecurityGroupIngressRule, "ips_edge-ingress").map(([, r]) => r)).toEqual([
      expect.objectContaining({ from_port: 80, to_port: 80, ip_protocol: "tcp", cidr_ipv4: "0.0.0.0/0" }),
    ]);
  });

  it("exposes, by AZ, the EIPs, public IPs, ENIs, their ids, ARNs and private IPs, and the literal AZs and ports", () => {
    expect(addresses.network).toBe(net);
    expect(addresses.availabilityZones).toEqual([AZ_A, AZ_B]);
    expect(addresses.proxyPorts).toEqual([80]);
    expect(Object.keys(addresses.eips)).toEqual([AZ_A, AZ_B]);
    expect(Object.keys(addresses.eipAssociations)).toEqual([AZ_A, AZ_B]);
    expect(resolveIn(stack, addresses.publicIps[AZ_A])).toBe(ref(json, Eip, `ips_eip-${AZ_A}`, "public_ip"));
    expect(resolveIn(stack, addresses.networkInterfaceIds[AZ_B])).toBe(
      ref(json, NetworkInterface, `ips_eni-${AZ_B}`),
    );
    expect(resolveIn(stack, addresses.networkInterfaceArns[AZ_A])).toBe(
      ref(json, NetworkInterface, `ips_eni-${AZ_A}`, "arn"),
    );
    expect(resolveIn(stack, addresses.privateIps[AZ_A])).toBe(
      ref(json, NetworkInterface, `ips_eni-${AZ_A}`, "private_ip"),
    );
    expect(resolveIn(stack, addresses.securityGroupId)).toBe(ref(json, SecurityGroup, "ips_edge-sg"));
  });
});

describe("StaticIpAddresses options", () => {
  it("limits to the given AZs, opens the given ports, uses the name and tags, and allows EIP destroy", () => {
    const { json, addresses } = synth({
      availabilityZones: [AZ_B],
      proxyPorts: [80, 443],
      name: "partner-api",
      tags: { team: "edge" },
      allowEipDestroy: true,
    });
    expect(matching(json, NetworkInterface, "ips_eni-").map(([id]) => id)).toEqual([
      expect.stringContaining(`ips_eni-${AZ_B}`),
    ]);
    expect(resource(json, Eip, `ips_eip-${AZ_B}`)).toEqual({
      domain: "vpc",
      lifecycle: { prevent_destroy: false },
      tags: { team: "edge", Name: `partner-api-${AZ_B}` },
    });
    expect(
      matching(json, VpcSecurityGroupIngressRule, "ips_edge-ingress")
        .map(([, r]) => Number(r.from_port))
        .sort((a, b) => a - b),
    ).toEqual([80, 443]);
    expect(resource(json, SecurityGroup, "ips_edge-sg").name_prefix).toBe("partner-api-edge-");
    expect(addresses.config).toEqual({
      availabilityZones: [AZ_B],
      proxyPorts: [80, 443],
      name: "partner-api",
      allowEipDestroy: true,
      tags: { team: "edge" },
    });
  });

  it("is valid Terraform with the real provider", () => {
    const { stack } = build({ proxyPorts: [80, 443], tags: { team: "edge" } });
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });
});

describe("StaticIpAddresses validation", () => {
  it.each<[string, Options, RegExp]>([
    [
      "zero AZs",
      { availabilityZones: [] },
      /^StaticIpAddresses 'ips': availabilityZones \(\[\]\) must name at least one AZ; omit it for every AZ of the network \(eu-west-2a, eu-west-2b\)$/,
    ],
    [
      "an AZ not in the network",
      { availabilityZones: ["eu-west-2c"] },
      /availabilityZones \("eu-west-2c"\) must be an AZ of the network/,
    ],
    [
      "a duplicate AZ",
      { availabilityZones: [AZ_B, AZ_B] },
      /must name each AZ once \(eu-west-2b is repeated\)/,
    ],
    [
      "no port",
      { proxyPorts: [] },
      /^StaticIpAddresses 'ips': proxyPorts \(\[\]\) must name at least one port/,
    ],
    ["a port clash", { proxyPorts: [443, 443] }, /proxyPorts \(\[443,443\]\) must name each port once/],
    [
      "port 22 (reserved by the ECS agent)",
      { proxyPorts: [22] },
      /proxyPorts \(22\) must not be a port the ECS agent reserves/,
    ],
    [
      "a bad name",
      { name: "partner api" },
      /^StaticIpAddresses 'ips': name \("partner api"\) must be 1 to 60 letters/,
    ],
    [
      "a Name tag",
      { tags: { Name: "x" } },
      /^StaticIpAddresses 'ips': tags \(\{"Name":"x"\}\) must not set Name/,
    ],
  ])("rejects %s, before creating anything", (_case, options, message) => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const net = new Network(stack, "net", { region: "eu-west-2" });
    expect(() => new StaticIpAddresses(stack, "ips", { network: net, ...options })).toThrow(message);
    expect(stack.node.tryFindChild("ips")).toBeUndefined();
  });

  it("rejects an AZ without a public subnet", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const net = new Network(stack, "net", { region: "eu-west-2" });
    const partial = Object.create(net) as Network;
    Object.defineProperty(partial, "publicSubnetIdsByAz", {
      value: { [AZ_A]: net.publicSubnetIdsByAz[AZ_A] },
    });
    expect(() => new StaticIpAddresses(stack, "ips", { network: partial })).toThrow(
      /^StaticIpAddresses 'ips': availabilityZones \("eu-west-2b"\) must have a public subnet in the network; the ENI holding the Elastic IP lives in the AZ's public subnet$/,
    );
  });
});
