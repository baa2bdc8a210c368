import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import {
  DescribeAddressesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVpcsCommand,
  DetachNetworkInterfaceCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { DescribeClustersCommand, DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { foundationStackId } from "../../stacks/environment";
import { describeFailoverDrill, DrillWorld, drillWorld, instanceState } from "../support/failover-drill";
import { LocalAws, localClientConfig, startLocalAws } from "../support/moto";
import { TerraformRun } from "../support/terraform";

// The README's first command, for real, and the static IP's failover drill on what it deployed.
// `bash scripts/local.sh deploy` (what `npm run local` runs) synthesizes the default environment
// (dev), and for each stack, foundation first, runs `terraform plan`, the plan review and its gate,
// and applies the reviewed plan with the real Terraform CLI and hashicorp/aws provider. The dev
// environment it applied is then used, once, by the static IP's drill, before `local.sh destroy`
// (`npm run local:destroy`) and the destroy on purpose take it down: one apply of the environment
// serves both (they were two files, each applying dev from scratch).
// Against this file's own moto server (LOCAL_AWS_ENDPOINT), never port 4566, with state and
// synthesized files in temporary directories. Setup is skipped (ECS_CDKTF_SKIP_SETUP=1): `npm
// test` has just run it, and running it here could reinstall node_modules under other tests.
//
// The drill (test/support/failover-drill.ts, which says what moto cannot do there and how it is
// dealt with) reads the static IP back and fails the edge instance over, several rounds.
//
// What moto cannot do, and how this file deals with it:
// - No container instance registers and no task runs (no ECS agent), so "deployed" means the
//   control plane holds every resource as configured; the services' and the load balancer's
//   configuration is checked in test/stacks/environment.local.test.ts. The HAProxy task never
//   runs; the proxy's configuration is tested against a real HAProxy in
//   test/modules/static-ip-haproxy.test.ts.
// - A terminated instance keeps its secondary ENI "attached" (real EC2 detaches it): the destroy
//   test detaches it from the last, terminated edge instance, as EC2 would have.
jest.setTimeout(25 * 60_000);

const ROOT = path.join(__dirname, "..", "..");

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe("npm run local (scripts/local.sh) against the local AWS, and the static IP's failover drill", () => {
  let aws: LocalAws;
  let outdir: string;
  let stateDir: string;
  let first: Run;
  let ecs: ECSClient;
  let ec2: EC2Client;
  let elb: ElasticLoadBalancingV2Client;
  let route53: Route53Client;
  let autoscaling: AutoScalingClient;
  let foundation: TerraformRun;
  // The drill's view of what local.sh deployed.
  let world: DrillWorld;

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
    const config = { ...localClientConfig(aws), maxAttempts: 1 };
    ecs = new ECSClient(config);
    ec2 = new EC2Client(config);
    elb = new ElasticLoadBalancingV2Client(config);
    route53 = new Route53Client(config);
    autoscaling = new AutoScalingClient(config);
    first = await localSh(["deploy"]);
    expectOk(first);

    foundation = new TerraformRun(path.join(outdir, "stacks", foundationStackId("dev")));
    const outputs = JSON.parse(fs.readFileSync(path.join(outdir, "outputs.json"), "utf8"));
    expect(Object.keys(outputs["dev-foundation"].static_ips)).toEqual(["eu-west-2a"]);
    world = await drillWorld(
      aws,
      { ec2, autoscaling },
      { foundation: outputs["dev-foundation"], app: outputs["dev-app"] },
      "eu-west-2a",
    );
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
    // Only the declared outputs: not cdktf's cross-stack plumbing, which the foundation's state has
    // (the app reads it), e.g. cross-stack-output-aws_network_interface…
    for (const stack of ["dev-foundation", "dev-app"]) {
      expect({
        stack,
        plumbing: Object.keys(outputs[stack]!).filter((o) => o.startsWith("cross-stack-output-")),
      }).toEqual({
        stack,
        plumbing: [],
      });
    }
    const printed = first.stdout.slice(
      first.stdout.indexOf(`Outputs (also in ${path.join(outdir, "outputs.json")})`),
    );
    expect(printed).toMatch(/^Outputs \(also in /);
    expect(printed).not.toContain("cross-stack-output-");
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

  describeFailoverDrill(() => world);

  test("WHEN destroyed THEN the app is gone, the foundation (VPC, zone, the Elastic IP and its ENI) is kept, and it says so; a plain destroy of the foundation is refused", async () => {
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
    // The static IP (the drill's view): the edge group is gone with the app, the EIP and its ENI stay.
    expect(new TerraformRun(path.join(outdir, "stacks", "dev-app")).stateList()).toEqual([]);
    const groups = await autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [world.group] }),
    );
    expect(groups.AutoScalingGroups).toEqual([]);
    const address = (await ec2.send(new DescribeAddressesCommand({ PublicIps: [world.publicIp] }))).Addresses;
    expect(address).toEqual([
      expect.objectContaining({ PublicIp: world.publicIp, NetworkInterfaceId: world.eniId }),
    ]);
    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [world.eniId] }));
    expect(enis.NetworkInterfaces).toHaveLength(1);
    // moto gap: the ENI stays "attached" to the last edge instance, terminated with its group (real
    // EC2 detaches a terminated instance's secondary ENI). Detached here as EC2 would have; left
    // attached, the provider's delete of the ENI below waits minutes on it.
    const attachment = enis.NetworkInterfaces![0]!.Attachment!;
    expect(await instanceState(ec2, attachment.InstanceId!)).toBe("terminated");
    await ec2.send(
      new DetachNetworkInterfaceCommand({ AttachmentId: attachment.AttachmentId!, Force: true }),
    );
    // The Elastic IP's lifecycle.prevent_destroy: Terraform refuses the whole destroy.
    expect(() => foundation.destroy()).toThrow(/prevent_destroy/);
    expect(
      (await ec2.send(new DescribeAddressesCommand({ PublicIps: [world.publicIp] }))).Addresses,
    ).toHaveLength(1);
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
    expect(foundation.stateList()).toEqual([]);
    expect(
      (
        await ec2.send(
          new DescribeNetworkInterfacesCommand({
            Filters: [{ Name: "network-interface-id", Values: [world.eniId] }],
          }),
        )
      ).NetworkInterfaces,
    ).toEqual([]);
  });
});
