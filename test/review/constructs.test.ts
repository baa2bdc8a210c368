import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { byConstruct, constructPathsOf, ResourceEntry } from "../../scripts/review/analyze";
import { readSynthesized } from "../../scripts/review/synth";
import { DEV } from "../../stacks/config";
import { addEnvironment } from "../../stacks/environment";

// The review names each resource's construct path, read from the synthesized JSON (the real
// plans that show it are in review.local.test.ts). Here: the mapping on the dev environment's
// synthesized stacks, and the grouping by construct.

describe("construct paths of the synthesized dev stacks", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "review-constructs-"));
  const app = new App({ outdir });
  addEnvironment(app, { ...DEV, backend: { kind: "local", directory: outdir } }, { kind: "aws" });
  app.synth();
  const synthesized = readSynthesized(outdir);

  it.each(["dev-foundation", "dev-app"])("GIVEN %s THEN every resource has a path in its stack", (id) => {
    const json = synthesized.stacks.find((s) => s.id === id)!.json;
    const paths = constructPathsOf(json);
    const addresses = Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `${type}.${name}`),
    );
    expect(addresses.length).toBeGreaterThan(20);
    expect(Object.keys(paths).sort()).toEqual(addresses.sort());
    for (const p of Object.values(paths)) expect(p).toMatch(new RegExp(`^${id}/[^/]+/`));
  });

  it("maps the addresses to the constructs that made them", () => {
    const foundation = constructPathsOf(synthesized.stacks.find((s) => s.id === "dev-foundation")!.json);
    const app = constructPathsOf(synthesized.stacks.find((s) => s.id === "dev-app")!.json);
    const pathOf = (paths: Record<string, string>, prefix: string) =>
      Object.entries(paths).find(([address]) => address.startsWith(prefix))?.[1];
    expect(pathOf(foundation, "aws_route53_zone.network_zone_")).toBe("dev-foundation/network/zone");
    expect(pathOf(foundation, "aws_vpc.network_vpc_")).toBe("dev-foundation/network/vpc");
    expect(pathOf(app, "aws_autoscaling_group.cluster_default_asg_")).toBe("dev-app/cluster/default/asg");
    expect(pathOf(app, "aws_lb.alb_")).toBe("dev-app/alb/alb");
  });
});

describe("byConstruct", () => {
  const entry = (address: string, action: ResourceEntry["action"], construct?: string): ResourceEntry => ({
    address,
    type: address.split(".")[0]!,
    action,
    ...(construct ? { construct } : {}),
    attributes: [],
  });

  it("groups changes by the construct path without its last segment, constructs in path order", () => {
    expect(
      byConstruct([
        entry("aws_lb.alb_1", "update", "dev-app/alb/alb"),
        entry("aws_autoscaling_group.cluster_default_asg_1", "replace", "dev-app/cluster/default/asg"),
        entry("aws_security_group.alb_sg_1", "update", "dev-app/alb/sg"),
        entry("aws_thing.x", "create"),
      ]),
    ).toEqual([
      { construct: "(unknown)", changes: [{ address: "aws_thing.x", action: "create" }] },
      {
        construct: "dev-app/alb",
        changes: [
          { address: "aws_lb.alb_1", action: "update" },
          { address: "aws_security_group.alb_sg_1", action: "update" },
        ],
      },
      {
        construct: "dev-app/cluster/default",
        changes: [{ address: "aws_autoscaling_group.cluster_default_asg_1", action: "replace" }],
      },
    ]);
  });
});
