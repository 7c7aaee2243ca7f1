"""`/daterange` (first and last event) and `/values` (filter autocompletion) (§3.15, §3.16)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select

from umami_server.queries.dimensions import DIMENSIONS, E, const, not_self_referral
from umami_server.queries.errors import QueryError
from umami_server.queries.filters import VALIDATED_KEYS
from umami_server.queries.render import fetch, fetch_one, json_value
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import in_window

EPOCH_2000 = datetime(2000, 1, 1, tzinfo=UTC)
VALUE_LIMIT = 10


def date_range(store: Any, website_id: str) -> dict[str, Any]:
    query = select(func.min(E.created_at).label("startDate"),
                   func.max(E.created_at).label("endDate")).where(
        E.website_id == website_id, E.created_at >= EPOCH_2000)
    row = fetch_one(store, query)
    return {key: json_value(row.get(key)) for key in ("startDate", "endDate")}


def filter_values(store: Any, request: AnalyticsRequest) -> list[dict[str, Any]]:
    name = request.extra.get("type") or ""
    if name not in VALIDATED_KEYS:
        raise QueryError.of("type", f"Invalid type: {name}")
    column = DIMENSIONS[name].column
    clauses = [*in_window(request.website_id, request.window), column != const("")]
    if name == "referrer":
        clauses.append(not_self_referral())
    search = request.extra.get("search")
    if search:
        terms = [term for term in search.split(",")[:5] if term] or [search]
        clauses.append(or_(*(func.strpos(func.lower(column), term.lower()) > const(0)
                             for term in terms)))
    value = column.label("value")
    query = (select(value, func.count().label("count")).where(*clauses)
             .group_by(value).order_by(func.count().desc(), value).limit(VALUE_LIMIT))
    return [{"value": row["value"], "count": int(row["count"])} for row in fetch(store, query)]
