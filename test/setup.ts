import { Testing } from "cdktf";
import { TERRAFORM_GOGC } from "../scripts/review/terraform";

// Registers cdktf's matchers (toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, ...).
Testing.setupJest();

// cdktf's toBeValidTerraform runs terraform with this process's environment: give it the GC setting
// of the project's own terraform runs (scripts/review/terraform.ts, terraformEnv).
process.env.GOGC ||= TERRAFORM_GOGC;

// cdktf records a creation stack for every token it makes (each provider resource makes dozens, in
// its complex-list attributes), with no frame limit. Under jest each of those frames goes through
// jest's source-map support: a tenth of the unit lane's CPU. The stacks only appear in cdktf's
// messages about tokens that fail to resolve; here they are recorded as V8 formats them (the
// positions of the transpiled JavaScript). Errors a test throws or expects are still source-mapped.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackTrace = require("cdktf/lib/tokens/private/stack-trace") as {
  captureStackTrace: (below?: unknown) => string[];
};
const captureMapped = stackTrace.captureStackTrace;
const formatUnmapped = (error: Error, frames: NodeJS.CallSite[]): string =>
  [String(error), ...frames.map((frame) => `    at ${frame.toString()}`)].join("\n");
stackTrace.captureStackTrace = function captureStackTrace(below?: unknown): string[] {
  const prepare = Error.prepareStackTrace;
  // Not `undefined`: Node would then fall back to the main context's (source-mapping) formatter.
  Error.prepareStackTrace = formatUnmapped;
  try {
    return captureMapped(below ?? captureStackTrace);
  } finally {
    Error.prepareStackTrace = prepare;
  }
};
