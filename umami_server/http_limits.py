"""What one connection may send the server, and how long it may take.

Bodies are read piece by piece and refused (413) as soon as they pass the route's limit, whether
their length is declared or they come chunked: every route that reads a body does so through
`read_body`, and one that does not holds at most uvicorn's flow-control buffer (64 KB) of it.
The request head (request line and headers) is bounded by `GuardedHttpToolsProtocol`: httptools
has no such limit and buffers a header for as long as its bytes keep coming. The same protocol
closes connections that send nothing, or trickle their head, for longer than the timeouts below.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from umami_server.errors import error_body

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]

# Request line plus headers. Real heads stay under 16 KB even with big cookies; nginx's default
# buffers allow 32 KB, so this leaves room for whatever a proxy in front adds.
MAX_HEAD_BYTES = 64 * 1024
# The largest body a route outside collection takes (management JSON); forms take less.
MAX_BODY_BYTES = 1024 * 1024
# A connection must send its first request within this many seconds of opening (or its next one
# after an answer), and a request head must be complete this long after its first byte arrived.
KEEP_ALIVE_SECONDS = 5
HEAD_TIMEOUT_SECONDS = 10

# Sent with every refusal: the rest of what the client sends is not read.
CLOSE_CONNECTION = (b"connection", b"close")


class BodyTooLarge(Exception):
    """The request body passed `limit` bytes; nothing more of it was read."""

    def __init__(self, limit: int):
        super().__init__(f"Request body is larger than {limit} bytes.")
        self.limit = limit


def body_too_large(limit: int) -> dict[str, Any]:
    return error_body(f"Request body is larger than {limit} bytes.", "payload-too-large", 413)


def _declared_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name.lower() == b"content-length" and value.strip().isdigit():
            return int(value)
    return None


async def read_body(receive: Receive, limit: int,
                    headers: list[tuple[bytes, bytes]] | None = None) -> bytes:
    """The whole body, read message by message; BodyTooLarge as soon as it passes `limit`.

    `headers` are the raw ASGI headers: a declared Content-Length over the limit is refused
    before any of the body is read.
    """
    declared = _declared_length(headers or [])
    if declared is not None and declared > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class _HeadTooLarge(Exception):
    pass


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bound on the request head and on idle connections.

    uvicorn arms its keep-alive timer only after an answer and cancels it on any byte, so a
    connection that never sends a request, or sends one byte at a time, stayed open for good.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Exact size of the head being parsed, from the parser's URL and header callbacks.
        self._head_size = 0
        # Bytes received while one head stayed incomplete: a header still being sent reaches
        # no callback until it ends, and the parser buffers it meanwhile.
        self._pending_head_bytes = 0
        self._reading_head = True
        self._messages_begun = 0
        self._head_timer: asyncio.TimerHandle | None = None
        self._refusal: tuple[int, dict[str, Any]] | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._reading_head and self._head_timer is None:
            self._head_timer = self.loop.call_later(HEAD_TIMEOUT_SECONDS, self._head_timed_out)
        was_reading_head, begun = self._reading_head, self._messages_begun
        super().data_received(data)
        if not self._reading_head or self.transport.is_closing():
            return
        # Counted only when all of `data` belonged to one unfinished head; a chunk that began it
        # is not, so the bound is off by at most one read (what the loop reads at once).
        if was_reading_head and begun == self._messages_begun:
            self._pending_head_bytes += len(data)
            if self._pending_head_bytes > MAX_HEAD_BYTES:
                self._refuse(*_HEAD_TOO_LARGE)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._messages_begun += 1
        self._head_size = 0
        self._pending_head_bytes = 0

    def on_url(self, url: bytes) -> None:
        self._count_head(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_head(len(name) + len(value) + 4)  # ": " and CRLF
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._stop_head_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._reading_head = True

    def send_400_response(self, msg: str) -> None:
        # A callback that raised ends parsing as a parser error; answer with its own refusal.
        if self._refusal is not None:
            self._refuse(*self._refusal)
        else:
            super().send_400_response(msg)

    def _count_head(self, size: int) -> None:
        self._head_size += size
        if self._head_size > MAX_HEAD_BYTES:
            self._refusal = _HEAD_TOO_LARGE
            raise _HeadTooLarge()

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._reading_head and not self.transport.is_closing():
            self._refuse(*_HEAD_TIMEOUT)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _refuse(self, status: int, body: dict[str, Any]) -> None:
        """Answer and close, whatever the client still sends."""
        payload = orjson.dumps(body)
        head = [STATUS_LINE[status]]
        head.extend(name + b": " + value + b"\r\n" for name, value in (
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            CLOSE_CONNECTION,
        ))
        self.transport.write(b"".join(head) + b"\r\n" + payload)
        self.transport.close()


_HEAD_TOO_LARGE = (431, error_body(
    f"The request line and headers are larger than {MAX_HEAD_BYTES} bytes.",
    "headers-too-large", 431))
_HEAD_TIMEOUT = (408, error_body(
    f"The request line and headers took longer than {HEAD_TIMEOUT_SECONDS} seconds to arrive.",
    "request-timeout", 408))
