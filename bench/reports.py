"""Report benchmark: every `POST /api/reports/<type>` over HTTP, with plain DuckDB SQL baselines.

For each size (default 1 M events over 30 days) fills a fresh data directory with the
`umami-server demo` generator, then, because the demo writes neither revenue nor web vitals,
turns 1 in 20 pageviews into performance events (random vitals) and records every `purchase`
event's `amount` as revenue (1 in 4 in EUR, the rest USD). It starts `umami-server serve`, logs
in and times each report over the 30-day window (p50/p95 of `--runs` calls after two warm-ups).
Then it stops the server and times hand-written SQL computing the same answer where one query
does (the floor the query layer and HTTP add to). Prints a Markdown table.

    python bench/reports.py [--sizes 1000000,10000000] [--runs 9] [--keep DIR]
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from harness import (
    ANALYTICS_FILE,
    api_client,
    bench_server,
    demo_website,
    plain_sql_ms,
    print_against_baseline,
    run_from_command_line,
    timed_ms,
)

from tests.server_process import ServerProcess

IN_RANGE = "website_id = $site AND created_at BETWEEN $start AND $end"
E_IN_RANGE = "e.website_id = $site AND e.created_at BETWEEN $start AND $end"

FUNNEL_SQL = f"""
WITH l1 AS (SELECT DISTINCT session_id, created_at FROM website_event
            WHERE {IN_RANGE} AND url_path = '/'),
     l2 AS (SELECT DISTINCT e.session_id, e.created_at FROM website_event e JOIN l1
            ON e.session_id = l1.session_id WHERE {E_IN_RANGE} AND e.url_path = '/pricing'
            AND e.created_at BETWEEN l1.created_at AND l1.created_at + INTERVAL 60 MINUTE),
     l3 AS (SELECT DISTINCT e.session_id, e.created_at FROM website_event e JOIN l2
            ON e.session_id = l2.session_id WHERE {E_IN_RANGE} AND e.event_name = 'signup-click'
            AND e.created_at BETWEEN l2.created_at AND l2.created_at + INTERVAL 60 MINUTE)
SELECT (SELECT count(DISTINCT session_id) FROM l1), (SELECT count(DISTINCT session_id) FROM l2),
       (SELECT count(DISTINCT session_id) FROM l3)"""
UTM_SQL = f"""SELECT utm_source, utm_medium, utm_campaign, utm_term, utm_content, count(*)
FROM website_event WHERE {IN_RANGE} AND event_type = 1
GROUP BY GROUPING SETS ((utm_source), (utm_medium), (utm_campaign), (utm_term), (utm_content))"""
GOAL_SQL = f"""SELECT count(DISTINCT session_id) FILTER (event_type = 1 AND url_path = '/pricing'),
count(DISTINCT session_id) FROM website_event WHERE {IN_RANGE}"""
BREAKDOWN_SQL = f"""SELECT url_path, browser, sum(c), count(DISTINCT session_id),
count(DISTINCT visit_id), count(*) FILTER (c = 1), sum(floor(t)) FROM (
  SELECT url_path, browser, session_id, visit_id, count(*) c,
         epoch(max(created_at)) - epoch(min(created_at)) t
  FROM website_event WHERE {IN_RANGE} AND event_type = 1
  GROUP BY url_path, browser, session_id, visit_id)
GROUP BY url_path, browser ORDER BY 4 DESC, 3 DESC LIMIT 500"""
PERFORMANCE_SQL = f"""SELECT url_path, quantile_cont(lcp, [0.5, 0.75, 0.95]), count(*)
FROM website_event WHERE {IN_RANGE} AND event_type = 5 AND lcp IS NOT NULL
GROUP BY url_path ORDER BY 2 DESC LIMIT 500"""
RETENTION_SQL = f"""WITH c AS (SELECT session_id, min(created_at::date) d FROM website_event
  WHERE {IN_RANGE} GROUP BY session_id),
 a AS (SELECT DISTINCT session_id, created_at::date d FROM website_event WHERE {IN_RANGE})
SELECT c.d, a.d - c.d AS day, count(DISTINCT c.session_id) FROM c JOIN a USING (session_id)
WHERE a.d - c.d BETWEEN 0 AND 31 GROUP BY 1, 2 ORDER BY 1, 2"""
JOURNEY_SQL = f"""SELECT e1, e2, e3, count(*) n FROM (
  SELECT visit_id, max(label) FILTER (n = 1) e1, max(label) FILTER (n = 2) e2,
         max(label) FILTER (n = 3) e3 FROM (
    SELECT visit_id, CASE WHEN coalesce(event_name, '') <> '' THEN event_name ELSE url_path END
           label, row_number() OVER (PARTITION BY visit_id ORDER BY created_at) n
    FROM website_event WHERE {IN_RANGE} {{extra}}) WHERE n <= 3 GROUP BY visit_id)
GROUP BY ALL ORDER BY n DESC LIMIT 100"""

# (label, report type, parameters, baseline SQL or None)
CASES: list[tuple[str, str, dict[str, Any], str | None]] = [
    ("funnel / -> /pricing -> signup-click (60 min)", "funnel", {"window": 60, "steps": [
        {"type": "path", "value": "/"}, {"type": "path", "value": "/pricing"},
        {"type": "event", "value": "signup-click"}]}, FUNNEL_SQL),
    ("funnel with wildcard /docs* -> /blog*", "funnel", {"window": 30, "steps": [
        {"type": "path", "value": "/docs*"}, {"type": "path", "value": "/blog*"}]}, None),
    ("journey (3 steps)", "journey", {"steps": 3}, JOURNEY_SQL.format(extra="")),
    ("journey (3 steps, pageviews only)", "journey", {"steps": 3, "eventType": 1},
     JOURNEY_SQL.format(extra="AND event_type = 1")),
    ("journey (5 steps, startStep /)", "journey", {"steps": 5, "startStep": "/"}, None),
    ("retention (UTC)", "retention", {}, RETENTION_SQL),
    ("retention (America/New_York)", "retention", {"timezone": "America/New_York"}, None),
    ("utm", "utm", {}, UTM_SQL),
    ("goal path /pricing", "goal", {"type": "path", "value": "/pricing"}, GOAL_SQL),
    ("revenue USD (day)", "revenue", {"currency": "USD", "unit": "day"}, None),
    ("attribution first-click", "attribution",
     {"model": "first-click", "type": "event", "step": "purchase"}, None),
    ("attribution last-click", "attribution",
     {"model": "last-click", "type": "event", "step": "purchase"}, None),
    ("breakdown path, browser", "breakdown", {"fields": ["path", "browser"]}, BREAKDOWN_SQL),
    ("performance lcp", "performance", {"metric": "lcp"}, PERFORMANCE_SQL),
]

AUGMENT = [
    """UPDATE website_event SET event_type = 5, lcp = 500 + random() * 5000,
       inp = 20 + random() * 600, cls = random() * 0.4, fcp = 300 + random() * 3000,
       ttfb = 50 + random() * 1500
       WHERE event_type = 1 AND hash(event_id) % 20 = 0""",
    """INSERT INTO revenue (revenue_id, website_id, session_id, event_id, event_name, currency,
       revenue, created_at)
       SELECT uuid(), e.website_id, e.session_id, e.event_id, e.event_name,
              CASE WHEN hash(e.event_id) % 4 = 0 THEN 'EUR' ELSE 'USD' END,
              d.number_value, e.created_at
       FROM website_event e JOIN event_data d ON d.website_event_id = e.event_id
       WHERE e.event_name = 'purchase' AND d.data_key = 'amount'""",
]


def add_vitals_and_revenue(analytics_file: Path) -> str:
    """The demo has neither web vitals nor revenue rows; derive some so those reports work."""
    with duckdb.connect(str(analytics_file)) as db:
        for statement in AUGMENT:
            db.execute(statement)
        vitals = db.execute("SELECT count(*) FROM website_event WHERE event_type = 5").fetchone()
        paid = db.execute("SELECT count(*) FROM revenue").fetchone()
    return f"{vitals[0]:,} web vitals, {paid[0]:,} revenue rows"


def time_http(server: ServerProcess, website: str, window: dict[str, int],
              runs: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    with api_client(server, timeout=300) as client:
        for label, report, parameters, _ in CASES:
            body = {"websiteId": website, "type": report, "filters": {},
                    "parameters": {**window, **parameters}}
            response = client.post(f"/api/reports/{report}", json=body)
            assert response.status_code == 200, response.text
            timings[label] = timed_ms(
                lambda report=report, body=body: client.post(
                    f"/api/reports/{report}", json=body).raise_for_status(), runs)
    return timings


def run_size(root: Path, events: int, runs: int) -> None:
    data_dir = root / f"events-{events}"
    website = demo_website(data_dir, events, extend=add_vitals_and_revenue)
    end = datetime.now(UTC)
    start = end - timedelta(days=30)
    window = {"startDate": int(start.timestamp() * 1000), "endDate": int(end.timestamp() * 1000)}
    server = bench_server(data_dir)
    try:
        http = time_http(server, website, window, runs)
    finally:
        server.stop()
    sql = plain_sql_ms(data_dir / ANALYTICS_FILE, [(label, sql) for label, *_, sql in CASES],
                       {"site": website, "start": start, "end": end}, runs)
    print_against_baseline(events, runs, "report", [label for label, *_ in CASES], http, sql)


if __name__ == "__main__":
    run_from_command_line((__doc__ or "").splitlines()[0], "1000000", 9, run_size)
