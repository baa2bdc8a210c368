#!/usr/bin/env bash
# The test suite in lanes. `npm test` (what CI runs) is the whole suite; the lanes are parts of it.
#
#   bash scripts/test.sh [--lane all|unit|local] [jest args...]
#
#   all   (npm test)            setup, tsc, eslint + prettier, jest unit, jest local, pytest (all)
#   unit  (npm run test:unit)   setup, jest unit (synth, docs, terraform validate, the package),
#                               pytest src (the Flask service over real HTTP); no local AWS
#   local (npm run test:local)  setup, jest local (every *.local.test.ts: moto server, plan and
#                               apply), pytest tools/tests (the moto launcher's fixes)
#
# Jest arguments (a file, `-t name`) go to each jest phase of the lane; a phase they leave without
# a test is not counted as a failure then. Ends with the phases and their durations, then one line
# "total: N passed, N failed".
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

lane=all
case "${1:-}" in
  --lane) lane="${2:-}"; shift 2 ;;
  --lane=*) lane="${1#--lane=}"; shift ;;
esac
case "$lane" in all | unit | local) ;; *) die "unknown lane '$lane': use all, unit or local" ;; esac
filtered=$([ "$#" -gt 0 ] && echo 1 || echo 0)

suite_start=$SECONDS
phases=()
phase_start=0
begin() { log "$1"; phase_start=$SECONDS; }
end() { phases+=("$1=$((SECONDS - phase_start))"); }

begin "setup"
bash scripts/setup.sh
load_toolchain_env
end setup

if [ "$lane" = all ]; then
  begin "tsc --noEmit"
  npx tsc --noEmit -p .
  end tsc
  begin "eslint + prettier"
  npx eslint --max-warnings 0 .
  npx prettier --check . > /dev/null || { npx prettier --check .; die "prettier: run 'npm run format'"; }
  end lint
fi

results="$(mktemp -d)"
# cdktf's Testing.fullSynth leaves one directory per call under the temp dir: keep them in one
# place per run, and remove it at the end.
run_tmp="$(mktemp -d)"
trap 'rm -rf "$results" "$run_tmp"' EXIT
export TMPDIR="$run_tmp"
# One checkov scan per distinct plan in this run, shared by the jest workers (scripts/review/checkov.ts).
export ECS_CDKTF_CHECKOV_RUN_CACHE="$run_tmp/checkov"

rc=0
jest_phase() { # project
  begin "jest $1"
  npx jest --ci --selectProjects "$1" --maxWorkers=2 --json --outputFile="$results/jest-$1.json" \
    $([ "$filtered" = 1 ] && echo --passWithNoTests) "${@:2}" || rc=1
  end "jest-$1"
}
pytest_phase() { # paths...
  begin "pytest $*"
  local code=0
  "$ECS_CDKTF_VENV/bin/python" -m pytest -q -p no:cacheprovider --junitxml="$results/pytest.xml" "$@" || code=$?
  # 5: no test collected, which a run narrowed to jest files leaves behind.
  if [ "$code" -ne 0 ] && ! { [ "$code" -eq 5 ] && [ "$filtered" = 1 ]; }; then rc=1; fi
  end pytest
}

case "$lane" in
  all) jest_phase unit "$@"; jest_phase local "$@"; [ "$filtered" = 1 ] || pytest_phase src tools/tests ;;
  unit) jest_phase unit "$@"; [ "$filtered" = 1 ] || pytest_phase src ;;
  local) jest_phase local "$@"; [ "$filtered" = 1 ] || pytest_phase tools/tests ;;
esac

phases+=("total=$((SECONDS - suite_start))")
if [ -n "${ECS_CDKTF_JEST_REPORTS:-}" ]; then mkdir -p "$ECS_CDKTF_JEST_REPORTS" && cp "$results"/jest-*.json "$ECS_CDKTF_JEST_REPORTS"/ 2>/dev/null || true; fi
printf 'phases (s): %s\n' "${phases[*]}"
[ -n "${ECS_CDKTF_PHASES_FILE:-}" ] && printf '%s\n' "${phases[@]}" > "$ECS_CDKTF_PHASES_FILE"

# One closing line over every runner of the lane. A runner that ran nothing counts as a failure,
# unless the run was narrowed by arguments.
node -e '
  const fs = require("fs");
  const [dir, filtered] = process.argv.slice(1);
  let passed = 0, failed = 0, skipped = 0, ran = 0;
  for (const f of fs.readdirSync(dir).filter((f) => /^jest-.*\.json$/.test(f)).sort()) {
    const j = JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"));
    console.log(`${f.slice(0, -5)}: ${j.numPassedTests} passed, ${j.numFailedTests} failed (${j.numTotalTestSuites} files)`);
    passed += j.numPassedTests; failed += j.numFailedTests; skipped += j.numPendingTests + j.numTodoTests;
    ran += j.numTotalTests;
    if (j.numTotalTests === 0 && filtered !== "1") failed += 1;
  }
  const xml = `${dir}/pytest.xml`;
  if (fs.existsSync(xml)) {
    const x = fs.readFileSync(xml, "utf8");
    const attr = (n) => Number((x.match(new RegExp(`<testsuite[^>]* ${n}="(\\d+)"`)) || [0, 0])[1]);
    const total = attr("tests"), bad = attr("failures") + attr("errors"), skip = attr("skipped");
    console.log(`pytest: ${total - bad - skip} passed, ${bad} failed`);
    passed += total - bad - skip; failed += bad + (total === 0 && filtered !== "1" ? 1 : 0); skipped += skip;
    ran += total;
  }
  if (ran === 0) failed += 1;
  console.log(`total: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results" "$filtered"

[ "$rc" -eq 0 ]
