"""Memory of the loader's chain-end cache: bytes per cached session, measured with tracemalloc.

Folds `--sessions` sessions of 9 hits in 3 visits (per visit two pageviews and one custom
event, realistic paths, titles and referrers) into `ChainEnds` the way loading a batch does,
and prints the traced memory per session. The cache holds 20,000 sessions
(`ChainEndCache`), so multiply by that for its size.

    python bench/chain_ends_size.py [--sessions 5000]
"""

from __future__ import annotations

import argparse
import sys
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from umami_server.storage.embedded.predecessors import ChainEnds  # noqa: E402


def _session_rows(number: int) -> list[dict[str, Any]]:
    rows = []
    for visit in range(3):
        visit_id = str(uuid.uuid4())
        for hit, event_type in enumerate((1, 2, 1)):
            rows.append({
                "visit_id": visit_id, "event_type": event_type,
                "event_name": "signup-click" if event_type == 2 else None,
                "url_path": f"/docs/page-{(number + visit + hit) % 50}",
                "page_title": f"Page {(number + hit) % 50}", "hostname": "example.com",
                "referrer_domain": "news.example.org" if hit == 0 else "example.com",
                "browser": "chrome", "os": "Linux", "device": "desktop", "screen": "1920x1080",
                "language": "en-US", "country": "DE", "region": "DE-BE", "city": "Berlin",
            })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5000)
    sessions = parser.parse_args().sessions
    inputs = [_session_rows(number) for number in range(sessions)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    cached = []
    moment = 1_700_000_000_000_000
    for rows in inputs:
        ends = ChainEnds()
        for row in rows:
            moment += 1_000_000
            attributes = tuple(row[name] for name in ("browser", "os", "device", "screen",
                                                       "language", "country", "region", "city"))
            ends.add(row, moment, row["event_type"] not in (2, 5), attributes)
        cached.append(ends)
    used = tracemalloc.get_traced_memory()[0] - before
    print(f"{sessions:,} sessions of 9 hits in 3 visits: {used / sessions / 1024:.1f} KB each, "
          f"{used / sessions * 20_000 / 2**20:.0f} MB for the cache's 20,000")


if __name__ == "__main__":
    main()
