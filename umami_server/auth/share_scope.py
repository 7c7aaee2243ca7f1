"""What a share grants, worked out from the stored share each time it is used: its website,
link or pixel, or for a board the entities the board's owner may view today.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from umami_server.auth.permissions import owner_can_view
from umami_server.storage.metadata_store import MetadataStore

WEBSITE, LINK, PIXEL, BOARD = 1, 2, 3, 4
SHARE_KINDS = {WEBSITE: "website", LINK: "link", PIXEL: "pixel", BOARD: "board"}


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
