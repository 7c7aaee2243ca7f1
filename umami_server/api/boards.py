"""Boards (`/api/boards*`) and the personal dashboard (`/api/dashboard`): stored layouts only."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from umami_server.api import shapes
from umami_server.api.services import order_label, page_request, require
from umami_server.api.shares import ShareCreate, create_entity_share, shares_of
from umami_server.api.transport import OK, ApiCall, ApiRouter, not_found, unauthorized
from umami_server.api.validation import (
    PageQuery,
    Schema,
    SearchPageQuery,
    json_object,
    one_of,
    text,
    uuid_text,
)
from umami_server.auth import permissions as can
from umami_server.auth.share_scope import BOARD, board_entity_ids

router = ApiRouter()

BOARD_TYPES = ("mixed", "website", "pixel", "link", "open")


class BoardParameters(Schema):
    """Free JSON kept as sent; only the entity ids are checked."""

    model_config = ConfigDict(extra="allow")

    websiteId: uuid_text() = None  # noqa: N815 - wire name
    pixelId: uuid_text() = None  # noqa: N815 - wire name
    linkId: uuid_text() = None  # noqa: N815 - wire name


class BoardCreate(Schema):
    type: one_of(*BOARD_TYPES)
    name: text(100)
    description: text(500) = None
    userId: uuid_text(nullable=True) = None  # noqa: N815 - wire name
    teamId: uuid_text(nullable=True) = None  # noqa: N815 - wire name
    parameters: BoardParameters | None = None


class BoardUpdate(Schema):
    type: one_of("dashboard", *BOARD_TYPES) = None
    name: text(200) = None
    description: text(500) = None
    parameters: json_object() = None


class DashboardBody(Schema):
    name: text(200) = None
    description: text(500) = None
    parameters: json_object() = None


def _normal_type(board_type: str) -> str:
    return "mixed" if board_type == "open" else board_type


def _require_viewable(call: ApiCall, owner: dict[str, Any], parameters: Any) -> None:
    """Every website, pixel and link a board names must be one its owner (the caller, or the
    board's team) may view: a board share grants them to anyone with the link. 401 like every
    failed permission check here, and the same for ids that do not exist, so the answer does
    not tell which ids do. Sharing checks again when the share is used (auth/share_scope.py).
    """
    store = call.services.store
    for kind, entity_ids in board_entity_ids({"parameters": parameters}).items():
        if not all(can.owner_can_view(store, owner, entity_id) for entity_id in entity_ids):
            raise unauthorized(f"Unauthorized: the board's parameters name a {kind} that is "
                               "not yours to view.")


@router.get("/api/boards", query=SearchPageQuery)
def list_boards(call: ApiCall) -> Any:
    request = page_request(call.query)
    page = call.services.store.boards_page(request, user_id=call.user_id)
    return shapes.paged(page, request, [shapes.board(row) for row in page.rows],
                        order_label(call.query))


@router.post("/api/boards", body=BoardCreate)
def create_board(call: ApiCall) -> Any:
    body, store = call.body, call.services.store
    require(can.can_create_owned(call.auth, store, body.teamId))
    parameters = body.parameters.model_dump(exclude_unset=True) if body.parameters else {}
    _require_viewable(call, {"user_id": None if body.teamId else call.user_id,
                             "team_id": body.teamId}, parameters)
    row = store.create_board({
        "type": _normal_type(body.type), "name": body.name,
        "description": body.description or "", "parameters": parameters,
        "user_id": None if body.teamId else call.user_id, "team_id": body.teamId,
    })
    return shapes.board(row)


@router.get("/api/boards/{board_id}", auth="any")
def get_board(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_view_board(call.auth, store, call.params["board_id"]))
    row = store.get_board(call.params["board_id"])
    return shapes.board(row) if row else None


@router.post("/api/boards/{board_id}", body=BoardUpdate)
def update_board(call: ApiCall) -> Any:
    store, body = call.services.store, call.body
    require(can.can_update_board(call.auth, store, call.params["board_id"]))
    row = store.get_board(call.params["board_id"])
    if row is None:
        raise not_found()
    if body.parameters is not None:
        _require_viewable(call, row, body.parameters)
    values: dict[str, Any] = {}
    if body.type:
        values["type"] = _normal_type(body.type)
    for field in ("name", "description", "parameters"):
        if getattr(body, field) is not None:
            values[field] = getattr(body, field)
    return shapes.board(store.update_board(row["board_id"], values) or row)


@router.delete("/api/boards/{board_id}")
def delete_board(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_delete_board(call.auth, store, call.params["board_id"]))
    if store.get_board(call.params["board_id"]) is None:
        raise not_found()
    store.delete_board(call.params["board_id"])
    return OK


@router.get("/api/boards/{board_id}/shares", query=PageQuery, auth="any")
def list_board_shares(call: ApiCall) -> Any:
    require(can.can_view_board(call.auth, call.services.store, call.params["board_id"]))
    return shares_of(call.services, call.params["board_id"], call.query)


@router.post("/api/boards/{board_id}/shares", body=ShareCreate)
def create_board_share(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_update_board(call.auth, store, call.params["board_id"]))
    if store.get_board(call.params["board_id"]) is None:
        raise not_found()
    return create_entity_share(call.services, call.params["board_id"], BOARD, call.body.name,
                               call.body.parameters)


@router.get("/api/dashboard")
def get_dashboard(call: ApiCall) -> Any:
    row = call.services.store.get_board(call.user_id)
    if row is None:
        return None
    require(row["user_id"] == call.user_id)
    return shapes.board(row)


@router.post("/api/dashboard", body=DashboardBody)
def save_dashboard(call: ApiCall) -> Any:
    store, body = call.services.store, call.body
    row = store.get_board(call.user_id)
    _require_viewable(call, {"user_id": call.user_id, "team_id": None}, body.parameters or {})
    if row is not None:
        require(row["user_id"] == call.user_id)
        values = {"parameters": body.parameters or {}}
        for field in ("name", "description"):
            if getattr(body, field) is not None:
                values[field] = getattr(body, field)
        return shapes.board(store.update_board(row["board_id"], values) or row)
    return shapes.board(store.create_board({
        "board_id": call.user_id, "type": "dashboard", "name": body.name or "",
        "description": body.description or "", "parameters": body.parameters or {},
        "user_id": call.user_id,
    }))
