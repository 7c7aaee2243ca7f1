"""Load benchmark: what predecessor links cost the copier per batch, by table size.

For each size, copies the demo data of `bench/query.py --keep DIR` (or makes it), then loads
batches the way the copier does (`AnalyticsDatabase.load_batch`: link and insert in one
transaction). Half of each batch's events continue stored sessions, so their chain ends must be
found. Baseline in the same run and file: the same Arrow rows appended with a plain INSERT into
an unlinked copy of the table (what loading cost before links).

    python bench/load.py [--sizes 1000000,10000000] [--runs 15] [--keep DIR] [--batch 1000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from harness import demo_website

from umami_server.storage.embedded.analytics_db import _SCHEMAS, AnalyticsDatabase
from umami_server.storage.embedded.store import ANALYTICS_FILE


def _batch(stored_sessions: list[tuple[Any, ...]], website: str, size: int,
           rng: random.Random) -> list[dict[str, Any]]:
    now = int(datetime.now(UTC).timestamp() * 1_000_000)
    rows = []
    for index in range(size):
        if index % 2:
            session, visit = rng.choice(stored_sessions)
            session, visit = str(session), str(visit)
        else:
            session = visit = str(uuid.uuid4())
        rows.append({
            "event_id": str(uuid.uuid4()), "website_id": website, "session_id": session,
            "visit_id": visit, "created_at": now + index, "url_path": f"/p{index % 40}",
            "event_type": 1, "browser": "chrome", "os": "linux", "device": "desktop",
            "country": "DE",
        })
    return rows


def run_size(root: Path, events: int, runs: int, batch_size: int) -> None:
    source = root / f"events-{events}"
    website = demo_website(source, events)
    with tempfile.TemporaryDirectory(prefix="umami-load-") as scratch:
        copy = Path(scratch) / ANALYTICS_FILE
        shutil.copyfile(source / ANALYTICS_FILE, copy)
        database = AnalyticsDatabase(copy, memory_limit="4GB", threads=2)
        try:
            stored = database.query(
                "SELECT session_id, visit_id FROM website_event USING SAMPLE 5000")
            cursor = database.cursor()
            cursor.execute("CREATE TABLE plain_event AS SELECT * FROM website_event LIMIT 0")
            rng = random.Random(events)
            linked, plain = [], []
            sequence = database.applied_sequence()
            for _ in range(runs):
                rows = _batch(stored, website, batch_size, rng)
                started = time.perf_counter()
                sequence += 1
                database.load_batch(sequence, rows, [], [], [], [])
                linked.append((time.perf_counter() - started) * 1000)
                table = pa.Table.from_pylist(rows, schema=_SCHEMAS["website_event"])
                started = time.perf_counter()
                cursor.register("plain_rows", table)
                cursor.execute("BEGIN TRANSACTION")
                cursor.execute(f"INSERT INTO plain_event ({', '.join(table.column_names)}) "
                               "SELECT * FROM plain_rows")
                cursor.execute("COMMIT")
                cursor.unregister("plain_rows")
                plain.append((time.perf_counter() - started) * 1000)
            cursor.close()
        finally:
            database.close()
    linked_p50, plain_p50 = statistics.median(linked), statistics.median(plain)
    print(f"| {events:,} | {batch_size:,} | {linked_p50:.0f} | {plain_p50:.0f} | "
          f"{linked_p50 / plain_p50:.1f}× |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--keep", type=Path)
    options = parser.parse_args()
    print("| stored events | batch | load_batch p50 ms | plain insert p50 ms | ratio |")
    print("|---|---|---|---|---|")
    root = options.keep or Path(tempfile.mkdtemp(prefix="umami-bench-"))
    for size in (int(value) for value in options.sizes.split(",")):
        run_size(root, size, options.runs, options.batch)
    if not options.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
