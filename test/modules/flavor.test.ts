/**
 * Which CDK the module tests run on: cdktf in the unit lane, cdktn in the `unit-cdktn` project
 * (jest.config.js maps every cdktf import to flavors/cdktn's packages). Guards the mapping: were it
 * to stop applying, the cdktn lane would silently test cdktf again.
 */
import { CURRENT_FLAVOR } from "../support/flavor";

const expected = process.env.ECS_CDKTF_JEST_FLAVOR === "cdktn" ? "cdktn" : "cdktf";

describe("the flavor under test", () => {
  it("is the one the jest project names, with its CDK, bindings and constructs", () => {
    expect(CURRENT_FLAVOR.name).toBe(expected);
    const packages = expected === "cdktn" ? "/flavors/cdktn/node_modules/" : "/node_modules/";
    expect(require.resolve("cdktf")).toContain(`${packages}${expected}/`);
    expect(require.resolve("@cdktf/provider-aws/lib/vpc")).toContain(
      `${packages}@${expected}/provider-aws/lib/vpc/`,
    );
    expect(require.resolve("constructs")).toContain(`${packages}constructs/`);
    expect(require.resolve("constructs").includes("/flavors/")).toBe(expected === "cdktn");
  });

  it("runs on a Node the flavor supports (cdktn: 22 or newer)", () => {
    const major = Number(process.versions.node.split(".")[0]);
    expect(major).toBeGreaterThanOrEqual(expected === "cdktn" ? 22 : 20);
  });
});
