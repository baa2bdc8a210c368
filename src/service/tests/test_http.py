"""The service over real HTTP, served by gunicorn with the real gunicorn.conf.py.

The session fixture ``server`` (conftest.py) starts ``python -m gunicorn -c
gunicorn.conf.py hello_world:app`` on a free 127.0.0.1 port with
WEB_CONCURRENCY=3, GUNICORN_THREADS=2, GRACEFUL_TIMEOUT=5 and a unique TASK_ID,
waits for /health, and at the end sends SIGTERM and asserts exit code 0.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest

from conftest import SERVER_ENV, SERVICE_DIR, TESTS_DIR, GunicornServer, free_port, service_env


def _raw_exchange(port: int, payload: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes, read until the server closes (or timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(payload)
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except socket.timeout:
            pass
    return b"".join(chunks)


def test_root_greets_and_names_the_task(server: GunicornServer) -> None:
    status, headers, body = server.get_json("/")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert body == {"message": "Hello, World!", "served_by": SERVER_ENV["TASK_ID"]}


def test_health(server: GunicornServer) -> None:
    status, headers, body = server.get_json("/health")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert body == {"status": "ok"}


def test_head_health_has_no_body(server: GunicornServer) -> None:
    status, _, body = server.request("HEAD", "/health")
    assert status == 200
    assert body == b""


def test_unknown_path_is_404_json(server: GunicornServer) -> None:
    status, headers, body = server.get_json("/no/such/thing")
    assert status == 404
    assert headers["Content-Type"] == "application/json"
    assert body["error"]["status"] == 404
    assert body["error"]["name"] == "Not Found"


def test_wrong_method_is_405_json_with_allow(server: GunicornServer) -> None:
    status, headers, raw = server.request(
        "POST", "/", body=b"{}", headers={"Content-Type": "application/json"}
    )
    assert status == 405
    assert headers["Content-Type"] == "application/json"
    assert "GET" in headers["Allow"]
    assert json.loads(raw)["error"]["status"] == 405


def test_unconventional_method_token_is_405_json(server: GunicornServer) -> None:
    reply = _raw_exchange(server.port, b"FROB / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405 ")
    assert json.loads(body)["error"]["status"] == 405


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"GARBAGE\r\n\r\n", id="garbage-request-line"),
        pytest.param(b"GET / HTTP/9.9\r\nHost: t\r\n\r\n", id="bad-http-version"),
        pytest.param(b"GET / HTTP/1.1\r\nHost t\r\n\r\n", id="header-without-colon"),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n", id="bad-content-length"
        ),
    ],
)
def test_malformed_http_gets_400_and_server_survives(
    server: GunicornServer, payload: bytes
) -> None:
    reply = _raw_exchange(server.port, payload)
    assert reply.startswith(b"HTTP/1.1 400 "), reply[:200]
    status, _, _ = server.request("GET", "/health")
    assert status == 200


def test_keep_alive_connection_is_reused(server: GunicornServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", "/")
        first = conn.getresponse()
        first.read()
        sock = conn.sock
        conn.request("GET", "/health")
        second = conn.getresponse()
        second.read()
        assert (first.status, second.status) == (200, 200)
        assert sock is not None and conn.sock is sock, "connection was not kept alive"
    finally:
        conn.close()


def test_one_structured_log_line_per_request(server: GunicornServer) -> None:
    probe = f"/log-probe-{uuid.uuid4().hex}"
    trace = "Root=1-67891233-abcdef012345678912345678"
    status, _, _ = server.request("GET", probe, headers={"X-Amzn-Trace-Id": trace})
    assert status == 404
    line = server.stdout.wait_for(lambda s: probe in s, timeout=10)
    entry = json.loads(line)
    assert entry["msg"] == "request"
    assert entry["level"] == "INFO"
    assert entry["method"] == "GET"
    assert entry["path"] == probe
    assert entry["status"] == 404
    assert isinstance(entry["duration_ms"], (int, float)) and entry["duration_ms"] >= 0
    assert entry["served_by"] == SERVER_ENV["TASK_ID"]
    assert entry["trace_id"] == trace
    time.sleep(0.2)
    assert sum(probe in s for s in server.stdout.snapshot()) == 1


def test_all_output_is_json_lines(server: GunicornServer) -> None:
    server.request("GET", "/")
    server.stdout.wait_for(lambda s: '"path": "/"' in s, timeout=10)
    out, err = server.stdout.snapshot(), server.stderr.snapshot()
    assert out and err
    for line in out + err:
        json.loads(line)  # raises on a non-JSON line
    # gunicorn's access log is off: only the app's request lines go to stdout.
    assert {json.loads(s)["logger"] for s in out} <= {"hello_world.request", "hello_world.error"}


def test_port_and_bind_host_from_env(server: GunicornServer) -> None:
    line = server.stderr.wait_for(lambda s: "Listening at:" in s, timeout=10)
    assert json.loads(line)["msg"].startswith(f"Listening at: http://127.0.0.1:{server.port} ")


def test_worker_count_and_class_from_env(server: GunicornServer) -> None:
    expected = int(SERVER_ENV["WEB_CONCURRENCY"])
    deadline = time.monotonic() + 10
    while len(server.worker_pids()) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(server.worker_pids()) == expected
    server.stderr.wait_for(lambda s: "Using worker: gthread" in s, timeout=5)
    booted = [s for s in server.stderr.snapshot() if "Booting worker with pid" in s]
    assert len(booted) == expected


def test_healthcheck_script(server: GunicornServer) -> None:
    script = str(SERVICE_DIR / "healthcheck.py")
    ok = subprocess.run(
        [sys.executable, script],
        env=service_env(PORT=str(server.port)),
        capture_output=True,
        timeout=30,
    )
    assert ok.returncode == 0, ok.stderr
    dead = subprocess.run(
        [sys.executable, script],
        env=service_env(PORT=str(free_port())),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert dead.returncode == 1
    assert "healthcheck failed" in dead.stderr


def test_sigterm_lets_in_flight_request_finish_then_exits_0() -> None:
    srv = GunicornServer(
        app_spec="drain_app:app",
        extra_args=("--pythonpath", str(TESTS_DIR)),
        TASK_ID="drain-test",
        WEB_CONCURRENCY="1",
        GRACEFUL_TIMEOUT="10",
    )
    try:
        srv.wait_healthy()
        result: dict[str, object] = {}

        def call_slow() -> None:
            try:
                status, _, body = srv.request("GET", "/slow?s=1.5", timeout=20)
                result["status"], result["body"] = status, json.loads(body)
            except Exception as exc:  # reported by the assertion below
                result["error"] = exc
            result["done_at"] = time.monotonic()

        client = threading.Thread(target=call_slow)
        client.start()
        srv.stdout.wait_for(lambda s: '"slow-start"' in s, timeout=10)
        code = srv.terminate(timeout=25)
        exited_at = time.monotonic()
        client.join(20)
        assert "error" not in result, result
        assert result["status"] == 200 and result["body"] == {"slept": 1.5}
        assert code == 0
        assert result["done_at"] <= exited_at  # type: ignore[operator]
        srv.stderr.wait_for(lambda s: "Handling signal: term" in s, timeout=1)
    finally:
        srv.kill()


def test_invalid_env_refuses_to_start() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "hello_world:app"],
        cwd=SERVICE_DIR,
        env=service_env(
            PORT=str(free_port()), GUNICORN_BIND_HOST="127.0.0.1", GUNICORN_THREADS="lots"
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "GUNICORN_THREADS must be an integer" in proc.stdout + proc.stderr
