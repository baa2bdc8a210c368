#!/usr/bin/env bash
# `npm run review -- [--env E] [--format text|markdown|json] [--out FILE] [--allow-destroy-protected]`:
# the plan review of one environment (scripts/review/cli.ts) with the toolchain loaded.
# Target: ECS_CDKTF_TARGET=aws for real AWS (credentials from the usual chain); otherwise the local
# AWS: LOCAL_AWS_ENDPOINT, or the moto server `npm run local` started.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$REPO_ROOT"
load_toolchain_env

wants_help() { for a in "$@"; do case "$a" in --help | -h) return 0 ;; esac; done; return 1; }
if ! wants_help "$@" && [ "${ECS_CDKTF_TARGET:-local}" = local ] && [ -z "${LOCAL_AWS_ENDPOINT:-}" ]; then
  LOCAL_AWS_ENDPOINT="$(bash scripts/moto.sh status 2> /dev/null)" ||
    die "the local AWS is not running: start it with 'npm run local', or set ECS_CDKTF_TARGET=aws for real AWS"
  export LOCAL_AWS_ENDPOINT
fi
exec node --import tsx scripts/review/cli.ts review "$@"
