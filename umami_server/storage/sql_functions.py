"""SQL functions the query layer uses that databases spell differently.

Queries are written once in SQLAlchemy Core with these elements; each backend compiles them for
its own dialect. The compilers here are the default spelling (PostgreSQL's); a backend whose
SQL differs registers its own for its dialect name (the embedded store: storage/embedded/
dialect.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import NullType


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


class arrival_order(FunctionElement[Any]):  # noqa: N801
    """The order rows were stored in: the tie-break between rows of the same instant."""

    type = NullType()
    inherit_cache = True


class utc_hour_text(FunctionElement[Any]):  # noqa: N801
    """An instant truncated to its UTC hour, as text: 2025-01-02T03:00:00Z."""

    type = NullType()
    inherit_cache = True


@compiles(first_by_seq)
def _first_by_seq_default(element: first_by_seq, compiler: Any, **kw: Any) -> str:
    value, moment, seq = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(array_agg({value} ORDER BY {moment}, {seq}))[1]"


@compiles(last_by_seq)
def _last_by_seq_default(element: last_by_seq, compiler: Any, **kw: Any) -> str:
    value, moment, seq = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(array_agg({value} ORDER BY {moment} DESC, {seq}))[1]"


@compiles(first_by)
def _first_by_default(element: first_by, compiler: Any, **kw: Any) -> str:
    value, key = list(element.clauses)
    return (f"(array_agg({compiler.process(value, **kw)} ORDER BY "
            f"{compiler.process(key, **kw)}, ctid))[1]")


@compiles(last_by)
def _last_by_default(element: last_by, compiler: Any, **kw: Any) -> str:
    value, key = list(element.clauses)
    return (f"(array_agg({compiler.process(value, **kw)} ORDER BY "
            f"{compiler.process(key, **kw)} DESC, ctid))[1]")


@compiles(arrival_order)
def _arrival_order_default(element: arrival_order, compiler: Any, **kw: Any) -> str:
    return "ctid"


@compiles(utc_hour_text)
def _utc_hour_text_default(element: utc_hour_text, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return (f"to_char({compiler.process(value, **kw)} AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24:00:00\"Z\"')")
