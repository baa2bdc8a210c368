import { Construct } from "constructs";
import { WorkerServiceProps } from "./props";
import { checkWorkerAutoScaling } from "./scheduling-config";
import { resolveContainerServiceConfig } from "./service-config";
import { checkKnownKeys, Fail, failFor } from "../shared/validation";
import { AUTO_SCALING_OPTIONS_KEYS, WORKER_SERVICE_PROPS_KEYS } from "./keys";
import { createWorkload, Workload } from "./workload";
import { ContainerService } from "./container-service";

/**
 * A container service without a load balancer (a queue consumer, a Sidekiq-style worker): the
 * same repository, log group, roles, task definition, ECS service, deployment and placement
 * settings and CPU auto scaling as {@link LoadBalancedService}, with no port mapping, target group
 * or ingress. See README.md.
 */
export class WorkerService extends ContainerService {
  /** Name of the service's container. */
  public readonly containerName: string;

  protected readonly workload: Workload;

  /** Validates every prop (throwing before any resource is created), then builds the service. */
  public constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    const fail: Fail = failFor(`WorkerService '${id}'`);
    checkKnownKeys(fail, "", props, WORKER_SERVICE_PROPS_KEYS);
    // targetRequestsPerTarget first: it has its own message (it needs a load balancer).
    checkWorkerAutoScaling(fail, props.autoScaling);
    checkKnownKeys(fail, "autoScaling", props.autoScaling, AUTO_SCALING_OPTIONS_KEYS);
    const config = resolveContainerServiceConfig(fail, id, props, props.autoScaling, false);
    this.containerName = config.containerName;

    this.workload = createWorkload(this, props.cluster, config, fail);
  }
}
