"""The core metrics (api-analytics.md §1.9), defined once for every endpoint that reports them.

Rows are grouped per visit (session_id, visit_id) and optionally per a name (a path, a browser,
a channel...); then per name:
  pageviews = rows, visitors = distinct sessions, visits = distinct visits,
  bounces = visits with exactly one row, totaltime = sum over visits of the whole-second
  difference between the last and the first row (ClickHouse's DateTime difference: both instants
  are cut to the second first).

queries/linked.py computes the same numbers from predecessor links where a store keeps them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, case, cast, extract, func, select
from sqlalchemy.sql import ColumnElement, Select

from umami_server.queries.dimensions import E, const

MEASURES = ("pageviews", "visitors", "visits", "bounces", "totaltime")


def whole_seconds(instant: ColumnElement[Any]) -> ColumnElement[Any]:
    """An instant as whole seconds since the epoch (cut, not rounded)."""
    return cast(func.floor(extract("epoch", instant)), BigInteger)


def visitor_count(session_id: ColumnElement[Any] = E.session_id) -> ColumnElement[int]:
    """Visitors: the distinct sessions among the rows counted."""
    return func.count(func.distinct(session_id))


def visit_count(visit_id: ColumnElement[Any] = E.visit_id) -> ColumnElement[int]:
    """Visits: the distinct visits among the rows counted."""
    return func.count(func.distinct(visit_id))


def per_visit(
    clauses: list[ColumnElement[bool]],
    names: dict[str, ColumnElement[Any]] | None = None,
    source: Any = None,
) -> Any:
    """One row per (names..., session, visit): its row count and duration in seconds."""
    names = names or {}
    columns = [expression.label(label) for label, expression in names.items()]
    keys = [*columns, E.session_id, E.visit_id]
    query = select(
        *keys,
        func.count().label("rows"),
        (whole_seconds(func.max(E.created_at)) - whole_seconds(func.min(E.created_at)))
        .label("seconds"),
    )
    if source is not None:
        query = query.select_from(source)
    return query.where(*clauses).group_by(*keys).subquery("visit")


def visit_measures(visits: Any, names: tuple[str, ...] = ()) -> Select[Any]:
    """pageviews, visitors, visits, bounces and totaltime per name over `per_visit` rows."""
    keys = [visits.c[name] for name in names]
    zero = const(0)
    query = select(
        *keys,
        func.coalesce(func.sum(visits.c.rows), zero).label("pageviews"),
        visitor_count(visits.c.session_id).label("visitors"),
        visit_count(visits.c.visit_id).label("visits"),
        func.coalesce(
            func.sum(case((visits.c.rows == const(1), const(1)), else_=const(0))), zero
        ).label("bounces"),
        func.coalesce(func.sum(visits.c.seconds), zero).label("totaltime"),
    )
    return query.group_by(*keys) if keys else query


def as_numbers(row: dict[str, Any]) -> dict[str, Any]:
    """Database numbers (decimals, floats of whole values) as JSON integers."""
    return {key: int(value or 0) if key in MEASURES else value for key, value in row.items()}
