"""What the query, report and dashboard benchmarks share: demo data, a server on it, timing of
calls and of plain SQL, and their common command line (--sizes, --runs, --keep)."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

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
WARM_UP_CALLS = 2


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed_ms(call: Callable[[], Any], runs: int) -> list[float]:
    """Milliseconds of `runs` calls, after warm-up calls that are not counted."""
    for _ in range(WARM_UP_CALLS):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def demo_website(data_dir: Path, events: int,
                 extend: Callable[[Path], str] | None = None) -> str:
    """The id of a website holding `events` demo events over 30 days in `data_dir`.

    A directory filled by an earlier run (--keep) is reused as it is. `extend` may add to fresh
    data (it gets the analytics file) and returns a note for the log line.
    """
    marker = data_dir / "bench-website-id"
    if marker.exists():
        return marker.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    metadata = MetadataStore.open_sqlite(data_dir / METADATA_FILE)
    try:
        website = metadata.create_website("Bench", "example.com")["website_id"]
    finally:
        metadata.close()
    started = time.perf_counter()
    write_demo(data_dir / ANALYTICS_FILE, website, events, 30)
    note = f" ({extend(data_dir / ANALYTICS_FILE)})" if extend else ""
    print(f"# demo: {events:,} events{note} in {time.perf_counter() - started:.0f} s", flush=True)
    marker.write_text(website)
    return website


def bench_server(data_dir: Path) -> ServerProcess:
    env = {"UMAMI_ADMIN_PASSWORD": ADMIN_PASSWORD, "DUCKDB_THREADS": THREADS,
           "DUCKDB_MEMORY_LIMIT": "4GB"}
    return ServerProcess(data_dir, env).start(timeout=120)


def api_client(server: ServerProcess, timeout: float) -> httpx.Client:
    """An HTTP client logged in as the benchmark's admin through the REST API."""
    login = httpx.post(f"{server.base_url}/api/auth/login",
                       json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30)
    token = login.json()["token"]
    return httpx.Client(base_url=server.base_url, timeout=timeout,
                        headers={"Authorization": f"Bearer {token}"})


def plain_sql_ms(analytics_file: Path, cases: Iterable[tuple[str, str | None]],
                 parameters: dict[str, Any], runs: int) -> dict[str, list[float]]:
    """Timings of hand-written DuckDB SQL on the same file and threads: the baseline."""
    timings: dict[str, list[float]] = {}
    with duckdb.connect(str(analytics_file), read_only=True,
                        config={"threads": int(THREADS)}) as db:
        for label, sql in cases:
            if sql is not None:
                timings[label] = timed_ms(
                    lambda sql=sql: db.execute(sql, parameters).fetchall(), runs)
    return timings


def print_against_baseline(events: int, runs: int, kind: str, labels: Iterable[str],
                           http: dict[str, list[float]], sql: dict[str, list[float]]) -> None:
    """A Markdown table: HTTP p50/p95 per case next to its plain-SQL p50 (when it has one)."""
    print(f"\n### {events:,} events, 30 days, {THREADS} DuckDB threads, {runs} runs\n")
    print(f"| {kind} | HTTP p50 ms | HTTP p95 ms | plain SQL p50 ms | ratio |")
    print("|---|---|---|---|---|")
    for label in labels:
        p50 = statistics.median(http[label])
        if label in sql:
            base = statistics.median(sql[label])
            baseline = f"{base:.0f} | {p50 / base:.1f}×"
        else:
            baseline = "— | —"
        print(f"| {label} | {p50:.0f} | {percentile(http[label], 0.95):.0f} | {baseline} |")
    sys.stdout.flush()


def run_from_command_line(description: str, default_sizes: str, default_runs: int,
                          run_size: Callable[[Path, int, int], None],
                          run_size_postgres: Callable[[Path, int, int], None] | None = None,
                          ) -> None:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", default=default_sizes)
    parser.add_argument("--runs", type=int, default=default_runs)
    parser.add_argument("--keep", type=Path,
                        help="data directory root to keep and reuse (default: a temporary one)")
    if run_size_postgres is not None:
        parser.add_argument("--store", choices=("embedded", "postgres"), default="embedded")
    options = parser.parse_args()
    if getattr(options, "store", "embedded") == "postgres":
        assert run_size_postgres is not None
        run_size = run_size_postgres
    sizes = [int(size) for size in options.sizes.split(",")]
    if options.keep:
        for size in sizes:
            run_size(options.keep, size, options.runs)
        return
    with tempfile.TemporaryDirectory(prefix="umami-bench-") as root:
        for size in sizes:
            run_size(Path(root), size, options.runs)
