"""The real `umami-analytics` 1.0.0 from PyPI logs in and lists websites against our server.

It installs the import name `umami`, like our own client, so scripts/test puts it in a
directory of its own (.reference-clients/umami-analytics) and it runs in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.api.conftest import ADMIN_PASSWORD, Api
from tests.server_process import ServerProcess

REFERENCE = Path(__file__).resolve().parents[2] / ".reference-clients" / "umami-analytics"

SCRIPT = """
import json, sys
import umami
assert "reference-clients" in umami.__file__, umami.__file__
umami.set_url_base(sys.argv[1])
login = umami.login("admin", sys.argv[2])
sites = umami.websites()
print(json.dumps({
    "version": umami.__version__,
    "username": login.user.username,
    "verified": umami.verify_token(),
    "sites": {site.id: site.name for site in sites},
}))
"""


def test_umami_analytics_from_pypi_logs_in_and_lists_websites(
    server: ServerProcess, admin: Api
) -> None:
    assert REFERENCE.is_dir(), "run scripts/test, which installs umami-analytics==1.0.0 there"
    website = admin.ok("POST", "/api/websites", {"name": "Reference", "domain": "ref.test"})
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, server.base_url, ADMIN_PASSWORD],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(REFERENCE)},
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["version"] == "1.0.0"
    assert answer["username"] == "admin" and answer["verified"] is True
    assert answer["sites"][website["id"]] == "Reference"
