"""Goal report (api-analytics.md §4.5): visitors who reached a page or triggered an event, out
of all visitors matching the filters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, select

from umami_server.queries.dimensions import E, const
from umami_server.queries.render import fetch_one
from umami_server.queries.reports.base import step_match
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import Rows, conditions, event_type_clause
from umami_server.storage.interface import EventStore


def goal(store: EventStore, request: AnalyticsRequest, goal_type: str,
         value: str) -> dict[str, int]:
    if goal_type == "path":
        reached = and_(event_type_clause(Rows.PAGEVIEWS), step_match("path", value))
    else:
        reached = and_(event_type_clause(Rows.CUSTOM), step_match("event", value))
    # One grouping per session (did any of its rows reach the goal?), then two plain counts:
    # cheaper than two DISTINCT counts over the rows.
    per_session = (
        select(func.max(case((reached, const(1)), else_=const(0))).label("reached"))
        .where(*conditions(request, kind=Rows.ALL))
        .group_by(E.session_id)
        .subquery("per_session")
    )
    query = select(func.count().filter(per_session.c.reached == const(1)).label("num"),
                   func.count().label("total"))
    row: dict[str, Any] = fetch_one(store, query)
    return {"num": int(row.get("num") or 0), "total": int(row.get("total") or 0)}
