"""Account guards beyond Umami's: a team manager cannot demote or remove the team owner, and
changing your own password through `POST /api/users/:id` needs the current one, as
`POST /api/me/password` does (a stolen session token alone must not take an account over).
"""

from __future__ import annotations

from tests.api.conftest import USER_PASSWORD, Api, assert_error, login, new_user
from tests.server_process import ServerProcess


def test_a_manager_cannot_demote_or_remove_the_team_owner(server: ServerProcess,
                                                          admin: Api) -> None:
    owner, owner_id = new_user(admin, server)
    manager, manager_id = new_user(admin, server)
    member, member_id = new_user(admin, server)
    team, _ = owner.ok("POST", "/api/teams", {"name": "Owned team"})
    for user_id, role in ((manager_id, "team-manager"), (member_id, "team-member")):
        owner.ok("POST", f"/api/teams/{team['id']}/users", {"userId": user_id, "role": role})
    path = f"/api/teams/{team['id']}/users/{owner_id}"
    for role in ("team-member", "team-view-only", "team-manager"):
        assert_error(manager.post(path, {"role": role}), 401)
    assert_error(manager.delete(path), 401)
    assert owner.ok("GET", path)["role"] == "team-owner"
    # Managers still manage everyone else, and the owner and admins keep every right.
    manager.ok("POST", f"/api/teams/{team['id']}/users/{member_id}", {"role": "team-view-only"})
    owner.ok("POST", f"/api/teams/{team['id']}/users/{manager_id}", {"role": "team-member"})
    manager.ok("DELETE", f"/api/teams/{team['id']}/users/{manager_id}")  # leaving is allowed
    admin.ok("POST", path, {"role": "team-manager"})
    assert admin.ok("GET", path)["role"] == "team-manager"


# --- your own password -----------------------------------------------------------------------

def test_changing_your_own_password_needs_the_current_one(server: ServerProcess,
                                                          admin: Api) -> None:
    user, user_id = new_user(admin, server)
    path = f"/api/users/{user_id}"
    missing = user.post(path, {"password": "a-new-password"})
    assert "currentPassword" in assert_error(missing, 400)["message"]
    wrong = user.post(path, {"password": "a-new-password", "currentPassword": "not-it"})
    assert assert_error(wrong, 400)["message"] == "Current password is incorrect"
    assert user.ok("GET", path)["id"] == user_id  # the session survived: nothing changed
    user.ok("POST", path, {"password": "a-new-password", "currentPassword": USER_PASSWORD})
    username = user.ok("GET", path)["username"]
    login(server, username, "a-new-password")
    # Other fields need no password; an admin sets another user's password without one.
    user.ok("POST", path, {})
    admin.ok("POST", path, {"password": "set-by-the-admin"})
    login(server, username, "set-by-the-admin")


def test_an_admin_changing_their_own_password_needs_it_too(server: ServerProcess,
                                                           admin: Api) -> None:
    second, second_id = new_user(admin, server, role="admin")
    path = f"/api/users/{second_id}"
    assert_error(second.post(path, {"password": "another-password"}), 400)
    second.ok("POST", path, {"password": "another-password", "currentPassword": USER_PASSWORD})
