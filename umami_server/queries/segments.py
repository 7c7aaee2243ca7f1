"""Saved segments and cohorts (api-analytics.md §1.7) applied to a parsed request.

A segment is a stored set of filters that overrides same-named query filters. A cohort limits the
query to sessions that, within the cohort's own date range, had an event matching its filters
and its action (e.g. `event = signup`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import DIMENSIONS, E
from umami_server.queries.errors import QueryError
from umami_server.queries.filters import Filter, parse_value, predicate
from umami_server.queries.request import AnalyticsRequest, Window, now_utc, website_uuid

SegmentLookup = Callable[[str], Mapping[str, Any] | None]
_RELATIVE = re.compile(r"^(\d+)(hour|day|week|month|year)$")


@dataclass(frozen=True, slots=True)
class Cohort:
    window: Window
    filters: tuple[Filter, ...]
    match_any: bool

    def sessions(self, website_id: str) -> Any:
        clauses: list[ColumnElement[bool]] = [
            E.website_id == website_id,
            E.created_at.between(self.window.start, self.window.end),
        ]
        action = [predicate(item) for item in self.filters if item.key == "__action"]
        rest = [predicate(item) for item in self.filters if item.key != "__action"]
        if rest:
            clauses.append(or_(*rest) if self.match_any else and_(*rest))
        clauses.extend(action)
        return select(E.session_id).where(*clauses).distinct()


def _filters_of(parameters: Mapping[str, Any]) -> list[Filter]:
    filters: list[Filter] = []
    seen: dict[str, int] = {}
    for item in parameters.get("filters") or []:
        name, operator, value = item.get("name"), item.get("operator") or "eq", item.get("value")
        if not isinstance(name, str) or value is None or (
                name not in DIMENSIONS and name != "eventType"):
            continue
        count = seen.get(name, 0)
        seen[name] = count + 1
        key = name if count == 0 else f"{name}{count}"
        try:
            filters.append(parse_value(key, name, f"{operator}.{value}"))
        except (QueryError, KeyError):
            continue  # a stored filter this server cannot evaluate is skipped
    return filters


def cohort_window(date_range: str, now: datetime) -> Window:
    """`30day`: start of today minus 30 days .. end of today; `24hour`: by hours; `range:a:b`."""
    if date_range.startswith("range:"):
        _, start, end = date_range.split(":")
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        return Window(epoch + timedelta(milliseconds=int(start)),
                      epoch + timedelta(milliseconds=int(end)))
    matched = _RELATIVE.match(date_range)
    if not matched:
        raise ValueError(date_range)
    amount, unit = int(matched.group(1)), matched.group(2)
    if unit == "hour":
        hour = now.replace(minute=0, second=0, microsecond=0)
        return Window(hour - timedelta(hours=amount), hour + timedelta(hours=1, microseconds=-1))
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * amount
    return Window(today - timedelta(days=days), today + timedelta(days=1, microseconds=-1))


def apply_segments(request: AnalyticsRequest, lookup: SegmentLookup | None) -> AnalyticsRequest:
    """Fold `segment=` and `cohort=` of the query string into the request."""
    for name in ("segment", "cohort"):
        if request.extra.get(name):
            website_uuid(request.extra[name])  # malformed ids are a 400
    if lookup is None:
        return request
    segment = _stored(lookup, request, "segment")
    if segment is not None:
        parameters = segment.get("parameters") or {}
        stored = _filters_of(parameters)
        names = {item.name for item in stored}
        kept = tuple(item for item in request.filters if item.name not in names)
        match = parameters.get("match")
        request = replace(request, filters=(*kept, *stored),
                          match_any=(match == "any") if match else request.match_any)
    cohort = _stored(lookup, request, "cohort")
    if cohort is not None:
        parameters = cohort.get("parameters") or {}
        action = parameters.get("action") or {}
        filters = _filters_of(parameters)
        if action.get("type") and action.get("value") is not None:
            filters.append(Filter("__action", action["type"], "eq", (str(action["value"]),)))
        try:
            window = cohort_window(str(parameters.get("dateRange") or "30day"), now_utc())
        except ValueError:
            return request
        request = replace(request, cohort=Cohort(window, tuple(filters),
                                                 parameters.get("match") == "any"))
    return request


def _stored(lookup: SegmentLookup, request: AnalyticsRequest,
            kind: str) -> Mapping[str, Any] | None:
    segment_id = request.extra.get(kind)
    if not segment_id:
        return None
    row = lookup(segment_id)
    # Unknown ids (or another website's) are ignored rather than failing the whole query.
    if not row or str(row.get("website_id", "")).replace("-", "") != request.website_id.replace(
            "-", "") or row.get("type") != kind:
        return None
    return row
