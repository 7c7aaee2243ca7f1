"""Every dimension the API names, defined once: query names -> column expressions.

Filters (`browser=chrome`), metric types (`/metrics?type=browser`) and `/values?type=browser`
all look a name up here. Strings are compared with NULL folded to '' (Umami on ClickHouse stores
missing strings as ''), so `neq` and "non-empty" treat a missing value the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, and_, case, func, literal_column, or_
from sqlalchemy.sql import ColumnElement

from umami_server.queries.tables import website_event

E = website_event.c


def const(value: str | int) -> ColumnElement[Any]:
    """A constant of a definition, written into the SQL (so GROUP BY can repeat expressions)."""
    if isinstance(value, int):
        return literal_column(str(int(value)), Integer())
    return literal_column("'" + value.replace("'", "''") + "'", String())


def text(column: Any) -> ColumnElement[str]:
    """A string column with NULL read as ''."""
    return func.coalesce(column, const(""))


# The relation a dimension's column belongs to. Queries read every column from the logical
# `website_event` relation; each store supplies it (storage/): the embedded store keeps session
# attributes on every event row, Umami's PostgreSQL schema joins them from `session`.
EVENT = "event"
SESSION = "session"


@dataclass(frozen=True, slots=True)
class Dimension:
    name: str  # the API name (filter key, metric type)
    column: ColumnElement[Any]  # what filters compare against
    value: ColumnElement[Any]  # what metrics group by and answer as `x`
    relation: str = EVENT  # EVENT or SESSION (a visitor attribute, one value per session)
    # Extra attributes answered alongside `x`, e.g. the country of a region or city.
    extra: tuple[tuple[str, ColumnElement[Any]], ...] = ()

    @property
    def session(self) -> bool:
        return self.relation == SESSION


def _dimension(name: str, column: Any, relation: str = EVENT, **options: Any) -> Dimension:
    expression = text(column)
    return Dimension(name, expression, options.pop("value", expression), relation, **options)


_COUNTRY = (("country", text(E.country)),)

DIMENSIONS: dict[str, Dimension] = {
    dimension.name: dimension
    for dimension in (
        _dimension("path", E.url_path),
        _dimension("entry", E.url_path),
        _dimension("exit", E.url_path),
        _dimension("referrer", E.referrer_domain),
        _dimension("domain", E.referrer_domain),
        _dimension("title", E.page_title),
        _dimension("query", E.url_query),
        _dimension("hostname", E.hostname),
        _dimension("event", E.event_name),
        _dimension("tag", E.tag),
        _dimension("utmSource", E.utm_source),
        _dimension("utmMedium", E.utm_medium),
        _dimension("utmCampaign", E.utm_campaign),
        _dimension("utmContent", E.utm_content),
        _dimension("utmTerm", E.utm_term),
        _dimension("browser", E.browser, SESSION),
        _dimension("os", E.os, SESSION),
        _dimension("device", E.device, SESSION),
        _dimension("screen", E.screen, SESSION),
        _dimension("country", E.country, SESSION),
        _dimension("region", E.region, SESSION, extra=_COUNTRY),
        _dimension("city", E.city, SESSION, extra=_COUNTRY),
        _dimension("language", E.language, SESSION,
                   value=func.lower(func.left(text(E.language), const(2)))),
        _dimension("distinctId", E.distinct_id, SESSION),
    )
}


# --- channels (§1.10) -----------------------------------------------------------------------------

PAID_AD_PARAMS = (
    "ad_id=", "aid=", "dclid=", "epik=", "fbclid=", "gclid=", "li_fat_id=", "msclkid=",
    "ob_click_id=", "pc_id=", "rdt_cid=", "scid=", "ttclid=", "twclid=", "utm_medium=cpc",
    "utm_medium=paid", "utm_medium=paid_social", "utm_source=google",
)
SEARCH_DOMAINS = (
    "baidu.com", "bing.com", "chatgpt.com", "duckduckgo.com", "ecosia.org", "google.",
    "msn.com", "perplexity.ai", "search.brave.com", "yandex.",
)
SOCIAL_DOMAINS = (
    "bsky.app", "facebook.com", "fb.com", "ig.com", "instagram.com", "linkedin.",
    "news.ycombinator.com", "pinterest.", "reddit.", "snapchat.", "t.co", "threads.net",
    "tiktok.", "twitter.com", "x.com",
)
EMAIL_DOMAINS = ("gmail.", "hotmail.", "mail.yahoo.", "outlook.", "proton.me", "protonmail.")
SHOPPING_DOMAINS = (
    "alibaba.com", "aliexpress.com", "amazon.", "bestbuy.com", "ebay.com", "etsy.com",
    "newegg.com", "target.com", "walmart.com",
)
VIDEO_DOMAINS = ("twitch.", "youtube.")
PAID_MEDIUMS = ("cp", "ppc", "retargeting", "paid")


def contains_any(column: ColumnElement[str], needles: tuple[str, ...]) -> ColumnElement[bool]:
    """Case-insensitive literal substring match against any of the needles."""
    lowered = func.lower(column)
    return or_(*(func.strpos(lowered, const(needle.lower())) > const(0) for needle in needles))


# The columns a channel depends on.
CHANNEL_INPUTS = ("referrer_domain", "url_query", "utm_medium", "utm_source", "hostname")


def channel_expression(unknown: str = "", inputs: Any = None) -> ColumnElement[str]:
    """The channel of one event row; the first matching rule wins (ClickHouse semantics).

    `inputs` may give the CHANNEL_INPUTS columns (NULL read as '') from another relation, e.g.
    the few distinct combinations of a window, so the rules run once per combination.
    """
    columns = inputs if inputs is not None else {name: text(E[name]) for name in CHANNEL_INPUTS}
    referrer, query = columns["referrer_domain"], columns["url_query"]
    medium, source = columns["utm_medium"], columns["utm_source"]
    paid = contains_any(medium, PAID_MEDIUMS)

    def prefixed(kind: str) -> ColumnElement[str]:
        return case((paid, const(f"paid{kind}")), else_=const(f"organic{kind}"))

    return case(
        (and_(referrer == const(""), query == const("")), const("direct")),
        (contains_any(query, PAID_AD_PARAMS), const("paidAds")),
        (contains_any(medium, ("referral", "app", "link")), const("referral")),
        (contains_any(medium, ("affiliate",)), const("affiliate")),
        (or_(contains_any(medium, ("sms",)), contains_any(source, ("sms",))), const("sms")),
        (or_(contains_any(referrer, SEARCH_DOMAINS), contains_any(medium, ("organic",))),
         prefixed("Search")),
        (contains_any(referrer, SOCIAL_DOMAINS), prefixed("Social")),
        (or_(contains_any(referrer, EMAIL_DOMAINS), contains_any(medium, ("mail",))),
         const("email")),
        (or_(contains_any(referrer, SHOPPING_DOMAINS), contains_any(medium, ("shop",))),
         prefixed("Shopping")),
        (or_(contains_any(referrer, VIDEO_DOMAINS), contains_any(medium, ("video",))),
         prefixed("Video")),
        (and_(referrer != columns["hostname"], referrer != const("")), const("referral")),
        else_=const(unknown),
    )


def not_self_referral() -> ColumnElement[bool]:
    """The referrer is another site (ClickHouse: compared with the row's exact hostname)."""
    return text(E.referrer_domain) != text(E.hostname)
