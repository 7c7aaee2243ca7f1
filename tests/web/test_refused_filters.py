"""A filter value the database refuses (a regular expression Python accepts but the database
cannot compile) is the request's fault: the dashboard answers 400 with a message, never 500."""

from __future__ import annotations

import httpx
import pytest

from tests.server_process import CHROME_UA, ServerProcess
from tests.web.conftest import create_website, logged_in_client

# A repetition count above what both stores' engines allow (RE2: 1,000; PostgreSQL: 255).
REFUSED_PATTERN = "x{1001}"


@pytest.fixture(scope="module")
def visited(dashboard_server: ServerProcess) -> str:
    """A website with one page view: PostgreSQL compiles a pattern only when a row meets it."""
    website = create_website(dashboard_server, "Refused filters", "refused.example")
    sent = httpx.post(f"{dashboard_server.base_url}/api/send", headers={"User-Agent": CHROME_UA},
                      json={"type": "event", "payload": {
                          "website": website, "url": "/", "hostname": "refused.example"}})
    assert sent.status_code == 200, sent.text
    return website


@pytest.mark.parametrize("page", ["", "/table/path", "/sessions", "/events"])
def test_a_pattern_the_database_refuses_is_a_400_page(dashboard_server: ServerProcess,
                                                      visited: str, page: str) -> None:
    client = logged_in_client(dashboard_server)
    answer = client.get(f"/websites/{visited}{page}", params={"path": f"re.{REFUSED_PATTERN}"})
    assert answer.status_code == 400
    assert "Invalid request" in answer.text
