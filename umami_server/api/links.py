"""Short links (`/api/links*`), redirected and recorded by hits on `/q/{slug}`."""

from __future__ import annotations

from typing import Any

from umami_server.api import shapes
from umami_server.api.pixels import SLUG_TAKEN, check_slug
from umami_server.api.services import order_label, page_request, require
from umami_server.api.shares import ShareCreate, create_entity_share, shares_of
from umami_server.api.transport import OK, ApiCall, ApiRouter, bad_request, not_found
from umami_server.api.validation import PageQuery, Schema, SearchPageQuery, text, uuid_text
from umami_server.auth import permissions as can
from umami_server.auth.share_scope import LINK
from umami_server.collect.link_targets import NOT_A_WEB_URL, web_url
from umami_server.storage.metadata_store import DuplicateName

router = ApiRouter()


def check_url(url: str | None) -> None:
    # The URL becomes a Location header: control characters would break the response.
    if url is not None and any(ord(character) < 32 or ord(character) == 127
                               for character in url):
        raise bad_request("The URL may not contain control characters.")
    if url is not None and web_url(url) is None:
        raise bad_request(NOT_A_WEB_URL)


class LinkCreate(Schema):
    name: text(100)
    url: text(500)
    slug: text(100, nullable=True) = None
    teamId: uuid_text(nullable=True) = None  # noqa: N815 - wire name
    id: uuid_text(nullable=True) = None


class LinkUpdate(Schema):
    name: text(100) = None
    url: text(500) = None
    slug: text(100, min_length=8) = None


@router.get("/api/links", query=SearchPageQuery)
def list_links(call: ApiCall) -> Any:
    request = page_request(call.query)
    page = call.services.store.links_page(request, user_id=call.user_id)
    return shapes.paged(page, request, [shapes.link(row) for row in page.rows],
                        order_label(call.query))


@router.post("/api/links", body=LinkCreate)
def create_link(call: ApiCall) -> Any:
    body, store = call.body, call.services.store
    require(can.can_create_owned(call.auth, store, body.teamId))
    check_slug(body.slug)
    check_url(body.url)
    if body.id and store.get_entity(body.id):
        raise bad_request("A link with this id already exists.")
    try:
        row = store.create_link(
            body.name, body.url, body.slug or None,
            user_id=None if body.teamId else call.user_id, team_id=body.teamId, link_id=body.id,
        )
    except DuplicateName:
        raise bad_request(SLUG_TAKEN) from None
    return shapes.link(row)


def _link(call: ApiCall) -> dict[str, Any]:
    row = call.services.store.get_link(call.params["link_id"])
    if row is None:
        raise not_found()
    return row


@router.get("/api/links/{link_id}", auth="any")
def get_link(call: ApiCall) -> Any:
    require(can.can_view_link(call.auth, call.services.store, call.params["link_id"]))
    return shapes.link(_link(call))


@router.post("/api/links/{link_id}", body=LinkUpdate)
def update_link(call: ApiCall) -> Any:
    store, body = call.services.store, call.body
    require(can.can_update_link(call.auth, store, call.params["link_id"]))
    check_slug(body.slug)
    check_url(body.url)
    row = _link(call)
    values = {key: getattr(body, key) for key in ("name", "url", "slug") if getattr(body, key)}
    try:
        updated = store.update_link(row["link_id"], values)
    except DuplicateName:
        raise bad_request(SLUG_TAKEN) from None
    call.services.context.sources.forget_link(row["slug"])
    return shapes.link(updated or row)


@router.delete("/api/links/{link_id}")
def delete_link(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_delete_link(call.auth, store, call.params["link_id"]))
    row = _link(call)
    store.delete_link(row["link_id"])
    call.services.context.sources.forget_link(row["slug"])
    return OK


@router.get("/api/links/{link_id}/shares", query=PageQuery, auth="any")
def list_link_shares(call: ApiCall) -> Any:
    require(can.can_view_link(call.auth, call.services.store, call.params["link_id"]))
    return shares_of(call.services, call.params["link_id"], call.query)


@router.post("/api/links/{link_id}/shares", body=ShareCreate)
def create_link_share(call: ApiCall) -> Any:
    require(can.can_update_link(call.auth, call.services.store, call.params["link_id"]))
    return create_entity_share(call.services, _link(call)["link_id"], LINK, call.body.name,
                               call.body.parameters)
