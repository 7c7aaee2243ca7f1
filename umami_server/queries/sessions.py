"""Visitors: the session list, one session, its activity and properties, session stats and the
weekly heat map (§3.9-3.13). Session attributes are read from the event rows that carry them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, extract, func, or_, select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import E, const, text
from umami_server.queries.errors import QueryError
from umami_server.queries.events import contains, has_data, paged, paging
from umami_server.queries.linked import first_in_window
from umami_server.queries.measures import visit_count, visitor_count, whole_seconds
from umami_server.queries.planner import links_answer
from umami_server.queries.render import arrival_order, fetch, fetch_one, json_row
from umami_server.queries.request import AnalyticsRequest, Window
from umami_server.queries.rows import Rows, conditions
from umami_server.queries.tables import revenue, session_data
from umami_server.queries.timebuckets import local_wall_time
from umami_server.storage.interface import EventStore
from umami_server.storage.records import EVENT_TYPE_CUSTOM, EVENT_TYPE_PAGEVIEW

SESSION_ATTRIBUTES: dict[str, ColumnElement[Any]] = {
    "browser": E.browser, "os": E.os, "device": E.device, "screen": E.screen,
    "language": E.language, "country": E.country, "region": E.region, "city": E.city,
}


def _count_of(event_type: int) -> ColumnElement[int]:
    return func.count().filter(E.event_type == event_type)


def _session_columns() -> list[ColumnElement[Any]]:
    return [
        E.session_id.label("id"),
        E.website_id.label("websiteId"),
        func.max(E.hostname).label("hostname"),
        *(func.max(column).label(name) for name, column in SESSION_ATTRIBUTES.items()),
        func.min(E.created_at).label("firstAt"),
        func.max(E.created_at).label("lastAt"),
        visit_count(E.visit_id).label("visits"),
        _count_of(EVENT_TYPE_PAGEVIEW).label("views"),
        _count_of(EVENT_TYPE_CUSTOM).label("events"),
    ]


def session_list(store: EventStore, request: AnalyticsRequest,
                 only: ColumnElement[bool] | None = None,
                 searched: tuple[Any, ...] = (E.distinct_id, E.city, E.browser, E.os, E.device),
                 ) -> dict[str, Any]:
    page, size = paging(request.extra)
    clauses = conditions(request, kind=Rows.ALL)
    if only is not None:
        clauses.append(only)
    search = request.extra.get("search")
    if search:
        clauses.append(or_(*(contains(column, search) for column in searched)))
    ids = _page_of_sessions(store, clauses, (page - 1) * size, size)
    rows: list[dict[str, Any]] = []
    if ids:
        details = (select(*_session_columns(), func.max(E.created_at).label("createdAt"))
                   .where(*clauses, E.session_id.in_([str(value) for value in ids]))
                   .group_by(E.session_id, E.website_id))
        found = {row["id"]: json_row(row) for row in fetch(store, details)}
        rows = [found[value] for value in ids if value in found]
    if not search and links_answer(store, request):
        counted = first_in_window(E.prev_any_in_session_at, request.window.start)
    else:
        counted = visitor_count(E.session_id)
    total = fetch_one(store, select(counted.label("n")).where(*clauses))
    return paged(rows, int(total["n"]), page, size)


def _page_of_sessions(store: EventStore, clauses: list[ColumnElement[bool]], offset: int,
                      size: int) -> list[Any]:
    """Ids of the sessions ranked offset..offset+size by their latest row, newest first.

    Reading rows newest first, a session first appears at its latest row, so the first N
    distinct sessions of the newest rows are the top N; the scan widens until it has them or
    has read every row.
    """
    wanted = offset + size
    limit = max(wanted * 20, 1000)
    while True:
        newest = (select(E.session_id.label("id")).where(*clauses)
                  .order_by(E.created_at.desc(), arrival_order().desc()).limit(limit))
        found = fetch(store, newest)
        ids = list(dict.fromkeys(row["id"] for row in found))
        if len(ids) >= wanted or len(found) < limit:
            return ids[offset:wanted]
        limit *= 10


def _visit_seconds(website_id: str, session_id: str) -> Any:
    return (
        select((whole_seconds(func.max(E.created_at))
                - whole_seconds(func.min(E.created_at))).label("seconds"))
        .where(E.website_id == website_id, E.session_id == session_id)
        .group_by(E.visit_id)
        .subquery("visit")
    )


def single_session(store: EventStore, website_id: str, session_id: str) -> dict[str, Any]:
    query = (
        select(*_session_columns(), func.max(E.distinct_id).label("distinctId"))
        .where(E.website_id == website_id, E.session_id == session_id)
        .group_by(E.session_id, E.website_id)
    )
    row = fetch_one(store, query)
    if not row:
        return {}
    visits = _visit_seconds(website_id, session_id)
    seconds = fetch_one(store, select(
        func.coalesce(func.sum(visits.c.seconds), const(0)).label("totaltime")))
    order = ["id", "distinctId", "websiteId", *SESSION_ATTRIBUTES, "firstAt", "lastAt",
             "visits", "views", "events"]
    values = json_row(row)
    answer = {key: values[key] for key in order}
    return {**answer, "totaltime": int(seconds["totaltime"] or 0)}


def session_activity(store: EventStore, website_id: str, session_id: str,
                     window: Window) -> list[dict[str, Any]]:
    query = (
        select(
            E.created_at.label("createdAt"), E.url_path.label("urlPath"),
            E.url_query.label("urlQuery"), E.referrer_domain.label("referrerDomain"),
            E.event_id.label("eventId"), E.event_type.label("eventType"),
            E.event_name.label("eventName"), E.visit_id.label("visitId"),
            E.hostname.label("hostname"), has_data(website_id, None).label("hasData"),
        )
        .where(E.website_id == website_id, E.session_id == session_id,
               E.created_at.between(window.start, window.end))
        .order_by(E.created_at.desc(), arrival_order().desc())
        .limit(500)
    )
    return [json_row(row) for row in fetch(store, query)]


def data_text(string_value: Any, data_type: Any) -> ColumnElement[Any]:
    """A stored datum as text: numbers lose a literal `.0000` (they are kept with 4 decimals)."""
    return case(
        (data_type == const(2), func.replace(string_value, const(".0000"), const(""))),
        else_=string_value,
    )


def session_properties(store: EventStore, website_id: str,
                       session_id: str) -> list[dict[str, Any]]:
    D = session_data.c  # noqa: N806
    query = (
        select(
            D.website_id.label("websiteId"), D.session_id.label("sessionId"),
            D.data_key.label("dataKey"), D.data_type.label("dataType"),
            data_text(D.string_value, D.data_type).label("stringValue"),
            D.number_value.label("numberValue"), D.date_value.label("dateValue"),
            D.created_at.label("createdAt"),
        )
        .where(D.website_id == website_id, D.session_id == session_id)
        .order_by(D.data_key)
    )
    return [json_row(row) for row in fetch(store, query)]


def session_stats(store: EventStore, request: AnalyticsRequest) -> dict[str, Any]:
    query = select(
        _count_of(EVENT_TYPE_PAGEVIEW).label("pageviews"),
        visitor_count(E.session_id).label("visitors"),
        visit_count(E.visit_id).label("visits"),
        func.count(func.distinct(func.nullif(text(E.country), const("")))).label("countries"),
        _count_of(EVENT_TYPE_CUSTOM).label("events"),
    ).where(*conditions(request, kind=Rows.ALL))
    row = fetch_one(store, query)
    return {key: {"value": int(value or 0)} for key, value in row.items()}


def session_weekly(store: EventStore, request: AnalyticsRequest) -> list[list[int]]:
    if not request.extra.get("timezone"):
        raise QueryError.of("timezone", "Invalid input: expected string, received undefined")
    local = local_wall_time(E.created_at, request.zone,
                            (request.window.start, request.window.end))
    day, hour = extract("dow", local).label("day"), extract("hour", local).label("hour")
    query = (select(day, hour, visitor_count(E.session_id).label("n"))
             .where(*conditions(request)).group_by(day, hour))
    grid = [[0] * 24 for _ in range(7)]
    for row in fetch(store, query):
        grid[int(row["day"])][int(row["hour"])] = int(row["n"])
    return grid


def revenue_sessions(store: EventStore, request: AnalyticsRequest) -> dict[str, Any]:
    """The session list restricted to sessions that paid in `currency` within the window."""
    currency = request.extra.get("currency")
    if not currency:
        raise QueryError.of("currency", "Invalid input: expected string, received undefined")
    paying = select(revenue.c.session_id).where(
        revenue.c.website_id == request.website_id,
        revenue.c.created_at.between(request.window.start, request.window.end),
        func.upper(revenue.c.currency) == currency)
    return session_list(store, request, E.session_id.in_(paying),
                        searched=(E.browser, E.os, E.device, E.city))
