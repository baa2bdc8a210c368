/**
 * The shape of an {@link EnvironmentConfig} as a zod schema: strict objects everywhere (an unknown
 * key fails, naming the nearest valid one), every field's type, every choice. Ranges, patterns and
 * rules across fields are checked afterwards, in `config-validation.ts`. zod's issues are turned
 * into the project's one message shape, `Environment '<name>': <field> (<value>) must …; <fix>`.
 * @module
 */
import { z } from "zod";
import { NAT_GATEWAY_MODES } from "../modules/network/props";
import { DEPLOYMENT_STRATEGIES } from "../modules/load-balanced-service/deployment-config";
import { DEPLOYMENT_LIFECYCLE_STAGES } from "../modules/load-balanced-service/props";
import { EXTERNAL_NETWORK_MODES } from "../modules/load-balanced-service/compute-config";
import { unknownKeyFix } from "../modules/shared/validation";
import { environmentFail } from "./config-paths";
import type { EnvironmentConfig, StaticIpAddresses } from "./config-types";

/** Every value of {@link StaticIpAddresses}. */
export const STATIC_IP_ADDRESS_MODES = [
  "one",
  "per-az",
  "none",
] as const satisfies readonly StaticIpAddresses[];

/**
 * Keys the environment config had before it took the modules' prop names, with their new names: a
 * config written before that is told the new name, not just "unknown key".
 */
export const RENAMED_CONFIG_KEYS: Readonly<Record<string, string>> = {
  name: "serviceName",
  priority: "rulePriority",
  port: "containerPort",
  cpu: "cpuUnits",
  memoryMiB: "memoryLimitMiB",
  minCount: "minCapacity",
  maxCount: "maxCapacity",
  cpuTargetPercent: "targetCpuUtilizationPercent",
  requestsPerTarget: "targetRequestsPerTarget",
  accessLogs: "enableAccessLogs",
};

const stringList = z.array(z.string());

const networkSchema = z.strictObject({
  cidrBlock: z.string(),
  azCount: z.int(),
  natGateways: z.enum(NAT_GATEWAY_MODES as readonly ["per-az", "single", "none"]),
  zoneName: z.string(),
});

const capacitySchema = z.strictObject({
  instanceType: z.string(),
  minSize: z.int(),
  maxSize: z.int(),
  desiredCapacity: z.int(),
  allowPrivateSubnetsWithoutNat: z.boolean().optional(),
});

const loadBalancerSchema = z.strictObject({
  internal: z.boolean(),
  ingressCidrs: stringList.optional(),
  certificateArn: z.string().optional(),
  enableAccessLogs: z.boolean(),
});

const imageSchema = z.discriminatedUnion("source", [
  z.strictObject({ source: z.literal("ecr") }),
  z.strictObject({ source: z.literal("service"), service: z.string() }),
  z.strictObject({ source: z.literal("registry"), uri: z.string() }),
]);

const autoScalingSchema = z.strictObject({
  minCapacity: z.int(),
  maxCapacity: z.int(),
  targetCpuUtilizationPercent: z.int(),
  targetRequestsPerTarget: z.int().optional(),
});

const deploymentSchema = z.strictObject({
  strategy: z.enum(DEPLOYMENT_STRATEGIES).optional(),
  bakeTimeMinutes: z.int().optional(),
  canaryPercent: z.number().optional(),
  canaryBakeTimeMinutes: z.int().optional(),
  linearStepPercent: z.number().optional(),
  linearStepBakeTimeMinutes: z.int().optional(),
  testListener: z
    .strictObject({
      port: z.int().optional(),
      headerName: z.string().optional(),
      headerValues: stringList.optional(),
      rulePriority: z.int().optional(),
    })
    .optional(),
  lifecycleHooks: z
    .array(
      z.strictObject({
        functionArn: z.string(),
        stages: z.array(z.enum(DEPLOYMENT_LIFECYCLE_STAGES)),
        details: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
});

const computeSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ec2") }),
  z.strictObject({
    type: z.literal("fargate"),
    assignPublicIp: z.boolean().optional(),
    spot: z.boolean().optional(),
    platformVersion: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal("external"),
    placementAttributes: z.record(z.string(), z.string()),
    networkMode: z.enum(EXTERNAL_NETWORK_MODES).optional(),
  }),
]);

const serviceSchema = z.strictObject({
  serviceName: z.string(),
  rulePriority: z.int(),
  pathPatterns: stringList.optional(),
  hostHeaders: stringList.optional(),
  containerPort: z.int(),
  healthCheckPath: z.string(),
  cpuUnits: z.int(),
  memoryLimitMiB: z.int(),
  memoryReservationMiB: z.int(),
  desiredCount: z.int(),
  autoScaling: autoScalingSchema.optional(),
  image: imageSchema,
  environment: z.record(z.string(), z.string()).optional(),
  containerHealthCheck: z
    .strictObject({
      command: z.array(z.string()),
      intervalSeconds: z.int().optional(),
      timeoutSeconds: z.int().optional(),
      retries: z.int().optional(),
      startPeriodSeconds: z.int().optional(),
    })
    .optional(),
  deployment: deploymentSchema.optional(),
  deploymentAlarms: z
    .strictObject({
      alarmNames: stringList.optional(),
      targetErrorsAlarm: z.boolean().optional(),
      targetErrorsThreshold: z.int().optional(),
      rollback: z.boolean().optional(),
    })
    .optional(),
  imageOwner: z.enum(["terraform", "ci"]).optional(),
  forceNewDeployment: z.boolean().optional(),
  compute: computeSchema.optional(),
  capacityProviderStrategy: z
    .array(
      z.strictObject({
        capacityProvider: z.string(),
        weight: z.int().optional(),
        base: z.int().optional(),
      }),
    )
    .optional(),
});

const staticIpSchema = z.strictObject({
  addresses: z.enum(STATIC_IP_ADDRESS_MODES),
  proxyPorts: z.array(z.int()),
  allowEipDestroy: z.boolean(),
  alarms: z.boolean(),
});

const backendSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("local"), directory: z.string().optional() }),
  z.strictObject({
    kind: z.literal("s3"),
    bucket: z.string(),
    region: z.string(),
    keyPrefix: z.string().optional(),
    kmsKeyArn: z.string().optional(),
  }),
]);

/**
 * The keys of the config's parts that become a construct's props of the same name (the modules'
 * errors on them are reported under the config's paths: `config-paths.ts`).
 */
export const CONFIG_KEYS = {
  network: Object.keys(networkSchema.shape),
  capacity: Object.keys(capacitySchema.shape),
  loadBalancer: Object.keys(loadBalancerSchema.shape),
  service: Object.keys(serviceSchema.shape),
  staticIp: Object.keys(staticIpSchema.shape),
} as const;

/** The shape of {@link EnvironmentConfig}; the compiler checks that both say the same. */
export const ENVIRONMENT_CONFIG_SCHEMA = z.strictObject({
  name: z.string(),
  region: z.string(),
  allowUnlistedRegion: z.boolean().optional(),
  network: networkSchema,
  capacity: capacitySchema,
  loadBalancer: loadBalancerSchema,
  imageTag: z.string(),
  services: z.array(serviceSchema),
  staticIp: staticIpSchema,
  stopped: z.boolean(),
  deletionProtection: z.boolean(),
  checkovExceptions: z.array(z.strictObject({ id: z.string(), reason: z.string() })),
  backend: backendSchema,
  tags: z.record(z.string(), z.string()),
});

// The interfaces in config-types.ts carry the TSDoc; the schema carries the runtime checks. These
// two lines fail to compile when they differ in any key, optionality or type, at any depth
// (readonly aside: the schema's output is a fresh, mutable copy).
type Writable<T> = T extends readonly (infer E)[]
  ? Writable<E>[]
  : T extends object
    ? { -readonly [K in keyof T]: Writable<T[K]> }
    : T;
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const schemaMatchesInterface: Same<
  Writable<z.infer<typeof ENVIRONMENT_CONFIG_SCHEMA>>,
  Writable<EnvironmentConfig>
> = true;
void schemaMatchesInterface;

type Segment = PropertyKey;

/** `services[1].autoScaling.minCapacity` from zod's `["services", 1, "autoScaling", "minCapacity"]`. */
export function fieldPath(path: readonly Segment[]): string {
  if (path.length === 0) return "config";
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let value = root;
  for (const p of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[p];
  }
  return value;
}

/** The schema that checks the value at `path` of `root` (options and unions resolved by the data). */
function schemaAt(schema: z.ZodType, root: unknown, path: readonly Segment[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (let i = 0; i <= path.length && current; i++) {
    current = unwrap(current, valueAt(root, path.slice(0, i)));
    if (i === path.length || !current) break;
    const p = path[i]!;
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(p)];
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else current = undefined;
  }
  return current;
}

function unwrap(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodDiscriminatedUnion) {
      const key = current.def.discriminator;
      const tag =
        typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
      const option = (current.options as readonly z.ZodType[]).find(
        (o) =>
          o instanceof z.ZodObject && (o.shape as Record<string, z.ZodType>)[key]?.safeParse(tag).success,
      );
      if (!option) return undefined;
      current = option;
    } else return current;
  }
}

function isIntegerSchema(schema: z.ZodType | undefined): boolean {
  return schema instanceof z.ZodNumber && schema.format === "safeint";
}

const quoted = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v)).join(", ");

/** `must` and `fix` for a wrong type, by what zod expected (`missing`: the key is absent). */
function typeRule(expected: string, integer: boolean, missing: boolean): [string, string] {
  const rule = (must: string, fix: string, what: string): [string, string] => [
    must,
    missing ? `set it to ${what}` : fix,
  ];
  switch (expected) {
    case "boolean":
      return rule("be true or false", "write true or false, without quotes", "true or false");
    case "number":
    case "int":
      return integer || expected === "int"
        ? rule("be an integer", "write a whole number, without quotes", "a whole number")
        : rule("be a number", "write a number, without quotes", "a number");
    case "string":
      return rule("be a string", "quote the value", "a string");
    case "array":
      return rule("be a list", "use [ … ] (an empty list is [])", "a list");
    case "object":
    case "record":
      return rule("be an object", "use { … }", "an object");
    default:
      return rule(`be of type ${expected}`, "fix the value", `a ${expected}`);
  }
}

/**
 * `input` as an {@link EnvironmentConfig} when its shape is right; else throws the first problem
 * as a `ValidationError` in the project's format. Unknown keys are reported before anything
 * else: a misspelt key also leaves its real key missing, and the typo is the problem to name.
 */
export function checkEnvironmentShape(input: unknown): EnvironmentConfig {
  const result = ENVIRONMENT_CONFIG_SCHEMA.safeParse(input);
  if (result.success) return input as EnvironmentConfig;
  const name = valueAt(input, ["name"]);
  const fail = environmentFail(name);
  const issues = [...result.error.issues].sort(
    (a, b) => Number(b.code === "unrecognized_keys") - Number(a.code === "unrecognized_keys"),
  );
  const issue = issues[0]!;
  const at = issue.path;
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0]!;
      const owner = schemaAt(ENVIRONMENT_CONFIG_SCHEMA, input, at);
      const valid = owner instanceof z.ZodObject ? Object.keys(owner.shape) : [];
      const renamed = Object.hasOwn(RENAMED_CONFIG_KEYS, key) ? RENAMED_CONFIG_KEYS[key] : undefined;
      const fix =
        renamed !== undefined && valid.includes(renamed)
          ? `it is now ${renamed} (the module's prop name); rename it`
          : unknownKeyFix(key, valid);
      return fail(fieldPath([...at, key]), valueAt(input, [...at, key]), "be a known key", fix);
    }
    case "invalid_type": {
      const value = valueAt(input, at);
      const integer = isIntegerSchema(schemaAt(ENVIRONMENT_CONFIG_SCHEMA, input, at));
      const missing = !Object.prototype.hasOwnProperty.call(
        valueAt(input, at.slice(0, -1)) ?? {},
        at.at(-1) ?? "",
      );
      const [must, fix] = typeRule(issue.expected, integer, at.length > 0 && missing);
      return fail(fieldPath(at), value, must, fix);
    }
    case "invalid_value":
      return fail(
        fieldPath(at),
        valueAt(input, at),
        `be one of ${quoted(issue.values)}`,
        "pick one of those",
      );
    case "invalid_union": {
      const options = "options" in issue && Array.isArray(issue.options) ? issue.options : [];
      return fail(fieldPath(at), valueAt(input, at), `be one of ${quoted(options)}`, "pick one of those");
    }
    default:
      return fail(fieldPath(at), valueAt(input, at), "be valid here", "fix the value");
  }
}
