import { loadPriceTable } from "../../scripts/cost/prices";
import {
  EC2_INSTANCES_INFO_VERSION,
  Ec2InstancesInfoEntry,
  ec2PricesFromOffer,
  mergeEc2Prices,
  offerUrl,
  parseEc2InstancesInfo,
  parseKarpenterTable,
  pricesFromOffers,
  pseudoVersionDate,
  withEc2InstancesInfoPrices,
  withKarpenterPrices,
} from "../../scripts/cost/refresh";

// The refresh's parsers. Karpenter's table and ec2instances.info's instances.json: excerpts in the
// shape of the real files (the real ones, Karpenter v1.15.2 and ec2-instances-info
// v0.0.0-20250528091325-32acf84f42eb from the Go module proxy, are what prices.json's EC2 prices
// were refreshed from: us-east-1 from Karpenter, eu-west-2 from ec2instances.info). AWS's offer files: no AWS is reachable here, so these run on a small offer in the bulk
// format AWS documents (products by SKU, terms.OnDemand priceDimensions); the live download is
// not exercised here.

const KARPENTER_EXCERPT = `package pricing

// generated at 2026-07-20T13:44:30Z for us-east-1

var InitialOnDemandPricesAWS = map[string]map[ec2types.InstanceType]float64{
	// us-east-1
	"us-east-1": {
		// t3 family
		"t3.2xlarge": 0.332800, "t3.large": 0.083200, "t3.medium": 0.041600, "t3.micro": 0.010400,
		"t3.nano": 0.005200, "t3.small": 0.020800, "t3.xlarge": 0.166400,
	},
	"eu-west-2": {
		"t3.small": 0.023600,
	},
}
`;

describe("Karpenter's generated table", () => {
  it("parses its date and prices by region", () => {
    const parsed = parseKarpenterTable(KARPENTER_EXCERPT);
    expect(parsed.generated).toBe("2026-07-20");
    expect(parsed.regions["us-east-1"]).toEqual({
      "t3.2xlarge": 0.3328,
      "t3.large": 0.0832,
      "t3.medium": 0.0416,
      "t3.micro": 0.0104,
      "t3.nano": 0.0052,
      "t3.small": 0.0208,
      "t3.xlarge": 0.1664,
    });
    expect(parsed.regions["eu-west-2"]).toEqual({ "t3.small": 0.0236 });
  });

  it("replaces the EC2 prices of the table's regions it lists, with source and date; others stay", () => {
    const table = loadPriceTable();
    const updated = withKarpenterPrices(table, KARPENTER_EXCERPT, "v9.9.9");
    expect(updated.regions["us-east-1"]!.ec2Hour["t3.small"]).toEqual({
      usd: 0.0208,
      unit: "hour",
      source: expect.stringMatching(
        /^https:\/\/proxy\.golang\.org\/github\.com\/aws\/karpenter-provider-aws\/@v\/v9\.9\.9\.zip /,
      ),
      date: "2026-07-20",
    });
    // A type the excerpt does not list keeps its entry.
    expect(updated.regions["us-east-1"]!.ec2Hour["m5.large"]).toEqual(
      table.regions["us-east-1"]!.ec2Hour["m5.large"],
    );
    expect(Object.keys(updated.regions["us-east-1"]!.ec2Hour)).toHaveLength(
      Object.keys(table.regions["us-east-1"]!.ec2Hour).length,
    );
    expect(updated.regions["eu-west-2"]!.ec2Hour["t3.small"]!.source).toContain("karpenter");
    expect(updated.regions["us-east-1"]!.natGatewayHour).toEqual(table.regions["us-east-1"]!.natGatewayHour);
  });

  it("refuses a file without its generation date", () => {
    expect(() => parseKarpenterTable("package pricing\n")).toThrow(/no "generated at" date/);
  });
});

// Two entries of instances.json as ec2instances.info writes them (fields the refresh does not read cut).
const EC2_INSTANCES_INFO_EXCERPT: Ec2InstancesInfoEntry[] = [
  {
    instance_type: "t3.small",
    pricing: {
      "eu-west-2": { linux: { ondemand: "0.0236", reserved: { "yrTerm1Standard.noUpfront": "0.0149" } } },
      "us-east-1": { linux: { ondemand: "0.0208" }, mswin: { ondemand: "0.0392" } },
    },
  },
  {
    instance_type: "u-6tb1.metal",
    // A type offered only reserved, with no on-demand price in a region: left out there.
    pricing: { "eu-west-2": { linux: { reserved: { "yrTerm3Standard.allUpfront": "30.0" } } } },
  },
];

describe("ec2instances.info's data (Go module github.com/cristim/ec2-instances-info)", () => {
  it("parses Linux on-demand prices by region, leaving out types with no on-demand price", () => {
    expect(parseEc2InstancesInfo(EC2_INSTANCES_INFO_EXCERPT)).toEqual({
      "eu-west-2": { "t3.small": 0.0236 },
      "us-east-1": { "t3.small": 0.0208 },
    });
  });

  it("dates its prices by the module version's commit day", () => {
    expect(pseudoVersionDate(EC2_INSTANCES_INFO_VERSION)).toBe("2025-05-28");
    expect(() => pseudoVersionDate("v1.2.3")).toThrow(/is not a Go pseudo-version/);
  });

  it("sets each region's prices with source and date, but never over a later-dated entry", () => {
    const table = loadPriceTable();
    const updated = withEc2InstancesInfoPrices(table, EC2_INSTANCES_INFO_EXCERPT, EC2_INSTANCES_INFO_VERSION);
    expect(updated.regions["eu-west-2"]!.ec2Hour["t3.small"]).toEqual({
      usd: 0.0236,
      unit: "hour",
      source: expect.stringContaining(
        `https://proxy.golang.org/github.com/cristim/ec2-instances-info/@v/${EC2_INSTANCES_INFO_VERSION}.zip (data/instances.json`,
      ),
      date: "2025-05-28",
    });
    // us-east-1's entry comes from Karpenter's table of 2026-07-20, later than the module: it stays.
    expect(updated.regions["us-east-1"]!.ec2Hour["t3.small"]).toEqual(
      table.regions["us-east-1"]!.ec2Hour["t3.small"],
    );
    expect(table.regions["us-east-1"]!.ec2Hour["t3.small"]!.date).toBe("2026-07-20");
  });

  it("merges by date: fresh over older or undated entries, kept over fresh when later; old types stay", () => {
    const price = (usd: number, date: string | null) => ({ usd, unit: "hour", source: "s", date });
    const merged = mergeEc2Prices(
      { "a.large": price(1, "2026-01-01"), "b.large": price(2, null), "c.large": price(3, "2024-01-01") },
      {
        "a.large": price(10, "2025-01-01"),
        "b.large": price(20, "2025-01-01"),
        "c.large": price(30, "2025-01-01"),
      },
    );
    expect(merged).toEqual({
      "a.large": price(1, "2026-01-01"),
      "b.large": price(20, "2025-01-01"),
      "c.large": price(30, "2025-01-01"),
    });
    expect(mergeEc2Prices({ "z.large": price(9, null) }, { "a.large": price(1, "2025-01-01") })).toEqual({
      "a.large": price(1, "2025-01-01"),
      "z.large": price(9, null),
    });
  });
});

const product = (sku: string, productFamily: string, attributes: Record<string, string>) => ({
  sku,
  productFamily,
  attributes,
});
const onDemand = (usd: string, unit: string, beginRange = "0") => ({
  [`T.${usd}`]: { priceDimensions: { [`D.${usd}`]: { unit, beginRange, pricePerUnit: { USD: usd } } } },
});

describe("AWS's Price List offer files", () => {
  const linux = {
    operatingSystem: "Linux",
    tenancy: "Shared",
    preInstalledSw: "NA",
    capacitystatus: "Used",
    licenseModel: "No License required",
  };
  const ec2 = {
    products: {
      NAT: product("NAT", "NAT Gateway", { usagetype: "EUW2-NatGateway-Hours" }),
      NATB: product("NATB", "NAT Gateway", { usagetype: "EUW2-NatGateway-Bytes" }),
      GP3: product("GP3", "Storage", { volumeApiName: "gp3", usagetype: "EUW2-EBS:VolumeUsage.gp3" }),
      GP2: product("GP2", "Storage", { volumeApiName: "gp2", usagetype: "EUW2-EBS:VolumeUsage.gp2" }),
      SMALL: product("SMALL", "Compute Instance", { ...linux, instanceType: "t3.small" }),
      WIN: product("WIN", "Compute Instance", {
        ...linux,
        operatingSystem: "Windows",
        instanceType: "t3.small",
      }),
      RES: product("RES", "Compute Instance", {
        ...linux,
        capacitystatus: "UnusedCapacityReservation",
        instanceType: "t3.medium",
      }),
    },
    terms: {
      OnDemand: {
        NAT: onDemand("0.0500000000", "Hrs"),
        NATB: onDemand("0.0500000000", "GB"),
        GP3: onDemand("0.0928000000", "GB-Mo"),
        GP2: onDemand("0.1160000000", "GB-Mo"),
        SMALL: onDemand("0.0236000000", "Hrs"),
        WIN: onDemand("0.0328000000", "Hrs"),
        RES: onDemand("0.0472000000", "Hrs"),
      },
    },
  };
  const offers = {
    AmazonEC2: ec2,
    AWSELB: {
      products: {
        ALB: product("ALB", "Load Balancer-Application", { usagetype: "EUW2-LoadBalancerUsage" }),
        LCU: product("LCU", "Load Balancer-Application", { usagetype: "EUW2-LCUUsage" }),
      },
      terms: { OnDemand: { ALB: onDemand("0.0264600000", "Hrs"), LCU: onDemand("0.0084000000", "LCU-Hrs") } },
    },
    AmazonCloudWatch: {
      products: {
        FREE: product("FREE", "Alarm", { usagetype: "EUW2-CW:AlarmMonitorUsage" }),
      },
      terms: {
        OnDemand: {
          FREE: { ...onDemand("0.0000000000", "Alarms"), ...onDemand("0.1000000000", "Alarms", "10") },
        },
      },
    },
  };

  it("takes each fixed price from the product its rule matches, and names what it did not find", () => {
    const { prices, missing } = pricesFromOffers("eu-west-2", offers, "2026-12-05");
    expect(prices).toEqual({
      natGatewayHour: {
        usd: 0.05,
        unit: "hour",
        source: offerUrl("AmazonEC2", "eu-west-2"),
        date: "2026-12-05",
      },
      applicationLoadBalancerHour: {
        usd: 0.02646,
        unit: "hour",
        source: offerUrl("AWSELB", "eu-west-2"),
        date: "2026-12-05",
      },
      ebsGp3GbMonth: {
        usd: 0.0928,
        unit: "GB-month",
        source: offerUrl("AmazonEC2", "eu-west-2"),
        date: "2026-12-05",
      },
      ebsGp2GbMonth: {
        usd: 0.116,
        unit: "GB-month",
        source: offerUrl("AmazonEC2", "eu-west-2"),
        date: "2026-12-05",
      },
      // The free tier's $0 dimension is not the alarm's price; the paid tier is.
      cloudwatchAlarmMonth: {
        usd: 0.1,
        unit: "alarm-month",
        source: offerUrl("AmazonCloudWatch", "eu-west-2"),
        date: "2026-12-05",
      },
    });
    expect(missing).toEqual([
      "networkLoadBalancerHour",
      "publicIpv4Hour",
      "cloudwatchHighResolutionAlarmMonth",
      "kmsKeyMonth",
    ]);
    expect(offerUrl("AmazonVPC", "eu-west-2")).toBe(
      "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonVPC/current/eu-west-2/index.json",
    );
  });

  it("takes EC2 Linux on-demand prices in shared tenancy only", () => {
    expect(ec2PricesFromOffer("eu-west-2", ec2, "2026-12-05")).toEqual({
      "t3.small": {
        usd: 0.0236,
        unit: "hour",
        source: offerUrl("AmazonEC2", "eu-west-2"),
        date: "2026-12-05",
      },
    });
  });
});
