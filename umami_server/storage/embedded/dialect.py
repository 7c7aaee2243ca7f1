"""How the embedded store turns a SQLAlchemy statement into DuckDB SQL.

DuckDB's SQL is close to PostgreSQL's, so its dialect is PostgreSQL's with the few differences
overridden here, including the spellings of the functions in storage/sql_functions.py.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql.base import PGCompiler, PGDialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ClauseElement

from umami_server.storage.sql_functions import (
    arrival_order,
    first_by,
    first_by_seq,
    last_by,
    last_by_seq,
    utc_hour_text,
)


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


def duckdb_sql(statement: ClauseElement) -> tuple[str, list[Any]]:
    """DuckDB SQL text and its positional parameters."""
    compiled = statement.compile(dialect=DUCKDB, compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()
    names = compiled.positiontup or []
    return str(compiled), [values[name] for name in names]


# Room for positions below the microseconds of a time in one HUGEINT key.
_POSITIONS = 2**32


@compiles(first_by_seq, "duckdb")
def _first_by_seq(element: first_by_seq, compiler: Any, **kw: Any) -> str:
    value, moment, seq = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"arg_min({value}, epoch_us({moment})::HUGEINT * {_POSITIONS} + {seq})"


@compiles(last_by_seq, "duckdb")
def _last_by_seq(element: last_by_seq, compiler: Any, **kw: Any) -> str:
    value, moment, seq = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"arg_max({value}, epoch_us({moment})::HUGEINT * {_POSITIONS} - {seq})"


@compiles(first_by, "duckdb")
def _first_by(element: first_by, compiler: Any, **kw: Any) -> str:
    value, key = list(element.clauses)
    return f"arg_min({compiler.process(value, **kw)}, row({compiler.process(key, **kw)}, rowid))"


@compiles(last_by, "duckdb")
def _last_by(element: last_by, compiler: Any, **kw: Any) -> str:
    value, key = list(element.clauses)
    return f"arg_max({compiler.process(value, **kw)}, row({compiler.process(key, **kw)}, -rowid))"


@compiles(arrival_order, "duckdb")
def _arrival_order(element: arrival_order, compiler: Any, **kw: Any) -> str:
    return "rowid"


@compiles(utc_hour_text, "duckdb")
def _utc_hour_text(element: utc_hour_text, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return f"strftime(timezone('UTC', {compiler.process(value, **kw)}), '%Y-%m-%dT%H:00:00Z')"
