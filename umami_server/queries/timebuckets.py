"""Time buckets (api-analytics.md §1.3, §1.4): unit choice, time zones and the label format.

A bucket is `date_trunc(unit, created_at)` on the wall clock of the requested zone. Labels follow
Umami on PostgreSQL: without a zone (or with the literal `utc`) the bucket is in UTC and labelled
`2025-10-19T00:00:00Z`; with any other zone, `UTC` included, it is the local wall time
`2025-10-19 00:00:00`. Empty buckets are omitted; clients fill the gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, literal_column
from sqlalchemy.sql import ColumnElement

from umami_server.queries.errors import QueryError

UNITS = ("minute", "hour", "day", "month", "year")
_ALIASES = {"Asia/Calcutta": "Asia/Kolkata"}


@dataclass(frozen=True, slots=True)
class TimeZoneChoice:
    name: str  # IANA zone the buckets are cut in
    utc_labels: bool  # True: ISO labels with Z; False: local wall time without offset

    def zoneinfo(self) -> ZoneInfo:
        return ZoneInfo(self.name)


UTC_ZONE = TimeZoneChoice("UTC", True)


def parse_timezone(value: str | None) -> TimeZoneChoice:
    if not value or value == "utc":
        return UTC_ZONE
    name = _ALIASES.get(value, value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise QueryError.of("timezone", "Invalid timezone") from None
    return TimeZoneChoice(name, False)


def _months(moment: datetime) -> int:
    return moment.year * 12 + moment.month


def minimum_unit(start: datetime, end: datetime) -> str:
    span = end - start
    if int(span.total_seconds() // 60) <= 60:
        return "minute"
    if span.days <= 30:
        return "hour"
    months = _months(end) - _months(start)
    if months <= 7:
        return "day"
    if months <= 24:
        return "month"
    return "year"


def choose_unit(requested: str | None, start: datetime, end: datetime) -> str:
    """The requested unit if it is not too fine for the range, else the finest sensible one."""
    if requested and requested not in UNITS:
        raise QueryError.of("unit", "Invalid unit")
    finest = minimum_unit(start, end)
    allowed = UNITS[UNITS.index("month" if finest == "year" else finest):]
    return requested if requested in allowed else finest


def bucket(column: Any, unit: str, zone: TimeZoneChoice) -> ColumnElement[Any]:
    """The bucket start as local wall time in the zone (a timestamp without time zone)."""
    # Inlined (both are validated) so GROUP BY and SELECT show the same expression.
    return func.date_trunc(_constant(unit), func.timezone(_constant(zone.name), column))


def _constant(value: str) -> ColumnElement[str]:
    return literal_column("'" + value.replace("'", "''") + "'")


def label(start: datetime, zone: TimeZoneChoice) -> str:
    if zone.utc_labels:
        return start.strftime("%Y-%m-%dT%H:%M:%SZ")
    return start.strftime("%Y-%m-%d %H:%M:%S")
