"""gunicorn.conf.py: environment parsing, and what gunicorn itself reads from it."""

from __future__ import annotations

import runpy
import subprocess

import pytest

from conftest import SERVICE_DIR, gunicorn_command, service_env

CONF = SERVICE_DIR / "gunicorn.conf.py"


def load_conf(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    for name in ("PORT", "GUNICORN_BIND_HOST", "WEB_CONCURRENCY", "GUNICORN_THREADS",
                 "GUNICORN_TIMEOUT", "GRACEFUL_TIMEOUT", "GUNICORN_KEEPALIVE", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_defaults(monkeypatch):
    conf = load_conf(monkeypatch)
    assert conf["bind"] == ["0.0.0.0:8080"]
    assert conf["workers"] == 2
    assert conf["threads"] == 4
    assert conf["worker_class"] == "gthread"
    assert conf["timeout"] == 30
    assert conf["graceful_timeout"] == 20
    assert conf["keepalive"] == 75
    assert conf["accesslog"] is None
    assert conf["errorlog"] == "-"
    assert conf["loglevel"] == "info"
    assert conf["control_socket_disable"] is True


def test_env_overrides(monkeypatch):
    conf = load_conf(
        monkeypatch,
        PORT="9000",
        GUNICORN_BIND_HOST="127.0.0.1",
        WEB_CONCURRENCY="5",
        GUNICORN_THREADS="8",
        GUNICORN_TIMEOUT="45",
        GRACEFUL_TIMEOUT="25",
        GUNICORN_KEEPALIVE="5",
        LOG_LEVEL="WARNING",
    )
    assert conf["bind"] == ["127.0.0.1:9000"]
    assert (conf["workers"], conf["threads"]) == (5, 8)
    assert (conf["timeout"], conf["graceful_timeout"], conf["keepalive"]) == (45, 25, 5)
    assert conf["loglevel"] == "warning"
    assert conf["logconfig_dict"]["loggers"]["gunicorn.error"]["level"] == "WARNING"


def test_ipv6_bind_host(monkeypatch):
    assert load_conf(monkeypatch, GUNICORN_BIND_HOST="::")["bind"] == ["[::]:8080"]


def test_blank_values_mean_default(monkeypatch):
    conf = load_conf(monkeypatch, PORT="", WEB_CONCURRENCY="  ")
    assert conf["bind"] == ["0.0.0.0:8080"] and conf["workers"] == 2


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORT", "http", "PORT must be an integer"),
        ("PORT", "0", "PORT must be >= 1"),
        ("PORT", "70000", "PORT must be <= 65535"),
        ("WEB_CONCURRENCY", "0", "WEB_CONCURRENCY must be >= 1"),
        ("GUNICORN_THREADS", "1.5", "GUNICORN_THREADS must be an integer"),
        ("GUNICORN_TIMEOUT", "-1", "GUNICORN_TIMEOUT must be >= 1"),
        ("GRACEFUL_TIMEOUT", "-3", "GRACEFUL_TIMEOUT must be >= 0"),
    ],
)
def test_invalid_values_are_rejected(monkeypatch, name, value, message):
    with pytest.raises(ValueError, match=message):
        load_conf(monkeypatch, **{name: value})


def _print_config(**env: str) -> dict[str, str]:
    proc = subprocess.run(
        gunicorn_command("--print-config", "hello_world:app"),
        cwd=SERVICE_DIR,
        env=service_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    settings = {}
    for line in proc.stdout.splitlines():
        name, sep, value = line.partition(" = ")
        if sep:
            settings[name.strip()] = value.strip()
    return settings


def test_gunicorn_reads_the_config_from_env():
    settings = _print_config(
        PORT="18999",
        GUNICORN_BIND_HOST="127.0.0.1",
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="6",
        GUNICORN_TIMEOUT="40",
        GRACEFUL_TIMEOUT="15",
    )
    assert settings["bind"] == "['127.0.0.1:18999']"
    assert settings["workers"] == "3"
    assert settings["threads"] == "6"
    assert settings["worker_class"] == "gthread"
    assert settings["timeout"] == "40"
    assert settings["graceful_timeout"] == "15"
    assert settings["accesslog"] == "None"
    assert settings["control_socket_disable"] == "True"


def test_gunicorn_defaults_bind_all_interfaces_on_8080():
    settings = _print_config()
    assert settings["bind"] == "['0.0.0.0:8080']"
    assert settings["workers"] == "2"
    assert settings["graceful_timeout"] == "20"
