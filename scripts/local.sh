#!/usr/bin/env bash
# The main job against the local AWS (docs/stacks.md):
#   local.sh deploy [--env E] [--strict] [--allow-destroy-protected]
#       setup; start moto server (or reuse the running one); synthesize the environment (default dev);
#       then per stack, dependencies first: terraform plan, the plan review and its gate, and apply of
#       exactly the reviewed plan. Prints the review and the outputs. Re-runnable: a second run plans
#       no change and applies nothing.
#   local.sh destroy [--env E] [--include-foundation]
#       destroys the app stack; keeps the foundation (network, private zone, static IPs) and says so.
#       --include-foundation destroys it too, on purpose (and lets this one run release the Elastic
#       IPs: ECS_CDKTF_ALLOW_EIP_DESTROY=1).
#   local.sh stop
#       stops the local AWS (its state is in memory: the next deploy recreates everything).
# Environment:
#   ECS_CDKTF_ENV        environment (default dev); same as --env
#   LOCAL_AWS_ENDPOINT   use this emulator instead of starting moto server (the test suite does)
#   CDKTF_OUTDIR         where to synthesize (default cdktf.out); outputs go to $CDKTF_OUTDIR/outputs.json
#   ECS_CDKTF_STATE_DIR  directory of the local state files (default: the repository root)
#   ECS_CDKTF_SKIP_SETUP=1  skip setup (when it has just run, as in `npm test`)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

action="${1:-deploy}"
[ "$#" -gt 0 ] && shift
case "$action" in deploy | destroy | stop) ;; *) die "usage: local.sh deploy|destroy|stop [options]" ;; esac

if [ "${ECS_CDKTF_SKIP_SETUP:-}" != 1 ]; then bash scripts/setup.sh; fi
load_toolchain_env
if [ "$action" = stop ]; then exec bash scripts/moto.sh stop; fi

if [ -z "${LOCAL_AWS_ENDPOINT:-}" ]; then
  LOCAL_AWS_ENDPOINT="$(bash scripts/moto.sh start)"
fi
export LOCAL_AWS_ENDPOINT ECS_CDKTF_TARGET=local
log "local AWS at $LOCAL_AWS_ENDPOINT (moto server)"

# The local AWS forgets everything when it restarts; state left from an earlier server names
# resources that no longer exist. Terraform's refresh notices, and the plan creates them again.
outdir="${CDKTF_OUTDIR:-$REPO_ROOT/cdktf.out}"
mkdir -p "$outdir"
review=(node --import tsx scripts/review/cli.ts)
if [ "$action" = deploy ]; then
  "${review[@]}" deploy --outdir "$outdir" --outputs-file "$outdir/outputs.json" "$@"
else
  for arg in "$@"; do
    # Destroying the foundation on purpose releases the static IPs' Elastic IPs, which their
    # lifecycle.prevent_destroy otherwise refuses: this run only, never the default.
    if [ "$arg" = --include-foundation ]; then export ECS_CDKTF_ALLOW_EIP_DESTROY=1; fi
  done
  "${review[@]}" destroy --outdir "$outdir" "$@"
fi
