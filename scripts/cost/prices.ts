/**
 * The price table the cost estimate reads (`prices.json`, beside this file): AWS's public
 * on-demand prices in USD, per region, each with its public source and the date it was read.
 * `refresh.ts` rewrites it from AWS's Price List bulk files, and its EC2 prices from
 * ec2instances.info's and Karpenter's tables (Go modules, from the Go module proxy).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** One price: what it costs, per what, where it was published, and when it was read. */
export interface Price {
  readonly usd: number;
  /** e.g. `hour`, `GB-month`, `alarm-month`. */
  readonly unit: string;
  /** The public page or file it comes from. */
  readonly source: string;
  /**
   * The day it was read from there (YYYY-MM-DD); null for a figure not read from its source by
   * this project's tools (see {@link Price.unverified}).
   */
  readonly date: string | null;
  /** Why the figure is not verified, when it is not: it must be refreshed before it is trusted. */
  readonly unverified?: string;
}

/** The fixed (not usage-based) prices of one region. */
export interface RegionPrices {
  readonly natGatewayHour: Price;
  readonly applicationLoadBalancerHour: Price;
  readonly networkLoadBalancerHour: Price;
  readonly publicIpv4Hour: Price;
  readonly ebsGp3GbMonth: Price;
  readonly ebsGp2GbMonth: Price;
  readonly cloudwatchAlarmMonth: Price;
  readonly cloudwatchHighResolutionAlarmMonth: Price;
  readonly route53HostedZoneMonth: Price;
  readonly kmsKeyMonth: Price;
  /** EC2 Linux on-demand, shared tenancy, by instance type. */
  readonly ec2Hour: Readonly<Record<string, Price>>;
  /** Usage-based prices the estimate leaves out, shown beside it so a reader can add usage. */
  readonly usage: Readonly<Record<string, Price>>;
}

/** The whole table. */
export interface PriceTable {
  readonly currency: "USD";
  /** Hours a month the estimate counts (AWS's calculator uses 730). */
  readonly hoursPerMonth: number;
  readonly regions: Readonly<Record<string, RegionPrices>>;
}

/** Where the table lives. */
export const PRICE_TABLE_PATH = path.join(__dirname, "prices.json");

/** The table in the repository. */
export function loadPriceTable(file = PRICE_TABLE_PATH): PriceTable {
  return JSON.parse(fs.readFileSync(file, "utf8")) as PriceTable;
}

/** Thrown when the table has no price for what the estimate needs; the message says the fix. */
export class MissingPriceError extends Error {}

/** The prices of `region`; a region the table lacks fails with the regions it has and the fix. */
export function regionPrices(table: PriceTable, region: string): RegionPrices {
  const prices = table.regions[region];
  if (!prices) {
    throw new MissingPriceError(
      `cost estimate: region (${region}) has no prices in scripts/cost/prices.json, which has ` +
        `${Object.keys(table.regions).sort().join(", ")}; add it with ` +
        `\`npx tsx scripts/cost/refresh.ts aws --region ${region}\` where AWS's price list is reachable`,
    );
  }
  return prices;
}

/** The hourly price of `instanceType` in `region`; a type the table lacks fails with the fix. */
export function ec2Price(prices: RegionPrices, region: string, instanceType: string): Price {
  const price = prices.ec2Hour[instanceType];
  if (!price) {
    throw new MissingPriceError(
      `cost estimate: instance type (${instanceType}) has no price for ${region} in ` +
        `scripts/cost/prices.json; add it with \`npx tsx scripts/cost/refresh.ts aws --region ${region}\` ` +
        `where AWS's price list is reachable, or \`refresh.ts ec2instances\` (ec2instances.info's data, from the Go module proxy)`,
    );
  }
  return price;
}
