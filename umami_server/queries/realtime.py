"""Live views: `/api/realtime/:id` (last 30 minutes) and `/active` (last 5 minutes)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from umami_server.queries.dimensions import E
from umami_server.queries.measures import visitor_count
from umami_server.queries.pageviews import series
from umami_server.queries.render import arrival_order, fetch, fetch_one, json_row
from umami_server.queries.request import AnalyticsRequest, Window
from umami_server.queries.rows import Rows, conditions
from umami_server.storage.interface import EventStore

REALTIME_MINUTES = 30
ACTIVE_MINUTES = 5
LATEST_EVENTS = 100


def realtime_window(now: datetime) -> Window:
    minute = now.replace(second=0, microsecond=0)
    return Window(minute - timedelta(minutes=REALTIME_MINUTES), now)


def realtime(store: EventStore, request: AnalyticsRequest, now: datetime) -> dict[str, Any]:
    """`request` carries the realtime window, unit `minute` and the optional zone."""
    query = (
        select(
            E.session_id.label("sessionId"), E.event_name.label("eventName"),
            E.created_at.label("createdAt"), E.browser.label("browser"), E.os.label("os"),
            E.device.label("device"), E.country.label("country"), E.url_path.label("urlPath"),
            E.referrer_domain.label("referrerDomain"), E.hostname.label("hostname"),
        )
        .where(*conditions(request, kind=Rows.ALL))
        .order_by(E.created_at.desc(), arrival_order().desc())
        .limit(LATEST_EVENTS)
    )
    latest = [json_row(row) for row in fetch(store, query)]
    countries: dict[str, int] = {}
    urls: dict[str, int] = {}
    referrers: dict[str, int] = {}
    events: list[dict[str, Any]] = []
    seen: set[str] = set()
    for event in reversed(latest):
        if event["sessionId"] not in seen:
            seen.add(event["sessionId"])
            if event["country"]:
                countries[event["country"]] = countries.get(event["country"], 0) + 1
            events.append({"__type": "session", **event})
        if event["urlPath"]:
            urls[event["urlPath"]] = urls.get(event["urlPath"], 0) + 1
        if event["referrerDomain"]:
            referrers[event["referrerDomain"]] = referrers.get(event["referrerDomain"], 0) + 1
        events.append({"__type": "event" if event["eventName"] else "pageview", **event})
    events.reverse()
    # Newest first: each session marker follows the first event of its session.
    chart = series(store, request, request.window)
    views, visitors = chart["pageviews"], chart["sessions"]
    return {
        # In first-seen order, as Umami builds them.
        "countries": countries,
        "urls": urls,
        "referrers": referrers,
        "events": events,
        "series": {"views": views, "visitors": visitors},
        "totals": {
            "views": sum(point["y"] for point in views),
            "visitors": sum(point["y"] for point in visitors),
            "events": sum(1 for event in latest if event["eventName"]),
            "countries": len(countries),
        },
        "timestamp": int(now.timestamp() * 1000),
    }


def active_visitors(store: EventStore, website_id: str, now: datetime) -> dict[str, int]:
    query = select(visitor_count(E.session_id).label("visitors")).where(
        E.website_id == website_id, E.created_at >= now - timedelta(minutes=ACTIVE_MINUTES))
    return {"visitors": int(fetch_one(store, query)["visitors"] or 0)}
