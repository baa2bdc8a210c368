import { Fail, failFor, ValidationError } from "../../modules/shared/validation";
import { pathsUnder, reportUnder } from "../../stacks/config-paths";

const env: Fail = failFor("Environment 'dev'");
const service: Fail = failFor("LoadBalancedService 'web'");
const PATHS = { ...pathsUnder("services[0]", ["cpuUnits", "autoScaling"]), imageTag: "imageTag" };

function thrown(build: () => unknown): unknown {
  try {
    build();
  } catch (e) {
    return e;
  }
  throw new Error("expected build() to throw");
}

describe("reportUnder", () => {
  it("GIVEN no error THEN what build returns", () => {
    expect(reportUnder(env, PATHS, () => 42)).toBe(42);
  });

  it("GIVEN a module error on a prop the config sets THEN the same rule and fix under the config's path", () => {
    const error = thrown(() =>
      reportUnder(env, PATHS, () => service("cpuUnits", 64, "be from 128 to 10240", "e.g. 256")),
    );
    expect(ValidationError.isValidationError(error)).toBe(true);
    expect((error as Error).message).toBe(
      "Environment 'dev': services[0].cpuUnits (64) must be from 128 to 10240; e.g. 256",
    );
    expect((error as ValidationError).problem).toEqual({
      label: "Environment 'dev'",
      field: "services[0].cpuUnits",
      value: 64,
      must: "be from 128 to 10240",
      fix: "e.g. 256",
    });
  });

  it("GIVEN an error on a nested field THEN the rest of the field's path follows the config's", () => {
    const error = thrown(() =>
      reportUnder(env, PATHS, () => service("autoScaling.minCapacity", -1, "be ≥ 0", "e.g. 1")),
    );
    expect((error as Error).message).toBe(
      "Environment 'dev': services[0].autoScaling.minCapacity (-1) must be ≥ 0; e.g. 1",
    );
  });

  it("GIVEN a prop mapped to another part of the config THEN its path there", () => {
    const error = thrown(() =>
      reportUnder(env, PATHS, () => service("imageTag", "a b", "be a tag", "fix it")),
    );
    expect((error as Error).message).toBe(`Environment 'dev': imageTag ("a b") must be a tag; fix it`);
  });

  it("GIVEN an error on a prop the config does not set THEN the module's error as it is", () => {
    const error = thrown(() =>
      reportUnder(env, PATHS, () => service("repositoryName", "X", "be lower case", "rename it")),
    );
    expect((error as Error).message).toBe(
      `LoadBalancedService 'web': repositoryName ("X") must be lower case; rename it`,
    );
  });

  it("GIVEN an error that is no ValidationError, or one without its parts THEN it as it is", () => {
    const plain = new Error("boom");
    expect(
      thrown(() =>
        reportUnder(env, PATHS, () => {
          throw plain;
        }),
      ),
    ).toBe(plain);
    const bare = new ValidationError("LoadBalancedService 'web': cpuUnits (1) must …; …");
    expect(
      thrown(() =>
        reportUnder(env, PATHS, () => {
          throw bare;
        }),
      ),
    ).toBe(bare);
  });
});
