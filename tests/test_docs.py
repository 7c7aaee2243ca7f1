"""The README keeps its promises: the two opening commands and every setting documented."""

from __future__ import annotations

import re
from pathlib import Path

from umami_server.config import ENVIRONMENT_VARIABLES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_environment_variable_is_documented():
    missing = [name for name in ENVIRONMENT_VARIABLES if f"`{name}`" not in README]
    assert missing == []


def test_readme_opens_with_the_two_commands():
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert "umami-server serve" in blocks[0]
    assert blocks[1].strip() == "bash scripts/test"
    assert "bash scripts/test" in (Path(__file__).resolve().parent.parent / ".ci/run").read_text()


def test_documented_commands_exist():
    from typer.main import get_command

    from umami_server.cli import cli

    commands = set(get_command(cli).commands)  # type: ignore[attr-defined]
    documented = set(re.findall(r"^umami-server ([a-z-]+)", README, re.M))
    assert documented <= commands
    assert documented == commands
