/** Shared builders and JSON helpers of the StaticIp module's unit tests. */
import { DefaultTokenResolver, StringConcat, TerraformStack, Testing, Tokenization } from "cdktf";
import { EcsCluster } from "../../modules/ecs-cluster";
import { LoadBalancer, LoadBalancerProps } from "../../modules/load-balanced-service";
import { Network } from "../../modules/network";
import { StaticIp, StaticIpProps } from "../../modules/static-ip";
import { addAwsProvider } from "../../stacks/aws-provider";

export type Block = Record<string, unknown>;
export interface SynthJson {
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly output?: Record<string, Block>;
}
export type TfType = { readonly tfResourceType: string };

export const AZ_A = "eu-west-2a";
export const AZ_B = "eu-west-2b";
export const CERTIFICATE_ARN =
  "arn:aws:acm:eu-west-2:123456789012:certificate/0f3c2a1e-1111-2222-3333-444455556666";
export const CLUSTER_NAME = "${aws_ecs_cluster.main_cluster_8387A3C1.name}";
/** The StaticIp's default name: `<clusterName>-static-ip`. */
export const NAME = `${CLUSTER_NAME}-static-ip`;

/** StaticIp props besides the network, cluster and load balancer the builder makes. */
export type Options = Omit<StaticIpProps, "network" | "cluster" | "loadBalancer">;

export interface Built {
  readonly stack: TerraformStack;
  readonly net: Network;
  readonly cluster: EcsCluster;
  readonly alb: LoadBalancer;
  readonly staticIp: StaticIp;
}

/**
 * A stack with an AWS provider, a default Network ("net"), an EcsCluster ("main"), a LoadBalancer
 * ("alb", internal unless `albProps` says otherwise) and a StaticIp ("sip").
 */
export function build(options: Options = {}, albProps: Partial<LoadBalancerProps> = {}): Built {
  const stack = new TerraformStack(Testing.app(), "stack");
  addAwsProvider(stack, { region: "eu-west-2", target: { kind: "aws" } });
  const net = new Network(stack, "net", { region: "eu-west-2" });
  const cluster = new EcsCluster(stack, "main", { network: net });
  const alb = new LoadBalancer(stack, "alb", { network: net, internal: true, ...albProps });
  const staticIp = new StaticIp(stack, "sip", { network: net, cluster, loadBalancer: alb, ...options });
  return { stack, net, cluster, alb, staticIp };
}

export function synth(
  options: Options = {},
  albProps: Partial<LoadBalancerProps> = {},
): { synth: string; json: SynthJson; built: Built } {
  const built = build(options, albProps);
  const out = Testing.synth(built.stack);
  return { synth: out, json: JSON.parse(out) as SynthJson, built };
}

export function resources(json: SynthJson, type: TfType): Record<string, Block> {
  return json.resource?.[type.tfResourceType] ?? {};
}

export function matching(json: SynthJson, type: TfType, idPart: string): [string, Block][] {
  return Object.entries(resources(json, type)).filter(([id]) => id.includes(idPart));
}

export function resource(json: SynthJson, type: TfType, idPart: string): Block {
  const found = matching(json, type, idPart);
  if (found.length !== 1)
    throw new Error(`expected one ${type.tfResourceType} ~ ${idPart}, found ${found.length}`);
  return found[0][1];
}

export function address(json: SynthJson, type: TfType, idPart: string): string {
  const found = matching(json, type, idPart);
  if (found.length !== 1)
    throw new Error(`expected one ${type.tfResourceType} ~ ${idPart}, found ${found.length}`);
  return `${type.tfResourceType}.${found[0][0]}`;
}

export function ref(json: SynthJson, type: TfType, idPart: string, attribute = "id"): string {
  return `\${${address(json, type, idPart)}.${attribute}}`;
}

/** Resolves tokens to the Terraform expressions they synthesize to. */
export function resolveIn(stack: TerraformStack, value: unknown): unknown {
  return Tokenization.resolve(value, {
    scope: stack,
    resolver: new DefaultTokenResolver(new StringConcat()),
  });
}
