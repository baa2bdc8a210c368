"""Test-only WSGI entry point: the real app plus a slow route, used to check that
gunicorn lets an in-flight request finish after SIGTERM. Never shipped (the
Dockerfile copies only the service files)."""

from __future__ import annotations

import time

from flask import jsonify, request

from hello_world import app, request_log


@app.get("/slow")
def slow():  # type: ignore[no-untyped-def]
    seconds = min(float(request.args.get("s", "1")), 10.0)
    request_log.info("slow-start", extra={"fields": {"path": "/slow"}})
    time.sleep(seconds)
    return jsonify(slept=seconds)
