"""Tracking pixels (`/api/pixels*`), recorded by hits on `/p/{slug}`."""

from __future__ import annotations

from typing import Any

from umami_server.api import shapes
from umami_server.api.services import order_label, page_request, require
from umami_server.api.shares import ShareCreate, create_entity_share, shares_of
from umami_server.api.transport import OK, ApiCall, ApiRouter, bad_request, not_found
from umami_server.api.validation import PageQuery, Schema, SearchPageQuery, text, uuid_text
from umami_server.auth import permissions as can
from umami_server.auth.share_scope import PIXEL
from umami_server.storage.metadata_store import DuplicateName

router = ApiRouter()

SLUG_TAKEN = "That slug is already taken."
# A slug is one path segment of /p/{slug} or /q/{slug}.
_NOT_IN_SLUGS = frozenset("/?#%\\ \t\r\n")


def check_slug(slug: str | None) -> None:
    if slug is not None and any(character in _NOT_IN_SLUGS for character in slug):
        raise bad_request("A slug may not contain '/', '?', '#', '%', '\\' or spaces.")


class PixelCreate(Schema):
    name: text(100)
    slug: text(100, nullable=True) = None
    teamId: uuid_text(nullable=True) = None  # noqa: N815 - wire name
    id: uuid_text(nullable=True) = None


class PixelUpdate(Schema):
    name: text(100) = None
    slug: text(100, min_length=8) = None


@router.get("/api/pixels", query=SearchPageQuery)
def list_pixels(call: ApiCall) -> Any:
    request = page_request(call.query)
    page = call.services.store.pixels_page(request, user_id=call.user_id)
    return shapes.paged(page, request, [shapes.pixel(row) for row in page.rows],
                        order_label(call.query))


@router.post("/api/pixels", body=PixelCreate)
def create_pixel(call: ApiCall) -> Any:
    body, store = call.body, call.services.store
    require(can.can_create_owned(call.auth, store, body.teamId))
    check_slug(body.slug)
    if body.id and store.get_entity(body.id):
        raise bad_request("A pixel with this id already exists.")
    try:
        row = store.create_pixel(
            body.name, body.slug or None, user_id=None if body.teamId else call.user_id,
            team_id=body.teamId, pixel_id=body.id,
        )
    except DuplicateName:
        raise bad_request(SLUG_TAKEN) from None
    return shapes.pixel(row)


def _pixel(call: ApiCall) -> dict[str, Any]:
    row = call.services.store.get_pixel(call.params["pixel_id"])
    if row is None:
        raise not_found()
    return row


@router.get("/api/pixels/{pixel_id}", auth="any")
def get_pixel(call: ApiCall) -> Any:
    require(can.can_view_pixel(call.auth, call.services.store, call.params["pixel_id"]))
    return shapes.pixel(_pixel(call))


@router.post("/api/pixels/{pixel_id}", body=PixelUpdate)
def update_pixel(call: ApiCall) -> Any:
    store, body = call.services.store, call.body
    require(can.can_update_pixel(call.auth, store, call.params["pixel_id"]))
    check_slug(body.slug)
    row = _pixel(call)
    values = {key: getattr(body, key) for key in ("name", "slug") if getattr(body, key)}
    try:
        updated = store.update_pixel(row["pixel_id"], values)
    except DuplicateName:
        raise bad_request(SLUG_TAKEN) from None
    call.services.context.sources.forget_pixel(row["slug"])
    return shapes.pixel(updated or row)


@router.delete("/api/pixels/{pixel_id}")
def delete_pixel(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_delete_pixel(call.auth, store, call.params["pixel_id"]))
    row = _pixel(call)
    store.delete_pixel(row["pixel_id"])
    call.services.context.sources.forget_pixel(row["slug"])
    return OK


@router.get("/api/pixels/{pixel_id}/shares", query=PageQuery, auth="any")
def list_pixel_shares(call: ApiCall) -> Any:
    require(can.can_view_pixel(call.auth, call.services.store, call.params["pixel_id"]))
    return shares_of(call.services, call.params["pixel_id"], call.query)


@router.post("/api/pixels/{pixel_id}/shares", body=ShareCreate)
def create_pixel_share(call: ApiCall) -> Any:
    require(can.can_update_pixel(call.auth, call.services.store, call.params["pixel_id"]))
    return create_entity_share(call.services, _pixel(call)["pixel_id"], PIXEL, call.body.name,
                               call.body.parameters)
