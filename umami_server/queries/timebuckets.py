"""Time buckets (api-analytics.md §1.3, §1.4): unit choice, time zones and the label format.

A bucket is `date_trunc(unit, created_at)` on the wall clock of the requested zone. Labels follow
Umami on PostgreSQL: without a zone (or with the literal `utc`) the bucket is in UTC and labelled
`2025-10-19T00:00:00Z`; with any other zone, `UTC` included, it is the local wall time
`2025-10-19 00:00:00`. Empty buckets are omitted; clients fill the gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import NullType

from umami_server.queries.errors import QueryError

UNITS = ("minute", "hour", "day", "month", "year")
# The most buckets one request may ask for. The spec sets no cap; Umami's own unit choice keeps
# the analytics routes far below it (at most 24 months use months), but a unit given explicitly
# (reports use theirs verbatim) could otherwise ask for millions.
MAX_BUCKETS = 10_000
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
# Zone offsets are looked up day by day over at most this span; a longer window lets DuckDB
# convert each row itself, so the work per request does not grow with the span.
MAX_OFFSET_WALK = timedelta(days=3660)
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
    unit = requested if requested in allowed else finest
    check_bucket_count(unit, start, end, ("unit",))
    return unit


def bucket_count(unit: str, start: datetime, end: datetime) -> int:
    """How many buckets of `unit` the window touches (an upper bound, in UTC)."""
    if unit in _UNIT_SECONDS:
        return int((end - start).total_seconds()) // _UNIT_SECONDS[unit] + 2
    if unit == "month":
        return _months(end) - _months(start) + 2
    return end.year - start.year + 2


def check_bucket_count(unit: str, start: datetime, end: datetime, name: tuple[str, ...]) -> None:
    if bucket_count(unit, start, end) > MAX_BUCKETS:
        raise QueryError([(name, f"Too many {unit} buckets for this date range: at most "
                                 f"{MAX_BUCKETS:,} are allowed; choose a coarser unit")])


def bucket(column: Any, unit: str, zone: TimeZoneChoice,
           around: tuple[datetime, datetime] | None = None) -> ColumnElement[Any]:
    """The bucket start as local wall time in the zone (a timestamp without time zone)."""
    return func.date_trunc(literal_column(_quoted(unit)), local_wall_time(column, zone, around))


def local_wall_time(column: Any, zone: TimeZoneChoice,
                    around: tuple[datetime, datetime] | None = None) -> ColumnElement[Any]:
    """`column` on the zone's wall clock. With the window known, DuckDB adds the zone's offsets
    (one per daylight-saving period in the window) instead of a per-row zone lookup."""
    offsets = utc_offsets(zone.name, *around) if around else None
    return _LocalWallTime(column, zone.name, offsets)


class _LocalWallTime(FunctionElement[Any]):
    type = NullType()
    inherit_cache = False

    def __init__(self, column: Any, zone: str,
                 offsets: list[tuple[int | None, int]] | None):
        super().__init__(column)
        self.zone = zone
        self.offsets = offsets


@compiles(_LocalWallTime, "duckdb")
def _local_wall_time_duckdb(element: _LocalWallTime, compiler: Any, **kw: Any) -> str:
    (column,) = list(element.clauses)
    instant = compiler.process(column, **kw)
    if element.offsets is None:
        return f"timezone({_quoted(element.zone)}, {instant})"
    micros = f"epoch_us({instant})"
    if len(element.offsets) == 1:
        shift = str(element.offsets[0][1])
    else:
        cases = " ".join(f"WHEN {micros} < {until} THEN {offset}"
                         for until, offset in element.offsets[:-1])
        shift = f"CASE {cases} ELSE {element.offsets[-1][1]} END"
    return f"make_timestamp({micros} + {shift})"


@compiles(_LocalWallTime)
def _local_wall_time_postgresql(element: _LocalWallTime, compiler: Any, **kw: Any) -> str:
    (column,) = list(element.clauses)
    return f"timezone({_quoted(element.zone)}, {compiler.process(column, **kw)})"


def utc_offsets(zone: str, start: datetime, end: datetime) -> list[tuple[int | None, int]] | None:
    """[(until epoch microseconds, offset microseconds)] covering [start, end]; the last
    period's `until` is None. Transitions are found day by day, then to the second.
    None for a window longer than MAX_OFFSET_WALK: the caller converts per row instead."""
    if end - start > MAX_OFFSET_WALK:
        return None
    info = ZoneInfo(zone)

    def offset(moment: datetime) -> int:
        delta = moment.astimezone(info).utcoffset()
        return int(delta.total_seconds() * 1_000_000) if delta else 0

    periods: list[tuple[int | None, int]] = []
    cursor, current = start - timedelta(days=1), offset(start - timedelta(days=1))
    last = end + timedelta(days=1)
    while cursor < last:
        step = min(cursor + timedelta(days=1), last)
        if offset(step) != current:
            low, high = cursor, step
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == current else (low, middle)
            until = int(high.timestamp()) * 1_000_000
            periods.append((until, current))
            current = offset(high)
        cursor = step
    periods.append((None, current))
    return periods


def buckets_follow_time(unit: str, zone: TimeZoneChoice, start: datetime, end: datetime) -> bool:
    """Whether each bucket of the window is one stretch of time: false only when a clock set
    back repeats wall times that fall into an earlier bucket (minute buckets at an autumn
    change, for instance)."""
    periods = utc_offsets(zone.name, start, end)
    if periods is None:
        return False  # not worked out for very long windows; False is always safe
    for (until, before), (_, after) in zip(periods, periods[1:], strict=False):
        if until is None or after >= before:
            continue
        wall_end = until + before  # wall time the clock reached, in microseconds
        last = _truncated(unit, _wall(wall_end - 1))
        if last != _truncated(unit, _wall(wall_end - (before - after))):
            return False
    return True


def _wall(micros: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(microseconds=micros)


def _truncated(unit: str, moment: datetime) -> datetime:
    if unit == "year":
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "month":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    return moment.replace(second=0, microsecond=0)


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def label(start: datetime, zone: TimeZoneChoice) -> str:
    if zone.utc_labels:
        return start.strftime("%Y-%m-%dT%H:%M:%SZ")
    return start.strftime("%Y-%m-%d %H:%M:%S")
