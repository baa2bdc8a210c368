/**
 * Refreshes scripts/cost/prices.json from public sources.
 *
 *   npx tsx scripts/cost/refresh.ts karpenter [--version v1.15.2]
 *     EC2 on-demand prices from Karpenter's generated table (the Go module
 *     github.com/aws/karpenter-provider-aws, pkg/providers/pricing/zz_generated.pricing_aws.go,
 *     which Karpenter generates from AWS's Pricing API), fetched from the Go module proxy. Updates
 *     every region of the table that Karpenter lists (us-east-1 since Karpenter 0.37).
 *   npx tsx scripts/cost/refresh.ts ec2instances [--version V]
 *     EC2 Linux on-demand prices of every region of the table from the data behind
 *     ec2instances.info (vantage-sh, generated from AWS's Price List) as the Go module
 *     github.com/cristim/ec2-instances-info carries it (data/instances.json), fetched from the Go
 *     module proxy; dated by the module version's commit time.
 *   npx tsx scripts/cost/refresh.ts aws --region R [--offers DIR]
 *     every fixed price of region R, EC2 Linux on-demand by instance type included, from AWS's Price List bulk offer files
 *     (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<service>/current/<region>/index.json,
 *     public, no credentials), downloaded into DIR (default: a temporary directory) unless they
 *     are there already. Adds R to the table when it is new.
 *
 * Each price written carries its source and the day it was read; a price the source does not have
 * keeps its old entry and is named on stderr. EC2 prices merge by date: an entry a source brings
 * replaces the table's unless the table's is dated later, so the order the sources run in does
 * not matter (Karpenter's us-east-1 table is newer than ec2instances.info's module).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadPriceTable, Price, PRICE_TABLE_PATH, PriceTable, RegionPrices } from "./prices";

/** The Karpenter release whose table the EC2 prices come from by default. */
export const KARPENTER_VERSION = "v1.15.2";
const KARPENTER_MODULE = "github.com/aws/karpenter-provider-aws";
const KARPENTER_FILE = "pkg/providers/pricing/zz_generated.pricing_aws.go";

/** Karpenter's generated table: its generation date, and prices by region and instance type. */
export function parseKarpenterTable(source: string): {
  generated: string;
  regions: Record<string, Record<string, number>>;
} {
  const generated = /generated at (\d{4}-\d{2}-\d{2})T/.exec(source)?.[1];
  if (!generated) throw new Error(`${KARPENTER_FILE}: no "generated at" date in its header`);
  const regions: Record<string, Record<string, number>> = {};
  let current: Record<string, number> | undefined;
  for (const line of source.split("\n")) {
    const region = /^\s*"([a-z]{2}(?:-[a-z]+)+-\d+)": \{\s*$/.exec(line);
    if (region) {
      current = {};
      regions[region[1]!] = current;
      continue;
    }
    if (!current) continue;
    for (const m of line.matchAll(/"([a-z0-9-]+\.[a-z0-9-]+)": ([0-9.]+)/g)) current[m[1]!] = Number(m[2]);
  }
  return { generated, regions };
}

/**
 * `old` EC2 prices with `fresh` ones merged in: a fresh entry wins unless the old one is dated
 * later (an undated, unverified entry always loses); types only in `old` stay. Sorted by type.
 */
export function mergeEc2Prices(
  old: Readonly<Record<string, Price>>,
  fresh: Readonly<Record<string, Price>>,
): Record<string, Price> {
  const merged: Record<string, Price> = { ...old };
  for (const [type, price] of Object.entries(fresh)) {
    const kept = merged[type];
    if (!kept?.date || !price.date || kept.date <= price.date) merged[type] = price;
  }
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
}

/** The table with the EC2 prices of `byRegion` merged into the regions it already has. */
function withEc2Prices(
  table: PriceTable,
  byRegion: Readonly<Record<string, Readonly<Record<string, number>>>>,
  source: string,
  date: string,
): PriceTable {
  const updated: Record<string, RegionPrices> = { ...table.regions };
  for (const [region, prices] of Object.entries(table.regions)) {
    const listed = byRegion[region];
    if (!listed) continue;
    const fresh: Record<string, Price> = {};
    for (const [type, usd] of Object.entries(listed)) fresh[type] = { usd, unit: "hour", source, date };
    updated[region] = { ...prices, ec2Hour: mergeEc2Prices(prices.ec2Hour, fresh) };
  }
  return { ...table, regions: updated };
}

/** The table with EC2 prices from Karpenter's table `source` of module `version`. */
export function withKarpenterPrices(table: PriceTable, source: string, version: string): PriceTable {
  const { generated, regions } = parseKarpenterTable(source);
  const origin = `https://proxy.golang.org/${KARPENTER_MODULE}/@v/${version}.zip (${KARPENTER_FILE}, generated ${generated} from AWS's Pricing API)`;
  return withEc2Prices(table, regions, origin, generated);
}

/** The module version whose copy of ec2instances.info's data the EC2 prices come from by default. */
export const EC2_INSTANCES_INFO_VERSION = "v0.0.0-20250528091325-32acf84f42eb";
const EC2_INSTANCES_INFO_MODULE = "github.com/cristim/ec2-instances-info";
const EC2_INSTANCES_INFO_FILE = "data/instances.json";

/** The commit day of a Go pseudo-version (`v0.0.0-20250528091325-32acf84f42eb` → `2025-05-28`). */
export function pseudoVersionDate(version: string): string {
  const m = /-(\d{4})(\d{2})(\d{2})\d{6}-[0-9a-f]{12}$/.exec(version);
  if (!m) throw new Error(`${version} is not a Go pseudo-version (vX.Y.Z-yyyymmddhhmmss-abcdef123456)`);
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** One instance type of ec2instances.info's `instances.json` (the fields the refresh reads). */
export interface Ec2InstancesInfoEntry {
  readonly instance_type: string;
  /** By region, then operating system (`linux`, `mswin`, ...): `ondemand`, `reserved`, `spot`, ... */
  readonly pricing?: Readonly<
    Record<
      string,
      Readonly<Record<string, { readonly ondemand?: string; readonly [term: string]: unknown } | undefined>>
    >
  >;
}

/** Linux on-demand prices by region and instance type, from ec2instances.info's `instances.json`. */
export function parseEc2InstancesInfo(
  entries: readonly Ec2InstancesInfoEntry[],
): Record<string, Record<string, number>> {
  const regions: Record<string, Record<string, number>> = {};
  for (const e of entries) {
    for (const [region, prices] of Object.entries(e.pricing ?? {})) {
      const ondemand = prices.linux?.ondemand;
      const usd = Number(ondemand);
      if (ondemand === undefined || !Number.isFinite(usd) || usd <= 0) continue;
      (regions[region] ??= {})[e.instance_type] = usd;
    }
  }
  return regions;
}

/** The table with EC2 prices from ec2instances.info's data as module `version` carries it. */
export function withEc2InstancesInfoPrices(
  table: PriceTable,
  entries: readonly Ec2InstancesInfoEntry[],
  version: string,
): PriceTable {
  const date = pseudoVersionDate(version);
  const origin = `https://proxy.golang.org/${EC2_INSTANCES_INFO_MODULE}/@v/${version}.zip (${EC2_INSTANCES_INFO_FILE}: ec2instances.info's data, generated from AWS's Price List; module committed ${date})`;
  return withEc2Prices(table, parseEc2InstancesInfo(entries), origin, date);
}

/** One file of a Go module's zip from the Go module proxy. */
function goModuleFile(module: string, version: string, file: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gomod-"));
  try {
    const zip = path.join(dir, "module.zip");
    execFileSync("curl", ["-fsSL", "-o", zip, `https://proxy.golang.org/${module}/@v/${version}.zip`]);
    return execFileSync("unzip", ["-p", zip, `${module}@${version}/${file}`], {
      encoding: "utf8",
      maxBuffer: 256 << 20,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One product and its on-demand price dimensions, from an AWS Price List bulk offer file. */
interface OfferPrice {
  readonly sku: string;
  readonly productFamily?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly usd: number;
  readonly unit: string;
  readonly beginRange: number;
}

/** The on-demand prices of an offer file (`products` joined with `terms.OnDemand`). */
export function offerPrices(offer: {
  products?: Record<string, { sku: string; productFamily?: string; attributes?: Record<string, string> }>;
  terms?: {
    OnDemand?: Record<
      string,
      Record<
        string,
        {
          priceDimensions?: Record<
            string,
            { unit: string; beginRange?: string; pricePerUnit?: { USD?: string } }
          >;
        }
      >
    >;
  };
}): OfferPrice[] {
  const out: OfferPrice[] = [];
  for (const [sku, product] of Object.entries(offer.products ?? {})) {
    for (const term of Object.values(offer.terms?.OnDemand?.[sku] ?? {})) {
      for (const d of Object.values(term.priceDimensions ?? {})) {
        if (d.pricePerUnit?.USD === undefined) continue;
        out.push({
          sku,
          ...(product.productFamily ? { productFamily: product.productFamily } : {}),
          attributes: product.attributes ?? {},
          usd: Number(d.pricePerUnit.USD),
          unit: d.unit,
          beginRange: Number(d.beginRange ?? 0),
        });
      }
    }
  }
  return out;
}

/** What each fixed price of a region is, in AWS's offer files: the service and a product test. */
export const OFFER_RULES: ReadonlyArray<{
  readonly key: Exclude<keyof RegionPrices, "ec2Hour" | "usage">;
  readonly service: string;
  readonly unit: string;
  readonly match: (p: OfferPrice) => boolean;
}> = [
  {
    key: "natGatewayHour",
    service: "AmazonEC2",
    unit: "hour",
    match: (p) => /NatGateway-Hours$/.test(p.attributes.usagetype ?? ""),
  },
  {
    key: "applicationLoadBalancerHour",
    service: "AWSELB",
    unit: "hour",
    match: (p) =>
      p.productFamily === "Load Balancer-Application" &&
      /LoadBalancerUsage$/.test(p.attributes.usagetype ?? ""),
  },
  {
    key: "networkLoadBalancerHour",
    service: "AWSELB",
    unit: "hour",
    match: (p) =>
      p.productFamily === "Load Balancer-Network" && /LoadBalancerUsage$/.test(p.attributes.usagetype ?? ""),
  },
  {
    key: "publicIpv4Hour",
    service: "AmazonVPC",
    unit: "hour",
    match: (p) => /PublicIPv4:InUseAddress$/.test(p.attributes.usagetype ?? ""),
  },
  {
    key: "ebsGp3GbMonth",
    service: "AmazonEC2",
    unit: "GB-month",
    match: (p) => p.productFamily === "Storage" && p.attributes.volumeApiName === "gp3",
  },
  {
    key: "ebsGp2GbMonth",
    service: "AmazonEC2",
    unit: "GB-month",
    match: (p) => p.productFamily === "Storage" && p.attributes.volumeApiName === "gp2",
  },
  {
    key: "cloudwatchAlarmMonth",
    service: "AmazonCloudWatch",
    unit: "alarm-month",
    match: (p) => /CW:AlarmMonitorUsage$/.test(p.attributes.usagetype ?? "") && p.usd > 0,
  },
  {
    key: "cloudwatchHighResolutionAlarmMonth",
    service: "AmazonCloudWatch",
    unit: "alarm-month",
    match: (p) => /CW:HighResAlarmMonitorUsage$/.test(p.attributes.usagetype ?? ""),
  },
  {
    key: "kmsKeyMonth",
    service: "awskms",
    unit: "key-month",
    match: (p) => /KMS-Keys$/.test(p.attributes.usagetype ?? ""),
  },
];

/** Whether an offer product is EC2 Linux on-demand capacity in shared tenancy (what the estimate prices). */
export function isLinuxOnDemand(p: OfferPrice): boolean {
  const a = p.attributes;
  return (
    p.productFamily === "Compute Instance" &&
    a.operatingSystem === "Linux" &&
    a.tenancy === "Shared" &&
    a.preInstalledSw === "NA" &&
    a.capacitystatus === "Used" &&
    a.licenseModel === "No License required" &&
    typeof a.instanceType === "string"
  );
}

/** EC2 Linux on-demand prices by instance type, from a region's AmazonEC2 offer file. */
export function ec2PricesFromOffer(
  region: string,
  offer: Parameters<typeof offerPrices>[0],
  date: string,
): Record<string, Price> {
  const out: Record<string, Price> = {};
  for (const p of offerPrices(offer)
    .filter(isLinuxOnDemand)
    .sort((a, b) => a.attributes.instanceType!.localeCompare(b.attributes.instanceType!))) {
    out[p.attributes.instanceType!] = {
      usd: p.usd,
      unit: "hour",
      source: offerUrl("AmazonEC2", region),
      date,
    };
  }
  return out;
}

/** The offer file URL of `service` in `region`. */
export function offerUrl(service: string, region: string): string {
  return `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${service}/current/${region}/index.json`;
}

/**
 * The region's fixed prices from its offer files (`offers[service]`), each the first tier of the
 * first product its rule matches; the keys no product matched are returned apart.
 */
export function pricesFromOffers(
  region: string,
  offers: Readonly<Record<string, Parameters<typeof offerPrices>[0]>>,
  date: string,
): { prices: Partial<Record<string, Price>>; missing: string[] } {
  const prices: Partial<Record<string, Price>> = {};
  const missing: string[] = [];
  for (const rule of OFFER_RULES) {
    const offer = offers[rule.service];
    const found = offer
      ? offerPrices(offer)
          .filter(rule.match)
          .sort((a, b) => a.beginRange - b.beginRange || b.usd - a.usd)[0]
      : undefined;
    if (!found) missing.push(rule.key);
    else prices[rule.key] = { usd: found.usd, unit: rule.unit, source: offerUrl(rule.service, region), date };
  }
  return { prices, missing };
}

function write(table: PriceTable): void {
  fs.writeFileSync(PRICE_TABLE_PATH, `${JSON.stringify(table, null, 2)}\n`);
}

function main(argv: readonly string[]): void {
  const [command, ...rest] = argv;
  const option = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const table = loadPriceTable();
  if (command === "karpenter") {
    const version = option("--version") ?? KARPENTER_VERSION;
    write(withKarpenterPrices(table, goModuleFile(KARPENTER_MODULE, version, KARPENTER_FILE), version));
    return;
  }
  if (command === "ec2instances") {
    const version = option("--version") ?? EC2_INSTANCES_INFO_VERSION;
    const entries = JSON.parse(
      goModuleFile(EC2_INSTANCES_INFO_MODULE, version, EC2_INSTANCES_INFO_FILE),
    ) as Ec2InstancesInfoEntry[];
    write(withEc2InstancesInfoPrices(table, entries, version));
    return;
  }
  if (command === "aws") {
    const region = option("--region");
    if (!region) throw new Error("refresh aws needs --region R");
    const dir = option("--offers") ?? fs.mkdtempSync(path.join(os.tmpdir(), "offers-"));
    const offers: Record<string, Parameters<typeof offerPrices>[0]> = {};
    for (const service of [...new Set(OFFER_RULES.map((r) => r.service))]) {
      const file = path.join(dir, service, `${region}.json`);
      if (!fs.existsSync(file)) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        execFileSync("curl", ["-fsSL", "-o", file, offerUrl(service, region)]);
      }
      offers[service] = JSON.parse(fs.readFileSync(file, "utf8"));
    }
    const date = new Date().toISOString().slice(0, 10);
    const { prices, missing } = pricesFromOffers(region, offers, date);
    const ec2Hour = ec2PricesFromOffer(region, offers.AmazonEC2!, date);
    for (const key of missing)
      process.stderr.write(`refresh: no ${key} in ${region}'s offer files; kept the old entry\n`);
    const old = table.regions[region];
    if (!old && missing.length) throw new Error(`refresh: ${region} is new and lacks ${missing.join(", ")}`);
    write({
      ...table,
      regions: {
        ...table.regions,
        [region]: {
          ...(old ?? { usage: {} }),
          ...prices,
          ec2Hour: mergeEc2Prices(old?.ec2Hour ?? {}, ec2Hour),
        } as RegionPrices,
      },
    });
    return;
  }
  throw new Error(
    "usage: refresh.ts karpenter [--version V] | ec2instances [--version V] | aws --region R [--offers DIR]",
  );
}

if (require.main === module) main(process.argv.slice(2));
