"""Moves committed log entries into DuckDB in large batches, off the request path."""

from __future__ import annotations

import logging
import threading
import time

import orjson

from umami_server.storage.disk_full import disk_full_log, is_disk_full
from umami_server.storage.embedded.analytics_db import AnalyticsDatabase
from umami_server.storage.embedded.ingest_log import IngestLog, IngestLogReader
from umami_server.storage.records import Row

logger = logging.getLogger("umami_server.storage")

# Log rows (group commits) per DuckDB transaction; each holds one to a few thousand entries.
_COMMITS_PER_BATCH = 200


class LogToAnalyticsCopier:
    """A thread that copies the log into DuckDB every `interval_seconds` (sooner under load)."""

    def __init__(
        self,
        log: IngestLog,
        reader: IngestLogReader,
        database: AnalyticsDatabase,
        interval_seconds: float = 0.5,
    ):
        self._log = log
        self._reader = reader
        self._database = database
        self._interval = interval_seconds
        self._applied = database.applied_sequence()
        self._stop = threading.Event()
        self._caught_up = threading.Condition()
        self._thread: threading.Thread | None = None
        self.failures = 0

    @property
    def applied_sequence(self) -> int:
        return self._applied

    def catch_up(self) -> int:
        """Copy everything committed so far; returns how many entries were copied."""
        copied = 0
        while True:
            batch = list(self._reader.commits_after(self._applied, _COMMITS_PER_BATCH))
            if not batch:
                break
            copied += self._load(batch)
            if len(batch) < _COMMITS_PER_BATCH:
                break
        return copied

    def _load(self, batch: list[tuple[int, bytes]]) -> int:
        events: list[Row] = []
        sessions: list[Row] = []
        event_data: list[Row] = []
        session_data: list[Row] = []
        revenue: list[Row] = []
        count = 0
        for _, raw in batch:
            for entry in orjson.loads(raw):
                count += 1
                if "session" in entry:
                    sessions.append(entry["session"])
                if "event" in entry:
                    events.append(entry["event"])
                if "event_data" in entry:
                    event_data.extend(entry["event_data"])
                if "session_data" in entry:
                    session_data.extend(entry["session_data"])
                if "revenue" in entry:
                    revenue.append(entry["revenue"])
        last_sequence = batch[-1][0]
        self._database.load_batch(
            last_sequence, events, sessions, event_data, session_data, revenue
        )
        disk_full_log.recovered("analytics database")
        self._applied = last_sequence
        self._log.allow_pruning_through(last_sequence)
        with self._caught_up:
            self._caught_up.notify_all()
        return count

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="log-to-duckdb", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._log.appended_signal.wait(self._interval)
            # Let a burst accumulate into one DuckDB transaction (each costs milliseconds).
            self._stop.wait(self._interval)
            self._log.appended_signal.clear()
            try:
                self.catch_up()
            except Exception as error:
                self.failures += 1
                if is_disk_full(error):
                    # The entries stay in the log and are copied once there is space again.
                    disk_full_log.refused("analytics database")
                else:
                    logger.exception("copying the ingest log into DuckDB failed; will retry")
                self._stop.wait(min(5.0, self._interval * 4))

    def wait_until_applied(self, sequence: int, timeout: float) -> bool:
        """Block until entries up to `sequence` are queryable (used by tests and shutdown)."""
        deadline = time.monotonic() + timeout
        with self._caught_up:
            while self._applied < sequence:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._caught_up.wait(remaining)
        return True

    def stop(self) -> None:
        self._stop.set()
        self._log.appended_signal.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
