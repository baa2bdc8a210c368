/**
 * Jest: @swc/jest transpiles only (fast); `tsc --noEmit` type-checks separately in the test command.
 *
 * Two projects, the two lanes of scripts/test.sh:
 * - `unit`: synth, docs, `terraform validate`, the package; no local AWS (`npm run test:unit`).
 * - `local`: every `*.local.test.ts`, the tests that start a local AWS (moto server) and plan or
 *   apply against it (`npm run test:local`).
 * `npm test` runs both.
 */
const os = require("node:os");
const path = require("node:path");

const LOCAL = "\\.local\\.test\\.ts$";

/** What both projects share. */
const shared = {
  rootDir: __dirname,
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  // Outside the repository and the run's TMPDIR, so a fresh clone reuses it: the transform cache
  // (keyed by content), and each test file's last duration, by its absolute path, so a clone at
  // the same path starts the slowest files (the applies to moto) first.
  cacheDirectory: process.env.ECS_CDKTF_JEST_CACHE || path.join(os.homedir(), ".cache", "ecs-cdktf", "jest"),
};

module.exports = {
  testTimeout: 60_000,
  // The slowest files first, also in a clone at a new path (test/sequencer.js).
  testSequencer: "<rootDir>/test/sequencer.js",
  projects: [
    { ...shared, displayName: "unit", testMatch: ["**/*.test.ts"], testPathIgnorePatterns: [LOCAL] },
    { ...shared, displayName: "local", testMatch: ["**/*.local.test.ts"] },
  ],
};
