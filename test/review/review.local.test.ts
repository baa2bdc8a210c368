import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CloudWatchLogsClient, CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformResource } from "cdktf";
import { evaluateGate, Review } from "../../scripts/review/analyze";
import {
  COMMENT_LIMIT,
  COMMENT_RESERVE,
  markdownComments,
  renderJson,
  renderMarkdown,
  renderText,
} from "../../scripts/review/render";
import { localClientConfig } from "../support/moto";
import { deployedDev, nonCheckovFailures, stack } from "./deployed-dev";

// The plan review on real plans: each case synthesizes our stacks (the dev preset, changed the
// way a pull request would change it), runs the real `terraform plan` and `terraform show -json`
// against state applied to this file's moto server, and reviews that JSON. No plan is written
// by hand. One deployment (deployed-dev.ts) serves every case; nothing here applies a change:
// the cases that apply one are in review-apply.local.test.ts, so the two files run side by side.
jest.setTimeout(30 * 60_000);

describe("plan review on real plans of our stacks", () => {
  const dev = deployedDev();

  test("GIVEN the deployed config THEN the review shows no change", async () => {
    const r = await dev.review(dev.base);
    expect(r.stacks.map((s) => [s.stack, s.status, s.changes.length, s.counts.create])).toEqual([
      ["dev-foundation", "planned", 0, 0],
      ["dev-app", "planned", 0, 0],
    ]);
    expect(renderText(r)).toMatch(/dev-foundation: no changes \(\d+ unchanged\)/);
    // dev's checkov exceptions are skipped on top of the project's list.
    const checkov = stack(r, "dev-app").checkov!;
    expect(checkov.skippedChecks).toEqual(
      expect.arrayContaining(["CKV_AWS_150", "CKV_AWS_2", "CKV_AWS_158"]),
    );
    expect(checkov.findings.map((f) => f.id)).not.toContain("CKV_AWS_150");
    expect(checkov.passed).toBeGreaterThan(50);
  });

  test("GIVEN a tag change THEN updates in place, no delete, no protected failure in the gate; its Markdown, longer than a comment, splits within GitHub's limit", async () => {
    // 24 tags on every resource: a real plan whose review is longer than one PR comment (12 made
    // a 59,623-character review, under GitHub's limit).
    const tags = Object.fromEntries([
      ["team", "platform"],
      ...Array.from({ length: 23 }, (_, i) => [`cost-allocation-key-${i}`, `a-cost-centre-value-${i}`]),
    ]);
    const r = await dev.review({ ...dev.base, tags });
    for (const id of ["dev-foundation", "dev-app"]) {
      const s = stack(r, id);
      expect(s.counts.update).toBeGreaterThan(0);
      expect(s.counts.replace + s.counts.delete).toBe(0);
      expect(s.destructive).toEqual([]);
    }
    // Every change names the construct that made it, and the changes group by construct.
    for (const id of ["dev-foundation", "dev-app"]) {
      const s = stack(r, id);
      for (const c of s.changes) expect(c.construct).toMatch(new RegExp(`^${id}/[^/]+/`));
      expect(s.constructs.flatMap((g) => g.changes.map((c) => c.address)).sort()).toEqual(
        s.changes.map((c) => c.address).sort(),
      );
      for (const g of s.constructs) {
        for (const c of g.changes) {
          expect(s.changes.find((x) => x.address === c.address)!.construct).toMatch(
            new RegExp(`^${g.construct}/[^/]+$`),
          );
        }
      }
    }
    expect(stack(r, "dev-app").constructs.map((g) => g.construct)).toEqual(
      expect.arrayContaining(["dev-app/alb", "dev-app/cluster", "dev-app/web"]),
    );
    const vpc = stack(r, "dev-foundation").changes.find((c) => c.type === "aws_vpc")!;
    expect(vpc.construct).toBe("dev-foundation/network/vpc");
    expect(renderText(r)).toMatch(
      /== Changes by construct\n(.*\n)* {2}- dev-foundation\/network: \d+ update\n/,
    );
    expect(vpc.attributes).toEqual(
      expect.arrayContaining([{ path: "tags_all.team", before: null, after: "platform" }]),
    );
    expect(nonCheckovFailures(r)).toEqual([]);
    const whole = renderMarkdown(r);
    expect(whole.length).toBeGreaterThan(COMMENT_LIMIT);
    const parts = markdownComments(r);
    expect(parts.length).toBeGreaterThan(1);
    for (const [i, part] of parts.entries()) {
      expect(part.length).toBeLessThanOrEqual(COMMENT_LIMIT - COMMENT_RESERVE);
      expect(part.split("\n")[0]).toMatch(
        new RegExp(`^## Plan review: \`dev\` — .* \\(part ${i + 1} of ${parts.length}\\)$`),
      );
    }
    // Every change is in the comments as often as in the whole review.
    const count = (text: string, needle: string) => text.split(needle).length - 1;
    for (const s of r.stacks) {
      for (const c of s.changes) {
        const needle = `${c.action} ${s.stack}: ${c.address}`.replace(/_/g, "\\_");
        expect([c.address, count(parts.join(""), needle)]).toEqual([c.address, count(whole, needle)]);
      }
    }
    // Whatever else the gate reports comes from checkov (see the checkov case below).
    expect(r.gate.passed).toBe(r.stacks.every((s) => (s.checkov?.findings ?? []).length === 0));
  });

  test("GIVEN a renamed private zone THEN a protected replacement forced by `name` fails the gate", async () => {
    const r = await dev.review({ ...dev.base, network: { ...dev.base.network, zoneName: "other.local" } });
    const f = stack(r, "dev-foundation");
    expect(f.destructive).toEqual([
      expect.objectContaining({
        type: "aws_route53_zone",
        action: "replace",
        forcedBy: ["name"],
        reason: "replace_because_cannot_update",
        construct: "dev-foundation/network/zone",
        protected: expect.stringContaining("Route 53 zone"),
      }),
    ]);
    expect(f.constructs).toEqual(
      expect.arrayContaining([
        {
          construct: "dev-foundation/network",
          changes: expect.arrayContaining([{ address: f.destructive[0]!.address, action: "replace" }]),
        },
      ]),
    );
    expect(r.gate.passed).toBe(false);
    const zoneFailure = r.gate.failures.find((x) => x.includes("aws_route53_zone"));
    expect(zoneFailure).toMatch(
      /^dev-foundation: aws_route53_zone\.network_zone_[0-9A-F]{8} would be replaced \(protected: Route 53 zone.*\); pass --allow-destroy-protected to allow it on purpose$/,
    );
    // Deletes and replacements come first in every format.
    const text = renderText(r);
    expect(text.indexOf("== Deletes and replacements")).toBeLessThan(text.indexOf("== IAM"));
    expect(text).toMatch(/replace dev-foundation: aws_route53_zone\.\S+ \[PROTECTED: Route 53 zone/);
    expect(text).toContain("forced by: name");
    expect(text).toContain("construct: dev-foundation/network/zone");
    expect(text).toContain("reason: replace_because_cannot_update");
    expect(text).toContain("GATE: FAILED");
    const markdown = renderMarkdown(r);
    expect(markdown).toContain("## Plan review: `dev` — ❌ gate failed");
    expect(markdown).toMatch(/\| `dev-foundation` \| 0 \| \d+ \| 1 \| 0 \|/);
    expect(markdown.indexOf("### Deletes and replacements")).toBeLessThan(markdown.indexOf("### IAM"));
    expect(markdown).toContain("### Changes by construct");
    expect(markdown).toContain("- dev-foundation/network: ");
    expect(JSON.parse(renderJson(r))).toEqual(JSON.parse(JSON.stringify(r)));

    // The same real plan with the override: the gate lets the zone through, and says so.
    const allowed = evaluateGate(r.stacks, { allowDestroyProtected: true });
    expect(allowed.failures.filter((x) => x.includes("aws_route53_zone"))).toEqual([]);
    expect(allowed.allowed).toEqual([
      expect.stringMatching(/aws_route53_zone.*allowed by --allow-destroy-protected$/),
    ]);
  });

  test("GIVEN the NAT gateway removed THEN deleting its Elastic IP (protected) fails the gate", async () => {
    // Without NAT the private instances need VPC endpoints or a proxy, which the config must say.
    const r = await dev.review({
      ...dev.base,
      network: { ...dev.base.network, natGateways: "none" },
      capacity: { ...dev.base.capacity, allowPrivateSubnetsWithoutNat: true },
    });
    const f = stack(r, "dev-foundation");
    expect(f.destructive.map((d) => [d.type, d.action, Boolean(d.protected)])).toEqual([
      ["aws_eip", "delete", true],
      ["aws_nat_gateway", "delete", false],
      ["aws_route", "delete", false],
    ]);
    expect(f.groups.publicExposure.map((e) => e.type)).toEqual(
      expect.arrayContaining(["aws_eip", "aws_route"]),
    );
    expect(nonCheckovFailures(r)).toEqual([
      expect.stringMatching(/^dev-foundation: aws_eip\.\S+ would be deleted \(protected: Elastic IP/),
    ]);
  });

  test("GIVEN a moved, an imported, a forgotten and a removed resource THEN the review lists each with what Terraform says of it", async () => {
    // A log group made outside Terraform, for the import block to bring in.
    const logs = new CloudWatchLogsClient(localClientConfig(dev.aws));
    await logs.send(new CreateLogGroupCommand({ logGroupName: "review-imported" }));
    let moved = "";
    let forgotten = "";
    let removed = "";
    const r = await dev.review(dev.base, (stacks) => {
      const web = stacks.app.node.findChild("web");
      const policy = web.node.findChild("repository-lifecycle") as TerraformResource;
      moved = `${policy.terraformResourceType}.${stacks.app.getLogicalId(policy)}`;
      policy.overrideLogicalId("web_repository_lifecycle_renamed");
      policy.moveFromId(moved);
      const staticIp = stacks.app.node.findChild("static-ip");
      const pick = (id: string) => {
        const resource = staticIp.node.findChild(id) as TerraformResource;
        const address = `${resource.terraformResourceType}.${stacks.app.getLogicalId(resource)}`;
        staticIp.node.tryRemoveChild(id);
        return address;
      };
      forgotten = pick("reconcile-target");
      removed = pick("reconcile-permission");
      stacks.app.addOverride("removed", [{ from: forgotten, lifecycle: { destroy: false } }]);
      new CloudwatchLogGroup(stacks.app, "imported-logs", { name: "review-imported" }).importFrom(
        "review-imported",
      );
    });
    const app = stack(r, "dev-app");
    expect([app.status, app.note]).toEqual(["planned", undefined]);
    const byAddress = (address: string) => app.state.find((e) => e.address === address);
    expect(byAddress("aws_ecr_lifecycle_policy.web_repository_lifecycle_renamed")).toEqual(
      expect.objectContaining({
        action: "no-op",
        movedFrom: moved,
        construct: "dev-app/web/repository-lifecycle",
      }),
    );
    expect(byAddress(forgotten)).toEqual(expect.objectContaining({ action: "forget" }));
    const imported = app.state.find((e) => e.type === "aws_cloudwatch_log_group")!;
    expect(imported).toEqual(
      expect.objectContaining({ importId: "review-imported", construct: "dev-app/imported-logs" }),
    );
    expect(app.state.map((e) => e.address).sort()).toEqual(
      [imported.address, forgotten, "aws_ecr_lifecycle_policy.web_repository_lifecycle_renamed"].sort(),
    );
    expect(app.counts.forget).toBe(1);
    // Removed from the configuration without a removed block: deleted, and the reason says why.
    expect(app.destructive).toEqual([
      expect.objectContaining({
        address: removed,
        action: "delete",
        reason: "delete_because_no_resource_config",
      }),
    ]);
    const text = renderText(r);
    expect(text).toContain(`moved dev-app: aws_ecr_lifecycle_policy.web_repository_lifecycle_renamed`);
    expect(text).toContain(`moved from: ${moved}`);
    expect(text).toMatch(
      new RegExp(`imported(, then update)? dev-app: ${imported.address.replace(/\./g, "\\.")}`),
    );
    expect(text).toContain("imported by id: review-imported");
    expect(text).toContain(
      `forgotten (removed from the state; the object stays in AWS) dev-app: ${forgotten}`,
    );
    expect(text).toContain(
      "reason: delete_because_no_resource_config (its resource is no longer in the configuration)",
    );
    expect(text).toMatch(/dev-app: \d+ to create, \d+ to update, 0 to replace, 1 to delete, 1 to forget/);
    expect(renderMarkdown(r)).toContain("### Moved, imported and forgotten");
  });

  test("GIVEN a larger instance type and a NAT gateway per AZ THEN the review prints each stack's monthly cost delta", async () => {
    // Worked out by hand at the table's eu-west-2 prices (test/cost/estimate.test.ts checks them):
    // the default group's one instance goes from t3.small ($0.0236/h) to t3.medium ($0.0472/h);
    // a second NAT gateway ($0.05/h) brings its Elastic IP ($0.005/h).
    const r = await dev.review({
      ...dev.base,
      network: { ...dev.base.network, natGateways: "per-az" },
      capacity: { ...dev.base.capacity, instanceType: "t3.medium" },
    });
    const app = stack(r, "dev-app").cost!;
    expect(app.lines.map((l) => [l.key, l.quantityBefore, l.quantityAfter])).toEqual([
      ["ec2:t3.medium", 0, 1],
      ["ec2:t3.small", 2, 1],
    ]);
    expect(app.delta).toBeCloseTo(730 * (0.0472 - 0.0236), 6); // +17.228
    const foundation = stack(r, "dev-foundation").cost!;
    expect(foundation.lines.map((l) => [l.key, l.quantityBefore, l.quantityAfter])).toEqual([
      ["nat-gateway", 1, 2],
      ["public-ipv4", 2, 3],
    ]);
    expect(foundation.delta).toBeCloseTo(730 * 0.05 + 730 * 0.005, 6); // +40.15
    // What is deployed costs what `npm run cost -- --env dev` says of dev ($103.84), plus the two
    // alarms of the target tracking policy that the deployed base adds to web ($0.20).
    expect(foundation.before + app.before).toBeCloseTo(
      36.5 + 34.456 + 19.3158 + 7.3 + 5.568 + 0.5 + 0.2 + 0.2,
      6,
    );
    const text = renderText(r);
    expect(text).toContain("monthly estimate (fixed charges): $104.04 → $161.42 (+$57.38)");
    expect(text).toContain("dev-foundation: $44.30 → $84.45 (+$40.15 a month)");
    expect(text).toContain("NAT gateways: 1 → 2 gateways, $36.50 → $73.00 (+$36.50)");
    expect(text).toContain("EC2 t3.medium (Linux, on-demand): 0 → 1 instances, $0.00 → $34.46 (+$34.46)");
    expect(renderMarkdown(r)).toContain("**Monthly estimate (fixed charges): $104.04 → $161.42 (+$57.38)**");
  });

  test("GIVEN a replacement Terraform refuses (prevent_destroy) THEN the stack is refused and the gate fails even with the override", async () => {
    const r = await dev.review(
      { ...dev.base, network: { ...dev.base.network, zoneName: "other.local" } },
      (stacks) => stacks.foundation.network.zone.addOverride("lifecycle.prevent_destroy", true),
      true,
    );
    const f = stack(r, "dev-foundation");
    expect(f.status).toBe("refused");
    expect(f.note).toMatch(/prevent_destroy/);
    expect(r.gate.passed).toBe(false);
    expect(r.gate.failures[0]).toMatch(
      /^dev-foundation: Terraform refused the plan: .*prevent_destroy.*cannot be overridden here/,
    );
  });

  test("GIVEN checkov findings THEN the gate fails and names each; the environment's exceptions skip theirs", async () => {
    // dev turns the load balancer's deletion protection off on purpose and says so in its
    // exceptions (CKV_AWS_150). Without them, checkov fails on the same real plan.
    const strict = await dev.review({ ...dev.base, checkovExceptions: [] });
    const app = stack(strict, "dev-app");
    expect(app.checkov?.findings.map((f) => f.id)).toEqual(
      expect.arrayContaining(["CKV_AWS_150", "CKV_AWS_2"]),
    );
    expect(strict.gate.passed).toBe(false);
    expect(strict.gate.failures).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dev-app: checkov CKV_AWS_150 failed on aws_lb\.alb_[0-9A-F]{8}: /),
      ]),
    );
    // With them (the deployed config's review, first case), CKV_AWS_150 is skipped.
  });

  test("the CLI (npm run review) exits with the gate's verdict and writes JSON and Markdown", async () => {
    dev.synth({ ...dev.base, network: { ...dev.base.network, zoneName: "other.local" } });
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ["--import", "tsx", "scripts/review/cli.ts", ...args],
          {
            cwd: path.join(__dirname, "..", ".."),
            env: { ...process.env, ECS_CDKTF_ENV: "" },
            maxBuffer: 64 << 20,
          },
          (error, stdout, stderr) =>
            resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
        );
      });
    const md = path.join(dev.outdir, "review.md");
    const failing = await run(["review", "--env", "dev", "--synthesized", dev.outdir, "--format", "json"]);
    expect(failing.code).toBe(1);
    const json = JSON.parse(failing.stdout) as Review;
    expect(json.gate.failures).toEqual(
      expect.arrayContaining([expect.stringMatching(/aws_route53_zone.*would be replaced/)]),
    );

    const allowed = await run([
      "review",
      "--env=dev",
      `--synthesized=${dev.outdir}`,
      "--format",
      "markdown",
      "--out",
      md,
      "--allow-destroy-protected",
    ]);
    const markdown = fs.readFileSync(md, "utf8");
    expect(markdown).toBe(allowed.stdout);
    expect(markdown).toMatch(
      /⚠️ dev-foundation: aws\\_route53\\_zone\.\S+ would be replaced .*allowed by --allow-destroy-protected/,
    );
    expect(markdown).not.toMatch(/❌ .*aws\\_route53\\_zone/);
    // Exit 0 exactly when nothing else (checkov) fails the gate.
    expect(allowed.code).toBe(markdown.includes("❌ dev-") ? 1 : 0);
    expect(allowed.stderr).toContain("GATE:"); // the readable text goes to the terminal too

    const bad = await run(["review", "--env", "staging", "--synthesized", dev.outdir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'Unknown environment "staging" (from --env): the valid choices are dev, prod',
    );
  });
});
