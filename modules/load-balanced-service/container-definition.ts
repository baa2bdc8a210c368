import { ContainerServiceConfig } from "./service-config";

/** A container definition as ECS's JSON spells it (the keys this module sets). */
export interface ContainerDefinitionJson {
  readonly name: string;
  readonly image: string;
  readonly essential: true;
  readonly cpu: number;
  readonly memory: number;
  readonly memoryReservation: number;
  readonly portMappings?: { containerPort: number; hostPort: number; protocol: "tcp" }[];
  readonly environment?: { name: string; value: string }[];
  readonly dockerLabels?: Record<string, string>;
  readonly secrets?: { name: string; valueFrom: string }[];
  readonly entryPoint?: string[];
  readonly command?: string[];
  readonly readonlyRootFilesystem: boolean;
  readonly mountPoints?: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  readonly healthCheck?: {
    command: string[];
    interval: number;
    timeout: number;
    retries: number;
    startPeriod: number;
  };
  readonly logConfiguration: {
    logDriver: "awslogs";
    options: Record<"awslogs-group" | "awslogs-region" | "awslogs-stream-prefix", string>;
  };
}

/** Where the container's image, logs and (optional) port come from. */
export interface ContainerDefinitionInputs {
  readonly image: string;
  readonly logGroupName: string;
  readonly region: string;
  /**
   * Container port to publish on a dynamic host port (`hostPort: 0`, bridge mode).
   * @default - no port mapping (a worker)
   */
  readonly containerPort?: number;
  /**
   * The task's own network interface (awsvpc, Fargate): the port is published on itself
   * (`hostPort` = `containerPort`), as awsvpc requires.
   * @default false - a dynamic host port (bridge mode)
   */
  readonly awsvpc?: boolean;
}

/** The service's single container, as a definition ECS accepts. */
export function renderContainerDefinition(
  config: ContainerServiceConfig,
  inputs: ContainerDefinitionInputs,
): ContainerDefinitionJson {
  const environment = Object.entries(config.environment)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
  const secrets = [...config.secrets]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(({ name, valueFrom }) => ({ name, valueFrom }));
  const check = config.containerHealthCheck;
  const labels = Object.keys(config.dockerLabels).sort();
  return {
    name: config.containerName,
    image: inputs.image,
    essential: true,
    cpu: config.cpuUnits,
    memory: config.memoryLimitMiB,
    memoryReservation: config.memoryReservationMiB,
    ...(inputs.containerPort === undefined
      ? {}
      : {
          // Host port 0: Docker picks a free port per task, so several tasks share an instance.
          // awsvpc: the task has its own address, and ECS wants the container port itself.
          portMappings: [
            {
              containerPort: inputs.containerPort,
              hostPort: inputs.awsvpc ? inputs.containerPort : 0,
              protocol: "tcp" as const,
            },
          ],
        }),
    ...(environment.length > 0 ? { environment } : {}),
    ...(labels.length > 0
      ? { dockerLabels: Object.fromEntries(labels.map((key) => [key, config.dockerLabels[key]!])) }
      : {}),
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(config.entryPoint ? { entryPoint: config.entryPoint } : {}),
    ...(config.command ? { command: config.command } : {}),
    readonlyRootFilesystem: config.readonlyRootFilesystem,
    ...(config.volumes.length > 0
      ? {
          mountPoints: config.volumes.map((v) => ({
            sourceVolume: v.name,
            containerPath: v.containerPath,
            readOnly: v.readOnly,
          })),
        }
      : {}),
    ...(check
      ? {
          healthCheck: {
            command: check.command,
            interval: check.intervalSeconds,
            timeout: check.timeoutSeconds,
            retries: check.retries,
            startPeriod: check.startPeriodSeconds,
          },
        }
      : {}),
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": inputs.logGroupName,
        "awslogs-region": inputs.region,
        "awslogs-stream-prefix": config.serviceName,
      },
    },
  };
}
