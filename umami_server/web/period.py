"""Date range presets and custom ranges of the analytics views, resolved in a time zone.

A period is what the URL says (`range=7d`, or `range=custom&start=2025-01-01&end=2025-01-31`)
turned into an absolute window, a bucket unit for the chart, and the list of bucket starts so
the chart shows empty buckets too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PRESETS: dict[str, str] = {
    "today": "Today", "24h": "Last 24 hours", "week": "This week", "7d": "Last 7 days",
    "month": "This month", "30d": "Last 30 days", "90d": "Last 90 days", "year": "This year",
    "all": "All time", "custom": "Custom range",
}
DEFAULT_RANGE = "24h"
UNITS = ("minute", "hour", "day", "month", "year")
# The analytics API's supported dates (queries/request.py), a day inside for the zone's offset.
EARLIEST_DAY = date(1, 1, 4)
LATEST_DAY = date(9999, 12, 27)


class PeriodError(ValueError):
    """A custom range the server cannot compute with; `parameter` is the URL parameter."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True, slots=True)
class Period:
    key: str
    start: datetime  # aware, in `zone`
    end: datetime  # aware, inclusive
    unit: str
    zone: str

    @property
    def label(self) -> str:
        if self.key != "custom":
            return PRESETS[self.key]
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def api_params(self) -> dict[str, str]:
        """The window as the analytics query string spells it."""
        return {"startAt": str(_ms(self.start)), "endAt": str(_ms(self.end)),
                "unit": self.unit, "timezone": self.zone}

    def buckets(self) -> list[datetime]:
        """Every bucket start (local wall time, naive) from start to end."""
        current = truncate(self.start.replace(tzinfo=None), self.unit)
        last = self.end.replace(tzinfo=None)
        starts = []
        while current <= last and len(starts) < 1000:
            starts.append(current)
            current = advance(current, self.unit)
        return starts


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def zone_of(name: str | None) -> str:
    if not name:
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def truncate(moment: datetime, unit: str) -> datetime:
    if unit == "minute":
        return moment.replace(second=0, microsecond=0)
    if unit == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    if unit == "day":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "month":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def advance(moment: datetime, unit: str) -> datetime:
    if unit == "minute":
        return moment + timedelta(minutes=1)
    if unit == "hour":
        return moment + timedelta(hours=1)
    if unit == "day":
        return moment + timedelta(days=1)
    if unit == "month":
        return moment.replace(year=moment.year + moment.month // 12, month=moment.month % 12 + 1)
    return moment.replace(year=moment.year + 1)


def unit_for(start: datetime, end: datetime) -> str:
    span = end - start
    if span <= timedelta(days=2):
        return "hour"
    if span <= timedelta(days=92):
        return "day"
    if span <= timedelta(days=366 * 50):
        return "month"
    return "year"  # months over centuries would pass the API's bucket cap


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def resolve(key: str | None, zone_name: str | None, now: datetime,
            first_seen: datetime | None = None, start_text: str | None = None,
            end_text: str | None = None) -> Period:
    """The period a URL asks for; unknown or incomplete input falls back to the default."""
    zone_name = zone_of(zone_name)
    zone = ZoneInfo(zone_name)
    local_now = now.astimezone(zone)
    today = datetime.combine(local_now.date(), time(), zone)
    end_of_today = today + timedelta(days=1) - timedelta(milliseconds=1)
    key = key if key in PRESETS else DEFAULT_RANGE
    start, end = today, end_of_today
    if key == "24h":
        start, end = (local_now - timedelta(hours=24)).replace(minute=0, second=0,
                                                                 microsecond=0), local_now
    elif key == "week":
        start = today - timedelta(days=today.weekday())
        end = start + timedelta(days=7) - timedelta(milliseconds=1)
    elif key in ("7d", "30d", "90d"):
        start = today - timedelta(days=int(key[:-1]) - 1)
    elif key == "month":
        start = today.replace(day=1)
        end = datetime.combine(advance(start.replace(tzinfo=None), "month"), time(), zone) \
            - timedelta(milliseconds=1)
    elif key == "year":
        start = today.replace(month=1, day=1)
        end = start.replace(year=start.year + 1) - timedelta(milliseconds=1)
    elif key == "all":
        first = first_seen.astimezone(zone) if first_seen else today
        start = datetime.combine(first.date(), time(), zone)
    elif key == "custom":
        first_day, last_day = _parse_day(start_text), _parse_day(end_text)
        if first_day is None or last_day is None or last_day < first_day:
            return resolve(DEFAULT_RANGE, zone_name, now)
        # Checked on the dates before any arithmetic, which overflows at the calendar's edges;
        # the overview compares with the period before, so that one must fit too.
        span_days = last_day.toordinal() - first_day.toordinal()
        if first_day.toordinal() - span_days - 1 < EARLIEST_DAY.toordinal():
            raise PeriodError("start", f"The range and the period before it must start on or "
                                       f"after {EARLIEST_DAY}")
        if not last_day <= LATEST_DAY:
            raise PeriodError("end", f"The range must end on or before {LATEST_DAY}")
        start = datetime.combine(first_day, time(), zone)
        end = datetime.combine(last_day, time(), zone) + timedelta(days=1) \
            - timedelta(milliseconds=1)
    unit = "hour" if key in ("today", "24h") else unit_for(start, end)
    if key in ("year", "all") and end - start > timedelta(days=92):
        unit = max(unit, "month", key=UNITS.index)
    return Period(key, start, end, unit, zone_name)


def utc_now() -> datetime:
    return datetime.now(UTC)
