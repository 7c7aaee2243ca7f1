"""Shapes, lifecycles and bad input of the management routes, over HTTP on a real server."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.api.conftest import Api, assert_error, login
from tests.server_process import CHROME_UA, ServerProcess

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
WEBSITE_KEYS = ["id", "name", "domain", "resetAt", "userId", "teamId", "createdBy", "createdAt",
                "updatedAt", "deletedAt", "replayEnabled", "replayConfig"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _pageview(server: ServerProcess, website_id: str) -> httpx.Response:
    return httpx.post(f"{server.base_url}/api/send", headers={"User-Agent": CHROME_UA}, json={
        "type": "event",
        "payload": {"website": website_id, "url": "/", "hostname": "x.test", "language": "en"},
    })


def test_website_create_get_list_shapes(admin: Api) -> None:
    created = admin.ok("POST", "/api/websites", {"name": "Reference Site",
                                                 "domain": "example.com"})
    assert list(created) == [*WEBSITE_KEYS, "shareId"]
    assert created["resetAt"] is None and created["replayEnabled"] is False
    assert created["shareId"] is None and created["createdBy"] == created["userId"]
    assert ISO_MS.match(created["createdAt"]) and created["createdAt"] == created["updatedAt"]
    assert admin.ok("GET", f"/api/websites/{created['id']}") == created
    listed = admin.ok("GET", "/api/websites?search=REFERENCE")
    assert set(listed) == {"data", "count", "page", "pageSize", "search"}
    row = listed["data"][0]
    assert list(row) == [*WEBSITE_KEYS, "user", "shareId"]
    assert row["user"] == {"username": "admin", "id": created["userId"]}


def test_pagination_and_search(admin: Api) -> None:
    for index in range(5):
        admin.ok("POST", "/api/websites", {"name": f"Paged {index}", "domain": "paged.test"})
    first = admin.ok("GET", "/api/websites?search=paged&pageSize=2")
    assert first["count"] == 5 and len(first["data"]) == 2
    assert (first["page"], first["pageSize"]) == (1, 2)
    third = admin.ok("GET", "/api/websites?search=paged&pageSize=2&page=3")
    assert [row["name"] for row in third["data"]] == ["Paged 4"]
    ordered = admin.ok("GET", "/api/websites?search=paged&orderBy=name&sortDescending=true")
    assert ordered["orderBy"] == "name"
    assert [row["name"] for row in ordered["data"]][:2] == ["Paged 4", "Paged 3"]
    literal = admin.ok("GET", "/api/websites?search=%25")
    assert literal["count"] == 0  # `%` is searched for, not a wildcard


def test_share_id_on_website_update(admin: Api, server: ServerProcess) -> None:
    site = admin.ok("POST", "/api/websites", {"name": "Shared", "domain": "shared.test",
                                              "shareId": "shared-slug"})
    assert site["shareId"] == "shared-slug"
    resolved = httpx.get(f"{server.base_url}/api/share/shared-slug").json()
    assert resolved["websiteId"] == site["id"] and resolved["shareType"] == 1
    assert resolved["parameters"] == {"overview": True, "events": True}
    taken = admin.post(f"/api/websites/{site['id']}", {"shareId": "shared-slug"})
    assert assert_error(taken, 400)["message"] == "That share ID is already taken."
    renamed = admin.ok("POST", f"/api/websites/{site['id']}", {"shareId": "second-slug",
                                                               "name": "Renamed"})
    assert renamed["shareId"] == "second-slug" and renamed["name"] == "Renamed"
    cleared = admin.ok("POST", f"/api/websites/{site['id']}", {"shareId": None})
    assert cleared["shareId"] is None
    assert httpx.get(f"{server.base_url}/api/share/second-slug").status_code == 404


def test_delete_website_removes_it_from_collection_and_lists(
    admin: Api, server: ServerProcess
) -> None:
    site = admin.ok("POST", "/api/websites", {"name": "Gone", "domain": "gone.test"})
    assert _pageview(server, site["id"]).status_code == 200
    assert admin.ok("POST", f"/api/websites/{site['id']}/reset") == {"ok": True}
    assert admin.ok("GET", f"/api/websites/{site['id']}")["resetAt"] is not None
    assert _pageview(server, site["id"]).status_code == 200
    assert admin.ok("DELETE", f"/api/websites/{site['id']}") == {"ok": True}
    assert_error(admin.get(f"/api/websites/{site['id']}"), 404)
    assert_error(_pageview(server, site["id"]), 400)
    remaining = server.stored("SELECT count(*) FROM website_event WHERE website_id = ?",
                              [site["id"]])
    assert remaining == [(0,)]
    # Tokens live in the store, so they survive the restart `stored` just did.
    assert admin.ok("GET", "/api/me")["user"]["username"] == "admin"


def test_pixel_seed_page_and_hits(admin: Api, server: ServerProcess) -> None:
    pixel = admin.ok("POST", "/api/pixels", {"name": "Newsletter"})
    assert list(pixel) == ["id", "name", "slug", "userId", "teamId", "createdAt", "updatedAt",
                           "deletedAt"]
    assert re.fullmatch(r"[0-9A-Za-z]{8}", pixel["slug"])
    assert pixel["teamId"] is None and pixel["deletedAt"] is None
    chosen = admin.ok("POST", "/api/pixels", {"name": "Chosen", "slug": "chosen-pixel"})
    assert chosen["slug"] == "chosen-pixel"
    duplicate = admin.post("/api/pixels", {"name": "Again", "slug": "chosen-pixel"})
    assert assert_error(duplicate, 400)["message"] == "That slug is already taken."
    hit = httpx.get(f"{server.base_url}/p/{pixel['slug']}", headers={"User-Agent": CHROME_UA})
    assert hit.status_code == 200 and hit.headers["content-type"] == "image/gif"
    updated = admin.ok("POST", f"/api/pixels/{pixel['id']}", {"slug": "renamed-pixel"})
    assert updated["slug"] == "renamed-pixel"
    assert_error(admin.post(f"/api/pixels/{pixel['id']}", {"slug": "short"}), 400)
    # The old slug stops counting at once, although collection had it cached.
    old = httpx.get(f"{server.base_url}/p/{pixel['slug']}", headers={"User-Agent": CHROME_UA})
    assert old.status_code == 404
    renamed = httpx.get(f"{server.base_url}/p/renamed-pixel", headers={"User-Agent": CHROME_UA})
    assert renamed.status_code == 200
    admin.ok("DELETE", f"/api/pixels/{pixel['id']}")
    gone = httpx.get(f"{server.base_url}/p/renamed-pixel", headers={"User-Agent": CHROME_UA})
    assert gone.status_code == 404


def test_link_redirects(admin: Api, server: ServerProcess) -> None:
    link = admin.ok("POST", "/api/links", {"name": "Docs", "url": "https://docs.test/start",
                                           "slug": "docs-link"})
    assert list(link) == ["id", "name", "url", "slug", "userId", "teamId", "createdAt",
                          "updatedAt", "deletedAt"]
    hit = httpx.get(f"{server.base_url}/q/docs-link", headers={"User-Agent": CHROME_UA})
    assert hit.status_code == 307
    assert hit.headers["location"] == "https://docs.test/start"
    admin.ok("POST", f"/api/links/{link['id']}", {"url": "https://docs.test/moved"})
    moved = httpx.get(f"{server.base_url}/q/docs-link", headers={"User-Agent": CHROME_UA})
    assert moved.headers["location"] == "https://docs.test/moved"
    shares = admin.ok("POST", f"/api/links/{link['id']}/shares", {"name": "Public link"})
    assert shares["shareType"] == 2 and len(shares["slug"]) == 16
    resolved = httpx.get(f"{server.base_url}/api/share/{shares['slug']}").json()
    assert resolved["linkId"] == link["id"] == resolved["websiteId"]


def test_team_join_and_roles(admin: Api, server: ServerProcess) -> None:
    admin.ok("POST", "/api/users", {"username": "joiner", "password": "joiner-password",
                                    "role": "user"})
    joiner = login(server, "joiner", "joiner-password")
    team, owner = joiner.ok("POST", "/api/teams", {"name": "Joiners"})
    assert owner["role"] == "team-owner" and team["accessCode"].startswith("team_")
    assert len(team["accessCode"]) == 21
    admin_member = admin.ok("POST", "/api/teams/join", {"accessCode": team["accessCode"]})
    assert admin_member["role"] == "team-member"
    again = admin.post("/api/teams/join", {"accessCode": team["accessCode"]})
    assert assert_error(again, 400)["message"] == "User is already a team member."
    missing = admin.post("/api/teams/join", {"accessCode": "team_nothing"})
    assert assert_error(missing, 404, "team-not-found")["message"] == "Team not found."
    users = joiner.ok("GET", f"/api/teams/{team['id']}/users")
    assert [row["role"] for row in users["data"]] == ["team-owner", "team-member"]
    assert users["data"][1]["user"]["username"] == "admin"
    mine = joiner.ok("GET", "/api/teams")["data"][0]
    assert mine["_count"] == {"websites": 0, "members": 2}
    verified = joiner.ok("POST", "/api/auth/verify")
    assert verified["teams"] == [{"id": team["id"], "name": "Joiners", "logoUrl": None}]
    assert joiner.ok("DELETE", f"/api/teams/{team['id']}/users/{admin_member['userId']}") == {
        "ok": True}
    assert joiner.ok("DELETE", f"/api/teams/{team['id']}") == {"ok": True}


def test_password_change_and_user_deletion_end_tokens(admin: Api, server: ServerProcess) -> None:
    created = admin.ok("POST", "/api/users", {"username": "changer", "password": "first-password",
                                              "role": "user"})
    first, second = (login(server, "changer", "first-password") for _ in range(2))
    wrong = first.post("/api/me/password", {"currentPassword": "nope",
                                            "newPassword": "second-password"})
    assert assert_error(wrong, 400)["message"] == "Current password is incorrect"
    changed = first.ok("POST", "/api/me/password", {"currentPassword": "first-password",
                                                    "newPassword": "second-password"})
    assert changed["username"] == "changer"
    assert_error(second.get("/api/me"), 401)  # other sessions end
    assert first.ok("GET", "/api/me")["user"]["username"] == "changer"  # this one goes on
    third = login(server, "changer", "second-password")
    site = third.ok("POST", "/api/websites", {"name": "Theirs", "domain": "theirs.test"})
    self_delete = admin.delete(f"/api/users/{admin.ok('GET', '/api/me')['user']['id']}")
    assert assert_error(self_delete, 400)["message"] == "You cannot delete yourself."
    assert admin.ok("DELETE", f"/api/users/{created['id']}") == {"ok": True}
    assert_error(third.get("/api/me"), 401)
    assert_error(admin.get(f"/api/websites/{site['id']}"), 404)
    assert admin.ok("GET", f"/api/users/{created['id']}") is None


def test_admin_updates_role_and_username_others_only_password(
    admin: Api, server: ServerProcess
) -> None:
    created = admin.ok("POST", "/api/users", {"username": "renamed", "password": "password-one",
                                              "role": "user"})
    user = login(server, "renamed", "password-one")
    ignored = user.ok("POST", f"/api/users/{created['id']}", {"role": "admin", "username": "x"})
    assert (ignored["role"], ignored["username"]) == ("user", "renamed")
    updated = admin.ok("POST", f"/api/users/{created['id']}", {"role": "view-only",
                                                               "username": "renamed-2"})
    assert (updated["role"], updated["username"]) == ("view-only", "renamed-2")
    taken = admin.post(f"/api/users/{created['id']}", {"username": "admin"})
    assert assert_error(taken, 400)["message"] == "User already exists"


def test_share_resolution_of_a_board_lists_its_entities(admin: Api, server: ServerProcess) -> None:
    site = admin.ok("POST", "/api/websites", {"name": "On board", "domain": "board.test"})
    board = admin.ok("POST", "/api/boards", {"type": "open", "name": "Board", "parameters": {
        "rows": [{"id": "r", "columns": [{"id": "c", "component": {
            "type": "chart", "entityType": "website", "entityId": site["id"]}}]}]}})
    assert board["type"] == "mixed" and board["description"] == ""
    share = admin.ok("POST", f"/api/boards/{board['id']}/shares", {"name": "Board share"})
    resolved = httpx.get(f"{server.base_url}/api/share/{share['slug']}").json()
    assert resolved["boardId"] == board["id"] and resolved["websiteIds"] == [site["id"]]
    viewer = Api(server, headers={"x-umami-share-token": resolved["token"],
                                  "x-umami-share-context": "1"})
    assert viewer.ok("GET", f"/api/boards/{board['id']}")["id"] == board["id"]
    assert viewer.ok("GET", f"/api/websites/{site['id']}")["id"] == site["id"]


BAD_INPUT = [
    ("POST", "/api/websites", {"name": 5, "domain": "x"}, 400),
    ("POST", "/api/websites", {"domain": "x"}, 400),
    ("POST", "/api/websites", {"name": "x" * 101, "domain": "x"}, 400),
    ("POST", "/api/websites", {"name": "x", "domain": "x", "teamId": "not-a-uuid"}, 400),
    ("POST", "/api/websites", [1, 2], 400),
    ("POST", "/api/websites", "just a string", 400),
    ("POST", "/api/websites", {"name": None, "domain": "x"}, 400),
    ("POST", "/api/websites/{W}", {"replayConfig": {"sampleRate": 2}}, 400),
    ("POST", "/api/websites/{W}", {"replayConfig": "yes"}, 400),
    ("POST", "/api/websites/{W}", {"replayEnabled": "true"}, 400),
    ("GET", "/api/websites?page=abc", None, 400),
    ("GET", "/api/websites?page=0", None, 400),
    ("GET", "/api/websites?pageSize=1.5", None, 400),
    ("GET", "/api/websites?pageSize=99999999999999999999999", None, 200),
    ("GET", f"/api/websites/{UNKNOWN}", None, 404),
    ("GET", "/api/websites/not-a-uuid", None, 404),
    ("POST", f"/api/websites/{UNKNOWN}", {"name": "x"}, 404),
    ("DELETE", "/api/websites/not-a-uuid", None, 404),
    ("POST", f"/api/websites/{UNKNOWN}/reset", None, 404),
    ("POST", "/api/pixels", {"name": "x", "slug": "a/b"}, 400),
    ("POST", "/api/pixels", {"name": "x", "slug": "y" * 101}, 400),
    ("POST", "/api/pixels", {"name": "x", "teamId": UNKNOWN}, 200),
    ("POST", "/api/links", {"name": "x", "url": "https://x.test/\r\nSet-Cookie: a=b"}, 400),
    ("POST", "/api/links", {"name": "x"}, 400),
    ("GET", f"/api/pixels/{UNKNOWN}", None, 404),
    ("GET", f"/api/links/{UNKNOWN}", None, 404),
    ("POST", "/api/users", {"username": "admin", "password": "long-enough", "role": "user"}, 400),
    ("POST", "/api/users", {"username": "u", "password": "short", "role": "user"}, 400),
    ("POST", "/api/users", {"username": "u", "password": "long-enough", "role": "god"}, 400),
    ("POST", "/api/users", {"username": "u", "password": "é" * 40, "role": "user"}, 400),
    ("POST", f"/api/users/{UNKNOWN}", {}, 404),
    ("DELETE", f"/api/users/{UNKNOWN}", None, 404),
    ("GET", f"/api/teams/{UNKNOWN}", None, 404),
    ("POST", "/api/teams", {"name": "x" * 51}, 400),
    ("POST", f"/api/teams/{UNKNOWN}/users", {"userId": UNKNOWN, "role": "team-owner"}, 400),
    ("POST", "/api/reports", {"websiteId": UNKNOWN, "type": "funnel", "name": "x",
                              "parameters": {}}, 404),
    ("POST", "/api/reports", {"websiteId": UNKNOWN, "type": "nope", "name": "x",
                              "parameters": {}}, 400),
    ("GET", f"/api/reports/{UNKNOWN}", None, 404),
    ("GET", "/api/reports", None, 400),
    ("GET", "/api/websites/{W}/segments", None, 400),
    ("POST", "/api/websites/{W}/segments", {"type": "segment", "name": "x", "parameters": {
        "filters": [{"name": "browser", "operator": "like", "value": "x"}]}}, 400),
    ("GET", f"/api/websites/{{W}}/segments/{UNKNOWN}", None, 404),
    ("POST", "/api/share", {"entityId": UNKNOWN, "shareType": "x", "name": "n",
                            "parameters": {}}, 400),
    ("GET", f"/api/share/id/{UNKNOWN}", None, 404),
    ("GET", "/api/share/no-such-slug", None, 404),
    ("POST", "/api/boards", {"type": "dashboard", "name": "x"}, 400),
    ("GET", "/api/nothing-here", None, 404),
    ("PUT", "/api/websites", None, 405),
]


@pytest.fixture(scope="module")
def some_website(admin: Api) -> str:
    return admin.ok("POST", "/api/websites", {"name": "Target", "domain": "target.test"})["id"]


@pytest.mark.parametrize(("method", "path", "body", "status"), BAD_INPUT,
                         ids=[f"{item[0]} {item[1]} {index}"
                              for index, item in enumerate(BAD_INPUT)])
def test_bad_input_gets_an_envelope_never_a_500(
    admin: Api, some_website: str, method: str, path: str, body: object, status: int
) -> None:
    response = admin.client.request(method, path.replace("{W}", some_website), json=body)
    if status == 200:
        # not bad input after all (unknown team ids are refused by permission, pages clamp)
        assert response.status_code in (200, 401), response.text
        return
    error = assert_error(response, status)
    if status == 400 and "properties" in error:
        assert all(isinstance(node["errors"], list) for node in error["properties"].values())


def test_validation_messages_match_zod(admin: Api) -> None:
    error = assert_error(admin.get("/api/websites?page=abc&pageSize=0"), 400)
    assert error["properties"] == {
        "page": {"errors": ["Invalid input: expected number, received NaN"]},
        "pageSize": {"errors": ["Too small: expected number to be >0"]},
    }
    long_name = assert_error(admin.post("/api/websites", {"name": "x" * 101, "domain": "d"}), 400)
    assert long_name["properties"]["name"]["errors"] == [
        "Too big: expected string to have <=100 characters"]
    role = assert_error(admin.post("/api/users", {"username": "r", "password": "long-enough",
                                                  "role": "god"}), 400)
    assert role["properties"]["role"]["errors"] == [
        'Invalid option: expected one of "admin"|"user"|"view-only"']


def test_validation_comes_before_authentication(server: ServerProcess) -> None:
    anonymous = Api(server)
    assert_error(anonymous.post("/api/websites", {"name": 1}), 400)
    assert_error(anonymous.post("/api/websites", {"name": "x", "domain": "y"}), 401)


def test_website_id_may_be_given_and_is_unique(admin: Api) -> None:
    chosen = str(uuid.uuid4())
    assert admin.ok("POST", "/api/websites", {"name": "Chosen", "domain": "c.test",
                                              "id": chosen})["id"] == chosen
    assert_error(admin.post("/api/websites", {"name": "Again", "domain": "c.test",
                                              "id": chosen}), 400)
