"""Settings: websites (with tracking code, shares, reset, delete), pixels, links, teams, users.

Every action goes through the REST handler it corresponds to (`WebRequest.api`), so the
dashboard validates, checks permissions and writes exactly as the API does.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from umami_server.api.teams import new_access_code
from umami_server.auth import permissions as can
from umami_server.web.dashboard import Dashboard, PageError, WebRequest
from umami_server.web.pages.common import entity_hits, public_origin, tracker_snippet

_LIST = {"page": 1, "pageSize": 200}


def _form(web: WebRequest, *names: str) -> dict[str, Any]:
    """The named fields, blank ones left out (the API then applies its defaults)."""
    return {name: web.form[name].strip() for name in names if web.form.get(name, "").strip()}


def _teams(web: WebRequest) -> list[dict[str, Any]]:
    return web.api("GET", "/api/teams", query=_LIST)["data"]


def _require_admin(web: WebRequest) -> None:
    if not can.is_admin(web.auth):
        raise PageError(403, "Only administrators can manage users.")


# --- websites -----------------------------------------------------------------------------------

def websites_page(web: WebRequest) -> Response:
    sites = web.api("GET", "/api/websites", query={**_LIST, "includeTeams": "1"})["data"]
    return web.render("settings/websites.html", section="settings", tab="websites",
                      websites=sites, teams=_teams(web),
                      can_create=can.can_create_website(web.auth))


def create_website(web: WebRequest) -> Response:
    body = _form(web, "name", "domain", "teamId")
    created: dict[str, Any] = {}

    def create() -> None:
        created.update(web.api("POST", "/api/websites", body=body))

    response = web.act(create, "/settings/websites", "Website added.")
    if created:
        return web.redirect(f"/settings/websites/{created['id']}", notice="Website added.")
    return response


def _website(web: WebRequest) -> dict[str, Any]:
    website_id = web.param("website_id")
    website = web.api("GET", "/api/websites/{website_id}", params={"website_id": website_id})
    if not website:
        raise PageError(404, "No such website.")
    return website


def website_page(web: WebRequest) -> Response:
    website = _website(web)
    store = web.dashboard.services.store
    shares = web.api("GET", "/api/websites/{website_id}/shares",
                     params={"website_id": website["id"]}, query=_LIST)["data"]
    teams = _teams(web)
    owner_team = next((team for team in teams if team["id"] == website.get("teamId")), None)
    return web.render(
        "settings/website.html", section="settings", tab="websites", website=website,
        snippet=tracker_snippet(web, website["id"]), shares=shares, origin=public_origin(web),
        can_update=can.can_update_website(web.auth, store, website["id"]),
        can_delete=can.can_delete_website(web.auth, store, website["id"]),
        owner_team=owner_team, **_transfer_targets(web, website["id"], teams),
    )


def _transfer_targets(web: WebRequest, website_id: str, teams: list[dict[str, Any]]
                      ) -> dict[str, Any]:
    """Where the user may move the website: to themself and/or to some of their teams.

    The same checks as the transfer handler (no admin bypass, as in Umami), so the form
    offers only what the API will accept."""
    store, user = web.dashboard.services.store, web.auth.user
    if user is None:
        return {"transfer_to_me": False, "transfer_teams": []}
    return {
        "transfer_to_me": can.can_transfer_website_to_user(web.auth, store, website_id, user.id),
        "transfer_teams": [team for team in teams if can.can_transfer_website_to_team(
            web.auth, store, website_id, team["id"])],
    }


def transfer_website(web: WebRequest) -> Response:
    website_id = web.param("website_id")
    back = f"/settings/websites/{website_id}"
    target = web.form.get("target", "")
    if target == "me" and web.auth.user is not None:
        body, notice = {"userId": web.auth.user.id}, "The website is now yours."
    elif target.startswith("team:"):
        body, notice = {"teamId": target[5:]}, "The website now belongs to the team."
    else:
        return web.redirect(back, error="Choose where to transfer the website.")
    return web.act(lambda: web.api("POST", "/api/websites/{website_id}/transfer",
                                   params={"website_id": website_id}, body=body),
                   back, notice)


def update_website(web: WebRequest) -> Response:
    website_id = web.param("website_id")
    back = f"/settings/websites/{website_id}"
    return web.act(lambda: web.api("POST", "/api/websites/{website_id}",
                                   params={"website_id": website_id},
                                   body=_form(web, "name", "domain")), back, "Saved.")


def reset_website(web: WebRequest) -> Response:
    website_id = web.param("website_id")
    return web.act(lambda: web.api("POST", "/api/websites/{website_id}/reset",
                                   params={"website_id": website_id}),
                   f"/settings/websites/{website_id}", "All data of the website was deleted.")


def delete_website(web: WebRequest) -> Response:
    website_id = web.param("website_id")
    return web.act(lambda: web.api("DELETE", "/api/websites/{website_id}",
                                   params={"website_id": website_id}),
                   f"/settings/websites/{website_id}", "Website deleted.",
                   done="/settings/websites")


def create_share(web: WebRequest) -> Response:
    website_id = web.param("website_id")
    name = web.form.get("name", "").strip() or "Share"
    body = {"name": name, "parameters": {"overview": True, "events": True}}
    return web.act(lambda: web.api("POST", "/api/websites/{website_id}/shares",
                                   params={"website_id": website_id}, body=body),
                   f"/settings/websites/{website_id}", "Share link created.")


def delete_share(web: WebRequest) -> Response:
    website_id = web.param("website_id")
    return web.act(lambda: web.api("DELETE", "/api/share/id/{share_id}",
                                   params={"share_id": web.param("share_id")}),
                   f"/settings/websites/{website_id}", "Share link deleted.")


# --- pixels and links ---------------------------------------------------------------------------

_PREFIX = {"pixel": "/p/", "link": "/q/"}


def _can_update_tracked(web: WebRequest, kind: str, entity_id: str) -> bool:
    store = web.dashboard.services.store
    if kind == "pixel":
        return can.can_update_pixel(web.auth, store, entity_id)
    return can.can_update_link(web.auth, store, entity_id)


def _tracked(web: WebRequest, kind: str) -> Response:
    rows = web.api("GET", f"/api/{kind}s", query=_LIST)["data"]
    hits = entity_hits(web, [row["id"] for row in rows])
    editable = {row["id"] for row in rows if _can_update_tracked(web, kind, row["id"])}
    return web.render(f"settings/{kind}s.html", section="settings", tab=f"{kind}s",
                      rows=rows, hits=hits, teams=_teams(web), origin=public_origin(web),
                      can_create=can.can_create_website(web.auth), editable=editable)


def tracked_page(kind: str) -> Any:
    """One pixel or link: its URL, hits and the form to rename it or change slug/target."""

    def show(web: WebRequest) -> Response:
        entity_id = web.param("entity_id")
        row = web.api("GET", f"/api/{kind}s/{{{kind}_id}}", params={f"{kind}_id": entity_id})
        if not row:
            raise PageError(404, f"No such {kind}.")
        return web.render("settings/tracked.html", section="settings", tab=f"{kind}s",
                          kind=kind, row=row, prefix=_PREFIX[kind], origin=public_origin(web),
                          hits=entity_hits(web, [row["id"]])[row["id"]],
                          can_update=_can_update_tracked(web, kind, row["id"]))

    return show


def pixels_page(web: WebRequest) -> Response:
    return _tracked(web, "pixel")


def links_page(web: WebRequest) -> Response:
    return _tracked(web, "link")


def create_tracked(kind: str) -> Any:
    fields = ("name", "slug", "teamId") + (("url",) if kind == "link" else ())

    def create(web: WebRequest) -> Response:
        return web.act(lambda: web.api("POST", f"/api/{kind}s", body=_form(web, *fields)),
                       f"/settings/{kind}s", f"{kind.title()} created.")

    return create


def update_tracked(kind: str) -> Any:
    fields = ("name", "slug") + (("url",) if kind == "link" else ())

    def update(web: WebRequest) -> Response:
        path = f"/api/{kind}s/{{{kind}_id}}"
        params = {f"{kind}_id": web.param("entity_id")}
        return web.act(lambda: web.api("POST", path, params=params, body=_form(web, *fields)),
                       f"/settings/{kind}s/{params[f'{kind}_id']}", "Saved.")

    return update


def delete_tracked(kind: str) -> Any:
    def delete(web: WebRequest) -> Response:
        path = f"/api/{kind}s/{{{kind}_id}}"
        params = {f"{kind}_id": web.param("entity_id")}
        return web.act(lambda: web.api("DELETE", path, params=params),
                       f"/settings/{kind}s", f"{kind.title()} deleted.")

    return delete


# --- teams --------------------------------------------------------------------------------------

def teams_page(web: WebRequest) -> Response:
    return web.render("settings/teams.html", section="settings", tab="teams",
                      teams=_teams(web), can_create=can.can_create_team(web.auth))


def create_team(web: WebRequest) -> Response:
    return web.act(lambda: web.api("POST", "/api/teams", body=_form(web, "name")),
                   "/settings/teams", "Team created.")


def join_team(web: WebRequest) -> Response:
    return web.act(lambda: web.api("POST", "/api/teams/join", body=_form(web, "accessCode")),
                   "/settings/teams", "You joined the team.")


def team_page(web: WebRequest) -> Response:
    team_id = web.param("team_id")
    params = {"team_id": team_id}
    team = web.api("GET", "/api/teams/{team_id}", params=params)
    members = web.api("GET", "/api/teams/{team_id}/users", params=params, query=_LIST)["data"]
    sites = web.api("GET", "/api/teams/{team_id}/websites", params=params, query=_LIST)["data"]
    store = web.dashboard.services.store
    return web.render("settings/team.html", section="settings", tab="teams", team=team,
                      members=members, websites=sites, roles=can.ASSIGNABLE_TEAM_ROLES,
                      can_update=can.can_update_team(web.auth, store, team_id),
                      can_delete=can.can_delete_team(web.auth, store, team_id))


def update_team(web: WebRequest) -> Response:
    team_id = web.param("team_id")
    body = _form(web, "name")
    if web.form.get("regenerate"):
        body = {"accessCode": new_access_code()}
    return web.act(lambda: web.api("POST", "/api/teams/{team_id}", params={"team_id": team_id},
                                   body=body), f"/settings/teams/{team_id}", "Saved.")


def delete_team(web: WebRequest) -> Response:
    team_id = web.param("team_id")
    return web.act(lambda: web.api("DELETE", "/api/teams/{team_id}",
                                   params={"team_id": team_id}),
                   f"/settings/teams/{team_id}", "Team deleted.", done="/settings/teams")


def add_member(web: WebRequest) -> Response:
    team_id = web.param("team_id")
    back = f"/settings/teams/{team_id}"
    # The API adds members by id; the form asks for the username people know each other by.
    found = web.dashboard.services.store.find_user(web.form.get("username", "").strip())
    if found is None or found["deleted_at"] is not None:
        return web.redirect(back, error="No user with that username.")
    body = {"userId": found["user_id"], "role": web.form.get("role", "team-member")}
    return web.act(lambda: web.api("POST", "/api/teams/{team_id}/users",
                                   params={"team_id": team_id}, body=body), back, "Member added.")


def update_member(web: WebRequest) -> Response:
    params = {"team_id": web.param("team_id"), "user_id": web.param("user_id")}
    back = f"/settings/teams/{params['team_id']}"
    if web.form.get("remove"):
        return web.act(lambda: web.api("DELETE", "/api/teams/{team_id}/users/{user_id}",
                                       params=params), back, "Member removed.",
                       done=back if params["user_id"] != web.auth.user.id else "/settings/teams")
    return web.act(lambda: web.api("POST", "/api/teams/{team_id}/users/{user_id}", params=params,
                                   body={"role": web.form.get("role", "")}), back, "Role saved.")


# --- users (administrators) ---------------------------------------------------------------------

def users_page(web: WebRequest) -> Response:
    _require_admin(web)
    rows = web.api("GET", "/api/admin/users", query=_LIST)["data"]
    return web.render("settings/users.html", section="settings", tab="users", users=rows,
                      roles=can.USER_ROLES)


def create_user(web: WebRequest) -> Response:
    _require_admin(web)
    return web.act(lambda: web.api("POST", "/api/users",
                                   body=_form(web, "username", "password", "role")),
                   "/settings/users", "User created.")


def update_user(web: WebRequest) -> Response:
    _require_admin(web)
    user_id = web.param("user_id")
    if web.form.get("delete"):
        return web.act(lambda: web.api("DELETE", "/api/users/{user_id}",
                                       params={"user_id": user_id}),
                       "/settings/users", "User deleted.")
    return web.act(lambda: web.api("POST", "/api/users/{user_id}", params={"user_id": user_id},
                                   body=_form(web, "username", "password", "role")),
                   "/settings/users", "User saved.")


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    page = dashboard.page
    get, post = ["GET"], ["POST"]
    routes: list[BaseRoute] = [
        Route("/settings", page(lambda web: web.redirect("/settings/websites")), methods=get),
        Route("/settings/websites", page(websites_page), methods=get),
        Route("/settings/websites", page(create_website), methods=post),
        Route("/settings/websites/{website_id}", page(website_page), methods=get),
        Route("/settings/websites/{website_id}", page(update_website), methods=post),
        Route("/settings/websites/{website_id}/reset", page(reset_website), methods=post),
        Route("/settings/websites/{website_id}/delete", page(delete_website), methods=post),
        Route("/settings/websites/{website_id}/transfer", page(transfer_website), methods=post),
        Route("/settings/websites/{website_id}/shares", page(create_share), methods=post),
        Route("/settings/websites/{website_id}/shares/{share_id}/delete", page(delete_share),
              methods=post),
        Route("/settings/pixels", page(pixels_page), methods=get),
        Route("/settings/links", page(links_page), methods=get),
        Route("/settings/teams", page(teams_page), methods=get),
        Route("/settings/teams", page(create_team), methods=post),
        Route("/settings/teams/join", page(join_team), methods=post),
        Route("/settings/teams/{team_id}", page(team_page), methods=get),
        Route("/settings/teams/{team_id}", page(update_team), methods=post),
        Route("/settings/teams/{team_id}/delete", page(delete_team), methods=post),
        Route("/settings/teams/{team_id}/members", page(add_member), methods=post),
        Route("/settings/teams/{team_id}/members/{user_id}", page(update_member), methods=post),
        Route("/settings/users", page(users_page), methods=get),
        Route("/settings/users", page(create_user), methods=post),
        Route("/settings/users/{user_id}", page(update_user), methods=post),
    ]
    for kind in ("pixel", "link"):
        routes += [
            Route(f"/settings/{kind}s", page(create_tracked(kind)), methods=post),
            Route(f"/settings/{kind}s/{{entity_id}}", page(tracked_page(kind)), methods=get),
            Route(f"/settings/{kind}s/{{entity_id}}", page(update_tracked(kind)), methods=post),
            Route(f"/settings/{kind}s/{{entity_id}}/delete", page(delete_tracked(kind)),
                  methods=post),
        ]
    return routes
