"""Retention report (api-analytics.md §4.3): of the visitors first seen on a day, how many came
back on each of the following 31 days. Days are calendar days in the requested time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, cast, func, select

from umami_server.queries.dimensions import E, const
from umami_server.queries.render import fetch
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import Rows, conditions
from umami_server.queries.timebuckets import bucket, label
from umami_server.storage.interface import EventStore

MAX_DAY = 31


def retention(store: EventStore, request: AnalyticsRequest) -> list[dict[str, Any]]:
    day = cast(bucket(E.created_at, "day", request.zone), Date)
    cohorts = (
        select(E.session_id.label("session_id"), func.min(day).label("cohort"))
        .where(*conditions(request, kind=Rows.ALL))
        .group_by(E.session_id)
        .cte("cohort")
    )
    sizes = (
        select(cohorts.c.cohort, func.count().label("visitors"))
        .group_by(cohorts.c.cohort)
        .cte("cohort_size")
    )
    active = (
        select(E.session_id.label("session_id"), day.label("day"))
        .where(*conditions(request, kind=Rows.ALL, filters=False, exclude_bounce=False))
        .distinct()
        .cte("active")
    )
    offset = (active.c.day - cohorts.c.cohort).label("day")
    returned = (
        select(cohorts.c.cohort.label("cohort"), offset,
               func.count(func.distinct(active.c.session_id)).label("returned"))
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
