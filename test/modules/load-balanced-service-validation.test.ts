import { TerraformStack, Testing } from "cdktf";
import { EcsCluster, EcsClusterProps } from "../../modules/ecs-cluster";
import {
  LoadBalancedService,
  LoadBalancedServiceProps,
  LoadBalancer,
  LoadBalancerProps,
  WorkerService,
  WorkerServiceProps,
} from "../../modules/load-balanced-service";
import {
  IMAGE_REFERENCE_PATTERN,
  imageReferenceProblem,
} from "../../modules/load-balanced-service/image-reference";
import { Network } from "../../modules/network";

// LoadBalancer, LoadBalancedService and WorkerService: unknown keys, image references and the
// names derived from serviceName and the cluster's name, each failing before anything is created.

interface World {
  readonly stack: TerraformStack;
  readonly net: Network;
  readonly cluster: EcsCluster;
  readonly lb: LoadBalancer;
}

/** A network, a cluster "apps" (`cluster` props over the defaults) and a load balancer "alb". */
function world(cluster: Partial<EcsClusterProps> = {}): World {
  const stack = new TerraformStack(Testing.app(), "stack");
  const net = new Network(stack, "net", { region: "eu-west-2" });
  const apps = new EcsCluster(stack, "apps", { network: net, ...cluster });
  const lb = new LoadBalancer(stack, "alb", { network: net });
  return { stack, net, cluster: apps, lb };
}

type ServiceOptions = Partial<Omit<LoadBalancedServiceProps, "cluster" | "loadBalancer">>;
type WorkerOptions = Partial<Omit<WorkerServiceProps, "cluster">>;

/** A LoadBalancedService "web" (imageTag "v1" unless `image` is given) in a fresh world. */
function service(
  options: ServiceOptions | Record<string, unknown>,
  clusterProps: Partial<EcsClusterProps> = {},
  extend: (w: World) => void = () => undefined,
): () => void {
  return () => {
    const w = world(clusterProps);
    extend(w);
    const { stack, cluster, lb } = w;
    const props = {
      cluster,
      loadBalancer: lb,
      rulePriority: 100,
      ...("image" in options ? {} : { imageTag: "v1" }),
      ...options,
    } as LoadBalancedServiceProps;
    new LoadBalancedService(stack, "web", props);
  };
}

/** A WorkerService "jobs" (imageTag "v1" unless `image` is given) in a fresh world. */
function worker(
  options: WorkerOptions | Record<string, unknown>,
  clusterProps: Partial<EcsClusterProps> = {},
): () => void {
  return () => {
    const { stack, cluster } = world(clusterProps);
    new WorkerService(stack, "jobs", {
      cluster,
      ...("image" in options ? {} : { imageTag: "v1" }),
      ...options,
    } as WorkerServiceProps);
  };
}

describe("unknown keys", () => {
  it("GIVEN autoscaling for autoScaling on a LoadBalancedService THEN it throws instead of a service without scaling", () => {
    expect(service({ autoscaling: { minCapacity: 1, maxCapacity: 4 } })).toThrow(
      /^LoadBalancedService 'web': autoscaling \(\{"minCapacity":1,"maxCapacity":4\}\) must be a known key; did you mean autoScaling\? \(valid: autoScaling, capacityProviderStrategy, .*targetGroupName, unhealthyThresholdCount, volumes, writablePaths\)$/,
    );
  });

  it("GIVEN a typo THEN the service's scope holds no resource", () => {
    const { stack, cluster, lb } = world();
    const props = { cluster, loadBalancer: lb, rulePriority: 1, imageTag: "v1", desiredcount: 1 };
    expect(() => new LoadBalancedService(stack, "web", props as LoadBalancedServiceProps)).toThrow(
      /desiredcount \(1\) must be a known key; did you mean desiredCount\?/,
    );
    expect(stack.node.tryFindChild("web")?.node.children).toEqual([]);
  });

  it("GIVEN a typo of a WorkerService prop THEN it names the prop it meant", () => {
    expect(worker({ desiredcount: 3 })).toThrow(
      /^WorkerService 'jobs': desiredcount \(3\) must be a known key; did you mean desiredCount\? \(valid: /,
    );
  });

  it("GIVEN a load-balancer-only prop on a WorkerService THEN it is unknown there", () => {
    expect(worker({ rulePriority: 3 })).toThrow(
      /^WorkerService 'jobs': rulePriority \(3\) must be a known key; /,
    );
  });

  it("GIVEN a typo of a LoadBalancer prop THEN it names the prop it meant, before creating anything", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const net = new Network(stack, "net", { region: "eu-west-2" });
    expect(
      () =>
        new LoadBalancer(stack, "alb", {
          network: net,
          enableAccesLogs: true,
        } as unknown as LoadBalancerProps),
    ).toThrow(
      /^LoadBalancer 'alb': enableAccesLogs \(true\) must be a known key; did you mean enableAccessLogs\? \(valid: accessLogsRetentionDays, certificateArn, /,
    );
    expect(stack.node.tryFindChild("alb")?.node.children).toEqual([]);
  });

  it.each([
    [
      "autoScaling (LoadBalancedAutoScalingOptions)",
      { autoScaling: { minCapacity: 1, maxCapacity: 4, targetRequestPerTarget: 100 } },
      /^LoadBalancedService 'web': autoScaling\.targetRequestPerTarget \(100\) must be a known key; did you mean targetRequestsPerTarget\? \(valid: maxCapacity, minCapacity, scaleInCooldownSeconds, scaleOutCooldownSeconds, targetCpuUtilizationPercent, targetRequestsPerTarget\)$/,
    ],
    [
      "containerHealthCheck",
      { containerHealthCheck: { command: ["CMD", "true"], intervalSecond: 10 } },
      /^LoadBalancedService 'web': containerHealthCheck\.intervalSecond \(10\) must be a known key; did you mean intervalSeconds\? \(valid: command, intervalSeconds, retries, startPeriodSeconds, timeoutSeconds\)$/,
    ],
    [
      "volumes[i]",
      {
        volumes: [
          { name: "a", containerPath: "/a" },
          { name: "b", containerPath: "/b", readonly: true },
        ],
      },
      /^LoadBalancedService 'web': volumes\[1\]\.readonly \(true\) must be a known key; did you mean readOnly\? \(valid: containerPath, hostPath, name, readOnly\)$/,
    ],
    [
      "capacityProviderStrategy[i]",
      { capacityProviderStrategy: [{ capacityProvider: "x", wieght: 1 }] },
      /^LoadBalancedService 'web': capacityProviderStrategy\[0\]\.wieght \(1\) must be a known key; did you mean weight\? \(valid: base, capacityProvider, weight\)$/,
    ],
    [
      "placementStrategies[i]",
      { placementStrategies: [{ type: "binpack", feild: "memory" }] },
      /^LoadBalancedService 'web': placementStrategies\[0\]\.feild \("memory"\) must be a known key; did you mean field\? \(valid: field, type\)$/,
    ],
    [
      "placementConstraints[i]",
      { placementConstraints: [{ type: "distinctInstance", expression: "attribute:role == edge" }] },
      /^LoadBalancedService 'web': placementConstraints\[0\]\.expression \("attribute:role == edge"\) must be a known key; remove it; the valid keys are type$/,
    ],
  ])("GIVEN a typo in %s THEN it throws", (_where, options, message) => {
    expect(service(options)).toThrow(message);
  });

  it("GIVEN a typo in a WorkerService's autoScaling (AutoScalingOptions) THEN it throws", () => {
    expect(worker({ autoScaling: { minCapacity: 1, maxCapacity: 2, scaleInCooldown: 60 } })).toThrow(
      /^WorkerService 'jobs': autoScaling\.scaleInCooldown \(60\) must be a known key; did you mean scaleInCooldownSeconds\? /,
    );
  });

  it("GIVEN user-data maps (tags, environment, secrets) THEN any key passes", () => {
    expect(
      service({ tags: { anyKey: "x" }, environment: { ANY_NAME: "1" }, containerName: "app" }),
    ).not.toThrow();
  });
});

describe("image references", () => {
  it.each([
    "nginx",
    "nginx:1.27",
    "library/nginx:1.27-alpine",
    "public.ecr.aws/docker/library/nginx:1.27",
    "registry.example.com:5000/team/app:v1.2.3",
    "localhost:5000/app",
    `123456789012.dkr.ecr.eu-west-2.amazonaws.com/shop/web@sha256:${"a1".repeat(32)}`,
    `ghcr.io/org/app:1.0@sha256:${"0".repeat(64)}`,
    "quay.io/org/my__app:x_y",
    "org/my--app",
  ])("GIVEN %s THEN it is accepted", (image) => {
    expect(imageReferenceProblem(image)).toBeUndefined();
    // The one-pattern form (the generated Terraform module's rule) agrees.
    expect(IMAGE_REFERENCE_PATTERN.test(image)).toBe(true);
    expect(service({ image })).not.toThrow();
  });

  it.each([
    [
      "MyApp:1.0",
      /^LoadBalancedService 'web': image \("MyApp:1\.0"\) must have a lower-case repository path \("MyApp" has upper case; registries reject it\); use lower case: "myapp:1\.0"$/,
    ],
    [
      "registry.example.com/Team/app:v1",
      /image \("registry\.example\.com\/Team\/app:v1"\) must have a lower-case repository path .*; use lower case: "registry\.example\.com\/team\/app:v1"$/,
    ],
    ["nginx:.hidden", /image \("nginx:\.hidden"\) must have a tag of 1 to 128 letters, digits, _ \. -/],
    [`nginx:${"t".repeat(129)}`, /must have a tag of 1 to 128/],
    [
      "nginx@sha256:1234",
      /image \("nginx@sha256:1234"\) must end in a digest @sha256:<64 lower-case hex digits>/,
    ],
    [`nginx@md5:${"a".repeat(32)}`, /must end in a digest @sha256:/],
    ["-nginx", /image \("-nginx"\) must have a repository path of \/-separated lower-case letters/],
    ["my_.app", /must have a repository path of/],
    ["registry.example.com:port/app", /must start with a registry host\[:port\]/],
    ["nginx 1.27", /image \("nginx 1\.27"\) must be an image reference without whitespace/],
    [
      `example.com/${"a".repeat(250)}`,
      /must have a repository name \(registry included\) of at most 255 characters \(it has 262\)/,
    ],
  ])("GIVEN %s THEN it throws", (image, message) => {
    expect(service({ image })).toThrow(message);
    if (image.length <= 255) expect(IMAGE_REFERENCE_PATTERN.test(image)).toBe(false);
  });

  it("GIVEN a bad image on a WorkerService THEN it throws too", () => {
    expect(worker({ image: "Worker:1" })).toThrow(
      /^WorkerService 'jobs': image \("Worker:1"\) must have a lower-case/,
    );
  });
});

describe("derived names", () => {
  // A long cluster name the cluster itself accepts (its default group name would be too long).
  const c200 = "c".repeat(200);
  const longCluster = { clusterName: c200, autoScalingGroupName: "apps-default" };

  it("GIVEN a long cluster name and a long serviceName (each valid) THEN the task family <cluster>-<service> would exceed 255: it throws", () => {
    const serviceName = "s".repeat(60);
    expect(service({ serviceName }, longCluster)).toThrow(
      `LoadBalancedService 'web': serviceName ("${serviceName}") must keep the task definition family "${c200}-${serviceName}" (261 characters) within AWS's limit of 255; shorten serviceName to at most 54 characters`,
    );
    expect(service({ serviceName: "s".repeat(54) }, longCluster)).not.toThrow();
  });

  it("GIVEN no serviceName THEN the fix names the construct id it defaults to", () => {
    const id = "w".repeat(60);
    const { stack, cluster, lb } = world(longCluster);
    expect(
      () =>
        new LoadBalancedService(stack, id, { cluster, loadBalancer: lb, rulePriority: 1, imageTag: "v1" }),
    ).toThrow(
      `LoadBalancedService '${id}': serviceName ("${id}") must keep the task definition family "${c200}-${id}" (261 characters) within AWS's limit of 255; pass serviceName of at most 54 characters, or use a shorter construct id`,
    );
  });

  it("GIVEN a long serviceName with request-count scaling THEN the scaling policy name would exceed 256", () => {
    const serviceName = "s".repeat(240);
    expect(
      service({ serviceName, autoScaling: { minCapacity: 1, maxCapacity: 2, targetRequestsPerTarget: 100 } }),
    ).toThrow(
      `LoadBalancedService 'web': serviceName ("${serviceName}") must keep the scaling policy name "${serviceName}-request-count-scaling" (262 characters) within AWS's limit of 256; shorten serviceName to at most 234 characters`,
    );
    expect(service({ serviceName, autoScaling: { minCapacity: 1, maxCapacity: 2 } })).not.toThrow();
  });

  it("GIVEN a 250-character serviceName THEN the repository's Name tag value would exceed 256", () => {
    const serviceName = "s".repeat(250);
    expect(service({ serviceName })).toThrow(
      `LoadBalancedService 'web': serviceName ("${serviceName}") must keep the Name tag value "${serviceName}-repository" (261 characters) within AWS's limit of 256; shorten serviceName to at most 245 characters`,
    );
    expect(service({ serviceName: "s".repeat(245) })).not.toThrow();
  });

  it("GIVEN a WorkerService with a long name on a long-named cluster THEN it throws too", () => {
    const serviceName = "w".repeat(60);
    expect(worker({ serviceName }, longCluster)).toThrow(
      `WorkerService 'jobs': serviceName ("${serviceName}") must keep the task definition family "${c200}-${serviceName}" (261 characters) within AWS's limit of 255; shorten serviceName to at most 54 characters`,
    );
  });

  it("GIVEN an upper-case cluster name THEN the default repository <cluster>/<service> is no ECR name: it throws", () => {
    expect(service({}, { clusterName: "Apps" })).toThrow(
      /^LoadBalancedService 'web': repositoryName \(undefined\) must be set when the default <cluster name>\/<serviceName> \("Apps\/web"\) is no ECR repository name .*; pass a lower-case repositoryName, or give the cluster a lower-case clusterName$/,
    );
    expect(service({ repositoryName: "apps/web" }, { clusterName: "Apps" })).not.toThrow();
    expect(service({ image: "nginx:1.27" }, { clusterName: "Apps" })).not.toThrow();
  });
});

describe("task size against the cluster's instance types", () => {
  const t3small = "t3.small: 2048 CPU units, 1894 MiB for tasks";

  it("GIVEN a 256 MiB task on t3.small (the default) THEN it passes", () => {
    expect(service({ memoryReservationMiB: 256, memoryLimitMiB: 256 })).not.toThrow();
  });

  it("GIVEN a 4096 MiB memory limit on t3.small THEN it throws: no instance can hold it", () => {
    expect(service({ memoryLimitMiB: 4096 })).toThrow(
      `LoadBalancedService 'web': memoryLimitMiB (4096) must fit an instance of EcsCluster 'apps' (${t3small}): no instance type of the cluster can hold the task, so it would never be placed; lower memoryLimitMiB to at most 1894 MiB, or give the cluster an instance type with more (instanceType, or addAutoScalingGroupCapacity)`,
    );
  });

  it("GIVEN a 4096 MiB reservation on t3.small THEN it throws on the reservation", () => {
    expect(service({ memoryReservationMiB: 4096, memoryLimitMiB: 4096 })).toThrow(
      /^LoadBalancedService 'web': memoryReservationMiB \(4096\) must fit an instance of EcsCluster 'apps' \(t3\.small: .*\): .*; lower memoryReservationMiB to at most 1894 MiB, /,
    );
  });

  it("GIVEN 4096 CPU units on t3.small THEN it throws on the CPU", () => {
    expect(service({ cpuUnits: 4096 })).toThrow(
      /^LoadBalancedService 'web': cpuUnits \(4096\) must fit an instance of EcsCluster 'apps' \(t3\.small: 2048 CPU units, 1894 MiB for tasks\): .*; lower cpuUnits to at most 2048 CPU units, /,
    );
  });

  it("GIVEN a WorkerService too large for its cluster THEN it throws too", () => {
    expect(worker({ memoryLimitMiB: 4096 })).toThrow(
      /^WorkerService 'jobs': memoryLimitMiB \(4096\) must fit an instance of EcsCluster 'apps'/,
    );
  });

  it("GIVEN a larger instance type THEN the 4096 MiB task passes", () => {
    expect(service({ memoryLimitMiB: 4096 }, { instanceType: "t3.large" })).not.toThrow();
  });

  it("GIVEN an added capacity that holds it THEN it passes (some instance type fits)", () => {
    expect(
      service({ memoryLimitMiB: 4096 }, {}, ({ cluster }) => {
        cluster.addAutoScalingGroupCapacity("big", { instanceType: "m5.large" });
      }),
    ).not.toThrow();
  });

  it("GIVEN CPU that only one type has and memory that only the other has THEN it throws: no type holds both", () => {
    expect(
      service(
        { cpuUnits: 4096, memoryReservationMiB: 10_000, memoryLimitMiB: 10_000 },
        { instanceType: "c5.xlarge" },
        ({ cluster }) => {
          cluster.addAutoScalingGroupCapacity("memory", { instanceType: "r5.large" });
        },
      ),
    ).toThrow(
      /^LoadBalancedService 'web': cpuUnits \(4096\) must fit an instance of EcsCluster 'apps' \(c5\.xlarge: 4096 CPU units, 7577 MiB for tasks; r5\.large: 2048 CPU units, 15155 MiB for tasks\): .* \(the types with enough CPU have too little memory\); lower cpuUnits or the memory, /,
    );
  });

  it("GIVEN an instance type not in the table THEN the check is skipped", () => {
    expect(service({ memoryLimitMiB: 100_000 }, { instanceType: "x2iedn.xlarge" })).not.toThrow();
  });
});
