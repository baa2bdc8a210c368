import { CROSS_STACK_OUTPUT_PREFIX, declaredOutputs } from "../../scripts/review/run";

describe("declaredOutputs", () => {
  it("GIVEN a stack's outputs THEN the declared ones, without cdktf's cross-stack plumbing", () => {
    const outputs = {
      zone_name: "myorg.local",
      static_ips: { "eu-west-2a": "198.51.100.7" },
      "cross-stack-output-aws_network_interfacestatic-ip_eni-eu-west-2a_1A2B3C4Did": "eni-0123",
      "cross-stack-output-aws_vpcnetwork_vpc_5E6F7A8Bid": "vpc-0123",
    };
    expect(declaredOutputs(outputs)).toEqual({
      zone_name: "myorg.local",
      static_ips: { "eu-west-2a": "198.51.100.7" },
    });
    expect(CROSS_STACK_OUTPUT_PREFIX).toBe("cross-stack-output-");
  });

  it("GIVEN only declared outputs, or none THEN them unchanged", () => {
    expect(declaredOutputs({ cluster_name: "dev", stopped: false })).toEqual({
      cluster_name: "dev",
      stopped: false,
    });
    expect(declaredOutputs({})).toEqual({});
  });
});
