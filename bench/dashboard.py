"""Dashboard benchmark: how long the server takes to render the main pages of a busy website.

Fills a data directory with `umami-server demo`'s generator (bench/harness.py, as bench/query.py
does, so `--keep` directories are shared), starts `umami-server serve`, logs in
through the login form and times whole HTML responses (every query of the page included) over
`--runs` requests after two warm-up ones. The overview is streamed, so for it the time until
its stat cards and chart had arrived is measured too. The issue's bar: the overview of a
website with 10 M events usable in under 1 s. Prints a Markdown table.

    python bench/dashboard.py [--sizes 10000000] [--runs 10] [--keep DIR]
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

import httpx
from harness import (
    ADMIN_PASSWORD,
    THREADS,
    WARM_UP_CALLS,
    bench_server,
    demo_website,
    percentile,
    run_from_command_line,
    timed_ms,
)

from tests.server_process import ServerProcess

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


# The overview streams: the stat cards and the chart come first, the panels after. This marks
# the end of the first part.
FIRST_PART_END = b'<div class="panels">'


def time_pages(server: ServerProcess, website: str, runs: int
               ) -> dict[str, tuple[list[float], list[float]]]:
    """Per page: milliseconds until the cards and chart had arrived (overviews only), and
    until the whole page had."""
    client = log_in(server)
    timings: dict[str, tuple[list[float], list[float]]] = {}
    for label, suffix in PAGES:
        path = f"/websites/{website}{suffix}"
        first: list[float] = []
        whole: list[float] = []

        def load(path: str = path, first: list[float] = first) -> None:
            started = time.perf_counter()
            seen = b""
            with client.stream("GET", path) as answer:
                assert answer.status_code == 200, (path, answer.status_code)
                for chunk in answer.iter_bytes():
                    if FIRST_PART_END not in seen:
                        seen += chunk
                        if FIRST_PART_END in seen:
                            first.append((time.perf_counter() - started) * 1000)

        whole.extend(timed_ms(load, runs))
        # Only the overview is streamed; elsewhere the marker just ends a whole response.
        first[:] = first[WARM_UP_CALLS:] if label.startswith("overview") else []
        timings[label] = (first, whole)
    client.close()
    return timings


def run_size(root: Path, events: int, runs: int) -> None:
    data_dir = root / f"events-{events}"
    website = demo_website(data_dir, events)
    server = bench_server(data_dir)
    try:
        timings = time_pages(server, website, runs)
    finally:
        server.stop()
    print(f"\n### Dashboard, {events:,} events over 30 days, {THREADS} DuckDB threads, "
          f"{runs} runs\n")
    print("| page | cards and chart shown, p50 ms | whole page p50 ms | whole page p95 ms |")
    print("|---|---|---|---|")
    for label, (first, whole) in timings.items():
        shown = f"{statistics.median(first):.0f}" if first else "—"
        print(f"| {label} | {shown} | {statistics.median(whole):.0f} | "
              f"{percentile(whole, 0.95):.0f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    run_from_command_line(__doc__.splitlines()[0], "10000000", 10, run_size)
