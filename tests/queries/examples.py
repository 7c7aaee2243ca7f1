"""The sends of ../shared/spec/examples.md, replayed with their recorded times, and a geo file
that places their addresses where the recording's GeoLite database did.

`payload.timestamp` has whole seconds, so each event is stored at its recorded second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from mmdb_writer import MMDBWriter
from netaddr import IPSet

MAIN_SITE = "example.com"
TZ_SITE = "tz.example.com"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
FIREFOX = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:125.0) Gecko/20100101 Firefox/125.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

# The recording's "now": 2026-11-22T21:19:19Z; the 7-day window of its reads.
NOW = 1795382359
START_AT, END_AT = 1794777621100, 1795382421100

LOCATIONS = {
    "81.2.69.142": ("GB", "ENG", "Gamlingay"),
    "89.160.20.112": ("SE", "AB", "Tumba"),
    "2.125.160.216": ("GB", "NIR", "Belfast"),
    "175.16.199.1": ("CN", "JL", None),
    "216.160.83.56": ("US", "WA", "Poulsbo"),
    "202.196.224.1": ("CN", None, None),
}


def write_geo_database(path: Path) -> Path:
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City")
    for address, (country, region, city) in LOCATIONS.items():
        record: dict[str, Any] = {"country": {"iso_code": country}}
        if region:
            record["subdivisions"] = [{"iso_code": region}]
        if city:
            record["city"] = {"names": {"en": city}}
        writer.insert_network(IPSet([f"{address}/32"]), record)
    writer.to_db_file(str(path))
    return path


def _page(site: str, **fields: Any) -> dict[str, Any]:
    return {"type": "event", "payload": {"hostname": MAIN_SITE, "language": "en-US",
                                         "screen": "1920x1080", **fields, "website": site}}


def main_flow(site: str) -> list[tuple[str, str | None, dict[str, Any], bool]]:
    """(User-Agent, X-Forwarded-For, body, pass the previous cache token) in recorded order."""
    day = 86400
    return [
        (CHROME, "81.2.69.142", _page(site, url="/", title="Home",
                                      referrer="https://www.google.com/search?q=umami",
                                      timestamp=NOW - 1), False),
        (CHROME, "81.2.69.142", _page(
            site, url="/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
            title="Pricing", referrer="https://example.com/", timestamp=NOW), True),
        (CHROME, "81.2.69.142", _page(site, url="/pricing", title="Pricing",
                                      name="signup-click", data={"plan": "pro", "price": 12},
                                      timestamp=NOW), True),
        (IPHONE, "89.160.20.112", _page(site, language="de-DE", screen="390x844", url="/docs",
                                        title="Docs",
                                        referrer="https://news.ycombinator.com/item?id=1",
                                        timestamp=NOW), False),
        (FIREFOX, "2.125.160.216", _page(site, screen="1440x900", url="/blog/hello-world",
                                         title="Hello", timestamp=NOW), False),
        (FIREFOX, None, _page(site, url="/", title="Home", timestamp=NOW), False),
        (GOOGLEBOT, "66.249.66.1", _page(site, url="/", title="Home", timestamp=NOW), False),
        ("curl/8.5.0", "66.249.66.2", _page(site, url="/", title="Home", timestamp=NOW), False),
        (CHROME, "175.16.199.1", _page(site, url="/", title="Past", timestamp=NOW - day), False),
        (CHROME, "216.160.83.56", _page(site, url="/pricing", title="Past",
                                        timestamp=NOW - 2 * day), False),
        (CHROME, "216.160.83.56", _page(site, url="/", title="Past",
                                        timestamp=NOW - 2 * day), False),
        (CHROME, "202.196.224.1", _page(site, url="/docs", title="Past",
                                        timestamp=NOW - 3 * day), False),
        (CHROME, "81.2.69.142", {"type": "identify", "payload": {
            "website": site, "hostname": MAIN_SITE, "data": {"plan": "pro", "company": "ACME"},
            "timestamp": NOW}}, False),
        (CHROME, "81.2.69.142", {"type": "performance", "payload": {
            "website": site, "hostname": MAIN_SITE, "language": "en-US", "screen": "1920x1080",
            "url": "/", "title": "Home", "lcp": 1234.5, "inp": 80, "cls": 0.05, "fcp": 900,
            "ttfb": 120, "timestamp": NOW}}, False),
    ]


def timezone_flow(site: str) -> list[tuple[str, str | None, dict[str, Any], bool]]:
    sends = []
    for address, path, timestamp in (
        ("81.2.69.142", "/a", 1795230000), ("81.2.69.143", "/b", 1795262400),
        ("81.2.69.144", "/c", 1795303800), ("81.2.69.145", "/a", 1795309200),
    ):
        body = {"type": "event", "payload": {
            "website": site, "hostname": TZ_SITE, "url": path, "title": path,
            "screen": "1920x1080", "language": "en-US", "timestamp": timestamp}}
        sends.append((CHROME, address, body, False))
    return sends


def replay(base_url: str, sends: list[tuple[str, str | None, dict[str, Any], bool]],
           drop_timestamps: bool = False) -> None:
    token = None
    with httpx.Client(base_url=base_url, timeout=10) as client:
        for user_agent, address, body, with_token in sends:
            headers = {"User-Agent": user_agent}
            if address:
                headers["X-Forwarded-For"] = address
            if with_token and token:
                headers["x-umami-cache"] = token
            if drop_timestamps and body["payload"].get("timestamp", 0) >= NOW - 1:
                body = {**body, "payload": {
                    key: value for key, value in body["payload"].items() if key != "timestamp"}}
            answer = client.post("/api/send", json=body, headers=headers)
            assert answer.status_code == 200, answer.text
            token = answer.json().get("cache", token)
