"""Helpers several page modules share: the tracking snippet and hit counts of pixels/links."""

from __future__ import annotations

from datetime import UTC, datetime

from umami_server.queries import stats
from umami_server.queries.request import parse_request
from umami_server.web.dashboard import WebRequest
from umami_server.web.tracker.serve import DEFAULT_PATH


def public_origin(web: WebRequest) -> str:
    """Scheme, host and BASE_PATH of this server as the browser reached it."""
    root = web.request.scope.get("root_path") or ""
    scheme = "https" if web.secure else web.request.url.scheme
    return f"{scheme}://{web.request.url.netloc}{root}"


def tracker_snippet(web: WebRequest, website_id: str) -> str:
    names = web.dashboard.context.settings.tracker_script_names
    path = names[0] if names else DEFAULT_PATH
    return (f'<script defer src="{public_origin(web)}{path}" '
            f'data-website-id="{website_id}"></script>')


def entity_hits(web: WebRequest, entity_ids: list[str]) -> dict[str, int]:
    """All-time hits of each pixel or link, counted by the query layer's `stats`."""
    store = web.dashboard.context.store.events
    end = str(int(datetime.now(UTC).timestamp() * 1000))
    hits: dict[str, int] = {}
    for entity_id in entity_ids:
        request = parse_request(entity_id, {"startAt": "0", "endAt": end})
        hits[entity_id] = stats.measures(store, request, request.window)["pageviews"]
    return hits
