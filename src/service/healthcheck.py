"""Container health check: exit 0 if GET http://127.0.0.1:$PORT/health answers 200.

Used by the Dockerfile HEALTHCHECK, and usable as the ECS task definition's
container healthCheck command (["CMD", "python", "/app/healthcheck.py"]),
because python:3.12-slim has no curl or wget.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def main() -> int:
    port = os.environ.get("PORT", "").strip() or "8080"
    url = f"http://127.0.0.1:{port}/health"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (fixed local URL)
            return 0 if response.status == 200 else 1
    except Exception as exc:  # any failure means unhealthy
        print(f"healthcheck failed: {url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
