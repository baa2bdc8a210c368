#!/usr/bin/env python3
"""Small, bounded load benchmark of the hello_world service: gunicorn vs Flask dev server.

Localhost only. Both servers are started by this script on free 127.0.0.1 ports, in
the same run, from src/service:

* gunicorn: ``<python> -m gunicorn -c gunicorn.conf.py hello_world:app`` (the real
  config; WEB_CONCURRENCY / GUNICORN_THREADS taken from --workers / --threads)
* dev:      ``<python> -m flask --app hello_world run`` (werkzeug, threaded)

Each measurement sends GET / from --concurrency client threads, each with its own
keep-alive http.client connection, until --requests responses or --max-seconds,
whichever comes first (after a short warm-up). Runs alternate gunicorn/dev and are
repeated --repeats times; the median of each metric is reported, plus the
gunicorn/dev ratio. The client runs on the same machine as the server, so absolute
numbers include client overhead; compare the two servers, not with other hosts.

    python bench/service/load.py            # defaults: 2000 req, 20 s cap, c=8, 3 repeats
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SERVICE_DIR = Path(__file__).resolve().parents[2] / "src" / "service"
HOST = "127.0.0.1"  # the only address this benchmark ever talks to


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(port: int, args: argparse.Namespace) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GUNICORN_CMD_ARGS", "FLASK_APP", "FLASK_DEBUG", "TASK_ID")
    }
    env.update(
        PORT=str(port),
        GUNICORN_BIND_HOST=HOST,
        WEB_CONCURRENCY=str(args.workers),
        GUNICORN_THREADS=str(args.threads),
        TASK_ID="bench",
        PYTHONUNBUFFERED="1",
    )
    return env


def start_server(kind: str, args: argparse.Namespace) -> tuple[subprocess.Popen, int]:
    port = free_port()
    if kind == "gunicorn":
        cmd = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "hello_world:app"]
    else:
        cmd = [
            sys.executable, "-m", "flask", "--app", "hello_world", "run",
            "--host", HOST, "--port", str(port), "--no-reload", "--no-debugger", "--with-threads",
        ]
    proc = subprocess.Popen(
        cmd,
        cwd=SERVICE_DIR,
        env=server_env(port, args),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # the per-request JSON log lines (same cost for both)
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{kind} exited early with code {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=1)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, port
        except OSError:
            time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError(f"{kind} did not become healthy on port {port}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, int(q * len(data)))]


def load(port: int, total: int, concurrency: int, max_seconds: float) -> Result:
    lock = threading.Lock()
    issued = 0
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    deadline = time.monotonic() + max_seconds

    def take() -> bool:
        nonlocal issued
        with lock:
            if issued >= total or time.monotonic() >= deadline:
                return False
            issued += 1
            return True

    def worker(idx: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        mine = latencies[idx]
        while take():
            t0 = time.perf_counter()
            try:
                conn.request("GET", "/")
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    errors[idx] += 1
                    continue
            except (OSError, http.client.HTTPException):
                errors[idx] += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
                continue
            mine.append((time.perf_counter() - t0) * 1000.0)
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    flat = [x for per in latencies for x in per]
    return Result(requests=len(flat), errors=sum(errors), seconds=elapsed, latencies_ms=flat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per measurement")
    parser.add_argument("--max-seconds", type=float, default=20.0, help="time cap per measurement")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured requests first")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn WEB_CONCURRENCY")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn GUNICORN_THREADS")
    args = parser.parse_args()
    if not (1 <= args.requests <= 100_000 and 0 < args.max_seconds <= 60 and 1 <= args.repeats <= 10
            and 1 <= args.concurrency <= 64):
        parser.error("keep it small: requests<=100000, max-seconds<=60, repeats<=10, concurrency<=64")

    print(
        f"hello_world load bench: GET / on {HOST}, {args.requests} requests or {args.max_seconds:g} s "
        f"per run, concurrency {args.concurrency} (keep-alive), {args.repeats} repeats"
    )
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs (client and server share them); "
        f"gunicorn workers={args.workers} threads={args.threads} (gthread); dev = flask run --with-threads"
    )
    results: dict[str, list[Result]] = {"gunicorn": [], "dev": []}
    for rep in range(1, args.repeats + 1):
        for kind in ("gunicorn", "dev"):
            proc, port = start_server(kind, args)
            try:
                load(port, args.warmup, args.concurrency, 5.0)
                res = load(port, args.requests, args.concurrency, args.max_seconds)
            finally:
                stop_server(proc)
            results[kind].append(res)
            print(
                f"  run {rep} {kind:8s} {res.requests:6d} ok {res.errors:3d} err {res.seconds:6.2f} s "
                f"{res.rps:8.1f} req/s  p50 {res.pct(0.50):7.2f} ms  p99 {res.pct(0.99):7.2f} ms"
            )

    def med(kind: str, fn) -> float:  # type: ignore[no-untyped-def]
        return statistics.median(fn(r) for r in results[kind])

    print(f"median of {args.repeats}:")
    summary = {}
    for kind in ("gunicorn", "dev"):
        summary[kind] = (
            med(kind, lambda r: r.rps),
            med(kind, lambda r: r.pct(0.50)),
            med(kind, lambda r: r.pct(0.99)),
            sum(r.errors for r in results[kind]),
        )
        rps, p50, p99, errs = summary[kind]
        print(f"  {kind:8s} {rps:8.1f} req/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  errors {errs}")
    g, d = summary["gunicorn"], summary["dev"]
    print(
        f"ratio gunicorn/dev: throughput x{g[0] / d[0]:.2f}, "
        f"p50 latency x{g[1] / d[1]:.2f}, p99 latency x{g[2] / d[2]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
