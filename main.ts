import { App } from "cdktf";
import { ENVIRONMENT_CONTEXT_KEY, loadEnvironmentConfig } from "./stacks/config";
import { addEnvironment } from "./stacks/environment";
import { validationErrorLine } from "./stacks/errors";
import { targetFromEnv } from "./stacks/target";

// The app: the two stacks of one environment (see docs/stacks.md), `<env>-foundation` and
// `<env>-app`. The environment comes from the app context "env" or ECS_CDKTF_ENV (default dev);
// the target from ECS_CDKTF_TARGET (default: the local AWS at LOCAL_AWS_ENDPOINT).
// Bad input (a ValidationError) is one line on stderr and exit code 1, before anything is written;
// any other exception is a bug and keeps its stack trace.
try {
  const app = new App();
  const config = loadEnvironmentConfig({
    context: app.node.tryGetContext(ENVIRONMENT_CONTEXT_KEY),
    env: process.env,
  });
  addEnvironment(app, config, targetFromEnv());
  app.synth();
} catch (e) {
  const line = validationErrorLine(e);
  if (line === undefined) throw e;
  process.stderr.write(`${line}\n`);
  process.exitCode = 1;
}
