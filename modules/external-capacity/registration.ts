/**
 * The registration command of an external machine, as a pure function: the test checks its text,
 * the construct fills in the activation's references.
 */
import { ECS_ANYWHERE_INSTALL_SCRIPT_PATH, ECS_ANYWHERE_INSTALL_SCRIPT_URL } from "./props";

/** Inputs of {@link registrationCommand}. */
export interface RegistrationCommandOptions {
  readonly region: string;
  readonly clusterName: string;
  readonly activationId: string;
  /** The activation's code: a secret, so the command is one too. */
  readonly activationCode: string;
  /** Custom attributes (validated: no quotes, no shell characters beyond `\`), written before the agent starts. */
  readonly instanceAttributes: Readonly<Record<string, string>>;
}

/**
 * The commands AWS documents for registering an external instance ("Registering an external
 * instance to a cluster"): download the install script, run it with the region, cluster and
 * activation. With attributes, `ECS_INSTANCE_ATTRIBUTES` is appended to `/etc/ecs/ecs.config`
 * first: the install script keeps an existing file and appends `ECS_CLUSTER`, and the agent reads
 * the attributes when it registers. One line of `&&`-joined commands, run as root (sudo).
 */
export function registrationCommand(options: RegistrationCommandOptions): string {
  const steps: string[] = [];
  if (Object.keys(options.instanceAttributes).length > 0) {
    // Single quotes: the attribute pattern admits no quote, `$` or backtick.
    const line = `ECS_INSTANCE_ATTRIBUTES=${JSON.stringify(options.instanceAttributes)}`;
    steps.push(`sudo mkdir -p /etc/ecs`, `echo '${line}' | sudo tee -a /etc/ecs/ecs.config > /dev/null`);
  }
  steps.push(
    `curl --proto "https" -o "${ECS_ANYWHERE_INSTALL_SCRIPT_PATH}" "${ECS_ANYWHERE_INSTALL_SCRIPT_URL}"`,
    `sudo bash ${ECS_ANYWHERE_INSTALL_SCRIPT_PATH} --region "${options.region}" --cluster "${options.clusterName}" ` +
      `--activation-id "${options.activationId}" --activation-code "${options.activationCode}"`,
  );
  return steps.join(" && ");
}
