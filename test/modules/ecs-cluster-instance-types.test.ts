import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import {
  DEFAULT_INSTANCE_TYPE,
  EcsCluster,
  INSTANCE_TYPES,
  instanceCapacity,
  OS_MEMORY_OVERHEAD_FRACTION,
} from "../../modules/ecs-cluster";
import { CPU_UNITS_PER_VCPU } from "../../modules/ecs-cluster/instance-types";
import { Network } from "../../modules/network";

describe("instanceCapacity", () => {
  it.each<[string, number, number]>([
    // [type, cpu units, memory MiB = floor(installed MiB × 0.925)]
    ["t3.nano", 2048, 473],
    ["t3.small", 2048, 1894],
    ["t3a.medium", 2048, 3788],
    ["t4g.2xlarge", 8192, 30310],
    ["m5.large", 2048, 7577],
    ["m7g.4xlarge", 16384, 60620],
    ["c5.large", 2048, 3788],
    ["c7i.xlarge", 4096, 7577],
    ["r6g.2xlarge", 8192, 60620],
    ["r7g.4xlarge", 16384, 121241],
  ])("GIVEN %s THEN %d CPU units and %d MiB for tasks", (type, cpuUnits, memoryMiB) => {
    expect(instanceCapacity(type)).toEqual({ cpuUnits, memoryMiB });
  });

  it("GIVEN a type not in the table THEN undefined (the caller skips its check)", () => {
    expect(instanceCapacity("x9.large")).toBeUndefined();
    expect(instanceCapacity("t3.huge")).toBeUndefined();
    expect(instanceCapacity("")).toBeUndefined();
    // Names of Object.prototype members are no instance types.
    expect(instanceCapacity("constructor")).toBeUndefined();
    expect(instanceCapacity("toString")).toBeUndefined();
  });

  it("covers large to 4xlarge of every m, c and r family and nano to 2xlarge of the t families", () => {
    const standard = [
      "m5",
      "m6i",
      "m6g",
      "m7i",
      "m7g",
      "c5",
      "c6i",
      "c6g",
      "c7i",
      "c7g",
      "r5",
      "r6i",
      "r6g",
      "r7g",
    ];
    const sizes = ["large", "xlarge", "2xlarge", "4xlarge"];
    const burstable = ["t3", "t3a", "t4g"];
    const burstableSizes = ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"];
    const expected = [
      ...burstable.flatMap((f) => burstableSizes.map((s) => `${f}.${s}`)),
      ...standard.flatMap((f) => sizes.map((s) => `${f}.${s}`)),
    ];
    expect(Object.keys(INSTANCE_TYPES).sort()).toEqual([...expected].sort());
  });

  it("gives memory per vCPU by family: m 4 GiB, c 2 GiB, r 8 GiB", () => {
    expect(INSTANCE_TYPES["m6i.xlarge"]).toEqual({ vCpus: 4, memoryMiB: 16_384 });
    expect(INSTANCE_TYPES["c6g.2xlarge"]).toEqual({ vCpus: 8, memoryMiB: 16_384 });
    expect(INSTANCE_TYPES["r5.large"]).toEqual({ vCpus: 2, memoryMiB: 16_384 });
    expect(INSTANCE_TYPES["t3.micro"]).toEqual({ vCpus: 2, memoryMiB: 1024 });
    expect(INSTANCE_TYPES["t4g.xlarge"]).toEqual({ vCpus: 4, memoryMiB: 16_384 });
  });

  it("leaves every type less memory for tasks than installed, and the installed vCPUs × 1024", () => {
    expect(OS_MEMORY_OVERHEAD_FRACTION).toBe(0.075);
    for (const [type, spec] of Object.entries(INSTANCE_TYPES)) {
      const capacity = instanceCapacity(type)!;
      expect(capacity.cpuUnits).toBe(spec.vCpus * CPU_UNITS_PER_VCPU);
      expect(capacity.memoryMiB).toBeLessThan(spec.memoryMiB);
      expect(capacity.memoryMiB).toBeGreaterThanOrEqual(Math.floor(spec.memoryMiB * 0.925));
    }
  });
});

describe("EcsCluster.instanceTypes", () => {
  function cluster(instanceType?: string): { cluster: EcsCluster; stack: TerraformStack } {
    const stack = new TerraformStack(Testing.app(), "stack");
    const network = new Network(stack, "net", { region: "eu-west-2" });
    return { cluster: new EcsCluster(stack, "main", { network, instanceType }), stack };
  }

  it("GIVEN the defaults THEN the default instance type", () => {
    expect(cluster().cluster.instanceTypes).toEqual([DEFAULT_INSTANCE_TYPE]);
  });

  it("GIVEN added capacity THEN its type follows, each type once", () => {
    const { cluster: c } = cluster("m7g.large");
    c.addAutoScalingGroupCapacity("edge-a", { instanceType: "t3.micro" });
    c.addAutoScalingGroupCapacity("edge-b", { instanceType: "m7g.large" });
    c.addAutoScalingGroupCapacity("edge-c");
    expect(c.instanceTypes).toEqual(["m7g.large", "t3.micro", DEFAULT_INSTANCE_TYPE]);
  });

  it("GIVEN a token instance type THEN it is left out", () => {
    const { cluster: c, stack } = cluster();
    const type = new TerraformVariable(stack, "type", { type: "string" }).stringValue;
    c.addAutoScalingGroupCapacity("edge-a", { instanceType: type });
    expect(c.instanceTypes).toEqual([DEFAULT_INSTANCE_TYPE]);

    const stack2 = new TerraformStack(Testing.app(), "stack");
    const onlyToken = new EcsCluster(stack2, "main", {
      network: new Network(stack2, "net", { region: "eu-west-2" }),
      instanceType: new TerraformVariable(stack2, "type", { type: "string" }).stringValue,
    });
    expect(onlyToken.instanceTypes).toEqual([]);
  });
});
