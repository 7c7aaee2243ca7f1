"""Account guards beyond Umami's: a team manager cannot demote or remove the team owner, and
changing your own password through `POST /api/users/:id` needs the current one, as
`POST /api/me/password` does (a stolen session token alone must not take an account over).
"""

from __future__ import annotations

import itertools

from tests.api.conftest import Api, assert_error, login
from tests.server_process import ServerProcess

PASSWORD = "password-for-guards"
_unique = itertools.count()


def _user(admin: Api, server: ServerProcess, role: str = "user") -> tuple[Api, str]:
    name = f"guarded-{next(_unique)}"
    created = admin.ok("POST", "/api/users", {"username": name, "password": PASSWORD,
                                              "role": role})
    return login(server, name, PASSWORD), created["id"]


def test_a_manager_cannot_demote_or_remove_the_team_owner(server: ServerProcess,
                                                          admin: Api) -> None:
    owner, owner_id = _user(admin, server)
    manager, manager_id = _user(admin, server)
    member, member_id = _user(admin, server)
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
    user, user_id = _user(admin, server)
    path = f"/api/users/{user_id}"
    missing = user.post(path, {"password": "a-new-password"})
    assert "currentPassword" in assert_error(missing, 400)["message"]
    wrong = user.post(path, {"password": "a-new-password", "currentPassword": "not-it"})
    assert assert_error(wrong, 400)["message"] == "Current password is incorrect"
    assert user.ok("GET", path)["id"] == user_id  # the session survived: nothing changed
    user.ok("POST", path, {"password": "a-new-password", "currentPassword": PASSWORD})
    username = user.ok("GET", path)["username"]
    login(server, username, "a-new-password")
    # Other fields need no password; an admin sets another user's password without one.
    user.ok("POST", path, {})
    admin.ok("POST", path, {"password": "set-by-the-admin"})
    login(server, username, "set-by-the-admin")


def test_an_admin_changing_their_own_password_needs_it_too(server: ServerProcess,
                                                           admin: Api) -> None:
    second, second_id = _user(admin, server, role="admin")
    path = f"/api/users/{second_id}"
    assert_error(second.post(path, {"password": "another-password"}), 400)
    second.ok("POST", path, {"password": "another-password", "currentPassword": PASSWORD})
