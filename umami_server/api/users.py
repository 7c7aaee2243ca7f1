"""Users (`/api/users*`), the admin lists (`/api/admin/*`) and the caller's own `/api/me/*`."""

from __future__ import annotations

from typing import Any

from umami_server.api import shapes
from umami_server.api.services import ApiServices, order_label, page_request, require
from umami_server.api.teams import TeamsQuery, teams_with_members
from umami_server.api.transport import OK, ApiCall, ApiRouter, bad_request, not_found
from umami_server.api.validation import Schema, SearchPageQuery, one_of, text, uuid_text
from umami_server.api.websites import WebsitesQuery, user_websites, website_rows
from umami_server.auth import permissions as can
from umami_server.auth.passwords import MAX_PASSWORD_BYTES, hash_password, verify_password
from umami_server.storage.metadata_store import DuplicateName

router = ApiRouter()

USER_EXISTS = "User already exists"
WRONG_PASSWORD = "Current password is incorrect"


def _hash(password: str) -> str:
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise bad_request(f"Passwords may be at most {MAX_PASSWORD_BYTES} bytes long.")
    return hash_password(password)


class UserCreate(Schema):
    id: uuid_text() = None
    username: text(255, min_length=1)
    password: text(255, min_length=8)
    role: one_of(*can.USER_ROLES)


class UserUpdate(Schema):
    username: text(255, min_length=1) = None
    password: text(255, min_length=8) = None
    role: one_of(*can.USER_ROLES) = None
    # Needed (as by /api/me/password) when a user changes their own password: a stolen
    # session token alone must not be enough to take the account over.
    currentPassword: text() = None  # noqa: N815 - wire name


def _check_current_password(given: str | None, user: dict[str, Any]) -> None:
    if given is None:
        raise bad_request("currentPassword is required to change your own password.")
    if not verify_password(given, user["password"]):
        raise bad_request(WRONG_PASSWORD)


class PasswordChange(Schema):
    currentPassword: text()  # noqa: N815 - wire name
    newPassword: text(min_length=8)  # noqa: N815 - wire name


@router.post("/api/users", body=UserCreate)
def create_user(call: ApiCall) -> Any:
    require(can.is_admin(call.auth))
    body, store = call.body, call.services.store
    if store.find_user(body.username) is not None or (body.id and store.get_user(body.id)):
        raise bad_request(USER_EXISTS)
    try:
        row = store.create_user(body.username, _hash(body.password), body.role, body.id)
    except DuplicateName:
        raise bad_request(USER_EXISTS) from None
    return {"id": row["user_id"], "username": row["username"], "role": row["role"]}


@router.get("/api/users/{user_id}")
def get_user(call: ApiCall) -> Any:
    user_id = call.params["user_id"]
    require(can.can_view_user(call.auth, user_id))
    row = call.services.store.get_user(user_id)
    return shapes.user(row) if row else None


@router.post("/api/users/{user_id}", body=UserUpdate)
def update_user(call: ApiCall) -> Any:
    user_id = call.params["user_id"]
    require(can.can_view_user(call.auth, user_id))
    services, body = call.services, call.body
    store = services.store
    user = store.get_user(user_id)
    if user is None:
        raise not_found()
    values: dict[str, Any] = {}
    if body.password:
        if user_id == call.user_id:
            _check_current_password(body.currentPassword, user)
        values["password"] = _hash(body.password)
    # Only an admin may rename or change roles; Umami ignores those fields from others.
    if call.auth.user is not None and call.auth.user.is_admin:
        if body.role:
            values["role"] = body.role
        if body.username and body.username != user["username"]:
            other = store.find_user(body.username)
            if other is not None and other["deleted_at"] is None:
                raise bad_request(USER_EXISTS)
            values["username"] = body.username
    try:
        row = store.update_user(user_id, values)
    except DuplicateName:
        raise bad_request(USER_EXISTS) from None
    if "password" in values:
        services.tokens.revoke_all(user_id, keep=call.auth.token)
    return shapes.user(row or user)


@router.delete("/api/users/{user_id}")
def delete_user(call: ApiCall) -> Any:
    require(can.is_admin(call.auth))
    user_id = call.params["user_id"]
    if user_id == call.user_id:
        raise bad_request("You cannot delete yourself.")
    services = call.services
    if services.store.get_user(user_id) is None:
        raise not_found()
    website_ids = services.store.delete_user(user_id)
    for website_id in website_ids:
        services.context.sources.forget_website(website_id)
    services.events.delete_website_data(website_ids)
    return OK


@router.get("/api/users/{user_id}/websites", query=WebsitesQuery)
def list_user_websites(call: ApiCall) -> Any:
    user_id = call.params["user_id"]
    require(can.can_view_user(call.auth, user_id))
    return user_websites(call.services, user_id, call.query)


@router.get("/api/users/{user_id}/teams", query=TeamsQuery)
def list_user_teams(call: ApiCall) -> Any:
    user_id = call.params["user_id"]
    require(can.can_view_user(call.auth, user_id))
    return _teams_of(call.services, user_id, call.query)


def _teams_of(services: ApiServices, user_id: str, query: TeamsQuery) -> Any:
    request = page_request(query)
    page = services.store.teams_of_user_page(user_id, request)
    return shapes.paged(page, request, teams_with_members(services, page.rows))


# --- the caller ---------------------------------------------------------------------------------

@router.post("/api/me/password", body=PasswordChange)
def change_password(call: ApiCall) -> Any:
    services, body = call.services, call.body
    user = services.store.get_user(call.user_id)
    if user is None:
        raise bad_request(WRONG_PASSWORD)
    _check_current_password(body.currentPassword, user)
    row = services.store.update_user(call.user_id, {"password": _hash(body.newPassword)})
    services.tokens.revoke_all(call.user_id, keep=call.auth.token)
    return shapes.user(row or user)


@router.get("/api/me/teams", query=TeamsQuery)
def list_my_teams(call: ApiCall) -> Any:
    return _teams_of(call.services, call.user_id, call.query)


class MyWebsitesQuery(TeamsQuery):
    includeTeams: text() = None  # noqa: N815 - wire name


@router.get("/api/me/websites", query=MyWebsitesQuery)
def list_my_websites(call: ApiCall) -> Any:
    # `search` is not part of this route's schema in Umami.
    query = WebsitesQuery.model_validate(call.query.model_dump(exclude_none=True))
    return user_websites(call.services, call.user_id, query)


# --- admin lists --------------------------------------------------------------------------------

@router.get("/api/admin/users", query=SearchPageQuery)
def admin_users(call: ApiCall) -> Any:
    require(can.is_admin(call.auth))
    store = call.services.store
    request = page_request(call.query)
    page = store.users_page(request)
    counts = store.website_counts_of_users([row["user_id"] for row in page.rows])
    rows = [{**shapes.user_admin(row), "_count": {"websites": counts.get(row["user_id"], 0)}}
            for row in page.rows]
    return shapes.paged(page, request, rows, order_label(call.query, "createdAt"))


@router.get("/api/admin/websites", query=SearchPageQuery)
def admin_websites(call: ApiCall) -> Any:
    require(can.is_admin(call.auth))
    services = call.services
    request = page_request(call.query)
    page = services.store.websites_page(request, everything=True)
    rows = website_rows(services, page.rows, owner=True)
    team_ids = sorted({row["team_id"] for row in page.rows if row["team_id"]})
    owners = services.store.team_members(team_ids, owners_only=True)
    teams = {team_id: services.store.get_team(team_id) for team_id in team_ids}
    for item in rows:
        team = teams.get(item["teamId"]) if item["teamId"] else None
        share_id = item.pop("shareId")
        item["team"] = None if team is None else {
            **shapes.team(team),
            "members": [shapes.team_user(member) for member in owners
                        if member["team_id"] == item["teamId"]],
        }
        item["shareId"] = share_id
    return shapes.paged(page, request, rows, order_label(call.query, "createdAt"))


@router.get("/api/admin/teams", query=SearchPageQuery)
def admin_teams(call: ApiCall) -> Any:
    require(can.is_admin(call.auth))
    services = call.services
    request = page_request(call.query)
    page = services.store.teams_page(request)
    return shapes.paged(page, request, teams_with_members(services, page.rows),
                        order_label(call.query, "createdAt"))
