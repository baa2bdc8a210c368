#!/usr/bin/env bash
# Provides the Terraform CLI and the hashicorp/aws provider, idempotently, cached outside the repo.
#
# Terraform CLI: the binary on PATH when its version matches .terraform-version; otherwise
#   OpenTofu (pinned below) built from its Go module and cached. Terraform itself cannot be built
#   from the Go proxy: its remote-state backends are nested modules that its go.mod replaces with
#   local directories, and module zips leave nested modules out.
# hashicorp/aws: from the Terraform registry when it is reachable; otherwise built from its Go
#   module at the commit pinned in toolchain/provider-aws.env and installed into a filesystem
#   mirror (cached by commit; never rebuilt when present).
#
# Writes $ECS_CDKTF_CACHE/terraformrc and the TF/provider lines of toolchain.env (stdout of this
# script is those lines; scripts/setup.sh collects them).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck disable=SC1091
. "$REPO_ROOT/toolchain/provider-aws.env"

TF_VERSION="$(tr -d ' \n' < "$REPO_ROOT/.terraform-version")"
# The fallback CLI: OpenTofu of the same generation (reads the same JSON, TF_CLI_CONFIG_FILE and
# filesystem mirrors).
OPENTOFU_VERSION=1.10.7
GO_BUILD_PARALLELISM="${GO_BUILD_PARALLELISM:-2}"
mkdir -p "$ECS_CDKTF_CACHE"

# Downloads a Go module version into the module cache and prints its directory.
go_module_dir() {
  local dir
  dir="$(cd "$ECS_CDKTF_CACHE" && GOFLAGS=-mod=mod go mod download -json "$1@$2" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] && [ -d "$dir" ] || die "could not download Go module $1@$2"
  printf '%s\n' "$dir"
}

# Builds the main package of a downloaded module inside a writable copy (the module cache is
# read-only, and building in place would not honour the module's own go.mod replace lines).
# Prints a progress line every 100 packages: the provider is ~2,000 packages and takes a while.
go_build_module() { # module version workdir output [package]
  local module="$1" version="$2" work="$3" out="$4" package="${5:-.}" src
  src="$(go_module_dir "$module" "$version")"
  rm -rf "$work" && mkdir -p "$(dirname "$work")"
  cp -r "$src" "$work" && chmod -R u+w "$work"
  # Build with the Go toolchain the module itself names (its toolchain line, else its go line),
  # fetched from the Go module proxy when it is not the local one: a newer Go can reject an older
  # module's go.mod (Go 1.26 refuses Terraform 1.11's `godebug tlskyber`).
  local toolchain
  toolchain="$(sed -n 's/^toolchain \(go[0-9.]*\)$/\1/p' "$work/go.mod")"
  [ -n "$toolchain" ] || toolchain="go$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$work/go.mod")"
  log "building $module@$version with $toolchain (go build -p $GO_BUILD_PARALLELISM); progress every 100 packages"
  local start=$SECONDS
  (cd "$work" && GOTOOLCHAIN="$toolchain" go build -v -p "$GO_BUILD_PARALLELISM" -trimpath -ldflags '-s -w' -o "$out.tmp" "$package" 2>&1) |
    awk -v s="$start" '{ n++; if (n % 100 == 0) { printf "  ... %d packages compiled\n", n; fflush() } }
      /^#|error|cannot|undefined/ { print; fflush() }' >&2
  [ -x "$out.tmp" ] || die "build of $module@$version failed"
  mv "$out.tmp" "$out"
  rm -rf "$work"
  log "built $out in $((SECONDS - start)) s"
}

# --- Terraform CLI ----------------------------------------------------------------------------
terraform_bin=""
if command -v terraform >/dev/null 2>&1 &&
  [ "$(terraform version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')" = "$TF_VERSION" ]; then
  terraform_bin="$(command -v terraform)"
  log "terraform $TF_VERSION found at $terraform_bin"
else
  terraform_bin="$ECS_CDKTF_CACHE/opentofu/$OPENTOFU_VERSION/tofu"
  if [ -x "$terraform_bin" ]; then
    log "no terraform $TF_VERSION on PATH: using OpenTofu $OPENTOFU_VERSION cached at $terraform_bin"
  else
    log "no terraform $TF_VERSION on PATH: building OpenTofu $OPENTOFU_VERSION from its Go module"
    go_build_module github.com/opentofu/opentofu "v$OPENTOFU_VERSION" \
      "$ECS_CDKTF_CACHE/opentofu/$OPENTOFU_VERSION/src" "$terraform_bin" ./cmd/tofu
  fi
fi

# --- hashicorp/aws provider -------------------------------------------------------------------
registry_reachable() {
  [ "${ECS_CDKTF_FORCE_MIRROR:-}" = "1" ] && return 1
  curl -fsS --max-time 5 -o /dev/null https://registry.terraform.io/.well-known/terraform.json 2>/dev/null
}

rc="$ECS_CDKTF_CACHE/terraformrc"
if registry_reachable; then
  log "Terraform registry reachable: hashicorp/aws comes from it"
  printf '# written by scripts/setup-terraform.sh: registry mode\n' > "$rc"
  constraint=""
  # Terraform installs it per directory: no one binary the tests can start themselves.
  provider_bin=""
else
  mirror="$ECS_CDKTF_CACHE/mirror"
  target="$(go env GOOS)_$(go env GOARCH)"
  dest="$mirror/registry.terraform.io/hashicorp/aws/$PROVIDER_AWS_MIRROR_VERSION/$target"
  bin="$dest/terraform-provider-aws_v$PROVIDER_AWS_MIRROR_VERSION"
  if [ -x "$bin" ]; then
    log "hashicorp/aws $PROVIDER_AWS_MIRROR_VERSION (commit $PROVIDER_AWS_COMMIT) cached in $mirror"
  else
    log "no Terraform registry: building hashicorp/aws from commit $PROVIDER_AWS_COMMIT (cold build, ~15-30 min)"
    mkdir -p "$dest"
    go_build_module "$PROVIDER_AWS_GO_MODULE" "$PROVIDER_AWS_GO_MODULE_VERSION" \
      "$ECS_CDKTF_CACHE/provider-build/$PROVIDER_AWS_COMMIT" "$bin"
  fi
  # OpenTofu resolves "hashicorp/aws" on its own registry host: the same binary serves both.
  tofu_dest="$mirror/registry.opentofu.org/hashicorp/aws/$PROVIDER_AWS_MIRROR_VERSION"
  if [ ! -e "$tofu_dest/$target" ]; then mkdir -p "$tofu_dest" && ln -sfn "$dest" "$tofu_dest/$target"; fi
  cat > "$rc" <<EOF
# written by scripts/setup-terraform.sh: offline mode, hashicorp/aws from a filesystem mirror
# built from commit $PROVIDER_AWS_COMMIT ($PROVIDER_AWS_GO_MODULE_VERSION).
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws", "registry.opentofu.org/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws", "registry.opentofu.org/hashicorp/aws"]
  }
}
EOF
  # A pre-release is only selected by an exact constraint.
  constraint="$PROVIDER_AWS_MIRROR_VERSION"
  provider_bin="$bin"
fi

cat <<EOF
export TF_CLI_CONFIG_FILE="$rc"
export TERRAFORM_BINARY_NAME="$terraform_bin"
export PATH="$(dirname "$terraform_bin"):\$PATH"
export CHECKPOINT_DISABLE=1
export AWS_PROVIDER_VERSION_CONSTRAINT="$constraint"
export ECS_CDKTF_AWS_PROVIDER_BINARY="$provider_bin"
EOF
