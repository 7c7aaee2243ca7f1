"""The installed `umami` distribution depends on an HTTP library and pydantic, nothing else."""

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

CLIENT_ROOT = Path(__file__).resolve().parents[1]
SERVER_PYPROJECT = CLIENT_ROOT.parent / "pyproject.toml"


def requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match is not None, requirement
    return match.group(0).lower().replace("_", "-")


def runtime_requirements() -> list[str]:
    requires = importlib.metadata.requires("umami") or []
    return [r for r in requires if "extra ==" not in r]


def test_runtime_requirements_are_exactly_httpx_and_pydantic_pinned() -> None:
    requirements = runtime_requirements()
    assert sorted(requirement_name(r) for r in requirements) == ["httpx", "pydantic"]
    assert all("==" in r for r in requirements), requirements


def test_no_requirement_belongs_to_the_server_alone() -> None:
    if not SERVER_PYPROJECT.exists():
        pytest.skip("the client was checked out without the server")
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads(SERVER_PYPROJECT.read_text())["project"]
    server_only = {requirement_name(r) for r in project.get("dependencies", [])}
    server_only -= {"httpx", "pydantic"}
    server_only.add(requirement_name(project["name"]))
    client = {requirement_name(r) for r in runtime_requirements()}
    assert client.isdisjoint(server_only)


def test_importing_the_client_loads_no_server_code() -> None:
    check = (
        "import sys, umami; "
        "umami.Client('http://127.0.0.1:9'); "
        "print(sorted(m for m in sys.modules if m.startswith('umami_server')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, cwd="/"
    ).stdout
    assert out.strip() == "[]"


def test_python_requirement() -> None:
    assert importlib.metadata.metadata("umami")["Requires-Python"] == ">=3.10"
