"""`umami-server demo`: realistic traffic, the requested volume, readable by the query layer.

Embedded store only: the demo command writes DuckDB's analytics file directly (the bulk path)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from typer.testing import CliRunner

from tests.conftest import add_website
from umami_server.cli import cli
from umami_server.queries.metrics import website_metrics
from umami_server.queries.request import parse_request
from umami_server.queries.stats import website_stats
from umami_server.storage.embedded.analytics_db import AnalyticsDatabase


def test_demo_command_writes_the_requested_events(tmp_path):
    data_dir = tmp_path / "data"
    website = add_website(data_dir)
    result = CliRunner().invoke(cli, ["demo", "--website", website, "--events", "3000",
                                      "--days", "7", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "wrote 3000 events" in result.output
    database = AnalyticsDatabase(data_dir / "analytics.duckdb")
    try:
        (count, days, oldest), = database.query(text(
            "SELECT count(*), count(DISTINCT created_at::DATE), min(created_at) "
            "FROM website_event WHERE website_id = :website").bindparams(website=website))
        assert count == 3000 and days >= 7
        now = datetime.now(UTC)
        assert oldest >= now - timedelta(days=8)
        window = {"startAt": str(int((now - timedelta(days=8)).timestamp() * 1000)),
                  "endAt": str(int(now.timestamp() * 1000))}
        stats = website_stats(database, parse_request(website, window))
        assert stats["visitors"] < stats["visits"] < stats["pageviews"] < 3000
        assert 0 < stats["bounces"] < stats["visits"] and stats["totaltime"] > 0
        channels = {row["x"] for row in website_metrics(
            database, parse_request(website, {**window, "type": "channel"}))}
        assert {"direct", "organicSearch", "organicSocial", "email", "paidAds"} <= channels
        events = website_metrics(database, parse_request(website, {**window, "type": "event"}))
        assert events and events[0]["x"] == "signup-click"
    finally:
        database.close()


def test_demo_refuses_unknown_website(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--website", "00000000-0000-4000-8000-000000000000",
                                      "--events", "10", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 1
    assert "no website" in result.output
