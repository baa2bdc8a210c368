#!/usr/bin/env bash
# Provides a real HAProxy binary for the edge proxy's config tests (test/modules/static-ip-haproxy.test.ts),
# idempotently and without root: Debian's haproxy package and the libraries it links that the
# machine may lack, fetched with `apt-get download` and unpacked with `dpkg-deb -x` into
#   $ECS_CDKTF_CACHE/haproxy/<package version>/
# with a wrapper `bin/haproxy` that sets LD_LIBRARY_PATH. Nothing is fetched when that exists.
#
# Debian 12 ships HAProxy 2.6 (LTS); the module's default image is the 2.6 line too
# (DEFAULT_PROXY_IMAGE in modules/static-ip/props.ts), so the tested config is what the image runs.
#
# Prints one line for toolchain.env on stdout (everything else goes to stderr):
#   export ECS_CDKTF_HAPROXY="<cache>/haproxy/<version>/bin/haproxy"
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Packages to unpack: haproxy, and the libraries of its Debian build that a machine without
# haproxy installed usually lacks (checked with ldd below; add any it reports missing).
PACKAGES=(haproxy liblua5.3-0 libopentracing-c-wrapper0 libopentracing1)

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
  die "setup-haproxy needs apt-get and dpkg-deb (a Debian or Ubuntu machine)"

candidate() { apt-cache policy haproxy 2>/dev/null | sed -n 's/^ *Candidate: *//p'; }
refresh_lists() {
  log "apt-get update ($1)"
  apt-get update -qq >&2 || die "apt-get update failed; run it as root once, or install haproxy's package lists"
}

version="$(candidate)"
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  refresh_lists "no haproxy candidate known"
  version="$(candidate)"
fi
[ -n "$version" ] && [ "$version" != "(none)" ] || die "apt knows no haproxy package"

dir="$ECS_CDKTF_CACHE/haproxy/$version"
wrapper="$dir/bin/haproxy"
if [ -x "$wrapper" ] && [ -f "$dir/.complete" ]; then
  log "haproxy $version cached at $dir"
else
  log "fetching haproxy $version into $dir"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # apt-get download writes into the current directory (as root it warns that _apt cannot read it).
  if ! (cd "$work" && apt-get download -q "${PACKAGES[@]}") >&2; then
    # Stale package lists name versions the mirror no longer serves (security updates replace them).
    refresh_lists "apt-get download failed; the package lists may be stale"
    version="$(candidate)"
    dir="$ECS_CDKTF_CACHE/haproxy/$version"
    wrapper="$dir/bin/haproxy"
    (cd "$work" && apt-get download -q "${PACKAGES[@]}") >&2 || die "apt-get download ${PACKAGES[*]} failed"
  fi
  rm -rf "$dir"
  mkdir -p "$dir/root" "$dir/bin"
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
  libs="$dir/root/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
  missing="$(LD_LIBRARY_PATH="$libs" ldd "$dir/root/usr/sbin/haproxy" | awk '/not found/ { print $1 }')"
  [ -z "$missing" ] || die "haproxy still lacks: $missing (add their packages to PACKAGES in $0)"
  cat > "$wrapper" <<EOF
#!/bin/sh
# haproxy $version unpacked from Debian's package by scripts/setup-haproxy.sh
LD_LIBRARY_PATH="$libs\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$dir/root/usr/sbin/haproxy" "\$@"
EOF
  chmod +x "$wrapper"
  "$wrapper" -v >&2 || die "the unpacked haproxy does not run"
  touch "$dir/.complete"
fi
printf 'export ECS_CDKTF_HAPROXY="%s"\n' "$wrapper"
