"""Teams (`/api/teams*`): create, join by access code, members and roles, team entities."""

from __future__ import annotations

import secrets
import string
from typing import Any

from umami_server.api import shapes
from umami_server.api.services import ApiServices, order_label, page_request, require
from umami_server.api.transport import (
    OK,
    ApiCall,
    ApiError,
    ApiRouter,
    bad_request,
    not_found,
)
from umami_server.api.validation import PageQuery, Schema, SearchPageQuery, one_of, text, uuid_text
from umami_server.api.websites import website_rows
from umami_server.auth import permissions as can
from umami_server.storage.metadata_store import DuplicateName

router = ApiRouter()

_ALPHANUMERIC = string.ascii_letters + string.digits
NOT_OWNER = "You must be the owner/manager of this team."
NOT_MEMBER = "You must be a member of this team."
NO_SUCH_MEMBER = "The User does not exists on this team."


def new_access_code() -> str:
    return "team_" + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(16))


class TeamsQuery(PageQuery):
    pass


def teams_with_members(services: ApiServices, teams: list[dict[str, Any]]) -> list[Any]:
    """Umami's TeamWithMembers: the team, its members with {id, username}, and counts."""
    store = services.store
    team_ids = [team["team_id"] for team in teams]
    members = store.team_members(team_ids)
    websites = store.website_counts_of_teams(team_ids)
    shaped = []
    for team in teams:
        own = [member for member in members if member["team_id"] == team["team_id"]]
        shaped.append({
            **shapes.team(team),
            "members": [{**shapes.team_user(member),
                         "user": {"id": member["user_id"], "username": member["username"]}}
                        for member in own],
            "_count": {"websites": websites.get(team["team_id"], 0), "members": len(own)},
        })
    return shaped


class TeamCreate(Schema):
    name: text(50)
    ownerId: uuid_text() = None  # noqa: N815 - wire name


class TeamJoin(Schema):
    accessCode: text(50)  # noqa: N815 - wire name


class TeamUpdate(Schema):
    name: text(50) = None
    accessCode: text(50) = None  # noqa: N815 - wire name


class MemberAdd(Schema):
    userId: uuid_text()  # noqa: N815 - wire name
    role: one_of(*can.ASSIGNABLE_TEAM_ROLES)


class MemberUpdate(Schema):
    role: one_of(*can.ASSIGNABLE_TEAM_ROLES)


@router.get("/api/teams", query=TeamsQuery)
def list_teams(call: ApiCall) -> Any:
    request = page_request(call.query)
    page = call.services.store.teams_of_user_page(call.user_id, request)
    return shapes.paged(page, request, teams_with_members(call.services, page.rows))


@router.post("/api/teams", body=TeamCreate)
def create_team(call: ApiCall) -> Any:
    require(can.can_create_team(call.auth))
    body, store = call.body, call.services.store
    owner = body.ownerId or call.user_id
    if body.ownerId and store.get_user(body.ownerId) is None:
        raise not_found("User not found.", "user-not-found")
    team, member = store.create_team(body.name, owner, new_access_code())
    return [shapes.team(team), shapes.team_user(member)]


# Registered before /api/teams/{team_id}, which would otherwise take "join" as an id.
@router.post("/api/teams/join", body=TeamJoin)
def join_team(call: ApiCall) -> Any:
    store = call.services.store
    team = store.find_team_by_access_code(call.body.accessCode)
    if team is None:
        raise ApiError(404, "Team not found.", "team-not-found")
    if store.team_member(team["team_id"], call.user_id) is not None:
        raise bad_request("User is already a team member.")
    return shapes.team_user(store.add_team_member(team["team_id"], call.user_id, "team-member"))


def _team(call: ApiCall) -> dict[str, Any]:
    team = call.services.store.get_team(call.params["team_id"])
    if team is None or team["deleted_at"] is not None:
        raise not_found("Team not found.")
    return team


@router.get("/api/teams/{team_id}")
def get_team(call: ApiCall) -> Any:
    require(can.can_view_team(call.auth, call.services.store, call.params["team_id"]))
    team = _team(call)
    members = call.services.store.team_members([team["team_id"]])
    return {**shapes.team(team), "members": [shapes.team_user(member) for member in members]}


@router.post("/api/teams/{team_id}", body=TeamUpdate)
def update_team(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_update_team(call.auth, store, call.params["team_id"]), NOT_OWNER)
    team = _team(call)
    values = {column: getattr(call.body, field) for field, column in
              (("name", "name"), ("accessCode", "access_code")) if getattr(call.body, field)}
    try:
        row = store.update_team(team["team_id"], values)
    except DuplicateName:
        raise bad_request("That access code is already taken.") from None
    return shapes.team(row or team)


@router.delete("/api/teams/{team_id}")
def delete_team(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_delete_team(call.auth, store, call.params["team_id"]), NOT_OWNER)
    store.delete_team(_team(call)["team_id"])
    return OK


@router.get("/api/teams/{team_id}/users", query=SearchPageQuery)
def list_team_users(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_view_team(call.auth, store, call.params["team_id"]), NOT_MEMBER)
    request = page_request(call.query)
    page = store.team_members_page(call.params["team_id"], request)
    users = store.users_by_id({row["user_id"] for row in page.rows})
    rows = [{**shapes.team_user(row), "user": {"id": row["user_id"],
                                              "username": users[row["user_id"]]["username"]}}
            for row in page.rows if row["user_id"] in users]
    return shapes.paged(page, request, rows)


@router.post("/api/teams/{team_id}/users", body=MemberAdd)
def add_team_user(call: ApiCall) -> Any:
    store, body = call.services.store, call.body
    require(can.can_update_team(call.auth, store, call.params["team_id"]), NOT_OWNER)
    team = _team(call)
    if store.get_user(body.userId) is None:
        raise not_found("User not found.", "user-not-found")
    if store.team_member(team["team_id"], body.userId) is not None:
        raise bad_request("User is already a member of the Team.")
    return shapes.team_user(store.add_team_member(team["team_id"], body.userId, body.role))


@router.get("/api/teams/{team_id}/users/{user_id}")
def get_team_user(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_update_team(call.auth, store, call.params["team_id"]), NOT_OWNER)
    member = store.team_member(call.params["team_id"], call.params["user_id"])
    return shapes.team_user(member) if member else None


@router.post("/api/teams/{team_id}/users/{user_id}", body=MemberUpdate)
def update_team_user(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_change_team_member(call.auth, store, call.params["team_id"],
                                       call.params["user_id"]), NOT_OWNER)
    member = store.team_member(call.params["team_id"], call.params["user_id"])
    if member is None:
        raise bad_request(NO_SUCH_MEMBER)
    return shapes.team_user(store.update_team_member(member["team_user_id"], call.body.role)
                            or member)


@router.delete("/api/teams/{team_id}/users/{user_id}")
def remove_team_user(call: ApiCall) -> Any:
    store = call.services.store
    team_id, user_id = call.params["team_id"], call.params["user_id"]
    require(can.can_delete_team_user(call.auth, store, team_id, user_id))
    member = store.team_member(team_id, user_id)
    if member is None:
        raise bad_request(NO_SUCH_MEMBER)
    store.delete_team_member(member["team_user_id"])
    return OK


@router.get("/api/teams/{team_id}/websites", query=SearchPageQuery)
def list_team_websites(call: ApiCall) -> Any:
    services = call.services
    require(can.can_view_team(call.auth, services.store, call.params["team_id"]))
    request = page_request(call.query)
    page = services.store.websites_page(request, team_id=call.params["team_id"])
    return shapes.paged(page, request, website_rows(services, page.rows, creator=True),
                        order_label(call.query))


@router.get("/api/teams/{team_id}/links", query=SearchPageQuery)
def list_team_links(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_view_team(call.auth, store, call.params["team_id"]))
    request = page_request(call.query)
    page = store.links_page(request, team_id=call.params["team_id"])
    return shapes.paged(page, request, [shapes.link(row) for row in page.rows],
                        order_label(call.query))


@router.get("/api/teams/{team_id}/pixels", query=SearchPageQuery)
def list_team_pixels(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_view_team(call.auth, store, call.params["team_id"]))
    request = page_request(call.query)
    page = store.pixels_page(request, team_id=call.params["team_id"])
    return shapes.paged(page, request, [shapes.pixel(row) for row in page.rows],
                        order_label(call.query))


@router.get("/api/teams/{team_id}/boards", query=SearchPageQuery)
def list_team_boards(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_view_team(call.auth, store, call.params["team_id"]))
    request = page_request(call.query)
    page = store.boards_page(request, team_id=call.params["team_id"])
    return shapes.paged(page, request, [shapes.board(row) for row in page.rows],
                        order_label(call.query))
