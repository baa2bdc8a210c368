#!/usr/bin/env bash
# Prints benchmark medians (bench/run.ts). Numbers, not a test.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"
bash scripts/setup.sh
load_toolchain_env
run_tmp="$(mktemp -d)"
trap 'rm -rf "$run_tmp"' EXIT
TMPDIR="$run_tmp" npx tsx bench/run.ts "$@"
