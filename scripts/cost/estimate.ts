/**
 * The monthly cost estimate of a set of resources, offline: what an environment's stacks cost at
 * AWS's public on-demand prices (prices.json), per resource kind, and what a plan changes in it.
 * Pure: resources and prices in, numbers out. Only fixed charges are counted (hours, GB-months,
 * alarms, zones); what depends on usage (traffic, requests, log volume) is listed as left out.
 */
import type { PlanJson } from "../review/plan-json";
import { ec2Price, Price, PriceTable, regionPrices, RegionPrices } from "./prices";

/** One resource as the estimate sees it: its address, type and attribute values. */
export interface PricedResource {
  readonly address: string;
  readonly type: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** Instances of it (`count`); 1 for a plain resource. */
  readonly count: number;
}

/** The resources of one stack, and how to follow a reference between them. */
export interface ResourceSet {
  readonly resources: readonly PricedResource[];
  /**
   * For plans: the configuration's references by address and attribute path
   * (`aws_autoscaling_group.x` → `launch_template.id` → `aws_launch_template.y`), for values known
   * only after apply.
   */
  readonly references?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** One line of the estimate: a kind of charge, how much of it, and its monthly cost. */
export interface CostLine {
  /** Stable key, e.g. `ec2:t3.small`, `nat-gateway`. */
  readonly key: string;
  /** What a reader sees, e.g. `EC2 t3.small (Linux, on-demand)`. */
  readonly kind: string;
  /** How many (instances, addresses, GB, alarms, ...). */
  readonly quantity: number;
  /** What `quantity` counts, e.g. `instances`. */
  readonly quantityUnit: string;
  /** Hours a month when the price is hourly, else 1. */
  readonly hours: number;
  readonly price: Price;
  /** quantity × hours × price, USD a month. */
  readonly monthly: number;
  /** The addresses that make it up. */
  readonly resources: readonly string[];
  /** What the figure assumes, when it assumes something. */
  readonly note?: string;
}

/** A usage-based charge the estimate leaves out. */
export interface LeftOut {
  readonly what: string;
  /** Its price, when the table has it. */
  readonly price?: Price;
  readonly resources: readonly string[];
}

/** The estimate of a set of resources. */
export interface CostEstimate {
  readonly region: string;
  readonly currency: "USD";
  readonly hoursPerMonth: number;
  readonly lines: readonly CostLine[];
  /** USD a month: the sum of the lines. */
  readonly monthly: number;
  /** The same with every Auto Scaling group at its maximum size. */
  readonly monthlyAtMaxCapacity: number;
  readonly leftOut: readonly LeftOut[];
  /** Resource types the estimate does not know (neither priced, free nor usage-based). */
  readonly unknownTypes: readonly string[];
}

/** Types with no charge of their own (what they cost is in the resources they run or hold). */
export const FREE_TYPES: ReadonlySet<string> = new Set([
  "aws_appautoscaling_target",
  "aws_autoscaling_lifecycle_hook",
  "aws_cloudwatch_event_rule",
  "aws_cloudwatch_event_target",
  "aws_default_security_group",
  "aws_ecr_lifecycle_policy",
  "aws_ecs_capacity_provider",
  "aws_ecs_cluster",
  "aws_ecs_cluster_capacity_providers",
  "aws_ecs_service",
  "aws_ecs_task_definition",
  "aws_eip_association",
  "aws_iam_instance_profile",
  "aws_iam_policy",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_iam_role_policy_attachment",
  "aws_internet_gateway",
  "aws_lambda_function_event_invoke_config",
  "aws_lambda_permission",
  "aws_launch_template",
  "aws_lb_listener",
  "aws_lb_listener_rule",
  "aws_lb_target_group",
  "aws_network_interface",
  "aws_route",
  "aws_route53_record",
  "aws_route53_zone_association",
  "aws_route_table",
  "aws_route_table_association",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_versioning",
  "aws_security_group",
  "aws_sqs_queue_policy",
  "aws_subnet",
  "aws_vpc",
  "aws_vpc_security_group_egress_rule",
  "aws_vpc_security_group_ingress_rule",
]);

/** Usage-based charges, by the type that incurs them: what, and its price key in `usage`. */
export const USAGE_TYPES: Readonly<Record<string, ReadonlyArray<{ what: string; price?: string }>>> = {
  aws_nat_gateway: [{ what: "NAT gateway data processing", price: "natGatewayDataProcessedGb" }],
  aws_lb: [{ what: "load balancer capacity units (LCU-hours)", price: "applicationLoadBalancerLcuHour" }],
  aws_cloudwatch_log_group: [
    { what: "CloudWatch Logs ingestion", price: "cloudwatchLogsIngestedGb" },
    { what: "CloudWatch Logs storage", price: "cloudwatchLogsStoredGbMonth" },
  ],
  aws_flow_log: [{ what: "VPC flow logs (vended logs to CloudWatch Logs)", price: "vendedLogsIngestedGb" }],
  aws_lambda_function: [
    { what: "Lambda requests", price: "lambdaRequestsMillion" },
    { what: "Lambda duration", price: "lambdaGbSecond" },
  ],
  aws_ecr_repository: [{ what: "ECR image storage", price: "ecrStorageGbMonth" }],
  aws_s3_bucket: [{ what: "S3 storage and requests", price: "s3StandardGbMonth" }],
  aws_sqs_queue: [{ what: "SQS requests (the first million a month are free)", price: "sqsRequestsMillion" }],
  aws_autoscaling_group: [{ what: "data transfer out to the internet", price: "dataTransferOutGb" }],
};

/** Alarms AWS creates for each target tracking policy (one to scale out, one to scale in). */
export const TARGET_TRACKING_ALARMS = 2;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A nested block: cdktf writes one as an object, a plan as a list of one. */
function block(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value)) return isObject(value[0]) ? value[0] : undefined;
  return isObject(value) ? value : undefined;
}

function blocks(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

function num(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  return undefined;
}

/** The resources of a stack's synthesized JSON (`cdk.tf.json`), references as `${type.name.attr}`. */
/** Metrics an alarm reads: 1, or a metric math alarm's metric_query entries that have a metric. */
function alarmMetrics(values: Record<string, unknown>): number {
  const queries = values.metric_query;
  if (!Array.isArray(queries) || queries.length === 0) return 1;
  return Math.max(1, queries.filter((q) => q && typeof q === "object" && "metric" in q && q.metric).length);
}

export function resourcesOfSynthesized(json: {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}): ResourceSet {
  const resources = Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, values]) => ({
      address: `${type}.${name}`,
      type,
      values,
      count: num(values.count) ?? 1,
    })),
  );
  return { resources };
}

/** The configuration's references (plan JSON `configuration`), flattened per attribute path. */
function referencesOf(plan: PlanJson): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const walk = (expr: unknown, path: string, into: Record<string, string>): void => {
    if (Array.isArray(expr)) {
      expr.forEach((e) => walk(e, path, into));
      return;
    }
    if (!isObject(expr)) return;
    const refs = expr.references;
    if (Array.isArray(refs)) {
      const target = refs.find(
        (r): r is string => typeof r === "string" && /^aws_[a-z0-9_]+\.[^.]+$/.test(r),
      );
      if (target) into[path] = target;
      return;
    }
    for (const [k, v] of Object.entries(expr)) walk(v, path ? `${path}.${k}` : k, into);
  };
  const configuration = (plan as { configuration?: { root_module?: { resources?: unknown[] } } })
    .configuration;
  for (const r of configuration?.root_module?.resources ?? []) {
    if (!isObject(r) || typeof r.address !== "string") continue;
    const into: Record<string, string> = {};
    walk(r.expressions, "", into);
    out[r.address] = into;
  }
  return out;
}

/**
 * The managed resources of a plan on one side: `before` (what is deployed, as the plan read it)
 * or `after` (what the plan makes). Unknown values are absent; references are followed through
 * the plan's configuration.
 */
export function resourcesOfPlan(plan: PlanJson, side: "before" | "after"): ResourceSet {
  const resources = (plan.resource_changes ?? [])
    .filter((rc) => rc.mode === "managed" && isObject(rc.change[side]))
    .map((rc) => ({
      address: rc.address,
      type: rc.type,
      values: rc.change[side] as Record<string, unknown>,
      count: 1,
    }));
  return { resources, references: referencesOf(plan) };
}

const TOKEN = /^\$\{(aws_[a-z0-9_]+\.[^.}]+)\.[a-z_]+\}$/;

/** The resource a value of `from` (at `path`) refers to: by token, by id or name, or by the configuration. */
function follow(set: ResourceSet, from: PricedResource, path: string, value: unknown, type: string) {
  const base = (address: string) => address.replace(/\[[^\]]*\]$/, "");
  if (typeof value === "string") {
    const token = TOKEN.exec(value);
    if (token) return set.resources.find((r) => r.address === token[1]);
    const byValue = set.resources.find(
      (r) => r.type === type && (r.values.id === value || r.values.name === value),
    );
    if (byValue) return byValue;
  }
  const target = set.references?.[base(from.address)]?.[path];
  return target ? set.resources.find((r) => base(r.address) === target) : undefined;
}

interface Draft {
  key: string;
  kind: string;
  quantityUnit: string;
  hours: number;
  price: Price;
  quantity: number;
  resources: string[];
  note?: string;
}

/** The instances of an Auto Scaling group: how many it runs (desired, else minimum), its maximum. */
function groupSize(values: Readonly<Record<string, unknown>>): { running: number; max: number } {
  const min = num(values.min_size) ?? 0;
  const running = num(values.desired_capacity) ?? min;
  return { running, max: Math.max(num(values.max_size) ?? running, running) };
}

/** The estimate of `set` at the prices of `region`. */
export function estimateCost(set: ResourceSet, region: string, table: PriceTable): CostEstimate {
  const prices = regionPrices(table, region);
  const hours = table.hoursPerMonth;
  const drafts = new Map<string, Draft>();
  const add = (d: Omit<Draft, "resources" | "quantity">, quantity: number, address: string): void => {
    const existing = drafts.get(d.key) ?? { ...d, quantity: 0, resources: [] };
    existing.quantity += quantity;
    if (!existing.resources.includes(address)) existing.resources.push(address);
    drafts.set(d.key, existing);
  };
  let maxExtra = 0;
  const leftOut = new Map<string, LeftOut & { resources: string[] }>();
  const unknownTypes = new Set<string>();

  for (const r of set.resources) {
    const v = r.values;
    for (const u of USAGE_TYPES[r.type] ?? []) {
      const entry = leftOut.get(u.what) ?? {
        what: u.what,
        ...(u.price && prices.usage[u.price] ? { price: prices.usage[u.price] } : {}),
        resources: [],
      };
      entry.resources.push(r.address);
      leftOut.set(u.what, entry);
    }
    switch (r.type) {
      case "aws_nat_gateway":
        add(
          {
            key: "nat-gateway",
            kind: "NAT gateways",
            quantityUnit: "gateways",
            hours,
            price: prices.natGatewayHour,
          },
          r.count,
          r.address,
        );
        break;
      case "aws_eip":
        add(publicIpv4(prices, hours), r.count, r.address);
        break;
      case "aws_lb": {
        const type = typeof v.load_balancer_type === "string" ? v.load_balancer_type : "application";
        const price =
          type === "network" ? prices.networkLoadBalancerHour : prices.applicationLoadBalancerHour;
        if (type === "gateway") {
          unknownTypes.add("aws_lb (gateway)");
          break;
        }
        add(
          {
            key: `lb:${type}`,
            kind: type === "network" ? "Network Load Balancers" : "Application Load Balancers",
            quantityUnit: "load balancers",
            hours,
            price,
          },
          r.count,
          r.address,
        );
        if (bool(v.internal) === false) {
          const subnets = Array.isArray(v.subnets) ? v.subnets.length : blocks(v.subnet_mapping).length;
          add(
            {
              ...publicIpv4(prices, hours),
              note: "an internet-facing load balancer holds one public IPv4 address per subnet (more while it scales out)",
            },
            Math.max(subnets, 1) * r.count,
            r.address,
          );
        }
        break;
      }
      case "aws_autoscaling_group": {
        const template = block(v.launch_template);
        const lt = template
          ? (follow(set, r, "launch_template.id", template.id, "aws_launch_template") ??
            follow(set, r, "launch_template.name", template.name, "aws_launch_template"))
          : undefined;
        const { running, max } = groupSize(v);
        const instanceType =
          lt && typeof lt.values.instance_type === "string" ? lt.values.instance_type : undefined;
        if (!instanceType) {
          unknownTypes.add(`aws_autoscaling_group without a launch template's instance type (${r.address})`);
          break;
        }
        const ec2 = ec2Price(prices, region, instanceType);
        add(
          {
            key: `ec2:${instanceType}`,
            kind: `EC2 ${instanceType} (Linux, on-demand)`,
            quantityUnit: "instances",
            hours,
            price: ec2,
            note: "desired capacity, else the minimum size",
          },
          running * r.count,
          r.address,
        );
        maxExtra += (max - running) * r.count * hours * ec2.usd;
        for (const device of blocks(lt!.values.block_device_mappings)) {
          const ebs = block(device.ebs);
          const size = num(ebs?.volume_size);
          if (!ebs || size === undefined) continue;
          const volumeType = typeof ebs.volume_type === "string" ? ebs.volume_type : "gp3";
          const price =
            volumeType === "gp2"
              ? prices.ebsGp2GbMonth
              : volumeType === "gp3"
                ? prices.ebsGp3GbMonth
                : undefined;
          if (!price) {
            unknownTypes.add(`EBS volume type ${volumeType} (${lt!.address})`);
            continue;
          }
          add(
            {
              key: `ebs:${volumeType}`,
              kind: `EBS ${volumeType} volumes`,
              quantityUnit: "GB",
              hours: 1,
              price,
              note: "the launch template's volumes, per running instance",
            },
            size * running * r.count,
            r.address,
          );
          maxExtra += size * (max - running) * r.count * price.usd;
        }
        for (const ni of blocks(lt!.values.network_interfaces)) {
          if (bool(ni.associate_public_ip_address) === true) {
            add(
              { ...publicIpv4(prices, hours), note: "instances launched with a public IPv4 address" },
              running * r.count,
              r.address,
            );
            maxExtra += (max - running) * r.count * hours * prices.publicIpv4Hour.usd;
          }
        }
        break;
      }
      case "aws_cloudwatch_metric_alarm": {
        const highResolution = (num(v.period) ?? 60) < 60;
        add(
          highResolution
            ? {
                key: "alarm:high-resolution",
                kind: "CloudWatch alarms (high resolution)",
                quantityUnit: "alarms",
                hours: 1,
                price: prices.cloudwatchHighResolutionAlarmMonth,
              }
            : {
                key: "alarm",
                kind: "CloudWatch alarms",
                quantityUnit: "alarms",
                hours: 1,
                price: prices.cloudwatchAlarmMonth,
              },
          // CloudWatch bills an alarm per metric it reads: a metric math alarm, each metric_query
          // entry with a metric.
          alarmMetrics(v) * r.count,
          r.address,
        );
        break;
      }
      case "aws_appautoscaling_policy":
      case "aws_autoscaling_policy":
        if (v.policy_type === "TargetTrackingScaling")
          add(trackingAlarms(prices), TARGET_TRACKING_ALARMS * r.count, r.address);
        break;
      case "aws_ecs_capacity_provider": {
        const scaling = block(block(v.auto_scaling_group_provider)?.managed_scaling);
        if (scaling?.status === "ENABLED")
          add(trackingAlarms(prices), TARGET_TRACKING_ALARMS * r.count, r.address);
        break;
      }
      case "aws_route53_zone":
        add(
          {
            key: "route53-zone",
            kind: "Route 53 hosted zones",
            quantityUnit: "zones",
            hours: 1,
            price: prices.route53HostedZoneMonth,
          },
          r.count,
          r.address,
        );
        break;
      case "aws_kms_key":
        add(
          { key: "kms-key", kind: "KMS keys", quantityUnit: "keys", hours: 1, price: prices.kmsKeyMonth },
          r.count,
          r.address,
        );
        break;
      default:
        if (!FREE_TYPES.has(r.type) && !USAGE_TYPES[r.type]) unknownTypes.add(r.type);
    }
  }
  const lines = [...drafts.values()]
    .map((d) => ({ ...d, monthly: d.quantity * d.hours * d.price.usd }))
    .sort((a, b) => b.monthly - a.monthly || a.key.localeCompare(b.key));
  const monthly = lines.reduce((sum, l) => sum + l.monthly, 0);
  return {
    region,
    currency: "USD",
    hoursPerMonth: hours,
    lines,
    monthly,
    monthlyAtMaxCapacity: monthly + maxExtra,
    leftOut: [...leftOut.values()],
    unknownTypes: [...unknownTypes].sort(),
  };
}

function publicIpv4(prices: RegionPrices, hours: number): Omit<Draft, "resources" | "quantity"> {
  return {
    key: "public-ipv4",
    kind: "Public IPv4 addresses",
    quantityUnit: "addresses",
    hours,
    price: prices.publicIpv4Hour,
  };
}

function trackingAlarms(prices: RegionPrices): Omit<Draft, "resources" | "quantity"> {
  return {
    key: "alarm:target-tracking",
    kind: "CloudWatch alarms of target tracking (created by AWS)",
    quantityUnit: "alarms",
    hours: 1,
    price: prices.cloudwatchAlarmMonth,
    note: `${TARGET_TRACKING_ALARMS} per target tracking policy (ECS managed scaling makes one per capacity provider)`,
  };
}

/** One kind's change in a plan. */
export interface CostLineDelta {
  readonly key: string;
  readonly kind: string;
  readonly before: number;
  readonly after: number;
  readonly quantityBefore: number;
  readonly quantityAfter: number;
  readonly quantityUnit: string;
}

/** What a plan changes in the monthly estimate of its stack. */
export interface CostDelta {
  readonly before: number;
  readonly after: number;
  /** after − before, USD a month. */
  readonly delta: number;
  /** The kinds that change, largest change first. */
  readonly lines: readonly CostLineDelta[];
}

/** The estimate of what a plan's stack costs before and after it, and the kinds that change. */
export function costDelta(plan: PlanJson, region: string, table: PriceTable): CostDelta {
  const before = estimateCost(resourcesOfPlan(plan, "before"), region, table);
  const after = estimateCost(resourcesOfPlan(plan, "after"), region, table);
  const keys = [...new Set([...before.lines, ...after.lines].map((l) => l.key))];
  const lines = keys
    .map((key) => {
      const b = before.lines.find((l) => l.key === key);
      const a = after.lines.find((l) => l.key === key);
      return {
        key,
        kind: (a ?? b)!.kind,
        before: b?.monthly ?? 0,
        after: a?.monthly ?? 0,
        quantityBefore: b?.quantity ?? 0,
        quantityAfter: a?.quantity ?? 0,
        quantityUnit: (a ?? b)!.quantityUnit,
      };
    })
    .filter((l) => Math.abs(l.after - l.before) > 1e-9 || l.quantityAfter !== l.quantityBefore)
    .sort(
      (x, y) => Math.abs(y.after - y.before) - Math.abs(x.after - x.before) || x.key.localeCompare(y.key),
    );
  return { before: before.monthly, after: after.monthly, delta: after.monthly - before.monthly, lines };
}

/** `$1,234.56`. */
export function usd(amount: number): string {
  return `$${amount.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `+$12.34` / `−$5.00` / `$0.00`. */
export function signedUsd(amount: number): string {
  if (Math.abs(amount) < 0.005) return "$0.00";
  return `${amount > 0 ? "+" : "-"}${usd(Math.abs(amount))}`;
}

/** `$0.0236/hour`. */
function unitPrice(p: Price): string {
  return `$${p.usd.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 10 })}/${p.unit}`;
}

/** The estimate as terminal text. */
export function renderEstimate(title: string, e: CostEstimate): string {
  const out = [`${title} (${e.region}, ${e.currency}, ${e.hoursPerMonth} hours a month)`, ""];
  const rows = e.lines.map((l) => [
    l.kind,
    `${l.quantity} ${l.quantityUnit}${l.hours !== 1 ? ` × ${l.hours} h` : ""}`,
    unitPrice(l.price),
    usd(l.monthly),
  ]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), 10));
  for (const r of rows) {
    out.push(
      `  ${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]!.padEnd(widths[2]!)}  ${r[3]!.padStart(12)}`,
    );
  }
  out.push(`  ${"Total".padEnd(widths[0]! + widths[1]! + widths[2]! + 4)}  ${usd(e.monthly).padStart(12)}`);
  if (e.monthlyAtMaxCapacity > e.monthly + 0.005) {
    out.push(`  With every Auto Scaling group at its maximum size: ${usd(e.monthlyAtMaxCapacity)}`);
  }
  const notes = [...new Set(e.lines.filter((l) => l.note).map((l) => `${l.kind}: ${l.note}`))];
  if (notes.length) out.push("", "Assumptions:", ...notes.map((n) => `  - ${n}`));
  out.push("", "Left out (usage-based; add your usage at these prices):");
  for (const l of e.leftOut) {
    out.push(
      `  - ${l.what}${l.price ? ` (${unitPrice(l.price)})` : ""}: ${l.resources.length} resource${l.resources.length === 1 ? "" : "s"}`,
    );
  }
  out.push("  - taxes, support plans, free tiers, savings plans and reserved capacity");
  if (e.unknownTypes.length)
    out.push("", `Not priced (unknown to the estimate): ${e.unknownTypes.join(", ")}`);
  const used = [...e.lines.map((l) => l.price), ...e.leftOut.flatMap((l) => (l.price ? [l.price] : []))];
  const dates = [...new Set(used.flatMap((p) => (p.date ? [p.date] : [])))].sort();
  out.push(
    "",
    `Prices: scripts/cost/prices.json${dates.length ? `, read ${dates.join(", ")}` : ""}; each price's source is in the JSON output (--format json).`,
  );
  const unverified = e.lines.filter((l) => l.price.unverified).map((l) => l.kind);
  if (unverified.length) {
    out.push(
      `UNVERIFIED: ${unverified.length} of ${e.lines.length} lines use prices not read from their source by this project ` +
        `(${unverified.join(", ")}); refresh them with scripts/cost/refresh.ts before trusting the figure.`,
    );
  }
  return `${out.join("\n")}\n`;
}
