/** Jest: @swc/jest transpiles only (fast); `tsc --noEmit` type-checks separately in the test command. */
const os = require("node:os");
const path = require("node:path");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  testTimeout: 60_000,
  // Outside the repository and the run's TMPDIR, so a fresh clone reuses it: the transform cache
  // (keyed by content), and each test file's last duration, by its absolute path, so a clone at
  // the same path starts the slowest files (the applies to moto) first.
  cacheDirectory: process.env.ECS_CDKTF_JEST_CACHE || path.join(os.homedir(), ".cache", "ecs-cdktf", "jest"),
};
