#!/usr/bin/env bash
# The local AWS: moto server on 127.0.0.1 (tools/moto_server.py: moto plus fixes of its known gaps).
#   moto.sh start   start it (or reuse the one already running), wait until it answers, print its endpoint
#   moto.sh status  print the endpoint if it is running, else exit 1
#   moto.sh reset   forget every resource (POST /moto-api/reset)
#   moto.sh stop    stop it
# Port: $MOTO_PORT if set, else 4566 when free, else any free port. State: $ECS_CDKTF_CACHE/run/.
# Tests do not use this: they start their own server on a free port (test/support/moto.ts).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
load_toolchain_env

run_dir="$ECS_CDKTF_CACHE/run"
pid_file="$run_dir/moto.pid"
port_file="$run_dir/moto.port"
mkdir -p "$run_dir"

endpoint_of() { printf 'http://127.0.0.1:%s\n' "$1"; }
answers() { curl -fsS --max-time 2 -o /dev/null "$(endpoint_of "$1")/moto-api/" 2>/dev/null; }
running_port() {
  [ -f "$pid_file" ] && [ -f "$port_file" ] || return 1
  kill -0 "$(cat "$pid_file")" 2>/dev/null || return 1
  answers "$(cat "$port_file")" || return 1
  cat "$port_file"
}
free_port() {
  "$ECS_CDKTF_VENV/bin/python" - "$@" <<'EOF'
import socket, sys
preferred = int(sys.argv[1]) if len(sys.argv) > 1 else 0
for port in ([preferred] if preferred else []) + [0]:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        print(s.getsockname()[1])
        break
    except OSError:
        continue
    finally:
        s.close()
EOF
}

case "${1:-}" in
  start)
    if port="$(running_port)"; then endpoint_of "$port"; exit 0; fi
    port="${MOTO_PORT:-$(free_port 4566)}"
    nohup "$ECS_CDKTF_VENV/bin/python" "$REPO_ROOT/tools/moto_server.py" -H 127.0.0.1 -p "$port" > "$run_dir/moto.log" 2>&1 &
    echo $! > "$pid_file"
    echo "$port" > "$port_file"
    for _ in $(seq 1 100); do
      if answers "$port"; then endpoint_of "$port"; exit 0; fi
      kill -0 "$(cat "$pid_file")" 2>/dev/null || break
      sleep 0.2
    done
    die "moto server did not answer on port $port (log: $run_dir/moto.log)"
    ;;
  status)
    port="$(running_port)" || { echo "moto server is not running" >&2; exit 1; }
    endpoint_of "$port"
    ;;
  reset)
    port="$(running_port)" || die "moto server is not running"
    curl -fsS -X POST "$(endpoint_of "$port")/moto-api/reset" > /dev/null
    log "moto server reset"
    ;;
  stop)
    if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      kill "$(cat "$pid_file")"
      log "moto server stopped"
    fi
    rm -f "$pid_file" "$port_file"
    ;;
  *) die "usage: moto.sh start|status|reset|stop" ;;
esac
