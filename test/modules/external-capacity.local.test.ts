/**
 * ExternalCapacity and TraefikEdge applied with the real Terraform CLI and hashicorp/aws provider to
 * moto server on localhost, read back with the AWS SDK, then a plan that must change nothing; then
 * the real Traefik binary runs the task definition's command as applied, its ECS provider reading
 * the local AWS, and routes to a local HTTP server by the labels of a task running there.
 *
 * What moto (5.2.5) lacks, and how this file deals with it:
 * - SSM activations: moto implements no CreateActivation/DescribeActivations, so the
 *   `aws_ssm_activation` is not applied (`-target` leaves it out). It is checked by synthesis and
 *   `terraform validate` in external-capacity.test.ts (its arguments, the sensitive code and
 *   registration command, the outputs marked sensitive).
 * - The EXTERNAL launch type for services: moto's CreateService accepts only EC2 and FARGATE, so the
 *   Traefik `aws_ecs_service` is not applied either; its configuration (launch type, placement by
 *   attribute, deployment limits) is checked in external-capacity.test.ts and by `terraform validate`.
 * - moto's gap of EXTERNAL task definitions (their network mode replaced by awsvpc) is fixed in
 *   tools/moto_server.py (fix 8); moto loads AWS's managed policies only with
 *   MOTO_IAM_LOAD_MANAGED_POLICIES, given to this file's server.
 * - ECS Anywhere instances: moto has no SSM managed instances (no DescribeInstanceInformation), so
 *   the machine Traefik discovers is an EC2 instance in moto whose private address is 127.0.0.1,
 *   registered as a container instance; Traefik's `mi-…` lookup through SSM (ecsAnywhere=true) is
 *   not exercised. moto runs no containers: the backend task only exists in ECS's records, and a
 *   local HTTP server listens on its port.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateSubnetCommand, CreateVpcCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from "@aws-sdk/client-ecs";
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from "@aws-sdk/client-iam";
import { TerraformStack, Testing } from "cdktf";
import { EcsCluster as EcsClusterResource } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsCluster } from "../../modules/ecs-cluster";
import { ExternalCapacity, TraefikEdge, traefikRouteLabels } from "../../modules/external-capacity";
import { addAwsProvider } from "../../stacks/aws-provider";
import { LocalAws, localClientConfig, LOCAL_REGION, startLocalAws } from "../support/moto";
import { shareProvider } from "../support/shared-provider";
import { plannedActions, TerraformRun } from "../support/terraform";
import {
  EchoServer,
  eventually,
  freePort,
  get,
  RunningProcess,
  startEchoServer,
  startProcess,
} from "./static-ip-haproxy-fixtures";

jest.setTimeout(10 * 60_000);
shareProvider();

const CLUSTER = "onprem";
/** Resource types moto cannot create (see the header). */
const NOT_IN_MOTO = ["aws_ssm_activation", "aws_ecs_service"];

function externalStack(endpoint: string, webPort: number, pingPort: number): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "external");
  addAwsProvider(stack, { region: LOCAL_REGION, target: { kind: "local", endpoint } });
  const resource = new EcsClusterResource(stack, "onprem", { name: CLUSTER });
  const cluster = EcsCluster.fromAttributes(stack, "cluster", {
    clusterName: CLUSTER,
    clusterArn: resource.arn,
  });
  const external = new ExternalCapacity(stack, "anywhere", {
    cluster,
    registrationLimit: 5,
    instanceAttributes: { role: "edge" },
  });
  new TraefikEdge(stack, "edge", {
    cluster,
    region: LOCAL_REGION,
    instanceAttributes: external.instanceAttributes,
    entryPoints: { web: webPort },
    pingPort,
    refreshSeconds: 5,
  });
  return stack;
}

/** `-target` for every resource of the stack moto can create. */
function targets(tf: TerraformRun): string[] {
  const json = JSON.parse(fs.readFileSync(tf.json, "utf8")) as {
    resource: Record<string, Record<string, unknown>>;
  };
  return Object.entries(json.resource)
    .filter(([type]) => !NOT_IN_MOTO.includes(type))
    .flatMap(([type, blocks]) => Object.keys(blocks).map((name) => `-target=${type}.${name}`));
}

describe("ExternalCapacity and TraefikEdge, applied to the local AWS", () => {
  let aws: LocalAws;
  let tf: TerraformRun;
  let targetArgs: string[];
  let iam: IAMClient;
  let ecs: ECSClient;
  let webPort: number;
  let pingPort: number;

  beforeAll(async () => {
    // moto loads AWS's managed policies (what the instances' role attaches) only when asked.
    aws = await startLocalAws({ env: { MOTO_IAM_LOAD_MANAGED_POLICIES: "true" } });
    iam = new IAMClient(localClientConfig(aws));
    ecs = new ECSClient(localClientConfig(aws));
    [webPort, pingPort] = [await freePort(), await freePort()];
    tf = TerraformRun.synth(externalStack(aws.endpoint, webPort, pingPort)).init();
    targetArgs = targets(tf);
    tf.run(["apply", "-input=false", "-lock=false", "-no-color", "-auto-approve", ...targetArgs]);
  });

  afterAll(async () => {
    try {
      tf?.run(["destroy", "-input=false", "-lock=false", "-no-color", "-auto-approve", ...targetArgs]);
    } finally {
      await aws?.stop();
    }
  });

  it("THEN the instances' role trusts SSM only and holds exactly the two managed policies", async () => {
    const role = await iam.send(new GetRoleCommand({ RoleName: `${CLUSTER}-external` }));
    const trust = JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)) as {
      Statement: { Principal: unknown; Condition: Record<string, Record<string, string>> }[];
    };
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]!.Principal).toEqual({ Service: "ssm.amazonaws.com" });
    expect(trust.Statement[0]!.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012" },
      ArnLike: { "aws:SourceArn": `arn:aws:ssm:${LOCAL_REGION}:123456789012:*` },
    });
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: `${CLUSTER}-external` }));
    expect(attached.AttachedPolicies!.map((p) => p.PolicyArn).sort()).toEqual([
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    ]);
    const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: `${CLUSTER}-external` }));
    expect(inline.PolicyNames).toEqual([]);
  });

  it("THEN Traefik's task role holds the read-only policy scoped to the cluster", async () => {
    const policy = await iam.send(
      new GetRolePolicyCommand({ RoleName: "traefik-task", PolicyName: "traefik-ecs-provider-read" }),
    );
    const document = JSON.parse(decodeURIComponent(policy.PolicyDocument!)) as {
      Statement: { Sid: string; Resource: string[]; Condition?: unknown }[];
    };
    const clusterArn = `arn:aws:ecs:${LOCAL_REGION}:123456789012:cluster/${CLUSTER}`;
    expect(Object.fromEntries(document.Statement.map((s) => [s.Sid, s.Resource]))).toEqual({
      ReadAccountWide: ["*"],
      ListClusterTasks: ["*"],
      DescribeCluster: [clusterArn],
      DescribeClusterTasks: [`arn:aws:ecs:${LOCAL_REGION}:123456789012:task/${CLUSTER}/*`],
      DescribeClusterInstances: [`arn:aws:ecs:${LOCAL_REGION}:123456789012:container-instance/${CLUSTER}/*`],
    });
    expect(document.Statement.find((s) => s.Sid === "ListClusterTasks")!.Condition).toEqual({
      ArnEquals: { "ecs:cluster": clusterArn },
    });
  });

  it("THEN ECS holds the EXTERNAL host-network task definition with the task role, and the log group exists", async () => {
    const { taskDefinition } = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: "traefik" }),
    );
    expect(taskDefinition).toMatchObject({
      family: "traefik",
      requiresCompatibilities: ["EXTERNAL"],
      taskRoleArn: expect.stringMatching(/:role\/traefik-task$/),
    });
    expect(taskDefinition!.containerDefinitions![0]!.command).toContain(
      `--providers.ecs.clusters=${CLUSTER}`,
    );
    const logs = new CloudWatchLogsClient(localClientConfig(aws));
    const groups = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: `/ecs/${CLUSTER}/traefik` }),
    );
    expect(groups.logGroups!.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([
      [`/ecs/${CLUSTER}/traefik`, 365],
    ]);
  });

  it("THEN a plan right after the apply changes nothing", () => {
    expect(
      Object.values(plannedActions(tf.plan(targetArgs))).filter((a) => a !== "no-op" && a !== "read"),
    ).toEqual([]);
  });

  describe("GIVEN Traefik runs the applied task definition's command against the local AWS", () => {
    let backend: EchoServer;
    let traefik: RunningProcess;
    let work: string;

    beforeAll(async () => {
      backend = await startEchoServer("orders", "127.0.0.1");
      // The machine: an instance whose private address is the loopback, registered in the cluster.
      const ec2 = new EC2Client(localClientConfig(aws));
      const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "127.0.0.0/16" }));
      const subnet = await ec2.send(
        new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: "127.0.0.0/24" }),
      );
      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId: "ami-12c6146b",
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnet.Subnet!.SubnetId!,
          PrivateIpAddress: "127.0.0.1",
        }),
      );
      const instanceId = run.Instances![0]!.InstanceId!;
      expect(run.Instances![0]!.PrivateIpAddress).toBe("127.0.0.1");
      await ecs.send(
        new RegisterContainerInstanceCommand({
          cluster: CLUSTER,
          instanceIdentityDocument: JSON.stringify({ instanceId, region: LOCAL_REGION }),
          attributes: [{ name: "role", value: "edge" }],
        }),
      );
      // A service's task, labelled for the edge with the module's helper.
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: "orders",
          networkMode: "host",
          requiresCompatibilities: ["EXTERNAL"],
          containerDefinitions: [
            {
              name: "orders",
              image: "public.ecr.aws/docker/library/nginx:1.27",
              memory: 64,
              portMappings: [{ containerPort: backend.port, hostPort: backend.port, protocol: "tcp" }],
              dockerLabels: traefikRouteLabels({
                router: "orders",
                rule: "Host(`orders.example.test`)",
                port: backend.port,
              }),
            },
          ],
        }),
      );
      await ecs.send(
        new RunTaskCommand({ cluster: CLUSTER, taskDefinition: "orders", launchType: "EXTERNAL" }),
      );

      // The command exactly as ECS holds it (what the container would run).
      const { taskDefinition } = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: "traefik" }),
      );
      const command = taskDefinition!.containerDefinitions![0]!.command!;
      work = fs.mkdtempSync(path.join(os.tmpdir(), "traefik-ecs-"));
      const binary = process.env.ECS_CDKTF_TRAEFIK;
      if (!binary)
        throw new Error(
          "ECS_CDKTF_TRAEFIK is not set: run `bash scripts/setup.sh` and source ~/.cache/ecs-cdktf/toolchain.env",
        );
      traefik = startProcess(binary, command, {
        ...process.env,
        AWS_ENDPOINT_URL: aws.endpoint,
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_EC2_METADATA_DISABLED: "true",
        HOME: work,
      });
    });

    afterAll(async () => {
      await traefik?.stop();
      await backend?.close();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("THEN Traefik discovers the labelled task and routes its Host to the task's port", async () => {
      const res = await eventually(
        "Traefik to route orders.example.test to the task",
        async () => {
          const r = await get(`http://127.0.0.1:${webPort}/list`, { Host: "orders.example.test" }).catch(
            () => undefined,
          );
          return r?.status === 200 ? r : undefined;
        },
        60_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}\nTraefik's output:\n${traefik.output()}`);
      });
      expect(JSON.parse(res.body)).toMatchObject({ server: "orders", url: "/list" });
      expect((await get(`http://127.0.0.1:${webPort}/`, { Host: "other.example.test" })).status).toBe(404);
      expect((await get(`http://127.0.0.1:${pingPort}/ping`)).status).toBe(200);
    });
  });
});
