"""POST /api/send against a real server: answers, ids, tokens, and what ends up stored."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.conftest import add_website
from tests.server_process import CHROME_UA, TEST_SECRET
from umami_server.collect.identity import IdentityDeriver

FIREFOX_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def send(server, payload, kind="event", ua=CHROME_UA, ip="81.2.69.142", **headers):
    with server.client() as client:
        return client.post(
            "/api/send",
            json={"type": kind, "payload": payload},
            headers={"User-Agent": ua, "X-Forwarded-For": ip, **headers},
        )


def test_pageview_answers_token_session_and_visit(server, website_id):
    response = send(server, {"website": website_id, "hostname": "example.com", "url": "/",
                             "title": "Home", "screen": "1920x1080", "language": "en-US"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["cache", "sessionId", "visitId"]
    deriver = IdentityDeriver(TEST_SECRET)
    now = datetime.now(UTC)
    assert body["sessionId"] == deriver.session_id(website_id, now, "81.2.69.142", CHROME_UA)
    assert body["visitId"] == deriver.visit_id(body["sessionId"], now)
    token = deriver.read_token(body["cache"])
    assert token is not None
    assert (token.website_id, token.session_id, token.visit_id) == (
        website_id, body["sessionId"], body["visitId"])
    assert abs(token.issued_at - time.time()) < 5


def test_cache_token_keeps_the_visit(server, website_id):
    first = send(server, {"website": website_id, "url": "/a"}, ip="81.2.69.143").json()
    # Another IP would give another session, but the token carries the visit over.
    second = send(server, {"website": website_id, "url": "/b"}, ip="81.2.69.144",
                  **{"x-umami-cache": first["cache"]}).json()
    assert second["visitId"] == first["visitId"]
    assert second["sessionId"] != first["sessionId"]
    forged = send(server, {"website": website_id, "url": "/c"}, ip="81.2.69.143",
                  **{"x-umami-cache": first["cache"][:-3] + "abc"})
    assert forged.status_code == 200 and forged.json()["visitId"] == first["visitId"]


def test_distinct_id_decides_the_session(server, website_id):
    one = send(server, {"website": website_id, "url": "/", "id": "user-42"}, ip="1.1.1.1").json()
    two = send(server, {"website": website_id, "url": "/", "id": "user-42"}, ip="2.2.2.2",
               ua=FIREFOX_UA).json()
    assert one["sessionId"] == two["sessionId"] == IdentityDeriver(TEST_SECRET).session_id(
        website_id, datetime.now(UTC), None, None, "user-42")


@pytest.mark.parametrize(
    "ua",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "python-requests/2.31.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/124.0.0.0 Safari/537.36",
    ],
)
def test_bots_get_beep_boop(server, website_id, ua):
    response = send(server, {"website": website_id, "url": "/bot-visit"}, ua=ua)
    assert response.status_code == 200
    assert response.json() == {"beep": "boop"}


def test_unknown_website_is_400(server):
    response = send(server, {"website": "00000000-0000-4000-8000-000000000000", "url": "/"})
    assert response.status_code == 400
    assert response.json() == {
        "error": {"message": "Website not found.", "code": "bad-request", "status": 400}}


def test_bot_on_unknown_website_is_still_400(server):
    response = send(server, {"website": "00000000-0000-4000-8000-000000000000"}, ua="curl/8.5.0")
    assert response.status_code == 400


def test_missing_website_matches_umami(server):
    response = send(server, {"url": "/"})
    assert response.status_code == 400
    assert response.json() == {"error": {
        "message": "Bad request", "code": "bad-request", "status": 400, "errors": [],
        "properties": {"payload": {"errors": [], "properties": {"website": {
            "errors": ["Exactly one of website, link, or pixel must be provided"]}}}}}}


def test_invalid_type_matches_umami(server, website_id):
    response = send(server, {"website": website_id}, kind="nope")
    assert response.status_code == 400
    assert response.json()["error"]["properties"] == {"type": {"errors": [
        'Invalid option: expected one of "event"|"identify"|"performance"']}}


def test_empty_website_fails_uuid_and_source_rule(server):
    response = send(server, {"website": ""})
    website_errors = response.json()["error"]["properties"]["payload"]["properties"]["website"]
    assert website_errors == {"errors": [
        "Invalid UUID", "Exactly one of website, link, or pixel must be provided"]}


def test_everything_is_stored_as_umami_stores_it(server):
    website = add_website(server.data_dir, "Stored", "shop.example")
    pageview = send(server, {
        "website": website, "hostname": "shop.example", "screen": "1920x1080",
        "language": "en-US", "title": "50%25 off",
        "url": "/caf%C3%A9/?utm_source=news&utm_medium=email&gclid=abc#plans",
        "referrer": "https://www.google.com/search?q=umami", "tag": "variant-b",
    }, ua=CHROME_UA, ip="81.2.69.160", **{"cf-ipcountry": "DE", "cf-region-code": "BE",
                                            "cf-ipcity": "Berlin"})
    assert pageview.status_code == 200
    session_id = pageview.json()["sessionId"]
    token = {"x-umami-cache": pageview.json()["cache"]}
    event = send(server, {
        "website": website, "hostname": "shop.example", "url": "/checkout", "name": "purchase",
        "data": {"revenue": 19.99, "currency": "USD", "cart": {"items": 2}},
    }, ip="81.2.69.160", **token)
    assert event.status_code == 200
    identify = send(server, {"website": website, "data": {"plan": "pro", "company": "ACME"}},
                    kind="identify", ip="81.2.69.160")
    assert identify.status_code == 200
    performance = send(server, {"website": website, "url": "/caf%C3%A9/?x=1", "lcp": 1234.5,
                                "inp": 80, "cls": 0.05, "fcp": 900, "ttfb": 120},
                       kind="performance", ip="81.2.69.160")
    assert performance.status_code == 200
    two_days_ago = int(time.time()) - 2 * 86400
    backdated = send(server, {"website": website, "url": "/old", "timestamp": two_days_ago},
                     ua=IPHONE_UA, ip="89.160.20.112")
    assert backdated.status_code == 200

    events = server.stored(
        "SELECT event_type, url_path, url_query, hostname, page_title, referrer_domain, "
        "referrer_path, referrer_query, utm_source, utm_medium, gclid, tag, event_name, "
        "browser, os, device, country, region, city, lcp, cls, "
        "CAST(date_part('epoch', created_at) AS BIGINT), "
        "session_id::VARCHAR FROM website_event WHERE website_id = ? ORDER BY created_at",
        [website],
    )
    assert len(events) == 4
    old, page, custom, perf = events
    assert page[:13] == (1, "/café/#plans", "utm_source=news&utm_medium=email&gclid=abc",
                         "shop.example", "50% off", "google.com", "/search", "q=umami", "news",
                         "email", "abc", "variant-b", None)
    assert page[13:19] == ("chrome", "Windows 10", "laptop", "DE", "DE-BE", "Berlin")
    assert page[22] == session_id
    assert custom[0] == 2 and custom[12] == "purchase" and custom[1] == "/checkout"
    assert perf[0] == 5 and perf[1] == "/caf%C3%A9/" and perf[2] is None
    assert perf[19:21] == (1234.5, 0.05)
    assert old[0] == 1 and old[1] == "/old" and old[13:16] == ("ios", "iOS", "mobile")
    assert abs(old[21] - two_days_ago) <= 1

    data = server.stored(
        "SELECT data_key, string_value, number_value, data_type FROM event_data "
        "WHERE website_id = ? ORDER BY data_key", [website])
    assert data == [("cart.items", "2.0000", 2.0, 2), ("currency", "USD", None, 1),
                    ("revenue", "19.9900", 19.99, 2)]
    revenue = server.stored(
        "SELECT event_name, currency, revenue, session_id::VARCHAR FROM revenue "
        "WHERE website_id = ?", [website])
    assert revenue == [("purchase", "USD", 19.99, session_id)]
    sessions = server.stored(
        "SELECT session_id::VARCHAR, browser, country FROM session WHERE website_id = ? "
        "ORDER BY created_at", [website])
    # One row per session however many events it had; first-seen attributes kept.
    assert len(sessions) == 2
    assert (session_id, "chrome", "DE") in sessions
    session_data = server.stored(
        "SELECT session_id::VARCHAR, data_key, string_value FROM session_data "
        "WHERE website_id = ? ORDER BY data_key", [website])
    assert session_data == [(session_id, "company", "ACME"), (session_id, "plan", "pro")]


def test_identify_overwrites_session_data_per_key(server):
    website = add_website(server.data_dir)
    for plan in ("free", "pro"):
        response = send(server, {"website": website, "id": "u-1", "data": {"plan": plan}},
                        kind="identify")
        assert response.status_code == 200
    rows = server.stored(
        "SELECT data_key, string_value, distinct_id FROM session_data WHERE website_id = ?",
        [website])
    assert rows == [("plan", "pro", "u-1")]


def test_identify_twice_in_one_batch_keeps_the_last_value(server):
    website = add_website(server.data_dir)
    items = [{"type": "identify", "payload": {"website": website, "id": "u-2",
                                              "data": {"plan": plan, "seats": seats}}}
             for plan, seats in (("free", 1), ("team", 5))]
    with server.client() as client:
        answer = client.post("/api/batch", json=items, headers={"User-Agent": CHROME_UA})
    assert answer.status_code == 200 and answer.json()["processed"] == 2
    rows = server.stored(
        "SELECT data_key, string_value FROM session_data WHERE website_id = ? ORDER BY data_key",
        [website])
    assert rows == [("plan", "team"), ("seats", "5.0000")]


def test_headers_cors_preflight_and_wrong_methods(server, website_id):
    response = send(server, {"website": website_id, "url": "/"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-dns-prefetch-control"] == "on"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    with server.client() as client:
        preflight = client.options("/api/send")
        assert preflight.status_code == 204
        assert preflight.headers["allow"] == "OPTIONS, POST"
        assert preflight.headers["access-control-allow-methods"] == "GET, DELETE, POST, PUT"
        wrong = client.get("/api/send")
        assert wrong.status_code == 405 and wrong.content == b""
        assert client.get("/api/heartbeat").json() == {"ok": True}
