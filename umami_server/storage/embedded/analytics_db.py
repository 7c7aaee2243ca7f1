"""The DuckDB file that answers analytics queries: its schema, its migrations and bulk loading.

Rows arrive in batches from the ingest log and are appended as Arrow tables (row-by-row inserts
into DuckDB from Python are two orders of magnitude slower). Each batch is one transaction that
also records the highest log sequence it contains, so replaying the log after a crash neither
loses nor duplicates rows.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy.sql import ClauseElement

from umami_server.storage.embedded.dialect import duckdb_sql
from umami_server.storage.embedded.predecessors import (
    LINK_COLUMNS_DDL,
    TYPE_STEP_COLUMNS_DDL,
    VISIT_COLUMNS_DDL,
    VISITOR_ATTRIBUTES,
    ChainEndCache,
    link_and_insert,
    link_everything_sql,
    link_type_steps_sql,
    link_visits_sql,
)
from umami_server.storage.errors import InvalidQuery, QueryTooLarge, StoreLocked
from umami_server.storage.records import (
    EVENT_COLUMNS,
    EVENT_DATA_COLUMNS,
    REVENUE_COLUMNS,
    SESSION_ATTRIBUTES,
    SESSION_COLUMNS,
    SESSION_DATA_COLUMNS,
    Row,
)

logger = logging.getLogger("umami_server.storage")

# What a user is told when a query passes DuckDB's memory limit (QueryTooLarge.advice).
MEMORY_LIMIT_ADVICE = ("This query needs more memory than the server may use "
                       "(DUCKDB_MEMORY_LIMIT): choose a shorter date range or fewer filters, "
                       "or raise the limit.")

_TEXT = pa.string()
_TIME = pa.timestamp("us", tz="UTC")
_NUMBER = pa.float64()
_INT = pa.int32()

_TYPED_COLUMNS: dict[str, pa.DataType] = {
    "created_at": _TIME,
    "date_value": _TIME,
    "number_value": _NUMBER,
    "revenue": _NUMBER,
    "lcp": _NUMBER,
    "inp": _NUMBER,
    "cls": _NUMBER,
    "fcp": _NUMBER,
    "ttfb": _NUMBER,
    "event_type": _INT,
    "data_type": _INT,
}


def _arrow_schema(columns: Sequence[str]) -> pa.Schema:
    return pa.schema([(name, _TYPED_COLUMNS.get(name, _TEXT)) for name in columns])


_SCHEMAS = {
    "website_event": _arrow_schema(EVENT_COLUMNS),
    "session": _arrow_schema(SESSION_COLUMNS),
    "event_data": _arrow_schema(EVENT_DATA_COLUMNS),
    "session_data": _arrow_schema(SESSION_DATA_COLUMNS),
    "revenue": _arrow_schema(REVENUE_COLUMNS),
}

_VARCHAR_COLUMNS_OF_EVENT = ",\n    ".join(
    f"{name} VARCHAR"
    for name in EVENT_COLUMNS
    if name not in _TYPED_COLUMNS
    and name not in ("event_id", "website_id", "session_id", "visit_id", "url_path")
)

_EVENT_COLUMNS_DDL = f"""
    event_id UUID NOT NULL,
    website_id UUID NOT NULL,
    session_id UUID NOT NULL,
    visit_id UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    url_path VARCHAR NOT NULL,
    {_VARCHAR_COLUMNS_OF_EVENT},
    event_type INTEGER NOT NULL,
    lcp DOUBLE, inp DOUBLE, cls DOUBLE, fcp DOUBLE, ttfb DOUBLE"""

# Rows per part of a migration that updates every event row: a part's window functions and
# undo data must fit DuckDB's memory limit (1 GB by default); 8 parts fit at 10 M events.
_UPDATE_PARTS = 8


def _add_linked_columns(columns: dict[str, str],
                        link: Callable[[str], str]) -> tuple[str, ...]:
    """Migration parts adding `columns` to the event table, then filling them per share of the
    sessions (whole sessions per part: `link(where)` computes them from their own rows)."""
    return ("".join(f"ALTER TABLE website_event ADD COLUMN IF NOT EXISTS {name} {kind};\n"
                    for name, kind in columns.items()),
            *(link(f"hash(session_id) % {_UPDATE_PARTS} = {part}") + ";\n"
              for part in range(_UPDATE_PARTS)))


# Versioned migrations; each runs once, in order. A migration is one or more parts, each in its
# own transaction; the version is recorded with the last. Parts of a migration with several
# must be safe to run again (an interrupted migration starts over).
MIGRATIONS: list[tuple[int, tuple[str, ...]]] = [
    (
        1,
        (f"""
CREATE TABLE website_event ({_EVENT_COLUMNS_DDL}
);
CREATE TABLE session (
    session_id UUID PRIMARY KEY,
    website_id UUID NOT NULL,
    browser VARCHAR, os VARCHAR, device VARCHAR, screen VARCHAR, language VARCHAR,
    country VARCHAR, region VARCHAR, city VARCHAR, distinct_id VARCHAR,
    created_at TIMESTAMPTZ
);
CREATE TABLE event_data (
    event_data_id UUID NOT NULL,
    website_id UUID NOT NULL,
    website_event_id UUID NOT NULL,
    session_id UUID NOT NULL,
    data_key VARCHAR NOT NULL,
    string_value VARCHAR,
    number_value DOUBLE,
    date_value TIMESTAMPTZ,
    data_type INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE session_data (
    session_data_id UUID NOT NULL,
    website_id UUID NOT NULL,
    session_id UUID NOT NULL,
    data_key VARCHAR NOT NULL,
    string_value VARCHAR,
    number_value DOUBLE,
    date_value TIMESTAMPTZ,
    data_type INTEGER NOT NULL,
    distinct_id VARCHAR,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session_id, data_key)
);
CREATE TABLE revenue (
    revenue_id UUID NOT NULL,
    website_id UUID NOT NULL,
    session_id UUID NOT NULL,
    event_id UUID NOT NULL,
    event_name VARCHAR NOT NULL,
    currency VARCHAR NOT NULL,
    revenue DOUBLE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE ingest_state (id INTEGER PRIMARY KEY, applied_sequence BIGINT NOT NULL);
INSERT INTO ingest_state VALUES (1, 0);
""",),
    ),
    (
        # Predecessor links (see predecessors.py), backfilled by rebuilding the event table.
        2,
        (f"""
CREATE TABLE website_event_linked ({_EVENT_COLUMNS_DDL}{LINK_COLUMNS_DDL}
);
{link_everything_sql("website_event", "website_event_linked", EVENT_COLUMNS)};
DROP TABLE website_event;
ALTER TABLE website_event_linked RENAME TO website_event;
CREATE TABLE varying_session (website_id UUID NOT NULL, session_id UUID NOT NULL);
INSERT INTO session (session_id, website_id, {", ".join(SESSION_ATTRIBUTES)}, created_at)
SELECT session_id, any_value(website_id),
       {", ".join(f"arg_min({name}, created_at)" for name in SESSION_ATTRIBUTES)},
       min(created_at)
FROM website_event WHERE session_id NOT IN (SELECT session_id FROM session)
GROUP BY session_id;
INSERT INTO varying_session
SELECT any_value(website_id), session_id FROM website_event
GROUP BY session_id HAVING count(DISTINCT ({", ".join(VISITOR_ATTRIBUTES)})) > 1;
""",),
    ),
    (
        # Per-visit links (see predecessors.py): visit steps for journeys, (visit, path) chains
        # for breakdowns.
        3,
        _add_linked_columns(VISIT_COLUMNS_DDL, link_visits_sql),
    ),
    (
        # Visit steps per event type (see predecessors.py): journeys of one event type.
        4,
        _add_linked_columns(TYPE_STEP_COLUMNS_DDL, link_type_steps_sql),
    ),
]


_MIGRATION_NOTES = {
    2: ": linking every stored event to its predecessors, once (1-2 minutes per 10 M events)",
    3: ": numbering every stored visit's steps, once (about two minutes per 10 M events)",
    4: ": numbering every stored visit's steps per event type, once",
}


def _columns_of(table: str) -> str:
    return ", ".join(_SCHEMAS[table].names)


class AnalyticsDatabase:
    """Owns the DuckDB connection of this process; loads batches and hands out read cursors."""

    def __init__(self, path: Path, memory_limit: str = "1GB", threads: int = 2):
        self.path = path
        try:
            self._connection = duckdb.connect(
                str(path), config={"memory_limit": memory_limit, "threads": threads}
            )
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise StoreLocked(
                    f"{path.parent} is in use by another umami-server process "
                    "(DuckDB allows one writer per file)"
                ) from error
            raise
        # DuckDB's own progress bar stays off for loads; migrations turn it on (see below).
        self._connection.execute("SET enable_progress_bar = false")
        self._load_lock = threading.Lock()
        self._chain_ends = ChainEndCache()
        self._migrate()

    def _migrate(self) -> None:
        connection = self._connection
        connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT current_timestamp)"
        )
        applied = {
            row[0] for row in connection.execute("SELECT version FROM schema_migrations").fetchall()
        }
        for version, parts in MIGRATIONS:
            if version in applied:
                continue
            logger.info("applying analytics schema migration %d%s", version,
                        _MIGRATION_NOTES.get(version, ""))
            for number, statements in enumerate(parts, start=1):
                if len(parts) > 1:
                    logger.info("migration %d: part %d of %d", version, number, len(parts))
                self._run_migration_part(statements, version if number == len(parts) else None)

    def _run_migration_part(self, statements: str, finishes: int | None) -> None:
        connection = self._connection
        # A migration that rebuilds a large table runs for minutes: show DuckDB's bar.
        connection.execute("SET enable_progress_bar = true")
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute(statements)
            if finishes is not None:
                connection.execute("INSERT INTO schema_migrations (version) VALUES (?)",
                                   [finishes])
            connection.execute("COMMIT")
        except Exception:
            with contextlib.suppress(duckdb.TransactionException):
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.execute("SET enable_progress_bar = false")

    @property
    def schema_version(self) -> int:
        row = self._connection.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def applied_sequence(self) -> int:
        row = self._connection.execute(
            "SELECT applied_sequence FROM ingest_state WHERE id = 1"
        ).fetchone()
        return int(row[0]) if row else 0

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one thread's reads; DuckDB gives each a consistent snapshot."""
        return self._connection.cursor()

    def load_batch(
        self,
        last_sequence: int,
        events: list[Row],
        sessions: list[Row],
        event_data: list[Row],
        session_data: list[Row],
        revenue: list[Row],
    ) -> None:
        """Append one batch and advance the applied log sequence, atomically."""
        with self._write_transaction() as cursor:
            new_sessions = self._insert_sessions(cursor, sessions, events)
            self._append_linked_events(cursor, events, new_sessions)
            self._append(cursor, "event_data", event_data)
            self._append(cursor, "revenue", revenue)
            if session_data:
                self._append(
                    cursor,
                    "session_data",
                    _last_per_key(session_data, ("session_id", "data_key")),
                    conflict="ON CONFLICT DO UPDATE SET "
                    + ", ".join(
                        f"{name} = excluded.{name}"
                        for name in _SCHEMAS["session_data"].names
                        if name not in ("session_id", "data_key")
                    ),
                )
            cursor.execute(
                "UPDATE ingest_state SET applied_sequence = ? WHERE id = 1", [last_sequence]
            )

    @contextlib.contextmanager
    def _write_transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One writer at a time; commit on success, roll back on any error."""
        with self._load_lock:
            cursor = self._connection.cursor()
            try:
                cursor.execute("BEGIN TRANSACTION")
                yield cursor
                cursor.execute("COMMIT")
            except Exception:
                # A failed COMMIT has rolled back already; the original error is what matters.
                with contextlib.suppress(duckdb.TransactionException):
                    cursor.execute("ROLLBACK")
                # The cached chain ends may hold rows the rollback removed.
                self._chain_ends.clear()
                raise
            finally:
                cursor.close()

    def _insert_sessions(self, cursor: duckdb.DuckDBPyConnection, sessions: list[Row],
                         events: list[Row]) -> set[str]:
        """Insert the batch's sessions and return those new to the store.

        Every event's session gets a row (from the event when the batch has none), so a
        session without a row has no stored events: the linking relies on it. Sessions whose
        chain ends are cached have stored rows already.
        """
        from_events = (
            {"session_id": event["session_id"], "website_id": event["website_id"],
             **{name: event.get(name) for name in SESSION_ATTRIBUTES},
             "created_at": event["created_at"]}
            for event in events if event["session_id"] not in self._chain_ends
        )
        # First-seen attributes win: later rows for a known session are ignored.
        rows = _first_per_key([*sessions, *from_events], ("session_id",))
        if not rows:
            return set()
        columns = _columns_of("session")
        cursor.register("incoming_rows", pa.Table.from_pylist(rows, schema=_SCHEMAS["session"]))
        try:
            inserted = cursor.execute(
                f"INSERT INTO session ({columns}) SELECT {columns} FROM incoming_rows "
                "ON CONFLICT DO NOTHING RETURNING session_id::VARCHAR").fetchall()
        finally:
            cursor.unregister("incoming_rows")
        return {row[0] for row in inserted}

    def _append_linked_events(self, cursor: duckdb.DuckDBPyConnection, events: list[Row],
                              new_sessions: set[str]) -> None:
        if not events:
            return
        rows = pa.Table.from_pylist(events, schema=_SCHEMAS["website_event"])
        link_and_insert(cursor, events, rows, new_sessions, self._chain_ends)

    @staticmethod
    def _append(
        cursor: duckdb.DuckDBPyConnection, table: str, rows: list[Row], conflict: str = ""
    ) -> None:
        if not rows:
            return
        columns = _columns_of(table)
        cursor.register("incoming_rows", pa.Table.from_pylist(rows, schema=_SCHEMAS[table]))
        try:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming_rows {conflict}"
            )
        finally:
            cursor.unregister("incoming_rows")

    def query(self, statement: ClauseElement) -> list[tuple[Any, ...]]:
        """Compile a statement to DuckDB SQL and run it, read-only."""
        sql, parameters = duckdb_sql(statement)
        cursor = self.cursor()
        try:
            return cursor.execute(sql, parameters).fetchall()
        except duckdb.OutOfMemoryException as error:
            raise QueryTooLarge(str(error).splitlines()[0], MEMORY_LIMIT_ADVICE) from error
        except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
            raise InvalidQuery(str(error).splitlines()[0]) from error
        finally:
            cursor.close()

    def delete_website_data(self, website_ids: Sequence[str]) -> None:
        if not website_ids:
            return
        with self._write_transaction() as cursor:
            self._chain_ends.clear()
            for table in (*_SCHEMAS, "varying_session"):
                cursor.execute(
                    f"DELETE FROM {table} WHERE website_id::VARCHAR IN "
                    f"(SELECT unnest(?::VARCHAR[]))", [list(website_ids)],
                )

    def checkpoint(self) -> None:
        with self._load_lock:
            self._connection.execute("CHECKPOINT")

    def close(self) -> None:
        self._connection.close()


def _first_per_key(rows: list[Row], key: tuple[str, ...]) -> list[Row]:
    seen: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        seen.setdefault(tuple(row[name] for name in key), row)
    return list(seen.values())


def _last_per_key(rows: list[Row], key: tuple[str, ...]) -> list[Row]:
    latest: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        latest[tuple(row[name] for name in key)] = row
    return list(latest.values())
