import { Testing } from "cdktf";
import { TERRAFORM_GOGC } from "../scripts/review/terraform";

// Registers cdktf's matchers (toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, ...).
Testing.setupJest();

// cdktf's toBeValidTerraform runs terraform with this process's environment: give it the GC setting
// of the project's own terraform runs (scripts/review/terraform.ts, terraformEnv).
process.env.GOGC ||= TERRAFORM_GOGC;
