import { App } from "cdktf";
import { NetworkStack } from "./stacks/network-stack";
import { targetFromEnv } from "./stacks/target";

// The app: the stacks of one environment, deployed to the local AWS by default (see README).
const app = new App();
const environment = process.env.ECS_CDKTF_ENV ?? "dev";
new NetworkStack(app, "network", { environment, target: targetFromEnv() });
app.synth();
