import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeAddressesCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeClustersCommand, DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { LocalAws, localClientConfig, startLocalAws } from "../support/moto";

// The README's first command, for real: `bash scripts/local.sh deploy` (what `npm run local` runs)
// synthesizes the default environment (dev), and for each stack, foundation first, runs
// `terraform plan`, the plan review and its gate, and applies the reviewed plan with the real
// Terraform CLI and hashicorp/aws provider; then `local.sh destroy` (`npm run local:destroy`).
// Against this file's own moto server (LOCAL_AWS_ENDPOINT), never port 4566, with state and
// synthesized files in temporary directories. Setup is skipped (ECS_CDKTF_SKIP_SETUP=1): `npm
// test` has just run it, and running it here could reinstall node_modules under other tests.
//
// What moto cannot show: no container instance registers and no task runs (no ECS agent), so
// "deployed" means the control plane holds every resource as configured; the services' and the
// load balancer's configuration is checked in the ServiceStack local test.
jest.setTimeout(25 * 60_000);

const ROOT = path.join(__dirname, "..", "..");

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe("npm run local (scripts/local.sh) against the local AWS", () => {
  let aws: LocalAws;
  let outdir: string;
  let stateDir: string;
  let first: Run;
  let ecs: ECSClient;
  let ec2: EC2Client;
  let elb: ElasticLoadBalancingV2Client;
  let route53: Route53Client;
  let autoscaling: AutoScalingClient;

  /** Runs scripts/local.sh asynchronously (moto keeps answering while it runs). */
  function localSh(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn("bash", ["scripts/local.sh", ...args], {
        cwd: ROOT,
        env: {
          ...process.env,
          ECS_CDKTF_SKIP_SETUP: "1",
          LOCAL_AWS_ENDPOINT: aws.endpoint,
          CDKTF_OUTDIR: outdir,
          ECS_CDKTF_STATE_DIR: stateDir,
          ECS_CDKTF_ENV: "",
          CDKTF_CONTEXT_JSON: "",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  function expectOk(run: Run): void {
    if (run.code !== 0)
      throw new Error(`local.sh exited ${run.code}:\n${run.stderr.slice(-6000)}\n${run.stdout.slice(-3000)}`);
  }

  beforeAll(async () => {
    aws = await startLocalAws();
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "local-deploy-out-"));
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "local-deploy-state-"));
    const config = { ...localClientConfig(aws) };
    ecs = new ECSClient(config);
    ec2 = new EC2Client(config);
    elb = new ElasticLoadBalancingV2Client(config);
    route53 = new Route53Client(config);
    autoscaling = new AutoScalingClient(config);
    first = await localSh(["deploy"]);
  });

  afterAll(async () => {
    for (const c of [ecs, ec2, elb, route53, autoscaling]) c?.destroy();
    await aws?.stop();
  });

  test("GIVEN a fresh local AWS WHEN deployed THEN both dev stacks were reviewed, gated and applied", () => {
    expectOk(first);
    expect(first.stdout).toContain("Plan review: environment dev");
    expect(first.stdout).toMatch(/dev-foundation: \d+ to create, 0 to update, 0 to replace, 0 to delete/);
    expect(first.stdout).toMatch(/dev-app: \d+ to create, 0 to update, 0 to replace, 0 to delete/);
    expect(first.stdout).toContain("GATE: PASSED");
    expect(first.stderr).toContain("applying dev-foundation's reviewed plan");
    expect(first.stderr).toContain("applying dev-app's reviewed plan");
    expect(first.stderr.indexOf("applying dev-foundation")).toBeLessThan(
      first.stderr.indexOf("planning dev-app"),
    );
    // The state went where ECS_CDKTF_STATE_DIR says, not into the repository.
    expect(fs.readdirSync(stateDir).sort()).toEqual(
      expect.arrayContaining(["terraform.dev-app.tfstate", "terraform.dev-foundation.tfstate"]),
    );
  });

  test("THEN it prints the outputs and writes them to $CDKTF_OUTDIR/outputs.json", () => {
    const outputs = JSON.parse(fs.readFileSync(path.join(outdir, "outputs.json"), "utf8")) as Record<
      string,
      Record<string, unknown>
    >;
    expect(outputs["dev-foundation"]).toMatchObject({
      zone_name: "myorg.local",
      zone_id: expect.stringMatching(/^[A-Z0-9]{10,}$/),
      static_ips: { "eu-west-2a": expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/) },
      static_ip_eni_ids: { "eu-west-2a": expect.stringMatching(/^eni-/) },
    });
    expect(outputs["dev-app"]).toMatchObject({
      cluster_name: "dev",
      alb_dns_name: expect.stringMatching(/^dev-alb-.*\.elb\.amazonaws\.com$/),
      ecr_repository_urls: { web: expect.stringMatching(/\.dkr\.ecr\.eu-west-2\.amazonaws\.com\/dev\/web$/) },
      stopped: false,
      static_ip_lambda_name: "dev-static-ip",
      static_ip_dlq_name: "dev-static-ip-dlq",
      static_ip_edge_asg_names: { "eu-west-2a": "dev-edge-eu-west-2a" },
    });
    expect(first.stdout).toContain(`Outputs (also in ${path.join(outdir, "outputs.json")})`);
    expect(first.stdout).toContain('"zone_name": "myorg.local"');
  });

  test("THEN the AWS SDK finds the cluster, both services, the load balancer and the private zone", async () => {
    const outputs = JSON.parse(fs.readFileSync(path.join(outdir, "outputs.json"), "utf8"));
    const clusters = await ecs.send(new DescribeClustersCommand({ clusters: ["dev"] }));
    expect(clusters.clusters?.[0]?.status).toBe("ACTIVE");
    const services = await ecs.send(
      new DescribeServicesCommand({ cluster: "dev", services: ["web", "api"] }),
    );
    expect(services.services?.map((s) => [s.serviceName, s.status, s.desiredCount])).toEqual([
      ["web", "ACTIVE", 1],
      ["api", "ACTIVE", 1],
    ]);
    const lbs = await elb.send(new DescribeLoadBalancersCommand({ Names: ["dev-alb"] }));
    expect(lbs.LoadBalancers?.[0]?.DNSName).toBe(outputs["dev-app"].alb_dns_name);
    const zone = await route53.send(new GetHostedZoneCommand({ Id: outputs["dev-foundation"].zone_id }));
    expect(zone.HostedZone?.Config?.PrivateZone).toBe(true);
    const groups = await autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["dev-default"] }),
    );
    expect(groups.AutoScalingGroups?.[0]).toMatchObject({ MinSize: 1, MaxSize: 1 });
  });

  test("WHEN run again THEN every plan is a no-op and nothing is applied", async () => {
    const second = await localSh(["deploy"]);
    expectOk(second);
    expect(second.stdout).toMatch(/dev-foundation: no changes \(\d+ unchanged\)/);
    expect(second.stdout).toMatch(/dev-app: no changes \(\d+ unchanged\)/);
    expect(second.stderr).toContain("dev-foundation: no changes");
    expect(second.stderr).toContain("dev-app: no changes");
    expect(second.stderr).not.toContain("reviewed plan");
    expect(second.stdout).toContain("GATE: PASSED");
  });

  test("WHEN destroyed THEN the app is gone, the foundation (VPC, zone) is kept, and it says so", async () => {
    const outputs = JSON.parse(fs.readFileSync(path.join(outdir, "outputs.json"), "utf8"));
    const destroy = await localSh(["destroy"]);
    expectOk(destroy);
    expect(destroy.stdout).toContain("Destroyed: dev-app");
    expect(destroy.stdout).toMatch(/Kept on purpose: dev-foundation \(\d+ resources: .*aws_route53_zone.*\)/);
    // The NAT gateway's Elastic IP and the static IP's.
    expect(destroy.stdout).toMatch(/Kept on purpose: dev-foundation \(.*\b2 aws_eip\b.*\)/);
    expect(destroy.stdout).toContain(
      "To remove it as well, on purpose: bash scripts/local.sh destroy --include-foundation",
    );

    const clusters = await ecs.send(new DescribeClustersCommand({ clusters: ["dev"] }));
    expect(clusters.clusters?.filter((c) => c.status === "ACTIVE") ?? []).toEqual([]);
    await expect(elb.send(new DescribeLoadBalancersCommand({ Names: ["dev-alb"] }))).rejects.toThrow();
    const zone = await route53.send(new GetHostedZoneCommand({ Id: outputs["dev-foundation"].zone_id }));
    expect(zone.HostedZone?.Name).toBe("myorg.local.");
    const vpcs = await ec2.send(new DescribeVpcsCommand({ VpcIds: [outputs["dev-foundation"].vpc_id] }));
    expect(vpcs.Vpcs).toHaveLength(1);
    const staticIp = outputs["dev-foundation"].static_ips["eu-west-2a"];
    const addresses = await ec2.send(new DescribeAddressesCommand({ PublicIps: [staticIp] }));
    expect(addresses.Addresses?.[0]?.NetworkInterfaceId).toBe(
      outputs["dev-foundation"].static_ip_eni_ids["eu-west-2a"],
    );
  });

  test("WHEN the foundation is destroyed on purpose THEN nothing is kept", async () => {
    const outputs = JSON.parse(fs.readFileSync(path.join(outdir, "outputs.json"), "utf8"));
    const destroy = await localSh(["destroy", "--include-foundation"]);
    expectOk(destroy);
    expect(destroy.stdout).toContain("Destroyed: dev-app, dev-foundation");
    expect(destroy.stdout).not.toContain("Kept on purpose");
    await expect(
      ec2.send(new DescribeVpcsCommand({ VpcIds: [outputs["dev-foundation"].vpc_id] })),
    ).rejects.toThrow();
    // The Elastic IPs were released on purpose (local.sh sets ECS_CDKTF_ALLOW_EIP_DESTROY=1).
    expect((await ec2.send(new DescribeAddressesCommand({}))).Addresses ?? []).toEqual([]);
  });
});
