import { ValidationError } from "../../modules/shared/validation";
import { targetFromEnv } from "../../stacks/target";

describe("targetFromEnv", () => {
  test("GIVEN nothing but LOCAL_AWS_ENDPOINT THEN the local target (the default)", () => {
    expect(targetFromEnv({ LOCAL_AWS_ENDPOINT: "http://127.0.0.1:4566/" })).toEqual({
      kind: "local",
      endpoint: "http://127.0.0.1:4566",
    });
  });
  test("GIVEN ECS_CDKTF_TARGET=aws THEN real AWS", () => {
    expect(targetFromEnv({ ECS_CDKTF_TARGET: "aws" })).toEqual({ kind: "aws" });
  });
  test("GIVEN an unknown target THEN an error listing the choices", () => {
    expect(() => targetFromEnv({ ECS_CDKTF_TARGET: "prod" })).toThrow(
      'ECS_CDKTF_TARGET ("prod") must be one of local, aws',
    );
  });
  test("GIVEN the local target without an endpoint THEN an error saying how to get one", () => {
    expect(() => targetFromEnv({})).toThrow(/LOCAL_AWS_ENDPOINT is not set.*npm run local/);
  });
  test("GIVEN a malformed endpoint THEN an error with the value and an example", () => {
    expect(() => targetFromEnv({ LOCAL_AWS_ENDPOINT: "localhost:4566" })).toThrow(
      'LOCAL_AWS_ENDPOINT ("localhost:4566") must be a URL such as http://127.0.0.1:4566',
    );
  });
  test("GIVEN bad input THEN a ValidationError (main.ts prints it as one line)", () => {
    for (const env of [{ ECS_CDKTF_TARGET: "prod" }, {}, { LOCAL_AWS_ENDPOINT: "localhost:4566" }]) {
      expect(() => targetFromEnv(env)).toThrow(ValidationError);
    }
  });
});
