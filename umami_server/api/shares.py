"""Share records (`/api/share*`) and the public share resolution that hands out share tokens.

Unlike Umami, a share token stops working when its share is deleted (see auth/tokens.py).
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from umami_server.api import shapes
from umami_server.api.services import ApiServices, page_request, require
from umami_server.api.transport import OK, ApiCall, ApiRouter, bad_request, not_found
from umami_server.api.validation import PageQuery, Schema, json_object, number, text, uuid_text
from umami_server.auth import permissions as can
from umami_server.storage.metadata_store import DuplicateName

router = ApiRouter()

_SLUG_ALPHABET = string.ascii_letters + string.digits
WEBSITE, LINK, PIXEL, BOARD = 1, 2, 3, 4
SLUG_TAKEN = "That share slug is already taken."


def random_share_slug() -> str:
    return "".join(secrets.choice(_SLUG_ALPHABET) for _ in range(16))


class ShareCreate(Schema):
    """Body of POST /api/{websites,links,pixels,boards}/:id/shares."""

    name: text(200)
    parameters: json_object() = None


def shares_of(services: ApiServices, entity_id: str, query: PageQuery) -> Any:
    request = page_request(query)
    page = services.store.shares_page(entity_id, request)
    return shapes.paged(page, request, [shapes.share(row) for row in page.rows])


def create_entity_share(services: ApiServices, entity_id: str, share_type: int, name: str,
                        parameters: dict[str, Any] | None) -> Any:
    row = services.store.create_share(entity_id, share_type, name, random_share_slug(),
                                      parameters or {})
    return shapes.share(row)


class GenericShareCreate(Schema):
    entityId: uuid_text()  # noqa: N815 - wire name
    shareType: number(integer=True, coerce=True)  # noqa: N815 - wire name
    name: text(200)
    slug: text(100, min_length=1) = None
    parameters: json_object()


class ShareUpdate(Schema):
    name: text(200)
    slug: text(100, min_length=1)
    parameters: json_object()


@router.post("/api/share", body=GenericShareCreate)
def create_share(call: ApiCall) -> Any:
    body = call.body
    store = call.services.store
    require(can.can_update_entity(call.auth, store, body.entityId))
    try:
        row = store.create_share(body.entityId, int(body.shareType), body.name,
                                 body.slug or random_share_slug(), body.parameters)
    except DuplicateName:
        raise bad_request(SLUG_TAKEN) from None
    return shapes.share(row)


def _share_of(call: ApiCall) -> dict[str, Any]:
    share = call.services.store.get_share(call.params["share_id"])
    if share is None:
        raise not_found()
    return share


@router.get("/api/share/id/{share_id}")
def get_share(call: ApiCall) -> Any:
    share = _share_of(call)
    require(can.can_view_entity(call.auth, call.services.store, share["entity_id"]))
    return shapes.share(share)


@router.post("/api/share/id/{share_id}", body=ShareUpdate)
def update_share(call: ApiCall) -> Any:
    share = _share_of(call)
    store = call.services.store
    require(can.can_update_entity(call.auth, store, share["entity_id"]))
    body = call.body
    try:
        row = store.update_share(share["share_id"], {
            "name": body.name, "slug": body.slug, "parameters": body.parameters,
        })
    except DuplicateName:
        raise bad_request(SLUG_TAKEN) from None
    return shapes.share(row or {})


@router.delete("/api/share/id/{share_id}")
def delete_share(call: ApiCall) -> Any:
    share = _share_of(call)
    store = call.services.store
    require(can.can_delete_entity(call.auth, store, share["entity_id"]))
    store.delete_share(share["share_id"])
    return OK


def _board_entities(board: dict[str, Any]) -> dict[str, list[str]]:
    """Distinct website, pixel and link ids a board refers to."""
    found: dict[str, list[str]] = {"website": [], "pixel": [], "link": []}

    def add(kind: Any, entity_id: Any) -> None:
        if kind in found and isinstance(entity_id, str) and entity_id not in found[kind]:
            found[kind].append(entity_id)

    parameters = board.get("parameters") if isinstance(board.get("parameters"), dict) else {}
    for kind in found:
        add(kind, parameters.get(f"{kind}Id"))
    if board["type"] in found:
        add(board["type"], parameters.get(f"{board['type']}Id"))
    for row in parameters.get("rows") or []:
        for column in (row.get("columns") or []) if isinstance(row, dict) else []:
            component = column.get("component") if isinstance(column, dict) else None
            if not isinstance(component, dict):
                continue
            if component.get("entityType") and component.get("entityId"):
                add(component["entityType"], component["entityId"])
            elif component.get("websiteId"):
                add("website", component["websiteId"])
    return found


@router.get("/api/share/{slug}", auth="none")
def resolve_share(call: ApiCall) -> Any:
    store = call.services.store
    share = store.find_share(call.params["slug"])
    if share is None:
        raise not_found()
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
        entities = _board_entities(board)
        data.update(boardId=entity_id, websiteIds=entities["website"],
                    pixelIds=entities["pixel"], linkIds=entities["link"])
    else:
        raise not_found()
    data["token"] = call.services.tokens.issue_share_token(data)
    return data
