"""Goal report (api-analytics.md §4.5): visitors who reached a page or triggered an event, out
of all visitors matching the filters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select

from umami_server.queries.dimensions import E
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
    sessions = func.count(func.distinct(E.session_id))
    query = select(sessions.filter(reached).label("num"), sessions.label("total")).where(
        *conditions(request, kind=Rows.ALL))
    row: dict[str, Any] = fetch_one(store, query)
    return {"num": int(row.get("num") or 0), "total": int(row.get("total") or 0)}
