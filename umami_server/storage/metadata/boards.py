"""Boards (dashboards), and lookup of any shareable entity by id."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table

from umami_server.storage.metadata.base import Page, PageRequest, Repository, new_id, now
from umami_server.storage.metadata.rows import BoardRow
from umami_server.storage.metadata_schema import (
    board_table,
    link_table,
    pixel_table,
    website_table,
)

# Entities that own analytics and may be shared, in the order Umami looks them up.
ENTITY_TABLES: dict[str, Table] = {
    "website": website_table,
    "link": link_table,
    "pixel": pixel_table,
    "board": board_table,
}


class BoardRepository(Repository):
    def create_board(self, values: dict[str, Any]) -> BoardRow:
        created = now()
        row = {
            "board_id": new_id(), "description": "", "parameters": {},
            "user_id": None, "team_id": None, "created_at": created, "updated_at": created,
            **values,
        }
        return cast(BoardRow, self._insert(board_table, row, "a board with this id already exists"))

    def get_board(self, board_id: str) -> BoardRow | None:
        return cast(BoardRow | None, self._get(board_table, board_id))

    def update_board(self, board_id: str, values: dict[str, Any]) -> BoardRow | None:
        return cast(BoardRow | None, self._update(board_table, board_id, values))

    def delete_board(self, board_id: str) -> None:
        self._delete(board_table, board_id)

    def boards_page(
        self, request: PageRequest, *, user_id: str | None = None, team_id: str | None = None
    ) -> Page:
        owner = board_table.c.team_id == team_id if team_id else board_table.c.user_id == user_id
        return self._page(
            board_table, [owner, board_table.c.type != "dashboard"], request,
            ("name", "description"),
        )


class EntityRepository(Repository):
    def get_entity(self, entity_id: str) -> tuple[str, dict[str, Any]] | None:
        """The website, link, pixel or board with this id, looked up in that order."""
        for kind, table in ENTITY_TABLES.items():
            row = self._get(table, entity_id)
            if row is not None:
                return kind, row
        return None
