/**
 * The ExternalCapacity module (modules/external-capacity): the ECS Anywhere role, activation and
 * registration command, the Traefik edge's task definition, service and read-only role, and the
 * route labels. Synthesized and checked here; one `terraform validate` of a stack holding every
 * part. The Traefik arguments run for real in external-capacity-traefik.test.ts; the apply to the
 * local AWS is external-capacity.local.test.ts.
 */
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SsmActivation } from "@cdktf/provider-aws/lib/ssm-activation";
import { EcsCluster } from "../../modules/ecs-cluster";
import {
  DEFAULT_REGISTRATION_LIMIT,
  DEFAULT_TRAEFIK_CPU_UNITS,
  DEFAULT_TRAEFIK_IMAGE,
  DEFAULT_TRAEFIK_LOG_RETENTION_DAYS,
  DEFAULT_TRAEFIK_MEMORY_LIMIT_MIB,
  DEFAULT_TRAEFIK_MEMORY_RESERVATION_MIB,
  DEFAULT_TRAEFIK_PING_PORT,
  DEFAULT_TRAEFIK_REFRESH_SECONDS,
  ECS_ANYWHERE_INSTALL_SCRIPT_URL,
  EXTERNAL_CAPACITY_STAR_RESOURCE_ACTIONS,
  ExternalCapacity,
  ExternalCapacityProps,
  registrationCommand,
  TRAEFIK_CAPABILITIES,
  traefikArguments,
  traefikHealthCheckCommand,
  traefikRouteLabels,
  TraefikEdge,
  TraefikEdgeProps,
} from "../../modules/external-capacity";
import { resolveExternalCapacityConfig } from "../../modules/external-capacity/validation";
import { failFor } from "../../modules/shared/validation";
import { describeFindings, lintSynthesizedIam, scanIam, unusedStarResourceActions } from "../support/iam";
import { shareProvider } from "../support/shared-provider";
import { addAwsProvider } from "../../stacks/aws-provider";
import { resolveIn } from "./static-ip-support";

shareProvider();

const CLUSTER_NAME = "onprem";
const CLUSTER_ARN = `arn:aws:ecs:eu-west-2:123456789012:cluster/${CLUSTER_NAME}`;
const REGION = "eu-west-2";
const DAY_MS = 24 * 3600 * 1000;

/** `days` from now, in the one form the module takes (UTC, whole seconds). */
function daysFromNow(days: number): string {
  return new Date(Math.floor((Date.now() + days * DAY_MS) / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

type Block = Record<string, unknown>;
interface SynthJson {
  resource: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
}

function newStack(): { stack: TerraformStack; cluster: EcsCluster } {
  const stack = new TerraformStack(Testing.app(), "external");
  const cluster = EcsCluster.fromAttributes(stack, "cluster", {
    clusterName: CLUSTER_NAME,
    clusterArn: CLUSTER_ARN,
  });
  return { stack, cluster: cluster as EcsCluster };
}

function only(json: SynthJson, type: string): Block {
  const blocks = Object.values(json.resource[type] ?? {});
  expect(blocks).toHaveLength(1);
  return blocks[0]!;
}

interface Container {
  name: string;
  image: string;
  essential: boolean;
  cpu: number;
  memory: number;
  memoryReservation: number;
  command: string[];
  portMappings: { containerPort: number; hostPort: number; protocol: string }[];
  readonlyRootFilesystem: boolean;
  privileged: boolean;
  linuxParameters: { capabilities: { drop: string[]; add: string[] } };
  healthCheck: { command: string[] };
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

function containerOf(json: SynthJson): Container {
  const task = only(json, EcsTaskDefinition.tfResourceType);
  const containers = JSON.parse(task.container_definitions as string) as Container[];
  expect(containers).toHaveLength(1);
  return containers[0]!;
}

describe("ExternalCapacity with every default", () => {
  const { stack, cluster } = newStack();
  const external = new ExternalCapacity(stack, "anywhere", { cluster });
  const synthesized = Testing.synth(stack);
  const json = JSON.parse(synthesized) as SynthJson;

  test("THEN the role is named <cluster>-external and trusts SSM only for this account and region", () => {
    const role = only(json, IamRole.tfResourceType);
    expect(role.name).toBe(`${CLUSTER_NAME}-external`);
    expect(JSON.parse(role.assume_role_policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "SsmAssumeForHybridInstances",
          Effect: "Allow",
          Principal: { Service: "ssm.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": expect.stringMatching(/^\$\{data\.aws_caller_identity\./) },
            ArnLike: {
              "aws:SourceArn": expect.stringMatching(
                /^arn:\$\{data\.aws_partition\.[^}]+\}:ssm:\$\{data\.aws_region\.[^}]+\}:\$\{data\.aws_caller_identity\.[^}]+\}:\*$/,
              ),
            },
          },
        },
      ],
    });
    expect(role.tags).toEqual({ Name: `${CLUSTER_NAME}-external` });
  });

  test("THEN exactly the two AWS managed policies are attached, by partition-built ARN, and no inline policy", () => {
    const attachments = Object.values(json.resource[IamRolePolicyAttachment.tfResourceType] ?? {});
    expect(attachments.map((a) => a.policy_arn).sort()).toEqual([
      expect.stringMatching(
        /^arn:\$\{data\.aws_partition\.[^}]+\}:iam::aws:policy\/AmazonSSMManagedInstanceCore$/,
      ),
      expect.stringMatching(
        /^arn:\$\{data\.aws_partition\.[^}]+\}:iam::aws:policy\/service-role\/AmazonEC2ContainerServiceforEC2Role$/,
      ),
    ]);
    expect(json.resource.aws_iam_role_policy).toBeUndefined();
  });

  test("THEN the activation registers one machine, expires on AWS's default, and waits for the policies", () => {
    const activation = only(json, SsmActivation.tfResourceType);
    expect(activation).toMatchObject({
      name: `${CLUSTER_NAME}-external`,
      description: `ECS Anywhere instances of ${CLUSTER_NAME}`,
      iam_role: expect.stringMatching(/^\$\{aws_iam_role\.[^}]+\.name\}$/),
      registration_limit: DEFAULT_REGISTRATION_LIMIT,
    });
    expect(activation).not.toHaveProperty("expiration_date");
    expect(activation.depends_on).toHaveLength(2);
    expect(external.instanceAttributes).toEqual({});
    expect(external.placementExpression).toBeUndefined();
  });

  test("THEN the code and the command are sensitive references, the id is not", () => {
    expect(resolveIn(stack, external.activationCode)).toMatch(
      /^\$\{sensitive\(aws_ssm_activation\.[^}]+\.activation_code\)\}$/,
    );
    expect(resolveIn(stack, external.activationId)).toMatch(/^\$\{aws_ssm_activation\.[^}]+\.id\}$/);
    const command = resolveIn(stack, external.registrationCommand) as string;
    expect(command).toMatch(/^\$\{sensitive\(/);
    expect(command).toContain(ECS_ANYWHERE_INSTALL_SCRIPT_URL);
    expect(command).toContain("activation_code");
    // No attributes: nothing is written to ecs.config before the install script.
    expect(command).not.toContain("ECS_INSTANCE_ATTRIBUTES");
  });

  test("THEN the IAM lint passes with only the two managed policies allowed", () => {
    const findings = lintSynthesizedIam(synthesized, {
      allowedStarResourceActions: EXTERNAL_CAPACITY_STAR_RESOURCE_ACTIONS,
      allowedManagedPolicyArns: scanIam(synthesized)
        .managedPolicies.map((p) => p.policyArn)
        .filter((arn) =>
          /:iam::aws:policy\/(AmazonSSMManagedInstanceCore|service-role\/AmazonEC2ContainerServiceforEC2Role)$/.test(
            arn,
          ),
        ),
    });
    expect(describeFindings(findings)).toBe("");
  });
});

describe("registrationCommand", () => {
  test("GIVEN attributes THEN they are appended to ecs.config before AWS's documented install command", () => {
    const command = registrationCommand({
      region: "eu-west-2",
      clusterName: "onprem",
      activationId: "0123-id",
      activationCode: "SECRET",
      instanceAttributes: { role: "edge", site: "lyon 2" },
    });
    expect(command.split(" && ")).toEqual([
      "sudo mkdir -p /etc/ecs",
      `echo 'ECS_INSTANCE_ATTRIBUTES={"role":"edge","site":"lyon 2"}' | sudo tee -a /etc/ecs/ecs.config > /dev/null`,
      `curl --proto "https" -o "/tmp/ecs-anywhere-install.sh" "${ECS_ANYWHERE_INSTALL_SCRIPT_URL}"`,
      'sudo bash /tmp/ecs-anywhere-install.sh --region "eu-west-2" --cluster "onprem" --activation-id "0123-id" --activation-code "SECRET"',
    ]);
  });
});

describe("ExternalCapacity with every option", () => {
  const { stack, cluster } = newStack();
  const expirationDate = daysFromNow(10);
  const external = new ExternalCapacity(stack, "anywhere", {
    cluster,
    name: "onprem-machines",
    registrationLimit: 25,
    expirationDate,
    description: "Lyon servers",
    instanceAttributes: { role: "edge", site: "lyon" },
    tags: { team: "platform" },
  });
  new TerraformOutput(stack, "registration-command", {
    value: external.registrationCommand,
    sensitive: true,
  });
  const json = JSON.parse(Testing.synth(stack)) as SynthJson;

  test("THEN the role, the activation and the tags follow the options", () => {
    expect(only(json, IamRole.tfResourceType)).toMatchObject({
      name: "onprem-machines",
      tags: { team: "platform", Name: "onprem-machines" },
    });
    expect(only(json, SsmActivation.tfResourceType)).toMatchObject({
      name: "onprem-machines",
      description: "Lyon servers",
      registration_limit: 25,
      expiration_date: expirationDate,
      tags: { team: "platform", Name: "onprem-machines" },
    });
  });

  test("THEN the attributes give the placement expression and go into the command", () => {
    expect(external.placementExpression).toBe("attribute:role == edge and attribute:site == lyon");
    const command = resolveIn(stack, external.registrationCommand) as string;
    expect(command).toContain(`ECS_INSTANCE_ATTRIBUTES={\\"role\\":\\"edge\\",\\"site\\":\\"lyon\\"}`);
    expect(json.output!["registration-command"]).toMatchObject({ sensitive: true });
  });
});

describe("ExternalCapacity expiration dates", () => {
  const fail = failFor("ExternalCapacity 'x'");
  const now = new Date("2026-12-07T06:00:00Z");
  const { stack, cluster } = newStack();

  test("GIVEN exactly 30 days ahead THEN it is accepted; one second more is refused", () => {
    expect(
      resolveExternalCapacityConfig(fail, { cluster, expirationDate: "2027-01-06T06:00:00Z" }, now),
    ).toMatchObject({ expirationDate: "2027-01-06T06:00:00Z", expired: false });
    expect(() =>
      resolveExternalCapacityConfig(fail, { cluster, expirationDate: "2027-01-06T06:00:01Z" }, now),
    ).toThrow(
      /^ExternalCapacity 'x': expirationDate \("2027-01-06T06:00:01Z"\) must be at most 30 days ahead \(AWS's limit; now is 2026-12-07T06:00:00Z\); pick an earlier date$/,
    );
  });

  test("GIVEN a past date THEN it is kept with a warning (an existing activation keeps it)", () => {
    expect(
      resolveExternalCapacityConfig(fail, { cluster, expirationDate: "2026-12-01T00:00:00Z" }, now),
    ).toMatchObject({
      expired: true,
    });
    const past = new ExternalCapacity(stack, "past", { cluster, expirationDate: daysFromNow(-1) });
    expect(past.node.metadata.map((m) => m.data)).toEqual([
      expect.stringMatching(/expirationDate .* has passed/),
    ]);
  });

  test.each([
    "2026-12-31",
    "2026-12-31T00:00:00+01:00",
    "2026-12-31T00:00:00.000Z",
    "2026-02-30T00:00:00Z",
    "tomorrow",
  ])("GIVEN %s THEN it is refused with the one accepted form", (expirationDate) => {
    expect(() => resolveExternalCapacityConfig(fail, { cluster, expirationDate }, now)).toThrow(
      /expirationDate \(.*\) must be an RFC 3339 time in UTC with whole seconds, YYYY-MM-DDTHH:MM:SSZ .*; e\.g\. 2026-12-31T00:00:00Z$/,
    );
  });
});

describe("ExternalCapacity validation", () => {
  const { stack, cluster } = newStack();
  const build = (props: Partial<ExternalCapacityProps>) => () =>
    new ExternalCapacity(stack, "bad", { cluster, ...props } as ExternalCapacityProps);

  test.each([0, 1001, 2.5])("GIVEN registrationLimit %p THEN it is refused", (registrationLimit) => {
    expect(build({ registrationLimit })).toThrow(
      new RegExp(
        `^ExternalCapacity 'bad': registrationLimit \\(${registrationLimit}\\) must be an integer from 1 to 1000; AWS's limits`,
      ),
    );
  });

  test("GIVEN the limits 1 and 1000 THEN they are accepted", () => {
    expect(
      new ExternalCapacity(stack, "one", { cluster, registrationLimit: 1, name: "a" }).config
        .registrationLimit,
    ).toBe(1);
    expect(
      new ExternalCapacity(stack, "max", { cluster, registrationLimit: 1000, name: "b" }).config
        .registrationLimit,
    ).toBe(1000);
  });

  test("GIVEN bad attributes THEN each is refused naming the attribute", () => {
    expect(build({ instanceAttributes: { "bad name": "x" } })).toThrow(
      /instanceAttributes \("bad name"\) must have names of 1 to 128 letters/,
    );
    expect(build({ instanceAttributes: { role: " edge" } })).toThrow(
      /instanceAttributes\.role \(" edge"\) must be 1 to 128/,
    );
    expect(build({ instanceAttributes: { role: "it's" } })).toThrow(
      /instanceAttributes\.role \("it's"\) must be/,
    );
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, "x"]));
    expect(build({ instanceAttributes: eleven })).toThrow(
      /instanceAttributes .* must have at most 10 entries/,
    );
  });

  test("GIVEN a bad name, description, tags, key or cluster THEN each is refused", () => {
    expect(build({ name: "has space" })).toThrow(
      /name \("has space"\) must be 1 to 64 letters, digits and \+=,\.@_-/,
    );
    expect(build({ description: "x".repeat(257) })).toThrow(
      /description .* must be a string of at most 256 characters/,
    );
    expect(build({ tags: { Name: "x" } })).toThrow(/tags .* must not set Name/);
    expect(build({ registrationLimits: 3 } as Partial<ExternalCapacityProps>)).toThrow(
      /registrationLimits \(3\) must be a known key; did you mean registrationLimit\?/,
    );
    expect(build({ cluster: CLUSTER_NAME as unknown as EcsCluster })).toThrow(
      /cluster \("onprem"\) must be an EcsCluster/,
    );
  });

  test("GIVEN a cluster name too long for the default role name THEN it says how to fix it", () => {
    const long = EcsCluster.fromAttributes(stack, "long", {
      clusterName: "c".repeat(60),
      clusterArn: `arn:aws:ecs:eu-west-2:123456789012:cluster/${"c".repeat(60)}`,
    });
    expect(() => new ExternalCapacity(stack, "long-ext", { cluster: long })).toThrow(
      /cluster\.clusterName .* must keep the IAM role name .* within AWS's limit of 64; pass a name of at most 64 characters/,
    );
  });
});

describe("TraefikEdge with every default", () => {
  const { stack, cluster } = newStack();
  const edge = new TraefikEdge(stack, "edge", { cluster, region: REGION });
  const synthesized = Testing.synth(stack);
  const json = JSON.parse(synthesized) as SynthJson;

  test("THEN the task definition is EXTERNAL, host network, with the task role", () => {
    expect(only(json, EcsTaskDefinition.tfResourceType)).toMatchObject({
      family: "traefik",
      network_mode: "host",
      requires_compatibilities: ["EXTERNAL"],
      task_role_arn: expect.stringMatching(/^\$\{aws_iam_role\.[^}]+\.arn\}$/),
    });
    expect(only(json, EcsTaskDefinition.tfResourceType)).not.toHaveProperty("execution_role_arn");
  });

  test("THEN the container runs the pinned image with the module's arguments, locked down", () => {
    const container = containerOf(json);
    expect(container).toMatchObject({
      name: "traefik",
      image: DEFAULT_TRAEFIK_IMAGE,
      essential: true,
      cpu: DEFAULT_TRAEFIK_CPU_UNITS,
      memory: DEFAULT_TRAEFIK_MEMORY_LIMIT_MIB,
      memoryReservation: DEFAULT_TRAEFIK_MEMORY_RESERVATION_MIB,
      readonlyRootFilesystem: true,
      privileged: false,
      linuxParameters: { capabilities: { drop: ["ALL"], add: [...TRAEFIK_CAPABILITIES] } },
      healthCheck: { command: traefikHealthCheckCommand(DEFAULT_TRAEFIK_PING_PORT) },
      portMappings: [
        { containerPort: 80, hostPort: 80, protocol: "tcp" },
        { containerPort: DEFAULT_TRAEFIK_PING_PORT, hostPort: DEFAULT_TRAEFIK_PING_PORT, protocol: "tcp" },
      ],
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-region": REGION, "awslogs-stream-prefix": "traefik" },
      },
    });
    expect(container.command).toEqual(
      traefikArguments({
        entryPoints: { web: 80 },
        pingPort: DEFAULT_TRAEFIK_PING_PORT,
        ecs: { clusterName: CLUSTER_NAME, region: REGION, refreshSeconds: DEFAULT_TRAEFIK_REFRESH_SECONDS },
        accessLog: false,
      }),
    );
    expect(container.command).toEqual([
      "--entrypoints.web.address=:80",
      "--entrypoints.ping.address=127.0.0.1:8082",
      "--ping=true",
      "--ping.entrypoint=ping",
      "--providers.ecs=true",
      `--providers.ecs.clusters=${CLUSTER_NAME}`,
      "--providers.ecs.autoDiscoverClusters=false",
      "--providers.ecs.exposedByDefault=false",
      "--providers.ecs.ecsAnywhere=true",
      `--providers.ecs.region=${REGION}`,
      "--providers.ecs.refreshSeconds=15",
      "--log.level=INFO",
      "--log.nocolor=true",
      "--global.checkNewVersion=false",
      "--global.sendAnonymousUsage=false",
    ]);
  });

  test("THEN the service is EXTERNAL, placed on role=edge machines, one per machine", () => {
    expect(only(json, EcsService.tfResourceType)).toMatchObject({
      name: "traefik",
      cluster: CLUSTER_ARN,
      launch_type: "EXTERNAL",
      desired_count: 1,
      deployment_minimum_healthy_percent: 0,
      deployment_maximum_percent: 100,
      placement_constraints: [
        { type: "memberOf", expression: "attribute:role == edge" },
        { type: "distinctInstance" },
      ],
    });
    expect(only(json, EcsService.tfResourceType)).not.toHaveProperty("capacity_provider_strategy");
  });

  test("THEN the log group is /ecs/<cluster>/traefik with a year's retention", () => {
    expect(only(json, CloudwatchLogGroup.tfResourceType)).toMatchObject({
      name: `/ecs/${CLUSTER_NAME}/traefik`,
      retention_in_days: DEFAULT_TRAEFIK_LOG_RETENTION_DAYS,
    });
  });

  test("THEN the task role may only read, on this cluster where the action has a resource type", () => {
    const policy = JSON.parse(only(json, "aws_iam_role_policy").policy as string) as {
      Statement: { Sid: string; Action: string[]; Resource: string[]; Condition?: unknown }[];
    };
    const prefix =
      /^arn:\$\{data\.aws_partition\.[^}]+\}:ecs:eu-west-2:\$\{data\.aws_caller_identity\.[^}]+\}/.source;
    expect(policy.Statement).toEqual([
      {
        Sid: "ReadAccountWide",
        Effect: "Allow",
        Action: [
          "ecs:ListClusters",
          "ecs:DescribeTaskDefinition",
          "ec2:DescribeInstances",
          "ssm:DescribeInstanceInformation",
        ],
        Resource: ["*"],
      },
      {
        Sid: "ListClusterTasks",
        Effect: "Allow",
        Action: ["ecs:ListTasks"],
        Resource: ["*"],
        Condition: { ArnEquals: { "ecs:cluster": CLUSTER_ARN } },
      },
      { Sid: "DescribeCluster", Effect: "Allow", Action: ["ecs:DescribeClusters"], Resource: [CLUSTER_ARN] },
      {
        Sid: "DescribeClusterTasks",
        Effect: "Allow",
        Action: ["ecs:DescribeTasks"],
        Resource: [expect.stringMatching(new RegExp(`${prefix}:task/${CLUSTER_NAME}/\\*$`))],
      },
      {
        Sid: "DescribeClusterInstances",
        Effect: "Allow",
        Action: ["ecs:DescribeContainerInstances"],
        Resource: [expect.stringMatching(new RegExp(`${prefix}:container-instance/${CLUSTER_NAME}/\\*$`))],
      },
    ]);
    // Every action is a read.
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions.filter((a) => !/:(List|Describe)/.test(a))).toEqual([]);
  });

  test("THEN the IAM lint passes and every allow-listed star action is used", () => {
    const options = { allowedStarResourceActions: EXTERNAL_CAPACITY_STAR_RESOURCE_ACTIONS };
    expect(describeFindings(lintSynthesizedIam(synthesized, options))).toBe("");
    expect(unusedStarResourceActions(scanIam(synthesized), options)).toEqual([]);
  });

  test("THEN routeLabels checks the entry point against the edge's", () => {
    expect(edge.routeLabels({ router: "api", rule: "Host(`api.example.com`)", port: 8080 })).toEqual(
      traefikRouteLabels({ router: "api", rule: "Host(`api.example.com`)", port: 8080 }),
    );
    expect(() =>
      edge.routeLabels({ router: "api", rule: "Host(`a`)", port: 8080, entryPoint: "websecure" }),
    ).toThrow(
      /^TraefikEdge 'edge' routeLabels 'api': entryPoint \("websecure"\) must be one of the edge's entry points \(web\); pick one of those$/,
    );
  });
});

describe("TraefikEdge with every option", () => {
  const { stack, cluster } = newStack();
  new TraefikEdge(stack, "edge", {
    cluster,
    region: REGION,
    instanceAttributes: { role: "proxy", site: "lyon" },
    entryPoints: { web: 8000, websecure: 8443 },
    pingPort: 9100,
    refreshSeconds: 30,
    image: "registry.example.com/traefik:v3.7.15",
    desiredCount: 2,
    name: "lyon-edge",
    cpuUnits: 256,
    memoryReservationMiB: 96,
    memoryLimitMiB: 512,
    logRetentionDays: 30,
    accessLog: true,
    tags: { team: "platform" },
  });
  const json = JSON.parse(Testing.synth(stack)) as SynthJson;

  test("THEN every option reaches the container, the service, the role and the log group", () => {
    const container = containerOf(json);
    expect(container).toMatchObject({
      image: "registry.example.com/traefik:v3.7.15",
      cpu: 256,
      memory: 512,
      memoryReservation: 96,
      healthCheck: { command: traefikHealthCheckCommand(9100) },
      portMappings: [
        { containerPort: 8000, hostPort: 8000, protocol: "tcp" },
        { containerPort: 8443, hostPort: 8443, protocol: "tcp" },
        { containerPort: 9100, hostPort: 9100, protocol: "tcp" },
      ],
    });
    expect(container.command).toEqual(
      expect.arrayContaining([
        "--entrypoints.web.address=:8000",
        "--entrypoints.websecure.address=:8443",
        "--entrypoints.ping.address=127.0.0.1:9100",
        "--providers.ecs.refreshSeconds=30",
        "--accesslog=true",
      ]),
    );
    expect(only(json, EcsService.tfResourceType)).toMatchObject({
      name: "lyon-edge",
      desired_count: 2,
      placement_constraints: [
        { type: "memberOf", expression: "attribute:role == proxy and attribute:site == lyon" },
        { type: "distinctInstance" },
      ],
      tags: { team: "platform", Name: "lyon-edge" },
    });
    expect(only(json, IamRole.tfResourceType)).toMatchObject({ name: "lyon-edge-task" });
    expect(only(json, CloudwatchLogGroup.tfResourceType)).toMatchObject({
      name: `/ecs/${CLUSTER_NAME}/lyon-edge`,
      retention_in_days: 30,
    });
  });
});

describe("TraefikEdge validation", () => {
  const { stack, cluster } = newStack();
  const build = (props: Partial<TraefikEdgeProps>) => () =>
    new TraefikEdge(stack, "bad", { cluster, region: REGION, ...props } as TraefikEdgeProps);

  test("GIVEN bad entry points THEN each is refused with the fix", () => {
    expect(build({ entryPoints: {} })).toThrow(
      /^TraefikEdge 'bad': entryPoints \(\{\}\) must name at least one entry point/,
    );
    expect(build({ entryPoints: { web: 0 } })).toThrow(
      /entryPoints\.web \(0\) must be an integer from 1 to 65535/,
    );
    expect(build({ entryPoints: { web: 65536 } })).toThrow(
      /entryPoints\.web \(65536\) must be an integer from 1 to 65535/,
    );
    expect(build({ entryPoints: { web: 80, other: 80 } })).toThrow(
      /entryPoints\.other \(80\) must differ from every other entry point's port \(web has it\)/,
    );
    expect(build({ entryPoints: { web: 8082 } })).toThrow(
      /entryPoints\.web \(8082\) must differ from pingPort \(8082\)/,
    );
    expect(build({ entryPoints: { web: 51678 } })).toThrow(
      /entryPoints\.web \(51678\) must not be a port the ECS agent reserves/,
    );
    expect(build({ entryPoints: { ping: 81 } })).toThrow(/entryPoints \("ping"\) must not be named ping/);
    expect(build({ entryPoints: { "web.1": 81 } })).toThrow(
      /entryPoints \("web\.1"\) must have names of 1 to 32/,
    );
  });

  test("GIVEN a bad ping port, refresh, count, image or name THEN each is refused", () => {
    expect(build({ pingPort: 70000 })).toThrow(/pingPort \(70000\) must be an integer from 1 to 65535/);
    expect(build({ pingPort: 22 })).toThrow(/pingPort \(22\) must not be a port the ECS agent reserves/);
    expect(build({ refreshSeconds: 4 })).toThrow(/refreshSeconds \(4\) must be an integer from 5 to 3600/);
    expect(build({ desiredCount: -1 })).toThrow(/desiredCount \(-1\) must be an integer from 0 to 1000/);
    expect(build({ image: "Traefik:v3" })).toThrow(/^TraefikEdge 'bad': image \("Traefik:v3"\) must/);
    expect(build({ name: "x".repeat(60) })).toThrow(/name \("x{60}"\) must be 1 to 59 letters/);
  });

  test("GIVEN bad resources, retention, attributes, tags or keys THEN each is refused", () => {
    expect(build({ cpuUnits: 0 })).toThrow(/cpuUnits \(0\) must be an integer from 1 to 10240/);
    expect(build({ memoryReservationMiB: 5 })).toThrow(/memoryReservationMiB \(5\) must be an integer ≥ 6/);
    expect(build({ memoryLimitMiB: 32 })).toThrow(
      /memoryLimitMiB \(32\) must be an integer of at least memoryReservationMiB \(64\)/,
    );
    expect(build({ logRetentionDays: 2 })).toThrow(
      /logRetentionDays \(2\) must be a CloudWatch Logs retention value/,
    );
    expect(build({ instanceAttributes: {} })).toThrow(
      /instanceAttributes \(\{\}\) must have at least 1 entry/,
    );
    expect(build({ accessLog: "yes" as unknown as boolean })).toThrow(
      /accessLog \("yes"\) must be true or false/,
    );
    expect(build({ region: "" })).toThrow(/region \(""\) must be the cluster's region/);
    expect(build({ tags: { Name: "x" } })).toThrow(/tags .* must not set Name/);
    expect(build({ pingport: 1 } as Partial<TraefikEdgeProps>)).toThrow(
      /pingport \(1\) must be a known key; did you mean pingPort\?/,
    );
  });
});

describe("traefikRouteLabels", () => {
  test("GIVEN a router, rule and port THEN the labels enable it on web and point its service at the port", () => {
    expect(traefikRouteLabels({ router: "api", rule: "Host(`api.example.com`)", port: 8080 })).toEqual({
      "traefik.enable": "true",
      "traefik.http.routers.api.rule": "Host(`api.example.com`)",
      "traefik.http.routers.api.entrypoints": "web",
      "traefik.http.routers.api.service": "api",
      "traefik.http.services.api.loadbalancer.server.port": "8080",
    });
  });

  test("GIVEN an entry point and a priority THEN they are labelled", () => {
    expect(
      traefikRouteLabels({
        router: "v1",
        rule: "PathPrefix(`/v1`)",
        port: 80,
        entryPoint: "websecure",
        priority: 50,
      }),
    ).toMatchObject({
      "traefik.http.routers.v1.entrypoints": "websecure",
      "traefik.http.routers.v1.priority": "50",
    });
  });

  test.each([
    [
      { router: "a.b", rule: "Host(`a`)", port: 80 },
      /^traefikRouteLabels 'a\.b': router \("a\.b"\) must be 1 to 63 letters/,
    ],
    [
      { router: "a", rule: "api.example.com", port: 80 },
      /rule \("api\.example\.com"\) must be one line of Traefik v3 rule syntax/,
    ],
    [{ router: "a", rule: "Host(`a`", port: 80 }, /rule .* must be one line of Traefik v3 rule syntax/],
    [{ router: "a", rule: "Host(`a)", port: 80 }, /rule .* must be one line/],
    [{ router: "a", rule: "Host(`a`)\n", port: 80 }, /rule .* must be one line/],
    [{ router: "a", rule: "Host(`a`)", port: 0 }, /port \(0\) must be an integer from 1 to 65535/],
    [
      { router: "a", rule: "Host(`a`)", port: 80, entryPoint: "ping" },
      /entryPoint \("ping"\) must be an entry point name of the Traefik edge \(not ping\)/,
    ],
    [{ router: "a", rule: "Host(`a`)", port: 80, priority: 0 }, /priority \(0\) must be a positive integer/],
    [
      { router: "a", rule: "Host(`a`)", port: 80, entrypoint: "web" },
      /entrypoint \("web"\) must be a known key; did you mean entryPoint\?/,
    ],
  ])("GIVEN %p THEN it is refused", (options, message) => {
    expect(() => traefikRouteLabels(options as Parameters<typeof traefikRouteLabels>[0])).toThrow(message);
  });

  test("GIVEN negation, parentheses and && THEN the rule is accepted", () => {
    expect(() =>
      traefikRouteLabels({ router: "a", rule: "!(Host(`a`) || Path(`/x`)) && Method(`GET`)", port: 80 }),
    ).not.toThrow();
  });
});

describe("a stack with ExternalCapacity, TraefikEdge and sensitive outputs", () => {
  test("THEN terraform validate accepts it with the real provider", () => {
    const stack = new TerraformStack(Testing.app(), "external-validate");
    addAwsProvider(stack, { region: REGION, target: { kind: "aws" } });
    const cluster = EcsCluster.fromAttributes(stack, "cluster", {
      clusterName: CLUSTER_NAME,
      clusterArn: CLUSTER_ARN,
    });
    const external = new ExternalCapacity(stack, "anywhere", {
      cluster,
      registrationLimit: 3,
      expirationDate: daysFromNow(7),
      instanceAttributes: { role: "edge" },
    });
    const edge = new TraefikEdge(stack, "edge", {
      cluster,
      region: REGION,
      instanceAttributes: external.instanceAttributes,
    });
    new TerraformOutput(stack, "activation-id", { value: external.activationId });
    new TerraformOutput(stack, "activation-code", { value: external.activationCode, sensitive: true });
    new TerraformOutput(stack, "registration-command", {
      value: external.registrationCommand,
      sensitive: true,
    });
    new TerraformOutput(stack, "edge-service", { value: edge.service.name });
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });
});
