"""Umami's permission model (api-auth.md §6) as one table of roles and a set of check functions.

Every check answers True or False; routes turn False into 401, as Umami does. View checks honour
share tokens; creating, changing and deleting need a user. Admins pass every check except the
two transfers, which Umami deliberately gives no admin bypass.
"""

from __future__ import annotations

from typing import Any

from umami_server.auth.context import Auth, AuthUser
from umami_server.storage.metadata_store import MetadataStore

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"all"}),
    "user": frozenset({"website:create", "website:update", "website:delete", "team:create"}),
    "view-only": frozenset(),
    "team-owner": frozenset({
        "team:update", "team:delete", "website:create", "website:update", "website:delete",
        "website:transfer-to-team", "website:transfer-to-user",
    }),
    "team-manager": frozenset({
        "team:update", "website:create", "website:update", "website:delete",
        "website:transfer-to-team",
    }),
    "team-member": frozenset({"website:create", "website:update", "website:delete"}),
    "team-view-only": frozenset(),
}
USER_ROLES = ("admin", "user", "view-only")
ASSIGNABLE_TEAM_ROLES = ("team-member", "team-view-only", "team-manager")


def has_permission(role: str | None, permission: str) -> bool:
    return role is not None and permission in ROLE_PERMISSIONS.get(role, frozenset())


def _team_role(store: MetadataStore, team_id: str | None, user_id: str) -> str | None:
    member = store.team_member(team_id, user_id)
    return member["role"] if member else None


def _is_admin(auth: Auth) -> bool:
    return auth.user is not None and auth.user.is_admin


# --- owned entities (websites, links, pixels, boards) -------------------------------------------

def _can_view_owned(auth: Auth, store: MetadataStore, row: dict[str, Any] | None) -> bool:
    if row is None or auth.user is None:
        return False
    if row["user_id"]:
        return row["user_id"] == auth.user.id
    if row["team_id"]:
        return _team_role(store, row["team_id"], auth.user.id) is not None
    return False


def _can_change_owned(
    auth: Auth, store: MetadataStore, row: dict[str, Any] | None, permission: str
) -> bool:
    if auth.user is None:
        return False
    if auth.user.is_admin:
        return True
    if row is None:
        return False
    if row["user_id"]:
        return row["user_id"] == auth.user.id
    if row["team_id"]:
        return has_permission(_team_role(store, row["team_id"], auth.user.id), permission)
    return False


def can_view_website(auth: Auth, store: MetadataStore, website_id: str) -> bool:
    """Also answers for link, pixel and board ids (their analytics use the website routes)."""
    if _is_admin(auth) or auth.shares(website_id):
        return True
    entity = store.get_entity(website_id)
    return entity is not None and _can_view_owned(auth, store, entity[1])


def can_update_website(auth: Auth, store: MetadataStore, website_id: str) -> bool:
    return _can_change_owned(auth, store, store.get_website(website_id), "website:update")


def can_delete_website(auth: Auth, store: MetadataStore, website_id: str) -> bool:
    return _can_change_owned(auth, store, store.get_website(website_id), "website:delete")


def can_create_website(auth: Auth) -> bool:
    """Also gates creating links, pixels and boards."""
    return auth.user is not None and (
        auth.user.is_admin or has_permission(auth.user.role, "website:create")
    )


def can_create_team_website(auth: Auth, store: MetadataStore, team_id: str) -> bool:
    if auth.user is None:
        return False
    return auth.user.is_admin or has_permission(
        _team_role(store, team_id, auth.user.id), "website:create"
    )


def can_create_owned(auth: Auth, store: MetadataStore, team_id: str | None) -> bool:
    """Create a website, link, pixel or board, personally or (with team_id) for a team."""
    if team_id and not can_create_team_website(auth, store, team_id):
        return False
    return can_create_website(auth)


def can_transfer_website_to_user(
    auth: Auth, store: MetadataStore, website_id: str, user_id: str
) -> bool:
    website = store.get_website(website_id)
    if auth.user is None or website is None or not website["team_id"]:
        return False
    return auth.user.id == user_id and has_permission(
        _team_role(store, website["team_id"], auth.user.id), "website:transfer-to-user"
    )


def can_transfer_website_to_team(
    auth: Auth, store: MetadataStore, website_id: str, team_id: str
) -> bool:
    website = store.get_website(website_id)
    if auth.user is None or website is None or website["user_id"] != auth.user.id:
        return False
    return has_permission(_team_role(store, team_id, auth.user.id), "website:transfer-to-team")


def can_view_link(auth: Auth, store: MetadataStore, link_id: str) -> bool:
    if _is_admin(auth) or auth.shares(link_id):
        return True
    return _can_view_owned(auth, store, store.get_link(link_id))


def can_update_link(auth: Auth, store: MetadataStore, link_id: str) -> bool:
    return _can_change_owned(auth, store, store.get_link(link_id), "website:update")


def can_delete_link(auth: Auth, store: MetadataStore, link_id: str) -> bool:
    return _can_change_owned(auth, store, store.get_link(link_id), "website:delete")


def can_view_pixel(auth: Auth, store: MetadataStore, pixel_id: str) -> bool:
    if _is_admin(auth) or auth.shares(pixel_id):
        return True
    return _can_view_owned(auth, store, store.get_pixel(pixel_id))


def can_update_pixel(auth: Auth, store: MetadataStore, pixel_id: str) -> bool:
    return _can_change_owned(auth, store, store.get_pixel(pixel_id), "website:update")


def can_delete_pixel(auth: Auth, store: MetadataStore, pixel_id: str) -> bool:
    return _can_change_owned(auth, store, store.get_pixel(pixel_id), "website:delete")


def can_view_board(auth: Auth, store: MetadataStore, board_id: str) -> bool:
    if _is_admin(auth) or (auth.share is not None and auth.share.get("boardId") == board_id):
        return True
    return _can_view_owned(auth, store, store.get_board(board_id))


def can_update_board(auth: Auth, store: MetadataStore, board_id: str) -> bool:
    return _can_change_owned(auth, store, store.get_board(board_id), "website:update")


def can_delete_board(auth: Auth, store: MetadataStore, board_id: str) -> bool:
    return _can_change_owned(auth, store, store.get_board(board_id), "website:delete")


def _entity_row(store: MetadataStore, entity_id: str) -> dict[str, Any] | None:
    entity = store.get_entity(entity_id)
    return entity[1] if entity else None


def can_view_entity(auth: Auth, store: MetadataStore, entity_id: str) -> bool:
    """Share-record access: a user is required, share tokens do not count."""
    if _is_admin(auth):
        return True
    return _can_view_owned(auth, store, _entity_row(store, entity_id))


def can_update_entity(auth: Auth, store: MetadataStore, entity_id: str) -> bool:
    return _can_change_owned(auth, store, _entity_row(store, entity_id), "website:update")


def can_delete_entity(auth: Auth, store: MetadataStore, entity_id: str) -> bool:
    return _can_change_owned(auth, store, _entity_row(store, entity_id), "website:delete")


def owner_can_view(store: MetadataStore, owner: dict[str, Any], entity_id: str) -> bool:
    """Whether the owner of a stored thing (a board: its user, or else its team) may view this
    website, link or pixel now. A team views only its own entities; a deleted one is gone."""
    entity = store.get_entity(entity_id)
    if entity is None or entity[1].get("deleted_at") is not None:
        return False
    row = entity[1]
    if owner.get("user_id"):
        user = store.get_user(owner["user_id"])
        if user is None:
            return False
        # The owner's rights as if they asked themselves, without any share.
        as_owner = Auth(None, AuthUser.from_row(user), None)
        return _is_admin(as_owner) or _can_view_owned(as_owner, store, row)
    return bool(owner.get("team_id")) and row["team_id"] == owner["team_id"]


# --- saved reports ------------------------------------------------------------------------------

def _is_creator_who_still_views(auth: Auth, store: MetadataStore,
                                report: dict[str, Any]) -> bool:
    # A creator who lost the website (transferred, or left the team) loses its reports too.
    return (auth.user is not None and auth.user.id == report["user_id"]
            and can_view_website(Auth(auth.token, auth.user, None), store,
                                 report["website_id"]))


def can_view_report(auth: Auth, store: MetadataStore, report: dict[str, Any]) -> bool:
    if _is_admin(auth) or _is_creator_who_still_views(auth, store, report):
        return True
    return can_view_website(auth, store, report["website_id"])


def can_update_report(auth: Auth, store: MetadataStore, report: dict[str, Any]) -> bool:
    if auth.user is None:
        return False
    if auth.user.is_admin or _is_creator_who_still_views(auth, store, report):
        return True
    return can_update_website(auth, store, report["website_id"])


def can_delete_report(auth: Auth, store: MetadataStore, report: dict[str, Any]) -> bool:
    if auth.user is None:
        return False
    if auth.user.is_admin or _is_creator_who_still_views(auth, store, report):
        return True
    return can_delete_website(auth, store, report["website_id"])


# --- teams and users ----------------------------------------------------------------------------

def can_view_team(auth: Auth, store: MetadataStore, team_id: str) -> bool:
    if auth.user is None:
        return False
    return auth.user.is_admin or _team_role(store, team_id, auth.user.id) is not None


def can_create_team(auth: Auth) -> bool:
    return auth.user is not None and (
        auth.user.is_admin or has_permission(auth.user.role, "team:create")
    )


def can_update_team(auth: Auth, store: MetadataStore, team_id: str) -> bool:
    if auth.user is None:
        return False
    return auth.user.is_admin or has_permission(
        _team_role(store, team_id, auth.user.id), "team:update"
    )


def can_delete_team(auth: Auth, store: MetadataStore, team_id: str) -> bool:
    if auth.user is None:
        return False
    return auth.user.is_admin or has_permission(
        _team_role(store, team_id, auth.user.id), "team:delete"
    )


def can_change_team_member(
    auth: Auth, store: MetadataStore, team_id: str, member_user_id: str
) -> bool:
    """Change a member's role: admin, or team:update; a team-owner's role only by an admin or
    a team-owner (unlike Umami, where a manager could demote the owner)."""
    if auth.user is None:
        return False
    if auth.user.is_admin:
        return True
    role = _team_role(store, team_id, auth.user.id)
    if not has_permission(role, "team:update"):
        return False
    return role == "team-owner" or _team_role(store, team_id, member_user_id) != "team-owner"


def can_delete_team_user(
    auth: Auth, store: MetadataStore, team_id: str, removed_user_id: str
) -> bool:
    if auth.user is None:
        return False
    if auth.user.is_admin or auth.user.id == removed_user_id:
        return True
    return can_change_team_member(auth, store, team_id, removed_user_id)


def is_admin(auth: Auth) -> bool:
    """canViewAllWebsites, canViewAllTeams, canViewUsers, canCreateUser, canDeleteUser."""
    return _is_admin(auth)


def can_view_user(auth: Auth, user_id: str) -> bool:
    """Also canUpdateUser: admin or the user themself."""
    return auth.user is not None and (auth.user.is_admin or auth.user.id == user_id)
