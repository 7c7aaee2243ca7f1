"""Funnel report (api-analytics.md §4.1): how many visitors reach each step in order.

Level 1 is every (session, time) of a row matching step 1. Level n keeps the rows of the same
session matching step n no earlier than a level n-1 time and at most `window` minutes after it.
Request filters apply to every level (ClickHouse semantics, §5.9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import exists, func, literal, select, union_all
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import E, const
from umami_server.queries.measures import visitor_count
from umami_server.queries.render import fetch
from umami_server.queries.reports.base import step_match
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import Rows, conditions
from umami_server.queries.sessions import data_text
from umami_server.queries.tables import event_data
from umami_server.storage.interface import EventStore


@dataclass(frozen=True, slots=True)
class StepFilter:
    property: str
    operator: str  # eq | neq | c | dnc
    value: str


@dataclass(frozen=True, slots=True)
class Step:
    type: str  # "path" | "event"
    value: str
    filters: tuple[StepFilter, ...] = ()


def _property_matches(item: StepFilter) -> ColumnElement[bool]:
    """The event has a datum `property` whose text (numbers without `.0000`) passes the test."""
    D = event_data.c  # noqa: N806
    datum = data_text(D.string_value, D.data_type)
    if item.operator == "eq":
        test = datum == item.value
    elif item.operator == "neq":
        test = datum != item.value
    else:  # ClickHouse: case-sensitive substring
        found = func.strpos(datum, item.value) > const(0)
        test = found if item.operator == "c" else ~found
    return exists(select(D.website_event_id).where(
        D.website_event_id == E.event_id, D.data_key == item.property, test))


def step_clause(step: Step) -> ColumnElement[bool]:
    clause = step_match("path" if step.type == "path" else "event", step.value)
    for item in step.filters if step.type == "event" else ():
        clause = clause & _property_matches(item)
    return clause


def funnel(store: EventStore, request: AnalyticsRequest, steps: list[Step],
           window_minutes: float) -> list[dict[str, Any]]:
    window = timedelta(minutes=window_minutes)
    rows = conditions(request, kind=Rows.ALL)
    levels = []
    previous: Any = None
    for number, step in enumerate(steps, start=1):
        query = select(E.session_id.label("session_id"), E.created_at.label("created_at"))
        query = query.where(*rows, step_clause(step))
        if previous is not None:
            query = query.join(previous, previous.c.session_id == E.session_id).where(
                E.created_at >= previous.c.created_at,
                E.created_at <= previous.c.created_at + window,
            )
        # Level 1 is every matching row (duplicates only repeat join rows that the DISTINCT
        # of level 2 removes; it is most of the window when step 1 is a common page); later
        # levels are joins and keep one row per (session, time).
        if previous is not None:
            query = query.distinct()
        previous = query.cte(f"level{number}")
        levels.append(previous)
    counts = union_all(*(
        select(literal(number).label("level"),
               visitor_count(level.c.session_id).label("visitors"))
        for number, level in enumerate(levels, start=1)
    ))
    found = {int(row["level"]): int(row["visitors"]) for row in fetch(store, counts)}
    return shape([found.get(number, 0) for number in range(1, len(steps) + 1)], steps)


def shape(visitors: list[int], steps: list[Step]) -> list[dict[str, Any]]:
    first = visitors[0] if visitors else 0
    answer = []
    for index, (count, step) in enumerate(zip(visitors, steps, strict=True)):
        previous = visitors[index - 1] if index else 0
        echoed: dict[str, Any] = {"type": step.type, "value": step.value}
        if step.filters:
            echoed["filters"] = [{"property": item.property, "operator": item.operator,
                                  "value": item.value} for item in step.filters]
        answer.append({
            **echoed,
            "visitors": count,
            "previous": previous,
            "dropped": previous - count if previous > 0 else 0,
            "dropoff": 1 - count / previous if previous > 0 else None,
            "remaining": count / first if first > 0 else None,
        })
    return answer
