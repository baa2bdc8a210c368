import { App } from "cdktf";
import { ENVIRONMENT_CONTEXT_KEY, loadEnvironmentConfig } from "./stacks/config";
import { addEnvironment } from "./stacks/environment";
import { targetFromEnv } from "./stacks/target";

// The app: the two stacks of one environment (see docs/stacks.md), `<env>-foundation` and
// `<env>-app`. The environment comes from the app context "env" or ECS_CDKTF_ENV (default dev);
// the target from ECS_CDKTF_TARGET (default: the local AWS at LOCAL_AWS_ENDPOINT).
const app = new App();
const config = loadEnvironmentConfig({
  context: app.node.tryGetContext(ENVIRONMENT_CONTEXT_KEY),
  env: process.env,
});
addEnvironment(app, config, targetFromEnv());
app.synth();
