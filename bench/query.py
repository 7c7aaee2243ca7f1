"""Query benchmark: the dashboard's analytics calls over HTTP against a plain-SQL baseline.

For each size (default 1 M and 10 M events over 30 days), fills a fresh data directory with
`umami-server demo`'s generator, starts `umami-server serve` on it, logs in and times each
endpoint over a 30-day window (p50/p95 of `--runs` calls after two warm-up calls). Then it stops
the server and times, on the same file and thread count, hand-written DuckDB SQL computing the
same numbers: the floor the query layer and HTTP add to. Prints a Markdown table.

    python bench/query.py [--sizes 1000000,10000000] [--runs 15] [--keep DIR]

With --keep, a later run on the same DIR reuses the data (the window then ends at that run's
now, so start it the same day).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server_process import ServerProcess  # noqa: E402
from umami_server.demo import write_demo  # noqa: E402
from umami_server.storage.embedded.store import ANALYTICS_FILE, METADATA_FILE  # noqa: E402
from umami_server.storage.metadata_store import MetadataStore  # noqa: E402

ADMIN_PASSWORD = "bench-admin-password"
THREADS = str(os.cpu_count() or 2)

WHERE = ("website_id = $site AND created_at BETWEEN $start AND $end "
         "AND event_type NOT IN (2, 5)")
VISITS = (f"SELECT session_id, visit_id, count(*) AS c, "
          f"epoch(max(created_at)) - epoch(min(created_at)) AS t FROM website_event "
          f"WHERE {WHERE} {{extra}} GROUP BY session_id, visit_id")
STATS_SQL = ("SELECT sum(c), count(DISTINCT session_id), count(DISTINCT visit_id), "
             "count(*) FILTER (c = 1), sum(floor(t)) FROM (" + VISITS + ")")

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
]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def fill(data_dir: Path, events: int) -> str:
    marker = data_dir / "bench-website-id"
    if marker.exists():  # --keep of an earlier run: reuse its data
        return marker.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    metadata = MetadataStore.open_sqlite(data_dir / METADATA_FILE)
    try:
        website = metadata.create_website("Bench", "example.com")["website_id"]
    finally:
        metadata.close()
    started = time.perf_counter()
    write_demo(data_dir / ANALYTICS_FILE, website, events, 30)
    print(f"# demo: {events:,} events in {time.perf_counter() - started:.0f} s", flush=True)
    marker.write_text(website)
    return website


def time_http(server: ServerProcess, website: str, window: dict[str, int],
              runs: int) -> dict[str, list[float]]:
    login = httpx.post(f"{server.base_url}/api/auth/login",
                       json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30)
    token = login.json()["token"]
    timings: dict[str, list[float]] = {}
    with httpx.Client(base_url=server.base_url, timeout=120,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        for label, path, params, _ in CASES:
            url = f"/api/websites/{website}/{path}"
            for _ in range(2):
                response = client.get(url, params={**window, **params})
                assert response.status_code == 200, response.text
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                client.get(url, params={**window, **params}).raise_for_status()
                samples.append((time.perf_counter() - started) * 1000)
            timings[label] = samples
    return timings


def time_sql(analytics_file: Path, website: str, start: datetime, end: datetime,
             runs: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    with duckdb.connect(str(analytics_file), read_only=True,
                        config={"threads": int(THREADS)}) as db:
        for label, _, _, sql in CASES:
            parameters = {"site": website, "start": start, "end": end}
            for _ in range(2):
                db.execute(sql, parameters).fetchall()
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                db.execute(sql, parameters).fetchall()
                samples.append((time.perf_counter() - started) * 1000)
            timings[label] = samples
    return timings


def run_size(root: Path, events: int, runs: int) -> None:
    data_dir = root / f"events-{events}"
    website = fill(data_dir, events)
    end = datetime.now(UTC)
    start = end - timedelta(days=30)
    window = {"startAt": int(start.timestamp() * 1000), "endAt": int(end.timestamp() * 1000)}
    env = {"UMAMI_ADMIN_PASSWORD": ADMIN_PASSWORD, "DUCKDB_THREADS": THREADS,
           "DUCKDB_MEMORY_LIMIT": "4GB"}
    server = ServerProcess(data_dir, env).start(timeout=120)
    try:
        http = time_http(server, website, window, runs)
    finally:
        server.stop()
    sql = time_sql(data_dir / ANALYTICS_FILE, website, start, end, runs)
    print(f"\n### {events:,} events, 30 days, {THREADS} DuckDB threads, {runs} runs\n")
    print("| endpoint | HTTP p50 ms | HTTP p95 ms | plain SQL p50 ms | ratio |")
    print("|---|---|---|---|---|")
    for label, *_ in CASES:
        p50 = statistics.median(http[label])
        base = statistics.median(sql[label])
        print(f"| {label} | {p50:.0f} | {percentile(http[label], 0.95):.0f} | {base:.0f} | "
              f"{p50 / base:.1f}× |")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path,
                        help="data directory root to keep and reuse (default: a temporary one)")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    if options.keep:
        for size in sizes:
            run_size(options.keep, size, options.runs)
        return
    with tempfile.TemporaryDirectory(prefix="umami-query-bench-") as root:
        for size in sizes:
            run_size(Path(root), size, options.runs)


if __name__ == "__main__":
    main()
