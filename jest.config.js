/**
 * Jest: @swc/jest transpiles only (fast); `tsc --noEmit` type-checks separately in the test command.
 *
 * Two projects, the two lanes of scripts/test.sh:
 * - `unit`: synth, docs, `terraform validate`, the package; no local AWS (`npm run test:unit`).
 * - `local`: every `*.local.test.ts`, the tests that start a local AWS (moto server) and plan or
 *   apply against it (`npm run test:local`).
 * and, with ECS_CDKTF_JEST_FLAVOR=cdktn, `unit-cdktn` (below; `npm run test:cdktn`) and
 * `local-cdktn` (one deploy of dev on the cdktn flavor, below). `npm test` runs all four.
 */
const os = require("node:os");
const path = require("node:path");

const LOCAL = "\\.local\\.test\\.ts$";

/**
 * The local test that runs on the cdktn flavor instead (project local-cdktn): the plan review's
 * applied cases on dev, deployed (foundation and app) by the same deploy as `npm run local`'s from
 * cdktn's synth, then the static IP's failover drill on it. `npm run local` itself (cdktf) is
 * test/stacks/local-deploy.local.test.ts, with the same drill.
 */
const LOCAL_ON_CDKTN = "/test/review/review-apply\\.local\\.test\\.ts$";

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

/**
 * The cdktn flavor (scripts/flavor/flavors.ts) of the in-process unit tests: the modules' and the
 * stacks' tests with every cdktf import (theirs and the sources') mapped to flavors/cdktn's cdktn,
 * @cdktn/provider-aws and constructs. Only with `ECS_CDKTF_JEST_FLAVOR=cdktn`, on Node 22
 * (`npm run test:cdktn`, and `npm test` side by side). The tests that run a CLI or a package in a
 * child process are the cdktf lanes' (the cdktn flavor's own are test/flavors/).
 */
const FLAVOR_PACKAGES = path.join(__dirname, "flavors", "cdktn", "node_modules");
const cdktn = {
  ...shared,
  displayName: "unit-cdktn",
  testMatch: ["<rootDir>/test/modules/**/*.test.ts", "<rootDir>/test/stacks/*.test.ts"],
  testPathIgnorePatterns: [LOCAL, "/test/stacks/cli-errors\\.test\\.ts$"],
  moduleNameMapper: {
    "^cdktf$": path.join(FLAVOR_PACKAGES, "cdktn"),
    "^cdktf/(.*)$": path.join(FLAVOR_PACKAGES, "cdktn", "$1"),
    "^@cdktf/provider-aws/(.*)$": path.join(FLAVOR_PACKAGES, "@cdktn", "provider-aws", "$1"),
    "^constructs$": path.join(FLAVOR_PACKAGES, "constructs"),
  },
};

/** The local test on the cdktn flavor (LOCAL_ON_CDKTN), on Node 22 like unit-cdktn. */
const localCdktn = {
  ...cdktn,
  displayName: "local-cdktn",
  testMatch: ["<rootDir>/test/review/review-apply.local.test.ts"],
  testPathIgnorePatterns: [],
};

module.exports = {
  testTimeout: 60_000,
  // The slowest files first, also in a clone at a new path (test/sequencer.js).
  testSequencer: "<rootDir>/test/sequencer.js",
  projects:
    process.env.ECS_CDKTF_JEST_FLAVOR === "cdktn"
      ? [cdktn, localCdktn]
      : [
          { ...shared, displayName: "unit", testMatch: ["**/*.test.ts"], testPathIgnorePatterns: [LOCAL] },
          {
            ...shared,
            displayName: "local",
            testMatch: ["**/*.local.test.ts"],
            testPathIgnorePatterns: [LOCAL_ON_CDKTN],
          },
        ],
};
