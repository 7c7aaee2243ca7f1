"""Our server started on a database Umami 3.1 made and filled: Umami's rows in Umami's shapes,
written with plain SQL as Umami's Prisma client leaves them, then read through our HTTP API.

Visitor attributes live only on `session` here (Umami's PostgreSQL events carry none), a bcrypt
hash in the `$2a$` form bcryptjs writes logs in, and every number below is worked out by hand
from the rows inserted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bcrypt
import httpx
import psycopg
import pytest

from tests.server_process import ServerProcess, use_database
from umami_server.storage.postgres.connection import location_engine, parse_database_url
from umami_server.storage.postgres.schema import create_umami_schema

PASSWORD = "umami-made-password"
T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)  # a Monday
WINDOW = {"startAt": int((T0 - timedelta(days=1)).timestamp() * 1000),
          "endAt": int((T0 + timedelta(days=2)).timestamp() * 1000)}
ADMIN, WEBSITE, REPORT, SEGMENT, LINK, PIXEL, SHARE = (str(uuid.uuid4()) for _ in range(7))
# Three visitors: Alice (Firefox, Germany) with two visits, Bob (Chrome, France) who bounces, and
# Carol (Safari, Germany) who views two pages and sends one custom event with data.
ALICE, BOB, CAROL = (str(uuid.uuid4()) for _ in range(3))
SESSIONS = [
    (ALICE, "firefox", "Mac OS", "desktop", "1920x1080", "de-DE", "DE", "DE-BE", "Berlin"),
    (BOB, "chrome", "Windows 10", "laptop", "1366x768", "fr-FR", "FR", "FR-IDF", "Paris"),
    (CAROL, "safari", "iOS", "mobile", "390x844", "de-DE", "DE", "DE-BY", "Munich"),
]
VISIT_A1, VISIT_A2, VISIT_B, VISIT_C = (str(uuid.uuid4()) for _ in range(4))
CUSTOM_EVENT = str(uuid.uuid4())
# (event id, session, visit, minutes after T0, path, event type, event name)
EVENTS = [
    (str(uuid.uuid4()), ALICE, VISIT_A1, 0, "/", 1, None),
    (str(uuid.uuid4()), ALICE, VISIT_A1, 3, "/pricing", 1, None),
    (str(uuid.uuid4()), ALICE, VISIT_A2, 24 * 60, "/", 1, None),
    (str(uuid.uuid4()), BOB, VISIT_B, 10, "/blog", 1, None),
    (str(uuid.uuid4()), CAROL, VISIT_C, 20, "/", 1, None),
    (str(uuid.uuid4()), CAROL, VISIT_C, 21, "/pricing", 1, None),
    (CUSTOM_EVENT, CAROL, VISIT_C, 22, "/pricing", 2, "signup"),
]


def _fill_like_umami(url: str) -> None:
    engine = location_engine(parse_database_url(url))
    try:
        create_umami_schema(engine)
    finally:
        engine.dispose()
    password_hash = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(10, prefix=b"2a")).decode()
    with psycopg.connect(url) as db:
        db.execute(
            'INSERT INTO "user" (user_id, username, password, role, created_at) '
            "VALUES (%s, 'olduser', %s, 'admin', %s)", [ADMIN, password_hash, T0])
        db.execute(
            "INSERT INTO website (website_id, name, domain, user_id, created_by, created_at) "
            "VALUES (%s, 'Old site', 'old.example', %s, %s, %s)", [WEBSITE, ADMIN, ADMIN, T0])
        for session_id, *attributes in SESSIONS:
            db.execute(
                "INSERT INTO session (session_id, website_id, browser, os, device, screen, "
                "language, country, region, city, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [session_id, WEBSITE, *attributes, T0])
        for event_id, session_id, visit_id, minutes, path, event_type, name in EVENTS:
            db.execute(
                "INSERT INTO website_event (event_id, website_id, session_id, visit_id, "
                "created_at, url_path, event_type, event_name, hostname, page_title) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'old.example', 'Old')",
                [event_id, WEBSITE, session_id, visit_id, T0 + timedelta(minutes=minutes), path,
                 event_type, name])
        db.execute(
            "INSERT INTO event_data (event_data_id, website_id, website_event_id, data_key, "
            "string_value, data_type, created_at) VALUES (%s, %s, %s, 'plan', 'pro', 1, %s)",
            [str(uuid.uuid4()), WEBSITE, CUSTOM_EVENT, T0 + timedelta(minutes=22)])
        db.execute(
            "INSERT INTO report (report_id, user_id, website_id, type, name, description, "
            "parameters, created_at) VALUES (%s, %s, %s, 'funnel', 'Signup funnel', '', %s, %s)",
            [REPORT, ADMIN, WEBSITE, json.dumps({"steps": [{"type": "path", "value": "/"}]}),
             T0])
        db.execute(
            "INSERT INTO segment (segment_id, website_id, type, name, parameters, created_at) "
            "VALUES (%s, %s, 'segment', 'Germans', %s, %s)",
            [SEGMENT, WEBSITE, json.dumps({"filters": [
                {"name": "country", "operator": "eq", "value": "DE"}]}), T0])
        db.execute(
            "INSERT INTO link (link_id, name, url, slug, user_id, created_at) "
            "VALUES (%s, 'Docs', 'https://docs.example/', 'oldlink1', %s, %s)", [LINK, ADMIN, T0])
        db.execute(
            "INSERT INTO pixel (pixel_id, name, slug, user_id, created_at) "
            "VALUES (%s, 'Mail', 'oldpixel1', %s, %s)", [PIXEL, ADMIN, T0])
        db.execute(
            "INSERT INTO share (share_id, entity_id, name, share_type, slug, parameters, "
            "created_at) VALUES (%s, %s, 'Old site', 1, 'oldshare12345678', %s, %s)",
            [SHARE, WEBSITE, json.dumps({"overview": True}), T0])


@pytest.fixture(scope="module")
def umami_made(tmp_path_factory: pytest.TempPathFactory, postgres_server) -> Iterator[httpx.Client]:
    url = postgres_server.create_database("umami_made")
    _fill_like_umami(url)
    data_dir: Path = tmp_path_factory.mktemp("umami-made") / "data"
    use_database(data_dir, url)
    server = ServerProcess(data_dir).start()
    try:
        login = httpx.post(f"{server.base_url}/api/auth/login",
                           json={"username": "olduser", "password": PASSWORD}, timeout=10)
        assert login.status_code == 200, login.text
        with server.client(headers={"Authorization": f"Bearer {login.json()['token']}"}) as api:
            yield api
    finally:
        server.stop()
        postgres_server.drop_database(url)


def _get(api: httpx.Client, path: str, **params: str) -> object:
    response = api.get(f"/api/websites/{WEBSITE}/{path}", params={**WINDOW, **params})
    assert response.status_code == 200, (path, response.text)
    return response.json()


def test_no_first_admin_is_added_to_a_database_that_has_users(umami_made):
    users = umami_made.get("/api/admin/users").json()
    assert [user["username"] for user in users["data"]] == ["olduser"]


def test_the_website_and_its_numbers_are_umamis(umami_made):
    assert [site["id"] for site in umami_made.get("/api/websites").json()["data"]] == [WEBSITE]
    # 6 pageviews; 3 visitors; 4 visits; Bob's and Alice's second visit bounce; time counts
    # pageviews only: Alice's first visit 3 min, Carol's 1 min (her custom event is not counted).
    stats = _get(umami_made, "stats")
    assert {key: stats[key] for key in ("pageviews", "visitors", "visits", "bounces",
                                        "totaltime")} == {
        "pageviews": 6, "visitors": 3, "visits": 4, "bounces": 2, "totaltime": 240}


def test_visitor_attributes_come_from_the_session_table(umami_made):
    assert _get(umami_made, "metrics", type="browser") == [
        {"x": "chrome", "y": 1}, {"x": "firefox", "y": 1}, {"x": "safari", "y": 1}]
    assert _get(umami_made, "metrics", type="country") == [
        {"x": "DE", "y": 2}, {"x": "FR", "y": 1}]
    germans = _get(umami_made, "stats", country="DE")
    assert (germans["pageviews"], germans["visitors"]) == (5, 2)


def test_pages_events_and_event_data(umami_made):
    # Visitors per page: Alice and Carol saw / and /pricing, Bob /blog.
    assert sorted((row["x"], row["y"]) for row in _get(umami_made, "metrics", type="path")) == [
        ("/", 2), ("/blog", 1), ("/pricing", 2)]
    assert _get(umami_made, "metrics", type="event") == [{"x": "signup", "y": 1}]
    properties = _get(umami_made, "event-data/properties")
    assert [(row["eventName"], row["propertyName"], row["total"]) for row in properties] == [
        ("signup", "plan", 1)]


def test_sessions_list_the_session_rows(umami_made):
    sessions = _get(umami_made, "sessions")
    by_id = {row["id"]: row for row in sessions["data"]}
    assert set(by_id) == {ALICE, BOB, CAROL}
    assert (by_id[ALICE]["browser"], by_id[ALICE]["city"], by_id[ALICE]["visits"],
            by_id[ALICE]["views"]) == ("firefox", "Berlin", 2, 3)
    assert (by_id[CAROL]["views"], by_id[CAROL]["events"]) == (2, 1)


def test_reports_segments_links_pixels_and_shares_appear(umami_made):
    reports = umami_made.get("/api/reports", params={"websiteId": WEBSITE}).json()
    assert [(r["id"], r["name"], r["type"]) for r in reports["data"]] == [
        (REPORT, "Signup funnel", "funnel")]
    segments = umami_made.get(f"/api/websites/{WEBSITE}/segments",
                              params={"type": "segment"}).json()
    assert [(s["id"], s["name"]) for s in segments["data"]] == [(SEGMENT, "Germans")]
    assert [link["id"] for link in umami_made.get("/api/links").json()["data"]] == [LINK]
    assert [pixel["id"] for pixel in umami_made.get("/api/pixels").json()["data"]] == [PIXEL]
    share = httpx.get(f"{umami_made.base_url}/api/share/oldshare12345678", timeout=10).json()
    assert (share["shareId"], share["websiteId"], share["parameters"]) == (
        SHARE, WEBSITE, {"overview": True})
