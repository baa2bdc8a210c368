"""hello_world: a minimal Flask service meant to run under gunicorn on AWS ECS.

Endpoints (all responses are JSON, ``Content-Type: application/json``):

* ``GET /``        -> 200 ``{"message": "Hello, World!", "served_by": "<task id>"}``
* ``GET /health``  -> 200 ``{"status": "ok"}`` (ALB target group / container health check)
* anything else    -> the HTTP error as JSON, e.g. 404 or 405
  ``{"error": {"status": 404, "name": "Not Found", "message": "..."}}``

The task identity (``served_by``) is resolved once at import time, never with a
network call at request time: env ``TASK_ID`` if set, else the last path segment
of ``ECS_CONTAINER_METADATA_URI_V4`` if set, else the hostname.

Every request produces exactly one JSON log line on stdout, e.g.::

    {"ts": "2025-01-01T00:00:00.000Z", "level": "INFO", "logger": "hello_world.request",
     "msg": "request", "method": "GET", "path": "/", "status": 200,
     "duration_ms": 0.41, "served_by": "abc123", "remote_addr": "10.0.0.7", "pid": 42}

Run it with gunicorn (``gunicorn -c gunicorn.conf.py hello_world:app``), never with
the Flask development server in production.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wsgi import ClosingIterator

GREETING = "Hello, World!"


def resolve_task_id(environ: Mapping[str, str], hostname: str) -> str:
    """Identity of the ECS task (or container) serving requests.

    Order: ``TASK_ID`` env, then the last path segment of
    ``ECS_CONTAINER_METADATA_URI_V4`` (on ECS this is the container's metadata id,
    unique per running container), then ``hostname``.
    """
    task_id = environ.get("TASK_ID", "").strip()
    if task_id:
        return task_id
    metadata_uri = environ.get("ECS_CONTAINER_METADATA_URI_V4", "").strip()
    if metadata_uri:
        # e.g. http://169.254.170.2/v4/0123456789abcdef-1234567890 (query/fragment ignored)
        segment = urlsplit(metadata_uri).path.rstrip("/").rsplit("/", 1)[-1]
        if segment:
            return segment
    return hostname or "unknown"


class JsonFormatter(logging.Formatter):
    """One JSON object per line; extra fields come from ``record.fields``."""

    def format(self, record: logging.LogRecord) -> str:
        ts = datetime.fromtimestamp(record.created, tz=timezone.utc)
        entry: dict[str, Any] = {
            "ts": ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        entry.setdefault("pid", record.process)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, separators=(", ", ": "))


def _stdout_json_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    if not any(getattr(h, "_hello_world", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stdout)  # flushes after every record
        handler.setFormatter(JsonFormatter())
        handler._hello_world = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # gunicorn's root handler must not print it a second time
    return logger


SERVED_BY = resolve_task_id(os.environ, socket.gethostname())
request_log = _stdout_json_logger("hello_world.request")
error_log = _stdout_json_logger("hello_world.error")


class RequestLogMiddleware:
    """WSGI middleware: one structured log line per request, after the body is sent.

    Wrapping at the WSGI level (instead of Flask's ``after_request``) means the
    line is written for every outcome, including errors raised outside views.
    """

    def __init__(self, wsgi_app: Any, served_by: str) -> None:
        self.wsgi_app = wsgi_app
        self.served_by = served_by

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        started = time.perf_counter()
        status: list[int] = []

        def _start_response(status_line: str, headers: Any, exc_info: Any = None) -> Any:
            try:
                status.append(int(status_line.split(" ", 1)[0]))
            except ValueError:
                status.append(0)
            return start_response(status_line, headers, exc_info)

        def _log() -> None:
            fields = {
                "method": environ.get("REQUEST_METHOD", ""),
                "path": environ.get("PATH_INFO", ""),
                "status": status[-1] if status else 500,
                "duration_ms": round((time.perf_counter() - started) * 1000.0, 3),
                "served_by": self.served_by,
                "remote_addr": environ.get("REMOTE_ADDR", ""),
            }
            trace_id = environ.get("HTTP_X_AMZN_TRACE_ID")
            if trace_id:
                fields["trace_id"] = trace_id
            request_log.info("request", extra={"fields": fields})

        try:
            body = self.wsgi_app(environ, _start_response)
        except BaseException:
            _log()
            raise
        return ClosingIterator(body, [_log])


def _json_error(status: int, name: str, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "name": name, "message": message}}


def create_app(served_by: str = SERVED_BY) -> Flask:
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["SERVED_BY"] = served_by

    @app.get("/")
    def index() -> Response:
        return jsonify(message=GREETING, served_by=app.config["SERVED_BY"])

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        # get_response() keeps the exception's headers (e.g. ``Allow`` on a 405).
        response = exc.get_response()
        code = exc.code or 500
        response.set_data(app.json.dumps(_json_error(code, exc.name, exc.description or "")))
        response.content_type = "application/json"
        return response

    @app.errorhandler(Exception)
    def unhandled_error(exc: Exception) -> tuple[Response, int]:
        error_log.error(
            "unhandled exception",
            exc_info=exc,
            extra={"fields": {"served_by": app.config["SERVED_BY"]}},
        )
        err = InternalServerError()
        return jsonify(_json_error(500, err.name, err.description or "")), 500

    app.wsgi_app = RequestLogMiddleware(app.wsgi_app, served_by)  # type: ignore[method-assign]
    return app


app = create_app()
