"""Breakdown report (api-analytics.md §4.8): the core metrics of pageviews grouped by chosen
fields (any dimension the `/values` endpoint lists).

With predecessor links, fields that are visitor attributes plus at most the path are counted
without grouping by visit: a visit's rows on one path form a (visit, path) chain like a visit
(queries/linked.py). Other fields, and filters that split those chains, take the grouped form.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.sql import Select

from umami_server.queries.dimensions import DIMENSIONS, E
from umami_server.queries.errors import QueryError
from umami_server.queries.filters import VALIDATED_KEYS
from umami_server.queries.linked import (
    PATHS_IN_VISITS,
    SESSION_FILTERS,
    VISITS,
    linked_measures,
)
from umami_server.queries.measures import as_numbers, per_visit, visit_measures
from umami_server.queries.planner import links_answer
from umami_server.queries.render import fetch, fetch_one
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import Rows, conditions
from umami_server.storage.interface import EventStore
from umami_server.storage.records import EVENT_TYPE_LINK, EVENT_TYPE_PIXEL

FIELDS = tuple(sorted(VALIDATED_KEYS))
LIMIT = 500


def check_fields(fields: list[str]) -> None:
    for index, field in enumerate(fields):
        if field not in VALIDATED_KEYS:
            raise QueryError([(("parameters", "fields", str(index)), f"Invalid field: {field}")])


def breakdown(store: EventStore, request: AnalyticsRequest,
              fields: list[str]) -> list[dict[str, Any]]:
    check_fields(fields)
    names = dict.fromkeys(fields)
    columns = {field: DIMENSIONS[field].column for field in names}
    clauses = conditions(request, kind=Rows.PAGEVIEWS)
    query: Select[Any]
    if _linked(store, request, tuple(columns)):
        chains = PATHS_IN_VISITS if "path" in columns else VISITS
        query = linked_measures(clauses, request.window.start, columns, chains)
    else:
        query = visit_measures(per_visit(clauses, columns), tuple(columns))
    chosen = query.selected_columns
    query = query.order_by(chosen.visitors.desc(), chosen.pageviews.desc(),
                           *(chosen[field] for field in columns)).limit(LIMIT)
    answer = []
    for row in fetch(store, query):
        numbers = as_numbers(row)
        answer.append({"views": numbers["pageviews"], "visitors": numbers["visitors"],
                       "visits": numbers["visits"], "bounces": numbers["bounces"],
                       "totaltime": numbers["totaltime"],
                       **{field: row[field] for field in columns}})
    return answer


def _linked(store: EventStore, request: AnalyticsRequest, fields: tuple[str, ...]) -> bool:
    """Whether the links count this breakdown: its fields are visitor attributes and at most
    the path, its filters keep those chains whole, and the website's traffic rows are all
    pageviews (the chains link link clicks and pixel hits too; those are stored under the
    link's or pixel's own id)."""
    by_attribute = any(field in SESSION_FILTERS for field in fields)
    if any(field not in SESSION_FILTERS and field != "path" for field in fields):
        return False
    also_allowed = ("path",) if "path" in fields else ()
    if not links_answer(store, request, also_allowed,
                        grouped_by_visitor_attribute=by_attribute):
        return False
    other_traffic = select(E.event_type.label("type")).where(
        E.website_id == request.website_id,
        E.event_type.in_((EVENT_TYPE_LINK, EVENT_TYPE_PIXEL))).limit(1)
    return not fetch_one(store, other_traffic)
