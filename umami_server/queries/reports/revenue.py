"""Revenue report (api-analytics.md §4.6): revenue in one currency over time, per event, place,
referrer and channel, with totals for the window and its comparison window.

Revenue rows are those of the currency in the window; with filters (or a cohort), only those
whose custom event passes them. A session's referrer and channel are those of its first event
in the window.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, and_, cast, func, select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import E, channel_expression, text
from umami_server.queries.linked import first_in_window
from umami_server.queries.measures import visitor_count
from umami_server.queries.planner import session_links_answer
from umami_server.queries.render import arrival_order, fetch, fetch_one, first_by
from umami_server.queries.request import AnalyticsRequest, Window, comparison_window
from umami_server.queries.rows import Rows, conditions, in_window
from umami_server.queries.tables import revenue as revenue_table
from umami_server.queries.timebuckets import bucket, label
from umami_server.storage.interface import EventStore

R = revenue_table.c
UNKNOWN_CHANNEL = "Unknown"


def _amount() -> ColumnElement[Any]:
    """Amounts are summed as decimals (4 places, as Umami stores them), not binary floats."""
    return func.sum(cast(R.revenue, Numeric(19, 4)))


def _number(value: Any) -> float:
    return float(value) if isinstance(value, Decimal | int | float) else 0.0


def _paid(request: AnalyticsRequest, currency: str, window: Window) -> tuple[Any, list[Any]]:
    """FROM and WHERE of the counted revenue rows, joined to their event (for place and filters)."""
    clauses = [R.website_id == request.website_id,
               R.created_at.between(window.start, window.end),
               func.upper(R.currency) == currency]
    if request.filters or request.exclude_bounce or request.cohort is not None:
        source = revenue_table.join(E.event_id.table, E.event_id == R.event_id)
        clauses += conditions(request, kind=Rows.CUSTOM, window=window)
    else:
        source = revenue_table.outerjoin(
            E.event_id.table, (E.event_id == R.event_id) & (E.website_id == request.website_id))
    return source, clauses


def _total(store: EventStore, request: AnalyticsRequest, currency: str,
           window: Window) -> dict[str, float | int]:
    source, clauses = _paid(request, currency, window)
    paid = fetch_one(store, select(
        _amount().label("sum"), func.count(func.distinct(R.event_id)).label("count"),
        visitor_count(R.session_id).label("unique_count"),
    ).select_from(source).where(*clauses))
    visitors = (first_in_window(E.prev_any_in_session_at, window.start)
                if session_links_answer(store)
                else visitor_count(E.session_id))
    sessions = fetch_one(store, select(visitors.label("n"))
                         .where(*in_window(request.website_id, window)))
    total, count = _number(paid.get("sum")), int(paid.get("count") or 0)
    total_sessions = int(sessions.get("n") or 0)
    return {"sum": total, "count": count, "unique_count": int(paid.get("unique_count") or 0),
            "total_sessions": total_sessions, "average": total / count if count else 0,
            "arpu": total / total_sessions if total_sessions else 0}


def _by_session_start(store: EventStore, request: AnalyticsRequest, currency: str,
                      source: Any, clauses: list[Any]) -> tuple[list[Any], list[Any]]:
    """Revenue per referrer and per channel of each paying session's first event.

    The first row of each paying session is found by its storage position alone, then read
    once: the channel rules run on one row per session, not on every row of the window, and
    one GROUPING SETS query answers both lists.
    """
    per_session = (select(R.session_id.label("session_id"), _amount().label("amount"))
                   .select_from(source).where(*clauses).group_by(R.session_id).cte("paid"))
    window = in_window(request.website_id, request.window)
    paying = E.session_id.in_(select(per_session.c.session_id))
    first_event = [E.session_id.label("session_id"), text(E.referrer_domain).label("referrer"),
                   channel_expression(UNKNOWN_CHANNEL).label("channel")]
    if session_links_answer(store):
        # A session's first row in the window: its predecessor lies before the window.
        start = (select(*first_event)
                 .where(*window, paying, E.prev_any_in_session_at < request.window.start)
                 .cte("first_event"))
    else:
        first = (
            select(E.session_id.label("session_id"),
                   first_by(arrival_order(), E.created_at).label("position"))
            .where(*window, paying)
            .group_by(E.session_id)
            .cte("first_row")
        )
        start = (
            select(*first_event)
            .join_from(E.event_id.table, first, and_(arrival_order() == first.c.position,
                                                     E.session_id == first.c.session_id))
            .where(*window)
            .cte("first_event")
        )
    referrer, channel = start.c.referrer, start.c.channel
    amount = func.sum(per_session.c.amount)
    query = (select(referrer, channel, amount.label("value"))
             .join_from(per_session, start, start.c.session_id == per_session.c.session_id)
             .group_by(func.grouping_sets(referrer, channel)))
    found: dict[str, list[tuple[Any, Any]]] = {"referrer": [], "channel": []}
    for row in fetch(store, query):
        key = "referrer" if row["referrer"] is not None else "channel"
        found[key].append((row[key], row["value"]))
    answers = []
    for values in found.values():
        values.sort(key=lambda item: (-item[1], item[0]))
        answers.append([{"name": name, "value": _number(value)} for name, value in values])
    return answers[0], answers[1]


def revenue(store: EventStore, request: AnalyticsRequest, currency: str,
            compare: str = "prev") -> dict[str, Any]:
    source, clauses = _paid(request, currency, request.window)
    start = bucket(R.created_at, request.unit, request.zone).label("t")
    chart = (select(R.event_name.label("x"), start, _amount().label("y"),
                    func.count().label("count"))
             .select_from(source).where(*clauses)
             .group_by(R.event_name, start).order_by(start, R.event_name))
    country = text(E.country).label("name")
    by_country = (select(country, _amount().label("value")).select_from(source).where(*clauses)
                  .group_by(country).order_by(_amount().desc(), country))
    region = text(E.region).label("name")
    region_country = text(E.country).label("country")
    by_region = (select(region_country, region, _amount().label("value"))
                 .select_from(source).where(*clauses)
                 .group_by(region_country, region).order_by(_amount().desc(), region))
    referrers, channels = _by_session_start(store, request, currency, source, clauses)
    total = _total(store, request, currency, request.window)
    total["comparison"] = _total(store, request, currency,  # type: ignore[assignment]
                                 comparison_window(request.window, compare,
                                                   ("parameters", "compare")))
    return {
        "chart": [{"x": row["x"], "t": label(row["t"], request.zone), "y": _number(row["y"]),
                   "count": int(row["count"])} for row in fetch(store, chart)],
        "total": total,
        "country": [{"name": row["name"], "value": _number(row["value"])}
                    for row in fetch(store, by_country)],
        "region": [{"country": row["country"], "name": row["name"],
                    "value": _number(row["value"])} for row in fetch(store, by_region)],
        "referrer": referrers,
        "channel": channels,
    }
