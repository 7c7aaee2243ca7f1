"""Teams and their members."""

from __future__ import annotations

from typing import cast

from sqlalchemy import delete, func, insert, select

from umami_server.storage.metadata.base import Page, PageRequest, Repository, is_uuid, new_id, now
from umami_server.storage.metadata.rows import TeamMemberRow, TeamRow, TeamUserRow
from umami_server.storage.metadata_schema import (
    team_table,
    team_user_table,
    user_table,
    website_table,
)


class TeamRepository(Repository):
    def create_team(
        self, name: str, owner_id: str, access_code: str
    ) -> tuple[TeamRow, TeamUserRow]:
        created = now()
        team: TeamRow = {
            "team_id": new_id(), "name": name, "access_code": access_code,
            "logo_url": None, "created_at": created, "updated_at": created, "deleted_at": None,
        }
        member: TeamUserRow = {
            "team_user_id": new_id(), "team_id": team["team_id"], "user_id": owner_id,
            "role": "team-owner", "created_at": created, "updated_at": created,
        }
        with self.engine.begin() as connection:
            connection.execute(insert(team_table).values(dict(team)))
            connection.execute(insert(team_user_table).values(dict(member)))
        return team, member

    def get_team(self, team_id: str) -> TeamRow | None:
        return cast(TeamRow | None, self._get(team_table, team_id))

    def find_team_by_access_code(self, access_code: str) -> TeamRow | None:
        row = self._first(team_table, team_table.c.access_code == access_code)
        return cast(TeamRow | None, row)

    def update_team(self, team_id: str, values: dict[str, object]) -> TeamRow | None:
        updated = self._update(team_table, team_id, values, "that access code is already taken")
        return cast(TeamRow | None, updated)

    def delete_team(self, team_id: str) -> None:
        if not is_uuid(team_id):
            return
        with self.engine.begin() as connection:
            connection.execute(delete(team_user_table).where(team_user_table.c.team_id == team_id))
            connection.execute(delete(team_table).where(team_table.c.team_id == team_id))

    def team_member(self, team_id: str | None, user_id: str) -> TeamUserRow | None:
        """The membership row of a user in a non-deleted team."""
        if not team_id or not is_uuid(team_id) or not is_uuid(user_id):
            return None
        with self.engine.connect() as connection:
            row = connection.execute(
                select(team_user_table)
                .join(team_table, team_table.c.team_id == team_user_table.c.team_id)
                .where(team_user_table.c.team_id == team_id,
                       team_user_table.c.user_id == user_id,
                       team_table.c.deleted_at.is_(None))
            ).mappings().first()
        return cast(TeamUserRow, dict(row)) if row else None

    def add_team_member(self, team_id: str, user_id: str, role: str) -> TeamUserRow:
        created = now()
        row = {
            "team_user_id": new_id(), "team_id": team_id, "user_id": user_id,
            "role": role, "created_at": created, "updated_at": created,
        }
        return cast(TeamUserRow, self._insert(team_user_table, row))

    def update_team_member(self, team_user_id: str, role: str) -> TeamUserRow | None:
        return cast(TeamUserRow | None, self._update(team_user_table, team_user_id, {"role": role}))

    def delete_team_member(self, team_user_id: str) -> None:
        self._delete(team_user_table, team_user_id)

    def teams_of_user_page(self, user_id: str, request: PageRequest) -> Page:
        member_of = select(team_user_table.c.team_id).where(team_user_table.c.user_id == user_id)
        return self._page(
            team_table,
            [team_table.c.deleted_at.is_(None), team_table.c.team_id.in_(member_of)],
            request,
        )

    def teams_page(self, request: PageRequest) -> Page:
        return self._page(team_table, [], request, ("name",), ("created_at", True))

    def team_members(self, team_ids: list[str], owners_only: bool = False) -> list[TeamMemberRow]:
        """Membership rows of these teams (non-deleted users), with `username`, oldest first."""
        if not team_ids:
            return []
        conditions = [team_user_table.c.team_id.in_(team_ids), user_table.c.deleted_at.is_(None)]
        if owners_only:
            conditions.append(team_user_table.c.role == "team-owner")
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(team_user_table, user_table.c.username)
                .join(user_table, user_table.c.user_id == team_user_table.c.user_id)
                .where(*conditions)
                .order_by(team_user_table.c.created_at, team_user_table.c.team_user_id)
            ).mappings()
            return [cast(TeamMemberRow, dict(row)) for row in rows]

    def team_members_page(self, team_id: str, request: PageRequest) -> Page:
        live_users = select(user_table.c.user_id).where(user_table.c.deleted_at.is_(None))
        matching = live_users
        if request.search:
            matching = live_users.where(
                user_table.c.username.icontains(request.search, autoescape=True)
            )
        return self._page(
            team_user_table,
            [team_user_table.c.team_id == team_id, team_user_table.c.user_id.in_(matching)],
            PageRequest(request.page, request.page_size),
            default_order=("created_at", False),
        )

    def website_counts_of_teams(self, team_ids: list[str]) -> dict[str, int]:
        if not team_ids:
            return {}
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(website_table.c.team_id, func.count())
                .where(website_table.c.team_id.in_(team_ids), website_table.c.deleted_at.is_(None))
                .group_by(website_table.c.team_id)
            )
            return {row[0]: int(row[1]) for row in rows}
