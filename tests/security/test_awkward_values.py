"""Values a store cannot take as they are sent, through the real server on every store.

U+0000 in text (PostgreSQL's text and jsonb refuse it), ids that are not UUIDs (PostgreSQL's uuid
columns refuse them) and regular expressions with back-references (a search PostgreSQL's engine
can spend minutes on, which RE2 refuses). Anyone can send them: every store must answer without
a 500, and a hit carrying U+0000 must be kept, not dropped after its 200. On PostgreSQL the
store writes U+FFFD where U+0000 was.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.api.conftest import ADMIN_PASSWORD
from tests.server_process import CHROME_UA, ServerProcess

NUL = "\x00"
WINDOW = {"startAt": "0", "endAt": "4102444800000"}  # 1970 to 2100


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> dict[str, str]:
    login = httpx.post(f"{server.base_url}/api/auth/login",
                       json={"username": "admin", "password": ADMIN_PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['token']}"}


def _stats(server: ServerProcess, website_id: str, admin: dict[str, str],
           **filters: str) -> dict[str, Any]:
    answer = httpx.get(f"{server.base_url}/api/websites/{website_id}/stats",
                       params={**WINDOW, **filters}, headers=admin)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_a_hit_with_nul_characters_is_kept_and_found_by_its_path(
        server: ServerProcess, website_id: str, admin: dict[str, str]) -> None:
    path = f"/nul{NUL}path"
    for payload in ({"url": path, "title": f"Title{NUL}"},
                    {"url": path, "name": f"signup{NUL}", "data": {f"plan{NUL}": f"pro{NUL}"}}):
        sent = httpx.post(f"{server.base_url}/api/send", headers={"User-Agent": CHROME_UA},
                          json={"type": "event", "payload": {
                              "website": website_id, "hostname": "example.com", **payload}})
        assert sent.status_code == 200, sent.text
    deadline = time.monotonic() + 10
    while _stats(server, website_id, admin)["pageviews"] < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _stats(server, website_id, admin)["pageviews"] == 1
    # The same spelling finds the stored path, whatever the store wrote for U+0000.
    assert _stats(server, website_id, admin, path=f"eq.{path}")["pageviews"] == 1
    assert _stats(server, website_id, admin, path="eq./nulpath")["pageviews"] == 0
    events = httpx.get(f"{server.base_url}/api/websites/{website_id}/metrics",
                       params={**WINDOW, "type": "event"}, headers=admin)
    assert events.status_code == 200, events.text
    assert [row["y"] for row in events.json()] == [1]


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("POST", "/api/auth/login", {"username": f"ad{NUL}min", "password": ADMIN_PASSWORD}, 401),
    ("GET", "/api/share/ab%00cd", None, 404),
    ("GET", "/share/ab%00cd", None, 404),
    ("GET", "/p/ab%00cd", None, 404),
    ("GET", "/q/ab%00cd", None, 404),
])
def test_lookups_with_nul_characters_find_nothing(
        server: ServerProcess, method: str, path: str, body: dict[str, str] | None,
        status: int) -> None:
    answer = httpx.request(method, f"{server.base_url}{path}", json=body)
    assert answer.status_code == status, answer.text


def test_names_with_nul_characters_are_stored(server: ServerProcess, website_id: str,
                                              admin: dict[str, str]) -> None:
    with server.client(headers=admin) as client:
        made = client.post("/api/websites", json={"name": f"Na{NUL}me", "domain": "nul.example"})
        assert made.status_code == 200, made.text
        stored = client.get(f"/api/websites/{made.json()['id']}").json()["name"]
        assert stored in (f"Na{NUL}me", "Na\ufffdme")
        report = client.post("/api/reports", json={
            "websiteId": website_id, "type": "funnel", "name": f"Fun{NUL}nel",
            "parameters": {f"step{NUL}": f"/a{NUL}"}})
        assert report.status_code == 200, report.text
        parameters = client.get(f"/api/reports/{report.json()['id']}").json()["parameters"]
        assert parameters in ({f"step{NUL}": f"/a{NUL}"}, {"step\ufffd": "/a\ufffd"})


@pytest.mark.parametrize("path", [
    "/api/websites/0/reports", "/api/websites/0/shares", "/api/teams/0/websites",
    "/api/teams/0/users", "/api/users/0/websites", "/api/websites?search=zz%00zz",
])
def test_ids_that_are_not_uuids_and_nul_searches_are_not_server_errors(
        server: ServerProcess, admin: dict[str, str], path: str) -> None:
    answer = httpx.get(f"{server.base_url}{path}", headers=admin)
    # Nothing can match: an empty page, or a 4xx saying the request is malformed.
    assert answer.status_code < 500, answer.text
    if answer.status_code == 200:
        assert answer.json()["data"] == []
    else:
        assert 400 <= answer.status_code < 500 and answer.json()["error"], answer.text


@pytest.mark.parametrize(("pattern", "status"), [
    (r"(a)\1", 400),  # a back-reference: refused on every store, as RE2 refuses it
    (r"(a)[\1]", 400),  # refused inside a class too, whatever an engine would read there
    (r"\\1", 200),  # a backslash, then the digit 1: no reference
    (r"^/nul", 200),
])
def test_back_references_are_refused_on_every_store(
        server: ServerProcess, website_id: str, admin: dict[str, str], pattern: str,
        status: int) -> None:
    answer = httpx.get(f"{server.base_url}/api/websites/{website_id}/stats",
                       params={**WINDOW, "path": f"re.{pattern}"}, headers=admin)
    assert answer.status_code == status, answer.text
