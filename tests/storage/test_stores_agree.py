"""The embedded server and the PostgreSQL server answer the same random traffic alike.

The embedded store counts sessions, visits, bounces, entries and exits from the predecessor
links it keeps on every row; the PostgreSQL store keeps Umami's tables only, so the same
questions take the grouped definitions over Umami's schema (queries/planner.py). The same
traffic (equal timestamps, visits cut by windows, custom events, rows sent older than rows
already stored) goes through HTTP to one server of each kind, and /stats, /pageviews and
/metrics must give the same answers for many windows and filters.

Each visitor keeps one browser and one address: PostgreSQL keeps a session's attributes from
its first hit (as Umami does) where the embedded store keeps them per row, so a visitor whose
attributes change would be counted differently by design.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.conftest import ADMIN_PASSWORD, Api, login
from tests.conftest import add_website
from tests.postgres import PostgresServer
from tests.queries.examples import CHROME, FIREFOX, IPHONE, LOCATIONS, write_geo_database
from tests.server_process import ServerProcess, use_database

DAY0 = datetime(2025, 10, 31, 20, 0, tzinfo=UTC)  # New York turns its clocks back on Nov 2
SPAN = timedelta(days=5)
AGENTS = (CHROME, FIREFOX, IPHONE)
ADDRESSES = tuple(LOCATIONS)
PATHS = ("/", "/a", "/b", "/c")
EVENTS = ("click", "click", "signup")
REFERRERS = (None, "https://a.com/x", "https://b.com/", "https://example.com/prev")
HOSTS = ("example.com", "www.example.com")
QUERIES = ("", "", "?q=x", "?utm_source=news&utm_medium=email", "?gclid=1")
TITLES = (None, "Home", "Docs")
BATCH = 50


@dataclass(frozen=True)
class Hit:
    visitor: str
    at: datetime
    url: str
    agent: str
    address: str
    host: str
    name: str | None
    referrer: str | None
    title: str | None


def random_traffic(rng: random.Random) -> list[Hit]:
    """Hits in sending order: time order, except that about one in ten is held back and sent
    last, older than rows already stored."""
    on_time: list[Hit] = []
    late: list[Hit] = []
    for number in range(50):
        agent, address = rng.choice(AGENTS), rng.choice(ADDRESSES)
        moment = DAY0 + timedelta(minutes=rng.randrange(0, 60 * 30))
        for _ in range(rng.randint(1, 3)):
            for _ in range(rng.randint(1, 5)):
                # Whole seconds, often repeated: equal timestamps within and across visits.
                moment += timedelta(seconds=rng.choice((0, 0, 1, 30, 600, 1500)))
                custom = rng.random() < 0.15
                hit = Hit(f"visitor-{number}", moment,
                          rng.choice(PATHS) + rng.choice(QUERIES), agent, address,
                          rng.choice(HOSTS), rng.choice(EVENTS) if custom else None,
                          rng.choice(REFERRERS), rng.choice(TITLES))
                (late if rng.random() < 0.1 else on_time).append(hit)
            moment += timedelta(hours=rng.choice((1, 5, 20)))
    on_time.sort(key=lambda hit: hit.at)
    return on_time + late


def _body(website: str, hit: Hit) -> dict[str, Any]:
    payload: dict[str, Any] = {"website": website, "hostname": hit.host, "url": hit.url,
                               "id": hit.visitor, "timestamp": int(hit.at.timestamp()),
                               "language": "en-US", "screen": "1920x1080",
                               "userAgent": hit.agent, "ip": hit.address}
    if hit.name:
        payload["name"] = hit.name
    if hit.referrer:
        payload["referrer"] = hit.referrer
    if hit.title:
        payload["title"] = hit.title
    return {"type": "event", "payload": payload}


@dataclass
class Side:
    admin: Api
    website: str

    def get(self, route: str, params: dict[str, Any]) -> Any:
        return self.admin.ok("GET", f"/api/websites/{self.website}/{route}", params=params)


def _stored_count(side: Side) -> int:
    answer = side.get("events", {"startAt": 0, "endAt": int((DAY0 + 2 * SPAN).timestamp() * 1000),
                                 "pageSize": 1})
    return int(answer["count"])


@pytest.fixture(scope="module")
def sides(postgres_server: PostgresServer,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Side, Side]]:
    """The same traffic in an embedded server and in a PostgreSQL server, both running."""
    root = tmp_path_factory.mktemp("agree")
    geo = write_geo_database(root / "City.mmdb")
    database = postgres_server.create_database()
    use_database(root / "postgres", database)  # that server and its website go there
    hits = random_traffic(random.Random(20251031))
    servers: list[ServerProcess] = []
    try:
        made = []
        for name in ("embedded", "postgres"):
            data_dir = root / name
            website = add_website(data_dir)
            server = ServerProcess(data_dir, {"GEOLITE_DB_PATH": str(geo)}).start()
            servers.append(server)
            # In the same order on both: rows with equal times are ordered by arrival.
            bodies = [_body(website, hit) for hit in hits]
            with httpx.Client(base_url=server.base_url, timeout=10) as client:
                for first in range(0, len(bodies), BATCH):
                    answer = client.post("/api/batch", json=bodies[first:first + BATCH])
                    assert answer.status_code == 200 and answer.json()["errors"] == 0, (
                        answer.text)
            made.append(Side(login(server, "admin", ADMIN_PASSWORD), website))
        deadline = time.monotonic() + 15
        while any(_stored_count(side) < len(hits) for side in made):
            assert time.monotonic() < deadline, "not every hit was stored"
            time.sleep(0.1)
        assert [_stored_count(side) for side in made] == [len(hits)] * 2
        yield made[0], made[1]
    finally:
        for server in servers:
            server.stop()
        postgres_server.drop_database(database)


def _windows(rng: random.Random, count: int = 12) -> list[dict[str, int]]:
    start = int(DAY0.timestamp() * 1000)
    span = int(SPAN.total_seconds() * 1000)
    cuts = [(start - 1000, start + span)]  # everything
    for _ in range(count):
        a, b = sorted(rng.randrange(start, start + span, 1000) for _ in range(2))
        cuts.append((a, b))
    return [{"startAt": a, "endAt": b} for a, b in cuts]


FILTERS = [{}, {"browser": "chrome"}, {"country": "neq.GB"}, {"path": "/a"},
           {"path": "c./b", "browser": "neq.firefox"}, {"eventType": "1"}]
# Counted from links on the embedded store (referrer and title from their own value links),
# and the channel, classified once per combination of its inputs.
METRICS = ("path", "entry", "exit", "browser", "country", "referrer", "title", "channel")


def _same(embedded: Side, postgres: Side, route: str, params: dict[str, Any]) -> Any:
    answer = embedded.get(route, params)
    assert postgres.get(route, params) == answer, (route, params)
    return answer


@pytest.mark.parametrize("filters", FILTERS)
def test_stats_and_metrics_agree(sides: tuple[Side, Side], filters: dict[str, str]) -> None:
    embedded, postgres = sides
    counted = 0
    for window in _windows(random.Random(str(filters))):
        params = {**window, **filters}
        counted += _same(embedded, postgres, "stats", params)["pageviews"]
        for metric in METRICS:
            _same(embedded, postgres, "metrics", {**params, "type": metric})
    assert counted > 0  # the filters leave something to compare


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
@pytest.mark.parametrize("unit", ["hour", "day"])
def test_pageviews_agree(sides: tuple[Side, Side], unit: str, zone: str) -> None:
    embedded, postgres = sides
    for filters in FILTERS[:3]:
        for window in _windows(random.Random(unit + zone), 6):
            _same(embedded, postgres, "pageviews",
                  {**window, **filters, "unit": unit, "timezone": zone})


def test_the_traffic_has_what_the_comparison_needs(sides: tuple[Side, Side]) -> None:
    """Visits of one and of several pages, equal timestamps, and more than one browser and
    country: otherwise agreeing would prove little."""
    embedded, _ = sides
    everything = _windows(random.Random(0), 0)[0]
    stats = embedded.get("stats", everything)
    assert 0 < stats["bounces"] < stats["visits"] < stats["pageviews"]
    assert stats["visitors"] < stats["visits"]
    assert len(embedded.get("metrics", {**everything, "type": "browser"})) == len(AGENTS)
    assert len(embedded.get("metrics", {**everything, "type": "country"})) > 3
    hits = random_traffic(random.Random(20251031))
    times = [(hit.visitor, hit.at) for hit in hits]
    assert len(set(times)) < len(times)
    assert any(later.at < earlier.at for earlier, later in zip(hits, hits[1:], strict=False))
