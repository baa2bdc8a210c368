import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ValidationError } from "../../modules/shared/validation";
import { synthesize } from "../../scripts/review/synth";

// The review synthesizes the environment by running main.ts, as cdktf does. Bad input there must
// reach the review's CLI as bad input (one line), not as a crash with main.ts's output inside.
jest.setTimeout(120_000);

describe("the review's synthesis of main.ts", () => {
  test("GIVEN an environment main.ts refuses THEN the ValidationError comes back as one", async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "review-synth-"));
    const error = await synthesize("staging", outdir).catch((e: unknown) => e);
    expect(ValidationError.isValidationError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^Unknown environment "staging" \(from ECS_CDKTF_ENV\): the valid choices are dev, prod/,
    );
    expect((error as Error).message).not.toContain("\n");
    expect(fs.readdirSync(outdir).filter((f) => f !== "stacks")).toEqual([]);
  });
});
