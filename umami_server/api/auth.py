"""Login, token verification, logout, the current user, config and heartbeat."""

from __future__ import annotations

from typing import Any

from umami_server.api import shapes
from umami_server.api.services import ApiServices
from umami_server.api.transport import OK, ApiCall, ApiError, ApiRouter
from umami_server.api.validation import Schema, text
from umami_server.auth.passwords import verify_password
from umami_server.auth.rate_limit import wait_message
from umami_server.enrich.client_ip import account_client_ip
from umami_server.storage.metadata_store import PageRequest

router = ApiRouter()

# Every team of a user fits on one page.
_ALL = PageRequest(page=1, page_size=100_000)

# Checked when the username is unknown, so both failures cost one bcrypt comparison.
_DUMMY_HASH = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8.5lYLbDT9Fz/mG6yGd7gEpMuPDVr6"


class LoginBody(Schema):
    username: text()
    password: text()


def user_with_teams(services: ApiServices, user: dict[str, Any]) -> dict[str, Any]:
    """Umami's auth user {id, username, role, createdAt, isAdmin} plus its teams."""
    teams = services.store.teams_of_user_page(user["user_id"], _ALL).rows
    return {
        **shapes.user(user),
        "isAdmin": user["role"] == "admin",
        "teams": [{"id": team["team_id"], "name": team["name"], "logoUrl": team["logo_url"]}
                  for team in teams],
    }


def _client_key(call: ApiCall) -> str:
    # Forwarding headers anyone can send count only when CLIENT_IP_HEADER names one.
    settings = call.services.context.settings
    return account_client_ip(call.headers, call.peer_ip, settings.client_ip_header) or "unknown"


def _too_many(wait: int) -> ApiError:
    return ApiError(429, wait_message(wait), "too-many-requests",
                    headers={"Retry-After": str(wait)})


@router.post("/api/auth/login", body=LoginBody, auth="none")
def login(call: ApiCall) -> Any:
    services = call.services
    body: LoginBody = call.body
    username, password = str(body.username), str(body.password)
    client = _client_key(call)
    # No username is longer than 255 characters; the limiter's keys stay small.
    throttle_key = username[:256]
    wait = services.limiter.retry_after(client, throttle_key)
    if wait:
        raise _too_many(wait)
    locked_for = services.limiter.username_locked_for(throttle_key)
    user = services.store.find_user(username)
    if user is not None and user["deleted_at"] is not None:
        user = None
    # Always one bcrypt comparison, so an unknown username costs what a wrong password costs.
    matches = verify_password(password, user["password"] if user else _DUMMY_HASH)
    if user is None or not matches:
        services.limiter.failed(client, throttle_key)
        # A locked username answers a wrong guess with the wait, as it does other addresses.
        if locked_for:
            raise _too_many(locked_for)
        raise ApiError(401, "Unauthorized", "incorrect-username-password")
    services.limiter.succeeded(throttle_key)
    token = services.tokens.issue(user["user_id"])
    return {"token": token, "user": user_with_teams(services, user)}


@router.post("/api/auth/verify")
def verify(call: ApiCall) -> Any:
    user = call.services.store.get_user(call.user_id)
    return user_with_teams(call.services, user or {})


@router.post("/api/auth/logout")
def logout(call: ApiCall) -> Any:
    if call.auth.token:
        call.services.tokens.revoke(call.auth.token)
    return OK


@router.get("/api/me", auth="any")
def me(call: ApiCall) -> Any:
    user = call.auth.user
    return {
        "token": call.auth.token,
        "shareToken": call.auth.share,
        "user": None if user is None else {
            "id": user.id, "username": user.username, "role": user.role,
            "createdAt": shapes.iso(user.created_at), "isAdmin": user.is_admin,
        },
    }


@router.get("/api/config", auth="none")
def config(call: ApiCall) -> Any:
    settings = call.services.context.settings
    body: dict[str, Any] = {"cloudMode": False}
    for key, value in (("faviconUrl", settings.favicon_url), ("linksUrl", settings.links_url),
                       ("pixelsUrl", settings.pixels_url)):
        if value:
            body[key] = value
    body["privateMode"] = settings.private_mode
    body["telemetryDisabled"] = settings.disable_telemetry
    if settings.tracker_script_names:
        # As configured (comma-separated), the form the UI shows in its snippet.
        body["trackerScriptName"] = ",".join(
            name.lstrip("/") for name in settings.tracker_script_names
        )
    body["updatesDisabled"] = settings.disable_updates
    body["currentVersion"] = True
    return body


@router.get("/api/heartbeat", auth="none")
def heartbeat(call: ApiCall) -> Any:
    return OK

