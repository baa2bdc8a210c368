import { execFile } from "node:child_process";
import * as path from "node:path";
import { LocalAws, LOCAL_REGION } from "../support/moto";

/**
 * Calls one AWS API on the local AWS through the AWS SDK for Python (boto3, in the tools venv) and
 * returns its JSON answer. For the services the project has no JavaScript client of (Lambda,
 * EventBridge, SQS): adding clients only for tests would grow the dependencies.
 */
export function boto3Call<T = Record<string, unknown>>(
  aws: LocalAws,
  service: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<T> {
  const script = [
    "import boto3, json, sys",
    "client = boto3.client(sys.argv[2], endpoint_url=sys.argv[1], region_name=sys.argv[5],",
    "                      aws_access_key_id='test', aws_secret_access_key='test')",
    "out = getattr(client, sys.argv[3])(**json.loads(sys.argv[4]))",
    "out.pop('ResponseMetadata', None)",
    "print(json.dumps(out, default=str))",
  ].join("\n");
  const python = path.join(process.env.ECS_CDKTF_VENV ?? "", "bin", "python");
  return new Promise((resolve, reject) =>
    execFile(
      python,
      ["-c", script, aws.endpoint, service, method, JSON.stringify(params), LOCAL_REGION],
      { maxBuffer: 64 << 20 },
      (error, stdout, stderr) =>
        error
          ? reject(
              new Error(
                `boto3 ${service}.${method} failed: ${stderr.trim().split("\n").slice(-3).join(" ")}`,
              ),
            )
          : resolve(JSON.parse(stdout) as T),
    ),
  );
}
