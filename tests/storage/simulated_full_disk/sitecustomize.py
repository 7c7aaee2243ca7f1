"""Imported at start by a test server process that has this directory on PYTHONPATH: while the
file named by SIMULATED_FULL_DISK_MARKER exists, no SQLite database of the process may grow.

SQLite answers a write that needs more pages than `max_page_count` allows with SQLITE_FULL,
"database or disk is full", the very error a full disk gives; so the server meets a full disk
without root rights to mount a small file system. DuckDB is not limited: the tmpfs test covers it.
"""

from __future__ import annotations

import os
import sqlite3
import sqlite3.dbapi2
from typing import Any

_MARKER = os.environ.get("SIMULATED_FULL_DISK_MARKER", "")
_connect = sqlite3.connect


def _limit_to_marker(connection: sqlite3.Connection) -> None:
    full = bool(_MARKER) and os.path.exists(_MARKER)
    if getattr(connection, "simulated_full", None) is full:
        return
    if not hasattr(connection, "unlimited_pages"):
        (pages,) = sqlite3.Connection.execute(connection, "PRAGMA max_page_count").fetchone()
        connection.unlimited_pages = pages  # type: ignore[attr-defined]
    # A limit below the file's size is raised to that size: the file may not grow any more.
    limit = 1 if full else connection.unlimited_pages  # type: ignore[attr-defined]
    sqlite3.Connection.execute(connection, f"PRAGMA max_page_count = {limit}")
    connection.simulated_full = full  # type: ignore[attr-defined]


class _Cursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        _limit_to_marker(self.connection)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        _limit_to_marker(self.connection)
        return super().executemany(sql, parameters)


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        _limit_to_marker(self)
        return super().execute(sql, parameters)


def _connect_limited(*arguments: Any, **options: Any) -> sqlite3.Connection:
    options.setdefault("factory", _Connection)
    return _connect(*arguments, **options)


# SQLAlchemy connects through sqlite3.dbapi2, the ingest log through sqlite3.
sqlite3.connect = sqlite3.dbapi2.connect = _connect_limited
