"""Builds the ASGI app: collection routes on a thin raw path, everything else on Starlette."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from umami_server.api.routes import api_routes
from umami_server.collect.drops import DropCounter
from umami_server.collect.endpoints import (
    UNAVAILABLE,
    CollectionEndpoints,
    Receive,
    Scope,
    Send,
    respond,
    respond_json,
)
from umami_server.collect.identity import IdentityDeriver
from umami_server.collect.pipeline import CollectionPipeline
from umami_server.collect.sources import SourceDirectory
from umami_server.config import Settings
from umami_server.context import ServerContext
from umami_server.enrich.geo import GeoLocator
from umami_server.errors import error_body
from umami_server.storage.errors import UNAVAILABLE_RETRY_AFTER_SECONDS, StoreUnavailable
from umami_server.storage.interface import Store
from umami_server.web.routes import web_routes
from umami_server.web.tracker import TrackerScript

logger = logging.getLogger("umami_server")

_DROP_FLUSH_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class _CollectRoute:
    methods: tuple[str, ...]
    handler: str  # name of the CollectionEndpoints method
    takes_slug: bool = False

    @property
    def allow_header(self) -> bytes:
        return ", ".join(sorted({*self.methods, "OPTIONS"})).encode()


_SEND = _CollectRoute(("POST",), "send")
_BATCH = _CollectRoute(("POST",), "batch")
_PIXEL = _CollectRoute(("GET", "HEAD"), "pixel", takes_slug=True)
_LINK = _CollectRoute(("GET", "HEAD"), "link", takes_slug=True)


class ResponseHeaders:
    """The headers Umami adds by path: security headers everywhere, CORS and no-cache on /api."""

    def __init__(self, settings: Settings):
        frame_ancestors = " ".join(
            part for part in ("'self'", settings.allowed_frame_urls.strip()) if part
        )
        policy = (
            "default-src 'self'; img-src 'self' https: data:; script-src 'self'; "
            "style-src 'self' 'unsafe-inline'; connect-src 'self' https:; "
            f"frame-ancestors {frame_ancestors}"
        )
        self.everywhere = [
            (b"x-dns-prefetch-control", b"on"),
            (b"content-security-policy", policy.encode()),
        ]
        if settings.force_ssl:
            self.everywhere.append(
                (b"strict-transport-security", b"max-age=63072000; includeSubDomains; preload")
            )
        self.api = [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-allow-headers", b"*"),
            (b"access-control-allow-methods", b"GET, DELETE, POST, PUT"),
            (b"access-control-max-age", str(settings.cors_max_age).encode()),
            (b"cache-control", b"no-cache"),
        ]

    def for_path(self, path: str, is_api: bool) -> list[tuple[bytes, bytes]]:
        return self.everywhere + self.api if is_api else self.everywhere


class UmamiServerApp:
    """The one ASGI app of the server."""

    def __init__(self, settings: Settings, store: Store):
        self.settings = settings
        self.store = store
        secret = settings.resolve_secret()
        self.identity = IdentityDeriver(secret, settings.salt_rotation, settings.salt_timezone)
        self.geo = GeoLocator(settings.geolite_db_path, settings.skip_location_headers)
        self.drops = DropCounter(store.metadata)
        self.sources = SourceDirectory(store.metadata)
        self.context = ServerContext(settings, store, secret, self.sources)
        self.pipeline = CollectionPipeline(
            settings, self.identity, self.sources, self.geo, self.drops
        )
        self.collect = CollectionEndpoints(self.pipeline, store.events, settings.base_path)
        self.headers = ResponseHeaders(settings)
        self.tracker = TrackerScript(settings)
        self._exact_routes: dict[str, _CollectRoute] = {"/api/send": _SEND, "/api/batch": _BATCH}
        if settings.collect_api_endpoint:
            self._exact_routes[settings.collect_api_endpoint] = _SEND
        self.api = self._build_api()

    def _build_api(self) -> Starlette:
        async def heartbeat(_: Request) -> Response:
            return JSONResponse({"ok": True})

        async def http_error(_: Request, error: Exception) -> Response:
            status = error.status_code if isinstance(error, HTTPException) else 500
            messages = {404: ("Not found", "not-found"), 405: ("Method not allowed", "method")}
            message, code = messages.get(status, ("Server error", "server-error"))
            return JSONResponse(error_body(message, code, status), status_code=status)

        return Starlette(
            routes=[
                Route("/api/heartbeat", heartbeat, methods=["GET"]),
                *api_routes(self.context),
                *web_routes(self.context),
            ],
            exception_handlers={HTTPException: http_error},
            lifespan=self._lifespan,
        )

    @contextlib.asynccontextmanager
    async def _lifespan(self, _: Starlette) -> AsyncIterator[None]:
        flusher = asyncio.create_task(self._flush_drops_forever())
        try:
            yield
        finally:
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher
            self.close()

    async def _flush_drops_forever(self) -> None:
        while True:
            await asyncio.sleep(_DROP_FLUSH_SECONDS)
            await asyncio.to_thread(self.drops.flush)

    def close(self) -> None:
        self.drops.flush()
        self.geo.close()
        self.store.close()

    def _collect_route(self, path: str) -> tuple[_CollectRoute, str] | None:
        route = self._exact_routes.get(path)
        if route is not None:
            return route, ""
        for prefix, candidate in (("/p/", _PIXEL), ("/q/", _LINK)):
            if path.startswith(prefix):
                slug = path[len(prefix):]
                if slug and "/" not in slug:
                    return candidate, slug
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.api(scope, receive, send)
            return
        path: str = scope["path"]
        base = self.settings.base_path
        if base:
            if path != base and not path.startswith(base + "/"):
                await respond(send, 404, b"")
                return
            path = path[len(base):] or "/"
            scope = {**scope, "path": path, "root_path": scope.get("root_path", "") + base}
        is_api = path.startswith("/api/") or path == self.settings.collect_api_endpoint
        extra_headers = self.headers.for_path(path, is_api)

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra_headers]
            await send(message)

        if path in self.tracker.paths:
            await self.tracker(scope, receive, send_with_headers)
            return
        match = self._collect_route(path)
        if match is None:
            await self.api(scope, receive, send_with_headers)
            return
        route, slug = match
        method = scope["method"]
        if method == "OPTIONS":
            await respond(send_with_headers, 204, b"", [(b"allow", route.allow_header)])
            return
        if method not in route.methods:
            await respond(send_with_headers, 405, b"", [(b"allow", route.allow_header)])
            return
        handler = getattr(self.collect, route.handler)
        arguments = (slug,) if route.takes_slug else ()
        try:
            await handler(scope, receive, send_with_headers, *arguments)
        except StoreUnavailable as error:
            # A lookup (website, pixel, link) met a database that is away: retry, not a bug.
            logger.warning("collection request to %s: the database cannot be reached: %s",
                           path, error)
            await respond_json(send_with_headers, 503, UNAVAILABLE,
                               retry_after=UNAVAILABLE_RETRY_AFTER_SECONDS)
        except Exception:
            # A bug, never an expected answer: log it and keep the envelope clients understand.
            logger.exception("collection request to %s failed", path)
            await respond(
                send_with_headers, 500,
                b'{"error":{"message":"Server error","code":"server-error","status":500}}',
                [(b"content-type", b"application/json")],
            )
