"""The analytics endpoints over HTTP against the recorded answers of examples.md, plus the error
answers for bad input (400 envelope), missing auth (401) and unknown ids (never 500)."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.api.conftest import assert_error
from tests.queries.examples import END_AT, START_AT

RANGE = {"startAt": START_AT, "endAt": END_AT}
ZEROS = {"pageviews": 0, "visitors": 0, "visits": 0, "bounces": 0, "totaltime": 0}
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def get(recorded, path, **params):
    return recorded.admin.ok("GET", path, params=params)


def test_stats(recorded):
    assert get(recorded, f"/api/websites/{recorded.main}/stats", **RANGE) == {
        "pageviews": 9, "visitors": 7, "visits": 7, "bounces": 5, "totaltime": 1,
        "comparison": ZEROS}


def test_stats_of_unknown_website_are_zeros(recorded):
    assert get(recorded, f"/api/websites/{UNKNOWN}/stats", **RANGE) == {
        **ZEROS, "comparison": ZEROS}


def test_pageviews_new_york(recorded):
    answer = get(recorded, f"/api/websites/{recorded.tz}/pageviews", startAt=1795046400000,
                 endAt=1795391999999, unit="day", timezone="America/New_York")
    assert answer["pageviews"] == [{"x": "2026-11-20 00:00:00", "y": 1},
                                   {"x": "2026-11-21 00:00:00", "y": 3}]


def test_metrics_path(recorded):
    assert get(recorded, f"/api/websites/{recorded.main}/metrics", type="path", limit=2,
               **RANGE) == [{"x": "/", "y": 4}, {"x": "/docs", "y": 2}]


def test_expanded_metrics_browser(recorded):
    rows = get(recorded, f"/api/websites/{recorded.main}/metrics/expanded", type="browser",
               **RANGE)
    # chrome: the two-page visit, the two-page past visit and two single pages.
    assert rows[0] == {"name": "chrome", "pageviews": 6, "visitors": 4, "visits": 4,
                       "bounces": 2, "totaltime": 1}


def test_events_list(recorded):
    answer = get(recorded, f"/api/websites/{recorded.main}/events", **RANGE)
    assert (answer["count"], answer["page"], answer["pageSize"]) == (11, 1, 20)
    newest = answer["data"][0]
    assert newest["eventType"] == 5 and newest["hostname"] is None
    assert [row["eventType"] for row in answer["data"]] == [5, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1]
    custom = answer["data"][4]
    assert custom["eventName"] == "signup-click" and custom["hasData"] is True
    assert [row["urlPath"] for row in answer["data"][-4:]] == ["/", "/", "/pricing", "/docs"]
    assert answer["data"][-1]["createdAt"] == "2026-11-19T21:19:19.000Z"
    searched = get(recorded, f"/api/websites/{recorded.main}/events", search="SIGNUP", **RANGE)
    assert [row["eventName"] for row in searched["data"]] == ["signup-click"]


def test_events_stats(recorded):
    assert get(recorded, f"/api/websites/{recorded.main}/events/stats", **RANGE) == {"data": {
        "events": 1, "visitors": 1, "visits": 1, "uniqueEvents": 1,
        "comparison": {"events": 0, "visitors": 0, "visits": 0, "uniqueEvents": 0}}}


def test_events_series(recorded):
    assert get(recorded, f"/api/websites/{recorded.main}/events/series", timezone="UTC",
               unit="day", **RANGE) == [{"x": "signup-click", "t": "2026-11-22 00:00:00", "y": 1}]


def test_sessions_list(recorded):
    answer = get(recorded, f"/api/websites/{recorded.main}/sessions", **RANGE)
    # One row per session (ClickHouse); PostgreSQL's per-hostname split gave 8.
    assert answer["count"] == 7
    first = answer["data"][0]
    assert {key: first[key] for key in ("browser", "os", "device", "country", "region", "city",
                                        "visits", "views", "events", "hostname")} == {
        "browser": "chrome", "os": "Windows 10", "device": "laptop", "country": "GB",
        "region": "GB-ENG", "city": "Gamlingay", "visits": 1, "views": 2, "events": 1,
        "hostname": "example.com"}
    assert [row["browser"] for row in answer["data"]] == [
        "chrome", "firefox", "firefox", "ios", "chrome", "chrome", "chrome"]
    assert [row["views"] for row in answer["data"]] == [2, 1, 1, 1, 1, 2, 1]


def test_single_session_activity_and_properties(recorded):
    first = get(recorded, f"/api/websites/{recorded.main}/sessions", **RANGE)["data"][0]
    session = get(recorded, f"/api/websites/{recorded.main}/sessions/{first['id']}")
    assert (session["views"], session["events"], session["visits"]) == (2, 1, 1)
    activity = get(recorded, f"/api/websites/{recorded.main}/sessions/{first['id']}/activity",
                   **RANGE)
    assert [row["eventType"] for row in activity] == [5, 2, 1, 1]
    properties = get(recorded,
                     f"/api/websites/{recorded.main}/sessions/{first['id']}/properties")
    assert [(row["dataKey"], row["stringValue"]) for row in properties] == [
        ("company", "ACME"), ("plan", "pro")]
    assert get(recorded, f"/api/websites/{recorded.main}/sessions/{UNKNOWN}") == {}


def test_sessions_stats(recorded):
    # Recorded pageviews 11 counts every event type (PostgreSQL); canonical is pageviews only.
    assert get(recorded, f"/api/websites/{recorded.main}/sessions/stats", **RANGE) == {
        "pageviews": {"value": 9}, "visitors": {"value": 7}, "visits": {"value": 7},
        "countries": {"value": 4}, "events": {"value": 1}}


def test_sessions_weekly(recorded):
    grid = get(recorded, f"/api/websites/{recorded.main}/sessions/weekly", timezone="UTC",
               **RANGE)
    assert len(grid) == 7 and all(len(row) == 24 for row in grid)
    # 2026-11-22 is a Sunday; four visitors at 21:00.
    assert grid[0][21] == 4 and sum(map(sum, grid)) == 7


def test_daterange(recorded):
    assert get(recorded, f"/api/websites/{recorded.main}/daterange") == {
        "startDate": "2026-11-19T21:19:19.000Z", "endDate": "2026-11-22T21:19:19.000Z"}
    assert get(recorded, f"/api/websites/{UNKNOWN}/daterange") == {
        "startDate": None, "endDate": None}


def test_values(recorded):
    assert get(recorded, f"/api/websites/{recorded.main}/values", type="browser", **RANGE) == [
        {"value": "chrome", "count": 8}, {"value": "firefox", "count": 2},
        {"value": "ios", "count": 1}]
    assert get(recorded, f"/api/websites/{recorded.main}/values", type="path", search="doc",
               **RANGE) == [{"value": "/docs", "count": 2}]


def test_realtime_and_active(recorded):
    answer = get(recorded, f"/api/realtime/{recorded.live}")
    assert answer["countries"] == {"GB": 2, "SE": 1}
    assert answer["urls"] == {"/": 3, "/pricing": 2, "/docs": 1, "/blog/hello-world": 1}
    assert answer["referrers"] == {"google.com": 1, "example.com": 1,
                                   "news.ycombinator.com": 1}
    assert [event["__type"] for event in answer["events"]] == [
        "pageview", "pageview", "session", "pageview", "session", "pageview", "session",
        "event", "pageview", "pageview", "session"]
    assert answer["totals"]["views"] == 5 and answer["totals"]["events"] == 1
    assert answer["totals"]["countries"] == 2
    assert abs(answer["timestamp"] - time.time() * 1000) < 60_000
    assert get(recorded, f"/api/websites/{recorded.live}/active") == {"visitors": 4}


@pytest.mark.parametrize(("path", "params"), [
    ("stats", {}),
    ("stats", {"startAt": "abc", "endAt": END_AT}),
    ("stats", {"startAt": END_AT, "endAt": START_AT}),
    ("pageviews", {**RANGE, "unit": "week"}),
    ("pageviews", {**RANGE, "timezone": "Mars/Olympus"}),
    ("stats", {**RANGE, "compare": "lastweek"}),
    ("metrics", {**RANGE, "type": "url"}),
    ("metrics", RANGE),
    ("metrics", {**RANGE, "type": "path", "limit": "100000000"}),
    ("metrics", {**RANGE, "type": "path", "limit": "ten"}),
    ("stats", {**RANGE, "path": "gt.5"}),
    ("stats", {**RANGE, "path": "re.(unclosed"}),
    # Patterns Python accepts and neither database's regular expressions do (InvalidQuery).
    # (Lookaheads and back-references are refused by DuckDB's RE2 but valid on PostgreSQL.)
    ("stats", {**RANGE, "path": "re.a*+"}),
    ("metrics", {**RANGE, "type": "path", "title": "nre.(?>a)"}),
    ("stats", {**RANGE, "match": "some"}),
    ("stats", {**RANGE, "eventType": "x"}),
    ("events", {**RANGE, "pageSize": "0"}),
    ("values", {**RANGE, "type": "segment"}),
    ("events/series", RANGE),
])
def test_bad_input_is_400(recorded, path, params):
    response = recorded.admin.get(f"/api/websites/{recorded.main}/{path}", params=params)
    body = assert_error(response, 400, "bad-request")
    assert body["message"] == "Bad request"


def test_missing_range_message(recorded):
    response = recorded.admin.get(f"/api/websites/{recorded.main}/stats")
    assert response.json() == {"error": {
        "message": "Bad request", "code": "bad-request", "status": 400,
        "errors": ["Either startAt+endAt or startDate+endDate must be provided"]}}


def test_without_token_401(recorded):
    response = httpx.get(f"{recorded.server.base_url}/api/websites/{recorded.main}/stats",
                         params=RANGE)
    assert_error(response, 401, "unauthorized")


def test_malformed_website_id_is_not_500(recorded):
    response = recorded.admin.get("/api/websites/not-a-uuid/stats", params=RANGE)
    assert response.status_code == 400


def test_event_data(recorded):
    base = f"/api/websites/{recorded.main}/event-data"
    assert get(recorded, f"{base}/stats", **RANGE) == {"events": 1, "properties": 2,
                                                       "records": 2}
    assert get(recorded, f"{base}/properties", **RANGE) == [
        {"eventName": "signup-click", "propertyName": "plan", "total": 1},
        {"eventName": "signup-click", "propertyName": "price", "total": 1}]
    assert get(recorded, f"{base}/fields", **RANGE) == [
        {"propertyName": "price", "dataType": 2, "value": "12", "total": 1},
        {"propertyName": "plan", "dataType": 1, "value": "pro", "total": 1}]
    assert get(recorded, f"{base}/values", event="signup-click", propertyName="price",
               **RANGE) == [{"value": "12", "total": 1}]
    assert get(recorded, f"{base}/events", **RANGE) == [
        {"eventName": "signup-click", "propertyName": "plan", "dataType": 1, "total": 1},
        {"eventName": "signup-click", "propertyName": "price", "dataType": 2, "total": 1}]
    listed = get(recorded, base, **RANGE)
    assert listed["count"] == 1
    (event,) = listed["data"]
    assert event["eventName"] == "signup-click"
    assert [(item["dataKey"], item["stringValue"], item["numberValue"])
            for item in event["eventProperties"]] == [("plan", "pro", None),
                                                      ("price", "12", 12.0)]
    single = get(recorded, f"{base}/{event['eventId']}")
    assert [row["dataKey"] for row in single] == ["plan", "price"]
    response = recorded.admin.get(f"{base}/values", params={**RANGE, "event": "signup-click"})
    assert_error(response, 400, "bad-request")


def test_session_data(recorded):
    base = f"/api/websites/{recorded.main}/session-data"
    assert get(recorded, f"{base}/properties", **RANGE) == [
        {"propertyName": "company", "total": 1}, {"propertyName": "plan", "total": 1}]
    assert get(recorded, f"{base}/values", propertyName="company", **RANGE) == [
        {"value": "ACME", "total": 1}]


def test_export_zip(recorded):
    import base64
    import io
    import zipfile

    answer = get(recorded, f"/api/websites/{recorded.main}/export", browser="firefox", **RANGE)
    files = zipfile.ZipFile(io.BytesIO(base64.b64decode(answer["zip"])))
    assert files.namelist() == ["events.csv", "pages.csv", "referrers.csv", "browsers.csv",
                                "os.csv", "devices.csv", "countries.csv"]
    # Plain filters are dropped on this route, as in Umami.
    assert files.read("browsers.csv").decode() == "x,y\r\nchrome,4\r\nfirefox,2\r\nios,1"
    assert files.read("events.csv").decode() == "x,y\r\nsignup-click,1"


def test_revenue_sessions(recorded):
    base = f"/api/websites/{recorded.shop}/revenue/sessions"
    answer = get(recorded, base, currency="USD", **RANGE)
    assert answer["count"] == 1
    assert [(row["browser"], row["views"], row["events"]) for row in answer["data"]] == [
        ("chrome", 1, 1)]
    assert get(recorded, base, currency="EUR", search="fire", **RANGE)["count"] == 1
    assert get(recorded, base, currency="GBP", **RANGE)["count"] == 0
    response = recorded.admin.get(base, params=RANGE)
    assert_error(response, 400, "bad-request")


def test_segment_and_cohort(recorded):
    base = f"/api/websites/{recorded.main}"
    segment = recorded.admin.ok("POST", f"{base}/segments", json={
        "type": "segment", "name": "Firefox",
        "parameters": {"filters": [{"name": "browser", "operator": "eq", "value": "firefox"}]}})
    # The segment's browser filter overrides the query's.
    stats = get(recorded, f"{base}/stats", segment=segment["id"], browser="chrome", **RANGE)
    assert (stats["pageviews"], stats["visitors"]) == (2, 2)
    cohort = recorded.admin.ok("POST", f"{base}/segments", json={
        "type": "cohort", "name": "Signed up",
        "parameters": {"action": {"type": "event", "value": "signup-click"},
                       "dateRange": f"range:{START_AT}:{END_AT}"}})
    stats = get(recorded, f"{base}/stats", cohort=cohort["id"], **RANGE)
    assert (stats["pageviews"], stats["visitors"], stats["visits"]) == (2, 1, 1)
    assert get(recorded, f"{base}/metrics", type="browser", cohort=cohort["id"], **RANGE) == [
        {"x": "chrome", "y": 1}]
    # Unknown ids are ignored; malformed ones refused.
    assert get(recorded, f"{base}/stats", segment=UNKNOWN, **RANGE)["pageviews"] == 9
    assert_error(recorded.admin.get(f"{base}/stats", params={**RANGE, "segment": "x"}), 400)
