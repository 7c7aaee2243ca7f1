"""The embedded store in-process: visibility delay, overload, migrations, reopening."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import time
import uuid

import pytest
from sqlalchemy import text

from umami_server.storage.embedded.analytics_db import MIGRATIONS
from umami_server.storage.embedded.ingest_log import IngestLog
from umami_server.storage.embedded.store import INGEST_LOG_FILE, EmbeddedStore
from umami_server.storage.errors import IngestQueueFull


def pageview(website_id: str, path: str) -> dict:
    session = str(uuid.uuid4())
    now = int(time.time() * 1_000_000)
    return {
        "session": {"session_id": session, "website_id": website_id, "created_at": now},
        "event": {"event_id": str(uuid.uuid4()), "website_id": website_id, "session_id": session,
                  "visit_id": session, "created_at": now, "url_path": path, "event_type": 1},
    }


def test_acknowledged_events_are_queryable_within_a_second(tmp_path):
    store = EmbeddedStore.open(tmp_path, copy_interval_seconds=0.5, threads=1)
    website = str(uuid.uuid4())
    try:
        asyncio.run(store.events.write([pageview(website, "/now")]))
        acknowledged = time.monotonic()
        while not store.events.query(text(
            "SELECT count(*) FROM website_event WHERE website_id = :website"
        ).bindparams(website=website))[0][0]:
            assert time.monotonic() - acknowledged < 1.5, "not visible after 1.5 s"
            time.sleep(0.02)
    finally:
        store.close()


def test_a_full_queue_refuses_instead_of_growing(tmp_path):
    log = IngestLog(tmp_path / INGEST_LOG_FILE, first_free_sequence=1, max_queued=3)
    # Another connection holding SQLite's write lock stalls the writer, so appends pile up.
    blocker = sqlite3.connect(tmp_path / INGEST_LOG_FILE, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")

    async def flood() -> tuple[int, int]:
        tasks = [asyncio.create_task(log.append([b"{}"])) for _ in range(10)]
        await asyncio.sleep(0.2)
        blocker.execute("COMMIT")
        results = await asyncio.gather(*tasks, return_exceptions=True)
        refused = sum(isinstance(result, IngestQueueFull) for result in results)
        return refused, len(results) - refused

    refused, stored = asyncio.run(flood())
    log.close()
    blocker.close()
    assert refused >= 6 and stored >= 1 and refused + stored == 10
    rows = sqlite3.connect(tmp_path / INGEST_LOG_FILE).execute(
        "SELECT coalesce(sum(last_seq - first_seq + 1), 0) FROM ingest_log").fetchone()[0]
    assert rows == stored


def test_reopening_applies_migrations_once_and_keeps_data(tmp_path):
    website = str(uuid.uuid4())
    store = EmbeddedStore.open(tmp_path, threads=1)
    asyncio.run(store.events.write([pageview(website, "/a"), pageview(website, "/b")]))
    store.close()
    store = EmbeddedStore.open(tmp_path, threads=1)
    try:
        assert store.events.query(text("SELECT version FROM schema_migrations")) == [
            (version,) for version, _ in MIGRATIONS]
        assert store.events.query(text(
            "SELECT count(*) FROM website_event WHERE website_id = :website"
        ).bindparams(website=website)) == [(2,)]
    finally:
        store.close()


def test_a_second_process_gets_a_clear_error(tmp_path):
    import subprocess
    import sys

    store = EmbeddedStore.open(tmp_path, threads=1)
    try:
        code = (
            "import sys, pathlib\n"
            "from umami_server.storage.embedded.store import EmbeddedStore, StoreLocked\n"
            "try:\n"
            f"    EmbeddedStore.open(pathlib.Path({str(tmp_path)!r}))\n"
            "except StoreLocked as error:\n"
            "    print(error); sys.exit(3)\n"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 3, result.stderr
        assert "in use by another umami-server process" in result.stdout
    finally:
        store.close()


@pytest.mark.parametrize("entries", [1, 1000])
def test_log_sequences_continue_after_pruning(tmp_path, entries):
    website = str(uuid.uuid4())
    store = EmbeddedStore.open(tmp_path, threads=1)
    asyncio.run(store.events.write([pageview(website, f"/{i}") for i in range(entries)]))
    store.close()
    # Everything was copied and pruned; new entries must not reuse old sequence numbers.
    store = EmbeddedStore.open(tmp_path, threads=1)
    asyncio.run(store.events.write([pageview(website, "/after")]))
    store.close()
    store = EmbeddedStore.open(tmp_path, threads=1)
    try:
        assert store.events.query(text(
            "SELECT count(*) FROM website_event WHERE website_id = :website"
        ).bindparams(website=website)) == [(entries + 1,)]
    finally:
        store.close()


# Migrations are generated from code (column lists, the linking SQL). An applied migration must
# never change, so their text is pinned: a change that alters one needs a new version instead.
APPLIED_MIGRATIONS = {
    1: "a3d9b059723be6a84d4d93d30f165f0e3877b04c0eb0ed399b074f6d9492719d",
    2: "45aaa06ca9c33c4e63fc24ed08e96544f46f36c10afe2dfaff597a3c711cc254",
    3: "db595a8dfdea00c816b3c9619a7fe501fd527e5ff78c93031ac3e7788428b606",
    4: "71150f6651eb876644bf866659f8e6fa804f31b8676005ad968ab035cc85aad5",
}


def test_applied_migrations_keep_their_text():
    digests = {version: hashlib.sha256("".join(parts).encode()).hexdigest()
               for version, parts in MIGRATIONS}
    assert {version: digests[version] for version in APPLIED_MIGRATIONS} == APPLIED_MIGRATIONS
