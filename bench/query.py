"""Query benchmark: the dashboard's analytics calls over HTTP against a plain-SQL baseline.

For each size (default 1 M and 10 M events over 30 days), fills a fresh data directory with
`umami-server demo`'s generator, starts `umami-server serve` on it, logs in and times each
endpoint over a 30-day window (p50/p95 of `--runs` calls after two warm-up calls). Then it stops
the server and times, on the same file and thread count, hand-written DuckDB SQL computing the
same numbers: the floor the query layer and HTTP add to. Prints a Markdown table.

    python bench/query.py [--sizes 1000000,10000000] [--runs 15] [--keep DIR]
    python bench/query.py --store postgres --sizes 1000000 [--runs 15]

With `--store postgres` the data goes into Umami's schema on a throwaway PostgreSQL server (fsync
on, default memory settings), our server runs on it with DATABASE_URL, and the baseline is plain
SQL written as Umami 3.1 queries PostgreSQL (bench/postgres_store.py); --keep does not apply.

With --keep, a later run on the same DIR reuses the data (the window then ends at that run's
now, so start it the same day). The reports (`POST /api/reports/*`) have their own benchmark,
bench/reports.py, with the same options: it adds web vitals and revenue to the demo data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

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

WHERE = ("website_id = $site AND created_at BETWEEN $start AND $end "
         "AND event_type NOT IN (2, 5)")
# Rows per visit (and per {keys}, ending with a comma when given) with their duration.
VISITS = (f"SELECT {{keys}}session_id, visit_id, count(*) AS c, "
          f"epoch(max(created_at)) - epoch(min(created_at)) AS t FROM website_event "
          f"WHERE {WHERE} {{extra}} GROUP BY {{keys}}session_id, visit_id")
MEASURES = ("sum(c), count(DISTINCT session_id), count(DISTINCT visit_id), "
            "count(*) FILTER (c = 1), sum(floor(t))")
STATS_SQL = f"SELECT {MEASURES} FROM (" + VISITS.replace("{keys}", "") + ")"

# (label, path, query parameters, equivalent SQL)
CASES = [
    ("stats", "stats", {}, STATS_SQL.format(extra="")),
    ("pageviews (day, America/New_York)", "pageviews",
     {"unit": "day", "timezone": "America/New_York"},
     f"SELECT date_trunc('day', timezone('America/New_York', created_at)) AS d, count(*), "
     f"count(DISTINCT session_id) FROM website_event WHERE {WHERE} GROUP BY d ORDER BY d"),
    ("metrics type=path", "metrics", {"type": "path"},
     f"SELECT url_path, count(DISTINCT session_id) AS y FROM website_event WHERE {WHERE} "
     f"GROUP BY url_path ORDER BY y DESC LIMIT 500"),
    ("metrics type=browser", "metrics", {"type": "browser"},
     f"SELECT browser, count(DISTINCT session_id) AS y FROM website_event WHERE {WHERE} "
     f"GROUP BY browser ORDER BY y DESC LIMIT 500"),
    ("sessions (page 1)", "sessions", {},
     "SELECT session_id, max(created_at) AS last, min(created_at), count(DISTINCT visit_id), "
     "count(*) FILTER (event_type = 1), count(*) FILTER (event_type = 2) FROM website_event "
     "WHERE website_id = $site AND created_at BETWEEN $start AND $end GROUP BY session_id "
     "ORDER BY last DESC LIMIT 20"),
    ("stats browser=firefox", "stats", {"browser": "firefox"},
     STATS_SQL.format(extra="AND browser = 'firefox'")),
    ("metrics type=path path=/pricing", "metrics", {"type": "path", "path": "/pricing"},
     f"SELECT url_path, count(DISTINCT session_id) AS y FROM website_event WHERE {WHERE} "
     f"AND url_path = '/pricing' GROUP BY url_path ORDER BY y DESC LIMIT 500"),
    ("metrics type=exit", "metrics", {"type": "exit"},
     f"SELECT path, count(DISTINCT session_id) AS y FROM (SELECT any_value(session_id) "
     f"AS session_id, arg_max(url_path, created_at) AS path FROM website_event WHERE {WHERE} "
     f"GROUP BY visit_id) GROUP BY path ORDER BY y DESC LIMIT 500"),
    ("metrics/expanded type=path (the full pages table)", "metrics/expanded", {"type": "path"},
     f"SELECT url_path, {MEASURES} FROM ({VISITS.format(keys='url_path, ', extra='')}) "
     f"GROUP BY url_path ORDER BY 3 DESC LIMIT 500"),
]


def time_http(server: ServerProcess, website: str, window: dict[str, int],
              runs: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    with api_client(server, timeout=120) as client:
        for label, path, params, _ in CASES:
            url = f"/api/websites/{website}/{path}"
            response = client.get(url, params={**window, **params})
            assert response.status_code == 200, response.text
            timings[label] = timed_ms(
                lambda url=url, params=params: client.get(
                    url, params={**window, **params}).raise_for_status(), runs)
    return timings


def run_size(root: Path, events: int, runs: int) -> None:
    data_dir = root / f"events-{events}"
    website = demo_website(data_dir, events)
    end = datetime.now(UTC)
    start = end - timedelta(days=30)
    window = {"startAt": int(start.timestamp() * 1000), "endAt": int(end.timestamp() * 1000)}
    server = bench_server(data_dir)
    try:
        http = time_http(server, website, window, runs)
    finally:
        server.stop()
    sql = plain_sql_ms(data_dir / ANALYTICS_FILE, [(label, sql) for label, *_, sql in CASES],
                       {"site": website, "start": start, "end": end}, runs)
    print_against_baseline(events, runs, "endpoint", [label for label, *_ in CASES], http, sql)


def run_size_postgres(root: Path, events: int, runs: int) -> None:
    from postgres_store import (
        POSTGRES_SQL,
        demo_database,
        plain_postgres_sql_ms,
        postgres_bench_server,
        postgres_cluster,
    )

    with postgres_cluster() as cluster:
        url, website = demo_database(cluster, events)
        end = datetime.now(UTC)
        start = end - timedelta(days=30)
        window = {"startAt": int(start.timestamp() * 1000),
                  "endAt": int(end.timestamp() * 1000)}
        server = postgres_bench_server(root / f"postgres-{events}", url)
        try:
            http = time_http(server, website, window, runs)
        finally:
            server.stop()
        sql = plain_postgres_sql_ms(url, POSTGRES_SQL.items(),
                                    {"site": website, "start": start, "end": end}, runs)
    print_against_baseline(events, runs, "endpoint (PostgreSQL)", [label for label, *_ in CASES],
                           http, sql)


if __name__ == "__main__":
    run_from_command_line(__doc__.splitlines()[0], "1000000,10000000", 15, run_size,
                          run_size_postgres)
