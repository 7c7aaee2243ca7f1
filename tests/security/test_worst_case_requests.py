"""The most expensive single request we know of for each public route, against the real server.

Each must be answered below 500 within a generous bound, and while it runs, a heartbeat sent
alongside must still be answered promptly: one hostile request may not freeze the event loop or
starve the worker threads. The bounds are far above what these requests cost when the server
is healthy (milliseconds) and far below what they cost when it is not (seconds to minutes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import ADMIN_PASSWORD
from tests.conftest import add_website
from tests.server_process import CHROME_UA, ServerProcess

SLOWEST_ALLOWED_SECONDS = 2.0
HEARTBEAT_ALLOWED_SECONDS = 1.0
# The widest window the server accepts, 0001-01-03 to 9999-12-29 (UTC, in ms): wider ones are
# refused before any query runs, which would leave the stores' side of these requests untested.
EARLIEST_MS, LATEST_MS = -62_135_424_000_000, 253_402_041_600_000
MILLENNIA = {"startAt": str(EARLIEST_MS), "endAt": str(LATEST_MS)}
# Its later half: the period before it, which stats compares with, still starts in range.
LATER_MILLENNIA = {"startAt": str((EARLIEST_MS + LATEST_MS) // 2 + 86_400_000),
                   "endAt": str(LATEST_MS)}


@dataclass
class Site:
    server: ServerProcess
    website_id: str
    token: str
    share_slug: str
    share_token: str

    @property
    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def share(self) -> dict[str, str]:
        return {"x-umami-share-token": self.share_token, "x-umami-share-context": "1"}


@pytest.fixture(scope="module")
def site(new_data_dir: Callable[[str], Path]) -> Iterator[Site]:
    # On PostgreSQL a query running longer is cancelled, which bounds any plan it might choose.
    server = ServerProcess(new_data_dir("worst"), {"UMAMI_QUERY_TIMEOUT_SECONDS": "1"}).start()
    try:
        website_id = add_website(server.data_dir, owner="admin")
        with server.client() as client:
            token = client.post("/api/auth/login", json={
                "username": "admin", "password": ADMIN_PASSWORD}).json()["token"]
            slug = client.post(f"/api/websites/{website_id}/shares", json={"name": "s"},
                               headers={"Authorization": f"Bearer {token}"}).json()["slug"]
            share_token = client.get(f"/api/share/{slug}").json()["token"]
            # Some traffic, so that the queries below have rows to walk.
            for number in range(50):
                client.post("/api/send", headers={"User-Agent": CHROME_UA}, json={
                    "type": "event", "payload": {"website": website_id,
                                                 "url": f"/page/{number % 7}",
                                                 "hostname": "example.com"}})
            client.post("/api/send", headers={"User-Agent": CHROME_UA}, json={
                "type": "event", "payload": {"website": website_id, "url": LONG_PATH,
                                             "hostname": "example.com"}})
        yield Site(server, website_id, token, slug, share_token)
    finally:
        server.stop()


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body sent with chunked transfer encoding (no Content-Length to refuse it by)."""
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size


Request = Callable[[Site, httpx.Client], httpx.Response]


def send_event(headers: dict[str, str], payload: dict[str, object]) -> Request:
    def run(site: Site, client: httpx.Client) -> httpx.Response:
        return client.post("/api/send", headers=headers, json={
            "type": "event", "payload": {"website": site.website_id, "url": "/", **payload}})
    return run


def get(path: str, params: dict[str, str] | None = None, auth: str = "") -> Request:
    def run(site: Site, client: httpx.Client) -> httpx.Response:
        headers = {"admin": site.admin, "share": site.share}.get(auth, {})
        url = path.format(website=site.website_id, slug=site.share_slug)
        return client.get(url, params=params, headers=headers)
    return run


def post(path: str, content: bytes | Callable[[], Iterator[bytes]], auth: str = "",
         content_type: str = "application/json") -> Request:
    def run(site: Site, client: httpx.Client) -> httpx.Response:
        headers = {"admin": site.admin, "share": site.share}.get(auth, {})
        body = (content() if callable(content)
                else content.replace(b"{website}", site.website_id.encode()))
        return client.post(path.format(website=site.website_id), content=body,
                           headers={**headers, "Content-Type": content_type})
    return run


LONG_UA = "Mozilla/5.0 " + "x" * (256 * 1024)
LONG_PATH = "/" + "a" * 300
# Back-references make a backtracking search: on a long path, PostgreSQL's engine would run
# for minutes (RE2, the embedded store's, has none).
BACKREFERENCES = r"re.^(.*)(.*)(.*)(.*)(.*)\5\4\3\2\1$"
NESTED = b"[" * 200_000 + b"]" * 200_000
EVERY_FILTER = {name: "%_" * 600 for name in (
    "path", "referrer", "title", "query", "browser", "os", "device", "country", "region",
    "city", "hostname", "language", "screen", "event", "tag", "distinctId")}

WORST_CASES: dict[str, Request] = {
    "send: 256 KB User-Agent header": send_event({"User-Agent": LONG_UA}, {}),
    "send: 256 KB payload.userAgent": send_event({"User-Agent": CHROME_UA},
                                                 {"userAgent": LONG_UA[:200_000]}),
    "send: 64 KB token without spaces": send_event({"User-Agent": "a/" * 32_000}, {}),
    "send: deeply nested body": post("/api/send", NESTED),
    "send: 50 MB chunked body": post("/api/send", lambda: chunks(50 * 1024 * 1024)),
    "batch: 50 MB chunked body": post("/api/batch", lambda: chunks(50 * 1024 * 1024)),
    "login: 50 MB chunked body": post("/api/auth/login", lambda: chunks(50 * 1024 * 1024)),
    "login: 1 MB password": post("/api/auth/login",
                                 b'{"username":"admin","password":"' + b"p" * 2**20 + b'"}'),
    "login page: 50 MB chunked form": post("/login", lambda: chunks(50 * 1024 * 1024),
                                           content_type="application/x-www-form-urlencoded"),
    "share: 8 KB slug": get("/api/share/" + "s" * 8000),
    "share page: millennia in a DST zone": get("/share/{slug}", {
        "range": "custom", "start": "5001-01-01", "end": "9999-12-27", "tz": "Europe/Berlin"}),
    "pageviews: millennia by the hour": get("/api/websites/{website}/pageviews", {
        **MILLENNIA, "unit": "hour", "timezone": "Europe/Berlin"}, auth="share"),
    "pageviews: millennia, year before year one": get("/api/websites/{website}/pageviews", {
        **MILLENNIA, "compare": "yoy"}, auth="admin"),
    "stats: every filter, wildcard heavy": get("/api/websites/{website}/stats", {
        **LATER_MILLENNIA, **EVERY_FILTER}, auth="share"),
    "stats: back-references over a long path": get("/api/websites/{website}/stats", {
        **LATER_MILLENNIA, "path": BACKREFERENCES}, auth="share"),
    "metrics: 8 KB search": get("/api/websites/{website}/metrics", {
        **MILLENNIA, "type": "path", "search": "%_" * 4000}, auth="share"),
    "sessions/weekly: millennia": get("/api/websites/{website}/sessions/weekly", {
        **MILLENNIA, "timezone": "America/St_Johns"}, auth="admin"),
    # Reports walk days: 27 years is about the most days (10,000) a report window may hold.
    "journey: seven steps over 27 years": post("/api/reports/journey", (
        b'{"websiteId":"{website}","type":"journey","filters":{},"parameters":{'
        b'"startDate":"2010-01-01T00:00:00Z","endDate":"2037-01-01T00:00:00Z","steps":7}}'),
        auth="admin"),
    "retention: 27 years": post("/api/reports/retention", (
        b'{"websiteId":"{website}","type":"retention","filters":{},"parameters":{'
        b'"startDate":"2010-01-01T00:00:00Z","endDate":"2037-01-01T00:00:00Z",'
        b'"timezone":"Europe/Berlin"}}'), auth="admin"),
    "pixel: 8 KB slug": get("/p/" + "p" * 8000),
    "link: 8 KB slug": get("/q/" + "q" * 8000),
    "tracker: 8 KB query": get("/script.js", {"v": "x" * 8000}),
    "any route: 5,000 query parameters": get("/api/websites/{website}/stats", {
        **LATER_MILLENNIA, **{f"p{number}": "x" for number in range(5000)}}, auth="share"),
}
# Requests that are valid, however costly: the store must answer them (200), not merely refuse
# them early, or the case would no longer measure what the store does with them.
ANSWERED = {
    "share page: millennia in a DST zone", "pageviews: millennia by the hour",
    "stats: every filter, wildcard heavy", "metrics: 8 KB search", "sessions/weekly: millennia",
    "journey: seven steps over 27 years", "retention: 27 years",
    "any route: 5,000 query parameters",
}


@pytest.mark.parametrize("case", list(WORST_CASES))
def test_worst_case_request_is_bounded_and_does_not_stall_others(site: Site, case: str) -> None:
    heartbeats: list[float] = []
    stop = threading.Event()

    def beat() -> None:
        with httpx.Client(base_url=site.server.base_url, timeout=30) as client:
            while not stop.is_set():
                started = time.monotonic()
                assert client.get("/api/heartbeat").status_code == 200
                heartbeats.append(time.monotonic() - started)
                time.sleep(0.05)

    beater = threading.Thread(target=beat, daemon=True)
    beater.start()
    while not heartbeats and beater.is_alive():
        time.sleep(0.01)
    try:
        with httpx.Client(base_url=site.server.base_url, timeout=60) as client:
            started = time.monotonic()
            try:
                response = WORST_CASES[case](site, client)
                status, text = response.status_code, response.text[:300]
            except (httpx.RemoteProtocolError, httpx.WriteError) as error:
                # Refusing a body mid-upload closes the connection before the client finishes.
                status, text = 413, str(error)
            elapsed = time.monotonic() - started
    finally:
        stop.set()
        beater.join(30)
    assert status < 500, (case, status, text)
    if case in ANSWERED:
        assert status == 200, (case, status, text)
    assert elapsed < SLOWEST_ALLOWED_SECONDS, (case, elapsed)
    assert heartbeats, "the heartbeat client failed"
    assert max(heartbeats) < HEARTBEAT_ALLOWED_SECONDS, (case, max(heartbeats))
