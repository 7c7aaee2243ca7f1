"""Attribution report (api-analytics.md §4.7): where converting visitors came from, credited
to their first touch (the session's first row in the window) or their last touch (its last row
before its last conversion)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import DIMENSIONS, E, const, not_self_referral, text
from umami_server.queries.measures import visit_count, visitor_count
from umami_server.queries.render import arrival_order, fetch_one, first_by, last_by
from umami_server.queries.reports.base import top_values
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import Rows, conditions, in_window
from umami_server.storage.interface import EventStore

MODELS = ("first-click", "last-click")
LIMIT = 20
# Click-id column -> ad network, first non-empty wins.
CLICK_IDS = (
    (E.gclid, "Google Ads"), (E.fbclid, "Facebook / Meta"), (E.msclkid, "Microsoft Ads"),
    (E.ttclid, "TikTok Ads"), (E.li_fat_id, "LinkedIn Ads"), (E.twclid, "Twitter Ads (X)"),
)
UTM_KEYS = {"utm_source": "utmSource", "utm_medium": "utmMedium",
            "utm_campaign": "utmCampaign", "utm_content": "utmContent", "utm_term": "utmTerm"}


def paid_ads() -> ColumnElement[str]:
    return case(*((text(column) != const(""), const(name)) for column, name in CLICK_IDS),
                else_=const(""))


def _touch_columns() -> dict[str, ColumnElement[Any]]:
    referrer = case((not_self_referral(), text(E.referrer_domain)), else_=const(""))
    return {"referrer": referrer, "paidAds": paid_ads(),
            **{key: DIMENSIONS[name].column for key, name in UTM_KEYS.items()}}


def attribution(store: EventStore, request: AnalyticsRequest, model: str, step_type: str,
                step: str) -> dict[str, Any]:
    if step_type == "path":
        kind, column = Rows.PAGEVIEWS, DIMENSIONS["path"].column
    else:
        kind, column = Rows.CUSTOM, DIMENSIONS["event"].column
    converted = [*conditions(request, kind=kind), column == step]
    total = fetch_one(store, select(
        func.count().label("pageviews"), visitor_count(E.session_id).label("visitors"),
        visit_count(E.visit_id).label("visits")).where(*converted))
    conversions = (select(E.session_id.label("session_id"),
                          func.max(E.created_at).label("max_dt"))
                   .where(*converted).group_by(E.session_id).cte("conversion"))
    pick = first_by if model == "first-click" else last_by
    rows = in_window(request.website_id, request.window)
    if model == "last-click":
        rows.append(E.created_at < conversions.c.max_dt)
    # The touch row of each converting session, by storage position (one aggregate of one
    # column), then read once: the seven touch columns come from one row per session instead
    # of seven first/last-by aggregates over every row of those sessions.
    position = (
        select(E.session_id.label("session_id"),
               pick(arrival_order(), E.created_at).label("position"))
        .join_from(E.event_id.table, conversions,
                   and_(conversions.c.session_id == E.session_id))
        .where(*rows)
        .group_by(E.session_id)
        .cte("touch_row")
    )
    touch = (
        select(E.session_id.label("session_id"),
               *(expression.label(key) for key, expression in _touch_columns().items()))
        .join_from(E.event_id.table, position, and_(arrival_order() == position.c.position,
                                                    E.session_id == position.c.session_id))
        .where(*in_window(request.website_id, request.window))
        .cte("touch")
    )
    found = top_values(store, select(), {key: touch.c[key] for key in _touch_columns()})
    answer: dict[str, Any] = {
        key: [{"name": name, "value": value} for name, value in values[:LIMIT]]
        for key, values in found.items()
    }
    answer["total"] = {key: int(total.get(key) or 0) for key in ("pageviews", "visitors",
                                                                 "visits")}
    return answer
