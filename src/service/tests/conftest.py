"""Shared helpers: run the service under the real gunicorn + gunicorn.conf.py.

gunicorn is started as ``<this python> -m gunicorn -c gunicorn.conf.py <app>`` with
cwd = src/service, so whatever interpreter runs pytest (any venv that has the
packages of requirements-dev.txt) is the one that runs the server. Nothing here
depends on where that venv lives.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

SERVICE_DIR = Path(__file__).resolve().parents[1]
TESTS_DIR = Path(__file__).resolve().parent

if str(SERVICE_DIR) not in sys.path:
    sys.path.insert(0, str(SERVICE_DIR))

# Variables that would leak the caller's configuration into the server under test.
_SCRUBBED_ENV = (
    "TASK_ID",
    "ECS_CONTAINER_METADATA_URI_V4",
    "ECS_CONTAINER_METADATA_URI",
    "GUNICORN_CMD_ARGS",
    "PORT",
    "GUNICORN_BIND_HOST",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GRACEFUL_TIMEOUT",
    "GUNICORN_KEEPALIVE",
    "LOG_LEVEL",
    "FLASK_APP",
)


def gunicorn_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *args]


def service_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(overrides)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _LineCollector:
    """Drains a pipe on a thread (so the server never blocks on a full pipe)."""

    def __init__(self, stream: Any) -> None:
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self._thread.start()

    def _run(self, stream: Any) -> None:
        for raw in stream:
            with self._cond:
                self.lines.append(raw.rstrip("\n"))
                self._cond.notify_all()
        stream.close()

    def snapshot(self) -> list[str]:
        with self._cond:
            return list(self.lines)

    def wait_for(self, predicate: Callable[[str], bool], timeout: float) -> str:
        deadline = time.monotonic() + timeout
        with self._cond:
            seen = 0
            while True:
                for line in self.lines[seen:]:
                    if predicate(line):
                        return line
                seen = len(self.lines)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no matching line within {timeout}s; got:\n" + "\n".join(self.lines[-40:])
                    )
                self._cond.wait(remaining)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


class GunicornServer:
    def __init__(
        self,
        app_spec: str = "hello_world:app",
        extra_args: tuple[str, ...] = (),
        **env: str,
    ) -> None:
        self.port = int(env.get("PORT") or free_port())
        env.setdefault("PORT", str(self.port))
        env.setdefault("GUNICORN_BIND_HOST", "127.0.0.1")  # never listen beyond loopback in tests
        self.env = service_env(**env)
        self.proc = subprocess.Popen(
            gunicorn_command(*extra_args, app_spec),
            cwd=SERVICE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            start_new_session=True,  # our own process group: cleanup never touches anything else
        )
        self.stdout = _LineCollector(self.proc.stdout)
        self.stderr = _LineCollector(self.proc.stderr)
        self.exit_seconds: float | None = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.headers, resp.read()
        finally:
            conn.close()

    def get_json(self, path: str) -> tuple[int, http.client.HTTPMessage, Any]:
        status, headers, body = self.request("GET", path)
        return status, headers, json.loads(body)

    def wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                status, _, _ = self.request("GET", "/health", timeout=1.0)
                if status == 200:
                    return
            except OSError as exc:
                last_error = exc
            time.sleep(0.1)
        self.kill()
        raise AssertionError(
            f"gunicorn not healthy on port {self.port} (exit={self.proc.poll()}, "
            f"last error={last_error!r})\nstderr:\n" + "\n".join(self.stderr.snapshot()[-40:])
        )

    def terminate(self, timeout: float) -> int:
        """SIGTERM the master and wait for it; returns the exit code."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"gunicorn did not exit within {timeout}s of SIGTERM") from None
        self.exit_seconds = time.monotonic() - started
        self.stdout.join(5)
        self.stderr.join(5)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)

    def worker_pids(self) -> list[int]:
        """Children of the master, read from /proc (Linux)."""
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...; comm may contain spaces, so split after ')'
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.proc.pid:
                children.append(int(entry.name))
        return sorted(children)


SERVER_ENV = {
    "TASK_ID": f"pytest-task-{uuid.uuid4().hex[:8]}",
    "WEB_CONCURRENCY": "3",
    "GUNICORN_THREADS": "2",
    "GRACEFUL_TIMEOUT": "5",
}


@pytest.fixture(scope="session")
def server() -> Iterator[GunicornServer]:
    """The service under gunicorn for the whole session; SIGTERM'd at the end."""
    srv = GunicornServer(**SERVER_ENV)
    try:
        srv.wait_healthy()
        yield srv
    finally:
        if srv.proc.poll() is None:
            graceful = int(SERVER_ENV["GRACEFUL_TIMEOUT"])
            code = srv.terminate(timeout=graceful + 10)
            assert code == 0, f"gunicorn exited {code} on SIGTERM\n" + "\n".join(
                srv.stderr.snapshot()[-40:]
            )
        srv.kill()
