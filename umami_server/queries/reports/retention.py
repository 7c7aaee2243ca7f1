"""Retention report (api-analytics.md §4.3): of the visitors first seen on a day, how many came
back on each of the following 31 days. Days are calendar days in the requested time zone.

One pass reduces the window's rows to the distinct (session, local day) pairs; without filters
a session's cohort is its first such day, so the same pairs give cohorts too. Since each pair is
unique and each session has one cohort, a (cohort, offset) group counts its sessions with
count(*), not a DISTINCT.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, cast, func, or_, select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import E, const
from umami_server.queries.planner import links_answer
from umami_server.queries.render import fetch
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import Rows, conditions
from umami_server.queries.timebuckets import bucket, buckets_follow_time, label
from umami_server.storage.interface import EventStore

MAX_DAY = 31


def local_day(request: AnalyticsRequest, instant: Any = E.created_at) -> ColumnElement[Any]:
    """The row's calendar day in the request's zone (zone offsets of the window, not per row)."""
    window = (request.window.start, request.window.end)
    return cast(bucket(instant, "day", request.zone, around=window), Date)


def _unfiltered(request: AnalyticsRequest) -> bool:
    return not request.filters and request.cohort is None and not request.exclude_bounce


def retention(store: EventStore, request: AnalyticsRequest) -> list[dict[str, Any]]:
    day = local_day(request)
    every_row = conditions(request, kind=Rows.ALL, filters=False, exclude_bounce=False)
    start = request.window.start
    if links_answer(store, request) and buckets_follow_time("day", request.zone, start,
                                                             request.window.end):
        # From the links over every event of a session: a session's first row of a day has
        # its predecessor before the window or on an earlier day, and its first row in the
        # window gives its cohort. No grouping by session.
        previous = E.prev_any_in_session_at
        first_of_day = or_(previous < start, local_day(request, previous) != day)
        active = (select(E.session_id.label("session_id"), day.label("day"))
                  .where(*every_row, first_of_day).cte("active"))
        cohorts = (select(E.session_id.label("session_id"), day.label("cohort"))
                   .where(*conditions(request, kind=Rows.ALL), previous < start)
                   .cte("cohort"))
        return _answer(store, request, active, cohorts)
    active = (
        select(E.session_id.label("session_id"), day.label("day"))
        .where(*every_row)
        .group_by(E.session_id, day)
        .cte("active")
    )
    if _unfiltered(request):
        cohorts = (
            select(active.c.session_id, func.min(active.c.day).label("cohort"))
            .group_by(active.c.session_id)
            .cte("cohort")
        )
    else:
        cohorts = (
            select(E.session_id.label("session_id"), func.min(day).label("cohort"))
            .where(*conditions(request, kind=Rows.ALL))
            .group_by(E.session_id)
            .cte("cohort")
        )
    return _answer(store, request, active, cohorts)


def _answer(store: EventStore, request: AnalyticsRequest, active: Any,
            cohorts: Any) -> list[dict[str, Any]]:
    """Cohort sizes and returns per day from the (session, day) pairs and each session's
    cohort day."""
    sizes = (
        select(cohorts.c.cohort, func.count().label("visitors"))
        .group_by(cohorts.c.cohort)
        .cte("cohort_size")
    )
    offset = (active.c.day - cohorts.c.cohort).label("day")
    returned = (
        select(cohorts.c.cohort.label("cohort"), offset, func.count().label("returned"))
        .join_from(cohorts, active, active.c.session_id == cohorts.c.session_id)
        .where(offset.between(const(0), const(MAX_DAY)))
        .group_by(cohorts.c.cohort, offset)
        .subquery("returned")
    )
    query = (
        select(returned.c.cohort, returned.c.day, sizes.c.visitors, returned.c.returned)
        .join_from(returned, sizes, sizes.c.cohort == returned.c.cohort)
        .order_by(returned.c.cohort, returned.c.day)
    )
    answer = []
    for row in fetch(store, query):
        cohort: date = row["cohort"]
        visitors, returned_visitors = int(row["visitors"]), int(row["returned"])
        answer.append({
            "date": label(datetime(cohort.year, cohort.month, cohort.day), request.zone),
            "day": int(row["day"]),
            "visitors": visitors,
            "returnVisitors": returned_visitors,
            "percentage": returned_visitors * 100 / visitors if visitors else 0,
        })
    return answer
