#!/usr/bin/env bash
# The cdktn (CDK Terrain) flavor's toolchain, idempotently and without root:
# - Node 22, which cdktn needs: the machine's own when it is 22 or newer, else the official build
#   from the npm registry's `node-linux-<arch>` package (the binary the `node` package installs),
#   unpacked into $ECS_CDKTF_CACHE/node/v<version>/ and reused from there;
# - the flavor's npm packages (flavors/cdktn/package-lock.json: cdktn, @cdktn/provider-aws,
#   constructs), installed with `npm ci` into flavors/cdktn/node_modules when the lockfile changed.
#
# Prints one line for toolchain.env on stdout (everything else goes to stderr):
#   export ECS_CDKTF_NODE22="<a node 22 binary>"
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

NODE22_VERSION=22.23.5

major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(major node)" -ge 22 ]; then
  node22="$(command -v node)"
  log "node $(node --version) is 22 or newer: the cdktn flavor uses it"
else
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "no Node 22 package for $(uname -m)" ;;
  esac
  dir="$ECS_CDKTF_CACHE/node/v$NODE22_VERSION-$arch"
  node22="$dir/bin/node"
  if [ -x "$node22" ] && [ -f "$dir/.complete" ]; then
    log "node v$NODE22_VERSION cached at $dir"
  else
    log "fetching node v$NODE22_VERSION (npm package node-linux-$arch) into $dir"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && npm pack --silent "node-linux-$arch@$NODE22_VERSION") >&2 ||
      die "npm pack node-linux-$arch@$NODE22_VERSION failed"
    rm -rf "$dir"
    mkdir -p "$dir"
    tar -xzf "$work"/node-linux-*.tgz -C "$dir" --strip-components=1
    [ "$("$node22" --version)" = "v$NODE22_VERSION" ] || die "the unpacked node is not v$NODE22_VERSION"
    touch "$dir/.complete"
  fi
fi

flavor=flavors/cdktn
lock_hash="$(sha256sum "$flavor/package-lock.json" | cut -c1-16)"
if [ -f "$flavor/node_modules/.ecs-cdktf-lock-hash" ] && [ "$(cat "$flavor/node_modules/.ecs-cdktf-lock-hash")" = "$lock_hash" ]; then
  log "$flavor/node_modules matches its package-lock.json"
else
  log "npm ci ($flavor)"
  # cdktn declares Node >= 22: the install itself only unpacks, any npm will do.
  (cd "$flavor" && npm ci --no-audit --no-fund --loglevel=error --engine-strict=false) >&2
  echo "$lock_hash" > "$flavor/node_modules/.ecs-cdktf-lock-hash"
fi

echo "export ECS_CDKTF_NODE22=\"$node22\""
