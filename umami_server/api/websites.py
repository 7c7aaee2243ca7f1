"""Websites: list, create, read, update, delete, reset, transfer, and their shares, saved
reports, segments and saved replays (api-manage.md §4)."""

from __future__ import annotations

from typing import Any

from umami_server.api import shapes
from umami_server.api.services import ApiServices, order_label, page_request, require
from umami_server.api.shares import ShareCreate, create_entity_share, shares_of
from umami_server.api.transport import OK, ApiCall, ApiRouter, bad_request, not_found
from umami_server.api.validation import (
    PageQuery,
    Schema,
    SearchPageQuery,
    any_value,
    boolean,
    json_object,
    number,
    one_of,
    text,
    uuid_text,
)
from umami_server.auth import permissions as can
from umami_server.storage.metadata_store import DuplicateName, Page, PageRequest, is_uuid

router = ApiRouter()

REPORT_TYPES = ("attribution", "breakdown", "funnel", "goal", "journey", "performance",
                "retention", "revenue", "utm")
FILTER_OPERATORS = ("eq", "neq", "s", "ns", "c", "dnc", "re", "nre", "t", "f", "gt", "lt",
                    "gte", "lte", "bf", "af")
WEBSITE_SHARE_DEFAULTS = {"overview": True, "events": True}
SHARE_TAKEN = "That share ID is already taken."


# --- shapes shared with the user, team and admin lists ----------------------------------------

def website_rows(services: ApiServices, rows: list[dict[str, Any]], *, owner: bool = False,
                 creator: bool = False, share: bool = True) -> list[dict[str, Any]]:
    """Websites as lists show them: optional `user` / `createUser` objects and `shareId`."""
    store = services.store
    slugs = store.latest_share_slugs([row["website_id"] for row in rows]) if share else {}
    wanted = {row["user_id"] for row in rows if owner} | {row["created_by"] for row in rows
                                                          if creator}
    users = store.users_by_id({user_id for user_id in wanted if user_id})
    shaped = []
    for row in rows:
        item = shapes.website(row)
        if owner:
            found = users.get(row["user_id"] or "")
            item["user"] = {"username": found["username"], "id": found["user_id"]} if found \
                else None
        if creator:
            found = users.get(row["created_by"] or "")
            item["createUser"] = {"id": found["user_id"], "username": found["username"]} \
                if found else None
        if share:
            item["shareId"] = slugs.get(row["website_id"])
        shaped.append(item)
    return shaped


def website_with_share(services: ApiServices, row: dict[str, Any]) -> dict[str, Any]:
    return website_rows(services, [row])[0]


class WebsitesQuery(SearchPageQuery):
    includeTeams: text() = None  # noqa: N815 - wire name


def user_websites(services: ApiServices, user_id: str, query: WebsitesQuery) -> Any:
    """GET /api/websites and /api/users/:id/websites."""
    request = page_request(query)
    if query.includeTeams:
        page = services.store.websites_page(request, user_id=user_id, owned_team_user_id=user_id)
        rows = website_rows(services, page.rows)
    else:
        page = services.store.websites_page(request, user_id=user_id)
        rows = website_rows(services, page.rows, owner=True)
    return shapes.paged(page, request, rows, order_label(query))


# --- websites ---------------------------------------------------------------------------------

class WebsiteCreate(Schema):
    name: text(100)
    domain: text(500)
    shareId: text(50, nullable=True) = None  # noqa: N815 - wire name
    teamId: uuid_text(nullable=True) = None  # noqa: N815 - wire name
    id: uuid_text(nullable=True) = None


class ReplayConfig(Schema):
    sampleRate: number(minimum=0, maximum=1) = None  # noqa: N815 - wire name
    maskLevel: one_of("strict", "moderate") = None  # noqa: N815 - wire name
    maxDuration: number(integer=True, positive=True) = None  # noqa: N815 - wire name
    blockSelector: text() = None  # noqa: N815 - wire name


class WebsiteUpdate(Schema):
    name: text(100) = None
    domain: text(500) = None
    shareId: text(50, nullable=True) = None  # noqa: N815 - wire name
    replayEnabled: boolean() = None  # noqa: N815 - wire name
    replayConfig: ReplayConfig | None = None  # noqa: N815 - wire name


class TransferBody(Schema):
    userId: uuid_text() = None  # noqa: N815 - wire name
    teamId: uuid_text() = None  # noqa: N815 - wire name


@router.get("/api/websites", query=WebsitesQuery)
def list_websites(call: ApiCall) -> Any:
    return user_websites(call.services, call.user_id, call.query)


@router.post("/api/websites", body=WebsiteCreate)
def create_website(call: ApiCall) -> Any:
    services, body = call.services, call.body
    store = services.store
    require(can.can_create_owned(call.auth, store, body.teamId))
    if body.shareId and store.find_share(body.shareId):
        raise bad_request(SHARE_TAKEN)
    if body.id and store.get_entity(body.id):
        raise bad_request("A website with this id already exists.")
    try:
        row = store.create_website(
            body.name, body.domain, user_id=None if body.teamId else call.user_id,
            team_id=body.teamId, website_id=body.id, created_by=call.user_id,
        )
    except DuplicateName:
        raise bad_request("A website with this id already exists.") from None
    if body.shareId:
        try:
            store.create_share(row["website_id"], 1, row["name"], body.shareId,
                               WEBSITE_SHARE_DEFAULTS)
        except DuplicateName:
            raise bad_request(SHARE_TAKEN) from None
    services.context.sources.forget_website(row["website_id"])
    return website_with_share(services, row)


@router.get("/api/websites/{website_id}", auth="any")
def get_website(call: ApiCall) -> Any:
    website_id = call.params["website_id"]
    store = call.services.store
    require(can.can_view_website(call.auth, store, website_id))
    row = store.get_website(website_id)
    if row is None:
        if store.get_entity(website_id) is not None:
            return None  # a link, pixel or board id: Umami answers null
        raise not_found()
    if call.auth.user is None:
        # A share token: what the share page shows, not the owner's ids or other share slugs.
        return {"id": row["website_id"], "name": row["name"], "domain": row["domain"]}
    return website_with_share(call.services, row)


@router.post("/api/websites/{website_id}", body=WebsiteUpdate)
def update_website(call: ApiCall) -> Any:
    services, body = call.services, call.body
    store = services.store
    website_id = call.params["website_id"]
    require(can.can_update_website(call.auth, store, website_id))
    given = body.model_fields_set
    values: dict[str, Any] = {}
    for field, column in (("name", "name"), ("domain", "domain"),
                          ("replayEnabled", "replay_enabled")):
        if field in given and getattr(body, field) is not None:
            values[column] = getattr(body, field)
    if "replayConfig" in given:
        config = body.replayConfig
        values["replay_config"] = None if config is None else config.model_dump(
            exclude_unset=True)
    if "shareId" in given and body.shareId and store.find_share(body.shareId):
        raise bad_request(SHARE_TAKEN)
    row = store.update_website(website_id, values)
    if row is None:
        raise not_found()
    if "shareId" in given:
        if body.shareId is None:
            store.delete_shares_of(website_id)
        elif body.shareId:
            try:
                store.create_share(website_id, 1, row["name"], body.shareId,
                                   WEBSITE_SHARE_DEFAULTS)
            except DuplicateName:
                raise bad_request(SHARE_TAKEN) from None
    services.context.sources.forget_website(website_id)
    return website_with_share(services, row)


@router.delete("/api/websites/{website_id}")
def delete_website(call: ApiCall) -> Any:
    services = call.services
    website_id = call.params["website_id"]
    require(can.can_delete_website(call.auth, services.store, website_id))
    if services.store.get_website(website_id) is None:
        raise not_found()
    services.store.delete_website(website_id)
    services.context.sources.forget_website(website_id)
    services.events.delete_website_data([website_id])
    return OK


@router.post("/api/websites/{website_id}/reset")
def reset_website(call: ApiCall) -> Any:
    services = call.services
    website_id = call.params["website_id"]
    require(can.can_update_website(call.auth, services.store, website_id))
    if services.store.get_website(website_id) is None:
        raise not_found()
    services.events.delete_website_data([website_id])
    services.store.reset_website(website_id)
    services.context.sources.forget_website(website_id)
    return OK


@router.post("/api/websites/{website_id}/transfer", body=TransferBody)
def transfer_website(call: ApiCall) -> Any:
    services, body = call.services, call.body
    store = services.store
    website_id = call.params["website_id"]
    if body.userId:
        require(can.can_transfer_website_to_user(call.auth, store, website_id, body.userId))
        row = store.update_website(website_id, {"user_id": body.userId, "team_id": None})
    elif body.teamId:
        require(can.can_transfer_website_to_team(call.auth, store, website_id, body.teamId))
        row = store.update_website(website_id, {"user_id": None, "team_id": body.teamId})
    else:
        raise bad_request()
    services.context.sources.forget_website(website_id)
    return shapes.website(row or {})


# --- shares of a website ----------------------------------------------------------------------

@router.get("/api/websites/{website_id}/shares", query=PageQuery, auth="any")
def list_website_shares(call: ApiCall) -> Any:
    website_id = call.params["website_id"]
    require(can.can_view_website(call.auth, call.services.store, website_id))
    return shares_of(call.services, website_id, call.query)


@router.post("/api/websites/{website_id}/shares", body=ShareCreate)
def create_website_share(call: ApiCall) -> Any:
    website_id = call.params["website_id"]
    require(can.can_update_website(call.auth, call.services.store, website_id))
    return create_entity_share(call.services, website_id, 1, call.body.name,
                               call.body.parameters)


# --- saved reports of a website ---------------------------------------------------------------

class WebsiteReportsQuery(PageQuery):
    type: one_of(*REPORT_TYPES) = None


@router.get("/api/websites/{website_id}/reports", query=WebsiteReportsQuery, auth="any")
def list_website_reports(call: ApiCall) -> Any:
    website_id = call.params["website_id"]
    store = call.services.store
    require(can.can_view_website(call.auth, store, website_id))
    request = page_request(call.query)
    page = store.reports_page(website_id, request, call.query.type)
    return shapes.paged(page, request, [shapes.report(row) for row in page.rows])


# --- segments and cohorts ---------------------------------------------------------------------

class SegmentFilter(Schema):
    name: text()
    operator: one_of(*FILTER_OPERATORS)
    value: any_value()


class SegmentAction(Schema):
    type: one_of("path", "event")
    value: text()


class SegmentParameters(Schema):
    filters: list[SegmentFilter] | None = None
    match: one_of("all", "any") = None
    dateRange: text() = None  # noqa: N815 - wire name
    action: SegmentAction | None = None


class SegmentCreate(Schema):
    type: one_of("segment", "cohort")
    name: text(200)
    parameters: SegmentParameters


class SegmentUpdate(Schema):
    type: one_of("segment", "cohort")
    name: text(200)
    parameters: json_object()


class SegmentsQuery(Schema):
    type: one_of("segment", "cohort")
    search: text() = None


@router.get("/api/websites/{website_id}/segments", query=SegmentsQuery, auth="any")
def list_segments(call: ApiCall) -> Any:
    website_id = call.params["website_id"]
    store = call.services.store
    require(can.can_view_website(call.auth, store, website_id))
    # Umami's schema takes no paging here: always the first 20.
    request = PageRequest(search=call.query.search)
    page = store.segments_page(website_id, call.query.type, request)
    return shapes.paged(page, request, [shapes.segment(row) for row in page.rows])


@router.post("/api/websites/{website_id}/segments", body=SegmentCreate)
def create_segment(call: ApiCall) -> Any:
    website_id = call.params["website_id"]
    store = call.services.store
    require(can.can_update_website(call.auth, store, website_id))
    body = call.body
    row = store.create_segment({
        "website_id": website_id, "type": body.type, "name": body.name,
        "parameters": body.parameters.model_dump(exclude_unset=True),
    })
    return shapes.segment(row)


def _segment_of(call: ApiCall) -> dict[str, Any]:
    segment = call.services.store.get_segment(call.params["segment_id"])
    if segment is None or segment["website_id"] != call.params["website_id"]:
        raise not_found()
    return segment


@router.get("/api/websites/{website_id}/segments/{segment_id}", auth="any")
def get_segment(call: ApiCall) -> Any:
    require(can.can_view_website(call.auth, call.services.store, call.params["website_id"]))
    return shapes.segment(_segment_of(call))


@router.post("/api/websites/{website_id}/segments/{segment_id}", body=SegmentUpdate)
def update_segment(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_update_website(call.auth, store, call.params["website_id"]))
    segment = _segment_of(call)
    body = call.body
    row = store.update_segment(segment["segment_id"], {
        "type": body.type, "name": body.name, "parameters": body.parameters,
    })
    return shapes.segment(row or {})


@router.delete("/api/websites/{website_id}/segments/{segment_id}")
def delete_segment(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_delete_website(call.auth, store, call.params["website_id"]))
    store.delete_segment(_segment_of(call)["segment_id"])
    return OK


# --- saved session replays --------------------------------------------------------------------

class SavedReplayToggle(Schema):
    isSaved: boolean()  # noqa: N815 - wire name
    name: text(100) = None


@router.get("/api/websites/{website_id}/replays/saved", query=SearchPageQuery, auth="any")
def list_saved_replays(call: ApiCall) -> Any:
    website_id = call.params["website_id"]
    store = call.services.store
    require(can.can_view_website(call.auth, store, website_id))
    request = page_request(call.query)
    page: Page = store.saved_replays_page(website_id, request)
    return shapes.paged(page, request, [shapes.saved_replay(row) for row in page.rows])


@router.get("/api/websites/{website_id}/replays/saved/{visit_id}", auth="any")
def get_saved_replay(call: ApiCall) -> Any:
    website_id = call.params["website_id"]
    store = call.services.store
    require(can.can_view_website(call.auth, store, website_id))
    return {"isSaved": store.is_replay_saved(website_id, call.params["visit_id"])}


@router.post("/api/websites/{website_id}/replays/saved/{visit_id}", body=SavedReplayToggle)
def toggle_saved_replay(call: ApiCall) -> Any:
    website_id = call.params["website_id"]
    store = call.services.store
    require(can.can_update_website(call.auth, store, website_id))
    visit_id = call.params["visit_id"]
    if not store.get_website(website_id):
        raise not_found()
    if not is_uuid(visit_id):
        raise bad_request("Invalid visit id.")
    store.set_replay_saved(website_id, visit_id, bool(call.body.isSaved), call.body.name or "")
    return OK
