"""User accounts."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import delete, func, or_, select

from umami_server.storage.metadata.base import Page, PageRequest, Repository, is_uuid, new_id, now
from umami_server.storage.metadata.rows import UserRow
from umami_server.storage.metadata.websites import delete_website_rows
from umami_server.storage.metadata_schema import (
    auth_token_table,
    report_table,
    team_table,
    team_user_table,
    user_table,
    website_table,
)


class UserRepository(Repository):
    def count_users(self) -> int:
        with self.engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(user_table))
            return int(count.scalar_one())

    def create_user(
        self, username: str, password_hash: str, role: str, user_id: str | None = None
    ) -> UserRow:
        created = now()
        row = {
            "user_id": user_id or new_id(),
            "username": username,
            "password": password_hash,
            "role": role,
            "created_at": created,
            "updated_at": created,
        }
        inserted = self._insert(user_table, row, f"a user named {username!r} already exists")
        return cast(UserRow, inserted)

    def find_user(self, username: str) -> UserRow | None:
        """The user with exactly this username, deleted or not."""
        return cast(UserRow | None, self._first(user_table, user_table.c.username == username))

    def first_admin(self) -> UserRow | None:
        """The oldest admin account that is not deleted (the one made on first start)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(user_table)
                .where(user_table.c.role == "admin", user_table.c.deleted_at.is_(None))
                .order_by(user_table.c.created_at, user_table.c.user_id)
            ).mappings().first()
            return cast(UserRow, dict(row)) if row else None

    def get_user(self, user_id: str) -> UserRow | None:
        """A user who has not been deleted."""
        user = self._get(user_table, user_id)
        return cast(UserRow, user) if user and user["deleted_at"] is None else None

    def users_by_id(self, user_ids: set[str]) -> dict[str, UserRow]:
        ids = [user_id for user_id in user_ids if user_id and is_uuid(user_id)]
        if not ids:
            return {}
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(user_table).where(user_table.c.user_id.in_(ids))
            ).mappings()
            return {row["user_id"]: cast(UserRow, dict(row)) for row in rows}

    def update_user(self, user_id: str, values: dict[str, Any]) -> UserRow | None:
        name = values.get("username")
        updated = self._update(
            user_table, user_id, values, f"a user named {name!r} already exists"
        )
        return cast(UserRow | None, updated)

    def users_page(self, request: PageRequest) -> Page:
        return self._page(
            user_table, [user_table.c.deleted_at.is_(None)], request, ("username",),
            ("created_at", True),
        )

    def website_counts_of_users(self, user_ids: list[str]) -> dict[str, int]:
        if not user_ids:
            return {}
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(website_table.c.user_id, func.count())
                .where(website_table.c.user_id.in_(user_ids), website_table.c.deleted_at.is_(None))
                .group_by(website_table.c.user_id)
            )
            return {row[0]: int(row[1]) for row in rows}

    def delete_user(self, user_id: str) -> list[str]:
        """Delete a user as Umami does; return the ids of the user's deleted websites."""
        if not is_uuid(user_id):
            return []
        with self.engine.begin() as connection:
            website_ids = list(connection.execute(
                select(website_table.c.website_id).where(website_table.c.user_id == user_id)
            ).scalars())
            owned_teams = list(connection.execute(
                select(team_user_table.c.team_id).where(
                    team_user_table.c.user_id == user_id,
                    team_user_table.c.role == "team-owner",
                )
            ).scalars())
            connection.execute(delete(team_user_table).where(or_(
                team_user_table.c.team_id.in_(owned_teams), team_user_table.c.user_id == user_id
            )))
            connection.execute(delete(team_table).where(team_table.c.team_id.in_(owned_teams)))
            connection.execute(delete(report_table).where(or_(
                report_table.c.website_id.in_(website_ids), report_table.c.user_id == user_id
            )))
            delete_website_rows(connection, website_ids)
            tokens = auth_token_table
            connection.execute(delete(tokens).where(tokens.c.user_id == user_id))
            connection.execute(delete(user_table).where(user_table.c.user_id == user_id))
        return website_ids
