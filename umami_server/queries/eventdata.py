"""Custom data of events and sessions: `/event-data/*` and `/session-data/*` (§3.8, §3.13).

Event data rows count when they were recorded in the window and their event (a custom event)
passes the filters; session data counts for sessions with a filtered event in the window.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import E, const
from umami_server.queries.errors import QueryError
from umami_server.queries.events import paged, paging
from umami_server.queries.measures import visitor_count
from umami_server.queries.render import fetch, fetch_one, json_row, utc_hour_text
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import Rows, conditions
from umami_server.queries.sessions import data_text
from umami_server.queries.tables import event_data, session_data
from umami_server.storage.interface import EventStore
from umami_server.storage.records import DATA_TYPE_DATE

D = event_data.c
S = session_data.c


def _joined(request: AnalyticsRequest) -> tuple[Any, list[ColumnElement[bool]]]:
    source = event_data.join(E.event_id.table, E.event_id == D.website_event_id)
    clauses = [D.website_id == request.website_id,
               D.created_at.between(request.window.start, request.window.end),
               *conditions(request, kind=Rows.CUSTOM, exclude_bounce=False)]
    return source, clauses


def datum_value(string_value: Any, data_type: Any, date_value: Any) -> ColumnElement[Any]:
    """A datum as the fields/values listings show it: numbers without `.0000`, dates by hour."""
    return case(
        (data_type == const(DATA_TYPE_DATE), utc_hour_text(date_value)),
        else_=data_text(string_value, data_type),
    )


def _property(prefix: str = "") -> list[ColumnElement[Any]]:
    return [D.data_key.label("dataKey"),
            data_text(D.string_value, D.data_type).label("stringValue"),
            D.number_value.label("numberValue"), D.date_value.label("dateValue"),
            D.data_type.label("dataType"), D.created_at.label("createdAt")]


def event_data_list(store: EventStore, request: AnalyticsRequest) -> dict[str, Any]:
    page, size = paging(request.extra)
    source, clauses = _joined(request)
    latest = func.max(E.created_at)
    events_page = (select(E.event_id.label("eventId")).select_from(source).where(*clauses)
                   .group_by(E.event_id).order_by(latest.desc(), E.event_id)
                   .limit(size).offset((page - 1) * size))
    ids = [row["eventId"] for row in fetch(store, events_page)]
    total = fetch_one(store, select(func.count(func.distinct(E.event_id)).label("n"))
                      .select_from(source).where(*clauses))
    rows = fetch(store, select(E.website_id.label("websiteId"), E.event_id.label("eventId"),
                               E.event_name.label("eventName"), *_property())
                 .select_from(source).where(*clauses, E.event_id.in_(ids))
                 .order_by(D.data_key)) if ids else []
    grouped: dict[Any, dict[str, Any]] = {}
    properties: defaultdict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        values = json_row(row)
        grouped.setdefault(row["eventId"], {key: values[key] for key in
                                            ("websiteId", "eventId", "eventName")})
        properties[row["eventId"]].append({key: values[key] for key in (
            "dataKey", "stringValue", "numberValue", "dateValue", "dataType", "createdAt")})
    data = [{**grouped[event_id], "eventProperties": properties[event_id]}
            for event_id in ids if event_id in grouped]
    return paged(data, int(total["n"]), page, size)


def event_data_of_event(store: EventStore, website_id: str, event_id: str) -> list[dict[str, Any]]:
    source = event_data.join(E.event_id.table, E.event_id == D.website_event_id)
    query = (select(E.website_id.label("websiteId"), E.event_id.label("eventId"),
                    E.event_name.label("eventName"), *_property())
             .select_from(source)
             .where(D.website_id == website_id, D.website_event_id == event_id)
             .order_by(D.data_key))
    return [json_row(row) for row in fetch(store, query)]


def event_data_events(store: EventStore, request: AnalyticsRequest) -> list[dict[str, Any]]:
    source, clauses = _joined(request)
    event = request.extra.get("event")
    keys = [E.event_name.label("eventName"), D.data_key.label("propertyName"),
            D.data_type.label("dataType")]
    if event:
        clauses.append(E.event_name == event)
        keys.append(data_text(D.string_value, D.data_type).label("propertyValue"))
    total = func.count().label("total")
    query = (select(*keys, total).select_from(source).where(*clauses).group_by(*keys)
             .order_by(*keys[:3], total.desc()).limit(500))
    return [json_row(row) for row in fetch(store, query)]


def event_data_fields(store: EventStore, request: AnalyticsRequest) -> list[dict[str, Any]]:
    source, clauses = _joined(request)
    value = datum_value(D.string_value, D.data_type, D.date_value).label("value")
    keys = [D.data_key.label("propertyName"), D.data_type.label("dataType"), value]
    total = func.count().label("total")
    query = (select(*keys, total).select_from(source).where(*clauses).group_by(*keys)
             .order_by(D.data_type.desc(), total.desc(), D.data_key, value).limit(100))
    return [json_row(row) for row in fetch(store, query)]


def event_data_properties(store: EventStore, request: AnalyticsRequest) -> list[dict[str, Any]]:
    source, clauses = _joined(request)
    keys = [E.event_name.label("eventName"), D.data_key.label("propertyName")]
    total = func.count().label("total")
    query = (select(*keys, total).select_from(source).where(*clauses).group_by(*keys)
             .order_by(total.desc(), *keys).limit(500))
    return [json_row(row) for row in fetch(store, query)]


def event_data_values(store: EventStore, request: AnalyticsRequest) -> list[dict[str, Any]]:
    for name in ("event", "propertyName"):
        if not request.extra.get(name):
            raise QueryError.of(name, "Invalid input: expected string, received undefined")
    source, clauses = _joined(request)
    clauses += [E.event_name == request.extra["event"],
                D.data_key == request.extra["propertyName"]]
    value = datum_value(D.string_value, D.data_type, D.date_value).label("value")
    total = func.count().label("total")
    query = (select(value, total).select_from(source).where(*clauses).group_by(value)
             .order_by(total.desc(), value).limit(100))
    return [json_row(row) for row in fetch(store, query)]


def event_data_stats(store: EventStore, request: AnalyticsRequest) -> dict[str, int]:
    source, clauses = _joined(request)
    query = select(func.count(func.distinct(D.website_event_id)).label("events"),
                   func.count(func.distinct(D.data_key)).label("properties"),
                   func.count().label("records")).select_from(source).where(*clauses)
    return {key: int(value or 0) for key, value in fetch_one(store, query).items()}


def _sessions_in_window(request: AnalyticsRequest) -> Any:
    return select(E.session_id).where(*conditions(request, kind=Rows.ALL)).distinct()


def session_data_properties(store: EventStore, request: AnalyticsRequest) -> list[dict[str, Any]]:
    total = visitor_count(S.session_id).label("total")
    name = S.data_key.label("propertyName")
    query = (select(name, total)
             .where(S.website_id == request.website_id,
                    S.session_id.in_(_sessions_in_window(request)))
             .group_by(name).order_by(total.desc(), name).limit(500))
    return [json_row(row) for row in fetch(store, query)]


def session_data_values(store: EventStore, request: AnalyticsRequest) -> list[dict[str, Any]]:
    if not request.extra.get("propertyName"):
        raise QueryError.of("propertyName", "Invalid input: expected string, received undefined")
    total = visitor_count(S.session_id).label("total")
    value = datum_value(S.string_value, S.data_type, S.date_value).label("value")
    query = (select(value, total)
             .where(S.website_id == request.website_id,
                    S.data_key == request.extra["propertyName"],
                    S.session_id.in_(_sessions_in_window(request)))
             .group_by(value).order_by(total.desc(), value).limit(100))
    return [json_row(row) for row in fetch(store, query)]
