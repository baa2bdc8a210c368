/**
 * Network with Terraform variables (tokens) as props, as the generated Terraform module passes
 * them: every synth-time check skips an unresolved token and still rejects the literal; props that
 * shape the construct tree at synth time refuse a token with a clear error.
 */
import { Fn, TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Network, NetworkProps } from "../../modules/network";

type Block = Record<string, unknown>;
interface SynthJson {
  readonly resource: Record<string, Record<string, Block>>;
}

/** The one resource of `type` whose logical id contains `idPart`. */
function resource(json: SynthJson, type: { readonly tfResourceType: string }, idPart: string): Block {
  const matches = Object.entries(json.resource[type.tfResourceType] ?? {}).filter(([id]) =>
    id.includes(idPart),
  );
  if (matches.length !== 1) throw new Error(`expected one ${type.tfResourceType} matching ${idPart}`);
  return matches[0][1];
}

/** A prop as a Terraform variable of the matching type. */
type TokenProp = (stack: TerraformStack) => NetworkProps;

const variable = (stack: TerraformStack, name: string, type: string) =>
  new TerraformVariable(stack, name, { type });

/** Synthesizes a Network (id "net") whose props `props` builds, with variables in its stack. */
function synthWith(props: TokenProp): SynthJson {
  const stack = new TerraformStack(Testing.app(), "stack");
  new Network(stack, "net", { region: "eu-west-2", ...props(stack) });
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

function build(props: NetworkProps): () => void {
  return () => Testing.synthScope((scope) => new Network(scope, "net", { region: "eu-west-2", ...props }));
}

describe("Network: each validated prop as a token passes synth, the literal bad value still throws", () => {
  // GIVEN a prop whose check is literal-only, WHEN it is a Terraform variable THEN synth passes and
  // the resource reads the variable; WHEN it is the bad literal THEN the construct throws.
  it.each<[string, TokenProp, (json: SynthJson) => void, NetworkProps, RegExp]>([
    [
      "name",
      (s) => ({ name: variable(s, "name", "string").stringValue }),
      (json) => expect(resource(json, Vpc, "vpc").tags).toEqual({ Name: "${var.name}-vpc" }),
      { name: "-bad" },
      /^Network 'net': name \("-bad"\) must be 1 to 24 letters/,
    ],
    [
      "cidrBlock",
      (s) => ({ cidrBlock: variable(s, "cidr", "string").stringValue }),
      (json) => expect(resource(json, Vpc, "vpc").cidr_block).toBe("${var.cidr}"),
      { cidrBlock: "10.0.0.1/16" },
      /^Network 'net': cidrBlock \("10\.0\.0\.1\/16"\) must have no host bits set/,
    ],
    [
      "subnetNewBits",
      (s) => ({ subnetNewBits: variable(s, "bits", "number").numberValue }),
      // A literal block with token bits: Terraform computes the subnets.
      (json) =>
        expect(resource(json, Subnet, "private-subnet-1").cidr_block).toBe(
          '${cidrsubnet("172.24.0.0/16", var.bits, 9)}',
        ),
      { subnetNewBits: 3 },
      /^Network 'net': subnetNewBits \(3\) must give at least 10 subnets/,
    ],
    [
      "zoneName",
      (s) => ({ zoneName: variable(s, "zone", "string").stringValue }),
      (json) => expect(resource(json, Route53Zone, "zone").name).toBe("${var.zone}"),
      { zoneName: "MyOrg.local" },
      /^Network 'net': zoneName \("MyOrg\.local"\) must be at least two lower-case DNS labels/,
    ],
    [
      "flowLogRetentionDays",
      (s) => ({ flowLogRetentionDays: variable(s, "days", "number").numberValue }),
      (json) =>
        expect(resource(json, CloudwatchLogGroup, "flow-log-group").retention_in_days).toBe("${var.days}"),
      { flowLogRetentionDays: 10 },
      /^Network 'net': flowLogRetentionDays \(10\) must be a CloudWatch Logs retention/,
    ],
    [
      "flowLogKmsKeyArn",
      (s) => ({ flowLogKmsKeyArn: variable(s, "key", "string").stringValue }),
      (json) => expect(resource(json, CloudwatchLogGroup, "flow-log-group").kms_key_id).toBe("${var.key}"),
      { flowLogKmsKeyArn: "alias/logs" },
      /^Network 'net': flowLogKmsKeyArn \("alias\/logs"\) must be a KMS key ARN/,
    ],
    [
      "tags",
      (s) => ({ tags: Token.asStringMap(variable(s, "tags", "map(string)").value) }),
      // A token map cannot be spread: Terraform merges the Name in.
      (json) => expect(resource(json, Vpc, "vpc").tags).toBe('${merge(var.tags, {"Name" = "net-vpc"})}'),
      { tags: { Name: "mine" } },
      /^Network 'net': tags \(\{"Name":"mine"\}\) must not set Name/,
    ],
    [
      "availabilityZones elements",
      (s) => {
        const azs = variable(s, "azs", "list(string)").listValue;
        return { availabilityZones: [0, 1].map((i) => Token.asString(Fn.element(azs, i))) };
      },
      (json) => {
        expect(resource(json, Subnet, "public-subnet-0").availability_zone).toBe("${element(var.azs, 0)}");
        expect(resource(json, Subnet, "private-subnet-1").availability_zone).toBe("${element(var.azs, 1)}");
      },
      { availabilityZones: ["eu-west-2a", "eu-west-9z"] },
      /^Network 'net': availabilityZones \("eu-west-9z"\) must be a zone of eu-west-2/,
    ],
  ])("%s", (_prop, tokenProps, assertSynth, bad, error) => {
    assertSynth(synthWith(tokenProps));
    expect(build(bad)).toThrow(error);
  });

  it("GIVEN every token-capable prop a variable at once THEN synth passes (the generated module's case)", () => {
    const json = synthWith((s) => ({
      name: variable(s, "name", "string").stringValue,
      cidrBlock: variable(s, "cidr", "string").stringValue,
      subnetNewBits: variable(s, "bits", "number").numberValue,
      zoneName: variable(s, "zone", "string").stringValue,
      tags: Token.asStringMap(variable(s, "tags", "map(string)").value),
    }));
    expect(resource(json, Subnet, "public-subnet-1").cidr_block).toBe("${cidrsubnet(var.cidr, var.bits, 1)}");
  });
});

describe("Network: props that shape the construct tree refuse a token", () => {
  // GIVEN a prop read at synth time to decide which resources exist, WHEN it is a Terraform
  // variable THEN the construct refuses it, naming the prop and what it decides.
  it.each<[string, TokenProp, RegExp]>([
    [
      "azCount",
      (s) => ({ azCount: variable(s, "n", "number").numberValue }),
      /^Network 'net': azCount \(.+\) must be a literal, not a token: it decides at synth time how many subnets/,
    ],
    [
      "availabilityZones as one list token",
      (s) => ({ availabilityZones: variable(s, "azs", "list(string)").listValue }),
      /^Network 'net': availabilityZones \(.+\) must be a literal, not a token: it decides at synth time how many subnets exist \(list the zones literally; each zone name may be a token\)/,
    ],
    [
      "natGateways",
      (s) => ({ natGateways: variable(s, "nat", "string").stringValue as NetworkProps["natGateways"] }),
      /^Network 'net': natGateways \(.+\) must be a literal, not a token: it decides at synth time how many NAT gateways/,
    ],
    [
      "enableFlowLogs",
      (s) => ({ enableFlowLogs: variable(s, "logs", "bool").booleanValue as unknown as boolean }),
      /^Network 'net': enableFlowLogs \(.+\) must be a literal, not a token: it decides at synth time whether the flow log/,
    ],
  ])("%s", (_prop, tokenProps, error) => {
    expect(() => synthWith(tokenProps)).toThrow(error);
  });
});
