import { execFile } from "node:child_process";
import * as path from "node:path";
import { estimateConfig, estimateEnvironment } from "../../scripts/cost/cli";
import { estimateCost, renderEstimate, resourcesOfSynthesized } from "../../scripts/cost/estimate";
import { loadPriceTable, MissingPriceError } from "../../scripts/cost/prices";
import { DEV, PROD } from "../../stacks/config";
import { testPreset } from "../support/test-environment";

// The cost estimate of the dev and prod presets, checked against figures worked out by hand from
// the presets (docs/stacks.md) and the eu-west-2 prices below, which the table must hold.

const table = loadPriceTable();
const london = table.regions["eu-west-2"]!;

describe("the price table", () => {
  it("holds the eu-west-2 prices the hand-computed figures below assume", () => {
    expect({
      nat: london.natGatewayHour.usd,
      alb: london.applicationLoadBalancerHour.usd,
      ipv4: london.publicIpv4Hour.usd,
      gp3: london.ebsGp3GbMonth.usd,
      alarm: london.cloudwatchAlarmMonth.usd,
      zone: london.route53HostedZoneMonth.usd,
      small: london.ec2Hour["t3.small"]!.usd,
      medium: london.ec2Hour["t3.medium"]!.usd,
    }).toEqual({
      nat: 0.05,
      alb: 0.02646,
      ipv4: 0.005,
      gp3: 0.0928,
      alarm: 0.1,
      zone: 0.5,
      small: 0.0236,
      medium: 0.0472,
    });
    expect(table.hoursPerMonth).toBe(730);
  });

  it("gives every price a unit, a public source, and a date or the reason it has none", () => {
    for (const [region, prices] of Object.entries(table.regions)) {
      const all = [
        ...Object.entries(prices).filter(([k]) => k !== "ec2Hour" && k !== "usage"),
        ...Object.entries(prices.ec2Hour),
        ...Object.entries(prices.usage),
      ] as Array<
        [string, { usd: number; unit: string; source: string; date: string | null; unverified?: string }]
      >;
      expect(all.length).toBeGreaterThan(10);
      for (const [key, p] of all) {
        expect([region, key, typeof p.usd, p.usd >= 0]).toEqual([region, key, "number", true]);
        expect([region, key, p.source]).toEqual([region, key, expect.stringMatching(/^https:\/\//)]);
        expect(p.unit).not.toBe("");
        if (p.date === null)
          expect([region, key, p.unverified]).toEqual([region, key, expect.stringContaining("refresh.ts")]);
        else expect(p.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });
});

describe("npm run cost: the dev and prod presets against figures worked out by hand", () => {
  it("dev: one NAT gateway, an internal ALB, two t3.small (default and edge), two Elastic IPs, one zone", () => {
    const cost = estimateEnvironment("dev", {});
    const byKey = Object.fromEntries(cost.total.lines.map((l) => [l.key, [l.quantity, round(l.monthly)]]));
    expect(byKey).toEqual({
      "nat-gateway": [1, round(1 * 730 * 0.05)], // 36.50
      "ec2:t3.small": [2, round(2 * 730 * 0.0236)], // 34.456: default (1) + edge-eu-west-2a (1)
      "lb:application": [1, round(730 * 0.02646)], // 19.3158: internal, so no public IPv4 of its own
      "public-ipv4": [2, round(2 * 730 * 0.005)], // 7.30: the NAT gateway's and the static IP's EIPs
      "ebs:gp3": [60, round(60 * 0.0928)], // 5.568: 30 GB root volume per instance
      "route53-zone": [1, 0.5],
      "alarm:target-tracking": [2, round(2 * 0.1)], // the default capacity provider's managed scaling
    });
    expect(round(cost.total.monthly)).toBe(round(36.5 + 34.456 + 19.3158 + 7.3 + 5.568 + 0.5 + 0.2)); // 103.84
    expect(cost.total.monthlyAtMaxCapacity).toBeCloseTo(cost.total.monthly, 6); // max = desired in dev
    expect(cost.stacks.map((s) => [s.stack, round(s.estimate.monthly)])).toEqual([
      ["dev-foundation", round(36.5 + 7.3 + 0.5)],
      ["dev-app", round(34.456 + 19.3158 + 5.568 + 0.2)],
    ]);
  });

  it("prod: a NAT gateway per AZ, two t3.medium scaling to six, two edge t3.small, four Elastic IPs, alarms", () => {
    const cost = estimateEnvironment("prod", {});
    const byKey = Object.fromEntries(cost.total.lines.map((l) => [l.key, [l.quantity, round(l.monthly)]]));
    expect(byKey).toEqual({
      "nat-gateway": [2, round(2 * 730 * 0.05)], // 73.00
      "ec2:t3.medium": [2, round(2 * 730 * 0.0472)], // 68.912
      "ec2:t3.small": [2, round(2 * 730 * 0.0236)], // 34.456: an edge instance per AZ
      "lb:application": [1, round(730 * 0.02646)], // 19.3158
      "public-ipv4": [4, round(4 * 730 * 0.005)], // 14.60: two NAT and two static-IP EIPs
      "ebs:gp3": [120, round(4 * 30 * 0.0928)], // 11.136
      // web and api: CPU (2 policies; web's blue/green rules out a request-count policy), and the
      // default capacity provider: 2 each.
      "alarm:target-tracking": [6, round(6 * 0.1)],
      // The static IP's DLQ and Lambda-errors alarms, and web's target 5xx alarm (a metric math
      // alarm over its two target groups: two metrics).
      alarm: [4, round(4 * 0.1)],
      "route53-zone": [1, 0.5],
    });
    const total = 73 + 68.912 + 34.456 + 19.3158 + 14.6 + 11.136 + 0.6 + 0.4 + 0.5; // 222.9198
    expect(round(cost.total.monthly)).toBe(round(total));
    // At its maximum the default group runs 6 t3.medium: 4 more instances and their volumes.
    expect(round(cost.total.monthlyAtMaxCapacity)).toBe(round(total + 4 * 730 * 0.0472 + 4 * 30 * 0.0928));
    expect(cost.total.leftOut.map((l) => l.what)).toEqual(
      expect.arrayContaining([
        "NAT gateway data processing",
        "CloudWatch Logs ingestion",
        "Lambda requests",
        "S3 storage and requests",
        "load balancer capacity units (LCU-hours)",
      ]),
    );
    expect(cost.total.unknownTypes).toEqual([]);
  });

  it("an internet-facing load balancer holds a public IPv4 address per subnet; a stopped environment runs no instance", () => {
    const preset = testPreset();
    const open = estimateConfig(preset);
    expect(open.total.lines.find((l) => l.key === "public-ipv4")!.resources).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_lb\./)]),
    );
    const stopped = estimateConfig({ ...DEV, stopped: true });
    const instances = stopped.total.lines.filter((l) => l.key.startsWith("ec2:") || l.key.startsWith("ebs:"));
    expect(instances.map((l) => [l.key, l.quantity, l.monthly])).toEqual([
      ["ebs:gp3", 0, 0],
      ["ec2:t3.small", 0, 0],
    ]);
    expect(round(stopped.total.monthly)).toBe(round(103.8398 - 34.456 - 5.568));
  });

  it("counts a metric math alarm once per metric it reads, as CloudWatch bills it", () => {
    const set = resourcesOfSynthesized({
      resource: {
        aws_cloudwatch_metric_alarm: {
          one: { metric_name: "Errors", namespace: "AWS/Lambda", period: 60 },
          math: {
            metric_query: [
              { id: "group0", metric: { metric_name: "HTTPCode_Target_5XX_Count", period: 60 } },
              { id: "group1", metric: { metric_name: "HTTPCode_Target_5XX_Count", period: 60 } },
              { id: "errors", expression: "SUM([group0, group1])", return_data: true },
            ],
          },
        },
      },
    });
    const line = estimateCost(set, "eu-west-2", table).lines.find((l) => l.key === "alarm")!;
    expect([line.quantity, round(line.monthly)]).toEqual([3, round(3 * 0.1)]);
  });

  it("says the prices are unverified, what it leaves out, and the per-stack figures", () => {
    const text = renderEstimate("Monthly estimate: environment dev", estimateEnvironment("dev", {}).total);
    expect(text).toContain("Monthly estimate: environment dev (eu-west-2, USD, 730 hours a month)");
    expect(text).toMatch(/NAT gateways\s+1 gateways × 730 h\s+\$0\.05\/hour\s+\$36\.50/);
    expect(text).toMatch(/Total\s+\$103\.84/);
    expect(text).toContain("Left out (usage-based; add your usage at these prices):");
    expect(text).toContain("NAT gateway data processing ($0.05/GB)");
    // The EC2 line's price was read from ec2instances.info's table; the other six were not read here.
    expect(text).toMatch(/UNVERIFIED: 6 of 7 lines/);
    expect(text).not.toMatch(/UNVERIFIED:[^\n]*EC2/);
  });
});

describe("prices the table lacks", () => {
  it("GIVEN a region with no prices THEN it names the region, the regions it has, and the fix", () => {
    expect(() => estimateConfig({ ...DEV, region: "eu-central-1" })).toThrow(
      new MissingPriceError(
        "cost estimate: region (eu-central-1) has no prices in scripts/cost/prices.json, which has eu-west-2, us-east-1; " +
          "add it with `npx tsx scripts/cost/refresh.ts aws --region eu-central-1` where AWS's price list is reachable",
      ),
    );
  });

  it("GIVEN an instance type with no price THEN it names the type, the region and the fix", () => {
    // c8i (2025) is newer than the eu-west-2 table's source (ec2instances.info's data of 2025-05-28).
    expect(() =>
      estimateConfig({ ...PROD, capacity: { ...PROD.capacity, instanceType: "c8i.large" } }),
    ).toThrow(
      /instance type \(c8i\.large\) has no price for eu-west-2 .*refresh\.ts aws --region eu-west-2.*refresh\.ts ec2instances/,
    );
  });

  it("GIVEN us-east-1 THEN EC2 prices come from Karpenter's generated table, with its date", () => {
    const east = estimateConfig({ ...DEV, region: "us-east-1", network: { ...DEV.network } });
    const small = east.total.lines.find((l) => l.key === "ec2:t3.small")!;
    expect(small.price).toEqual({
      usd: 0.0208,
      unit: "hour",
      source: expect.stringContaining("karpenter-provider-aws/@v/v1.15.2.zip"),
      date: "2026-07-20",
    });
  });
});

describe("the cost CLI", () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "scripts/cost/cli.ts", ...args],
        { cwd: path.join(__dirname, "..", ".."), env: { ...process.env, ECS_CDKTF_ENV: "" } },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
      );
    });

  it("prints an environment's estimate, and JSON with every price's source", async () => {
    const text = await run(["--env", "prod"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Total\s+\$222\.92/);
    expect(text.stdout).toContain("With every Auto Scaling group at its maximum size: $371.88");
    const json = await run(["--env=dev", "--format", "json"]);
    const parsed = JSON.parse(json.stdout) as {
      total: { lines: Array<{ key: string; price: { source: string } }> };
    };
    for (const l of parsed.total.lines)
      expect([l.key, l.price.source]).toEqual([
        l.key,
        l.key.startsWith("ec2:")
          ? expect.stringMatching(/^https:\/\/proxy\.golang\.org\/github\.com\/cristim\/ec2-instances-info\//)
          : expect.stringMatching(/^https:\/\/aws\.amazon\.com\//),
      ]);
  });

  it("exits 2 with one line for an unknown environment or option", async () => {
    const bad = await run(["--env", "staging"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown environment "staging" (from --env)');
    const option = await run(["--region", "x"]);
    expect([option.code, option.stderr.split("\n")[0]]).toEqual([2, 'error: unknown option "--region"']);
  });
});

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
