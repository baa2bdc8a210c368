/**
 * The generated props tables: fresh in every module README that has markers (CI fails on stale
 * docs), read from the real modules' TSDoc and types, and every malformed props doc rejected with a
 * message naming the file, the interface, the prop and the fix.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { missingMessages, ReadmeResult, renderReadmes, staleMessage } from "../../scripts/docs/generate";
import { entryPoint, MODULES } from "../../scripts/docs/modules";
import { PropsReader } from "../../scripts/docs/props";
import { findPropsBlocks } from "../../scripts/docs/readme";
import { renderDefault } from "../../scripts/docs/render";

const REPO = path.resolve(__dirname, "..", "..");
const TSX = path.join(REPO, "node_modules", "tsx", "dist", "cli.mjs");

describe("module READMEs", () => {
  let results: ReadmeResult[];
  beforeAll(() => {
    results = renderReadmes(REPO);
  });

  it("have fresh generated props tables (else: run `npm run docs`)", () => {
    expect(results.filter((r) => r.stale).map(staleMessage)).toEqual([]);
  });

  it("network, ecs-cluster and load-balanced-service document their props interfaces between markers", () => {
    const byFile = Object.fromEntries(results.map((r) => [r.file, r.interfaces]));
    expect(byFile["modules/network/README.md"]).toEqual(["NetworkProps", "NetworkAttributes"]);
    expect(byFile["modules/ecs-cluster/README.md"]).toEqual([
      "EcsClusterProps",
      "EcsCapacityOptions",
      "EcsClusterAttributes",
      "ClusterInstancesAttributes",
      "ManagedInstancesCapacityOptions",
      "ClusterCapacityProviderStrategyItem",
    ]);
    expect(byFile["modules/load-balanced-service/README.md"]).toEqual([
      "LoadBalancerProps",
      "LoadBalancerAttributes",
      "ContainerServiceProps",
      "LoadBalancedServiceProps",
      "WorkerServiceProps",
      "ContainerVolume",
      "ContainerHealthCheck",
      "CapacityProviderStrategyItem",
      "PlacementStrategy",
      "AutoScalingOptions",
      "LoadBalancedAutoScalingOptions",
      "FargateCompute",
      "ManagedInstancesCompute",
      "ExternalCompute",
      "DeploymentOptions",
      "TestListenerOptions",
      "DeploymentLifecycleHook",
      "DeploymentAlarmsOptions",
    ]);
  });

  it("lack no table: each construct's props, the bases of `own` tables, the option types props name", () => {
    expect(results.flatMap(missingMessages)).toEqual([]);
  });

  it("load-balanced-service documents every props and options interface it exports", () => {
    const module = MODULES.find((m) => m.name === "load-balanced-service")!;
    const reader = new PropsReader([entryPoint(REPO, module)], REPO);
    const exported = reader.exportedPropsInterfaces(entryPoint(REPO, module));
    expect(exported).toEqual([
      "AutoScalingOptions",
      "ContainerServiceProps",
      "DeploymentAlarmsOptions",
      "DeploymentOptions",
      "LoadBalancedAutoScalingOptions",
      "LoadBalancedServiceProps",
      "LoadBalancerProps",
      "TestListenerOptions",
      "WorkerServiceProps",
    ]);
    const documented = results.find((r) => r.file === "modules/load-balanced-service/README.md")!.interfaces;
    expect(exported.filter((name) => !documented.includes(name))).toEqual([]);
  });

  it("`npm run docs:check` passes on the repository", () => {
    const out = execFileSync(process.execPath, [TSX, "scripts/docs/generate.ts", "--check"], {
      cwd: REPO,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(out).toContain("ok: modules/network/README.md (NetworkProps, NetworkAttributes)");
    expect(out).toContain(
      "ok: modules/ecs-cluster/README.md (EcsClusterProps, EcsCapacityOptions, EcsClusterAttributes, ClusterInstancesAttributes, ManagedInstancesCapacityOptions, ClusterCapacityProviderStrategyItem)",
    );
    expect(out).toContain(
      "ok: modules/load-balanced-service/README.md (LoadBalancerProps, LoadBalancerAttributes, ContainerServiceProps, " +
        "LoadBalancedServiceProps, WorkerServiceProps, ContainerVolume, ContainerHealthCheck, " +
        "CapacityProviderStrategyItem, PlacementStrategy, AutoScalingOptions, LoadBalancedAutoScalingOptions, " +
        "FargateCompute, ManagedInstancesCompute, ExternalCompute, DeploymentOptions, TestListenerOptions, " +
        "DeploymentLifecycleHook, " +
        "DeploymentAlarmsOptions)",
    );
  });
});

describe("props metadata of the real modules", () => {
  let reader: PropsReader;
  beforeAll(() => {
    reader = new PropsReader(
      MODULES.map((m) => entryPoint(REPO, m)),
      REPO,
    );
  });
  const read = (module: string, name: string, own = false) =>
    reader.read(
      entryPoint(
        REPO,
        MODULES.find((m) => m.name === module)!,
      ),
      name,
      own,
    );

  it.each(
    MODULES.flatMap((m) => [m.propsInterface, ...(m.otherPropsInterfaces ?? [])].map((i) => [m.name, i])),
  )("reads %s's %s: every prop described, every optional one with a default", (module, name) => {
    const doc = read(module, name);
    // Every interface has more than three props but ClusterInstancesAttributes, which has two.
    if (name === "ClusterInstancesAttributes") {
      expect(doc.props.map((p) => p.name)).toEqual(["securityGroupId", "tags"]);
    } else {
      expect(doc.props.length).toBeGreaterThan(3);
    }
    for (const p of doc.props) {
      expect(p.description).not.toBe("");
      expect(p.optional ? p.default : undefined).toEqual(p.optional ? expect.anything() : undefined);
    }
  });

  it("resolves a default constant to its value and keeps the note after it", () => {
    const props = Object.fromEntries(read("network", "NetworkProps").props.map((p) => [p.name, p]));
    expect(props.cidrBlock.default).toEqual({
      kind: "value",
      value: "172.24.0.0/16",
      constant: "DEFAULT_VPC_CIDR",
    });
    expect(props.azCount.default).toEqual({
      kind: "value",
      value: 2,
      constant: "DEFAULT_AZ_COUNT",
      note: ", or the length of `availabilityZones`",
    });
    expect(props.enableFlowLogs.default).toEqual({ kind: "value", value: true });
    expect(props.name.default).toEqual({ kind: "description", text: "the construct id" });
  });

  it("classifies types the way a Terraform variables generator needs them", () => {
    const kinds = Object.fromEntries(
      read("ecs-cluster", "EcsClusterProps").props.map((p) => [p.name, p.kind]),
    );
    expect(kinds).toMatchObject({
      network: "construct",
      clusterName: "string",
      minSize: "number",
      spot: "boolean",
      containerInsights: "string-enum",
      subnetIds: "string-list",
      tags: "string-map",
      initialLifecycleHooks: "other",
    });
    const nat = read("network", "NetworkProps").props.find((p) => p.name === "natGateways");
    expect(nat).toMatchObject({ typeText: "NatGateways", literalValues: ["per-az", "single", "none"] });
  });

  it("lists own props, then inherited ones unless asked for own props only", () => {
    const all = read("ecs-cluster", "EcsClusterProps");
    const own = read("ecs-cluster", "EcsClusterProps", true);
    const options = read("ecs-cluster", "EcsCapacityOptions");
    expect(all.extends).toEqual(["EcsCapacityOptions"]);
    expect(all.props.map((p) => p.name)).toEqual([
      ...own.props.map((p) => p.name),
      ...options.props.map((p) => p.name),
    ]);
    expect(own.props[0]).toMatchObject({ name: "network", optional: false, declaredIn: "EcsClusterProps" });
    expect(all.props.find((p) => p.name === "spot")?.declaredIn).toBe("EcsCapacityOptions");
  });

  it("renders defaults as value (constant) note, `required`, or the described behaviour", () => {
    expect(renderDefault(undefined)).toBe("required");
    expect(renderDefault({ kind: "value", value: "per-az", constant: "DEFAULT_NAT_GATEWAYS" })).toBe(
      '`"per-az"` (`DEFAULT_NAT_GATEWAYS`)',
    );
    expect(
      renderDefault({ kind: "value", value: 2, constant: "DEFAULT_MAX_SIZE", note: ", or minSize" }),
    ).toBe("`2` (`DEFAULT_MAX_SIZE`), or minSize");
    expect(
      renderDefault({
        kind: "value",
        value: [
          { type: "spread", field: "attribute:ecs.availability-zone" },
          { type: "binpack", field: "memory" },
        ],
        constant: "DEFAULT_PLACEMENT_STRATEGIES",
        note: "(spread over AZs)",
      }),
    ).toBe("`DEFAULT_PLACEMENT_STRATEGIES` (spread over AZs)");
    expect(renderDefault({ kind: "description", text: "none" })).toBe("none");
  });
});

describe("malformed props docs", () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-cdktf-docs-"));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A one-module fixture under `root/modules/<name>`, read with the real reader. */
  function fixture(
    name: string,
    source: string,
    readme = "# Demo\n",
  ): { reader: PropsReader; index: string } {
    const dir = path.join(root, "modules", name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "index.ts"), source);
    fs.writeFileSync(path.join(dir, "README.md"), readme);
    const index = path.join(dir, "index.ts");
    return { reader: new PropsReader([index], root), index };
  }

  const valid = `
/** Default size. */
export const DEFAULT_SIZE = 3;
/** Props of Demo. */
export interface DemoProps {
  /**
   * Size of it.
   * @default DEFAULT_SIZE (3)
   */
  readonly size?: number;
}
`;

  it.each([
    [
      "an optional prop without @default",
      "nodefault",
      "export interface DemoProps {\n  /** Size. */\n  readonly size?: number;\n}\n",
      'DemoProps.size is optional but has no @default; add "@default <value>" or "@default - <behaviour>"',
    ],
    [
      "a required prop with a @default",
      "requireddefault",
      "export interface DemoProps {\n  /**\n   * Size.\n   * @default 3\n   */\n  readonly size: number;\n}\n",
      "DemoProps.size is required but has a @default; make it optional or drop the @default",
    ],
    [
      "a @default whose stated value contradicts the constant",
      "mismatch",
      valid.replace("@default DEFAULT_SIZE (3)", "@default DEFAULT_SIZE (4)"),
      "DemoProps.size: @default says DEFAULT_SIZE is 4, but DEFAULT_SIZE is 3; correct the TSDoc",
    ],
    [
      "a @default naming no constant",
      "unknownconst",
      valid.replace("@default DEFAULT_SIZE (3)", "@default DEFAULT_SIZ (3)"),
      "DemoProps.size: @default names DEFAULT_SIZ, which is no constant in scope; fix the name",
    ],
    [
      "a @default that is neither a value nor a described behaviour",
      "badliteral",
      valid.replace("@default DEFAULT_SIZE (3)", "@default [the size"),
      'DemoProps.size: @default ([the size) is neither a literal, an exported constant nor "- <behaviour>"',
    ],
    [
      "a prop without TSDoc",
      "nodoc",
      "export interface DemoProps {\n  readonly size: number;\n}\n",
      "DemoProps.size has no TSDoc; describe it in a /** … */ comment",
    ],
    [
      "a mutable prop",
      "mutable",
      "export interface DemoProps {\n  /** Size. */\n  size: number;\n}\n",
      "DemoProps.size is not readonly; props are readonly (add `readonly`)",
    ],
    [
      "an interface extending a mapped type",
      "mapped",
      'interface Base {\n  /** A. */\n  readonly a: string;\n  /** B. */\n  readonly b: string;\n}\nexport interface DemoProps extends Omit<Base, "a"> {\n  /** Size. */\n  readonly size: number;\n}\n',
      'DemoProps: extends Omit<Base, "a">, which is not a plain interface; extend a named props interface (no Omit/Pick)',
    ],
    [
      "a props file that does not type-check",
      "broken",
      'import { Missing } from "./missing";\nexport interface DemoProps {\n  /** Size. */\n  readonly size: Missing;\n}\n',
      "does not type-check, so its props cannot be read",
    ],
  ])("rejects %s", (_what, name, source, message) => {
    const { reader, index } = fixture(name, source);
    expect(() => reader.read(index, "DemoProps")).toThrow(`modules/${name}/index.ts: ${message}`);
  });

  it("rejects an interface the module does not export, listing the ones it does", () => {
    const { reader, index } = fixture("unknown", valid);
    expect(() => reader.read(index, "OtherProps")).toThrow(
      "modules/unknown/index.ts: exports no interface OtherProps; name one of: DemoProps",
    );
  });

  it("reports a stale README block with the file, the interface and the command", () => {
    const readme = "# Demo\n\n<!-- props:start DemoProps -->\nold table\n<!-- props:end -->\n";
    fixture("stale", valid, readme);
    const [result] = renderReadmes(root, [{ name: "stale", propsInterface: "DemoProps" }]);
    expect(result.stale).toBe(true);
    expect(staleMessage(result)).toBe(
      "modules/stale/README.md: the generated props table (DemoProps) is stale: the TSDoc or types changed " +
        "since it was generated. Run `npm run docs` and commit the README.",
    );
    expect(result.expected).toContain("| `size` | `number` | `3` (`DEFAULT_SIZE`) | Size of it. |");
    // Once written, the same README is fresh.
    fs.writeFileSync(path.join(root, "modules", "stale", "README.md"), result.expected);
    expect(renderReadmes(root, [{ name: "stale", propsInterface: "DemoProps" }])[0].stale).toBe(false);
  });

  it("names each table a README lacks and why, until the README has them all", () => {
    const source = `
/** A volume. */
export interface DemoVolume {
  /** Path of it. */
  readonly path: string;
}
/** Shared props. */
export interface DemoBaseProps {
  /**
   * Volumes.
   * @default - none
   */
  readonly volumes?: DemoVolume[];
}
/** Props of Demo. */
export interface DemoProps extends DemoBaseProps {
  /** Size of it. */
  readonly size: number;
}
/** Props of Other. */
export interface OtherProps {
  /** Name of it. */
  readonly name: string;
}
`;
    const module = { name: "incomplete", propsInterface: "DemoProps", otherPropsInterfaces: ["OtherProps"] };
    const block = (name: string, own = "") => `<!-- props:start ${name}${own} -->\n<!-- props:end -->\n`;
    const readme = (...blocks: string[]) => ["# Demo\n", ...blocks].join("\n");
    const render = (text: string) => {
      fixture("incomplete", source, text);
      return renderReadmes(root, [module])[0];
    };

    const first = render(readme(block("DemoProps", " own")));
    expect(first.missing.map((m) => m.interfaceName)).toEqual(["OtherProps", "DemoBaseProps"]);
    expect(missingMessages(first)).toEqual([
      "modules/incomplete/README.md: no generated props table for OtherProps (the props of one of the " +
        'module\'s constructs (scripts/docs/modules.ts)). Put "<!-- props:start OtherProps -->" and ' +
        '"<!-- props:end -->" where it belongs, then run `npm run docs`.',
      "modules/incomplete/README.md: no generated props table for DemoBaseProps (DemoProps's table is " +
        '`own` and it extends DemoBaseProps). Put "<!-- props:start DemoBaseProps -->" and ' +
        '"<!-- props:end -->" where it belongs, then run `npm run docs`.',
    ]);

    // The base's table documents `volumes`, whose type the module exports: that one needs a table too.
    const second = render(readme(block("DemoProps", " own"), block("DemoBaseProps"), block("OtherProps")));
    expect(second.missing).toEqual([
      { interfaceName: "DemoVolume", reason: "the type of `DemoBaseProps.volumes`" },
    ]);

    // The full DemoProps table (not `own`) lists `volumes` as well.
    const third = render(readme(block("DemoProps"), block("OtherProps")));
    expect(third.missing.map((m) => m.interfaceName)).toEqual(["DemoVolume"]);

    const complete = render(readme(block("DemoProps"), block("OtherProps"), block("DemoVolume")));
    expect(complete.missing).toEqual([]);
    expect(complete.expected).toContain("| `volumes` | `DemoVolume[]` | none | Volumes. |");
    expect(complete.expected).toContain("| `path` | `string` | required | Path of it. |");
  });

  it.each([
    [
      "a start without an end",
      "<!-- props:start DemoProps -->\n",
      "props:start DemoProps has no props:end before the next block; add one",
    ],
    [
      "nested starts",
      "<!-- props:start DemoProps -->\n<!-- props:start DemoProps -->\n<!-- props:end -->\n",
      "props:start DemoProps has no props:end before the next block",
    ],
    [
      "an end without a start",
      "<!-- props:end -->\n",
      "0 props:start markers but 1 props:end markers; pair them",
    ],
    [
      "a marker without an interface",
      "<!-- props:start -->\n<!-- props:end -->\n",
      'must be "<!-- props:start <Interface> -->"',
    ],
    [
      "an unknown flag",
      "<!-- props:start DemoProps all -->\n<!-- props:end -->\n",
      "<!-- props:start <Interface> own -->",
    ],
  ])("rejects README markers with %s", (_what, text, message) => {
    expect(() => findPropsBlocks(text, "README.md")).toThrow(message);
  });
});
