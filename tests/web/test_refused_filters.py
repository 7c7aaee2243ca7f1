"""A filter value the database refuses (a regular expression Python accepts but the database
cannot compile) is the request's fault: the dashboard answers 400 with a message, never 500."""

from __future__ import annotations

import pytest

from tests.server_process import ServerProcess
from tests.web.conftest import create_website, logged_in_client


@pytest.mark.parametrize("page", ["", "/table/path", "/sessions", "/events"])
def test_a_pattern_the_database_refuses_is_a_400_page(dashboard_server: ServerProcess,
                                                      page: str) -> None:
    website = create_website(dashboard_server, "Refused filters", "refused.example")
    client = logged_in_client(dashboard_server)
    answer = client.get(f"/websites/{website}{page}", params={"path": "re.(?=a)"})
    assert answer.status_code == 400
    assert "Invalid request" in answer.text
