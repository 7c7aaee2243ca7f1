"""What every report shares (api-analytics.md §4): the request it runs on and step matching.

A report runs on an `AnalyticsRequest` like the analytics endpoints: the website, the window from
`parameters.startDate/endDate` (clamped by resetAt except for journeys), the bucket unit and zone
(used verbatim, default `day`), and the `filters` object parsed by the shared filter module, with
its saved `segment` / `cohort` folded in by the shared segments module (every report, journey
included).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.sql import ColumnElement, Select

from umami_server.collect.validation import js_type_name
from umami_server.queries.dimensions import DIMENSIONS
from umami_server.queries.errors import QueryError
from umami_server.queries.filters import VALIDATED_KEYS, parse_filters
from umami_server.queries.render import fetch
from umami_server.queries.request import (
    OUT_OF_RANGE_MESSAGE,
    AnalyticsRequest,
    Window,
    in_supported_range,
    website_uuid,
)
from umami_server.queries.segments import SegmentLookup, apply_segments
from umami_server.queries.timebuckets import UNITS, check_bucket_count, parse_timezone
from umami_server.storage.interface import EventStore

# Keys a report's `filters` object may carry (no digit-suffixed repeats in reports).
REPORT_FILTER_KEYS = VALIDATED_KEYS | {"eventType", "match", "excludeBounce", "segment", "cohort"}


def instant(value: Any, name: str) -> datetime:
    """`new Date(value)`: milliseconds since the epoch, or an ISO date string."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, bool) or value is None:
        raise QueryError([(("parameters", name), "Invalid input: expected date, received Date")])
    if isinstance(value, int | float):
        try:
            return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(value))
        except (OverflowError, ValueError):
            raise QueryError([(("parameters", name), "Invalid date")]) from None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise QueryError([(("parameters", name),
                               "Invalid input: expected date, received Date")]) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise QueryError([(("parameters", name), "Invalid input: expected date, received Date")])


def report_window(start: Any, end: Any, reset_at: datetime | None) -> Window:
    start_at, end_at = instant(start, "startDate"), instant(end, "endDate")
    for moment, name in ((start_at, "startDate"), (end_at, "endDate")):
        if not in_supported_range(moment):
            raise QueryError([(("parameters", name), OUT_OF_RANGE_MESSAGE)])
    if end_at < start_at:
        raise QueryError([(("parameters", "endDate"), "endDate must not be before startDate")])
    if reset_at is not None and reset_at > start_at:
        start_at = reset_at
    return Window(start_at, end_at)


def report_filters(filters: Mapping[str, Any]) -> dict[str, str]:
    """The `filters` object as the query-string mapping the shared filter parser reads."""
    params: dict[str, str] = {}
    for key, value in filters.items():
        if key not in REPORT_FILTER_KEYS or value is None:
            continue
        if key == "eventType" and isinstance(value, int | float) and not isinstance(value, bool):
            params[key] = str(int(value)) if float(value).is_integer() else str(value)
        elif isinstance(value, str):
            params[key] = value
        else:
            raise QueryError([(("filters", key), "Invalid input: expected string, received "
                                                 + js_type_name(value))])
    return params


def report_request(website_id: str, filters: Mapping[str, Any], parameters: Mapping[str, Any],
                   reset_at: datetime | None = None,
                   segments: SegmentLookup | None = None) -> AnalyticsRequest:
    """The shared request of a report; raises QueryError (400) on malformed input.

    `segments` finds stored segments and cohorts by id; without it, their ids are only checked.
    """
    params = report_filters(filters)
    window = report_window(parameters.get("startDate"), parameters.get("endDate"), reset_at)
    unit = parameters.get("unit") or "day"
    if unit not in UNITS:
        raise QueryError([(("parameters", "unit"), "Invalid unit")])
    check_bucket_count(unit, window.start, window.end, ("parameters", "unit"))
    zone = parse_timezone(parameters.get("timezone") or None)
    website = website_uuid(website_id)
    try:
        parsed, match_any = parse_filters(params)
        for name in ("segment", "cohort"):
            # Checked here so a malformed id is reported under its own key (the shared
            # segments check names `websiteId`).
            if params.get(name):
                try:
                    website_uuid(params[name])
                except QueryError:
                    raise QueryError.of(name, "Invalid UUID") from None
        request = AnalyticsRequest(
            website_id=website, window=window, unit=unit, zone=zone, filters=parsed,
            match_any=match_any, exclude_bounce=bool(params.get("excludeBounce")), extra=params,
        )
        return apply_segments(request, segments)
    except QueryError as error:
        # Filter errors (segment and cohort ids included) sit under `filters` in a report body.
        raise QueryError([(("filters", *_keys(error.tree)), _first_message(error.tree))]) from None


def _keys(tree: dict[str, Any]) -> tuple[str, ...]:
    properties = tree.get("properties") or {}
    return (next(iter(properties)),) if properties else ()


def _first_message(tree: dict[str, Any]) -> str:
    if tree.get("errors"):
        return str(tree["errors"][0])
    for child in (tree.get("properties") or {}).values():
        return _first_message(child)
    return "Invalid input"


def step_match(dimension: str, value: str) -> ColumnElement[bool]:
    """A funnel/goal step: equality, or a LIKE pattern when the value starts or ends with `*`.

    Only a leading and a trailing `*` are wildcards; any other character (`%` and `_`
    included) matches itself. Case-sensitive, as in both upstream backends.
    """
    column = DIMENSIONS[dimension].column
    if not (value.startswith("*") or value.endswith("*")):
        return column == value
    head = "%" if value.startswith("*") else ""
    core = value[1:] if head else value
    tail = "%" if core.endswith("*") else ""
    core = core[:-1] if tail else core
    escaped = core.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(head + escaped + tail, escape="\\")


def top_values(store: EventStore, query: Select[Any], columns: dict[str, ColumnElement[Any]],
               count: ColumnElement[Any] | None = None) -> dict[str, list[tuple[Any, int]]]:
    """Per column, its non-empty values with a count (rows by default), most first.

    One scan with GROUPING SETS: `query` gives FROM and WHERE; the columns must never be NULL
    (strings read with NULL as ''), so in each result row only its set's column is non-NULL.
    """
    measure = (count if count is not None else func.count()).label("n")
    statement = query.add_columns(*(column.label(key) for key, column in columns.items()),
                                  measure).group_by(func.grouping_sets(*columns.values()))
    found: dict[str, list[tuple[Any, int]]] = {key: [] for key in columns}
    for row in fetch(store, statement):
        for key in columns:
            value = row[key]
            if value is not None:
                if value != "":
                    found[key].append((value, int(row["n"])))
                break
    for values in found.values():
        values.sort(key=lambda item: (-item[1], item[0]))
    return found
