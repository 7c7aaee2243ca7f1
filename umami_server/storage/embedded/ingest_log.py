"""A durable, append-only log of accepted hits in SQLite, written by one thread with group commit.

Requests hand their encoded entries to `IngestLog.append` and are answered only after the SQLite
transaction holding them is on disk (WAL, synchronous=FULL). Whatever was waiting while one commit
ran goes into the next, so a single fsync serves many requests. Each commit is ONE row holding
the JSON array of its entries and their sequence range: one statement means the writer thread
takes the GIL back twice per commit instead of once per entry (with the event loop busy, every
hand-off costs up to a switch interval). A copier moves the log into DuckDB; the log is pruned
once DuckDB has committed the entries.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from umami_server.storage.disk_full import StorageFull, disk_full_log, is_disk_full
from umami_server.storage.group_commit import GroupCommitter

logger = logging.getLogger("umami_server.storage")

_MAX_ENTRIES_PER_COMMIT = 2048
_PRUNE_EVERY_SECONDS = 2.0


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA busy_timeout=5000")
    return connection


class IngestLog:
    def __init__(self, path: Path, first_free_sequence: int, max_queued: int = 20000):
        self.path = path
        self._writer = _connect(path)
        self._writer.execute(
            "CREATE TABLE IF NOT EXISTS ingest_log (first_seq INTEGER PRIMARY KEY, "
            "last_seq INTEGER NOT NULL, entries BLOB NOT NULL)"
        )
        (highest,) = self._writer.execute(
            "SELECT coalesce(max(last_seq), 0) FROM ingest_log"
        ).fetchone()
        self._next_sequence = max(int(highest) + 1, first_free_sequence)
        self._committed_sequence = self._next_sequence - 1
        self._prune_below = 0
        self._pruned_below = 0
        self._last_prune = time.monotonic()
        self.commits = 0
        self.committed_entries = 0
        self.appended_signal = threading.Event()
        self._committer: GroupCommitter[bytes] = GroupCommitter(
            self._commit, name="ingest-log-writer", max_queued=max_queued,
            max_per_commit=_MAX_ENTRIES_PER_COMMIT, between_commits=self._prune_now_and_then,
        )

    @property
    def committed_sequence(self) -> int:
        return self._committed_sequence

    async def append(self, entries: list[bytes]) -> None:
        """Return once every entry is durably in the log; raise IngestQueueFull under overload."""
        await self._committer.submit(entries)

    def allow_pruning_through(self, sequence: int) -> None:
        """Entries up to `sequence` are safely in the analytics store and may be deleted."""
        self._prune_below = max(self._prune_below, sequence + 1)

    def _commit(self, entries: list[bytes]) -> None:
        first = self._next_sequence
        last = first + len(entries) - 1
        try:
            # Autocommit: the INSERT is its own transaction, fsynced before execute returns.
            self._writer.execute(
                "INSERT INTO ingest_log (first_seq, last_seq, entries) VALUES (?, ?, ?)",
                (first, last, b"[" + b",".join(entries) + b"]"),
            )
        except sqlite3.Error as failure:
            if is_disk_full(failure):
                # The callers answer 503; one log line a minute says why.
                disk_full_log.refused("ingest log")
                raise StorageFull() from failure
            logger.exception("could not write %d entries to the ingest log", len(entries))
            raise
        disk_full_log.recovered("ingest log")
        self._next_sequence = last + 1
        self._committed_sequence = last
        self.commits += 1
        self.committed_entries += len(entries)
        self.appended_signal.set()

    def _prune_now_and_then(self) -> None:
        now = time.monotonic()
        if now - self._last_prune > _PRUNE_EVERY_SECONDS:
            self._prune()
            self._last_prune = now

    def _prune(self) -> None:
        target = self._prune_below
        if target <= self._pruned_below:
            return
        try:
            self._writer.execute("DELETE FROM ingest_log WHERE last_seq < ?", (target,))
            self._pruned_below = target
        except sqlite3.Error as failure:
            if is_disk_full(failure):
                disk_full_log.refused("ingest log pruning")
            else:
                logger.exception("could not prune the ingest log")

    def close(self) -> None:
        """Commit what is queued, then stop the writer thread."""
        if self._writer is None:
            return
        self._committer.close()
        self._prune()
        self._writer.close()
        self._writer = None  # type: ignore[assignment]


class IngestLogReader:
    """Reads committed entries in order; used by the copier on its own connection."""

    def __init__(self, path: Path):
        self._connection = _connect(path)

    def commits_after(self, sequence: int, limit: int) -> Iterator[tuple[int, bytes]]:
        """(last sequence, JSON array of entries) of each commit past `sequence`, in order."""
        cursor = self._connection.execute(
            "SELECT last_seq, entries FROM ingest_log WHERE last_seq > ? ORDER BY first_seq "
            "LIMIT ?",
            (sequence, limit),
        )
        yield from cursor

    def close(self) -> None:
        self._connection.close()
