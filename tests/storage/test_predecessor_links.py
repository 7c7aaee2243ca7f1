"""Predecessor links give the same answers as grouping, whatever the window and load order.

Random traffic (equal timestamps, visits cut by windows, custom events, a session whose hits
override the browser) is written through the real store in batches, the last one late (older
than rows already stored, so sessions get relinked). Each query is answered twice: by the
linked path, and by the grouped definition on a copy of the rows that has no link column at
all (so a grouped branch that reads one fails); a copy with the predecessor links but no
per-visit links checks that the planner asks for each kind of link it uses.
"""

from __future__ import annotations

import asyncio
import random
import uuid
import weakref
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from sqlalchemy import func, select, text

from umami_server.queries import linked, planner
from umami_server.queries.dimensions import E, channel_expression
from umami_server.queries.metrics import expanded_metrics, website_metrics
from umami_server.queries.pageviews import website_pageviews
from umami_server.queries.render import fetch
from umami_server.queries.reports.breakdown import breakdown
from umami_server.queries.reports.journey import journey, step_columns
from umami_server.queries.reports.retention import retention
from umami_server.queries.reports.revenue import revenue
from umami_server.queries.request import parse_request
from umami_server.queries.rows import conditions
from umami_server.queries.sessions import session_list
from umami_server.queries.stats import website_stats
from umami_server.storage.embedded.analytics_db import _SCHEMAS, MIGRATIONS, AnalyticsDatabase
from umami_server.storage.embedded.dialect import duckdb_sql
from umami_server.storage.embedded.predecessors import (
    VISITOR_ATTRIBUTES,
    type_steps_query,
    visit_links_query,
)
from umami_server.storage.embedded.store import EmbeddedEventStore, EmbeddedStore
from umami_server.storage.interface import StoreCapabilities
from umami_server.storage.records import (
    EVENT_COLUMNS,
    EVENT_LINK_COLUMNS,
    EVENT_TYPE_STEP_COLUMNS,
    EVENT_VISIT_COLUMNS,
)

DAY0 = datetime(2026, 10, 31, 20, 0, tzinfo=UTC)  # New York turns its clocks back on Nov 1
BROWSERS = ("chrome", "firefox", "safari")
COUNTRIES = ("DE", "US", "FR")
PATHS = ("/", "/a", "/b", "/c")
EVENTS = ("click", "click", "signup")
REFERRERS = (None, "", "a.com", "b.com", "example.com", "www.example.com")


class CopiedStore:
    """A real DuckDB file holding a copy of a store's rows with only the event columns its
    capabilities name: a query that reads any other column fails instead of answering."""

    def __init__(self, path: Path, capabilities: StoreCapabilities):
        self.capabilities = capabilities
        self._connection = duckdb.connect(str(path))

    def query(self, statement: Any) -> list[tuple[Any, ...]]:
        sql, parameters = duckdb_sql(statement)
        cursor = self._connection.cursor()
        try:
            return cursor.execute(sql, parameters).fetchall()
        finally:
            cursor.close()


NOTHING_KEPT = StoreCapabilities()
LINKS_ONLY = StoreCapabilities(predecessor_links=True)
_copies: weakref.WeakKeyDictionary[Any, dict[StoreCapabilities, CopiedStore]] = (
    weakref.WeakKeyDictionary())


def copied(events: Any, capabilities: StoreCapabilities = NOTHING_KEPT) -> CopiedStore:
    """The store's rows in a file of their own, with the event columns of `capabilities` only
    (rows in their stored order, which breaks ties between equal times)."""
    copies = _copies.setdefault(events, {})
    if capabilities in copies:
        return copies[capabilities]
    columns = list(EVENT_COLUMNS)
    columns += EVENT_LINK_COLUMNS if capabilities.predecessor_links else ()
    columns += EVENT_VISIT_COLUMNS if capabilities.visit_links else ()
    columns += EVENT_TYPE_STEP_COLUMNS if capabilities.type_steps else ()
    tables = [name for name in _SCHEMAS if name != "website_event"]
    tables += ["varying_session"] if capabilities.predecessor_links else []
    path = events.database.path.parent / f"copy-{len(copies)}.duckdb"
    cursor = events.database.cursor()
    try:
        cursor.execute(f"ATTACH '{path}' AS copy")
        cursor.execute(f"CREATE TABLE copy.website_event AS SELECT {', '.join(columns)}"
                       " FROM website_event ORDER BY rowid")
        for table in tables:
            cursor.execute(f"CREATE TABLE copy.{table} AS SELECT * FROM {table} ORDER BY rowid")
        cursor.execute("DETACH copy")
    finally:
        cursor.close()
    copies[capabilities] = CopiedStore(path, capabilities)
    return copies[capabilities]


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _traffic(website: str, rng: random.Random,
             overriding: bool = True) -> list[list[dict[str, Any]]]:
    """Three batches of entries; the third holds rows older than the first two. With
    `overriding`, one client overrides the browser on some hits."""
    batches: list[list[dict[str, Any]]] = [[], [], []]
    for number in range(60):
        session = str(uuid.uuid4())
        attributes = {"browser": rng.choice(BROWSERS), "os": "linux", "device": "desktop",
                      "screen": "1x1", "language": "en", "country": rng.choice(COUNTRIES),
                      "region": None, "city": None, "distinct_id": None}
        session_row = {"session_id": session, "website_id": website, **attributes,
                       "created_at": _micros(DAY0)}
        moment = DAY0 + timedelta(minutes=rng.randrange(0, 60 * 30))
        for _ in range(rng.randint(1, 3)):
            visit = str(uuid.uuid4())
            for hit in range(rng.randint(2, 5) if number == 7 else rng.randint(1, 5)):
                # Whole seconds, often repeated: equal timestamps across and within visits.
                moment += timedelta(seconds=rng.choice((0, 0, 1, 30, 600, 1500)))
                event_type = 2 if rng.random() < 0.15 else rng.choice((1, 1, 1, 3))
                row = {"event_id": str(uuid.uuid4()), "website_id": website,
                       "session_id": session, "visit_id": visit,
                       "created_at": _micros(moment), "url_path": rng.choice(PATHS),
                       "event_type": event_type,
                       "event_name": rng.choice(EVENTS) if event_type == 2 else None,
                       # Hosts vary within a session, so self-referrals come and go.
                       "hostname": rng.choice(("example.com", "www.example.com", None)),
                       "referrer_domain": rng.choice(REFERRERS),
                       "page_title": rng.choice((None, "", "Home", "Docs")),
                       "url_query": rng.choice((None, "", "gclid=1", "q=x")),
                       "utm_medium": rng.choice((None, "", "email", "cpc", "organic")),
                       "utm_source": rng.choice((None, "", "sms", "news")),
                       **attributes}
                if number == 7 and overriding:
                    row["browser"] = BROWSERS[hit % len(BROWSERS)]
                late = rng.random() < 0.1
                entry: dict[str, Any] = {"event": row}
                if event_type == 2:
                    entry["revenue"] = {
                        "revenue_id": str(uuid.uuid4()), "website_id": website,
                        "session_id": session, "event_id": row["event_id"],
                        "event_name": row["event_name"], "currency": "USD",
                        "revenue": rng.choice((5, 12.5, 30)), "created_at": row["created_at"]}
                batches[2 if late else rng.randint(0, 1)].append(entry)
            moment += timedelta(hours=rng.choice((1, 5, 20)))
        batches[0].append({"session": session_row})
    return batches


@pytest.fixture(scope="module", params=["one process", "restarts"])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One process finds chain ends in its cache; after each restart they are read from the
    stored rows."""
    data_dir = tmp_path_factory.mktemp("links")
    store = EmbeddedStore.open(data_dir, threads=1)
    website = str(uuid.uuid4())
    for batch in _traffic(website, random.Random(20261123)):
        asyncio.run(store.events.write(batch))
        assert store.events.wait_until_visible(10)
        if request.param == "restarts":
            store.close()
            store = EmbeddedStore.open(data_dir, threads=1)
    yield store.events, website
    store.close()


@pytest.fixture(scope="module")
def steady(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Traffic whose sessions all keep their visitor attributes: visitor-attribute filters and
    groupings take the linked path too."""
    store = EmbeddedStore.open(tmp_path_factory.mktemp("steady"), threads=1)
    website = str(uuid.uuid4())
    for batch in _traffic(website, random.Random(20261124), overriding=False):
        asyncio.run(store.events.write(batch))
        assert store.events.wait_until_visible(10)
    yield store.events, website
    store.close()


def _windows(rng: random.Random) -> list[tuple[int, int]]:
    start, span = _micros(DAY0) // 1000, 5 * 24 * 3600 * 1000
    cuts = [(start - 1000, start + span)]  # everything
    for _ in range(12):
        a, b = sorted(rng.randrange(start, start + span, 1000) for _ in range(2))
        cuts.append((a, b))
    return cuts


FILTERS = [{}, {"browser": "chrome"}, {"country": "neq.DE"}, {"browser": "c.fire"}]
# One exact path: counted from that path's chains when the other filters keep whole sessions.
PATH_FILTERS = [{"path": "/a"}, {"path": "/b", "country": "neq.DE"},
                {"path": "/c", "country": "FR", "match": "any"}, {"path": "/a,/b"}]


def test_the_linked_path_is_taken(loaded):
    events, website = loaded
    request = parse_request(website, {"startAt": "0", "endAt": "9999999999999"})
    assert planner.links_answer(events, request)
    # The session with an overridden browser makes visitor-attribute filters take the grouped
    # path; a path filter alone keeps (session, path) chains whole.
    assert not planner.links_answer(events, parse_request(
        website, {"startAt": "0", "endAt": "9999999999999", "browser": "chrome"}))
    assert planner.links_answer(events, parse_request(
        website, {"startAt": "0", "endAt": "9999999999999", "path": "/a"}), ("path",))


@pytest.mark.parametrize("filters", FILTERS)
def test_stats_metrics_and_sessions_match_grouping(loaded, filters):
    events, website = loaded
    grouped = copied(events)
    for start, end in _windows(random.Random(str(filters))):
        params = {"startAt": str(start), "endAt": str(end), **filters}
        request = parse_request(website, params)
        assert website_stats(events, request) == website_stats(grouped, request), params
        for kind in ("browser", "country", "path", "referrer", "domain", "title", "hostname",
                     "entry", "exit", "channel"):
            typed = parse_request(website, {**params, "type": kind})
            assert website_metrics(events, typed) == website_metrics(grouped, typed), params
            assert expanded_metrics(events, typed) == expanded_metrics(grouped, typed), params
        assert session_list(events, request) == session_list(grouped, request), params


@pytest.mark.parametrize("zone", ["", "America/New_York"])
@pytest.mark.parametrize("unit", ["minute", "hour", "day"])
def test_pageview_series_match_grouping(loaded, zone, unit):
    events, website = loaded
    grouped = copied(events)
    for start, end in _windows(random.Random(unit + zone)):
        if unit == "minute":
            end = min(end, start + 3_600_000)
        params = {"startAt": str(start), "endAt": str(end), "unit": unit, "timezone": zone}
        request = parse_request(website, params)
        assert website_pageviews(events, request) == website_pageviews(grouped, request), params


@pytest.mark.parametrize(("kind", "value"), [
    ("path", "/a,/b"), ("referrer", "c.a."), ("title", "neq.Home"), ("hostname", "example.com"),
])
def test_value_metrics_filtered_by_their_value_match_grouping(loaded, kind, value):
    events, website = loaded
    grouped = copied(events)
    for start, end in _windows(random.Random(5)):
        params = {"startAt": str(start), "endAt": str(end), "type": kind, kind: value}
        request = parse_request(website, params)
        assert planner.links_answer(events, request, also_allowed=(kind,))
        assert website_metrics(events, request) == website_metrics(grouped, request), params
        # The expanded path table counts its visits and bounces from (visit, path) chains,
        # under a search too.
        for extra in ({}, {"search": "a"}):
            expanded = parse_request(website, {**params, **extra})
            assert (expanded_metrics(events, expanded)
                    == expanded_metrics(grouped, expanded)), params


def test_late_rows_relink_their_sessions(loaded):
    events, website = loaded
    # After the late batch every chain is in time order: no row's predecessor is later.
    disorder = events.query(text(
        "SELECT count(*) FROM website_event WHERE website_id = :website AND ("
        " prev_in_session_at > created_at OR prev_in_visit_at > created_at"
        " OR prev2_in_visit_at > prev_in_visit_at OR prev_in_path_at > created_at"
        " OR prev_in_referrer_at > created_at OR prev_in_title_at > created_at"
        " OR prev_in_hostname_at > created_at"
        " OR prev_any_in_session_at > created_at)").bindparams(website=website))
    assert disorder == [(0,)]
    firsts = events.query(text(
        "SELECT count(*) FILTER (isinf(prev_in_session_at)),"
        " count(DISTINCT session_id) FILTER (event_type NOT IN (2, 5))"
        " FROM website_event WHERE website_id = :website").bindparams(website=website))
    assert firsts[0][0] == firsts[0][1]


def _version_1_file(path: Any, website: str, seed: int) -> duckdb.DuckDBPyConnection:
    """A DuckDB file at schema version 1 holding random traffic, left open for more."""
    rows = [entry["event"] for batch in _traffic(website, random.Random(seed)) for entry in batch
            if "event" in entry]
    old = duckdb.connect(str(path))
    old.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                " applied_at TIMESTAMPTZ DEFAULT current_timestamp)")
    old.execute(MIGRATIONS[0][1][0])
    old.execute("INSERT INTO schema_migrations (version) VALUES (1)")
    table = pa.Table.from_pylist(rows, schema=_SCHEMAS["website_event"])
    old.register("old_rows", table)
    old.execute(f"INSERT INTO website_event ({', '.join(table.column_names)})"
                f" SELECT * FROM old_rows")
    return old


def test_the_migration_links_events_stored_before_it(tmp_path):
    """A version-1 file (no links) gets every row linked when it is opened."""
    website = str(uuid.uuid4())
    path = tmp_path / "old.duckdb"
    _version_1_file(path, website, 7).close()
    database = AnalyticsDatabase(path, threads=1)
    try:
        linked_store = _DatabaseStore(database, True)
        grouped = _DatabaseStore(database, False)
        for start, end in _windows(random.Random(8)):
            request = parse_request(website, {"startAt": str(start), "endAt": str(end)})
            assert website_stats(linked_store, request) == website_stats(grouped, request)
            assert journey(linked_store, request, 4) == journey(grouped, request, 4)
            assert (journey(linked_store, request, 4, event_type=1)
                    == journey(grouped, request, 4, event_type=1))
            assert (breakdown(linked_store, request, ["path"])
                    == breakdown(grouped, request, ["path"]))
        varying = database.query(text("SELECT count(*) FROM varying_session"))
        assert varying == [(1,)]  # the session with the overridden browser
    finally:
        database.close()


class _DatabaseStore:
    """An AnalyticsDatabase read as an event store, with or without its links."""

    def __init__(self, database: AnalyticsDatabase, links: bool):
        self.capabilities = EmbeddedEventStore.capabilities if links else StoreCapabilities()
        self.query = database.query


def test_events_without_a_session_entry_still_link(tmp_path):
    """A session row is made from the event when the batch has none, so the next batch does
    not take the session for new."""
    website, session = str(uuid.uuid4()), str(uuid.uuid4())

    def hit(minute: int) -> dict[str, Any]:
        return {"event": {"event_id": str(uuid.uuid4()), "website_id": website,
                          "session_id": session, "visit_id": session, "url_path": "/",
                          "created_at": _micros(DAY0 + timedelta(minutes=minute)),
                          "event_type": 1, "browser": "chrome"}}

    for minute in (0, 5):
        store = EmbeddedStore.open(tmp_path, threads=1)
        try:
            asyncio.run(store.events.write([hit(minute)]))
            assert store.events.wait_until_visible(10)
        finally:
            store.close()
    store = EmbeddedStore.open(tmp_path, threads=1)
    try:
        links = store.events.query(text(
            "SELECT epoch_us(prev_in_session_at), epoch_us(prev_in_visit_at)"
            " FROM website_event ORDER BY created_at"))
        sessions = store.events.query(text("SELECT browser FROM session"))
    finally:
        store.close()
    assert links == [(None, None), (_micros(DAY0), _micros(DAY0))]  # -infinity reads as NULL
    assert sessions == [("chrome",)]


def test_channels_per_combination_match_the_rules_per_row(loaded):
    """/metrics?type=channel classifies each distinct input combination once; the answer is
    the rules applied to every row."""
    events, website = loaded
    seen: set[str] = set()
    for start, end in _windows(random.Random(9))[:8]:
        request = parse_request(website, {"startAt": str(start), "endAt": str(end),
                                          "type": "channel"})
        channel = channel_expression().label("x")
        per_row = (select(channel, func.count(func.distinct(E.session_id)).label("y"))
                   .where(*conditions(request), channel != "").group_by(channel))
        expected = sorted((row["x"], row["y"]) for row in fetch(events, per_row))
        answer = sorted((row["x"], row["y"]) for row in website_metrics(events, request))
        assert answer == expected
        seen.update(channel for channel, _ in expected)
    assert len(seen) > 3


@pytest.mark.parametrize("zone", ["", "America/New_York"])
@pytest.mark.parametrize("filters", [{}, {"country": "neq.FR"}])
def test_retention_matches_grouping(loaded, zone, filters):
    events, website = loaded
    grouped = copied(events)
    for start, end in _windows(random.Random(11)):
        request = parse_request(website, {"startAt": str(start), "endAt": str(end),
                                          "timezone": zone, **filters})
        assert retention(events, request) == retention(grouped, request)


def test_revenue_matches_grouping(loaded):
    """Its visitor total and each paying session's first referrer and channel."""
    events, website = loaded
    grouped = copied(events)
    channels = set()
    for start, end in _windows(random.Random(12)):
        request = parse_request(website, {"startAt": str(start), "endAt": str(end),
                                          "unit": "day"})
        answer = revenue(events, request, "USD")
        assert answer == revenue(grouped, request, "USD")
        channels.update(row["name"] for row in answer["channel"])
    assert len(channels) > 2


def test_every_visitor_filter_is_checked_for_varying_sessions():
    """A filter takes the linked path only if the store lists sessions whose rows disagree on
    it: the two lists must name the same attributes."""
    # The visitor filters are named after their columns.
    assert set(linked.SESSION_FILTERS) == set(VISITOR_ATTRIBUTES)


def test_visit_links_written_per_batch_equal_the_sql_ones(loaded):
    """Python links each batch; SQL relinks late sessions and migrates old files: same values
    (the step keys included, which both compute from MD5)."""
    events, website = loaded
    columns = ("visit_seq, epoch_us(visit_started_at), step_key, step_parent, step_root,"
               " epoch_us(prev_in_visit_path_at), epoch_us(prev2_in_visit_path_at)")
    stored = events.query(text(f"SELECT rowid, {columns} FROM website_event"
                               " WHERE website_id = :website ORDER BY rowid"
                               ).bindparams(website=website))
    where = f"website_id = '{website}'"
    computed = events.query(text(f"SELECT stored_order, {columns}"
                                 f" FROM ({visit_links_query(where)}) ORDER BY stored_order"))
    assert stored == computed
    assert max(row[1] for row in stored) > 3
    columns = "type_seq, type_step_key, type_step_parent, type_step_root"
    stored = events.query(text(f"SELECT rowid, {columns} FROM website_event"
                               " WHERE website_id = :website ORDER BY rowid"
                               ).bindparams(website=website))
    computed = events.query(text(f"SELECT stored_order, {columns}"
                                 f" FROM ({type_steps_query(where)}) ORDER BY stored_order"))
    assert stored == computed
    # Custom events interleave with pageviews: their own steps differ from the visit's.
    differing = events.query(text("SELECT count(*) FROM website_event WHERE website_id = :website"
                                  " AND type_seq < visit_seq AND event_type = 1"
                                  ).bindparams(website=website))
    assert differing[0][0] > 10


@pytest.mark.parametrize(("steps", "start_step", "end_step"), [
    (3, None, None), (5, "/a", None), (4, None, "click"), (7, None, "/b"), (3, "/", "/c"),
])
@pytest.mark.parametrize("filters", [{}, {"country": "neq.DE"}])
def test_journeys_match_grouping(loaded, steady, steps, start_step, end_step, filters):
    for events, website in (loaded, steady):
        grouped = copied(events)
        found = 0
        for start, end in _windows(random.Random(steps)):
            request = parse_request(website, {"startAt": str(start), "endAt": str(end),
                                              **filters})
            answer = journey(events, request, steps, start_step, end_step)
            assert answer == journey(grouped, request, steps, start_step, end_step), (
                start, end)
            found += sum(row["count"] for row in answer)
        assert found > 0
    assert planner.links_answer(steady[0], parse_request(steady[1], {
        "startAt": "0", "endAt": "9999999999999", **filters}))


@pytest.mark.parametrize(("event_type", "steps", "start_step", "end_step"), [
    (1, 3, None, None), (1, 5, "/a", None), (2, 4, None, "signup"), (2, 3, "click", None),
    (3, 7, None, "/b"), (1, 4, "/", "/c"),
])
@pytest.mark.parametrize("filters", [{}, {"country": "neq.DE"}])
def test_journeys_of_one_event_type_match_grouping(loaded, steady, event_type, steps,
                                                   start_step, end_step, filters):
    """The eventType parameter: steps counted among a visit's rows of that type."""
    for events, website in (loaded, steady):
        grouped = copied(events)
        found = 0
        for start, end in _windows(random.Random(steps * event_type)):
            request = parse_request(website, {"startAt": str(start), "endAt": str(end),
                                              **filters})
            answer = journey(events, request, steps, start_step, end_step, event_type)
            assert answer == journey(grouped, request, steps, start_step, end_step,
                                     event_type), (start, end)
            found += sum(row["count"] for row in answer)
        assert found > 0
    # As a filter too; two event type filters, or one beside a filter on single rows, are
    # grouped.
    for params, typed in (({"eventType": str(event_type)}, True),
                          ({"eventType": "1", "eventType1": "2"}, False),
                          ({"eventType": "1", "path": "/a"}, False)):
        request = parse_request(steady[1], {"startAt": "0", "endAt": "9999999999999",
                                            **filters, **params})
        columns = step_columns(steady[0], request)
        assert (columns is not None and columns.key is E.type_step_key) is typed, params


@pytest.mark.parametrize("fields", [
    ["path"], ["path", "browser"], ["country", "path", "os"], ["browser"], ["title"],
])
@pytest.mark.parametrize("filters", [{}, {"path": "/a,/b"}, {"country": "neq.DE"}])
def test_breakdowns_match_grouping(loaded, steady, fields, filters):
    for events, website in (loaded, steady):
        grouped = copied(events)
        for start, end in _windows(random.Random(str(fields))):
            request = parse_request(website, {"startAt": str(start), "endAt": str(end),
                                              **filters})
            answer = breakdown(events, request, fields)
            assert answer == breakdown(grouped, request, fields), (start, end)


@pytest.mark.parametrize("filters", PATH_FILTERS)
def test_one_path_filter_matches_grouping(loaded, steady, filters):
    """Stats, the pageview series and the visitor-attribute metrics under a path filter."""
    for events, website in (loaded, steady):
        grouped = copied(events)
        for start, end in _windows(random.Random(str(filters)))[:8]:
            params = {"startAt": str(start), "endAt": str(end), **filters}
            request = parse_request(website, params)
            assert website_stats(events, request) == website_stats(grouped, request), params
            hourly = parse_request(website, {**params, "unit": "hour"})
            assert website_pageviews(events, hourly) == website_pageviews(grouped, hourly)
            for kind in ("browser", "country", "entry", "exit"):
                typed = parse_request(website, {**params, "type": kind})
                assert website_metrics(events, typed) == website_metrics(grouped, typed), params
                assert expanded_metrics(events, typed) == expanded_metrics(grouped, typed)
    chains = planner.core_chains(steady[0], parse_request(steady[1], {
        "startAt": "0", "endAt": "9999999999999", "path": "/b", "country": "neq.DE"}))
    assert chains is linked.PATHS_IN_VISITS


def test_an_interrupted_migration_finishes_on_the_next_start(tmp_path):
    """Migration 3 commits in parts: a file left after some of them (a crash, a kill) is
    finished on the next start, with the same links as a straight run."""
    website = str(uuid.uuid4())
    path = tmp_path / "interrupted.duckdb"
    with _version_1_file(path, website, 13) as old:
        old.execute(MIGRATIONS[1][1][0])
        old.execute("INSERT INTO schema_migrations (version) VALUES (2)")
        version, parts = MIGRATIONS[2]
        assert version == 3 and len(parts) > 3
        for part in parts[:3]:
            old.execute(part)
    database = AnalyticsDatabase(path, threads=1)
    try:
        assert database.schema_version == MIGRATIONS[-1][0]
        linked_store, grouped = _DatabaseStore(database, True), _DatabaseStore(database, False)
        for start, end in _windows(random.Random(14)):
            request = parse_request(website, {"startAt": str(start), "endAt": str(end)})
            assert journey(linked_store, request, 5) == journey(grouped, request, 5)
            assert (journey(linked_store, request, 3, event_type=2)
                    == journey(grouped, request, 3, event_type=2))
            assert (breakdown(linked_store, request, ["path", "os"])
                    == breakdown(grouped, request, ["path", "os"]))
        unlinked = database.query(text("SELECT count(*) FROM website_event"
                                       " WHERE visit_seq IS NULL OR type_seq IS NULL"))
        assert unlinked == [(0,)]
    finally:
        database.close()


@pytest.mark.parametrize("filters", [{}, {"path": "/a"}, {"browser": "chrome"},
                                     {"eventType": "2"}, {"country": "neq.DE", "path": "/b"}])
def test_a_store_with_links_but_no_visit_links_matches(loaded, steady, filters):
    """Predecessor links without per-visit links (positions, step keys, visit path links):
    the planner takes the links where they suffice and groups where per-visit links would be
    read, with the same answers."""
    for events, website in (loaded, steady):
        partial = copied(events, LINKS_ONLY)
        for start, end in _windows(random.Random(str(filters)))[:5]:
            params = {"startAt": str(start), "endAt": str(end), **filters}
            request = parse_request(website, params)
            assert website_stats(events, request) == website_stats(partial, request), params
            hourly = parse_request(website, {**params, "unit": "hour"})
            assert website_pageviews(events, hourly) == website_pageviews(partial, hourly)
            for kind in ("browser", "path", "title", "entry", "exit"):
                typed = parse_request(website, {**params, "type": kind})
                assert website_metrics(events, typed) == website_metrics(partial, typed), params
                assert (expanded_metrics(events, typed)
                        == expanded_metrics(partial, typed)), params
            assert session_list(events, request) == session_list(partial, request), params
            assert journey(events, request, 4) == journey(partial, request, 4), params
            assert (journey(events, request, 3, event_type=2)
                    == journey(partial, request, 3, event_type=2)), params
            assert (breakdown(events, request, ["path", "browser"])
                    == breakdown(partial, request, ["path", "browser"])), params
            assert retention(events, request) == retention(partial, request), params
    request = parse_request(steady[1], {"startAt": "0", "endAt": "9999999999999"})
    assert planner.core_chains(copied(steady[0], LINKS_ONLY), request) is linked.VISITS
    assert step_columns(copied(steady[0], LINKS_ONLY), request) is None
