"""Bounded fuzzing of the routes anyone on the internet can reach, against the real server process.

Hypothesis generates methods, paths, query strings, headers and bodies for the collection routes,
login, share resolution, share pages, the tracker and the analytics API (with a valid login, an
expired or forged one, and a share token). Every answer must be below 500, come within a couple of
seconds, and the server's memory must stay flat over the whole run. The number of examples is
chosen so that the module runs in well under two minutes in CI; `UMAMI_FUZZ_EXAMPLES` raises it
for a longer local run.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import ADMIN_PASSWORD
from tests.conftest import add_website
from tests.server_process import CHROME_UA, ServerProcess

EXAMPLES = int(os.environ.get("UMAMI_FUZZ_EXAMPLES", "150"))
SLOWEST_ALLOWED_SECONDS = 2.0
# DuckDB's buffer pool and the caches may grow a little while answering; a leak per request or a
# body read whole into memory shows as hundreds of megabytes.
RSS_GROWTH_ALLOWED_MB = 120

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)


class Target:
    """The server under fuzz and the valid ids and credentials the strategies mix in."""

    def __init__(self, server: ServerProcess):
        self.server = server
        self.client = httpx.Client(base_url=server.base_url, timeout=30)
        self.website_id = add_website(server.data_dir, owner="admin")
        login = self.client.post("/api/auth/login",
                                 json={"username": "admin", "password": ADMIN_PASSWORD})
        assert login.status_code == 200, login.text
        self.token = login.json()["token"]
        auth = {"Authorization": f"Bearer {self.token}"}
        share = self.client.post(f"/api/websites/{self.website_id}/shares",
                                 json={"name": "public"}, headers=auth)
        assert share.status_code == 200, share.text
        self.share_slug = share.json()["slug"]
        self.share_token = self.client.get(f"/api/share/{self.share_slug}").json()["token"]
        pixel = self.client.post("/api/pixels", json={"name": "p", "slug": "fuzz-pixel"},
                                 headers=auth)
        assert pixel.status_code == 200, pixel.text
        link = self.client.post("/api/links", json={
            "name": "l", "slug": "fuzz-link", "url": "https://example.com/"}, headers=auth)
        assert link.status_code == 200, link.text
        self.slowest: tuple[float, str] = (0.0, "")
        self.requests = 0

    def rss_mb(self) -> float:
        assert self.server.process is not None
        with open(f"/proc/{self.server.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS line")

    def send(self, method: str, path: str, *, params: Any = None, headers: Any = None,
             content: bytes | None = None) -> httpx.Response:
        # Raw latin-1 bytes: the client would refuse non-ASCII text, a browser or a bot does not.
        raw_headers = {name: value.encode("latin-1") for name, value in (headers or {}).items()}
        started = time.monotonic()
        try:
            response = self.client.request(method, path, params=params, headers=raw_headers,
                                           content=content)
        except httpx.TransportError as error:
            # The server may close a connection on a request it refuses to parse (a malformed
            # header line); it must still be alive for the next one.
            heartbeat = self.client.get("/api/heartbeat")
            assert heartbeat.status_code == 200, (method, path, error)
            return httpx.Response(400)
        elapsed = time.monotonic() - started
        self.requests += 1
        what = f"{method} {path} params={params!r:.300} headers={headers!r:.300}"
        self.slowest = max(self.slowest, (elapsed, what))
        assert response.status_code < 500, (response.status_code, what, response.text[:500])
        assert elapsed < SLOWEST_ALLOWED_SECONDS, (elapsed, what)
        return response


@pytest.fixture(scope="module")
def target(new_data_dir: Callable[[str], Path]) -> Iterator[Target]:
    server = ServerProcess(new_data_dir("fuzz")).start()
    fuzzed = Target(server)
    try:
        yield fuzzed
    finally:
        fuzzed.client.close()
        server.stop()


@pytest.fixture(scope="module")
def memory_watch(target: Target) -> Iterator[None]:
    """Flat memory over every fuzz test of this module, measured after a warm-up request."""
    target.client.get(f"/api/websites/{target.website_id}/stats",
                      params={"startAt": 0, "endAt": 1},
                      headers={"Authorization": f"Bearer {target.token}"})
    before = target.rss_mb()
    yield
    after = target.rss_mb()
    print(f"fuzz: {target.requests} requests, RSS {before:.0f} -> {after:.0f} MB, "
          f"slowest {target.slowest[0]:.3f} s: {target.slowest[1]}")
    assert after - before < RSS_GROWTH_ALLOWED_MB, (before, after)


# --- strategies ----------------------------------------------------------------------------------

# Header values must be latin-1 without line breaks for the HTTP client to send them at all.
header_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=300,
)
long_header_text = st.builds(lambda unit, count: (unit * count)[:300_000],
                             st.sampled_from(["x", "a/", "a ", "(", "Mozilla/5.0 ", "bot", ";",
                                              "http", "1.2.3.4, "]),
                             st.integers(1, 40_000))
any_text = st.text(max_size=200)
extreme_numbers = st.one_of(
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -1, 1, 253402300799999, 253402300800000, -62135596800001,
                     2**63 - 1, -(2**63)]),
    st.floats(allow_nan=True, allow_infinity=True),
)
param_value = st.one_of(any_text, extreme_numbers.map(str), st.sampled_from([
    "", "null", "undefined", "[]", "{}", "%", "_", "'", "\\", "..", "/", "eq.x", "neq.x",
    "c.x", "dc.x", "minute", "hour", "day", "month", "year", "Europe/Berlin", "Nope/Zone",
    "prev", "yoy", "path", "url", "referrer", "browser", "os", "device", "country", "event",
    "hostname", "title", "query", "tag", "channel", "language", "screen", "region", "city",
    "entry", "exit", "utmSource", "distinctId", "0", "-1", "1e309", "NaN",
]))
param_names = st.one_of(st.sampled_from([
    "startAt", "endAt", "unit", "timezone", "type", "compare", "url", "path", "referrer",
    "title", "query", "event", "browser", "os", "device", "country", "region", "city",
    "hostname", "language", "screen", "tag", "segment", "cohort", "page", "pageSize",
    "search", "limit", "offset", "orderBy", "sortDescending", "propertyName", "dataType",
    "eventName", "propertyValue", "range", "start", "end", "tz", "filter", "next", "view",
]), st.text(min_size=1, max_size=20))
timestamps = st.one_of(extreme_numbers, st.integers(0, 253402300799999)).map(str)
# The window and its bucketing are where the costly and the overflowing inputs are, so they are
# drawn on most examples rather than left to the luck of the random names.
query_params = st.builds(
    lambda window, rest: {**rest, **window},
    st.fixed_dictionaries({}, optional={
        "startAt": timestamps, "endAt": timestamps, "compare": st.sampled_from(["prev", "yoy"]),
        "unit": st.sampled_from(["minute", "hour", "day", "week", "month", "year", "x"]),
        "timezone": st.sampled_from(["UTC", "Europe/Berlin", "America/St_Johns",
                                     "Australia/Lord_Howe", "Pacific/Kiritimati", "Nope/Zone"]),
        "type": param_value,
    }),
    st.dictionaries(param_names, param_value, max_size=6),
)

json_values = st.recursive(
    st.none() | st.booleans() | extreme_numbers | st.text(max_size=100),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=20), children, max_size=5),
    max_leaves=30,
)


def encode_json(value: Any) -> bytes:
    # The standard encoder writes integers past 64 bits and NaN as they come: fuzz material too.
    return json.dumps(value, default=str).encode()


def mostly(valid: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`valid` seven times in ten: junk ids and credentials mostly stop at 400 or 401, and the
    costly work lies behind them."""
    return st.integers(0, 9).flatmap(lambda roll: valid if roll < 7 else other)


def id_or_junk(valid: str) -> st.SearchStrategy[str]:
    return mostly(st.just(valid), st.one_of(
        st.uuids().map(str),
        st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="/?#%"),
                max_size=60),
        st.sampled_from(["..", "%2e%2e", "null", "0" * 500]),
    ))


def auth_headers(target: Target) -> st.SearchStrategy[dict[str, str]]:
    share = {"x-umami-share-token": target.share_token, "x-umami-share-context": "1"}
    return mostly(
        st.sampled_from([{"Authorization": f"Bearer {target.token}"}] * 2 + [share]),
        st.one_of(
            st.builds(lambda junk: {"Authorization": f"Bearer {junk}"}, header_text),
            st.builds(lambda junk: {"x-umami-share-token": junk, "x-umami-share-context": "1"},
                      header_text),
            st.just({}),
        ),
    )


# --- the fuzz tests ------------------------------------------------------------------------------

@FUZZ_SETTINGS
@given(data=st.data())
def test_collection_routes_answer_below_500_quickly(target: Target, memory_watch: None,
                                                     data: st.DataObject) -> None:
    website = data.draw(id_or_junk(target.website_id), label="website")
    payload = data.draw(st.one_of(
        st.fixed_dictionaries(
            {"website": st.just(website)},
            optional={
                "url": any_text, "hostname": any_text, "referrer": any_text, "title": any_text,
                "name": any_text, "language": any_text, "screen": any_text, "tag": any_text,
                "id": any_text, "userAgent": st.one_of(header_text, long_header_text),
                "ip": any_text, "timestamp": extreme_numbers, "data": json_values,
                "browser": any_text, "os": any_text, "device": any_text,
            },
        ),
        json_values,
    ), label="payload")
    event_type = data.draw(st.sampled_from(["event", "identify", "", "x"]) | any_text)
    body: Any = {"type": event_type, "payload": payload}
    path = data.draw(st.sampled_from(["/api/send", "/api/batch"]), label="path")
    if path == "/api/batch":
        body = data.draw(st.lists(st.just(body), max_size=5) | json_values)
    headers = {"Content-Type": "application/json"}
    headers["User-Agent"] = data.draw(st.one_of(st.just(CHROME_UA), header_text,
                                                long_header_text))
    headers.update(data.draw(st.dictionaries(
        st.sampled_from(["X-Forwarded-For", "True-Client-IP", "CF-Connecting-IP",
                         "x-umami-cache", "Accept-Language", "Origin", "Referer"]),
        header_text, max_size=3)))
    raw = data.draw(st.one_of(
        st.just(encode_json(body)),
        st.binary(max_size=500),
    ), label="raw body")
    target.send("POST", path, headers=headers, content=raw)


@FUZZ_SETTINGS
@given(data=st.data())
def test_pixel_link_tracker_and_share_routes_answer_below_500_quickly(
        target: Target, memory_watch: None, data: st.DataObject) -> None:
    method = data.draw(st.sampled_from(["GET", "HEAD", "POST"]))
    slug = data.draw(st.one_of(st.sampled_from(["fuzz-pixel", "fuzz-link", target.share_slug]),
                               id_or_junk(target.share_slug)))
    path = data.draw(st.sampled_from([
        f"/p/{slug}", f"/q/{slug}", f"/api/share/{slug}", f"/share/{slug}",
        f"/share/{slug}/table/path", f"/share/{slug}/export/browser", f"/share/{slug}/events",
        "/script.js", "/api/heartbeat", "/login", "/", "/api/auth/verify", "/api/me",
        "/api/config", "/websites", "/static/../../etc/passwd",
    ]))
    if method == "POST" and not path.startswith(("/login", "/api")):
        method = "GET"
    headers = data.draw(st.dictionaries(
        st.sampled_from(["User-Agent", "X-Forwarded-For", "Referer", "Accept-Encoding",
                         "Cookie", "Accept-Language", "Range", "If-None-Match"]),
        header_text, max_size=4))
    target.send(method, path, params=data.draw(query_params), headers=headers)


@FUZZ_SETTINGS
@given(data=st.data())
def test_login_answers_below_500_quickly(target: Target, memory_watch: None,
                                         data: st.DataObject) -> None:
    body = data.draw(st.one_of(
        st.fixed_dictionaries({"username": any_text | st.just("admin"),
                               "password": st.text(max_size=300) | json_values}),
        json_values,
    ))
    raw = encode_json(body)
    headers = {"Content-Type": "application/json",
               # A forwarded address per example keeps the per-IP limit out of the way where it
               # is honoured; where it is not, a 429 is a fine answer too.
               "X-Forwarded-For": data.draw(header_text)}
    target.send("POST", "/api/auth/login", headers=headers, content=raw)


@FUZZ_SETTINGS
@given(data=st.data())
def test_analytics_windows_answer_below_500_quickly(target: Target, memory_watch: None,
                                                    data: st.DataObject) -> None:
    """Well-formed calls by someone who may read the website, with any window and bucketing."""
    path = f"/api/websites/{target.website_id}/{data.draw(st.sampled_from(ANALYTICS_PATHS))}"
    params = data.draw(st.fixed_dictionaries(
        {"startAt": timestamps, "endAt": timestamps},
        optional={"unit": st.sampled_from(["minute", "hour", "day", "month", "year"]),
                  "timezone": st.sampled_from(["UTC", "Europe/Berlin", "America/St_Johns"]),
                  "compare": st.sampled_from(["prev", "yoy"]),
                  "type": st.sampled_from(["path", "browser", "event", "country"])},
    ))
    share = {"x-umami-share-token": target.share_token, "x-umami-share-context": "1"}
    headers = data.draw(st.sampled_from([{"Authorization": f"Bearer {target.token}"}, share]))
    target.send("GET", path, params=params, headers=headers)


ANALYTICS_PATHS = [
    "stats", "pageviews", "metrics", "metrics/expanded", "events", "events/series",
    "events/stats", "sessions/stats", "sessions/weekly", "sessions", "active", "daterange",
    "values", "event-data/events", "event-data/fields", "event-data/properties",
    "event-data/values", "event-data/stats", "event-data", "session-data/properties",
    "session-data/values", "export", "revenue/sessions", "reports", "segments", "shares",
]
REPORT_TYPES = ["funnel", "goal", "journey", "retention", "utm", "breakdown", "revenue",
                "attribution", "performance", "insights", "unknown"]


@FUZZ_SETTINGS
@given(data=st.data())
def test_analytics_api_answers_below_500_quickly(target: Target, memory_watch: None,
                                                 data: st.DataObject) -> None:
    website = data.draw(id_or_junk(target.website_id))
    headers = data.draw(auth_headers(target))
    if data.draw(st.booleans()):
        path = f"/api/websites/{website}/{data.draw(st.sampled_from(ANALYTICS_PATHS))}"
        target.send("GET", path, params=data.draw(query_params), headers=headers)
        return
    report = data.draw(st.sampled_from(REPORT_TYPES))
    body = data.draw(st.one_of(
        st.fixed_dictionaries({
            "websiteId": st.just(website), "type": st.just(report),
            "parameters": st.fixed_dictionaries({}, optional={
                "startDate": any_text | extreme_numbers, "endDate": any_text | extreme_numbers,
                "timezone": param_value, "unit": param_value, "steps": json_values,
                "window": extreme_numbers, "fields": json_values, "filters": json_values,
                "currency": any_text, "type": any_text, "startStep": any_text,
                "endStep": any_text, "model": any_text, "goal": json_values,
            }),
            "filters": json_values,
        }),
        json_values,
    ))
    raw = encode_json(body)
    target.send("POST", f"/api/reports/{report}", headers={**headers,
                "Content-Type": "application/json"}, content=raw)
