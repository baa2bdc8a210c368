#!/usr/bin/env bash
# The whole test suite (what CI runs): setup, type-check, lint, jest (unit, terraform validate,
# applies to the local AWS, checkov), pytest (the Flask service over real HTTP).
# Ends with one line "total: N passed, N failed".
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

bash scripts/setup.sh
load_toolchain_env

log "tsc --noEmit"
npx tsc --noEmit -p .
log "eslint + prettier"
npx eslint --max-warnings 0 .
npx prettier --check . > /dev/null || { npx prettier --check .; die "prettier: run 'npm run format'"; }

results="$(mktemp -d)"
# cdktf's Testing.fullSynth leaves one directory per call under the temp dir: keep them in one
# place per run, and remove it at the end.
run_tmp="$(mktemp -d)"
trap 'rm -rf "$results" "$run_tmp"' EXIT
export TMPDIR="$run_tmp"

log "jest"
jest_rc=0
npx jest --ci --maxWorkers=2 --json --outputFile="$results/jest.json" "$@" || jest_rc=$?

log "pytest"
pytest_rc=0
"$ECS_CDKTF_VENV/bin/python" -m pytest -q -p no:cacheprovider --junitxml="$results/pytest.xml" src tools/tests || pytest_rc=$?

# One closing line over both runners. A runner that ran nothing counts as a failure.
node -e '
  const fs = require("fs");
  const j = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const x = fs.existsSync(process.argv[2]) ? fs.readFileSync(process.argv[2], "utf8") : "";
  const attr = (n) => Number((x.match(new RegExp(`<testsuite[^>]* ${n}="(\\d+)"`)) || [0, 0])[1]);
  const pyTotal = attr("tests"), pyFailed = attr("failures") + attr("errors"), pySkipped = attr("skipped");
  const passed = j.numPassedTests + (pyTotal - pyFailed - pySkipped);
  const failed = j.numFailedTests + pyFailed + (j.numTotalTests === 0 ? 1 : 0) + (pyTotal === 0 ? 1 : 0);
  const skipped = j.numPendingTests + j.numTodoTests + pySkipped;
  console.log(`jest: ${j.numPassedTests} passed, ${j.numFailedTests} failed (${j.numTotalTestSuites} files)`);
  console.log(`pytest: ${pyTotal - pyFailed - pySkipped} passed, ${pyFailed} failed`);
  console.log(`total: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results/jest.json" "$results/pytest.xml"

[ "$jest_rc" -eq 0 ] && [ "$pytest_rc" -eq 0 ]
