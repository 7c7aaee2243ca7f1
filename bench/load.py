"""Load benchmark: what predecessor links cost the copier per batch, by table size.

For each size, copies the demo data of `bench/query.py --keep DIR` (or makes it), then loads
batches the way the copier does (`AnalyticsDatabase.load_batch`: link and insert in one
transaction). Half of each batch's events start new sessions; the other half continue either
sessions of the previous batches ("recent": their chain ends are in the loader's cache) or
sessions stored long ago ("returning": their rows must be read). Baseline in the same run and
file: the same Arrow rows appended with a plain INSERT into an unlinked copy of the table, and
as many session rows inserted (what loading cost before links).

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
from sqlalchemy import text

from umami_server.storage.embedded.analytics_db import _SCHEMAS, AnalyticsDatabase
from umami_server.storage.embedded.store import ANALYTICS_FILE


def _batch(continued: list[tuple[Any, ...]], website: str, size: int,
           rng: random.Random) -> list[dict[str, Any]]:
    """`size` events, half of them continuing a (session, visit) of `continued`."""
    now = int(datetime.now(UTC).timestamp() * 1_000_000)
    rows = []
    for index in range(size):
        if index % 2:
            session, visit = rng.choice(continued)
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


def _new_sessions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The session rows the collector sends along with a new session's first hit."""
    return [{name: row.get(name) for name in _SCHEMAS["session"].names}
            for row in rows if row["session_id"] == row["visit_id"]]


def run_size(root: Path, events: int, runs: int, batch_size: int) -> None:
    source = root / f"events-{events}"
    website = demo_website(source, events)
    for scenario in ("recent", "returning"):
        with tempfile.TemporaryDirectory(prefix="umami-load-") as scratch:
            copy = Path(scratch) / ANALYTICS_FILE
            shutil.copyfile(source / ANALYTICS_FILE, copy)
            database = AnalyticsDatabase(copy, memory_limit="4GB", threads=2)
            try:
                linked, plain = _time_batches(database, website, scenario, runs, batch_size)
            finally:
                database.close()
        linked_p50, plain_p50 = statistics.median(linked), statistics.median(plain)
        print(f"| {events:,} | {scenario} | {batch_size:,} | {linked_p50:.0f} | "
              f"{plain_p50:.0f} | {linked_p50 / plain_p50:.1f}× |", flush=True)


def _time_batches(database: AnalyticsDatabase, website: str, scenario: str, runs: int,
                  batch_size: int) -> tuple[list[float], list[float]]:
    stored = database.query(
        text("SELECT session_id, visit_id FROM website_event USING SAMPLE 5000"))
    cursor = database.cursor()
    cursor.execute("CREATE TABLE plain_event AS SELECT * FROM website_event LIMIT 0")
    rng = random.Random(len(stored))
    linked, plain = [], []
    sequence = database.applied_sequence()
    recent = [(row["session_id"], row["visit_id"])
              for row in _batch(stored, website, batch_size, rng)]
    for _ in range(runs):
        rows = _batch(recent if scenario == "recent" else stored, website, batch_size, rng)
        started = time.perf_counter()
        sequence += 1
        database.load_batch(sequence, rows, _new_sessions(rows), [], [], [])
        linked.append((time.perf_counter() - started) * 1000)
        recent = [(row["session_id"], row["visit_id"]) for row in rows]
        # The baseline stores as much: the rows, and a session row per new session (fresh ids,
        # so they are inserted rather than skipped as the linked load's already were).
        table = pa.Table.from_pylist(rows, schema=_SCHEMAS["website_event"])
        sessions = pa.Table.from_pylist(
            [{**row, "session_id": str(uuid.uuid4())} for row in _new_sessions(rows)],
            schema=_SCHEMAS["session"])
        started = time.perf_counter()
        cursor.register("plain_rows", table)
        cursor.register("plain_sessions", sessions)
        cursor.execute("BEGIN TRANSACTION")
        cursor.execute(f"INSERT INTO session ({', '.join(sessions.column_names)}) "
                       "SELECT * FROM plain_sessions ON CONFLICT DO NOTHING")
        cursor.execute(f"INSERT INTO plain_event ({', '.join(table.column_names)}) "
                       "SELECT * FROM plain_rows")
        cursor.execute("COMMIT")
        cursor.unregister("plain_rows")
        cursor.unregister("plain_sessions")
        plain.append((time.perf_counter() - started) * 1000)
    cursor.close()
    return linked, plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--keep", type=Path)
    options = parser.parse_args()
    print("| stored events | continued sessions | batch | load_batch p50 ms "
          "| plain insert p50 ms | ratio |")
    print("|---|---|---|---|---|---|")
    root = options.keep or Path(tempfile.mkdtemp(prefix="umami-bench-"))
    for size in (int(value) for value in options.sizes.split(",")):
        run_size(root, size, options.runs, options.batch)
    if not options.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
