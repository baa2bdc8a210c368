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
  // Outside the repository and the run's TMPDIR, so a fresh clone reuses it: jest keeps each test
  // file's last duration there and starts the slowest files first (the applies to moto), instead
  // of leaving one of them to run alone at the end. The transform cache is keyed by content.
  cacheDirectory: process.env.ECS_CDKTF_JEST_CACHE || path.join(os.homedir(), ".cache", "ecs-cdktf", "jest"),
};
