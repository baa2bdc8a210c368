import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { Network } from "../modules/network";

/** Stack outputs by name: a value (usually a token) and its description. */
export type OutputSpecs = Record<string, { value: unknown; description: string }>;

/** Adds one `TerraformOutput` per entry, named by its key, in order. */
export function addOutputs(scope: Construct, outputs: OutputSpecs): void {
  for (const [name, o] of Object.entries(outputs)) {
    new TerraformOutput(scope, name, { value: o.value, description: o.description });
  }
}

/** The network's outputs every stack holding a {@link Network} gives. */
export function networkOutputs(n: Network): OutputSpecs {
  return {
    vpc_id: { value: n.vpcId, description: "VPC id" },
    availability_zones: { value: n.availabilityZones, description: "AZ names, in subnet order" },
    public_subnet_ids: { value: n.publicSubnetIds, description: "Public subnet ids, in AZ order" },
    private_subnet_ids: { value: n.privateSubnetIds, description: "Private subnet ids, in AZ order" },
    zone_id: { value: n.zoneId, description: "Private Route 53 zone id" },
    zone_name: { value: n.zoneName, description: "Private Route 53 zone name" },
    nat_public_ips: { value: n.natPublicIps, description: "Public IPs of the NAT gateways" },
  };
}
