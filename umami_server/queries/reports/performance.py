"""Performance report (api-analytics.md §4.9): web-vitals percentiles over time, overall and
per page, page title, device and browser. Percentiles are continuous (linear interpolation
between the closest ranks), as PostgreSQL's `percentile_cont`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import DIMENSIONS, E
from umami_server.queries.render import fetch, fetch_one
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import Rows, conditions
from umami_server.queries.timebuckets import bucket, label
from umami_server.storage.interface import EventStore
from umami_server.storage.records import EVENT_TYPE_PERFORMANCE

METRICS = ("lcp", "inp", "cls", "fcp", "ttfb")
PERCENTILES = {"p50": 0.5, "p75": 0.75, "p95": 0.95}
LIMIT = 500
# Response key -> grouping dimension, and whether the list is limited.
GROUPS = (("pages", "path", True), ("pageTitles", "title", True),
          ("devices", "device", False), ("browsers", "browser", True))


def percentile(column: ColumnElement[Any], fraction: float) -> ColumnElement[Any]:
    return func.percentile_cont(fraction).within_group(column)


def _percentiles(column: ColumnElement[Any], prefix: str = "") -> list[ColumnElement[Any]]:
    return [percentile(column, fraction).label(prefix + name)
            for name, fraction in PERCENTILES.items()]


def _number(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _rows(request: AnalyticsRequest) -> list[ColumnElement[bool]]:
    return [*conditions(request, kind=Rows.ALL), E.event_type == EVENT_TYPE_PERFORMANCE]


def performance(store: EventStore, request: AnalyticsRequest,
                metric: str = "lcp") -> dict[str, Any]:
    clauses = _rows(request)
    value = getattr(E, metric)
    measured = [*clauses, value.is_not(None)]
    start = bucket(E.created_at, request.unit, request.zone,
                   around=(request.window.start, request.window.end))
    keys = {"t": start, **{key: DIMENSIONS[dimension].column for key, dimension, _ in GROUPS}}
    # The chart and the four groupings in one scan: GROUPING SETS, one set per key. No key is
    # ever NULL (a bucket, or a string read with NULL as ''), so a row's set is its non-NULL key.
    grouped = (select(*(column.label(key) for key, column in keys.items()),
                      *_percentiles(value), func.count().label("count"))
               .where(*measured).group_by(func.grouping_sets(*keys.values())))
    found: dict[str, list[dict[str, Any]]] = {key: [] for key in keys}
    for row in fetch(store, grouped):
        key = next(key for key in keys if row[key] is not None)
        found[key].append(row)
    summary_row = fetch_one(store, select(
        *(column for name in METRICS for column in _percentiles(getattr(E, name), f"{name}_")),
        func.count().label("count"),
    ).where(*clauses))
    answer: dict[str, Any] = {
        "chart": [{"t": label(row["t"], request.zone),
                   **{name: _number(row[name]) for name in PERCENTILES}}
                  for row in sorted(found["t"], key=lambda row: row["t"])],
        "summary": {
            **{name: {key: _number(summary_row.get(f"{name}_{key}")) for key in PERCENTILES}
               for name in METRICS},
            "count": int(summary_row.get("count") or 0),
        },
    }
    for key, _, limited in GROUPS:
        rows = sorted(found[key], key=lambda row: (-row["p75"], row[key]))
        answer[key] = [{"name": row[key], **{name: _number(row[name]) for name in PERCENTILES},
                        "count": int(row["count"])} for row in rows[:LIMIT if limited else None]]
    return answer
