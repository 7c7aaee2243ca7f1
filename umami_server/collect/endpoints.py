"""Raw ASGI handlers for the collection routes: the hot path stays free of framework layers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from umami_server.collect.link_targets import web_url
from umami_server.collect.pipeline import CollectionPipeline, HitContext, Outcome
from umami_server.collect.validation import error_tree, js_type_name
from umami_server.errors import error_body
from umami_server.http_limits import CLOSE_CONNECTION, BodyTooLarge, body_too_large, read_body
from umami_server.storage.disk_full import (
    DISK_FULL_CODE,
    DISK_FULL_MESSAGE,
    DISK_FULL_RETRY_AFTER_SECONDS,
    StorageFull,
)
from umami_server.storage.errors import (
    UNAVAILABLE_CODE,
    UNAVAILABLE_MESSAGE,
    UNAVAILABLE_RETRY_AFTER_SECONDS,
    IngestClosed,
    IngestQueueFull,
    StoreUnavailable,
)
from umami_server.storage.interface import EventStore
from umami_server.storage.records import IngestEntry

logger = logging.getLogger("umami_server.collect")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_SEND_BODY_BYTES = 256 * 1024
MAX_BATCH_BODY_BYTES = 4 * 1024 * 1024
MAX_BATCH_ITEMS = 1000
RETRY_AFTER_SECONDS = 1

TRANSPARENT_GIF = bytes.fromhex(
    "47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b"
)
JSON_HEADERS = [(b"content-type", b"application/json")]
NOT_FOUND = error_body("Not found", "not-found", 404)
BUSY = error_body("Too many events are waiting to be stored; retry shortly.", "busy", 503)
DISK_FULL = error_body(DISK_FULL_MESSAGE, DISK_FULL_CODE, 503)
UNAVAILABLE = error_body(UNAVAILABLE_MESSAGE, UNAVAILABLE_CODE, 503)
# Why a hit was not stored: the 503 body and the Retry-After seconds that go with it.
Refusal = tuple[dict[str, Any], int]


async def respond(
    send: Send,
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
    include_body: bool = True,
) -> None:
    all_headers = list(headers or [])
    all_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body if include_body else b""})


async def respond_json(
    send: Send, status: int, body: Any, retry_after: int = RETRY_AFTER_SECONDS, **kwargs: Any
) -> None:
    headers = list(JSON_HEADERS)
    if status == 503:
        headers.append((b"retry-after", str(retry_after).encode()))
    await respond(send, status, orjson.dumps(body), headers, **kwargs)


def _decode_json(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None  # Umami treats an unreadable body as absent and lets validation answer


def hit_context(scope: Scope) -> HitContext:
    headers = {
        name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
    }
    client = scope.get("client")
    return HitContext(
        headers=headers,
        peer_ip=client[0] if client else None,
        cache_token=headers.get("x-umami-cache"),
    )


class CollectionEndpoints:
    def __init__(self, pipeline: CollectionPipeline, events: EventStore, base_path: str = ""):
        self.pipeline = pipeline
        self.events = events
        self.base_path = base_path

    async def _store(self, outcomes: list[Outcome]) -> Refusal | None:
        """Make the entries of these outcomes durable; the 503 to answer when they are not."""
        entries: list[IngestEntry] = [o.entry for o in outcomes if o.entry is not None]
        if entries:
            try:
                await self.events.write(entries)
            except (IngestQueueFull, IngestClosed):
                return BUSY, RETRY_AFTER_SECONDS
            except StoreUnavailable:
                return UNAVAILABLE, UNAVAILABLE_RETRY_AFTER_SECONDS
            except StorageFull:
                return DISK_FULL, DISK_FULL_RETRY_AFTER_SECONDS
            new_sessions = [o.new_session_id for o in outcomes if o.new_session_id]
            if new_sessions:
                self.pipeline.remember_sessions(new_sessions)
        return None

    async def send(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            raw = await read_body(receive, MAX_SEND_BODY_BYTES, scope["headers"])
        except BodyTooLarge as error:
            await _refuse_body(send, error)
            return
        outcome = await self.pipeline.process(_decode_json(raw), hit_context(scope))
        refusal = await self._store([outcome])
        if refusal is not None:
            await respond_json(send, 503, refusal[0], retry_after=refusal[1])
            return
        await respond_json(send, outcome.status, outcome.body)

    async def batch(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            raw = await read_body(receive, MAX_BATCH_BODY_BYTES, scope["headers"])
        except BodyTooLarge as error:
            await _refuse_body(send, error)
            return
        items = _decode_json(raw)
        problem = _batch_problem(items)
        if problem is not None:
            await respond_json(send, 400, error_body("Bad request", "bad-request", 400, **problem))
            return
        context = hit_context(scope)
        outcomes = [await self.pipeline.process(item, context) for item in items]
        refusal = await self._store(outcomes)
        if refusal is not None:
            await respond_json(send, 503, refusal[0], retry_after=refusal[1])
            return
        details = []
        cache: str | None = None
        any_success = False
        for index, outcome in enumerate(outcomes):
            if outcome.status >= 300:
                details.append({"index": index, "response": outcome.body})
                continue
            any_success = True
            # The first token wins; bot answers carry none.
            cache = cache or outcome.body.get("cache")
        answer: dict[str, Any] = {
            "size": len(outcomes),
            "processed": len(outcomes) - len(details),
            "errors": len(details),
            "details": details,
        }
        # Umami starts from null and omits the key when successes brought no token.
        if cache or not any_success:
            answer["cache"] = cache
        await respond_json(send, 200, answer)

    async def pixel(self, scope: Scope, receive: Receive, send: Send, slug: str) -> None:
        target = await self.pipeline.sources.pixel(slug)
        include_body = scope["method"] != "HEAD"
        if target is None:
            await respond_json(send, 404, NOT_FOUND, include_body=include_body)
            return
        await self._record_hit(scope, {"pixel": target.target_id})
        headers = [
            (b"content-type", b"image/gif"),
            (b"cache-control", b"no-cache, no-store, must-revalidate"),
            (b"pragma", b"no-cache"),
            (b"expires", b"0"),
        ]
        await respond(send, 200, TRANSPARENT_GIF, headers, include_body=include_body)

    async def link(self, scope: Scope, receive: Receive, send: Send, slug: str) -> None:
        target = await self.pipeline.sources.link(slug)
        include_body = scope["method"] != "HEAD"
        if target is None or not target.url:
            await respond_json(send, 404, NOT_FOUND, include_body=include_body)
            return
        location = web_url(target.url)
        if location is None:
            # Umami fails with 500 here; a stored target that is no http(s) URL (a row from an
            # older version, or written straight to the database) is never redirected to.
            logger.warning("link %s has a target that is no http(s) URL: %r", slug, target.url)
            await respond_json(send, 404, NOT_FOUND, include_body=include_body)
            return
        await self._record_hit(scope, {"link": target.target_id})
        await respond(send, 307, b"", [(b"location", location.encode("utf-8"))])

    async def _record_hit(self, scope: Scope, source: dict[str, str]) -> None:
        """Record a pixel or link hit; whatever happens, the caller still answers."""
        context = hit_context(scope)
        payload: dict[str, Any] = {**source, "url": _request_url(scope, context.headers)}
        referer = context.headers.get("referer")
        if referer:
            payload["referrer"] = referer
        outcome = await self.pipeline.process({"type": "event", "payload": payload}, context)
        refusal = await self._store([outcome]) if outcome.entry is not None else None
        # A full disk is logged where the write failed, once a minute.
        if refusal is not None and refusal[0] is BUSY:
            logger.warning("dropped a %s hit: the store is overloaded", next(iter(source)))
        elif refusal is not None and refusal[0] is UNAVAILABLE:
            logger.warning("dropped a %s hit: the database cannot be reached",
                           next(iter(source)))


def _request_url(scope: Scope, headers: dict[str, str]) -> str:
    scheme = headers.get("x-forwarded-proto", "").split(",")[0].strip() or scope["scheme"]
    host = headers.get("x-forwarded-host") or headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if not server[1] else f"{server[0]}:{server[1]}"
    path = scope.get("raw_path") or scope["path"].encode("utf-8")
    url = f"{scheme}://{host}{path.decode('latin-1')}"
    query = scope.get("query_string") or b""
    if query:
        url += "?" + query.decode("latin-1")
    return url


async def _refuse_body(send: Send, error: BodyTooLarge) -> None:
    # Closing the connection spares reading the rest of the body.
    await respond(send, 413, orjson.dumps(body_too_large(error.limit)),
                  [*JSON_HEADERS, CLOSE_CONNECTION])


def _batch_problem(items: Any) -> dict[str, Any] | None:
    if not isinstance(items, list):
        kind = "undefined" if items is None else js_type_name(items)
        return error_tree([((), f"Invalid input: expected array, received {kind}")])
    if len(items) > MAX_BATCH_ITEMS:
        return error_tree([((), f"Too big: expected array to have <={MAX_BATCH_ITEMS} items")])
    problems: list[tuple[tuple[str | int, ...], str]] = [
        ((index,), f"Invalid input: expected object, received {js_type_name(item)}")
        for index, item in enumerate(items)
        if not isinstance(item, dict)
    ]
    return error_tree(problems) if problems else None
