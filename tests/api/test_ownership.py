"""Every id a user stores (boards, the personal dashboard, shares, saved reports) must be one
they may view, checked when it is written and again when a board share is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.api.conftest import Api, assert_error, new_user
from tests.conftest import metadata_of
from tests.server_process import ServerProcess


def _site(caller: Api, team_id: str | None = None) -> str:
    body: dict[str, Any] = {"name": "Site", "domain": "site.test"}
    if team_id:
        body["teamId"] = team_id
    return caller.ok("POST", "/api/websites", body)["id"]


def _share_viewer(server: ServerProcess, slug: str) -> tuple[Api, dict[str, Any]]:
    resolved = httpx.get(f"{server.base_url}/api/share/{slug}")
    assert resolved.status_code == 200, resolved.text
    body = resolved.json()
    return Api(server, headers={"x-umami-share-token": body["token"],
                                "x-umami-share-context": "1"}), body


def _component(entity_id: str, entity_type: str = "website") -> dict[str, Any]:
    return {"rows": [{"id": "r", "columns": [{"id": "c", "component": {
        "type": "chart", "entityType": entity_type, "entityId": entity_id}}]}]}


# --- finding 2: ids stored in boards must be viewable, on write ------------------------------

BOARD_PARAMETERS: list[Callable[[str], dict[str, Any]]] = [
    lambda foreign: {"websiteId": foreign},
    lambda foreign: {"pixelId": foreign},
    lambda foreign: {"linkId": foreign},
    lambda foreign: _component(foreign),
    lambda foreign: _component(foreign, "pixel"),
    lambda foreign: {"rows": [{"columns": [{"component": {"websiteId": foreign}}]}]},
]


@pytest.fixture(scope="module")
def two_users(server: ServerProcess, admin: Api) -> dict[str, Any]:
    alice, alice_id = new_user(admin, server)
    bob, bob_id = new_user(admin, server)
    return {
        "alice": alice, "bob": bob, "alice_id": alice_id, "bob_id": bob_id,
        "bob_website": _site(bob),
        "bob_pixel": bob.ok("POST", "/api/pixels", {"name": "Bob's pixel"})["id"],
        "bob_link": bob.ok("POST", "/api/links", {"name": "Bob's link",
                                                  "url": "https://bob.test/"})["id"],
        "alice_website": _site(alice),
    }


@pytest.mark.parametrize("parameters", BOARD_PARAMETERS)
@pytest.mark.parametrize("kind", ["bob_website", "bob_pixel", "bob_link"])
def test_a_board_cannot_name_another_users_entity(two_users: dict[str, Any], kind: str,
                                                  parameters: Callable[[str], Any]) -> None:
    alice, foreign = two_users["alice"], two_users[kind]
    refused = alice.post("/api/boards", {"type": "mixed", "name": "x",
                                         "parameters": parameters(foreign)})
    assert "parameters" in assert_error(refused, 401, "unauthorized")["message"]
    board = alice.ok("POST", "/api/boards", {"type": "mixed", "name": "mine"})
    assert_error(alice.post(f"/api/boards/{board['id']}",
                            {"parameters": parameters(foreign)}), 401, "unauthorized")
    assert_error(alice.post("/api/dashboard", {"parameters": parameters(foreign)}), 401,
                 "unauthorized")
    # Nothing was stored.
    assert alice.ok("GET", f"/api/boards/{board['id']}")["parameters"] == {}


def test_a_board_refuses_unknown_ids_and_keeps_the_callers_own(two_users: dict[str, Any]
                                                               ) -> None:
    alice, own = two_users["alice"], two_users["alice_website"]
    unknown = "6f1f4f1c-8e1a-4c59-9d7d-000000000000"
    assert_error(alice.post("/api/boards", {"type": "website", "name": "x",
                                            "parameters": {"websiteId": unknown}}), 401)
    board = alice.ok("POST", "/api/boards", {"type": "website", "name": "own",
                                             "parameters": {"websiteId": own, **_component(own)}})
    assert board["parameters"]["websiteId"] == own
    dashboard = alice.ok("POST", "/api/dashboard", {"parameters": _component(own)})
    assert dashboard["parameters"] == _component(own)


def test_the_reported_attack_gives_no_token_for_anothers_website(
        server: ServerProcess, two_users: dict[str, Any]) -> None:
    """The reproduction of the issue, end to end: it now stops at the first step, and a board
    that holds such an id anyway (stored before this check existed) grants nothing of it."""
    alice, victim = two_users["alice"], two_users["bob_website"]
    assert_error(alice.post("/api/boards", {"type": "website", "name": "x",
                                            "parameters": {"websiteId": victim}}), 401)
    board = alice.ok("POST", "/api/boards", {"type": "website", "name": "x"})
    store = metadata_of(server.data_dir)
    try:
        store.update_board(board["id"], {"parameters": {"websiteId": victim,
                                                        **_component(victim)}})
    finally:
        store.close()
    share = alice.ok("POST", f"/api/boards/{board['id']}/shares", {"name": "s"})
    viewer, resolved = _share_viewer(server, share["slug"])
    assert resolved["boardId"] == board["id"] and resolved["websiteIds"] == []
    assert_error(viewer.get(f"/api/websites/{victim}/stats?startAt=0&endAt=1"), 401)
    assert_error(viewer.get(f"/api/websites/{victim}"), 401)
    assert_error(viewer.get(f"/api/websites/{victim}/export?startAt=0&endAt=1"), 401)


def test_a_board_share_stops_granting_what_its_owner_no_longer_views(
        server: ServerProcess, admin: Api) -> None:
    owner, owner_id = new_user(admin, server)
    team_owner, _ = new_user(admin, server)
    team, _ = team_owner.ok("POST", "/api/teams", {"name": "Receiving team"})
    team_owner.ok("POST", f"/api/teams/{team['id']}/users",
                  {"userId": owner_id, "role": "team-manager"})
    moving, deleted, staying = _site(owner), _site(owner), _site(owner)
    parameters = {"rows": [{"columns": [{"component": {"entityType": "website", "entityId": site}}
                                        for site in (moving, deleted, staying)]}]}
    board = owner.ok("POST", "/api/boards", {"type": "mixed", "name": "b",
                                             "parameters": parameters})
    share = owner.ok("POST", f"/api/boards/{board['id']}/shares", {"name": "s"})
    viewer, resolved = _share_viewer(server, share["slug"])
    assert resolved["websiteIds"] == [moving, deleted, staying]
    for site in (moving, deleted, staying):
        viewer.ok("GET", f"/api/websites/{site}")

    # The website goes to a team, and the owner leaves it; another is deleted.
    owner.ok("POST", f"/api/websites/{moving}/transfer", {"teamId": team["id"]})
    owner.ok("DELETE", f"/api/teams/{team['id']}/users/{owner_id}")
    owner.ok("DELETE", f"/api/websites/{deleted}")

    # The token issued before keeps working for what is left, and only for that.
    viewer.ok("GET", f"/api/websites/{staying}")
    assert_error(viewer.get(f"/api/websites/{moving}"), 401)
    assert_error(viewer.get(f"/api/websites/{moving}/stats?startAt=0&endAt=1"), 401)
    _, again = _share_viewer(server, share["slug"])
    assert again["websiteIds"] == [staying]


def test_a_team_board_grants_only_the_teams_entities(server: ServerProcess, admin: Api) -> None:
    member, member_id = new_user(admin, server)
    team_owner, _ = new_user(admin, server)
    team, _ = team_owner.ok("POST", "/api/teams", {"name": "Board team"})
    team_owner.ok("POST", f"/api/teams/{team['id']}/users",
                  {"userId": member_id, "role": "team-member"})
    personal, shared_site = _site(member), _site(team_owner, team["id"])
    # A member's personal website is not the team's to publish.
    assert_error(member.post("/api/boards", {"type": "website", "name": "b", "teamId": team["id"],
                                             "parameters": {"websiteId": personal}}), 401)
    board = member.ok("POST", "/api/boards", {"type": "website", "name": "b",
                                              "teamId": team["id"],
                                              "parameters": {"websiteId": shared_site}})
    share = member.ok("POST", f"/api/boards/{board['id']}/shares", {"name": "s"})
    _, resolved = _share_viewer(server, share["slug"])
    assert resolved["websiteIds"] == [shared_site]


# --- finding 2: shares and saved reports -------------------------------------------------------

def test_generic_share_needs_an_entity_of_the_named_kind(two_users: dict[str, Any]) -> None:
    alice, bob = two_users["alice"], two_users["bob"]
    own, foreign = two_users["alice_website"], two_users["bob_website"]
    assert_error(alice.post("/api/share", {"entityId": foreign, "shareType": 1, "name": "n",
                                           "parameters": {}}), 401)
    # A share type that does not match the entity would resolve to nothing or to the wrong kind.
    for share_type in (2, 3, 4, 9):
        wrong = alice.post("/api/share", {"entityId": own, "shareType": share_type,
                                          "name": "n", "parameters": {}})
        assert "shareType" in assert_error(wrong, 400)["message"]
    assert alice.ok("POST", "/api/share", {"entityId": own, "shareType": 1, "name": "n",
                                           "parameters": {}})["entityId"] == own
    assert_error(bob.post("/api/share", {"entityId": own, "shareType": 1, "name": "n",
                                         "parameters": {}}), 401)


def test_saved_reports_need_a_website_the_caller_may_change(two_users: dict[str, Any]) -> None:
    alice, foreign = two_users["alice"], two_users["bob_website"]
    body = {"websiteId": foreign, "type": "goal", "name": "g", "parameters": {}}
    assert_error(alice.post("/api/reports", body), 401)
    report = alice.ok("POST", "/api/reports", {**body, "websiteId": two_users["alice_website"]})
    assert_error(alice.post(f"/api/reports/{report['id']}", body), 401)


def test_a_report_creator_who_lost_the_website_loses_the_report(server: ServerProcess,
                                                                admin: Api) -> None:
    creator, creator_id = new_user(admin, server)
    team_owner, _ = new_user(admin, server)
    team, _ = team_owner.ok("POST", "/api/teams", {"name": "Report team"})
    team_owner.ok("POST", f"/api/teams/{team['id']}/users",
                  {"userId": creator_id, "role": "team-member"})
    site = _site(team_owner, team["id"])
    report = creator.ok("POST", "/api/reports", {"websiteId": site, "type": "goal", "name": "g",
                                                 "parameters": {}})
    creator.ok("GET", f"/api/reports/{report['id']}")
    team_owner.ok("DELETE", f"/api/teams/{team['id']}/users/{creator_id}")
    assert_error(creator.get(f"/api/reports/{report['id']}"), 401)
    assert_error(creator.post(f"/api/reports/{report['id']}", {
        "websiteId": site, "type": "goal", "name": "mine again", "parameters": {}}), 401)
    assert team_owner.ok("GET", f"/api/reports/{report['id']}")["name"] == "g"
