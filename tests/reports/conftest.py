"""One real server per report test module and store, filled with small hand-built event sets
(one website per report) whose answers can be worked out by hand. Events are back-dated with
`payload.timestamp`; visitors are pinned with `payload.id` (a distinct id gives a stable session),
and a visit is a clock hour of one session (no cache token is sent)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import ADMIN_PASSWORD, Api, assert_error, login
from tests.conftest import add_website
from tests.queries.examples import CHROME, FIREFOX, IPHONE, write_geo_database
from tests.server_process import ServerProcess
from tests.web.conftest import api_token, logged_in_client

T = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)  # a Monday
GB_IP, US_IP = "81.2.69.142", "216.160.83.56"


def assert_too_large(response: httpx.Response, setting: str) -> None:
    """A 503 `query-too-large` whose advice names the limit the query ran into."""
    assert setting in assert_error(response, 503, "query-too-large")["message"]


def answers_under_limit(
    data_dir: Path, env: dict[str, str], website: str,
    reports: list[tuple[str, dict[str, Any], dict[str, Any]]], page: str,
    checked: Callable[[], None] = lambda: None,
) -> list[httpx.Response]:
    """From a server on `data_dir` started with `env` (a limit, say): the answers of `reports`
    (type, parameters, filters), then of the dashboard's report `page` (a path and query), then
    of a management call; `checked` runs after the reports."""
    server = ServerProcess(data_dir, env).start()
    try:
        with httpx.Client(base_url=server.base_url, timeout=120, headers={
                "Authorization": f"Bearer {api_token(server)}"}) as client:
            found = [client.post(f"/api/reports/{report}", json={
                "websiteId": website, "type": report, "filters": filters,
                "parameters": parameters}) for report, parameters, filters in reports]
            checked()
            # The dashboard's report page shows the store's advice above its form.
            browser = logged_in_client(server)
            try:
                browser.timeout = httpx.Timeout(120)
                found.append(browser.get(f"/websites/{website}/reports/{page}"))
            finally:
                browser.close()
            # Still answering afterwards.
            found.append(client.get(f"/api/websites/{website}"))
            return found
    finally:
        server.stop()


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass
class Send:
    visitor: str
    at: datetime
    url: str = "/"
    name: str | None = None
    data: dict[str, Any] | None = None
    referrer: str | None = None
    user_agent: str = CHROME
    ip: str = GB_IP
    kind: str = "event"
    vitals: dict[str, float] = field(default_factory=dict)


def body(site: str, hostname: str, send: Send) -> dict[str, Any]:
    payload: dict[str, Any] = {"website": site, "hostname": hostname, "url": send.url,
                               "id": send.visitor, "timestamp": int(send.at.timestamp()),
                               "language": "en-US", "screen": "1920x1080"}
    if send.name:
        payload["name"] = send.name
    if send.data is not None:
        payload["data"] = send.data
    if send.referrer:
        payload["referrer"] = send.referrer
    payload.update(send.vitals)
    return {"type": send.kind, "payload": payload}


m = timedelta(minutes=1)
h = timedelta(hours=1)
d = timedelta(days=1)


def funnel_sends() -> list[Send]:
    return [
        Send("s1", T, "/"), Send("s1", T + 5 * m, "/pricing"),
        Send("s1", T + 10 * m, "/pricing", name="signup", data={"plan": "pro", "qty": 2}),
        Send("s2", T, "/"), Send("s2", T + 2 * h, "/pricing"),
        Send("s2", T + 2 * h + m, "/pricing", name="signup", data={"plan": "pro", "qty": 2.5}),
        Send("s3", T, "/blog/a"), Send("s3", T + m, "/pricing"),
        Send("s3", T + 50 * m, "/pricing", name="signup", data={"plan": "free"}),
        Send("s4", T, "/pricing"), Send("s4", T + m, "/"),
        Send("s5", T, "/", user_agent=FIREFOX),
    ]


def journey_sends() -> list[Send]:
    return [
        Send("a", T, "/"), Send("a", T + m, "/"), Send("a", T + 2 * m, "/pricing"),
        Send("a", T + 3 * m, "/pricing", name="signup"),
        Send("b", T, "/"), Send("b", T + m, "/pricing"),
        Send("c", T + 5 * m, "/"), Send("c", T + 6 * m, "/pricing"),
        Send("a", T + 2 * h, "/docs"),
    ]


# America/New_York moved to summer time on 2025-03-09 at 02:00 local (07:00 UTC).
def retention_sends() -> list[Send]:
    at = lambda text: datetime.fromisoformat(text)  # noqa: E731
    return [
        Send("p", at("2025-03-09T04:30:00+00:00")),  # 03-08 23:30 EST: cohort 03-08
        Send("p", at("2025-03-09T05:30:00+00:00")),  # 03-09 00:30 EST: day 1
        Send("p", at("2025-03-10T04:30:00+00:00")),  # 03-10 00:30 EDT: day 2
        Send("q", at("2025-03-08T15:00:00+00:00")),  # 03-08 10:00 EST: cohort 03-08
        Send("q", at("2025-03-10T15:00:00+00:00")),  # 03-10 11:00 EDT: day 2
        Send("r", at("2025-03-09T15:00:00+00:00")),  # 03-09 11:00 EDT: cohort 03-09
    ]


def retention_day_sends() -> list[Send]:
    """f: /pricing on day 0, back on days 1, 2, 31 and 32; g: / on day 0, /pricing on day 1."""
    return [
        Send("f", T, "/pricing"), Send("f", T + d, "/"), Send("f", T + 2 * d, "/docs"),
        Send("f", T + 31 * d, "/"), Send("f", T + 32 * d, "/"),
        Send("g", T, "/"), Send("g", T + d, "/pricing"),
    ]


def utm_sends() -> list[Send]:
    google = "/?utm_source=google&utm_medium=cpc&utm_campaign=spring"
    return [
        Send("u1", T, google), Send("u1", T + m, google), Send("u1", T + 2 * m, google),
        Send("u2", T, "/?utm_source=newsletter&utm_medium=email"),
        Send("u3", T, "/"), Send("u3", T + m, "/?utm_source=ignored", name="click"),
    ]


def attribution_sends() -> list[Send]:
    return [
        Send("a1", T, "/?utm_source=google&gclid=abc", referrer="https://google.com/search"),
        Send("a1", T + 10 * m, "/blog?utm_source=twitter", referrer="https://twitter.com/x"),
        Send("a1", T + 20 * m, "/thanks"),
        Send("a1", T + 21 * m, "/thanks", name="purchase"),
        Send("a2", T, "/", referrer="https://bing.com/"),
        Send("a2", T + 5 * m, "/thanks", referrer="https://attr.example.com/cart"),
        Send("a3", T, "/", referrer="https://google.com/"),
    ]


def touch_sends() -> list[Send]:
    """c1 lands from the site itself, then converts; c2 converts on its first row."""
    return [
        Send("c1", T, "/landing", referrer="https://touch.example.com/prev"),
        Send("c1", T + m, "/thanks"),
        Send("c2", T, "/thanks?utm_source=ddg", referrer="https://duckduckgo.com/"),
    ]


def revenue_sends() -> list[Send]:
    def paid(visitor: str, at: datetime, amount: float, currency: str, ip: str) -> Send:
        return Send(visitor, at, "/cart", name="purchase",
                    data={"revenue": amount, "currency": currency}, ip=ip)

    return [
        Send("b1", T, "/", referrer="https://www.google.com/search"),
        paid("b1", T + 5 * m, 19.99, "USD", GB_IP), paid("b1", T + 10 * m, 10.01, "USD", GB_IP),
        paid("b2", T + h, 50, "EUR", US_IP), paid("b2", T + 23 * h, 5.5, "USD", US_IP),
        Send("b3", T + 2 * h, "/"),
        paid("b4", T - 22 * h, 7, "USD", US_IP),  # in the previous window only
    ]


# (visitor, user agent, day, path, lcp, inp, cls, fcp, ttfb)
VITALS = [
    ("v1", CHROME, 0, "/", 1200.0, 80.0, 0.01, 800.0, 100.0),
    ("v1", CHROME, 0, "/docs", 2600.0, 120.0, 0.2, 1500.0, 300.0),
    ("v2", IPHONE, 0, "/", 3100.0, 240.0, 0.05, 1900.0, 650.0),
    ("v2", IPHONE, 0, "/docs", 4500.0, 510.0, 0.3, 2800.0, 900.0),
    ("v3", CHROME, 1, "/", 900.0, 60.0, 0.0, 700.0, 90.0),
    ("v3", CHROME, 1, "/", 1750.0, 95.0, 0.02, 1100.0, 210.0),
    ("v4", IPHONE, 1, "/docs", 5200.0, 700.0, 0.4, 3300.0, 1900.0),
    ("v4", IPHONE, 1, "/", 2050.0, 150.0, 0.12, 1250.0, 400.0),
]


def performance_sends() -> list[Send]:
    sends = []
    for index, (visitor, agent, day, path, lcp, inp, cls, fcp, ttfb) in enumerate(VITALS):
        sends.append(Send(visitor, T + day * d + index * m, path, user_agent=agent,
                          kind="performance",
                          vitals={"lcp": lcp, "inp": inp, "cls": cls, "fcp": fcp, "ttfb": ttfb}))
    return sends


def journey_tie_sends() -> list[Send]:
    """Rows of one visit in the same second (timestamps are whole seconds): stored order wins."""
    return [Send("t", T, "/b"), Send("t", T, "/a"), Send("t", T, "/c"),
            Send("t", T + m, "/a"), Send("u", T, "/a"), Send("u", T, "/b")]


SITES = {
    "funnel": ("funnel.example.com", funnel_sends),
    "journey": ("journey.example.com", journey_sends),
    "journey-ties": ("ties.example.com", journey_tie_sends),
    "retention": ("retention.example.com", retention_sends),
    "retention-days": ("days.example.com", retention_day_sends),
    "utm": ("utm.example.com", utm_sends),
    "attribution": ("attr.example.com", attribution_sends),
    "touch": ("touch.example.com", touch_sends),
    "revenue": ("revenue.example.com", revenue_sends),
    "performance": ("perf.example.com", performance_sends),
}


@dataclass
class World:
    server: ServerProcess
    admin: Api
    sites: dict[str, str]

    def run(self, report: str, site: str, parameters: dict[str, Any],
            filters: dict[str, Any] | None = None) -> Any:
        return self.admin.ok("POST", f"/api/reports/{report}", {
            "websiteId": self.sites[site], "type": report, "filters": filters or {},
            "parameters": parameters})

    def post(self, report: str, body: Any) -> httpx.Response:
        return self.admin.post(f"/api/reports/{report}", body)

    def saved(self, site: str, kind: str, parameters: dict[str, Any]) -> str:
        """A segment or cohort (`kind`) of the site, stored through the websites API; its id."""
        created = self.admin.ok("POST", f"/api/websites/{self.sites[site]}/segments", {
            "type": kind, "name": f"{kind} of {site}", "parameters": parameters})
        return str(created["id"])


def _wait_until_stored(admin: Api, site: str, expected: int) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        answer = admin.ok("GET", f"/api/websites/{site}/events",
                          params={"startAt": 0, "endAt": ms(T + 400 * d), "pageSize": 1})
        if answer["count"] >= expected:
            return
        time.sleep(0.1)
    raise AssertionError(f"only {answer['count']} of {expected} events stored")


@pytest.fixture(scope="module")
def world(new_data_dir: Callable[[str], Path]) -> Iterator[World]:
    # Per module, on each store (tests/conftest.py `store_backend`): the same event sets must
    # give the same reports whether they sit in the embedded store or in Umami's tables.
    data_dir = new_data_dir("reports")
    root = data_dir.parent
    sites = {name: add_website(data_dir, name.title(), host) for name, (host, _) in SITES.items()}
    geo = write_geo_database(root / "City.mmdb")
    server = ServerProcess(data_dir, {"GEOLITE_DB_PATH": str(geo)}).start()
    try:
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            for name, (host, sends) in SITES.items():
                for send in sends():
                    answer = client.post("/api/send", json=body(sites[name], host, send),
                                         headers={"User-Agent": send.user_agent,
                                                  "X-Forwarded-For": send.ip})
                    assert answer.status_code == 200, answer.text
        admin = login(server, "admin", ADMIN_PASSWORD)
        for name, (_, sends) in SITES.items():
            _wait_until_stored(admin, sites[name], len(sends()))
        yield World(server, admin, sites)
    finally:
        if server.process is not None:
            server.stop()
