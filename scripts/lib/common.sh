# shellcheck shell=bash
# Shared paths for the setup and run scripts. Source it; it defines, it does not run anything.
#
# Everything built or downloaded lives OUTSIDE the repo, so a fresh clone (CI) reuses it:
#   $ECS_CDKTF_CACHE (default ~/.cache/ecs-cdktf)
#     opentofu/<version>/tofu            OpenTofu built from its Go module (only if no terraform on PATH)
#     provider-build/<commit>/           scratch copy of the provider's Go module, then the binary
#     mirror/registry.terraform.io/...   Terraform filesystem mirror holding hashicorp/aws
#     terraformrc                        CLI config pointing at that mirror (TF_CLI_CONFIG_FILE)
#     venv-<hash>/                       Python tools, keyed by the requirements file's hash
#     toolchain.env                      what the other scripts export (written by setup)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ECS_CDKTF_CACHE="${ECS_CDKTF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecs-cdktf}"
TOOLCHAIN_ENV="$ECS_CDKTF_CACHE/toolchain.env"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Loads what setup recorded (TF_CLI_CONFIG_FILE, TERRAFORM_BINARY_NAME, the venv, ...).
load_toolchain_env() {
  [ -f "$TOOLCHAIN_ENV" ] || die "toolchain not set up: run 'bash scripts/setup.sh' first ($TOOLCHAIN_ENV missing)"
  # shellcheck disable=SC1090
  . "$TOOLCHAIN_ENV"
}
