import { allowOn, policyDocument, serviceAssumeRolePolicy } from "../../modules/shared/iam";

describe("shared IAM helpers", () => {
  test("allowOn gives one statement with copies of the lists", () => {
    const actions = ["logs:PutLogEvents"];
    const [statement, ...rest] = allowOn("Write", actions, ["arn:aws:logs:eu-west-2:1:log-group:a"]);
    expect(rest).toEqual([]);
    expect(statement).toEqual({
      Sid: "Write",
      Effect: "Allow",
      Action: ["logs:PutLogEvents"],
      Resource: ["arn:aws:logs:eu-west-2:1:log-group:a"],
    });
    expect(statement.Action).not.toBe(actions);
  });

  test("allowOn gives no statement without resources", () => {
    expect(allowOn("Write", ["logs:PutLogEvents"], [])).toEqual([]);
  });

  test("allowOn keeps a condition", () => {
    const condition = { ArnEquals: { "ecs:cluster": "arn:aws:ecs:eu-west-2:1:cluster/c" } };
    expect(allowOn("Poll", ["ecs:Poll"], ["*"], condition)[0].Condition).toEqual(condition);
  });

  test("policyDocument and serviceAssumeRolePolicy write version 2012-10-17", () => {
    expect(JSON.parse(policyDocument([]))).toEqual({ Version: "2012-10-17", Statement: [] });
    expect(JSON.parse(serviceAssumeRolePolicy("Ec2", "ec2.amazonaws.com"))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Ec2",
          Effect: "Allow",
          Principal: { Service: "ec2.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ],
    });
    const guarded = JSON.parse(
      serviceAssumeRolePolicy("Tasks", "ecs-tasks.amazonaws.com", {
        StringEquals: { "aws:SourceAccount": "1" },
      }),
    );
    expect(guarded.Statement[0].Condition).toEqual({ StringEquals: { "aws:SourceAccount": "1" } });
  });
});
