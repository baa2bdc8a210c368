/**
 * Common EC2 instance types and what one of them offers ECS tasks, for checks such as "no instance
 * type of the cluster can hold this task" (a task that fits nowhere stays PENDING forever).
 * @module
 */

/** vCPUs and installed memory of an EC2 instance type, as EC2 lists them. */
export interface InstanceTypeSpec {
  /** vCPUs of the type. */
  readonly vCpus: number;
  /** Installed memory, MiB (the GiB EC2 advertises × 1024). */
  readonly memoryMiB: number;
}

/** What the ECS agent registers of one container instance for tasks. */
export interface InstanceCapacity {
  /** CPU units: the agent registers 1024 per vCPU. */
  readonly cpuUnits: number;
  /** Memory for tasks, MiB: a conservative estimate (see {@link OS_MEMORY_OVERHEAD_FRACTION}). */
  readonly memoryMiB: number;
}

/** CPU units per vCPU: what the ECS agent registers (a task's `cpu` of 1024 is one vCPU). */
export const CPU_UNITS_PER_VCPU = 1024;

/**
 * Share of installed memory assumed unavailable to tasks. The ECS agent registers the memory the
 * kernel reports (`MemTotal`, via Docker's ReadMemInfo) minus `ECS_RESERVED_MEMORY` (this module
 * sets none), and the kernel reports less than the installed memory: AWS's "Container instance
 * memory management" page gives an m4.large, 8192 MiB installed, registering 7985 MiB (2.5% less);
 * small types lose a larger share to the kernel's fixed reservations. 7.5% is Karpenter's default
 * `vmMemoryOverheadPercent`, its estimate of the same gap on EC2 (three times the m4.large's).
 * An estimate, rounded down, not a measurement per type: a task within it should fit an empty
 * instance; one slightly above it may still fit.
 */
export const OS_MEMORY_OVERHEAD_FRACTION = 0.075;

const MIB_PER_GIB = 1024;

/** Memory per vCPU, GiB, of the general purpose (m), compute (c) and memory (r) families. */
const GIB_PER_VCPU: Readonly<Record<string, number>> = {
  m5: 4,
  m6i: 4,
  m6g: 4,
  m7i: 4,
  m7g: 4,
  c5: 2,
  c6i: 2,
  c6g: 2,
  c7i: 2,
  c7g: 2,
  r5: 8,
  r6i: 8,
  r6g: 8,
  r7g: 8,
};

/** vCPUs of the sizes every m, c and r family above has. */
const SIZE_VCPUS: Readonly<Record<string, number>> = {
  large: 2,
  xlarge: 4,
  "2xlarge": 8,
  "4xlarge": 16,
};

/** The burstable families (x86 Intel, x86 AMD, Graviton): the same sizes in each. */
const BURSTABLE_FAMILIES: readonly string[] = ["t3", "t3a", "t4g"];

/** vCPUs and memory (GiB) of the burstable sizes. */
const BURSTABLE_SIZES: Readonly<Record<string, { readonly vCpus: number; readonly gib: number }>> = {
  nano: { vCpus: 2, gib: 0.5 },
  micro: { vCpus: 2, gib: 1 },
  small: { vCpus: 2, gib: 2 },
  medium: { vCpus: 2, gib: 4 },
  large: { vCpus: 2, gib: 8 },
  xlarge: { vCpus: 4, gib: 16 },
  "2xlarge": { vCpus: 8, gib: 32 },
};

function buildTable(): Readonly<Record<string, InstanceTypeSpec>> {
  const table: Record<string, InstanceTypeSpec> = {};
  for (const family of BURSTABLE_FAMILIES) {
    for (const [size, { vCpus, gib }] of Object.entries(BURSTABLE_SIZES)) {
      table[`${family}.${size}`] = { vCpus, memoryMiB: gib * MIB_PER_GIB };
    }
  }
  for (const [family, gibPerVcpu] of Object.entries(GIB_PER_VCPU)) {
    for (const [size, vCpus] of Object.entries(SIZE_VCPUS)) {
      table[`${family}.${size}`] = { vCpus, memoryMiB: vCpus * gibPerVcpu * MIB_PER_GIB };
    }
  }
  return Object.freeze(table);
}

/**
 * vCPUs and installed memory of common instance types: t3, t3a, t4g (nano to 2xlarge); m5, m6i,
 * m6g, m7i, m7g, c5, c6i, c6g, c7i, c7g, r5, r6i, r6g, r7g (large to 4xlarge). From EC2's instance
 * type pages (m: 4 GiB per vCPU, c: 2, r: 8).
 */
export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeSpec>> = buildTable();

/**
 * What one empty container instance of `instanceType` offers tasks: CPU units (vCPUs × 1024, as
 * the ECS agent registers them; a burstable type registers all its vCPUs, above its baseline) and
 * memory (installed memory less {@link OS_MEMORY_OVERHEAD_FRACTION}, rounded down). Undefined for
 * a type not in {@link INSTANCE_TYPES}: callers must then skip their check, not fail.
 */
export function instanceCapacity(instanceType: string): InstanceCapacity | undefined {
  const spec = Object.prototype.hasOwnProperty.call(INSTANCE_TYPES, instanceType)
    ? INSTANCE_TYPES[instanceType]
    : undefined;
  if (spec === undefined) return undefined;
  return {
    cpuUnits: spec.vCpus * CPU_UNITS_PER_VCPU,
    memoryMiB: Math.floor(spec.memoryMiB * (1 - OS_MEMORY_OVERHEAD_FRACTION)),
  };
}
