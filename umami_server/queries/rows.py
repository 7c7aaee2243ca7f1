"""Which `website_event` rows a query counts: website, window, event types, filters, bounces.

`Q` in api-analytics.md §1.9 is `rows(request)`: traffic rows (event types other than custom
events and web vitals) of the website in the window with every filter applied.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import E
from umami_server.queries.filters import filter_clauses
from umami_server.queries.request import AnalyticsRequest, Window
from umami_server.storage.records import (
    EVENT_TYPE_CUSTOM,
    EVENT_TYPE_PAGEVIEW,
    EVENT_TYPE_PERFORMANCE,
)


class Rows(Enum):
    TRAFFIC = "traffic"  # pageviews, link clicks and pixel hits
    CUSTOM = "custom"  # custom events only
    PAGEVIEWS = "pageviews"  # event type 1 only
    ALL = "all"  # every event type


def event_type_clause(kind: Rows) -> ColumnElement[bool] | None:
    if kind is Rows.TRAFFIC:
        return E.event_type.not_in((EVENT_TYPE_CUSTOM, EVENT_TYPE_PERFORMANCE))
    if kind is Rows.CUSTOM:
        return E.event_type == EVENT_TYPE_CUSTOM
    if kind is Rows.PAGEVIEWS:
        return E.event_type == EVENT_TYPE_PAGEVIEW
    return None


def in_window(website_id: str, window: Window) -> list[ColumnElement[bool]]:
    return [E.website_id == website_id, E.created_at.between(window.start, window.end)]


def conditions(
    request: AnalyticsRequest,
    kind: Rows = Rows.TRAFFIC,
    window: Window | None = None,
    filters: bool = True,
    exclude_bounce: bool = True,
) -> list[ColumnElement[bool]]:
    """The WHERE clauses selecting the counted rows."""
    window = window or request.window
    clauses = in_window(request.website_id, window)
    typed = event_type_clause(kind)
    if typed is not None:
        clauses.append(typed)
    if filters:
        clauses.extend(filter_clauses(request.filters, request.match_any))
    if filters and request.cohort is not None:
        clauses.append(E.session_id.in_(request.cohort.sessions(request.website_id)))
    if exclude_bounce and request.exclude_bounce:
        clauses.append(E.visit_id.in_(_engaged_visits(request.website_id, window)))
    return clauses


def _engaged_visits(website_id: str, window: Window) -> Any:
    """Visits with more than one pageview in the window (`excludeBounce`, §1.8)."""
    return (
        select(E.visit_id)
        .where(*in_window(website_id, window), E.event_type == EVENT_TYPE_PAGEVIEW)
        .group_by(E.visit_id)
        .having(func.count() > 1)
    )


def where(request: AnalyticsRequest, **options: Any) -> ColumnElement[bool]:
    return and_(*conditions(request, **options))

