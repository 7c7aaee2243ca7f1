"""Events in PostgreSQL, in Umami's own tables, with the embedded store's promise.

A hit is acknowledged only once the transaction holding it has committed. Requests are grouped
(storage/group_commit.py): one transaction per batch inserts the new sessions if absent (as Umami
does: the first hit's attributes stay) and COPYs the events, event data, session data and revenue
rows. Values are fitted to Umami's column sizes, since a string one character too long would
otherwise fail the whole batch, and U+0000 becomes U+FFFD (storage/postgres/values.py).
Queries run on a small pool of read-only connections.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.types.numeric import FloatLoader
from psycopg.types.string import TextLoader
from psycopg_pool import ConnectionPool
from sqlalchemy import DateTime, Numeric, String, Table
from sqlalchemy.sql import ClauseElement

from umami_server.storage.disk_full import StorageFull
from umami_server.storage.errors import StoreUnavailable
from umami_server.storage.group_commit import GroupCommitter
from umami_server.storage.interface import StoreCapabilities
from umami_server.storage.metadata_schema import (
    event_data_table,
    revenue_table,
    session_data_table,
    session_table,
    website_event_table,
)
from umami_server.storage.postgres.connection import PostgresLocation
from umami_server.storage.postgres.dialect import postgres_sql
from umami_server.storage.postgres.errors import analytics_error
from umami_server.storage.postgres.values import accept_any_text, without_nul
from umami_server.storage.records import IngestEntry, Row

logger = logging.getLogger("umami_server.storage")

_MAX_ENTRIES_PER_COMMIT = 2048
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _TableWriter:
    """How one of Umami's tables takes rows: its columns, and each value fitted to its type."""

    def __init__(self, table: Table):
        self.table = table
        self.columns = tuple(column.name for column in table.columns)
        self.copy_sql = (f'COPY "{table.name}" ({", ".join(self.columns)}) FROM STDIN')
        self._fitters = {column.name: _fitter(column.type) for column in table.columns}

    def values(self, row: Row) -> tuple[Any, ...]:
        return tuple(self._fitters[name](row.get(name)) for name in self.columns)


def _fitter(column_type: Any) -> Any:
    if isinstance(column_type, DateTime):
        return _instant  # entries carry integer microseconds (storage/records.py)
    if isinstance(column_type, String):
        length = column_type.length  # None: no limit
        return lambda value: without_nul(value)[:length] if isinstance(value, str) else value
    if isinstance(column_type, Numeric) and column_type.precision:
        # numeric(p, s) holds magnitudes below 10^(p-s); a larger one would fail the batch.
        bound = Decimal(10) ** (column_type.precision - (column_type.scale or 0))
        return lambda value: (
            value if value is None or abs(Decimal(str(value))) < bound else None)
    return lambda value: value


def _instant(value: Any) -> Any:
    return _EPOCH + timedelta(microseconds=value) if isinstance(value, int) else value


_SESSIONS = _TableWriter(session_table)
_EVENTS = _TableWriter(website_event_table)
_EVENT_DATA = _TableWriter(event_data_table)
_SESSION_DATA = _TableWriter(session_data_table)
_REVENUE = _TableWriter(revenue_table)
_INSERT_SESSION = (
    f'INSERT INTO session ({", ".join(_SESSIONS.columns)}) '
    f'VALUES ({", ".join(["%s"] * len(_SESSIONS.columns))}) ON CONFLICT (session_id) DO NOTHING'
)
# Umami keeps one session_data row per (session, key), updated in place by each identify; its
# schema has no unique key to upsert on, so the batch's keys are deleted before they are copied.
_SESSION_DATA_KEY = (_SESSION_DATA.columns.index("session_id"),
                     _SESSION_DATA.columns.index("data_key"))
_DELETE_SESSION_DATA = (
    "DELETE FROM session_data AS old USING unnest(%s::uuid[], %s::text[]) AS new (id, key) "
    "WHERE old.session_id = new.id AND old.data_key = new.key"
)


class _BatchRows:
    """One batch's rows per table of Umami's, fitted to its columns, ready for one transaction."""

    def __init__(self) -> None:
        self.sessions: dict[str, Row] = {}
        # One session_data row per (session, key): the last value, as Umami updates it in place.
        self.session_data: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.tables: dict[_TableWriter, list[tuple[Any, ...]]] = {
            _EVENTS: [], _EVENT_DATA: [], _REVENUE: []}

    @classmethod
    def of(cls, entries: list[IngestEntry]) -> _BatchRows:
        rows = cls()
        for entry in entries:
            session = entry.get("session")
            if session is not None:
                rows.sessions.setdefault(session["session_id"], session)
            if "event" in entry:
                rows.tables[_EVENTS].append(_EVENTS.values(entry["event"]))
            for row in entry.get("event_data", ()):
                rows.tables[_EVENT_DATA].append(_EVENT_DATA.values(row))
            for row in entry.get("session_data", ()):
                values = _SESSION_DATA.values(row)
                rows.session_data[tuple(values[index] for index in _SESSION_DATA_KEY)] = values
            if "revenue" in entry:
                rows.tables[_REVENUE].append(_REVENUE.values(entry["revenue"]))
        return rows

    def write(self, cursor: psycopg.Cursor[Any]) -> None:
        if self.sessions:
            # In id order, so collectors inserting the same sessions cannot deadlock.
            cursor.executemany(_INSERT_SESSION, [
                _SESSIONS.values(self.sessions[key])
                for key in sorted(self.sessions)])
        tables = dict(self.tables)
        if self.session_data:
            ids, keys = zip(*self.session_data, strict=True)
            cursor.execute(_DELETE_SESSION_DATA, [list(ids), list(keys)])
            tables[_SESSION_DATA] = list(self.session_data.values())
        for writer, rows in tables.items():
            if rows:
                with cursor.copy(writer.copy_sql) as copy:
                    for values in rows:
                        copy.write_row(values)


def _configure_reader(connection: psycopg.Connection[Any]) -> None:
    # Ids as the text the rest of the application uses; numerics as floats, as DuckDB's DOUBLEs.
    connection.adapters.register_loader("uuid", TextLoader)
    connection.adapters.register_loader("numeric", FloatLoader)
    accept_any_text(connection)  # a filter value with U+0000 finds what the writer stored


class PostgresEventStore:
    # Umami's tables only: every measure takes the grouped definition (queries/planner.py);
    # visitor attributes are read from `session`, one value per session.
    capabilities = StoreCapabilities(fixed_session_attributes=True)

    def __init__(self, location: PostgresLocation, max_queued: int = 20000,
                 query_timeout_seconds: float = 60.0, readers: int = 4):
        self._location = location
        self._pool = ConnectionPool(
            location.conninfo, min_size=1, max_size=readers, open=True, name="umami-readers",
            configure=_configure_reader,
            # A connection PostgreSQL closed while idle (restart, pg_terminate_backend) is
            # replaced before use instead of failing the query that drew it.
            check=ConnectionPool.check_connection,
            kwargs={"autocommit": True, **location.connect_options(
                statement_timeout=str(int(query_timeout_seconds * 1000)),
                default_transaction_read_only="on")},
        )
        self._writer: psycopg.Connection[Any] | None = None
        self._committer: GroupCommitter[IngestEntry] = GroupCommitter(
            self._commit, name="postgres-writer", max_queued=max_queued,
            max_per_commit=_MAX_ENTRIES_PER_COMMIT,
        )

    # --- writes ---------------------------------------------------------------------------------

    async def write(self, entries: Sequence[IngestEntry]) -> None:
        await self._committer.submit(list(entries))

    def _writer_connection(self) -> psycopg.Connection[Any]:
        if self._writer is None or self._writer.closed:
            self._writer = self._location.connect()
        return self._writer

    def load(self, entries: list[IngestEntry]) -> None:
        """Insert entries in one transaction now, outside the request queue: for bulk loaders
        (benchmarks), which may run beside a serving process."""
        rows = _BatchRows.of(entries)
        with (self._location.connect() as db,
              db.transaction(), db.cursor() as cursor):
            rows.write(cursor)

    def _commit(self, entries: list[IngestEntry]) -> None:
        try:
            self._insert(entries)
        except (pg_errors.DataError, pg_errors.IntegrityError):
            # One refused row must not cost the others of its batch their hits.
            for entry in entries:
                try:
                    self._insert([entry])
                except (pg_errors.DataError, pg_errors.IntegrityError) as error:
                    logger.error("PostgreSQL refused a hit, which is dropped: %s", error)
        except pg_errors.DiskFull as error:
            raise StorageFull() from error
        except psycopg.Error as error:
            logger.error("could not write %d hits to PostgreSQL: %s", len(entries), error)
            if self._writer is not None:
                self._writer.close()
            raise StoreUnavailable(str(error)) from error

    def _insert(self, entries: list[IngestEntry]) -> None:
        rows = _BatchRows.of(entries)
        for may_retry in (True, False):
            reused = self._writer is not None and not self._writer.closed
            connection = self._writer_connection()
            committing = False
            try:
                with connection.transaction(), connection.cursor() as cursor:
                    rows.write(cursor)
                    committing = True
                return
            except psycopg.OperationalError:
                # PostgreSQL closes idle connections when it restarts or an administrator ends
                # them; that shows at the first statement, before anything was written, so the
                # batch goes once more on a new connection. A failed COMMIT may have committed:
                # that one is not repeated, and its hits are answered 503.
                if not (may_retry and reused and connection.broken and not committing):
                    raise
                connection.close()

    # --- reads ----------------------------------------------------------------------------------

    def query(self, statement: ClauseElement) -> list[tuple[Any, ...]]:
        sql, parameters = postgres_sql(statement)
        try:
            with self._pool.connection() as connection:
                return connection.execute(sql, parameters).fetchall()
        except psycopg.Error as error:
            translated = analytics_error(error)
            if translated is None:
                raise
            raise translated from error

    def wait_until_visible(self, timeout: float) -> bool:
        return True  # a hit is acknowledged after its commit, and commits are visible at once

    def delete_website_data(self, website_ids: Sequence[str]) -> None:
        if not website_ids:
            return
        with (self._location.connect() as db,
              db.transaction()):
            for table in ("event_data", "session_data", "revenue", "website_event", "session",
                          "session_replay"):
                db.execute(f'DELETE FROM "{table}" WHERE website_id = ANY(%s::uuid[])',
                           [list(website_ids)])

    def close(self) -> None:
        self._committer.close()
        if self._writer is not None:
            self._writer.close()
        self._pool.close()
