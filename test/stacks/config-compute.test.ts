import { Testing } from "cdktf";
import { DEV, EnvironmentConfig, validateEnvironmentConfig } from "../../stacks/config";
import { ServiceConfig } from "../../stacks/config-types";
import { addEnvironment, appStackId } from "../../stacks/environment";

// The environment config's `compute` and `capacityProviderStrategy` of a service: the
// LoadBalancedService props of those names (the module's types, the module's rules, reported under
// the config's path), and the cluster's FARGATE association when a service runs on Fargate. The
// module's own tests (test/modules/load-balanced-service-compute*.test.ts) validate and apply the
// resources; these check what the stack passes and refuses.

type Block = Record<string, unknown>;
interface StackJson {
  readonly resource: Record<string, Record<string, Block>>;
}

/** DEV with its first service (web) changed. */
function withWeb(change: Partial<ServiceConfig>): EnvironmentConfig {
  const [web, ...rest] = DEV.services;
  return { ...DEV, services: [{ ...web!, ...change }, ...rest] };
}

/** The app stack's JSON of `config` (every validation included). */
function appJson(config: EnvironmentConfig): StackJson {
  const app = Testing.app();
  addEnvironment(app, config, { kind: "aws" });
  const stack = app.node.findChild(appStackId(config.name));
  return JSON.parse(Testing.synth(stack as Parameters<typeof Testing.synth>[0])) as StackJson;
}

function byPrefix(json: StackJson, type: string, prefix: string): Block[] {
  return Object.entries(json.resource[type] ?? {})
    .filter(([key]) => key.startsWith(prefix))
    .map(([, block]) => block);
}

function build(config: EnvironmentConfig): () => void {
  return () => addEnvironment(Testing.app(), validateEnvironmentConfig(config), { kind: "aws" });
}

describe("GIVEN dev with web on Fargate (FARGATE_SPOT beside FARGATE) and api on EC2", () => {
  const json = appJson(
    withWeb({
      compute: { type: "fargate" },
      capacityProviderStrategy: [
        { capacityProvider: "FARGATE", base: 1 },
        { capacityProvider: "FARGATE_SPOT", weight: 2 },
      ],
    }),
  );

  it("THEN the cluster's association lists FARGATE and FARGATE_SPOT", () => {
    const [association] = Object.values(json.resource.aws_ecs_cluster_capacity_providers!);
    // The cluster's default provider and the static IP's edge provider, then Fargate's.
    const providers = association!.capacity_providers as string[];
    expect(providers.slice(-2)).toEqual(["FARGATE", "FARGATE_SPOT"]);
    expect(providers.slice(0, -2)).toEqual([
      expect.stringContaining("aws_ecs_capacity_provider.cluster_default"),
      expect.stringContaining("aws_ecs_capacity_provider.cluster_edge-"),
    ]);
  });

  it("THEN web is an awsvpc service on its strategy with an ip target group; api keeps EC2", () => {
    const [web] = byPrefix(json, "aws_ecs_service", "web_");
    expect(web!.capacity_provider_strategy).toEqual([
      { base: 1, capacity_provider: "FARGATE", weight: 1 },
      { base: 0, capacity_provider: "FARGATE_SPOT", weight: 2 },
    ]);
    expect(web!.network_configuration).toMatchObject({ assign_public_ip: false });
    expect(byPrefix(json, "aws_lb_target_group", "web_").map((g) => g.target_type)).toEqual(["ip"]);
    expect(byPrefix(json, "aws_lb_target_group", "api_").map((g) => g.target_type)).toEqual(["instance"]);
    const [api] = byPrefix(json, "aws_ecs_task_definition", "api_");
    expect(api).toMatchObject({ network_mode: "bridge", requires_compatibilities: ["EC2"] });
  });
});

describe("GIVEN dev as it is (no Fargate service)", () => {
  it("THEN the cluster's association lists its EC2 providers only", () => {
    const json = appJson(DEV);
    const [association] = Object.values(json.resource.aws_ecs_cluster_capacity_providers!);
    expect(association!.capacity_providers).toEqual([
      expect.stringContaining("aws_ecs_capacity_provider.cluster_default"),
      expect.stringContaining("aws_ecs_capacity_provider.cluster_edge-"),
    ]);
  });
});

describe("the config refuses bad compute through the module's rules, under the config's path", () => {
  it.each<[string, Partial<ServiceConfig>, RegExp]>([
    [
      "a Fargate memory the CPU does not take",
      { compute: { type: "fargate" }, cpuUnits: 512, memoryLimitMiB: 512 },
      /^Environment 'dev': services\[0\]\.memoryLimitMiB \(512\) must be a memory Fargate runs with 512 CPU units: 1024, 2048, 3072, 4096 MiB/,
    ],
    [
      "EXTERNAL (a load-balanced service)",
      { compute: { type: "external", placementAttributes: { role: "edge" } } },
      /^Environment 'dev': services\[0\]\.compute\.type \("external"\) must not be external on a LoadBalancedService/,
    ],
    [
      "a FARGATE strategy on an EC2 service",
      { capacityProviderStrategy: [{ capacityProvider: "FARGATE" }] },
      /^Environment 'dev': services\[0\]\.capacityProviderStrategy \("FARGATE"\) must name the cluster's EC2 capacity providers/,
    ],
    [
      "spot with a strategy",
      {
        compute: { type: "fargate", spot: true },
        capacityProviderStrategy: [{ capacityProvider: "FARGATE" }],
      },
      /^Environment 'dev': services\[0\]\.compute\.spot \(true\) must be unset with capacityProviderStrategy/,
    ],
  ])("%s", (_name, change, message) => {
    expect(build(withWeb(change))).toThrow(message);
  });

  it("refuses an unknown compute type and an unknown key by the config's shape", () => {
    expect(() => validateEnvironmentConfig(withWeb({ compute: { type: "lambda" } as never }))).toThrow(
      /^Environment 'dev': services\[0\]\.compute\.type \("lambda"\) must be/,
    );
    expect(() =>
      validateEnvironmentConfig(withWeb({ compute: { type: "fargate", subnetIds: ["subnet-1"] } as never })),
    ).toThrow(/^Environment 'dev': services\[0\]\.compute\.subnetIds .*must be a known key/);
  });
});
