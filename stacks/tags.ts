import { EnvironmentConfig } from "./config";

/** Tags every resource of the project's stacks carries. */
export function projectTags(environment: string): Record<string, string> {
  return { project: "ecs-cdktf", environment, "managed-by": "cdktf" };
}

/** The tags every resource of an environment carries: its extra tags, then project, environment, managed-by. */
export function environmentTags(config: EnvironmentConfig): Record<string, string> {
  return { ...config.tags, ...projectTags(config.name) };
}
