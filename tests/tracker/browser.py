"""Test kit for the tracker: Debian's Chromium driven by Playwright, a local site embedding the
script cross-origin (pages on `localhost`, the server on `127.0.0.1`), and a network log."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Request
from playwright.sync_api import Error as PlaywrightError

from tests.server_process import CHROME_UA, free_port

CHROMIUM = os.environ.get("UMAMI_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # The machine is offline: without these Chromium keeps retrying its own background calls.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A desktop UA for every request, so the server's bot check lets the hits in. Set at launch:
    # a per-context override is lost on keepalive requests that outlive their page (pagehide).
    f"--user-agent={CHROME_UA}",
]


def launch_chromium(playwright: Playwright) -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's package "
            "(apt-get install -y chromium) or set UMAMI_TEST_CHROMIUM",
            pytrace=False,
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


class Site:
    """A stdlib HTTP server for test pages: `add(path, html)` publishes a page on localhost."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.port = free_port()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.pages.get(self.path.split("?")[0].split("#")[0])
                self.send_response(200 if body is not None else 404)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *_: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def origin(self) -> str:
        return f"http://localhost:{self.port}"

    def add(self, path: str, html: str) -> str:
        self.pages[path] = html.encode()
        return self.origin + path

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


def tracker_tag(src: str, website_id: str | None, **attributes: str) -> str:
    """The snippet `<script defer src data-website-id>`, plus data-* attributes (a_b → a-b)."""
    names = {"website-id": website_id} if website_id is not None else {}
    names.update({key.replace("_", "-"): value for key, value in attributes.items()})
    rendered = "".join(f' data-{key}="{value}"' for key, value in names.items())
    return f'<script defer src="{src}"{rendered}></script>'


def page_html(title: str, head: str = "", body: str = "") -> str:
    return (
        f"<!doctype html><html><head><title>{title}</title>{head}</head>"
        f"<body>{body}</body></html>"
    )


class Sent:
    """One POST the tracker made to the collect endpoint, with the server's reply."""

    def __init__(self, request: Request):
        self.request = request
        self.url = request.url

    @property
    def body(self) -> dict[str, Any]:
        return json.loads(self.request.post_data or "null")

    @property
    def type(self) -> str:
        return self.body["type"]

    @property
    def payload(self) -> dict[str, Any]:
        return self.body["payload"]

    @property
    def cache_header(self) -> str | None:
        return self.request.all_headers().get("x-umami-cache")

    def reply(self) -> Any:
        response = self.request.response()
        return response.json() if response is not None else None

    def freeze(self) -> Sent:
        """Read everything now: a reply body is gone once its page navigates away."""
        try:
            reply = self.reply()
        except PlaywrightError:  # a beacon sent while its page was unloading
            reply = None
        return FrozenSent(self.url, self.body, self.cache_header, reply)


class FrozenSent(Sent):
    def __init__(self, url: str, body: dict[str, Any], cache_header: str | None, reply: Any):
        self.url = url
        self._body = body
        self._cache_header = cache_header
        self._reply = reply

    @property
    def body(self) -> dict[str, Any]:
        return self._body

    @property
    def cache_header(self) -> str | None:
        return self._cache_header

    def reply(self) -> Any:
        return self._reply


class NetworkLog:
    """Every request of a browser context, in order, and which of them have completed."""

    def __init__(self, context: BrowserContext, endpoint_path: str = "/api/send"):
        self.endpoint_path = endpoint_path
        self.requests: list[Request] = []
        self.done: list[Request] = []
        self.timeline: list[tuple[str, Request]] = []  # ("start" | "end", request), in order
        self._frozen: dict[Request, Sent] = {}
        context.on("request", self._started)
        context.on("requestfinished", self._ended)
        context.on("requestfailed", self._ended)

    def _started(self, request: Request) -> None:
        self.requests.append(request)
        self.timeline.append(("start", request))

    def _ended(self, request: Request) -> None:
        if self.is_send(request):
            self._frozen[request] = Sent(request).freeze()
        self.done.append(request)
        self.timeline.append(("end", request))

    def is_send(self, request: Request) -> bool:
        return request.method == "POST" and request.url.endswith(self.endpoint_path)

    @property
    def sends(self) -> list[Sent]:
        return [
            self._frozen.get(request) or Sent(request)
            for request in self.requests
            if self.is_send(request)
        ]

    def lines(self) -> list[str]:
        """`METHOD url` of every request, for exact comparisons."""
        return [f"{request.method} {request.url}" for request in self.requests]

    def wait_for_sends(self, page: Page, count: int, timeout: float = 10.0) -> list[Sent]:
        """Wait until `count` sends have completed, then return all sends so far."""
        deadline = time.monotonic() + timeout
        while sum(1 for request in self.done if self.is_send(request)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {count} sends, saw {len(self.sends)}: "
                    f"{[sent.body for sent in self.sends]}"
                )
            page.wait_for_timeout(20)
        return self.sends

    def settle(self, page: Page, quiet_ms: int = 450) -> list[Sent]:
        """Wait until nothing was sent for `quiet_ms` (longer than the tracker's 300 ms delay)."""
        seen = -1
        while seen != len(self.requests):
            seen = len(self.requests)
            page.wait_for_timeout(quiet_ms)
        return self.wait_for_sends(page, len(self.sends))


@contextmanager
def browsing(browser: Browser, **options: Any) -> Iterator[tuple[Page, NetworkLog]]:
    """A fresh context (own storage, cache and cookies) and page; JS errors fail the test."""
    endpoint = options.pop("endpoint_path", "/api/send")
    context = browser.new_context(
        **{"viewport": {"width": 1280, "height": 720}, "screen": {"width": 1280, "height": 720},
           **options}
    )
    errors: list[str] = []
    try:
        log = NetworkLog(context, endpoint)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page, log
        assert not errors, f"JavaScript errors on the page: {errors}"
    finally:
        context.close()
