"""A full disk: recognised in whichever form a database reports it, answered 503, logged sparingly.

While the disk holding the data directory is full every write fails, and with traffic that is
thousands of failures a second: one log line with a traceback each filled 178 MB a minute. The
condition is logged once per interval with how many writes it refused, and once when writes
succeed again. Acknowledged hits are safe either way: a hit is acknowledged only once its log
commit is on disk, and a refused one is answered 503.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import threading
import time
from collections import Counter

import duckdb

logger = logging.getLogger("umami_server.storage")

DISK_FULL_MESSAGE = (
    "The server's disk is full: nothing can be saved until its operator frees space. "
    "Retry later."
)
DISK_FULL_CODE = "disk-full"
# Freeing space takes a person: asking clients to come back within seconds would only add load.
DISK_FULL_RETRY_AFTER_SECONDS = 30
LOG_INTERVAL_SECONDS = 60.0

_NO_SPACE_TEXTS = ("No space left on device", "database or disk is full", "Disk quota exceeded")


class StorageFull(Exception):
    """A write was refused because the disk holding the data directory is full."""

    def __init__(self) -> None:
        super().__init__("the disk holding the data directory is full")


def is_disk_full(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised from, says the disk is full."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, StorageFull):
            return True
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        # SHMSIZE: SQLite could not allocate the shared-memory file it opens a WAL database with.
        if isinstance(error, sqlite3.Error) and getattr(error, "sqlite_errorcode", None) in (
            sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR_SHMSIZE,
        ):
            return True
        # DuckDB only carries the operating system's message, not its error number.
        if isinstance(error, sqlite3.Error | duckdb.Error) and any(
            text in str(error) for text in _NO_SPACE_TEXTS
        ):
            return True
        error = error.__cause__ or error.__context__
    return False


class DiskFullLog:
    """At most one line per interval while the disk is full, with the refused writes counted."""

    def __init__(self, interval_seconds: float = LOG_INTERVAL_SECONDS):
        self._interval = interval_seconds
        self._lock = threading.Lock()
        self._refused: Counter[str] = Counter()
        self._last_line: float | None = None
        self._announced = False

    def refused(self, what: str) -> None:
        """One write of `what` (the ingest log, the analytics database, ...) failed for space."""
        with self._lock:
            self._refused[what] += 1
            now = time.monotonic()
            if self._last_line is not None and now - self._last_line < self._interval:
                return
            counts = ", ".join(f"{what} {count}" for what, count in sorted(self._refused.items()))
            logger.error(
                "no space left in the data directory: writes refused since the last message: %s. "
                "Collection answers 503 with Retry-After and changes answer 503 until space is "
                "freed; queries keep working and acknowledged hits are kept.", counts)
            self._refused.clear()
            self._last_line = now
            self._announced = True

    def recovered(self, what: str) -> None:
        """A write of `what` succeeded; says so once if a full disk was announced."""
        if not self._announced:  # the usual case, without taking the lock
            return
        with self._lock:
            if not self._announced:
                return
            self._announced = False
            self._last_line = time.monotonic()
            unreported = sum(self._refused.values())
            self._refused.clear()
        logger.warning("space is back in the data directory: the %s writes again "
                       "(%d more writes were refused before)", what, unreported)


disk_full_log = DiskFullLog()
