"""Unit tests of the Flask app through Flask's test client (no server)."""

from __future__ import annotations

import json
import logging

import pytest

import hello_world
from hello_world import JsonFormatter, create_app, resolve_task_id


@pytest.fixture()
def app():
    return create_app(served_by="unit-task")


@pytest.fixture()
def client(app):
    return app.test_client()


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture()
def request_lines():
    handler = _Capture()
    hello_world.request_log.addHandler(handler)
    try:
        yield handler.lines
    finally:
        hello_world.request_log.removeHandler(handler)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TASK_ID": "abc"}, "abc"),
        ({"TASK_ID": "  abc  ", "ECS_CONTAINER_METADATA_URI_V4": "http://x/v4/zzz"}, "abc"),
        ({"ECS_CONTAINER_METADATA_URI_V4": "http://169.254.170.2/v4/0a1b2c-123"}, "0a1b2c-123"),
        ({"ECS_CONTAINER_METADATA_URI_V4": "http://169.254.170.2/v4/0a1b2c-123/"}, "0a1b2c-123"),
        ({"ECS_CONTAINER_METADATA_URI_V4": "http://169.254.170.2/v4/id9?x=1"}, "id9"),
        ({"ECS_CONTAINER_METADATA_URI_V4": "http://169.254.170.2"}, "host-1"),
        ({"TASK_ID": "", "ECS_CONTAINER_METADATA_URI_V4": ""}, "host-1"),
        ({}, "host-1"),
    ],
)
def test_resolve_task_id(env, expected):
    assert resolve_task_id(env, "host-1") == expected


def test_resolve_task_id_without_hostname():
    assert resolve_task_id({}, "") == "unknown"


def test_index(client):
    resp = client.get("/")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.get_json() == {"message": "Hello, World!", "served_by": "unit-task"}
    assert list(json.loads(resp.data)) == ["message", "served_by"]


def test_health(client):
    resp = client.get("/health")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}


def test_404(client):
    resp = client.get("/missing")
    assert resp.status_code == 404
    assert resp.mimetype == "application/json"
    assert resp.get_json()["error"] == {
        "status": 404,
        "name": "Not Found",
        "message": resp.get_json()["error"]["message"],
    }


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_405_keeps_allow_header(client, method):
    resp = client.open("/health", method=method)
    assert resp.status_code == 405
    assert resp.mimetype == "application/json"
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}
    assert resp.get_json()["error"]["status"] == 405


def test_unhandled_exception_is_500_json_and_logged(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    errors = _Capture()
    hello_world.error_log.addHandler(errors)
    try:
        resp = app.test_client().get("/boom")
    finally:
        hello_world.error_log.removeHandler(errors)
    assert resp.status_code == 500
    assert resp.get_json()["error"]["status"] == 500
    assert "kaboom" not in resp.get_data(as_text=True)  # no internals leak to clients
    [line] = errors.lines
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and "RuntimeError: kaboom" in entry["exc_info"]


def test_request_log_line(client, request_lines):
    # The line is written when the server closes the response iterable (after
    # the body is sent), as gunicorn does; the test client leaves that to us.
    client.get("/health", headers={"X-Amzn-Trace-Id": "Root=1-abc"}).close()
    client.post("/").close()
    first, second = (json.loads(s) for s in request_lines)
    assert first["msg"] == "request"
    assert (first["method"], first["path"], first["status"]) == ("GET", "/health", 200)
    assert first["served_by"] == "unit-task"
    assert first["trace_id"] == "Root=1-abc"
    assert first["duration_ms"] >= 0
    assert (second["method"], second["status"]) == ("POST", 405)
    assert "trace_id" not in second


def test_request_log_written_even_if_wsgi_app_raises(request_lines):
    def broken_app(environ, start_response):
        raise RuntimeError("below flask")

    wrapped = hello_world.RequestLogMiddleware(broken_app, "t")
    with pytest.raises(RuntimeError):
        wrapped({"REQUEST_METHOD": "GET", "PATH_INFO": "/x"}, lambda *a: None)
    [line] = request_lines
    assert json.loads(line)["status"] == 500


def test_module_level_app_served_by_is_resolved_at_import():
    assert hello_world.app.config["SERVED_BY"] == hello_world.SERVED_BY
    assert hello_world.SERVED_BY
