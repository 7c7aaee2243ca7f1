"""Dashboard benchmark: how long the server takes to render the main pages of a busy website.

Fills a data directory with `umami-server demo`'s generator (the same data as bench/query.py,
whose `fill` it reuses, so `--keep` directories are shared), starts `umami-server serve`, logs in
through the login form and times whole HTML responses (every query of the page included) over
`--runs` requests after two warm-up ones. The issue's bar: the overview of a website with 10 M
events in under 1 s. Prints a Markdown table.

    python bench/dashboard.py [--sizes 10000000] [--runs 10] [--keep DIR]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from query import ADMIN_PASSWORD, THREADS, fill, percentile  # noqa: E402

from tests.server_process import ServerProcess  # noqa: E402

PAGES = (
    ("overview, last 24 h", "?range=24h"),
    ("overview, last 30 days", "?range=30d"),
    ("overview, 30 days, filtered by path", "?range=30d&path=eq./"),
    ("overview, all time", "?range=all"),
    ("realtime", "/realtime"),
    ("events, 30 days", "/events?range=30d"),
    ("sessions, 30 days", "/sessions?range=30d"),
)


def log_in(server: ServerProcess) -> httpx.Client:
    client = httpx.Client(base_url=server.base_url, timeout=60, follow_redirects=False)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    answer = client.post("/login", data={"csrf": token.group(1), "username": "admin",
                                         "password": ADMIN_PASSWORD})
    assert answer.status_code == 303, answer.text
    return client


def time_pages(server: ServerProcess, website: str, runs: int) -> dict[str, list[float]]:
    client = log_in(server)
    timings: dict[str, list[float]] = {}
    for label, suffix in PAGES:
        path = f"/websites/{website}{suffix}"
        samples = []
        for attempt in range(runs + 2):
            started = time.perf_counter()
            answer = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            assert answer.status_code == 200, (path, answer.status_code)
            if attempt >= 2:
                samples.append(elapsed)
        timings[label] = samples
    client.close()
    return timings


def run_size(root: Path, events: int, runs: int) -> None:
    data_dir = root / f"events-{events}"
    website = fill(data_dir, events)
    env = {"UMAMI_ADMIN_PASSWORD": ADMIN_PASSWORD, "DUCKDB_THREADS": THREADS,
           "DUCKDB_MEMORY_LIMIT": "4GB"}
    server = ServerProcess(data_dir, env).start(timeout=120)
    try:
        timings = time_pages(server, website, runs)
    finally:
        server.stop()
    print(f"\n### Dashboard, {events:,} events over 30 days, {THREADS} DuckDB threads, "
          f"{runs} runs\n")
    print("| page | p50 ms | p95 ms |")
    print("|---|---|---|")
    for label, samples in timings.items():
        print(f"| {label} | {statistics.median(samples):.0f} | "
              f"{percentile(samples, 0.95):.0f} |")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000000")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep", type=Path,
                        help="data directory root to keep and reuse (default: a temporary one)")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    if options.keep:
        for size in sizes:
            run_size(options.keep, size, options.runs)
        return
    with tempfile.TemporaryDirectory(prefix="umami-dashboard-bench-") as root:
        for size in sizes:
            run_size(Path(root), size, options.runs)


if __name__ == "__main__":
    main()
