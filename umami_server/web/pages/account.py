"""Logging in and out, the start page, and the profile (password change)."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from umami_server.api.transport import ApiError
from umami_server.web import session
from umami_server.web.dashboard import Dashboard, WebRequest, api_message

# Printable ASCII other than space goes out as it is; the rest of a Location is percent-encoded.
_LOCATION_SAFE = "".join(chr(code) for code in range(0x21, 0x7F))


def _is_local_path(value: str) -> bool:
    # Browsers drop tabs and newlines inside a URL and read a backslash as `/`, so `/<TAB>/host`
    # and `/<backslash>host` are `//host` to them: both are refused outright.
    return (value.startswith("/") and not value.startswith("//") and "\\" not in value
            and not any(ord(char) < 0x20 or ord(char) == 0x7F for char in value))


def _safe_next(target: str | None) -> str:
    """A path on this site to go to after login, or "" for the dashboard home.

    Checked as given and once more percent-decoded, so that whatever decodes it later still
    finds a path on this site and never a host or scheme.
    """
    if not target or not _is_local_path(target) or not _is_local_path(unquote(target)):
        return ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return ""
    return quote(target, safe=_LOCATION_SAFE)


def home(web: WebRequest) -> Response:
    return web.redirect("/websites")


def login_form(web: WebRequest) -> Response:
    if web.user is not None:
        return web.redirect("/websites")
    return web.render("login.html", next=_safe_next(web.query.get("next")), username="",
                      failed=None)


def login(web: WebRequest) -> Response:
    username = web.form.get("username", "")
    target = _safe_next(web.form.get("next"))
    try:
        answer = web.api("POST", "/api/auth/login",
                         body={"username": username, "password": web.form.get("password", "")})
    except ApiError as error:
        message = ("Incorrect username or password." if error.status == 401
                   else api_message(error))
        return web.render("login.html", error.status if error.status != 401 else 401,
                          next=target, username=username, failed=message)
    root = web.request.scope.get("root_path") or ""
    response = web.redirect("/websites")
    if target:
        response.headers["location"] = root + target
    session.set_session(response, web.request, answer["token"], web.secure)
    return response


def logout(web: WebRequest) -> Response:
    if web.auth.token:
        web.dashboard.services.tokens.revoke(web.auth.token)
    response = web.redirect("/login")
    session.clear_session(response, web.request, web.secure)
    return response


def profile(web: WebRequest) -> Response:
    return web.render("profile.html", section="profile")


def change_password(web: WebRequest) -> Response:
    if web.form.get("newPassword") != web.form.get("confirmPassword"):
        return web.redirect("/profile", error="The new passwords do not match.")
    body = {name: web.form.get(name, "") for name in ("currentPassword", "newPassword")}
    return web.act(lambda: web.api("POST", "/api/me/password", body=body), "/profile",
                   "Password changed. Other sessions were logged out.")


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    page = dashboard.page
    return [
        Route("/", page(home), methods=["GET"]),
        Route("/login", page(login_form, login=False), methods=["GET"]),
        Route("/login", page(login, login=False), methods=["POST"]),
        Route("/logout", page(logout, login=False), methods=["POST"]),
        Route("/profile", page(profile), methods=["GET"]),
        Route("/profile/password", page(change_password), methods=["POST"]),
    ]
