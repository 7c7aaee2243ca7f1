"""Journey report (api-analytics.md §4.2): the most common first steps of a visit.

Per visit, its rows in the window in time order; each is labelled with its event name, or its
path when it has none. Visits are counted per tuple of their first `steps` labels.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import E, const, text
from umami_server.queries.filters import Filter
from umami_server.queries.render import fetch
from umami_server.queries.reports.base import first_n_by, list_item
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import Rows, conditions
from umami_server.storage.interface import EventStore

SLOTS = 7
LIMIT = 100
_UNDEFINED = object()  # a slot beyond `steps`: JSON shows it as null, but it is not a null step


def step_label() -> ColumnElement[Any]:
    return case((text(E.event_name) != const(""), E.event_name), else_=E.url_path)


def journey(store: EventStore, request: AnalyticsRequest, steps: int,
            start_step: str | None = None, end_step: str | None = None,
            event_type: int | None = None) -> list[dict[str, Any]]:
    if event_type is not None:
        request = request.with_filters(
            (*request.filters, Filter("eventType", "eventType", "eq", (event_type,))))
    names = [f"e{index}" for index in range(1, steps + 1)]
    first = (
        select(first_n_by(step_label(), E.created_at, steps).label("labels"))
        .where(*conditions(request, kind=Rows.ALL))
        .group_by(E.visit_id)
        .subquery("first")
    )
    visits = (
        select(*(list_item(first.c.labels, index).label(name)
                 for index, name in enumerate(names, start=1)))
        .subquery("visit")
    )
    columns = [visits.c[name] for name in names]
    query = select(*columns, func.count().label("count")).group_by(*columns)
    if start_step:
        query = query.where(columns[0] == start_step)
    if end_step:
        ends = [and_(column == end_step, following.is_(None))
                for column, following in zip(columns, columns[1:], strict=False)]
        query = query.where(or_(*ends, columns[-1] == end_step))
    query = query.order_by(func.count().desc(), *(column.asc().nulls_last() for column in columns))
    rows = fetch(store, query.limit(LIMIT))
    return [{"items": collapse([row[name] for name in names]), "count": int(row["count"])}
            for row in rows]


def collapse(labels: list[Any]) -> list[Any]:
    """The 7 slots with consecutive equal entries merged (a run of unused slots is one null)."""
    slots = [*labels, *([_UNDEFINED] * (SLOTS - len(labels)))]
    merged: list[Any] = []
    for item in slots:
        if merged and merged[-1] is not _UNDEFINED and item is not _UNDEFINED:
            if merged[-1] == item:
                continue
        elif merged and merged[-1] is _UNDEFINED and item is _UNDEFINED:
            continue
        merged.append(item)
    return [None if item is _UNDEFINED else item for item in merged]
