"""Custom events and the raw event log: `/events`, `/events/series`, `/events/stats` (§3.5-3.7)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import E, const, text
from umami_server.queries.measures import visit_count, visitor_count
from umami_server.queries.render import arrival_order, fetch, fetch_one, json_row
from umami_server.queries.request import (
    MAX_LIMIT,
    MAX_PAGE_SIZE,
    AnalyticsRequest,
    Window,
    comparison_window,
    integer,
)
from umami_server.queries.rows import Rows, conditions, in_window
from umami_server.queries.tables import event_data
from umami_server.queries.timebuckets import bucket, label
from umami_server.storage.interface import EventStore
from umami_server.storage.records import EVENT_TYPE_CUSTOM, EVENT_TYPE_PAGEVIEW

# The columns of one row of the event log, by their JSON names.
EVENT_LOG_COLUMNS: dict[str, ColumnElement[Any]] = {
    "id": E.event_id, "websiteId": E.website_id, "sessionId": E.session_id,
    "createdAt": E.created_at, "hostname": E.hostname, "urlPath": E.url_path,
    "urlQuery": E.url_query, "referrerPath": E.referrer_path, "referrerQuery": E.referrer_query,
    "referrerDomain": E.referrer_domain, "country": E.country, "city": E.city,
    "device": E.device, "os": E.os, "browser": E.browser, "pageTitle": E.page_title,
    "eventType": E.event_type, "eventName": E.event_name,
}


def contains(column: Any, search: str) -> ColumnElement[bool]:
    """Case-insensitive literal substring (ClickHouse semantics; PostgreSQL uses ILIKE)."""
    return func.strpos(func.lower(text(column)), search.lower()) > const(0)


def has_data(website_id: str, window: Window | None) -> ColumnElement[bool]:
    """Whether the event row has custom data (recorded in the window, when given)."""
    rows = select(event_data.c.website_event_id).where(event_data.c.website_id == website_id)
    if window is not None:
        rows = rows.where(event_data.c.created_at.between(window.start, window.end))
    return E.event_id.in_(rows)


def paging(params: Mapping[str, str]) -> tuple[int, int]:
    return (integer(params, "page", 1, minimum=1),
            integer(params, "pageSize", 20, minimum=1, maximum=MAX_PAGE_SIZE))


def paged(rows: list[dict[str, Any]], count: int, page: int, size: int) -> dict[str, Any]:
    return {"data": rows, "count": count, "page": page, "pageSize": size}


def event_log(store: EventStore, request: AnalyticsRequest) -> dict[str, Any]:
    page, size = paging(request.extra)
    clauses = conditions(request, kind=Rows.ALL, exclude_bounce=False)
    search = request.extra.get("search")
    if search:
        clauses.append(or_(
            and_(E.event_type == EVENT_TYPE_CUSTOM, contains(E.event_name, search)),
            and_(E.event_type == EVENT_TYPE_PAGEVIEW, contains(E.url_path, search)),
        ))
    columns = [column.label(name) for name, column in EVENT_LOG_COLUMNS.items()]
    query = (
        select(*columns, has_data(request.website_id, request.window).label("hasData"))
        .where(*clauses)
        .order_by(E.created_at.desc(), arrival_order().desc())
        .limit(size).offset((page - 1) * size)
    )
    total = fetch_one(store, select(func.count().label("n")).where(*clauses))
    return paged([json_row(row) for row in fetch(store, query)], int(total["n"]), page, size)


def event_series(store: EventStore, request: AnalyticsRequest) -> list[dict[str, Any]]:
    clauses = conditions(request, kind=Rows.CUSTOM, exclude_bounce=False)
    limit = request.extra.get("limit")
    if limit:
        top = integer(request.extra, "limit", 0, minimum=1, maximum=MAX_LIMIT)
        names = (
            select(E.event_name)
            .where(*in_window(request.website_id, request.window),
                   E.event_type == EVENT_TYPE_CUSTOM)
            .group_by(E.event_name)
            .order_by(func.count().desc(), E.event_name)
            .limit(top)
        )
        clauses.append(E.event_name.in_(names))
    start = bucket(E.created_at, request.unit, request.zone,
                   (request.window.start, request.window.end)).label("t")
    name = E.event_name.label("x")
    query = (select(name, start, func.count().label("y")).where(*clauses)
             .group_by(name, start).order_by(start, name))
    return [{"x": row["x"], "t": label(row["t"], request.zone), "y": int(row["y"])}
            for row in fetch(store, query)]


def _event_totals(store: EventStore, request: AnalyticsRequest, window: Window) -> dict[str, int]:
    query = select(
        func.count().label("events"),
        visitor_count(E.session_id).label("visitors"),
        visit_count(E.visit_id).label("visits"),
        func.count(func.distinct(E.event_name)).label("uniqueEvents"),
    ).where(*conditions(request, kind=Rows.CUSTOM, window=window, exclude_bounce=False))
    return {key: int(value or 0) for key, value in fetch_one(store, query).items()}


def event_stats(store: EventStore, request: AnalyticsRequest) -> dict[str, Any]:
    current = _event_totals(store, request, request.window)
    previous = _event_totals(store, request, comparison_window(request.window, request.compare))
    return {"data": {**current, "comparison": previous}}
