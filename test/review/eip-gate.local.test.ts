import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { DescribeAddressesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DEV, EnvironmentConfig } from "../../stacks/config";
import { addEnvironment, foundationStackId } from "../../stacks/environment";
import {
  analyzePlan,
  evaluateGate,
  preventDestroyAddresses,
  StackReview,
} from "../../scripts/review/analyze";
import { renderText } from "../../scripts/review/render";
import { readSynthesized } from "../../scripts/review/synth";
import { Terraform } from "../../scripts/review/terraform";
import { LocalAws, localClientConfig, startLocalAws } from "../support/moto";
import { shareProvider } from "../support/shared-provider";

// The plan review's gate on a real Elastic IP removal: the dev foundation, with a static IP per AZ
// (staticIp.addresses "per-az"), applied for real to this file's moto server; then configs that
// drop a static IP are synthesized, planned with the real `terraform plan` and `terraform show
// -json`, and the review's analysis and gate (scripts/review/analyze.ts) judge that JSON. Only the
// foundation stack is planned (the static IPs' addresses live there); checkov, which the full
// review also runs, is covered in review.local.test.ts and is left out of these gates.
//
// The EIPs carry lifecycle.prevent_destroy, but Terraform plans their deletion anyway when they
// leave the configuration (the lifecycle block leaves with them): the review's gate is what stops
// that plan. A replacement of an EIP still in the configuration would be refused by Terraform
// itself (review.local.test.ts covers the refused plan).
jest.setTimeout(10 * 60_000);
// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

describe("the plan review's gate on a real Elastic IP deletion", () => {
  let aws: LocalAws;
  let outdir: string;
  let base: EnvironmentConfig;
  let ips: Record<string, string>;

  /** Synthesizes `config` into the shared outdir and returns its foundation stack's Terraform. */
  function synthFoundation(config: EnvironmentConfig) {
    const app = new App({ outdir });
    addEnvironment(app, config, { kind: "local", endpoint: aws.endpoint });
    app.synth();
    const stack = readSynthesized(outdir).stacks.find((s) => s.id === foundationStackId("dev"))!;
    return { stack, tf: new Terraform(stack.dir) };
  }

  /** Plans `config`'s foundation against the deployed state and reviews the real plan JSON. */
  async function review(config: EnvironmentConfig): Promise<StackReview> {
    const { stack, tf } = synthFoundation(config);
    const plan = await tf.plan();
    return analyzePlan(stack.id, plan, { preventDestroy: preventDestroyAddresses(stack.json) });
  }

  beforeAll(async () => {
    aws = await startLocalAws();
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eip-gate-out-"));
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "eip-gate-state-"));
    base = {
      ...DEV,
      staticIp: { ...DEV.staticIp, addresses: "per-az" },
      backend: { kind: "local", directory: stateDir },
    };
    const { tf } = synthFoundation(base);
    await tf.init();
    await tf.plan();
    await tf.applyPlan();
    ips = (await tf.outputs()).static_ips as Record<string, string>;
  });

  afterAll(async () => {
    await aws?.stop();
  });

  test("GIVEN the deployed foundation THEN two static IPs, each an EIP with lifecycle.prevent_destroy, and no change planned", async () => {
    expect(Object.keys(ips)).toEqual(["eu-west-2a", "eu-west-2b"]);
    const ec2 = new EC2Client(localClientConfig(aws));
    const addresses = await ec2.send(new DescribeAddressesCommand({ PublicIps: Object.values(ips) }));
    expect(addresses.Addresses?.map((a) => a.NetworkInterfaceId)).toEqual([
      expect.stringMatching(/^eni-/),
      expect.stringMatching(/^eni-/),
    ]);
    ec2.destroy();
    const { stack } = synthFoundation(base);
    expect(preventDestroyAddresses(stack.json).filter((a) => a.startsWith("aws_eip."))).toEqual([
      expect.stringMatching(/^aws_eip\.static-ip_eip-eu-west-2a_[0-9A-F]{8}$/),
      expect.stringMatching(/^aws_eip\.static-ip_eip-eu-west-2b_[0-9A-F]{8}$/),
    ]);
    const r = await review(base);
    expect(r.changes).toEqual([]);
    expect(evaluateGate([r], { allowDestroyProtected: false }).passed).toBe(true);
  });

  test("GIVEN one static IP instead of one per AZ THEN deleting eu-west-2b's EIP fails the gate, naming it; the override lets it through", async () => {
    const r = await review({ ...base, staticIp: { ...base.staticIp, addresses: "one" } });
    expect(r.status).toBe("planned");
    expect(
      r.destructive.map((d) => [d.type, d.action, d.address.includes("eu-west-2b"), Boolean(d.protected)]),
    ).toEqual([
      ["aws_eip", "delete", true, true],
      ["aws_eip_association", "delete", true, false],
      ["aws_network_interface", "delete", true, false],
    ]);
    const gate = evaluateGate([r], { allowDestroyProtected: false });
    expect(gate.passed).toBe(false);
    expect(gate.failures).toEqual([
      expect.stringMatching(
        /^dev-foundation: aws_eip\.static-ip_eip-eu-west-2b_[0-9A-F]{8} would be deleted \(protected: Elastic IP.*\); pass --allow-destroy-protected to allow it on purpose$/,
      ),
    ]);
    const text = renderText({ environment: "dev", stacks: [r], gate });
    expect(text).toMatch(
      /delete dev-foundation: aws_eip\.static-ip_eip-eu-west-2b_\S+ \[PROTECTED: Elastic IP/,
    );
    expect(text).toContain("GATE: FAILED");

    const allowed = evaluateGate([r], { allowDestroyProtected: true });
    expect(allowed.passed).toBe(true);
    expect(allowed.allowed).toEqual([
      expect.stringMatching(
        /aws_eip\.static-ip_eip-eu-west-2b_\S+ would be deleted .*allowed by --allow-destroy-protected$/,
      ),
    ]);
  });

  test("GIVEN no static IP THEN both EIPs' deletions fail the gate", async () => {
    const r = await review({ ...base, staticIp: { ...base.staticIp, addresses: "none" } });
    const gate = evaluateGate([r], { allowDestroyProtected: false });
    expect(gate.failures).toEqual([
      expect.stringMatching(/aws_eip\.static-ip_eip-eu-west-2a_\S+ would be deleted \(protected: Elastic IP/),
      expect.stringMatching(/aws_eip\.static-ip_eip-eu-west-2b_\S+ would be deleted \(protected: Elastic IP/),
    ]);
    expect(evaluateGate([r], { allowDestroyProtected: true }).passed).toBe(true);
  });

  test("GIVEN a tag change THEN the EIPs are updated in place and the gate passes", async () => {
    const r = await review({ ...base, tags: { team: "edge" } });
    const eips = r.changes.filter((c) => c.type === "aws_eip");
    // The NAT gateway's EIP and the two static IPs.
    expect(eips.map((c) => [c.address.includes("static-ip_eip-"), c.action])).toEqual([
      [false, "update"],
      [true, "update"],
      [true, "update"],
    ]);
    expect(eips[0]!.attributes).toEqual(
      expect.arrayContaining([{ path: "tags_all.team", before: null, after: "edge" }]),
    );
    expect(r.destructive).toEqual([]);
    const gate = evaluateGate([r], { allowDestroyProtected: false });
    expect(gate).toMatchObject({ passed: true, failures: [] });
  });
});
