"""The permission matrix: every route x every kind of caller -> allowed (200) or 401.

One server holds a small world: a personal website, pixel, link, board, report, segment and
share of `owner`; a team whose four members have the four team roles, with a team website,
pixel, link and board. Callers: no token, a bad token, the admin, the owner, another user, a
view-only user, each team role, and a share token per share kind: the owner's website (with and
without the events view), pixel, link and board (which shows the website).

A share token reads exactly what its share page shows (auth/share_scope.py): the overview's
data, the events view's data when the share turns it on, and nothing else.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.api.conftest import Api, assert_error, login
from tests.server_process import ServerProcess

NONE, BAD = "no-token", "bad-token"
SH_WEB, SH_BARE = "share-website", "share-website-overview-only"
SH_PIXEL, SH_LINK, SH_BOARD = "share-pixel", "share-link", "share-board"
SHARES = {SH_WEB, SH_BARE, SH_PIXEL, SH_LINK, SH_BOARD}
ADMIN, OWNER, OTHER, VIEWER = "admin", "owner", "other-user", "view-only-user"
T_OWNER, T_MANAGER, T_MEMBER, T_VIEWER = ("team-owner", "team-manager", "team-member",
                                          "team-view-only")
TEAM = {T_OWNER, T_MANAGER, T_MEMBER, T_VIEWER}
USERS = {ADMIN, OWNER, OTHER, VIEWER} | TEAM
CREATORS = USERS - {VIEWER}  # every account whose user role is `user` or `admin`
TEAM_EDITORS = {ADMIN, T_OWNER, T_MANAGER, T_MEMBER}
TEAM_MANAGERS = {ADMIN, T_OWNER, T_MANAGER}
ROLES = [NONE, BAD, ADMIN, OWNER, OTHER, VIEWER, T_OWNER, T_MANAGER, T_MEMBER, T_VIEWER,
         SH_WEB, SH_BARE, SH_PIXEL, SH_LINK, SH_BOARD]
PASSWORD = "password-for-matrix"
_unique = itertools.count()


@dataclass
class World:
    server: ServerProcess
    callers: dict[str, Api]
    ids: dict[str, str] = field(default_factory=dict)

    def fill(self, template: str) -> str:
        return re.sub(r"\{([^{}]+)\}", lambda match: self.ids[match.group(1)], template)


@pytest.fixture(scope="module")
def world(server: ServerProcess, admin: Api) -> Iterator[World]:
    users: dict[str, str] = {}
    for role in (OWNER, OTHER, VIEWER, *sorted(TEAM)):
        created = admin.ok("POST", "/api/users", {
            "username": role, "password": PASSWORD,
            "role": "view-only" if role == VIEWER else "user",
        })
        users[role] = created["id"]
    callers = {ADMIN: admin, NONE: Api(server), BAD: Api(server, "not-a-real-token")}
    for role in users:
        callers[role] = login(server, role, PASSWORD)
    world = World(server, callers)
    ids = world.ids
    ids.update({f"user:{role}": user_id for role, user_id in users.items()})
    owner, team_owner = callers[OWNER], callers[T_OWNER]

    ids["W"] = owner.ok("POST", "/api/websites", {"name": "Owned", "domain": "own.test"})["id"]
    ids["P"] = owner.ok("POST", "/api/pixels", {"name": "Owned pixel"})["id"]
    ids["L"] = owner.ok("POST", "/api/links", {"name": "Owned link",
                                               "url": "https://own.test/"})["id"]
    ids["B"] = owner.ok("POST", "/api/boards", {"type": "website", "name": "Owned board",
                                                "parameters": {"websiteId": ids["W"]}})["id"]
    ids["R"] = owner.ok("POST", "/api/reports", {
        "websiteId": ids["W"], "type": "funnel", "name": "Funnel", "parameters": {"window": 60},
    })["id"]
    ids["S"] = owner.ok("POST", f"/api/websites/{ids['W']}/segments", {
        "type": "segment", "name": "Chrome",
        "parameters": {"filters": [{"name": "browser", "operator": "eq", "value": "chrome"}]},
    })["id"]
    share = owner.ok("POST", f"/api/websites/{ids['W']}/shares", {"name": "Public"})
    ids["SH"], ids["slug"] = share["id"], share["slug"]
    with_events = {"overview": True, "events": True}
    slugs = {SH_BARE: share["slug"]}
    for role, path in ((SH_WEB, "/api/websites/{W}/shares"), (SH_PIXEL, "/api/pixels/{P}/shares"),
                       (SH_LINK, "/api/links/{L}/shares")):
        made = owner.ok("POST", world.fill(path), {"name": role, "parameters": with_events})
        slugs[role] = made["slug"]
    slugs[SH_BOARD] = owner.ok("POST", world.fill("/api/boards/{B}/shares"),
                               {"name": "Board"})["slug"]

    team, _ = team_owner.ok("POST", "/api/teams", {"name": "Matrix team"})
    ids["T"] = team["id"]
    for role, team_role in ((T_MANAGER, "team-manager"), (T_MEMBER, "team-member"),
                            (T_VIEWER, "team-view-only")):
        team_owner.ok("POST", f"/api/teams/{ids['T']}/users",
                      {"userId": users[role], "role": team_role})
    ids["TW"] = team_owner.ok("POST", "/api/websites", {"name": "Team site", "domain": "team.test",
                                                        "teamId": ids["T"]})["id"]
    ids["TP"] = team_owner.ok("POST", "/api/pixels", {"name": "Team pixel",
                                                      "teamId": ids["T"]})["id"]
    ids["TL"] = team_owner.ok("POST", "/api/links", {"name": "Team link", "teamId": ids["T"],
                                                     "url": "https://team.test/"})["id"]
    ids["TB"] = team_owner.ok("POST", "/api/boards", {"type": "mixed", "name": "Team board",
                                                      "teamId": ids["T"]})["id"]

    for role, slug in slugs.items():
        resolved = httpx.get(f"{server.base_url}/api/share/{slug}").json()
        callers[role] = Api(server, headers={"x-umami-share-token": resolved["token"],
                                             "x-umami-share-context": "1"})
    yield world


Body = Any | Callable[[World, str], Any]


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    allowed: frozenset[str]
    body: Body = None
    # For deletes: makes a fresh target for each caller, returning the id to put in {X}.
    fresh: Callable[[World], str] | None = None


def case(name: str, method: str, path: str, allowed: set[str], body: Body = None,
         fresh: Callable[[World], str] | None = None) -> Case:
    return Case(name, method, path, frozenset(allowed), body, fresh)


def _fresh_website(world: World) -> str:
    return world.callers[OWNER].ok("POST", "/api/websites",
                                   {"name": "Doomed", "domain": "doomed.test"})["id"]


def _fresh_team_website(world: World) -> str:
    return world.callers[T_OWNER].ok("POST", "/api/websites", {
        "name": "Doomed team site", "domain": "doomed.test", "teamId": world.ids["T"]})["id"]


def _fresh(path: str, body: dict[str, Any], by: str = OWNER) -> Callable[[World], str]:
    def make(world: World) -> str:
        filled = {key: world.fill(value) if isinstance(value, str) else value
                  for key, value in body.items()}
        return world.callers[by].ok("POST", world.fill(path), filled)["id"]

    return make


def _fresh_share(world: World) -> str:
    return world.callers[OWNER].ok("POST", world.fill("/api/websites/{W}/shares"),
                                   {"name": "Doomed share"})["id"]


def _fresh_user(world: World) -> str:
    return world.callers[ADMIN].ok("POST", "/api/users", {
        "username": f"doomed-{next(_unique)}", "password": PASSWORD, "role": "user"})["id"]


def _fresh_team(world: World) -> str:
    return world.callers[T_OWNER].ok("POST", "/api/teams", {"name": "Doomed team"})[0]["id"]


VIEW_W = {ADMIN, OWNER}
# The share tokens whose page shows the website W: its own shares and the board's.
W_PAGE = {SH_WEB, SH_BARE, SH_BOARD}
CHANGE_W = {ADMIN, OWNER}
VIEW_TEAM = {ADMIN} | TEAM

CASES = [
    # accounts
    case("verify", "POST", "/api/auth/verify", USERS),
    case("me", "GET", "/api/me", USERS | SHARES),
    case("me-websites", "GET", "/api/me/websites", USERS),
    case("me-teams", "GET", "/api/me/teams", USERS),
    case("user-create", "POST", "/api/users", {ADMIN},
         lambda world, role: {"username": f"new-{role}-{next(_unique)}", "password": PASSWORD,
                              "role": "user"}),
    case("user-get", "GET", "/api/users/{user:owner}", {ADMIN, OWNER}),
    case("user-update", "POST", "/api/users/{user:owner}", {ADMIN, OWNER}, {}),
    case("user-websites", "GET", "/api/users/{user:owner}/websites", {ADMIN, OWNER}),
    case("user-teams", "GET", "/api/users/{user:owner}/teams", {ADMIN, OWNER}),
    case("user-delete", "DELETE", "/api/users/{X}", {ADMIN}, fresh=_fresh_user),
    case("admin-users", "GET", "/api/admin/users", {ADMIN}),
    case("admin-websites", "GET", "/api/admin/websites", {ADMIN}),
    case("admin-teams", "GET", "/api/admin/teams", {ADMIN}),
    # websites
    case("websites-list", "GET", "/api/websites", USERS),
    case("website-create", "POST", "/api/websites", CREATORS,
         {"name": "Mine", "domain": "mine.test"}),
    case("team-website-create", "POST", "/api/websites", TEAM_EDITORS,
         lambda world, role: {"name": "Ours", "domain": "ours.test", "teamId": world.ids["T"]}),
    case("website-get", "GET", "/api/websites/{W}", VIEW_W | W_PAGE),
    case("website-update", "POST", "/api/websites/{W}", CHANGE_W, {"name": "Owned"}),
    case("website-reset", "POST", "/api/websites/{W}/reset", CHANGE_W),
    case("website-delete", "DELETE", "/api/websites/{X}", CHANGE_W, fresh=_fresh_website),
    case("website-shares", "GET", "/api/websites/{W}/shares", VIEW_W),
    case("website-share-create", "POST", "/api/websites/{W}/shares", CHANGE_W, {"name": "s"}),
    case("website-reports", "GET", "/api/websites/{W}/reports", VIEW_W),
    case("segments", "GET", "/api/websites/{W}/segments?type=segment", VIEW_W),
    case("segment-create", "POST", "/api/websites/{W}/segments", CHANGE_W,
         {"type": "cohort", "name": "c", "parameters": {"dateRange": "30day"}}),
    case("segment-get", "GET", "/api/websites/{W}/segments/{S}", VIEW_W),
    case("segment-update", "POST", "/api/websites/{W}/segments/{S}", CHANGE_W,
         {"type": "segment", "name": "Chrome", "parameters": {}}),
    case("segment-delete", "DELETE", "/api/websites/{W}/segments/{X}", CHANGE_W,
         fresh=_fresh("/api/websites/{W}/segments",
                      {"type": "segment", "name": "d", "parameters": {}})),
    case("saved-replays", "GET", "/api/websites/{W}/replays/saved", VIEW_W),
    case("team-website-get", "GET", "/api/websites/{TW}", VIEW_TEAM),
    case("team-website-update", "POST", "/api/websites/{TW}", TEAM_EDITORS,
         {"name": "Team site"}),
    case("team-website-delete", "DELETE", "/api/websites/{X}", TEAM_EDITORS,
         fresh=_fresh_team_website),
    # pixels and links
    case("pixels-list", "GET", "/api/pixels", USERS),
    case("pixel-create", "POST", "/api/pixels", CREATORS, {"name": "p"}),
    case("pixel-get", "GET", "/api/pixels/{P}", CHANGE_W),
    case("pixel-update", "POST", "/api/pixels/{P}", CHANGE_W, {"name": "Owned pixel"}),
    case("pixel-delete", "DELETE", "/api/pixels/{X}", CHANGE_W,
         fresh=_fresh("/api/pixels", {"name": "d"})),
    case("pixel-shares", "GET", "/api/pixels/{P}/shares", CHANGE_W),
    case("team-pixel-get", "GET", "/api/pixels/{TP}", VIEW_TEAM),
    case("team-pixel-update", "POST", "/api/pixels/{TP}", TEAM_EDITORS, {"name": "Team pixel"}),
    case("links-list", "GET", "/api/links", USERS),
    case("link-create", "POST", "/api/links", CREATORS, {"name": "l", "url": "https://x.test/"}),
    case("link-get", "GET", "/api/links/{L}", CHANGE_W),
    case("link-update", "POST", "/api/links/{L}", CHANGE_W, {"name": "Owned link"}),
    case("link-delete", "DELETE", "/api/links/{X}", CHANGE_W,
         fresh=_fresh("/api/links", {"name": "d", "url": "https://x.test/"})),
    case("link-shares", "GET", "/api/links/{L}/shares", CHANGE_W),
    case("team-link-get", "GET", "/api/links/{TL}", VIEW_TEAM),
    case("team-link-update", "POST", "/api/links/{TL}", TEAM_EDITORS, {"name": "Team link"}),
    case("team-link-delete", "DELETE", "/api/links/{X}", TEAM_EDITORS,
         fresh=_fresh("/api/links", {"name": "d", "url": "https://x.test/", "teamId": "{T}"},
                      by=T_OWNER)),
    # boards, reports, shares
    case("boards-list", "GET", "/api/boards", USERS),
    case("board-create", "POST", "/api/boards", CREATORS, {"type": "mixed", "name": "b"}),
    case("board-get", "GET", "/api/boards/{B}", CHANGE_W | {SH_BOARD}),
    case("board-update", "POST", "/api/boards/{B}", CHANGE_W, {"name": "Owned board"}),
    case("board-delete", "DELETE", "/api/boards/{X}", CHANGE_W,
         fresh=_fresh("/api/boards", {"type": "mixed", "name": "d"})),
    case("team-board-get", "GET", "/api/boards/{TB}", VIEW_TEAM),
    case("team-board-update", "POST", "/api/boards/{TB}", TEAM_EDITORS, {"name": "Team board"}),
    case("dashboard", "GET", "/api/dashboard", USERS),
    case("reports-list", "GET", "/api/reports?websiteId={W}", VIEW_W),
    case("report-create", "POST", "/api/reports", CHANGE_W,
         lambda world, role: {"websiteId": world.ids["W"], "type": "goal", "name": "g",
                              "parameters": {}}),
    case("report-get", "GET", "/api/reports/{R}", VIEW_W),
    case("report-update", "POST", "/api/reports/{R}", CHANGE_W,
         lambda world, role: {"websiteId": world.ids["W"], "type": "funnel", "name": "Funnel",
                              "parameters": {"window": 60}}),
    case("report-delete", "DELETE", "/api/reports/{X}", CHANGE_W,
         fresh=_fresh("/api/reports", {"websiteId": "{W}", "type": "utm", "name": "d",
                                       "parameters": {}})),
    case("share-create", "POST", "/api/share", CHANGE_W,
         lambda world, role: {"entityId": world.ids["W"], "shareType": 1, "name": "n",
                              "parameters": {}}),
    case("share-get", "GET", "/api/share/id/{SH}", CHANGE_W),
    case("share-update", "POST", "/api/share/id/{SH}", CHANGE_W,
         lambda world, role: {"name": "Public", "slug": world.ids["slug"], "parameters": {}}),
    case("share-delete", "DELETE", "/api/share/id/{X}", CHANGE_W, fresh=_fresh_share),
    case("share-resolve", "GET", "/api/share/{slug}", set(ROLES)),
    # teams
    case("teams-list", "GET", "/api/teams", USERS),
    case("team-create", "POST", "/api/teams", CREATORS, {"name": "t"}),
    case("team-get", "GET", "/api/teams/{T}", VIEW_TEAM),
    case("team-update", "POST", "/api/teams/{T}", TEAM_MANAGERS, {"name": "Matrix team"}),
    case("team-delete", "DELETE", "/api/teams/{X}", {ADMIN, T_OWNER}, fresh=_fresh_team),
    case("team-users", "GET", "/api/teams/{T}/users", VIEW_TEAM),
    case("team-user-get", "GET", "/api/teams/{T}/users/{user:team-member}", TEAM_MANAGERS),
    case("team-user-update", "POST", "/api/teams/{T}/users/{user:team-member}", TEAM_MANAGERS,
         {"role": "team-member"}),
    case("team-websites", "GET", "/api/teams/{T}/websites", VIEW_TEAM),
    case("team-links", "GET", "/api/teams/{T}/links", VIEW_TEAM),
    case("team-pixels", "GET", "/api/teams/{T}/pixels", VIEW_TEAM),
    case("team-boards", "GET", "/api/teams/{T}/boards", VIEW_TEAM),
]

# --- analytics: what each share page shows, and what it does not ------------------------------

_DAY = "startAt=1700000000000&endAt=1700086400000"
_SOME_ID = "6f1f4f1c-8e1a-4c59-9d7d-000000000001"
# route (after /api/websites/{id}), query, which share-page view shows it (None: none does)
ANALYTICS: list[tuple[str, str, str | None]] = [
    ("stats", f"{_DAY}&compare=prev", "overview"),
    ("pageviews", f"{_DAY}&unit=hour&timezone=UTC", "overview"),
    ("metrics", f"{_DAY}&type=path", "overview"),
    ("metrics", f"{_DAY}&type=country&limit=300", "overview"),
    ("metrics", f"{_DAY}&type=event", "overview"),
    ("metrics", f"{_DAY}&type=distinctId", None),
    ("metrics", f"{_DAY}&type=domain", None),
    ("metrics/expanded", f"{_DAY}&type=path", None),
    ("daterange", "", "overview"),
    ("events", f"{_DAY}&page=1&pageSize=50", "events"),
    ("events/series", f"{_DAY}&timezone=UTC&unit=hour", "events"),
    ("event-data/properties", _DAY, "events"),
    ("event-data/events", f"{_DAY}&event=signup", "events"),
    ("events/stats", _DAY, None),
    ("event-data/fields", _DAY, None),
    ("event-data/values", f"{_DAY}&event=signup&propertyName=plan", None),
    ("event-data/stats", _DAY, None),
    ("event-data", _DAY, None),
    (f"event-data/{_SOME_ID}", "", None),
    ("session-data/properties", _DAY, None),
    ("session-data/values", f"{_DAY}&propertyName=plan", None),
    ("sessions", _DAY, None),
    ("sessions/stats", _DAY, None),
    ("sessions/weekly", f"{_DAY}&timezone=UTC", None),
    (f"sessions/{_SOME_ID}", "", None),
    (f"sessions/{_SOME_ID}/activity", _DAY, None),
    (f"sessions/{_SOME_ID}/properties", "", None),
    ("active", "", None),
    ("values", f"{_DAY}&type=browser", None),
    ("export", _DAY, None),
    ("revenue/sessions", f"{_DAY}&currency=USD", None),
]
# Which share tokens' pages show each view of W, P and L.
PAGES = {
    "W": {"overview": W_PAGE, "events": {SH_WEB}},
    "P": {"overview": {SH_PIXEL}, "events": {SH_PIXEL}},
    "L": {"overview": {SH_LINK}, "events": {SH_LINK}},
}


def _analytics_cases() -> Iterator[Case]:
    for target, views in PAGES.items():
        for route, query, view in ANALYTICS:
            shown = views[view] if view else set()
            yield case(f"{target}-{route}?{query.split('&')[-1] if query else ''}", "GET",
                       f"/api/websites/{{{target}}}/{route}?{query}", CHANGE_W | shown)
        yield case(f"{target}-realtime", "GET", f"/api/realtime/{{{target}}}", CHANGE_W)
        yield case(f"{target}-report-run", "POST", "/api/reports/utm", CHANGE_W,
                   lambda world, role, target=target: {
                       "websiteId": world.ids[target], "type": "utm", "filters": {},
                       "parameters": {"startDate": "2024-01-01T00:00:00Z",
                                      "endDate": "2024-01-02T00:00:00Z"}})


CASES += list(_analytics_cases())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", CASES, ids=[item.name for item in CASES])
def test_permission_matrix(world: World, route: Case, role: str) -> None:
    if route.fresh is not None:
        world.ids["X"] = route.fresh(world)
    path = world.fill(route.path)
    body = route.body(world, role) if callable(route.body) else route.body
    response = world.callers[role].client.request(route.method, path, json=body)
    if role in route.allowed:
        assert response.status_code == 200, (response.status_code, response.text)
    else:
        assert_error(response, 401)
        if route.fresh is not None:  # a refused delete leaves the target in place
            again = world.callers[ADMIN].client.request(route.method, path)
            assert again.status_code == 200, again.text


def _ids(body: Any) -> set[str]:
    return {row["id"] for row in body["data"]}


@pytest.mark.parametrize("role", sorted(USERS - {ADMIN, OWNER}))
def test_lists_show_nothing_of_others(world: World, role: str) -> None:
    caller, ids = world.callers[role], world.ids
    mine = set().union(*(
        _ids(caller.ok("GET", path)) for path in
        ("/api/websites", "/api/websites?includeTeams=1", "/api/me/websites", "/api/pixels",
         "/api/links", "/api/boards")
    ))
    assert not mine & {ids["W"], ids["P"], ids["L"], ids["B"]}
    if role in TEAM:
        team_sites = _ids(caller.ok("GET", world.fill("/api/teams/{T}/websites")))
        assert ids["TW"] in team_sites
    assert ids["TW"] not in _ids(caller.ok("GET", "/api/websites"))


def test_include_teams_lists_websites_of_owned_teams_only(world: World) -> None:
    tw = world.ids["TW"]
    assert tw in _ids(world.callers[T_OWNER].ok("GET", "/api/websites?includeTeams=true"))
    assert tw not in _ids(world.callers[T_MEMBER].ok("GET", "/api/websites?includeTeams=true"))


def test_view_only_user_cannot_create_even_as_team_owner(world: World, admin: Api) -> None:
    viewer = world.callers[VIEWER]
    team, _ = admin.ok("POST", "/api/teams", {"name": "Viewer's",
                                              "ownerId": world.ids[f"user:{VIEWER}"]})
    assert viewer.ok("GET", f"/api/teams/{team['id']}")["id"] == team["id"]
    refused = viewer.post("/api/websites", {"name": "x", "domain": "x.test",
                                            "teamId": team["id"]})
    assert_error(refused, 401)


def test_transfers_have_no_admin_bypass(world: World, admin: Api) -> None:
    team_owner, ids = world.callers[T_OWNER], world.ids
    site = team_owner.ok("POST", "/api/websites", {"name": "Moving", "domain": "move.test"})
    assert_error(admin.post(f"/api/websites/{site['id']}/transfer", {"teamId": ids["T"]}), 401)
    assert_error(world.callers[T_MEMBER].post(f"/api/websites/{site['id']}/transfer",
                                              {"teamId": ids["T"]}), 401)
    moved = team_owner.ok("POST", f"/api/websites/{site['id']}/transfer", {"teamId": ids["T"]})
    assert moved["teamId"] == ids["T"] and moved["userId"] is None
    assert "shareId" not in moved
    me = ids[f"user:{T_OWNER}"]
    assert_error(world.callers[T_MANAGER].post(
        f"/api/websites/{site['id']}/transfer", {"userId": ids[f"user:{T_MANAGER}"]}), 401)
    back = team_owner.ok("POST", f"/api/websites/{site['id']}/transfer", {"userId": me})
    assert back["userId"] == me and back["teamId"] is None
    assert_error(team_owner.post(f"/api/websites/{site['id']}/transfer", {}), 400)


def test_share_token_is_scoped_and_dies_with_its_share(world: World) -> None:
    owner, ids = world.callers[OWNER], world.ids
    share = owner.ok("POST", world.fill("/api/websites/{W}/shares"), {"name": "Temporary"})
    token = httpx.get(f"{world.server.base_url}/api/share/{share['slug']}").json()["token"]
    headers = {"x-umami-share-token": token, "x-umami-share-context": "1"}
    shared = Api(world.server, headers=headers)
    assert shared.ok("GET", world.fill("/api/websites/{W}"))["id"] == ids["W"]
    assert_error(shared.get(world.fill("/api/websites/{TW}")), 401)
    no_context = Api(world.server, headers={"x-umami-share-token": token})
    assert_error(no_context.get(world.fill("/api/websites/{W}")), 401)
    owner.ok("DELETE", f"/api/share/id/{share['id']}")
    assert_error(shared.get(world.fill("/api/websites/{W}")), 401)


def test_a_share_token_sees_the_website_as_its_page_does(world: World) -> None:
    """Name and domain, not the owner's ids or the slugs of the website's other shares."""
    shown = world.callers[SH_BARE].ok("GET", world.fill("/api/websites/{W}"))
    assert shown == {"id": world.ids["W"], "name": "Owned", "domain": "own.test"}
    assert "shareId" in world.callers[OWNER].ok("GET", world.fill("/api/websites/{W}"))


def test_a_share_token_does_not_widen_a_logged_in_users_rights(world: World) -> None:
    token = world.callers[SH_WEB].client.headers["x-umami-share-token"]
    other = Api(world.server, world.callers[OTHER].token,
                headers={"x-umami-share-token": token, "x-umami-share-context": "1"})
    # Where the share page shows the data, the share counts; elsewhere it does not.
    other.ok("GET", world.fill(f"/api/websites/{{W}}/stats?{_DAY}"))
    for path in (f"/api/websites/{{W}}/export?{_DAY}", f"/api/websites/{{W}}/sessions?{_DAY}",
                 "/api/websites/{W}/shares", "/api/websites/{W}/reports"):
        assert_error(other.get(world.fill(path)), 401)


def test_the_share_page_shows_no_table_its_token_cannot_read(world: World) -> None:
    """Every table the share page links to is readable with its token, and the page opens no
    table beyond those (the visitors' distinct ids stay private)."""
    base = world.server.base_url
    page = httpx.get(f"{base}/share/{world.ids['slug']}?range=24h", timeout=20)
    assert page.status_code == 200, page.text
    linked = set(re.findall(r"/share/[A-Za-z0-9]+/table/([A-Za-z]+)", page.text))
    assert {"path", "referrer", "browser", "country", "event", "utmSource"} <= linked
    shared = world.callers[SH_BARE]
    for metric in linked:
        shared.ok("GET", world.fill(f"/api/websites/{{W}}/metrics?{_DAY}&type={metric}"))
        table = httpx.get(f"{base}/share/{world.ids['slug']}/table/{metric}", timeout=20)
        assert table.status_code == 200, (metric, table.status_code)
    for hidden in ("distinctId", "domain"):
        assert_error(shared.get(world.fill(f"/api/websites/{{W}}/metrics?{_DAY}&type={hidden}")),
                     401)
        for view in ("table", "export"):
            answer = httpx.get(f"{base}/share/{world.ids['slug']}/{view}/{hidden}", timeout=20)
            assert answer.status_code == 404, (hidden, view, answer.status_code)
