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
from umami_server.auth.share_scope import SHARE_KINDS, share_grants
from umami_server.storage.metadata_store import DuplicateName

router = ApiRouter()

_SLUG_ALPHABET = string.ascii_letters + string.digits
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
    entity = store.get_entity(body.entityId)
    # A type that does not name the entity's kind would resolve to nothing, or to another kind.
    if entity is None or SHARE_KINDS.get(int(body.shareType)) != entity[0]:
        raise bad_request("shareType does not match the kind of entityId.")
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


@router.get("/api/share/{slug}", auth="none")
def resolve_share(call: ApiCall) -> Any:
    store = call.services.store
    share = store.find_share(call.params["slug"])
    if share is None:
        raise not_found()
    data = share_grants(store, share)
    if data is None:
        raise not_found()
    data["token"] = call.services.tokens.issue_share_token(data)
    return data
