"""How the PostgreSQL store turns the query layer's statements into SQL on Umami's schema.

The query layer reads logical relations (`website_event` with the visitor's attributes on every
row, `event_data` with its session): the embedded store keeps them that way. On Umami's
PostgreSQL schema the visitor's attributes live on `session`, and `event_data` has no session id,
so each logical relation is rendered as a derived table over Umami's own tables. The joins are
LEFT joins on a unique key: when a query reads none of the joined columns, PostgreSQL removes the
join, so a query on events alone costs what it would on `website_event` directly.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql.base import PGCompiler, PGDialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ClauseElement

from umami_server.storage.records import (
    EVENT_COLUMNS,
    EVENT_DATA_COLUMNS,
    SESSION_ATTRIBUTES,
)
from umami_server.storage.sql_functions import arrival_order, first_by, last_by

# The order rows were stored in: a heap row's physical position, exposed under this name by the
# event relation (a bare `ctid` cannot be read through a derived table).
_STORED_ORDER = "stored_order"


def _columns(prefix: str, names: tuple[str, ...]) -> str:
    return ", ".join(f"{prefix}.{name}" for name in names)


_EVENT_OWN = tuple(name for name in EVENT_COLUMNS if name not in SESSION_ATTRIBUTES)
_DATA_OWN = tuple(name for name in EVENT_DATA_COLUMNS if name != "session_id")

# Each logical relation of the query layer as SQL over Umami's tables, with exactly the logical
# relation's column names. Relations not listed here (session_data, revenue) are Umami's own.
LOGICAL_SOURCES: dict[str, str] = {
    "website_event": (
        f"SELECT {_columns('e', _EVENT_OWN)}, {_columns('s', SESSION_ATTRIBUTES)}, "
        f"e.ctid AS {_STORED_ORDER} "
        "FROM website_event AS e LEFT JOIN session AS s ON s.session_id = e.session_id"
    ),
    "event_data": (
        f"SELECT {_columns('d', _DATA_OWN)}, e.session_id "
        "FROM event_data AS d LEFT JOIN website_event AS e ON e.event_id = d.website_event_id"
    ),
}


class _UmamiSchemaCompiler(PGCompiler):
    """Only the query layer's statements are compiled with this; the store writes Umami's
    tables with SQL of its own."""

    def visit_table(self, table: Table, asfrom: bool = False, **kw: Any) -> str:
        source = LOGICAL_SOURCES.get(table.name) if asfrom and table.schema is None else None
        if source is None:
            return super().visit_table(table, asfrom=asfrom, **kw)
        if kw.get("from_linter"):
            kw["from_linter"].froms[table] = table.fullname
        enclosing = kw.get("enclosing_alias")
        if enclosing is not None and enclosing.element is table:
            return f"({source})"  # the alias adds its own name
        return f"({source}) AS {self.preparer.quote(table.name)}"


class UmamiPostgresDialect(PGDialect):
    """PostgreSQL with the query layer's relations mapped onto Umami's tables; psycopg's
    `%(name)s` parameters, sent without casts so PostgreSQL types them from their columns (ids
    arrive as text and compare with uuid columns)."""

    statement_compiler = _UmamiSchemaCompiler
    supports_statement_cache = True

    def __init__(self, **kwargs: Any):
        super().__init__(paramstyle="pyformat", **kwargs)


UMAMI_POSTGRES = UmamiPostgresDialect()


def postgres_sql(statement: ClauseElement) -> tuple[str, dict[str, Any]]:
    """PostgreSQL SQL text on Umami's schema and its named parameters."""
    compiled = statement.compile(dialect=UMAMI_POSTGRES,
                                 compile_kwargs={"render_postcompile": True})
    return str(compiled), compiled.construct_params()


@compiles(arrival_order, "postgresql")
def _arrival_order(element: arrival_order, compiler: Any, **kw: Any) -> str:
    if isinstance(compiler, _UmamiSchemaCompiler):
        return _STORED_ORDER
    return "ctid"


@compiles(first_by, "postgresql")
def _first_by(element: first_by, compiler: Any, **kw: Any) -> str:
    value, key = (compiler.process(clause, **kw) for clause in element.clauses)
    order = compiler.process(arrival_order(), **kw)
    return f"(array_agg({value} ORDER BY {key}, {order}))[1]"


@compiles(last_by, "postgresql")
def _last_by(element: last_by, compiler: Any, **kw: Any) -> str:
    value, key = (compiler.process(clause, **kw) for clause in element.clauses)
    order = compiler.process(arrival_order(), **kw)
    return f"(array_agg({value} ORDER BY {key} DESC, {order}))[1]"
