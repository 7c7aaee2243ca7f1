"""Hand-computed cases for the metric definitions, filters, channels, compare windows and time
buckets, on each real store loaded with exactly the rows each case needs."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.queries.conftest import open_written_store
from umami_server.queries.errors import QueryError
from umami_server.queries.metrics import expanded_metrics, website_metrics
from umami_server.queries.pageviews import website_pageviews
from umami_server.queries.request import Window, comparison_window, parse_request
from umami_server.queries.stats import website_stats
from umami_server.queries.timebuckets import choose_unit, minimum_unit
from umami_server.storage.interface import EventStore, Store
from umami_server.storage.records import SESSION_ATTRIBUTES, IngestEntry

SITE = "11111111-1111-4111-8111-111111111111"
T0 = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
_ids = itertools.count(1)


def _id() -> str:
    return str(uuid.UUID(int=next(_ids)))


def event(session: str, visit: str, at: datetime, path: str = "/", event_type: int = 1,
          **columns):
    return {"event_id": _id(), "website_id": SITE, "session_id": session, "visit_id": visit,
            "created_at": int(at.timestamp() * 1_000_000), "url_path": path,
            "event_type": event_type, "hostname": "example.com", **columns}


@pytest.fixture(scope="module")
def opened(new_data_dir: Callable[[str], Path]) -> Iterator[Store]:
    store = open_written_store(new_data_dir("definitions"))
    yield store
    store.close()


@pytest.fixture
def store(opened: Store) -> Iterator[EventStore]:
    yield opened.events
    # Each case starts from an empty site; one store per module keeps PostgreSQL's schema
    # set-up out of every case.
    opened.events.delete_website_data([SITE])


def load(store: EventStore, rows: list[dict]) -> None:
    """The rows written as collection writes them: the first row of each session brings the
    session (PostgreSQL keeps its attributes there, the embedded store on every row)."""
    entries: list[IngestEntry] = []
    sessions: set[str] = set()
    for row in rows:
        entry: IngestEntry = {"event": row}
        if row["session_id"] not in sessions:
            sessions.add(row["session_id"])
            entry["session"] = {"session_id": row["session_id"], "website_id": SITE,
                                "created_at": row["created_at"],
                                **{name: row.get(name) for name in SESSION_ATTRIBUTES}}
        entries.append(entry)
    asyncio.run(store.write(entries))
    assert store.wait_until_visible(10)


def request(**params):
    window = {"startAt": str(int((T0 - timedelta(days=1)).timestamp() * 1000)),
              "endAt": str(int((T0 + timedelta(days=1)).timestamp() * 1000))}
    return parse_request(SITE, {**window, **{key: str(value) for key, value in params.items()}})


S1, S2, S3 = (str(uuid.UUID(int=10**9 + n)) for n in range(3))
V1, V2, V3, V4 = (str(uuid.UUID(int=2 * 10**9 + n)) for n in range(4))


def visits_fixture():
    second = timedelta(seconds=1)
    return [
        # S1, visit 1: three pages over 65.2 s -> 65 s, exits on /c
        event(S1, V1, T0, "/", browser="chrome", referrer_domain="google.com"),
        event(S1, V1, T0 + 10.7 * second, "/b", browser="chrome"),
        event(S1, V1, T0 + 65.2 * second, "/c", browser="chrome"),
        # S1, visit 2: one page -> a bounce
        event(S1, V2, T0 + timedelta(hours=2), "/b", browser="chrome"),
        # S2: one page and a custom event: still a bounce
        event(S2, V3, T0, "/pricing", browser="firefox"),
        event(S2, V3, T0 + 5 * second, "/pricing", event_type=2, event_name="signup",
              browser="firefox"),
        # S3: a web-vitals row only: not traffic
        event(S3, V4, T0, "/", event_type=5, browser="safari"),
    ]


def test_core_metrics(store):
    load(store, visits_fixture())
    stats = website_stats(store, request())
    del stats["comparison"]
    assert stats == {"pageviews": 5, "visitors": 2, "visits": 3, "bounces": 2, "totaltime": 65}


def test_filters_apply_to_the_counted_rows(store):
    load(store, visits_fixture())
    stats = website_stats(store, request(path="/b"))
    del stats["comparison"]
    # Two rows of /b in two visits: each alone in its visit once filtered.
    assert stats == {"pageviews": 2, "visitors": 1, "visits": 2, "bounces": 2, "totaltime": 0}
    assert website_stats(store, request(event="signup"))["pageviews"] == 0


def test_exclude_bounce(store):
    load(store, visits_fixture())
    stats = website_stats(store, request(excludeBounce="true"))
    del stats["comparison"]
    assert stats == {"pageviews": 3, "visitors": 1, "visits": 1, "bounces": 0, "totaltime": 65}


def test_entry_and_exit_ignore_filters_when_picking_the_page(store):
    load(store, visits_fixture())
    entry = website_metrics(store, request(type="entry"))
    assert entry == [{"x": "/", "y": 1}, {"x": "/b", "y": 1}, {"x": "/pricing", "y": 1}]
    exits = website_metrics(store, request(type="exit"))
    assert exits == [{"x": "/b", "y": 1}, {"x": "/c", "y": 1}, {"x": "/pricing", "y": 1}]
    # Filtered to rows of /b: visit 1 still enters on / and visit 2 on /b.
    assert website_metrics(store, request(type="entry", path="/b")) == [
        {"x": "/", "y": 1}, {"x": "/b", "y": 1}]


def test_expanded_metrics_per_name(store):
    load(store, visits_fixture())
    rows = expanded_metrics(store, request(type="browser"))
    assert rows == [
        {"name": "chrome", "pageviews": 4, "visitors": 1, "visits": 2, "bounces": 1,
         "totaltime": 65},
        {"name": "firefox", "pageviews": 1, "visitors": 1, "visits": 1, "bounces": 1,
         "totaltime": 0},
    ]
    # Exit pages carry the statistics of their whole visit (ClickHouse semantics).
    exits = {row["name"]: row for row in expanded_metrics(store, request(type="exit"))}
    assert exits["/c"] == {"name": "/c", "pageviews": 3, "visitors": 1, "visits": 1,
                           "bounces": 0, "totaltime": 65}


def test_event_metric_counts_events(store):
    load(store, visits_fixture())
    assert website_metrics(store, request(type="event")) == [{"x": "signup", "y": 1}]


CHANNEL_ROWS = [
    ("direct", {}),
    ("paidAds", {"url_query": "gclid=abc", "referrer_domain": "google.com"}),
    ("referral", {"utm_medium": "referral", "url_query": "utm_medium=referral"}),
    ("affiliate", {"utm_medium": "affiliate", "url_query": "x=1"}),
    ("sms", {"utm_source": "SMS-blast", "url_query": "x=1"}),
    ("organicSearch", {"referrer_domain": "www.google.de"}),
    ("paidSearch", {"referrer_domain": "bing.com", "utm_medium": "paid-search",
                    "url_query": "x=1"}),
    ("organicSocial", {"referrer_domain": "facebook.com"}),
    ("email", {"referrer_domain": "mail.gmail.com"}),
    ("organicShopping", {"referrer_domain": "amazon.de"}),
    ("organicVideo", {"referrer_domain": "youtube.com"}),
    ("referral", {"referrer_domain": "blog.other.org"}),
    (None, {"referrer_domain": "example.com", "url_query": "a=b"}),  # self: no channel
]


def test_channels(store):
    rows = []
    for number, (_, columns) in enumerate(CHANNEL_ROWS):
        session = str(uuid.UUID(int=3 * 10**9 + number))
        rows.append(event(session, session, T0, "/", **columns))
    load(store, rows)
    expected: dict[str, int] = {}
    for name, _ in CHANNEL_ROWS:
        if name:
            expected[name] = expected.get(name, 0) + 1
    answer = website_metrics(store, request(type="channel"))
    assert {row["x"]: row["y"] for row in answer} == expected
    assert answer[0] == {"x": "referral", "y": 2}


FILTER_ROWS = [("/blog/a", "chrome"), ("/blog/b", "firefox"), ("/docs", "chrome"),
               ("/Blog/C", None)]


@pytest.mark.parametrize(("params", "paths"), [
    ({"path": "/docs"}, ["/docs"]),
    ({"path": "/docs,/blog/a"}, ["/blog/a", "/docs"]),
    ({"path": "neq./docs"}, ["/Blog/C", "/blog/a", "/blog/b"]),
    ({"browser": "neq.chrome"}, ["/Blog/C", "/blog/b"]),  # NULL counts as '' (not dropped)
    ({"path": "c.BLOG"}, ["/Blog/C", "/blog/a", "/blog/b"]),
    ({"path": "dnc.blog"}, ["/docs"]),
    ({"path": "re.^/blog/[ab]$"}, ["/blog/a", "/blog/b"]),
    ({"path": "nre.^/blog"}, ["/docs"]),
    ({"path": "c./blog", "path1": "neq./blog/b"}, ["/Blog/C", "/blog/a"]),
    ({"path": "/docs", "browser": "firefox", "match": "any"}, ["/blog/b", "/docs"]),
    ({"path": "c.blog", "browser": "chrome"}, ["/blog/a"]),
    ({"eventType": "1", "path": "/docs"}, ["/docs"]),
    ({"eventType": "2"}, []),
    ({"exit": "/docs"}, []),  # not validated without a suffix: ignored -> would be all
    ({"exit1": "/docs"}, ["/docs"]),
])
def test_filter_operators(store, params, paths):
    rows = []
    for number, (path, browser) in enumerate(FILTER_ROWS):
        session = str(uuid.UUID(int=4 * 10**9 + number))
        rows.append(event(session, session, T0, path, browser=browser))
    load(store, rows)
    answer = website_metrics(store, request(type="path", **params))
    expected = paths if params != {"exit": "/docs"} else sorted(path for path, _ in FILTER_ROWS)
    assert sorted(row["x"] for row in answer) == sorted(expected)


@pytest.mark.parametrize("value", ["gt.3", "s.x", "bf.1", "t.co"])
def test_unsupported_operators_are_refused(value):
    with pytest.raises(QueryError):
        request(path=value)


def test_compare_windows():
    day = Window(datetime(2026, 3, 1, tzinfo=UTC),
                 datetime(2026, 3, 1, 23, 59, 59, 999000, tzinfo=UTC))
    previous = comparison_window(day, "prev")
    # 1439 whole minutes: Umami's truncation.
    assert previous.start == datetime(2026, 2, 28, 0, 1, tzinfo=UTC)
    assert previous.end == datetime(2026, 3, 1, 0, 0, 59, 999000, tzinfo=UTC)
    leap = Window(datetime(2028, 2, 29, tzinfo=UTC), datetime(2028, 3, 1, tzinfo=UTC))
    assert comparison_window(leap, "yoy") == Window(datetime(2027, 2, 28, tzinfo=UTC),
                                                   datetime(2027, 3, 1, tzinfo=UTC))


def test_stats_comparison_counts_previous_window(store):
    load(store, [event(S1, V1, T0, "/"), event(S2, V2, T0 - timedelta(days=2), "/")])
    stats = website_stats(store, request())
    assert stats["pageviews"] == 1 and stats["comparison"]["pageviews"] == 1


def test_units():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert minimum_unit(start, start + timedelta(minutes=60)) == "minute"
    assert minimum_unit(start, start + timedelta(days=1)) == "hour"
    assert minimum_unit(start, start + timedelta(days=90)) == "day"
    assert minimum_unit(start, start + timedelta(days=365)) == "month"
    assert minimum_unit(start, start + timedelta(days=3 * 365)) == "year"
    assert choose_unit("minute", start, start + timedelta(days=1)) == "hour"
    assert choose_unit("day", start, start + timedelta(days=7)) == "day"
    assert choose_unit("day", start, start + timedelta(days=365)) == "month"
    assert choose_unit("month", start, start + timedelta(days=3 * 365)) == "month"
    with pytest.raises(QueryError):
        choose_unit("week", start, start + timedelta(days=7))


def _series(store, start, end, **params):
    window = {"startAt": str(int(start.timestamp() * 1000)),
              "endAt": str(int(end.timestamp() * 1000))}
    request = parse_request(SITE, {**window, **params})
    return [(point["x"], point["y"]) for point in website_pageviews(store, request)["pageviews"]]


def test_daylight_saving_days_and_hours(store):
    instants = [
        datetime(2026, 3, 8, 4, 30, tzinfo=UTC),  # 23:30 EST on 7 March
        datetime(2026, 3, 8, 5, 30, tzinfo=UTC),  # 00:30 EST on 8 March
        datetime(2026, 3, 9, 3, 30, tzinfo=UTC),  # 23:30 EDT on 8 March (a 23-hour day)
        datetime(2026, 3, 9, 4, 30, tzinfo=UTC),  # 00:30 EDT on 9 March
        datetime(2026, 11, 1, 5, 15, tzinfo=UTC),  # 01:15 EDT, first pass of 1 am
        datetime(2026, 11, 1, 6, 15, tzinfo=UTC),  # 01:15 EST, second pass of 1 am
        datetime(2026, 11, 1, 7, 15, tzinfo=UTC),  # 02:15 EST
    ]
    load(store, [event(S1, V1, moment, "/") for moment in instants])
    spring = _series(store, datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 3, 12, tzinfo=UTC),
                     unit="day", timezone="America/New_York")
    assert spring == [("2026-03-07 00:00:00", 1), ("2026-03-08 00:00:00", 2),
                      ("2026-03-09 00:00:00", 1)]
    autumn = _series(store, datetime(2026, 11, 1, 3, tzinfo=UTC),
                     datetime(2026, 11, 1, 9, tzinfo=UTC), unit="hour",
                     timezone="America/New_York")
    # Both passes of 1 am share the local label.
    assert autumn == [("2026-11-01 01:00:00", 2), ("2026-11-01 02:00:00", 1)]
    in_utc = _series(store, datetime(2026, 11, 1, 3, tzinfo=UTC),
                     datetime(2026, 11, 1, 9, tzinfo=UTC), unit="hour")
    assert in_utc == [("2026-11-01T05:00:00Z", 1), ("2026-11-01T06:00:00Z", 1),
                      ("2026-11-01T07:00:00Z", 1)]


def test_iso_dates_and_reset_at_clamping():
    parsed = parse_request(SITE, {"startDate": "2026-06-01T00:00:00.000Z",
                                  "endDate": "2026-06-30T23:59:59.999Z"})
    assert parsed.window.start == datetime(2026, 6, 1, tzinfo=UTC)
    reset = datetime(2026, 6, 15, tzinfo=UTC)
    clamped = parse_request(SITE, {"startAt": str(int(datetime(2026, 6, 1, tzinfo=UTC)
                                                      .timestamp() * 1000)),
                                   "endAt": str(int(datetime(2026, 6, 30, tzinfo=UTC)
                                                    .timestamp() * 1000))}, reset_at=reset)
    assert clamped.window.start == reset
    with pytest.raises(QueryError):
        parse_request(SITE, {"startDate": "yesterday", "endDate": "today"})
