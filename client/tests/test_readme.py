"""The README's examples run, against the local server, so they cannot rot."""

import contextlib
import io
import re
from pathlib import Path

import pytest
from local_umami import LocalUmami

README = (Path(__file__).parents[1] / "README.md").read_text()
EXAMPLES = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
# Examples that need a third-party framework are only compiled.
RUNNABLE = [code for code in EXAMPLES if "# (needs " not in code]


def test_every_example_compiles() -> None:
    assert len(EXAMPLES) >= 5
    for code in EXAMPLES:
        compile(code, "README.md", "exec")


@pytest.mark.parametrize("code", RUNNABLE, ids=[f"example-{n}" for n in range(len(RUNNABLE))])
def test_example_runs(code: str, server: LocalUmami) -> None:
    code = code.replace("https://analytics.example.com", server.url)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})
    # A comment right after a print() shows what it prints.
    shown = re.findall(r"^print\(.*\)\n# (.*)$", code, flags=re.MULTILINE)
    for expected in shown:
        assert expected in printed.getvalue().splitlines()
    assert server.accepted_payloads or "heartbeat" in code
