"""The one place that decides, per request, how each measure is computed on this store.

A store declares what its event rows keep (`StoreCapabilities`). Where it keeps predecessor
links, and the request's filters keep each counted chain whole (see queries/linked.py), the
measures are plain counts over the links; otherwise they take the grouped definitions of
queries/measures.py, which read only the base event columns. Query modules ask the functions
here, named after the measure they compute, instead of testing a store attribute themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.linked import (
    PATHS_IN_VISITS,
    SESSION_FILTERS,
    VALUE_LINKS,
    VISITS,
    Chains,
    one_exact_value,
)
from umami_server.queries.render import fetch_one
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.tables import varying_session
from umami_server.storage.interface import EventStore, StoreCapabilities

_NOTHING_KEPT = StoreCapabilities()


def capabilities_of(store: EventStore) -> StoreCapabilities:
    return getattr(store, "capabilities", _NOTHING_KEPT)


def links_answer(store: EventStore, request: AnalyticsRequest, also_allowed: Iterable[str] = (),
                 grouped_by_visitor_attribute: bool = False) -> bool:
    """Whether the predecessor links count this request exactly: the store keeps them and the
    filters keep whole sessions (plus whole chains of the `also_allowed` values)."""
    return capabilities_of(store).predecessor_links and filters_keep_whole_sessions(
        store, request, also_allowed, grouped_by_visitor_attribute)


def filters_keep_whole_sessions(store: EventStore, request: AnalyticsRequest,
                                also_allowed: Iterable[str] = (),
                                grouped_by_visitor_attribute: bool = False) -> bool:
    """Whether every session the filters keep is kept with all its rows (plus whole chains of
    the `also_allowed` values): only visitor attributes are filtered, and no session's hits
    disagree on one (on Umami's PostgreSQL schema they cannot: attributes live on `session`)."""
    if request.exclude_bounce:
        return False
    allowed = SESSION_FILTERS | frozenset(also_allowed)
    if any(item.name not in allowed for item in request.filters):
        return False
    by_attribute = grouped_by_visitor_attribute or any(
        item.name in SESSION_FILTERS for item in request.filters)
    return not (by_attribute and _sessions_may_disagree(store, request.website_id))


def _sessions_may_disagree(store: EventStore, website_id: str) -> bool:
    """Whether some session's rows may disagree on a visitor attribute."""
    capabilities = capabilities_of(store)
    if capabilities.fixed_session_attributes:
        return False
    if not capabilities.predecessor_links:
        return True  # nobody keeps the list of such sessions: assume they may
    found = fetch_one(store, select(varying_session.c.session_id.label("id"))
                      .where(varying_session.c.website_id == website_id).limit(1))
    return bool(found)


def core_chains(store: EventStore, request: AnalyticsRequest,
                grouped_by_visitor_attribute: bool = False) -> Chains | None:
    """Visitors, visits, bounces, total time (and visitors per time bucket): the chains whose
    first rows in the window count them; None: the grouped definitions.

    Sessions and visits; or, when the rows are those of one path (an exact path filter, ANDed
    with filters that keep whole sessions) and the store keeps per-visit links, that path's
    (session, path) and (visit, path) chains, whose rows are then exactly the visit's rows."""
    if links_answer(store, request, grouped_by_visitor_attribute=grouped_by_visitor_attribute):
        return VISITS
    if (capabilities_of(store).visit_links and one_exact_value(request, "path") is not None
            and links_answer(store, request, also_allowed=("path",),
                             grouped_by_visitor_attribute=grouped_by_visitor_attribute)):
        return PATHS_IN_VISITS
    return None


def visitors_per_value_chain(store: EventStore, request: AnalyticsRequest,
                             name: str) -> ColumnElement[Any] | None:
    """Visitors per value of a metric: the link whose chain is fixed along the value (a
    visitor attribute's session, a path's (session, path)...); None: count distinct sessions."""
    if name in SESSION_FILTERS:
        chains = core_chains(store, request, grouped_by_visitor_attribute=True)
        return chains.visitor if chains is not None else None
    if name in VALUE_LINKS and links_answer(store, request, also_allowed=(name,)):
        return VALUE_LINKS[name]
    return None


def expanded_chains(store: EventStore, request: AnalyticsRequest, name: str) -> Chains | None:
    """The chains whose first rows count an expanded metric's measures per value: a visitor
    attribute's are its sessions' and visits'; a path's are the (session, path) and (visit,
    path) chains, which any filter on the path keeps or drops whole. None: grouped."""
    if name in SESSION_FILTERS:
        return core_chains(store, request, grouped_by_visitor_attribute=True)
    if (name == "path" and capabilities_of(store).visit_links
            and links_answer(store, request, also_allowed=("path",))):
        return PATHS_IN_VISITS
    return None


def entry_rows_linked(store: EventStore, request: AnalyticsRequest) -> bool:
    """Entry pages: each visit's entry row is found from its visit link (no grouping)."""
    return links_answer(store, request)


def exit_rows_grouped_once(store: EventStore, request: AnalyticsRequest) -> bool:
    """Exit pages: one grouping by visit is exact when filters keep whole sessions (a visit's
    last kept row is then its last row), on any store; otherwise the exit path is joined back
    to the rows."""
    return filters_keep_whole_sessions(store, request)


def rows_know_visit_position(store: EventStore) -> bool:
    """Whether rows carry their position in the visit, a cheaper key for first/last rows."""
    return capabilities_of(store).visit_links


def session_links_answer(store: EventStore) -> bool:
    """Visitors over every event of the window (revenue): from the session link alone, which
    no filter splits there."""
    return capabilities_of(store).predecessor_links


def journey_steps_kept(store: EventStore, request: AnalyticsRequest,
                       event_type: int | None) -> bool:
    """Journeys: whether the stored step keys (of all rows, or of one event type's rows when
    `event_type` is given) answer this request; False: only grouping is exact."""
    kept = capabilities_of(store)
    if event_type is None:
        return kept.visit_links and links_answer(store, request)
    return kept.type_steps and links_answer(store, request, also_allowed=("eventType",))
