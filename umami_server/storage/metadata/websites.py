"""Websites, and what goes with a deleted one."""

from __future__ import annotations

import uuid
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, delete, or_, select, update

from umami_server.storage.metadata.base import Page, PageRequest, Repository, is_uuid, new_id, now
from umami_server.storage.metadata.rows import WebsiteRef, WebsiteRow
from umami_server.storage.metadata_schema import (
    report_table,
    saved_replay_table,
    segment_table,
    share_table,
    team_table,
    team_user_table,
    website_table,
)


def delete_website_rows(connection: Connection, website_ids: list[str]) -> None:
    """Delete websites with their saved replays, reports, segments and shares, in one transaction
    the caller holds (deleting a user deletes its websites in the same one)."""
    if not website_ids:
        return
    for table in (saved_replay_table, report_table, segment_table):
        connection.execute(delete(table).where(table.c.website_id.in_(website_ids)))
    connection.execute(delete(share_table).where(share_table.c.entity_id.in_(website_ids)))
    connection.execute(delete(website_table).where(website_table.c.website_id.in_(website_ids)))


class WebsiteRepository(Repository):
    def create_website(
        self, name: str, domain: str | None, user_id: str | None = None,
        team_id: str | None = None, website_id: str | None = None,
        created_by: str | None = None,
    ) -> WebsiteRow:
        created = now()
        row: WebsiteRow = {
            "website_id": website_id or new_id(),
            "name": name,
            "domain": domain,
            "reset_at": None,
            "user_id": user_id,
            "team_id": team_id,
            "created_by": created_by or user_id,
            "created_at": created,
            "updated_at": created,
            "deleted_at": None,
            "replay_enabled": False,
            "replay_config": None,
        }
        self._insert(website_table, dict(row), "a website with this id already exists")
        return row

    def find_website(self, website_id: str) -> WebsiteRef | None:
        try:
            uuid.UUID(website_id)
        except ValueError:
            return None
        with self.engine.connect() as connection:
            row = connection.execute(
                select(website_table.c.website_id, website_table.c.deleted_at).where(
                    website_table.c.website_id == website_id.lower()
                )
            ).first()
        if row is None:
            return None
        return WebsiteRef(website_id=row[0], deleted=row[1] is not None)

    def get_website(self, website_id: str) -> WebsiteRow | None:
        """A website that has not been (soft-)deleted."""
        website = self._get(website_table, website_id)
        return cast(WebsiteRow, website) if website and website["deleted_at"] is None else None

    def update_website(self, website_id: str, values: dict[str, Any]) -> WebsiteRow | None:
        return cast(WebsiteRow | None, self._update(website_table, website_id, values))

    def delete_website(self, website_id: str) -> None:
        """Delete the website row and everything configured for it (shares, reports, ...)."""
        if not is_uuid(website_id):
            return
        with self.engine.begin() as connection:
            delete_website_rows(connection, [website_id])

    def reset_website(self, website_id: str) -> None:
        if not is_uuid(website_id):
            return
        with self.engine.begin() as connection:
            connection.execute(
                delete(saved_replay_table).where(saved_replay_table.c.website_id == website_id)
            )
            connection.execute(
                update(website_table).where(website_table.c.website_id == website_id)
                .values(reset_at=now(), updated_at=now())
            )

    def websites_page(
        self, request: PageRequest, *, user_id: str | None = None, team_id: str | None = None,
        owned_team_user_id: str | None = None, everything: bool = False,
    ) -> Page:
        """Non-deleted websites of a user (and, with owned_team_user_id, the teams that user
        owns), of a team, or all of them."""
        table = website_table
        conditions: list[ColumnElement[bool]] = [table.c.deleted_at.is_(None)]
        owner: list[ColumnElement[bool]] = []
        if user_id:
            owner.append(table.c.user_id == user_id)
        if team_id:
            owner.append(table.c.team_id == team_id)
        if owned_team_user_id:
            owned = (
                select(team_user_table.c.team_id)
                .join(team_table, team_table.c.team_id == team_user_table.c.team_id)
                .where(team_user_table.c.user_id == owned_team_user_id,
                       team_user_table.c.role == "team-owner",
                       team_table.c.deleted_at.is_(None))
            )
            owner.append(table.c.team_id.in_(owned))
        if not everything:
            conditions.append(or_(*owner) if owner else table.c.website_id.is_(None))
        default = ("created_at", True) if everything else ("name", False)
        return self._page(table, conditions, request, ("name", "domain"), default)
