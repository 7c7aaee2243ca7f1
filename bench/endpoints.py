"""Ad-hoc timing of analytics endpoints over HTTP on a data directory made by the query or
report benchmark (`--keep DIR`): p50 of 5 calls after two warm-ups, over the last 30 days.

    python bench/endpoints.py DIR/events-10000000 "metrics/expanded?type=path,stats"

Each item is a path under /api/websites/<id>/ with its own query string. For a before/after
pair, run it again from the other tree's directory with `PYTHONPATH` set to that tree: the
server is a `python -m` subprocess, which puts its working directory first on the path.
"""

from __future__ import annotations

import statistics
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import api_client, bench_server, timed_ms


def main() -> None:
    data_dir, items = Path(sys.argv[1]), sys.argv[2].split(",")
    website = (data_dir / "bench-website-id").read_text().strip()
    end = datetime.now(UTC)
    window = {"startAt": int((end - timedelta(days=30)).timestamp() * 1000),
              "endAt": int(end.timestamp() * 1000)}
    server = bench_server(data_dir)
    try:
        with api_client(server, 300) as client:
            for item in items:
                path, _, query = item.partition("?")
                params = {**window, **dict(pair.split("=", 1) for pair in query.split("&") if pair)}
                url = f"/api/websites/{website}/{path}"
                samples = timed_ms(
                    lambda url=url, params=params: client.get(url, params=params)
                    .raise_for_status(), 5)
                print(f"| {item} | {statistics.median(samples):.0f} |", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
