"""Breakdown report (api-analytics.md §4.8): the core metrics of pageviews grouped by chosen
fields (any dimension the `/values` endpoint lists)."""

from __future__ import annotations

from typing import Any

from umami_server.queries.dimensions import DIMENSIONS
from umami_server.queries.errors import QueryError
from umami_server.queries.filters import VALIDATED_KEYS
from umami_server.queries.measures import as_numbers, per_visit, visit_measures
from umami_server.queries.render import fetch
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import Rows, conditions
from umami_server.storage.interface import EventStore

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
    visits = per_visit(conditions(request, kind=Rows.PAGEVIEWS), columns)
    query = visit_measures(visits, tuple(columns))
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
