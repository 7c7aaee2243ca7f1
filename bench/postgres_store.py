"""The PostgreSQL side of the benchmarks: a throwaway server, Umami's schema filled with the demo
generator's traffic, our server on it, and plain SQL written the way Umami 3.1 queries its
PostgreSQL schema (sessions joined for visitor attributes) as the baseline."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from harness import ADMIN_PASSWORD, timed_ms

from tests.postgres import PostgresServer, find_bindir
from tests.server_process import ServerProcess, use_database
from umami_server.demo import DemoTraffic
from umami_server.storage.postgres.connection import parse_database_url
from umami_server.storage.postgres.event_store import PostgresEventStore
from umami_server.storage.postgres.store import open_postgres_metadata
from umami_server.storage.records import IngestEntry


@contextmanager
def postgres_cluster() -> Iterator[PostgresServer]:
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL server binaries: apt-get install postgresql")
    # Durable (fsync on), with PostgreSQL's default memory settings, as a stock install runs.
    server = PostgresServer(bindir, durable=True).start()
    try:
        yield server
    finally:
        server.stop()


def demo_database(cluster: PostgresServer, events: int) -> tuple[str, str]:
    """A new database with Umami's schema holding `events` demo events over 30 days: its URL and
    the website's id."""
    url = cluster.create_database("bench")
    metadata = open_postgres_metadata(url)
    try:
        website = metadata.create_website("Bench", "example.com")["website_id"]
    finally:
        metadata.close()
    store = PostgresEventStore(parse_database_url(url))
    started = time.perf_counter()
    try:
        for batch, sessions, data in DemoTraffic(website, events, 30).rows():
            entries: list[IngestEntry] = [{"session": row} for row in sessions]
            entries += [{"event": row} for row in batch]
            if data:
                entries.append({"event_data": data})
            store.load(entries)
    finally:
        store.close()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")
    print(f"# demo: {events:,} events into PostgreSQL in {time.perf_counter() - started:.0f} s",
          flush=True)
    return url, website


def postgres_bench_server(data_dir: Any, url: str) -> ServerProcess:
    use_database(data_dir, url)
    return ServerProcess(data_dir, {"UMAMI_ADMIN_PASSWORD": ADMIN_PASSWORD}).start(timeout=120)


def plain_postgres_sql_ms(url: str, cases: Iterable[tuple[str, str | None]],
                          parameters: dict[str, Any], runs: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    with psycopg.connect(url, autocommit=True) as db:
        for label, sql in cases:
            if sql is not None:
                timings[label] = timed_ms(
                    lambda sql=sql: db.execute(sql, parameters).fetchall(), runs)
    return timings


# Umami 3.1's way on PostgreSQL: events filtered by website and window, visits grouped in a
# subquery, visitor attributes read from `session`.
_WHERE = ("e.website_id = %(site)s AND e.created_at BETWEEN %(start)s AND %(end)s "
          "AND e.event_type NOT IN (2, 5)")
_VISITS = ("SELECT {keys}e.session_id, e.visit_id, count(*) AS c, min(e.created_at) AS first_at, "
           "max(e.created_at) AS last_at FROM website_event e {join}WHERE " + _WHERE +
           " {extra} GROUP BY {keys}e.session_id, e.visit_id")
_MEASURES = ("sum(c), count(DISTINCT session_id), count(DISTINCT visit_id), "
             "count(*) FILTER (WHERE c = 1), "
             "sum(floor(extract(epoch FROM last_at - first_at)))")
_SESSION_JOIN = "JOIN session s ON s.session_id = e.session_id "

POSTGRES_SQL: dict[str, str] = {
    "stats": f"SELECT {_MEASURES} FROM ("
             + _VISITS.format(keys="", join="", extra="") + ") v",
    "pageviews (day, America/New_York)":
        "SELECT date_trunc('day', e.created_at AT TIME ZONE 'America/New_York') AS d, count(*), "
        f"count(DISTINCT e.session_id) FROM website_event e WHERE {_WHERE} GROUP BY d ORDER BY d",
    "metrics type=path":
        f"SELECT e.url_path, count(DISTINCT e.session_id) AS y FROM website_event e "
        f"WHERE {_WHERE} GROUP BY e.url_path ORDER BY y DESC LIMIT 500",
    "metrics type=browser":
        f"SELECT s.browser, count(DISTINCT e.session_id) AS y FROM website_event e "
        f"{_SESSION_JOIN}WHERE {_WHERE} GROUP BY s.browser ORDER BY y DESC LIMIT 500",
    "sessions (page 1)":
        "SELECT e.session_id, max(e.created_at) AS last_at, min(e.created_at), "
        "count(DISTINCT e.visit_id), count(*) FILTER (WHERE e.event_type = 1), "
        "count(*) FILTER (WHERE e.event_type = 2), min(s.browser), min(s.os), min(s.country) "
        f"FROM website_event e {_SESSION_JOIN}WHERE e.website_id = %(site)s AND e.created_at "
        "BETWEEN %(start)s AND %(end)s GROUP BY e.session_id ORDER BY last_at DESC LIMIT 20",
    "stats browser=firefox": f"SELECT {_MEASURES} FROM ("
        + _VISITS.format(keys="", join=_SESSION_JOIN, extra="AND s.browser = 'firefox'") + ") v",
    "metrics type=path path=/pricing":
        f"SELECT e.url_path, count(DISTINCT e.session_id) AS y FROM website_event e "
        f"WHERE {_WHERE} AND e.url_path = '/pricing' GROUP BY e.url_path ORDER BY y DESC "
        "LIMIT 500",
    "metrics type=exit":
        "SELECT path, count(DISTINCT session_id) AS y FROM (SELECT DISTINCT ON (e.visit_id) "
        f"e.session_id, e.url_path AS path FROM website_event e WHERE {_WHERE} "
        "ORDER BY e.visit_id, e.created_at DESC) v GROUP BY path ORDER BY y DESC LIMIT 500",
    "metrics/expanded type=path (the full pages table)":
        f"SELECT url_path, {_MEASURES} FROM ("
        + _VISITS.format(keys="e.url_path, ", join="", extra="")
        + ") v GROUP BY url_path ORDER BY 3 DESC LIMIT 500",
}
