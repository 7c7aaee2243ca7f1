"""Parsing of the query string every analytics endpoint shares (api-analytics.md §1).

A request becomes an `AnalyticsRequest`: the website, the absolute time window (clamped by the
website's resetAt), the time bucket unit and zone, and the parsed filters. Anything malformed
raises `QueryError`, which the HTTP layer answers with Umami's 400 envelope.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from umami_server.queries.errors import QueryError
from umami_server.queries.filters import Filter, parse_filters
from umami_server.queries.timebuckets import TimeZoneChoice, choose_unit, parse_timezone

RANGE_MESSAGE = "Either startAt+endAt or startDate+endDate must be provided"
# The dates a window may reach: two days inside year 1 and year 9999, so the zone offsets and the
# neighbouring days looked at when cutting buckets stay representable (Python's and DuckDB's
# dates end there). A comparison period must start there too.
EARLIEST = datetime(1, 1, 3, tzinfo=UTC)
LATEST = datetime(9999, 12, 29, tzinfo=UTC)
OUT_OF_RANGE_MESSAGE = "Date out of range: expected a date from 0001-01-03 to 9999-12-29"
MAX_LIMIT = 10_000
MAX_PAGE_SIZE = 1_000


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    end: datetime

    def shifted(self, delta: timedelta) -> Window:
        return Window(self.start + delta, self.end + delta)


@dataclass(frozen=True, slots=True)
class AnalyticsRequest:
    website_id: str
    window: Window
    unit: str
    zone: TimeZoneChoice
    filters: tuple[Filter, ...] = ()
    match_any: bool = False
    exclude_bounce: bool = False
    compare: str = "prev"
    extra: Mapping[str, str] = field(default_factory=dict)
    cohort: Any = None  # a segments.Cohort: only its sessions count

    def with_window(self, window: Window) -> AnalyticsRequest:
        return replace(self, window=window)

    def with_filters(self, filters: tuple[Filter, ...]) -> AnalyticsRequest:
        return replace(self, filters=filters)


def website_uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise QueryError.of("websiteId", "Invalid UUID") from None


def number(params: Mapping[str, str], name: str) -> float | None:
    """z.coerce.number(): JavaScript's Number() of the text; absent stays None."""
    raw = params.get(name)
    if raw is None:
        return None
    text = raw.strip()
    try:
        value = float(text) if text else 0.0
    except ValueError:
        value = math.nan
    if math.isnan(value) or math.isinf(value):
        raise QueryError.of(name, "Invalid input: expected number, received NaN")
    return value


def integer(params: Mapping[str, str], name: str, default: int, minimum: int = 0,
            maximum: int | None = None) -> int:
    value = number(params, name)
    if value is None:
        return default
    if value != int(value):
        raise QueryError.of(name, "Invalid input: expected int, received number")
    if value < minimum:
        raise QueryError.of(name, f"Too small: expected number to be >={minimum}")
    if maximum is not None and value > maximum:
        raise QueryError.of(name, f"Too big: expected number to be <={maximum}")
    return int(value)


def in_supported_range(moment: datetime) -> bool:
    try:
        return EARLIEST <= moment <= LATEST
    except OverflowError:  # an offset pushing year 1 or 9999 past the calendar's edge
        return False


def _instant(milliseconds: float, name: str) -> datetime:
    try:
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(milliseconds))
    except OverflowError:
        raise QueryError.of(name, "Invalid date") from None
    if not in_supported_range(moment):
        raise QueryError.of(name, OUT_OF_RANGE_MESSAGE)
    return moment


def _iso(params: Mapping[str, str], name: str) -> datetime:
    text = params[name].strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError.of(name, "Invalid date") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not in_supported_range(moment):
        raise QueryError.of(name, OUT_OF_RANGE_MESSAGE)
    return moment


def parse_window(params: Mapping[str, str], reset_at: datetime | None = None) -> Window:
    """startAt/endAt (ms) or startDate/endDate (ISO); inclusive; start clamped to resetAt."""
    start_at, end_at = number(params, "startAt"), number(params, "endAt")
    if start_at is not None and end_at is not None:
        start, end = _instant(start_at, "startAt"), _instant(end_at, "endAt")
    elif params.get("startDate") and params.get("endDate"):
        start, end = _iso(params, "startDate"), _iso(params, "endDate")
    else:
        raise QueryError.of(None, RANGE_MESSAGE)
    if end < start:
        raise QueryError.of("endAt", "endAt must not be before startAt")
    if reset_at is not None and reset_at > start:
        start = reset_at
    return Window(start, end)


def parse_request(
    website_id: str,
    params: Mapping[str, str],
    reset_at: datetime | None = None,
    allow_compare: bool = True,
) -> AnalyticsRequest:
    """The shared part of every analytics query string."""
    window = parse_window(params, reset_at)
    zone = parse_timezone(params.get("timezone"))
    unit = choose_unit(params.get("unit"), window.start, window.end)
    compare = params.get("compare") or "prev"
    if allow_compare and compare not in ("prev", "yoy"):
        raise QueryError.of("compare", 'Invalid option: expected one of "prev"|"yoy"')
    filters, match_any = parse_filters(params)
    return AnalyticsRequest(
        website_id=website_uuid(website_id),
        window=window,
        unit=unit,
        zone=zone,
        filters=filters,
        match_any=match_any,
        exclude_bounce=bool(params.get("excludeBounce")),
        compare=compare,
        extra=params,
    )


def comparison_window(
    window: Window, compare: str, name: tuple[str, ...] = ("compare",)
) -> Window:
    """§1.5: `prev` shifts back by the range length in whole minutes; `yoy` by one year.
    A period that would start before the earliest supported date is a 400 naming `name`."""
    try:
        if compare == "yoy":
            earlier = Window(_year_before(window.start), _year_before(window.end))
        else:
            minutes = int((window.end - window.start).total_seconds() // 60)
            earlier = window.shifted(-timedelta(minutes=minutes))
    except (OverflowError, ValueError):
        earlier = None
    if earlier is None or not in_supported_range(earlier.start):
        raise QueryError([(name, f"The {compare} comparison period starts before 0001-01-03; "
                                 "choose a later start")])
    return earlier


def _year_before(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 1, day=28)


def now_utc() -> datetime:
    return datetime.now(UTC)


def reset_at_of(metadata: Any, website_id: str) -> datetime | None:
    """The website's resetAt, if the metadata store knows the website (links/pixels: none)."""
    get_website = getattr(metadata, "get_website", None)
    if get_website is None:
        return None
    try:
        row = get_website(website_id)
    except Exception:  # a malformed id is simply not a website
        return None
    reset_at = (row or {}).get("reset_at")
    if isinstance(reset_at, datetime):
        return reset_at if reset_at.tzinfo else reset_at.replace(tzinfo=UTC)
    return None
