"""A real HTTP server on a free loopback port that answers like Umami and records each request.

Tests point the client at `server.url`. Scripted answers (`answer_next`) replace the default
answer of a path for the next requests, e.g. a 503 with `Retry-After`; `hold()` makes the
server accept requests but not answer until `release()`.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

WEBSITE_ID = "b59e9c65-ae32-47f1-8400-119fcf4861c4"
OTHER_WEBSITE_ID = "3f2a1c9e-8d7b-4e6f-9a5b-1c2d3e4f5a6b"
UNKNOWN_WEBSITE_ID = "00000000-1111-4222-8333-444444444444"
USERNAME = "admin"
PASSWORD = "umami"
TOKEN = "token-for-admin"


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names in lower case
    body: bytes
    received_at: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class _QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that time out and hang up are part of the tests


def free_port() -> int:
    """A loopback port nothing listens on (until someone binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _error(status: int, message: str, code: str) -> Answer:
    return Answer(status, {"error": {"message": message, "code": code, "status": status}})


class LocalUmami:
    def __init__(self, port: int = 0) -> None:
        self.requests: list[RecordedRequest] = []
        self.accepted_payloads: list[dict[str, Any]] = []
        self._scripted: dict[str, deque[Answer]] = defaultdict(deque)
        self._changed = threading.Condition()
        self._released = threading.Event()
        self._released.set()
        self.has_batch_endpoint = True
        self._server = _QuietHTTPServer(("127.0.0.1", port), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    # --- test controls ------------------------------------------------------------------------

    def answer_next(self, path: str, *answers: Answer) -> None:
        with self._changed:
            self._scripted[path].extend(answers)

    def hold(self) -> None:
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._changed:
            return [request for request in self.requests if request.path == path]

    def wait_for_payloads(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The accepted event payloads once there are at least `count` (AssertionError if not)."""
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self.accepted_payloads) >= count, timeout)
            assert arrived, f"expected {count} events, got {len(self.accepted_payloads)}"
            return list(self.accepted_payloads)

    def wait_for_requests(self, path: str, count: int, timeout: float = 5.0) -> None:
        with self._changed:
            arrived = self._changed.wait_for(
                lambda: sum(r.path == path for r in self.requests) >= count, timeout
            )
            assert arrived, f"expected {count} requests to {path}"

    # --- Umami's behaviour --------------------------------------------------------------------

    def _answer(self, request: RecordedRequest) -> Answer:
        with self._changed:
            scripted = self._scripted.get(request.path)
            if scripted:
                return scripted.popleft()
        route = (request.method, request.path)
        if route == ("POST", "/api/send"):
            return self._collect(request.json())
        if route == ("POST", "/api/batch") and self.has_batch_endpoint:
            return self._collect_batch(request.json())
        if route == ("GET", "/api/heartbeat"):
            return Answer(200, {"ok": True})
        if route == ("POST", "/api/auth/login"):
            return self._login(request.json())
        if not request.path.startswith("/api/") or request.path in ("/api/send", "/api/batch"):
            return _error(404, "Not found", "not-found")
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return _error(401, "Unauthorized", "unauthorized")
        return self._data(request)

    def _collect(self, body: Any) -> Answer:
        payload = body.get("payload") if isinstance(body, dict) else None
        if not isinstance(payload, dict) or body.get("type") != "event":
            return _error(400, "Bad request", "bad-request")
        if payload.get("website") not in (WEBSITE_ID, OTHER_WEBSITE_ID):
            return _error(400, "Website not found.", "bad-request")
        with self._changed:
            self.accepted_payloads.append(payload)
            self._changed.notify_all()
        return Answer(200, {"cache": "cache-token", "sessionId": "s-1", "visitId": "v-1"})

    def _collect_batch(self, items: Any) -> Answer:
        if not isinstance(items, list):
            return _error(400, "Bad request", "bad-request")
        details = []
        for index, item in enumerate(items):
            answer = self._collect(item)
            if answer.status != 200:
                details.append({"index": index, "response": answer.body})
        summary = {
            "size": len(items),
            "processed": len(items) - len(details),
            "errors": len(details),
            "details": details,
            "cache": "cache-token",
        }
        return Answer(200, summary)

    def _login(self, credentials: dict[str, Any]) -> Answer:
        if credentials != {"username": USERNAME, "password": PASSWORD}:
            return _error(401, "Incorrect username and/or password.", "unauthorized")
        user = {
            "id": "u-1",
            "username": USERNAME,
            "role": "admin",
            "createdAt": "2026-01-01T00:00:00.000Z",
            "isAdmin": True,
        }
        return Answer(200, {"token": TOKEN, "user": user})

    def _data(self, request: RecordedRequest) -> Answer:
        if request.method == "POST" and request.path == "/api/auth/verify":
            return Answer(200, {"id": "u-1", "username": USERNAME, "role": "admin"})
        if request.method == "GET" and request.path == "/api/websites":
            site = {
                "id": WEBSITE_ID,
                "name": "Example",
                "domain": "example.com",
                "createdAt": "2026-01-01T00:00:00.000Z",
                "updatedAt": "2026-01-01T00:00:00.000Z",
            }
            return Answer(200, {"data": [site], "count": 1, "page": 1, "pageSize": 20})
        parts = request.path.split("/")  # ['', 'api', 'websites', id, what]
        if request.method == "GET" and len(parts) == 5 and parts[2] == "websites":
            if parts[4] == "stats":
                return Answer(200, self._stats(parts[3], request.query))
            if parts[4] == "active":
                return Answer(200, {"visitors": 1})
        return _error(404, "Not found", "not-found")

    def _stats(self, website_id: str, query: dict[str, list[str]]) -> dict[str, int]:
        path = query.get("path", [None])[0]
        with self._changed:
            views = [
                p
                for p in self.accepted_payloads
                if p["website"] == website_id and "name" not in p and path in (None, p["url"])
            ]
        return {"pageviews": len(views), "visitors": 1, "visits": 1, "bounces": 0, "totaltime": 0}

    # --- HTTP plumbing ------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        umami = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = RecordedRequest(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=self.rfile.read(length),
                    received_at=time.monotonic(),
                )
                with umami._changed:
                    umami.requests.append(request)
                    umami._changed.notify_all()
                umami._released.wait()
                answer = umami._answer(request)
                if answer.delay:
                    time.sleep(answer.delay)
                body = b"" if answer.body is None else json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler
