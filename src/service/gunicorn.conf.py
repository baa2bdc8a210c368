"""gunicorn configuration for the hello_world service, driven by environment variables.

    gunicorn -c gunicorn.conf.py hello_world:app

| env var                 | default   | meaning                                                     |
|-------------------------|-----------|-------------------------------------------------------------|
| PORT                    | 8080      | TCP port to listen on                                       |
| GUNICORN_BIND_HOST      | 0.0.0.0   | address to bind (tests/bench use 127.0.0.1)                 |
| WEB_CONCURRENCY         | 2         | worker processes                                            |
| GUNICORN_THREADS        | 4         | threads per worker (gthread worker class)                   |
| GUNICORN_TIMEOUT        | 30        | seconds a silent worker may take before it is killed        |
| GRACEFUL_TIMEOUT        | 20        | seconds in-flight requests get after SIGTERM (< ECS stopTimeout, 30 s by default) |
| GUNICORN_KEEPALIVE      | 75        | idle keep-alive seconds (> the ALB idle timeout of 60 s)    |
| LOG_LEVEL               | info      | gunicorn's own log level                                    |

Access logging in gunicorn is off: the application writes one JSON line per request
to stdout. gunicorn's own messages (boot, worker start/exit, errors) are JSON lines
on stderr. An invalid value makes gunicorn refuse to start (exit code 1).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone


def _env_int(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def _env_str(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


_port = _env_int("PORT", 8080, minimum=1)
if _port > 65535:
    raise ValueError(f"PORT must be <= 65535, got {_port}")
_host = _env_str("GUNICORN_BIND_HOST", "0.0.0.0")
if ":" in _host and not _host.startswith("["):
    _host = f"[{_host}]"  # IPv6 literal

bind = [f"{_host}:{_port}"]
workers = _env_int("WEB_CONCURRENCY", 2, minimum=1)
threads = _env_int("GUNICORN_THREADS", 4, minimum=1)
# gthread even with threads=1: unlike the sync worker it supports keep-alive,
# which matters behind an ALB that reuses connections.
worker_class = "gthread"
timeout = _env_int("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = _env_int("GRACEFUL_TIMEOUT", 20, minimum=0)
keepalive = _env_int("GUNICORN_KEEPALIVE", 75, minimum=0)

proc_name = "hello_world"
# The gunicornc control socket (gunicorn >= 25.1) would default to a path under
# $HOME shared by every gunicorn on the host; the service does not use it.
control_socket_disable = True
# Worker heartbeat files on tmpfs (a disk-backed /tmp can stall workers in containers).
if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
    worker_tmp_dir = "/dev/shm"

accesslog = None  # the app logs one JSON line per request itself
errorlog = "-"
loglevel = _env_str("LOG_LEVEL", "info").lower()


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        ts = datetime.fromtimestamp(record.created, tz=timezone.utc)
        entry = {
            "ts": ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, separators=(", ", ": "))


logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": _JsonFormatter}},
    "handlers": {
        "stderr_json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"level": "WARNING", "handlers": ["stderr_json"]},
    "loggers": {
        "gunicorn.error": {
            "level": loglevel.upper(),
            "handlers": ["stderr_json"],
            "propagate": False,
            "qualname": "gunicorn.error",
        },
        "gunicorn.access": {
            "level": "INFO",
            "handlers": [],
            "propagate": False,
            "qualname": "gunicorn.access",
        },
    },
}
