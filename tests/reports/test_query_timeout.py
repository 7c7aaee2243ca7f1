"""On PostgreSQL a report that runs past UMAMI_QUERY_TIMEOUT_SECONDS is cancelled and answered
503 with the store's advice, not a 500; the server goes on answering. This is the PostgreSQL
counterpart of test_memory_limit.py (DuckDB's memory limit, which PostgreSQL does not have).

The slow report is honest work, not a planner accident: one visitor reloads the home page every
second for an hour, and a funnel of four `/` steps within 60 minutes joins each level's 3,600
times with the 3,600 rows after them (millions of pairs a level). That takes seconds on
PostgreSQL, so a 1 s limit cancels it and the usual limit lets it finish.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psycopg
import pytest

from tests.conftest import add_website
from tests.postgres import PostgresServer
from tests.queries.examples import CHROME
from tests.reports.conftest import answers_under_limit, assert_too_large
from tests.server_process import ServerProcess, use_database

START = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
RELOADS = 3600
STEPS = 4
PARAMETERS = {"startDate": int((START - timedelta(days=1)).timestamp() * 1000),
              "endDate": int((START + timedelta(days=1)).timestamp() * 1000),
              "window": 60, "steps": [{"type": "path", "value": "/"}] * STEPS}
PAGE_QUERY = {"run": "1", "range": "custom", "start": "2025-03-02", "end": "2025-03-04",
              "steps": "\n".join(["/"] * STEPS), "window": "60"}


@dataclass
class Reloads:
    data_dir: Path
    database_url: str
    website: str


@pytest.fixture(scope="module")
def reloads(postgres_server: PostgresServer,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reloads]:
    data_dir = tmp_path_factory.mktemp("timeout") / "data"
    url = postgres_server.create_database()
    use_database(data_dir, url)
    website = add_website(data_dir)
    hits = [{"type": "event", "payload": {
        "website": website, "hostname": "example.com", "url": "/", "id": "reloader",
        "timestamp": int((START + timedelta(seconds=second)).timestamp())}}
        for second in range(RELOADS)]
    server = ServerProcess(data_dir).start()
    try:
        with server.client(headers={"User-Agent": CHROME}) as client:
            for first in range(0, RELOADS, 1000):
                answer = client.post("/api/batch", json=hits[first:first + 1000])
                assert answer.status_code == 200 and answer.json()["errors"] == 0, answer.text
    finally:
        server.stop()
    yield Reloads(data_dir, url, website)
    postgres_server.drop_database(url)


def _funnel_queries_running(database_url: str) -> int:
    with psycopg.connect(database_url, autocommit=True) as db:
        (running,), = db.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
            "AND query LIKE %s AND pid <> pg_backend_pid()", ["%level4%"]).fetchall()
        return int(running)


def _answers(reloads: Reloads, env: dict[str, str]) -> list[httpx.Response]:
    """The funnel's answer from a server with `env`, then its report page's and a management
    call's."""
    def cancelled() -> None:
        # Cancelled, not merely abandoned: nothing keeps running in the database.
        assert _funnel_queries_running(reloads.database_url) == 0

    return answers_under_limit(reloads.data_dir, env, reloads.website,
                               [("funnel", PARAMETERS, {})],
                               f"funnel?{urlencode(PAGE_QUERY)}", cancelled)


def test_a_postgres_report_past_the_timeout_gets_503_with_a_message(reloads: Reloads) -> None:
    report, page, website = _answers(reloads, {"UMAMI_QUERY_TIMEOUT_SECONDS": "1"})
    assert_too_large(report, "UMAMI_QUERY_TIMEOUT_SECONDS")
    # The dashboard's report page shows the advice above its form.
    assert page.status_code == 200
    assert "UMAMI_QUERY_TIMEOUT_SECONDS" in page.text
    assert website.status_code == 200


def test_the_same_postgres_report_answers_within_the_usual_timeout(reloads: Reloads) -> None:
    report, page, website = _answers(reloads, {})
    for response in (report, page, website):
        assert response.status_code == 200, response.text
    assert [step["visitors"] for step in report.json()] == [1] * STEPS
    assert "UMAMI_QUERY_TIMEOUT_SECONDS" not in page.text
