"""What a share grants, worked out from the stored share each time it is used.

Two halves: which entities a share covers (its website, link or pixel; for a board, the
entities the board's owner may view today), and which API routes a share token may read at all.
The second is the single allow-list of share access: a share token reads exactly the data its
share page (`web/pages/analytics.py`, `/share/<slug>`) shows, and every other route treats a
share-only caller as anonymous. Umami lets a share token read every analytics route of the
entity (api-auth.md §4.1); this server does not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from umami_server.auth.context import Auth
from umami_server.auth.permissions import owner_can_view
from umami_server.storage.metadata_store import MetadataStore

WEBSITE, LINK, PIXEL, BOARD = 1, 2, 3, 4
SHARE_KINDS = {WEBSITE: "website", LINK: "link", PIXEL: "pixel", BOARD: "board"}

# The share page's views: the overview is always shown, the events view when the share's
# parameters turn it on (the dashboard's share links do: `{"overview": true, "events": true}`).
OVERVIEW, EVENTS = "overview", "events"

# The metric types of the overview's panels (web/pages/analytics.py PANELS); a share shows no
# other table, so `distinctId` (the visitors' identify ids) or `domain` stay private.
SHARED_METRIC_TYPES = frozenset({
    "path", "entry", "exit", "title", "query", "referrer", "channel", "hostname", "browser",
    "os", "device", "screen", "country", "region", "city", "language", "event", "tag",
    "utmSource", "utmMedium", "utmCampaign", "utmContent", "utmTerm",
})


def board_entity_ids(board: Mapping[str, Any]) -> dict[str, list[str]]:
    """Distinct website, pixel and link ids a board's parameters name (api-auth.md §4.2)."""
    found: dict[str, list[str]] = {"website": [], "pixel": [], "link": []}

    def add(kind: Any, entity_id: Any) -> None:
        if kind in found and isinstance(entity_id, str) and entity_id not in found[kind]:
            found[kind].append(entity_id)

    parameters = board.get("parameters")
    if not isinstance(parameters, dict):
        parameters = {}
    for kind in found:
        add(kind, parameters.get(f"{kind}Id"))
    rows = parameters.get("rows")
    for row in rows if isinstance(rows, list) else []:
        columns = row.get("columns") if isinstance(row, dict) else None
        for column in columns if isinstance(columns, list) else []:
            component = column.get("component") if isinstance(column, dict) else None
            if not isinstance(component, dict):
                continue
            if component.get("entityType") and component.get("entityId"):
                add(component["entityType"], component["entityId"])
            elif component.get("websiteId"):
                add("website", component["websiteId"])
    return found


def share_grants(store: MetadataStore, share: Mapping[str, Any]) -> dict[str, Any] | None:
    """The payload of a share token as of now, or None when its entity is gone.

    A board share grants only what the board's owner (its user, or its team) can view at this
    moment: an entity deleted, transferred away or never the owner's is left out.
    """
    entity_id, share_type = share["entity_id"], share["share_type"]
    data: dict[str, Any] = {
        "shareId": share["share_id"], "shareType": share_type, "parameters": share["parameters"],
    }
    if share_type == WEBSITE and store.get_website(entity_id):
        data["websiteId"] = entity_id
    elif share_type == PIXEL and store.get_pixel(entity_id):
        data.update(websiteId=entity_id, pixelId=entity_id)
    elif share_type == LINK and store.get_link(entity_id):
        data.update(websiteId=entity_id, linkId=entity_id)
    elif share_type == BOARD and (board := store.get_board(entity_id)):
        entities = {kind: [entity for entity in ids if owner_can_view(store, board, entity)]
                    for kind, ids in board_entity_ids(board).items()}
        data.update(boardId=entity_id, websiteIds=entities["website"],
                    pixelIds=entities["pixel"], linkIds=entities["link"])
    else:
        return None
    return data


def shared_views(parameters: Any) -> frozenset[str]:
    """The share page's views a share shows, from its `parameters`."""
    extra = {EVENTS} if isinstance(parameters, dict) and parameters.get(EVENTS) else set()
    return frozenset({OVERVIEW, *extra})


QueryCheck = Callable[[Mapping[str, str]], bool]


@dataclass(frozen=True, slots=True)
class ShareRoute:
    """A route a share token may read: the share-page view it serves, and optionally a check
    of its query string (for routes that can answer more than the page shows)."""

    view: str
    query: QueryCheck | None = None


def _shown_metric(query: Mapping[str, str]) -> bool:
    return query.get("type") in SHARED_METRIC_TYPES


_SITE = "/api/websites/{website_id}"

# (method, route) -> what of the share page it serves. Nothing else is open to a share token.
SHARE_ROUTES: dict[tuple[str, str], ShareRoute] = {
    # The caller's own token echoed back: no data beyond what the token already holds.
    ("GET", "/api/me"): ShareRoute(OVERVIEW),
    # The page's header (name, domain; see websites.get_website) and a board's layout.
    ("GET", _SITE): ShareRoute(OVERVIEW),
    ("GET", "/api/boards/{board_id}"): ShareRoute(OVERVIEW),
    # The overview: cards (with the previous period), chart, panels and their tables, and the
    # first day of data for the "all time" range.
    ("GET", f"{_SITE}/stats"): ShareRoute(OVERVIEW),
    ("GET", f"{_SITE}/pageviews"): ShareRoute(OVERVIEW),
    ("GET", f"{_SITE}/metrics"): ShareRoute(OVERVIEW, _shown_metric),
    ("GET", f"{_SITE}/daterange"): ShareRoute(OVERVIEW),
    # The events view: chart, event log, and each event's custom data.
    ("GET", f"{_SITE}/events"): ShareRoute(EVENTS),
    ("GET", f"{_SITE}/events/series"): ShareRoute(EVENTS),
    ("GET", f"{_SITE}/event-data/properties"): ShareRoute(EVENTS),
    ("GET", f"{_SITE}/event-data/events"): ShareRoute(EVENTS),
}


def share_may_read(share: Mapping[str, Any] | None, route: ShareRoute | None,
                   query: Mapping[str, str]) -> bool:
    if share is None or route is None:
        return False
    if route.view not in shared_views(share.get("parameters")):
        return False
    return route.query is None or route.query(query)


def scoped(auth: Auth, route: ShareRoute | None, query: Mapping[str, str]) -> Auth:
    """The caller as this route sees them: a share the route does not serve is dropped, so it
    neither lets a share-only caller in nor widens a logged-in user's rights."""
    if auth.share is None or share_may_read(auth.share, route, query):
        return auth
    return Auth(auth.token, auth.user, None)
