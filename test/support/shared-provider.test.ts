import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { App, TerraformStack } from "cdktf";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { addAwsProvider } from "../../stacks/aws-provider";
import { terraformEnv } from "../../scripts/review/terraform";
import { processCpuSeconds, startSharedProvider } from "./shared-provider";
import { TerraformRun } from "./terraform";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the shared provider (one hashicorp/aws process for a test file's terraform commands)", () => {
  test("GIVEN no provider binary (registry mode) THEN there is nothing to share and terraform starts its own", async () => {
    const shared = await startSharedProvider(process.cwd(), "");
    expect(shared.reattach).toBeUndefined();
    await expect(shared.stop()).resolves.toBeUndefined();
  });

  test("GIVEN a binary path that does not exist THEN it says which variable and what to run", async () => {
    await expect(startSharedProvider(process.cwd(), "/nonexistent/terraform-provider-aws")).rejects.toThrow(
      "ECS_CDKTF_AWS_PROVIDER_BINARY is /nonexistent/terraform-provider-aws, which does not exist: run npm run setup",
    );
  });

  test("GIVEN a binary that exits at once THEN the start fails with how it ended, nothing left running", async () => {
    await expect(startSharedProvider(process.cwd(), "/bin/false")).rejects.toThrow(
      /^the shared provider \(\/bin\/false -debug\) exited \(1\) before it was ready/,
    );
  });

  test("GIVEN the mirrored provider THEN terraform validate is served by that one process, which stops with stop()", async () => {
    const binary = process.env.ECS_CDKTF_AWS_PROVIDER_BINARY;
    // setup.sh sets it whenever it mirrors the provider, which is how this project's CI runs.
    expect(binary).toBeTruthy();
    const shared = await startSharedProvider(process.cwd(), binary);
    try {
      const config = JSON.parse(shared.reattach!) as Record<string, { Pid: number; Protocol: string }>;
      expect(Object.keys(config)).toEqual([
        "registry.terraform.io/hashicorp/aws",
        "registry.opentofu.org/hashicorp/aws",
      ]);
      const pid = config["registry.terraform.io/hashicorp/aws"]!.Pid;
      expect(alive(pid)).toBe(true);

      const stack = new TerraformStack(new App(), "shared");
      addAwsProvider(stack, {
        region: "eu-west-2",
        target: { kind: "local", endpoint: "http://127.0.0.1:1" },
        defaultTags: {},
      });
      new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16" });
      const run = TerraformRun.synth(stack);
      const env = terraformEnv({ ...process.env, TF_REATTACH_PROVIDERS: shared.reattach });
      const terraform = process.env.TERRAFORM_BINARY_NAME || "terraform";
      execFileSync(terraform, ["init", "-backend=false", "-input=false", "-no-color"], { cwd: run.dir, env });
      const before = processCpuSeconds(pid);
      const out = JSON.parse(
        execFileSync(terraform, ["validate", "-json", "-no-color"], { cwd: run.dir, env, encoding: "utf8" }),
      ) as { valid: boolean; diagnostics: unknown[] };
      expect(out).toEqual(expect.objectContaining({ valid: true, diagnostics: [] }));
      // The shared process did the provider's work (the schema): its CPU time grew.
      expect(processCpuSeconds(pid)).toBeGreaterThan(before);
      // Terraform installed no provider of its own for the directory.
      expect(fs.existsSync(`${run.dir}/.terraform/providers/registry.terraform.io/hashicorp/aws`)).toBe(
        false,
      );

      await shared.stop();
      expect(alive(pid)).toBe(false);
    } finally {
      await shared.stop();
    }
  });
});
