"""Demo data: realistic visitors, visits, pageviews and custom events for one website, written
straight into the embedded store's analytics file in large Arrow batches (the bulk write path).

Traffic follows simple shapes seen on real sites: a few pages take most views (Zipf), most
visitors come once and some return, visits last a few pages, daytime is busier than night,
referrers mix search, social, email and campaigns, and about one hit in twelve is a custom event
with data. The same seed gives the same data.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from umami_server.storage.embedded.analytics_db import AnalyticsDatabase
from umami_server.storage.records import (
    DATA_TYPE_NUMBER,
    DATA_TYPE_STRING,
    EVENT_TYPE_CUSTOM,
    EVENT_TYPE_PAGEVIEW,
    Row,
)

BATCH_EVENTS = 200_000

PATHS = [
    "/", "/pricing", "/docs", "/blog", "/about", "/contact", "/signup", "/login", "/features",
    "/docs/getting-started", "/docs/api", "/docs/install", "/docs/faq", "/changelog", "/careers",
    *(f"/blog/post-{n}" for n in range(1, 120)),
    *(f"/docs/guide/{n}" for n in range(1, 60)),
]
# (weight, browser, os, device, screen, user-agent family)
TITLES = {path: path.strip("/").replace("-", " ").title() or "Home" for path in PATHS}
CLIENTS = [
    (34, "chrome", "Windows 10", "desktop", "1920x1080"),
    (14, "chrome", "Mac OS", "laptop", "1440x900"),
    (16, "ios", "iOS", "mobile", "390x844"),
    (10, "chrome", "Android OS", "mobile", "412x915"),
    (7, "safari", "Mac OS", "laptop", "1512x982"),
    (6, "firefox", "Windows 10", "desktop", "1920x1080"),
    (4, "edge-chromium", "Windows 10", "laptop", "1536x864"),
    (3, "firefox", "Linux", "desktop", "2560x1440"),
    (3, "ios", "iOS", "tablet", "820x1180"),
    (2, "samsung", "Android OS", "mobile", "360x800"),
    (1, "opera", "Windows 10", "desktop", "1366x768"),
]
PLACES = [
    (30, "US", "US-CA", "San Francisco"), (12, "US", "US-NY", "New York"),
    (8, "US", "US-TX", "Austin"), (10, "DE", "DE-BE", "Berlin"), (6, "DE", "DE-BY", "Munich"),
    (9, "GB", "GB-ENG", "London"), (6, "FR", "FR-IDF", "Paris"), (5, "IN", "IN-KA", "Bengaluru"),
    (4, "BR", "BR-SP", "São Paulo"), (4, "JP", "JP-13", "Tokyo"), (3, "CA", "CA-ON", "Toronto"),
    (3, "NL", "NL-NH", "Amsterdam"), (2, "SE", "SE-AB", "Stockholm"), (2, "AU", "AU-NSW", "Sydney"),
    (2, None, None, None),
]
LANGUAGES = [(50, "en-US"), (12, "en-GB"), (12, "de-DE"), (8, "fr-FR"), (6, "ja-JP"),
             (6, "pt-BR"), (4, "es-ES"), (2, "nl-NL")]
# (weight, referrer domain, referrer path, query string of the landing page)
SOURCES: list[tuple[int, str | None, str | None, str | None]] = [
    (40, None, None, None),
    (22, "google.com", "/search", None), (3, "bing.com", "/search", None),
    (2, "duckduckgo.com", "/", None), (5, "news.ycombinator.com", "/item", None),
    (4, "reddit.com", "/r/programming", None), (3, "t.co", "/x", None),
    (3, "github.com", "/trending", None), (2, "dev.to", "/top", None),
    (4, None, None, "utm_source=newsletter&utm_medium=email&utm_campaign=weekly"),
    (3, "google.com", "/aclk", "utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=x1"),
    (2, "facebook.com", "/", "utm_source=facebook&utm_medium=paid_social&utm_campaign=launch"),
    (2, "youtube.com", "/watch", None), (1, "mail.google.com", "/", None),
]
CUSTOM_EVENTS = [(40, "signup-click"), (25, "download"), (20, "play-video"), (10, "purchase"),
                 (5, "share")]
HOURLY_WEIGHT = [2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 9, 9, 9, 9, 9, 8, 8, 7, 6, 5, 4, 3, 3]


class _Picker:
    """Weighted choice in O(log n) from precomputed cumulative weights."""

    def __init__(self, weighted: Sequence[tuple[Any, ...]], rng: random.Random):
        self.items = [item[1:] if len(item) > 2 else item[1] for item in weighted]
        self.cumulative = list(itertools.accumulate(item[0] for item in weighted))
        self.rng = rng

    def __call__(self) -> Any:
        point = self.rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, point)]


@dataclass
class DemoSummary:
    events: int
    sessions: int
    event_data: int


def _utm(query: str | None) -> dict[str, str | None]:
    values: dict[str, str | None] = {f"utm_{key}": None for key in
                                     ("source", "medium", "campaign", "content", "term")}
    for part in (query or "").split("&"):
        key, _, value = part.partition("=")
        if key in values:
            values[key] = value
    return values


class DemoTraffic:
    """Generates rows in time order; call `rows()` for batches of event/session/data rows."""

    def __init__(self, website_id: str, events: int, days: int, seed: int = 1,
                 end: datetime | None = None):
        self.website_id = website_id
        self.total = events
        self.days = max(1, days)
        self.end = end or datetime.now(UTC)
        self.rng = random.Random(seed)
        rng = self.rng
        self.client = _Picker(CLIENTS, rng)
        self.place = _Picker(PLACES, rng)
        self.language = _Picker([(w, v) for w, v in LANGUAGES], rng)
        self.source = _Picker(SOURCES, rng)
        self.custom = _Picker([(w, v) for w, v in CUSTOM_EVENTS], rng)
        self.page = _Picker([(1.0 / (rank + 1) ** 1.1, path) for rank, path in enumerate(PATHS)],
                            rng)
        self.hour = _Picker([(w, h) for h, w in enumerate(HOURLY_WEIGHT)], rng)
        self.returning: list[dict[str, Any]] = []

    def _uuid(self) -> str:
        # Random 128 bits in UUID text form (uuid.UUID() costs several times more).
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def _visitor(self) -> tuple[dict[str, Any], bool]:
        # A quarter of visits come from a returning visitor.
        if self.returning and self.rng.random() < 0.25:
            return self.rng.choice(self.returning), False
        browser, os_name, device, screen = self.client()
        country, region, city = self.place()
        visitor = {
            "session_id": self._uuid(), "browser": browser, "os": os_name, "device": device,
            "screen": screen, "language": self.language(), "country": country,
            "region": region, "city": city, "distinct_id": None,
        }
        if len(self.returning) < 50_000:
            self.returning.append(visitor)
        else:
            self.returning[self.rng.randrange(50_000)] = visitor
        return visitor, True

    def rows(self, on_events: Callable[[int], None] | None = None) -> Iterator[
        tuple[list[Row], list[Row], list[Row]]
    ]:
        rng = self.rng
        # The last `days` calendar days (UTC), today included up to `end`.
        start_day = (self.end - timedelta(days=self.days - 1)).replace(
            hour=0, minute=0, second=0, microsecond=0)
        per_day = self.total / self.days
        produced = 0
        events: list[Row] = []
        sessions: list[Row] = []
        data: list[Row] = []
        for day in range(self.days):
            budget = round(per_day * (day + 1)) - produced
            day_start = start_day + timedelta(days=day)
            day_events: list[Row] = []
            while len(day_events) < budget:
                visitor, new = self._visitor()
                begin = day_start + timedelta(hours=self.hour(), seconds=rng.random() * 3600)
                if begin > self.end:
                    begin = self.end - timedelta(seconds=rng.random() * 3600)
                if new:
                    sessions.append({"website_id": self.website_id, **visitor,
                                     "created_at": int(begin.timestamp() * 1e6)})
                day_events.extend(self._visit(visitor, begin, data))
            del day_events[budget:]
            day_events.sort(key=lambda row: row["created_at"])
            events.extend(day_events)
            produced += len(day_events)
            while len(events) >= BATCH_EVENTS:
                batch, events = events[:BATCH_EVENTS], events[BATCH_EVENTS:]
                kept = {row["event_id"] for row in batch}
                batch_data = [row for row in data if row["website_event_id"] in kept]
                data = [row for row in data if row["website_event_id"] not in kept]
                yield batch, sessions, batch_data
                sessions = []
                if on_events:
                    on_events(len(batch))
        if events or sessions:
            yield events, sessions, data
            if on_events:
                on_events(len(events))

    def _visit(self, visitor: dict[str, Any], begin: datetime, data: list[Row]) -> list[Row]:
        rng = self.rng
        referrer, referrer_path, query = self.source()
        pages = 1 if rng.random() < 0.45 else min(1 + int(rng.expovariate(0.35)), 30)
        moment = begin.timestamp()
        rows: list[Row] = []
        base = {**visitor, "website_id": self.website_id, "visit_id": self._uuid(),
                "hostname": "example.com", "referrer_domain": "example.com",
                "referrer_path": "/"}
        landing = {"url_query": query, "referrer_domain": referrer,
                   "referrer_path": referrer_path, **_utm(query),
                   "gclid": "x1" if query and "gclid" in query else None}
        for index in range(pages):
            path = "/" if index == 0 and rng.random() < 0.35 else self.page()
            row = {**base, "event_id": self._uuid(), "created_at": int(moment * 1e6),
                   "url_path": path, "page_title": TITLES[path],
                   "event_type": EVENT_TYPE_PAGEVIEW}
            if index == 0:
                row.update(landing)
            rows.append(row)
            if rng.random() < 0.12:
                name = self.custom()
                event_id = self._uuid()
                at = int((moment + rng.random() * 20) * 1e6)
                rows.append({**row, "event_id": event_id, "event_type": EVENT_TYPE_CUSTOM,
                             "event_name": name, "created_at": at})
                data.append(self._datum(event_id, visitor["session_id"], at, name))
            moment += 5 + rng.expovariate(1 / 60)
        return rows

    def _datum(self, event_id: str, session_id: str, at: int, name: str) -> Row:
        numeric = name == "purchase"
        value = round(self.rng.uniform(5, 300), 2) if numeric else self.rng.choice(
            ["free", "pro", "team", "enterprise"])
        return {
            "event_data_id": self._uuid(), "website_id": self.website_id,
            "website_event_id": event_id, "session_id": session_id,
            "data_key": "amount" if numeric else "plan",
            "string_value": f"{value:.4f}" if numeric else value,
            "number_value": value if numeric else None, "date_value": None,
            "data_type": DATA_TYPE_NUMBER if numeric else DATA_TYPE_STRING,
            "created_at": at,
        }


def write_demo(
    analytics_file: Path,
    website_id: str,
    events: int,
    days: int,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Generate and load the demo traffic; the server must not hold the file open."""
    database = AnalyticsDatabase(analytics_file)
    summary = DemoSummary(0, 0, 0)
    try:
        applied = database.applied_sequence()
        for batch, sessions, data in DemoTraffic(website_id, events, days, seed).rows(progress):
            database.load_batch(applied, batch, sessions, data, [], [])
            summary.events += len(batch)
            summary.sessions += len(sessions)
            summary.event_data += len(data)
        database.checkpoint()
    finally:
        database.close()
    return summary


def run_with_progress(data_dir: Path, website_id: str, events: int, days: int,
                      seed: int = 1) -> DemoSummary:
    """The `umami-server demo` command: checks, then `write_demo` behind a progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from umami_server.storage.embedded.store import ANALYTICS_FILE, METADATA_FILE
    from umami_server.storage.errors import StoreLocked
    from umami_server.storage.metadata_store import MetadataStore

    if events < 1 or days < 1:
        raise ValueError("--events and --days must be at least 1")
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    metadata = MetadataStore.open_sqlite(data_dir / METADATA_FILE)
    try:
        known = metadata.get_entity(website_id) if hasattr(metadata, "get_entity") else (
            metadata.find_website(website_id))
    finally:
        metadata.close()
    if known is None:
        raise ValueError(f"no website, link or pixel with id {website_id} in {data_dir}")
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns) as bar:
        task = bar.add_task("writing events", total=events)
        try:
            return write_demo(data_dir / ANALYTICS_FILE, website_id, events, days, seed,
                              progress=lambda done: bar.advance(task, done))
        except StoreLocked as error:
            raise ValueError(f"{error} (stop the server first)") from None
