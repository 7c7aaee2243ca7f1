"""`/pageviews`: views and distinct sessions per time bucket (§3.2)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import E, const
from umami_server.queries.measures import visitor_count
from umami_server.queries.planner import core_chains
from umami_server.queries.render import fetch, iso_milliseconds
from umami_server.queries.request import AnalyticsRequest, Window, comparison_window
from umami_server.queries.rows import conditions
from umami_server.queries.timebuckets import bucket, buckets_follow_time, label


def series(
    store: Any, request: AnalyticsRequest, window: Window
) -> dict[str, list[dict[str, Any]]]:
    around = (window.start, window.end)
    start = bucket(E.created_at, request.unit, request.zone, around).label("t")
    sessions: ColumnElement[Any] = visitor_count(E.session_id)
    chains = core_chains(store, request)
    if chains is not None and buckets_follow_time(request.unit, request.zone, *around):
        # A session's first row in a bucket: its predecessor is before the window or in an
        # earlier bucket (buckets follow time, so a different bucket is an earlier one).
        previous = chains.visitor
        sessions = func.sum(case(
            (previous < window.start, const(1)),
            (bucket(previous, request.unit, request.zone, around) != start, const(1)),
            else_=const(0)))
    query = (
        select(start, func.count().label("views"), sessions.label("sessions"))
        .where(*conditions(request, window=window))
        .group_by(start)
        .order_by(start)
    )
    rows = fetch(store, query)
    return {
        "pageviews": [{"x": label(row["t"], request.zone), "y": int(row["views"])} for row in rows],
        "sessions": [{"x": label(row["t"], request.zone), "y": int(row["sessions"])}
                     for row in rows],
    }


def website_pageviews(store: Any, request: AnalyticsRequest) -> dict[str, Any]:
    answer: dict[str, Any] = series(store, request, request.window)
    if request.extra.get("compare"):
        previous = comparison_window(request.window, request.compare)
        answer["startDate"] = iso_milliseconds(request.window.start)
        answer["endDate"] = iso_milliseconds(request.window.end)
        answer["compare"] = {
            **series(store, request, previous),
            "startDate": iso_milliseconds(previous.start),
            "endDate": iso_milliseconds(previous.end),
        }
    return answer
