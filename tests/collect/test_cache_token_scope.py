"""The x-umami-cache token carries a visit over on its own website only, and only while that
website exists: a token is no pass for made-up, foreign or deleted websites."""

from __future__ import annotations

import time

from tests.api.conftest import ADMIN_PASSWORD, login
from tests.conftest import add_website
from tests.server_process import CHROME_UA, TEST_SECRET, ServerProcess
from umami_server.collect.identity import IdentityDeriver, VisitorIdentity

MADE_UP = "0badc0de-0000-4000-8000-000000000001"
NOT_FOUND = {"error": {"message": "Website not found.", "code": "bad-request", "status": 400}}


def send(server: ServerProcess, website: str, url: str, ip: str, token: str | None = None):
    headers = {"User-Agent": CHROME_UA, "X-Forwarded-For": ip}
    if token:
        headers["x-umami-cache"] = token
    with server.client() as client:
        return client.post("/api/send", headers=headers,
                           json={"type": "event", "payload": {"website": website, "url": url}})


def stored_events(server: ServerProcess, website: str) -> int:
    [(count,)] = server.stored(
        "SELECT count(*) FROM website_event WHERE website_id = ?", [website])
    return count


def test_token_of_a_real_website_is_no_pass_for_a_made_up_one(server, website_id):
    token = send(server, website_id, "/real", "81.2.69.10").json()["cache"]
    response = send(server, MADE_UP, "/made-up", "81.2.69.10", token)
    assert response.status_code == 400 and response.json() == NOT_FOUND
    assert stored_events(server, MADE_UP) == 0


def test_validly_signed_token_naming_a_made_up_website_is_refused(server):
    # Signed with the server's secret, as a leaked or replayed token would be.
    forged = IdentityDeriver(TEST_SECRET).issue_token(
        MADE_UP, VisitorIdentity("11111111-1111-4111-8111-111111111111",
                                 "22222222-2222-4222-8222-222222222222", int(time.time())))
    response = send(server, MADE_UP, "/forged", "81.2.69.11", forged)
    assert response.status_code == 400 and response.json() == NOT_FOUND
    assert stored_events(server, MADE_UP) == 0


def test_token_of_one_website_does_not_carry_a_visit_to_another(server, website_id):
    other = add_website(server.data_dir, "Other", "other.example")
    first = send(server, website_id, "/a", "81.2.69.12").json()
    second = send(server, other, "/b", "81.2.69.13", first["cache"])
    assert second.status_code == 200
    assert second.json()["visitId"] != first["visitId"]
    # The hit got its own session row, not one borrowed from the token.
    [(sessions,)] = server.stored(
        "SELECT count(*) FROM session WHERE website_id = ? AND session_id = ?",
        [other, second.json()["sessionId"]])
    assert sessions == 1


def test_deleted_website_stops_collecting_even_with_a_token(server):
    website = add_website(server.data_dir, "Doomed", "doomed.example")
    token = send(server, website, "/before", "81.2.69.14").json()["cache"]
    admin = login(server, "admin", ADMIN_PASSWORD)
    admin.ok("DELETE", f"/api/websites/{website}")
    for with_token in (token, None):
        response = send(server, website, "/after", "81.2.69.14", with_token)
        assert response.status_code == 400 and response.json() == NOT_FOUND
    assert stored_events(server, website) == 0
