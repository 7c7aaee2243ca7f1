"""A query that needs more memory than DUCKDB_MEMORY_LIMIT allows gets a 503 with a message
saying so, not a 500; the server goes on answering.

The data is the demo generator's (30,000 events); under a 4 MB limit DuckDB cannot run the
reports' queries over it, under the tests' usual limit it can.

Embedded store only: DUCKDB_MEMORY_LIMIT is DuckDB's, and the demo writes DuckDB's file. The
PostgreSQL store's limit is a time limit, tested in test_query_timeout.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.reports.conftest import answers_under_limit, assert_too_large
from umami_server.demo import write_demo
from umami_server.storage.embedded.store import ANALYTICS_FILE, METADATA_FILE
from umami_server.storage.metadata_store import MetadataStore

NOW = datetime.now(UTC)
WINDOW = {"startDate": int((NOW - timedelta(days=30)).timestamp() * 1000),
          "endDate": int(NOW.timestamp() * 1000)}
REPORTS = [
    ("utm", {}, {}),
    ("journey", {"steps": 7}, {"path": "c./"}),
    ("attribution", {"model": "first-click", "type": "event", "step": "purchase"}, {}),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data_dir = tmp_path_factory.mktemp("memory") / "data"
    data_dir.mkdir()
    metadata = MetadataStore.open_sqlite(data_dir / METADATA_FILE)
    try:
        website = metadata.create_website("Demo", "example.com")["website_id"]
    finally:
        metadata.close()
    write_demo(data_dir / ANALYTICS_FILE, website, 30_000, 30)
    return data_dir, website


def _answers(demo: tuple[Path, str], memory_limit: str) -> list[httpx.Response]:
    """The reports' answers from a server under `memory_limit`, then its report page's and
    a management call's."""
    data_dir, website = demo
    return answers_under_limit(
        data_dir, {"DUCKDB_MEMORY_LIMIT": memory_limit}, website,
        [(report, {**WINDOW, **parameters}, filters) for report, parameters, filters in REPORTS],
        "utm?run=1")


def test_a_report_over_the_memory_limit_gets_503_with_a_message(demo):
    *reports, page, website = _answers(demo, "4MB")
    assert page.status_code == 200
    assert "DUCKDB_MEMORY_LIMIT" in page.text
    for response in reports:
        assert_too_large(response, "DUCKDB_MEMORY_LIMIT")
    assert website.status_code == 200


def test_the_same_reports_answer_within_the_usual_limit(demo):
    *reports, page, website = _answers(demo, "256MB")
    for response in (*reports, page, website):
        assert response.status_code == 200, response.text
    assert "DUCKDB_MEMORY_LIMIT" not in page.text
