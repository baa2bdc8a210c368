import { App } from "cdktf";
import { ClusterStack } from "./stacks/cluster-stack";
import { targetFromEnv } from "./stacks/target";

// The app: the stacks of one environment, deployed to the local AWS by default (see README).
// Today one stack: the network and the ECS cluster on it.
const app = new App();
const environment = process.env.ECS_CDKTF_ENV ?? "dev";
new ClusterStack(app, "ecs", { environment, target: targetFromEnv() });
app.synth();
