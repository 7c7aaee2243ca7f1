"""The dashboard's cookie session: a login token in an HttpOnly cookie, and CSRF tokens.

The session cookie holds the same opaque login token the REST API hands out (`TokenService`),
so logging out, changing the password or deleting the user ends a dashboard session exactly as
it ends an API token. Forms carry a CSRF token derived from a random per-browser cookie and the
session token with the server secret: a page on another origin can neither read nor forge it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "umami_session"
CSRF_COOKIE = "umami_csrf"
CSRF_FIELD = "csrf"
# A month: the token itself may expire sooner (TOKEN_LIFETIME_DAYS) and is checked on each use.
SESSION_MAX_AGE = 30 * 24 * 3600


def session_token(request: Request) -> str | None:
    token = request.cookies.get(SESSION_COOKIE)
    return token if token and len(token) <= 512 else None


def browser_key(request: Request) -> tuple[str, bool]:
    """The per-browser CSRF key, and whether it is new (and so must be set as a cookie)."""
    key = request.cookies.get(CSRF_COOKIE)
    if key and 16 <= len(key) <= 128:
        return key, False
    return secrets.token_urlsafe(24), True


def csrf_token(secret: str, key: str, token: str | None) -> str:
    message = f"{key}|{token or ''}".encode()
    return hmac.new(secret.encode(), b"csrf:" + message, hashlib.sha256).hexdigest()


def csrf_matches(secret: str, key: str, token: str | None, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(csrf_token(secret, key, token),
                                                   submitted or "")


def is_secure(request: Request, force_ssl: bool) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
    return force_ssl or request.url.scheme == "https" or forwarded == "https"


def _path(request: Request) -> str:
    return (request.scope.get("root_path") or "") + "/"


def set_session(response: Response, request: Request, token: str, secure: bool) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_MAX_AGE, path=_path(request),
                        httponly=True, samesite="lax", secure=secure)


def clear_session(response: Response, request: Request, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, path=_path(request), httponly=True,
                           samesite="lax", secure=secure)


def set_browser_key(response: Response, request: Request, key: str, secure: bool) -> None:
    response.set_cookie(CSRF_COOKIE, key, max_age=365 * 24 * 3600, path=_path(request),
                        httponly=True, samesite="lax", secure=secure)
