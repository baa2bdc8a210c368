#!/usr/bin/env bash
# The test suite in lanes. `npm test` (what CI runs) is the whole suite; the lanes are parts of it.
#
#   bash scripts/test.sh [--lane all|unit|local] [jest args...]
#
#   all   (npm test)            setup; then side by side: jest local, jest local on the cdktn
#                               flavor, jest unit, jest unit on the cdktn flavor, the checks (tsc,
#                               eslint, prettier, the API report) and pytest (all)
#   unit  (npm run test:unit)   setup, jest unit (synth, docs, terraform validate, the package),
#                               pytest src (the Flask service over real HTTP); no local AWS
#   local (npm run test:local)  setup, jest local (every *.local.test.ts: moto server, plan and
#                               apply) and, side by side, jest local-cdktn (one of them, the plan
#                               review's applied cases and the failover drill, on the cdktn
#                               flavor: jest.config.js), pytest tools/tests (the moto launcher's fixes)
#   cdktn (npm run test:cdktn)  setup, jest unit-cdktn: the modules' and stacks' unit tests on the
#                               cdktn flavor, on Node 22 (jest.config.js; npm test runs it too)
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
case "$lane" in all | unit | local | cdktn) ;; *) die "unknown lane '$lane': use all, unit, local or cdktn" ;; esac
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

results="$(mktemp -d)"
# cdktf's Testing.fullSynth leaves one directory per call under the temp dir: keep them in one
# place per run, and remove it at the end.
run_tmp="$(mktemp -d)"
trap 'rm -rf "$results" "$run_tmp"' EXIT
export TMPDIR="$run_tmp"
# One checkov scan per distinct plan in this run, shared by the jest workers (scripts/review/checkov.ts).
export ECS_CDKTF_CHECKOV_RUN_CACHE="$run_tmp/checkov"

rc=0
# Workers per project: the unit tests are CPU-bound (two on two cores); the local tests wait on
# moto and the provider's waiters a third of the time, so two more workers fill those waits (the
# local lane alone on 2 cores, 2026-12-03: 680 s with three workers, 567 s with four).
workers() { [ "$1" = local ] && echo 4 || echo 2; }
jest_phase() { # project [jest args...]
  begin "jest $1"
  jest_project "$@" || rc=1
  end "jest-$1"
}

# Side by side (lane all): each job runs in the background with its output in a file, then its
# output is printed whole, in the order started, with its phase and duration. The local tests
# spend about a third of their time waiting (the provider's waiters poll moto on timers: an SQS
# queue's deletion alone takes two minutes), so the CPU-bound checks and unit tests fill the gaps.
# The jobs that only fill those gaps (FILL=1) run at a lower priority (nice 10): the local tests,
# the critical path, get the CPU whenever they want it, and the gaps still go to the others (the
# suite with the cdktn unit tests side by side, 2026-12-04: 723 s from a fresh clone at equal
# priority, the local tests slowed from 572 to 685 s).
jobs_started=()
side_by_side() { # name command...
  local name="$1"
  shift
  log "$name: started (side by side; its output follows when it ends)"
  (
    [ "${FILL:-0}" = 1 ] && { renice -n 10 -p "$BASHPID" > /dev/null 2>&1 || true; }
    start=$SECONDS
    code=0
    "$@" > "$results/$name.log" 2>&1 || code=$?
    printf '%s=%s\n' "$name" "$((SECONDS - start))" > "$results/$name.phase"
    exit "$code"
  ) &
  jobs_started+=("$name:$!")
}
wait_side_by_side() {
  local entry name pid
  for entry in "${jobs_started[@]}"; do
    name="${entry%%:*}"
    pid="${entry##*:}"
    wait "$pid" || { rc=1; log "$name: FAILED"; }
    log "$name: output"
    cat "$results/$name.log"
    phases+=("$(cat "$results/$name.phase")")
  done
}
static_checks() {
  npx tsc --noEmit -p . && echo "tsc: ok" || return 1
  npx eslint --max-warnings 0 . && echo "eslint: ok" || return 1
  npx prettier --check . > /dev/null || { npx prettier --check .; echo "prettier: run 'npm run format'"; return 1; }
  echo "prettier: ok"
  # The public API against the committed reports (api/*.api.md): a changed surface fails until reviewed.
  npx tsx scripts/api/report.ts --check || { echo "api report: run 'npm run api' and review the diff"; return 1; }
}
jest_project() { # project [jest args...]
  if [ "$1" = unit-cdktn ] || [ "$1" = local-cdktn ]; then
    # The cdktn flavor: its projects exist only with ECS_CDKTF_JEST_FLAVOR, and cdktn needs Node 22.
    ECS_CDKTF_JEST_FLAVOR=cdktn "$ECS_CDKTF_NODE22" node_modules/jest/bin/jest.js --ci --selectProjects "$1" \
      --maxWorkers="$([ "$1" = local-cdktn ] && echo 1 || echo 2)" --json --outputFile="$results/jest-$1.json" $([ "$filtered" = 1 ] && echo --passWithNoTests) "${@:2}"
    return
  fi
  npx jest --ci --selectProjects "$1" --maxWorkers="$(workers "$1")" --json --outputFile="$results/jest-$1.json" \
    $([ "$filtered" = 1 ] && echo --passWithNoTests) "${@:2}"
}
pytest_run() { # paths...
  "$ECS_CDKTF_VENV/bin/python" -m pytest -q -p no:cacheprovider --junitxml="$results/pytest.xml" "$@"
}

case "$lane" in
  all)
    # The slowest first, so it is never the one left running alone at the end.
    side_by_side jest-local jest_project local "$@"
    side_by_side jest-local-cdktn jest_project local-cdktn "$@"
    FILL=1 side_by_side jest-unit jest_project unit "$@"
    FILL=1 side_by_side jest-unit-cdktn jest_project unit-cdktn "$@"
    FILL=1 side_by_side checks static_checks
    [ "$filtered" = 1 ] || FILL=1 side_by_side pytest pytest_run src tools/tests
    wait_side_by_side
    ;;
  # pytest in the background (its output follows jest's), jest in the foreground, streaming.
  unit)
    [ "$filtered" = 1 ] || side_by_side pytest pytest_run src
    jest_phase unit "$@"
    [ "$filtered" = 1 ] || wait_side_by_side
    ;;
  local)
    [ "$filtered" = 1 ] || side_by_side pytest pytest_run tools/tests
    side_by_side jest-local-cdktn jest_project local-cdktn "$@"
    jest_phase local "$@"
    wait_side_by_side
    ;;
  cdktn)
    jest_phase unit-cdktn "$@"
    ;;
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
