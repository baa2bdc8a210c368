#!/usr/bin/env bash
# The main job against the local AWS:
#   local.sh deploy   setup, start moto server (or reuse the running one), synth, deploy every stack,
#                     print the outputs. Re-runnable: a second run changes nothing.
#   local.sh destroy  destroy every stack of the local deployment.
#   local.sh stop     stop the local AWS (its state is in memory: the next deploy recreates all).
# Environment: ECS_CDKTF_ENV picks the environment (default dev).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

action="${1:-deploy}"
case "$action" in deploy | destroy | stop) ;; *) die "usage: local.sh deploy|destroy|stop" ;; esac

bash scripts/setup.sh
load_toolchain_env
if [ "$action" = stop ]; then exec bash scripts/moto.sh stop; fi

LOCAL_AWS_ENDPOINT="$(bash scripts/moto.sh start)"
export LOCAL_AWS_ENDPOINT ECS_CDKTF_TARGET=local
log "local AWS at $LOCAL_AWS_ENDPOINT (moto server)"

# The local AWS forgets everything when it restarts; state left from an earlier server would name
# resources that no longer exist. Terraform's refresh notices and plans to create them again.
outputs="$ECS_CDKTF_CACHE/run/outputs.json"
# --skip-provider-lock: cdktf would otherwise run `terraform providers lock` against the registry.
if [ "$action" = deploy ]; then
  npx cdktf deploy '*' --auto-approve --skip-provider-lock --outputs-file "$outputs"
  log "outputs ($outputs):"
  cat "$outputs"
  echo
else
  npx cdktf destroy '*' --auto-approve --skip-provider-lock
fi
