/**
 * The published modules: each is a folder under `modules/` with an `index.ts` entry point (the
 * package's `exports` subpath of the same name) and a `README.md`.
 */
import * as path from "node:path";

/** One published module. */
export interface ModuleInfo {
  /** Folder under `modules/`, and the package subpath (`@ecs-cdktf/modules/<name>`). */
  readonly name: string;
  /** Its construct's props interface, documented in its README. */
  readonly propsInterface: string;
  /** The props interfaces of its other constructs, each documented in its README too. */
  readonly otherPropsInterfaces?: readonly string[];
}

/** Every published module, in dependency order. */
export const MODULES: readonly ModuleInfo[] = [
  { name: "network", propsInterface: "NetworkProps", otherPropsInterfaces: ["NetworkAttributes"] },
  {
    name: "ecs-cluster",
    propsInterface: "EcsClusterProps",
    otherPropsInterfaces: ["EcsClusterAttributes", "ClusterInstancesAttributes"],
  },
  {
    name: "load-balanced-service",
    propsInterface: "LoadBalancedServiceProps",
    otherPropsInterfaces: ["LoadBalancerProps", "WorkerServiceProps", "LoadBalancerAttributes"],
  },
  { name: "static-ip", propsInterface: "StaticIpProps", otherPropsInterfaces: ["StaticIpAddressesProps"] },
  {
    name: "external-capacity",
    propsInterface: "ExternalCapacityProps",
    otherPropsInterfaces: ["TraefikEdgeProps", "TraefikRouteOptions"],
  },
];

/** Absolute path of a module's entry point. */
export function entryPoint(root: string, module: ModuleInfo): string {
  return path.join(root, "modules", module.name, "index.ts");
}

/** Absolute path of a module's README. */
export function readmePath(root: string, module: ModuleInfo): string {
  return path.join(root, "modules", module.name, "README.md");
}
