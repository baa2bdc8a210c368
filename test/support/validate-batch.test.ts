import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { addAwsProvider } from "../../stacks/aws-provider";
import { validateStacks } from "./validate-batch";
import { shareProvider } from "./shared-provider";

// One provider process for the file's terraform commands (test/support/shared-provider.ts).
shareProvider();

// The batch validation the environment tests use must see what a validate in the stack's own
// directory sees: an error in one stack is that stack's, and the others stay clean.
class Small extends TerraformStack {
  constructor(scope: Construct, id: string, broken: boolean) {
    super(scope, id);
    addAwsProvider(this, {
      region: "eu-west-2",
      target: { kind: "local", endpoint: "http://127.0.0.1:4566" },
    });
    const sg = new SecurityGroup(this, "sg", { name: `${id}-sg`, description: "batch validation test" });
    if (broken) sg.addOverride("no_such_argument", true);
  }
}

function outdir(broken: boolean): string {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "validate-batch-test-")) });
  new Small(app, broken ? "broken" : "fine", broken);
  app.synth();
  return app.outdir;
}

test("GIVEN one broken stack among valid ones THEN the error is that stack's, by id, and the others are clean", () => {
  const result = validateStacks({ good: outdir(false), bad: outdir(true) });
  expect(result.good).toEqual({ fine: { errors: [], warnings: [] } });
  expect(result.bad!.broken!.warnings).toEqual([]);
  expect(result.bad!.broken!.errors).toEqual([
    expect.stringMatching(
      /^Extraneous JSON object property: No argument or block type is named "no_such_argument"\. \(\.\.\/\S+\/stacks\/broken\/cdk\.tf\.json:\d+\)$/,
    ),
  ]);
});
