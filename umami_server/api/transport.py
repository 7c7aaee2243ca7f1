"""How every /api route answers: raw JSON bodies, Umami's error envelope, and the fixed order
parse (400) -> authenticate (401) -> check permission (401) -> work.

Resource modules declare handlers on an `ApiRouter`; handlers are plain functions that run in a
worker thread (the metadata store and bcrypt block), receive an `ApiCall` and return the JSON
value or raise `ApiError`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from umami_server.auth.context import Auth
from umami_server.auth.share_scope import SHARE_ROUTES, ShareRoute, scoped
from umami_server.errors import error_body
from umami_server.http_limits import (
    CLOSE_CONNECTION,
    MAX_BODY_BYTES,
    BodyTooLarge,
    body_too_large,
    read_body,
)
from umami_server.storage.disk_full import (
    DISK_FULL_CODE,
    DISK_FULL_MESSAGE,
    DISK_FULL_RETRY_AFTER_SECONDS,
    disk_full_log,
    is_disk_full,
)
from umami_server.storage.errors import (
    UNAVAILABLE_CODE,
    UNAVAILABLE_MESSAGE,
    UNAVAILABLE_RETRY_AFTER_SECONDS,
    StoreUnavailable,
)
from umami_server.storage.interface import InvalidQuery, QueryTooLarge

if TYPE_CHECKING:
    from umami_server.api.services import ApiServices

logger = logging.getLogger("umami_server.api")



class ApiError(Exception):
    """An answer in Umami's error envelope."""

    def __init__(self, status: int, message: str, code: str,
                 headers: Mapping[str, str] | None = None, **extra: Any):
        super().__init__(message)
        self.status = status
        self.body = error_body(message, code, status, **extra)
        self.headers = dict(headers or {})


def bad_request(message: str = "Bad request", code: str = "bad-request", **extra: Any) -> ApiError:
    return ApiError(400, message, code, **extra)


def unauthorized(message: str = "Unauthorized", code: str = "unauthorized") -> ApiError:
    return ApiError(401, message, code)


def not_found(message: str = "Not found", code: str = "not-found") -> ApiError:
    return ApiError(404, message, code)


OK = {"ok": True}


@dataclass(slots=True)
class ApiCall:
    """One request as a handler sees it."""

    services: ApiServices
    params: dict[str, str]
    headers: dict[str, str]
    peer_ip: str | None
    query: Any = None
    body: Any = None
    auth: Auth = field(default_factory=lambda: Auth(None, None, None))
    # The raw query string, for the share scope's checks (auth/share_scope.py).
    query_params: dict[str, str] = field(default_factory=dict)

    @property
    def user_id(self) -> str:
        """The caller's user id; only for handlers of routes that require a user."""
        assert self.auth.user is not None
        return self.auth.user.id


Handler = Callable[[ApiCall], Any]


@dataclass(frozen=True, slots=True)
class Endpoint:
    run: Handler
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    # "user": a logged-in user is needed; "any": a user or a share token; "none": public.
    auth: str = "user"
    # Set from the share allow-list: what a share token may read here (None: nothing).
    share: ShareRoute | None = None


class ApiRouter:
    """Collects a resource module's endpoints; `routes()` turns them into Starlette routes."""

    def __init__(self) -> None:
        self.endpoints: dict[str, dict[str, Endpoint]] = {}

    def _add(self, method: str, path: str, **options: Any) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.endpoints.setdefault(path, {})[method] = Endpoint(
                handler, share=SHARE_ROUTES.get((method, path)), **options)
            return handler

        return register

    def get(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self._add("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self._add("POST", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self._add("DELETE", path, **options)

    def routes(self, services: ApiServices) -> list[BaseRoute]:
        return [
            Route(path, _dispatcher(services, methods), methods=[*methods, "OPTIONS"])
            for path, methods in self.endpoints.items()
        ]


def json_response(value: Any, status: int = 200,
                  headers: Mapping[str, str] | None = None) -> Response:
    return Response(orjson.dumps(value), status, headers=dict(headers or {}),
                    media_type="application/json")


def too_large_response(error: BodyTooLarge) -> Response:
    """413, and the connection is closed rather than the rest of the body read."""
    name, value = CLOSE_CONNECTION
    return json_response(body_too_large(error.limit), 413, {name.decode(): value.decode()})


def _decode(raw: bytes) -> Any:
    try:
        return orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        return None  # as Umami: an unreadable body is an absent one, and validation answers


def _dispatcher(services: ApiServices, methods: dict[str, Endpoint]) -> Callable[..., Any]:
    from umami_server.api.validation import parse

    async def dispatch(request: Request) -> Response:
        if request.method == "OPTIONS":
            allow = ", ".join(sorted({*methods, "OPTIONS"}))
            return Response(status_code=204, headers={"allow": allow})
        # Starlette routes every GET for HEAD too; HEAD answers as GET (the server drops the body).
        endpoint = methods["GET" if request.method == "HEAD" else request.method]
        try:
            call = ApiCall(
                services=services,
                params=dict(request.path_params),
                headers={name.lower(): value for name, value in request.headers.items()},
                peer_ip=request.client.host if request.client else None,
                query_params=dict(request.query_params.items()),
            )
            if endpoint.query is not None:
                call.query = parse(endpoint.query, call.query_params)
            if endpoint.body is not None:
                # Management bodies are small: refused as soon as one passes the limit.
                raw = await read_body(request.receive, MAX_BODY_BYTES, request.scope["headers"])
                call.body = parse(endpoint.body, _decode(raw))
            result = await run_in_threadpool(_run, endpoint, call)
            return result if isinstance(result, Response) else json_response(result)
        except ApiError as error:
            return json_response(error.body, error.status, error.headers)
        except BodyTooLarge as error:
            return too_large_response(error)
        except QueryTooLarge as error:
            logger.warning("%s %s: %s", request.method, request.url.path, error)
            return json_response(error_body(error.advice, "query-too-large", 503), 503)
        except StoreUnavailable as error:
            logger.warning("%s %s: the database cannot be reached: %s", request.method,
                           request.url.path, error)
            return json_response(error_body(UNAVAILABLE_MESSAGE, UNAVAILABLE_CODE, 503), 503,
                                 {"retry-after": str(UNAVAILABLE_RETRY_AFTER_SECONDS)})
        except InvalidQuery as error:  # a value the database refuses: the request's fault
            logger.info("%s %s refused: %s", request.method, request.url.path, error)
            return json_response(error_body("Bad request", "bad-request", 400), 400)
        except Exception as error:
            if is_disk_full(error):
                disk_full_log.refused("metadata database")
                return json_response(error_body(DISK_FULL_MESSAGE, DISK_FULL_CODE, 503), 503,
                                     {"retry-after": str(DISK_FULL_RETRY_AFTER_SECONDS)})
            logger.exception("%s %s failed", request.method, request.url.path)
            return json_response(error_body("Server error", "server-error", 500), 500)

    return dispatch


def authorize(endpoint: Endpoint, call: ApiCall, auth: Auth) -> None:
    """Set the caller as the route sees them (share scope applied); 401 if that is nobody."""
    call.auth = scoped(auth, endpoint.share, call.query_params)
    if call.auth.user is None and (endpoint.auth == "user" or call.auth.share is None):
        raise unauthorized()


def _run(endpoint: Endpoint, call: ApiCall) -> Any:
    if endpoint.auth != "none":
        authorize(endpoint, call, call.services.tokens.authenticate(call.headers))
    return endpoint.run(call)
