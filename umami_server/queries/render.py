"""Turns a SQLAlchemy Core statement into SQL for a backend and runs it on the event store.

Queries are written once in SQLAlchemy Core. The embedded store is DuckDB, whose SQL is close to
PostgreSQL's, so its dialect is PostgreSQL's with the few differences overridden here; a
PostgreSQL backend uses the stock dialect and a ClickHouse one adds its own compiler.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.dialects.postgresql.base import PGCompiler, PGDialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import NullType

from umami_server.storage.interface import EventStore


class _DuckDBCompiler(PGCompiler):
    def visit_regexp_match_op_binary(self, binary: Any, operator: Any, **kw: Any) -> str:
        return self._regexp(binary, **kw)

    def visit_not_regexp_match_op_binary(self, binary: Any, operator: Any, **kw: Any) -> str:
        return f"NOT {self._regexp(binary, **kw)}"

    def _regexp(self, binary: Any, **kw: Any) -> str:
        flags = binary.modifiers.get("flags") or ""
        options = "i" if "i" in flags else ""
        return (f"regexp_matches({self.process(binary.left, **kw)}, "
                f"{self.process(binary.right, **kw)}, '{options}')")


class DuckDBDialect(PGDialect):
    """PostgreSQL's SQL with DuckDB's spellings where they differ; positional `?` parameters."""

    name = "duckdb"
    statement_compiler = _DuckDBCompiler
    supports_statement_cache = True

    def __init__(self, **kwargs: Any):
        super().__init__(paramstyle="qmark", **kwargs)


DUCKDB = DuckDBDialect()


class first_by(FunctionElement[Any]):  # noqa: N801 - reads as a SQL function
    """The value of the row with the smallest ordering key (ties: the row stored first)."""

    type = NullType()
    inherit_cache = True


class last_by(FunctionElement[Any]):  # noqa: N801
    """The value of the row with the largest ordering key (ties: the row stored first)."""

    type = NullType()
    inherit_cache = True


class first_by_seq(FunctionElement[Any]):  # noqa: N801
    """first_by(value, time) where rows carry their position in the visit (`seq`, storage
    order among equal times): the same row, found with one integer key."""

    type = NullType()
    inherit_cache = True


class last_by_seq(FunctionElement[Any]):  # noqa: N801
    """last_by(value, time) where rows carry their position in the visit: the same row (ties:
    the one stored first), found with one integer key."""

    type = NullType()
    inherit_cache = True


# Room for positions below the microseconds of a time in one HUGEINT key.
_POSITIONS = 2**32


@compiles(first_by_seq, "duckdb")
def _first_by_seq_duckdb(element: first_by_seq, compiler: Any, **kw: Any) -> str:
    value, moment, seq = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"arg_min({value}, epoch_us({moment})::HUGEINT * {_POSITIONS} + {seq})"


@compiles(last_by_seq, "duckdb")
def _last_by_seq_duckdb(element: last_by_seq, compiler: Any, **kw: Any) -> str:
    value, moment, seq = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"arg_max({value}, epoch_us({moment})::HUGEINT * {_POSITIONS} - {seq})"


@compiles(first_by_seq)
def _first_by_seq_postgresql(element: first_by_seq, compiler: Any, **kw: Any) -> str:
    value, moment, seq = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(array_agg({value} ORDER BY {moment}, {seq}))[1]"


@compiles(last_by_seq)
def _last_by_seq_postgresql(element: last_by_seq, compiler: Any, **kw: Any) -> str:
    value, moment, seq = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(array_agg({value} ORDER BY {moment} DESC, {seq}))[1]"


@compiles(first_by, "duckdb")
def _first_by_duckdb(element: first_by, compiler: Any, **kw: Any) -> str:
    value, key = list(element.clauses)
    return f"arg_min({compiler.process(value, **kw)}, row({compiler.process(key, **kw)}, rowid))"


@compiles(last_by, "duckdb")
def _last_by_duckdb(element: last_by, compiler: Any, **kw: Any) -> str:
    value, key = list(element.clauses)
    return f"arg_max({compiler.process(value, **kw)}, row({compiler.process(key, **kw)}, -rowid))"


@compiles(first_by)
def _first_by_postgresql(element: first_by, compiler: Any, **kw: Any) -> str:
    value, key = list(element.clauses)
    return (f"(array_agg({compiler.process(value, **kw)} ORDER BY "
            f"{compiler.process(key, **kw)}, ctid))[1]")


@compiles(last_by)
def _last_by_postgresql(element: last_by, compiler: Any, **kw: Any) -> str:
    value, key = list(element.clauses)
    return (f"(array_agg({compiler.process(value, **kw)} ORDER BY "
            f"{compiler.process(key, **kw)} DESC, ctid))[1]")


def render(statement: ClauseElement, dialect: PGDialect = DUCKDB) -> tuple[str, list[Any]]:
    """SQL text and its positional parameters."""
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()
    names = compiled.positiontup or []
    return str(compiled), [values[name] for name in names]


def fetch(store: EventStore, statement: Any) -> list[dict[str, Any]]:
    """Run a SELECT and return its rows as dicts keyed by the selected column labels."""
    sql, parameters = render(statement)
    keys = [column.key for column in statement.selected_columns]
    return [dict(zip(keys, row, strict=True)) for row in store.query(sql, parameters)]


def fetch_one(store: EventStore, statement: Any) -> dict[str, Any]:
    rows = fetch(store, statement)
    return rows[0] if rows else {}


class arrival_order(FunctionElement[Any]):  # noqa: N801
    """The order rows were stored in: the tie-break between rows of the same instant."""

    type = NullType()
    inherit_cache = True


@compiles(arrival_order, "duckdb")
def _arrival_order_duckdb(element: arrival_order, compiler: Any, **kw: Any) -> str:
    return "rowid"


@compiles(arrival_order)
def _arrival_order_postgresql(element: arrival_order, compiler: Any, **kw: Any) -> str:
    return "ctid"


def json_value(value: Any) -> Any:
    """Database values as Umami's JSON shows them: ids as text, instants as ISO with ms."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return iso_milliseconds(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: json_value(value) for key, value in row.items()}


def iso_milliseconds(moment: datetime) -> str:
    """Umami's timestamp format: 2025-01-02T03:04:05.678Z."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class utc_hour_text(FunctionElement[Any]):  # noqa: N801
    """An instant truncated to its UTC hour, as text: 2025-01-02T03:00:00Z."""

    type = NullType()
    inherit_cache = True


@compiles(utc_hour_text, "duckdb")
def _utc_hour_text_duckdb(element: utc_hour_text, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return f"strftime(timezone('UTC', {compiler.process(value, **kw)}), '%Y-%m-%dT%H:00:00Z')"


@compiles(utc_hour_text)
def _utc_hour_text_postgresql(element: utc_hour_text, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return (f"to_char({compiler.process(value, **kw)} AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24:00:00\"Z\"')")
