"""Public shares of websites, links, pixels and boards."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import delete, select

from umami_server.storage.metadata.base import (
    Page,
    PageRequest,
    Repository,
    is_uuid,
    new_id,
    now,
)
from umami_server.storage.metadata.rows import ShareRow
from umami_server.storage.metadata_schema import share_table


class ShareRepository(Repository):
    def create_share(
        self, entity_id: str, share_type: int, name: str, slug: str, parameters: Any
    ) -> ShareRow:
        created = now()
        row: ShareRow = {
            "share_id": new_id(), "entity_id": entity_id, "name": name,
            "share_type": share_type, "slug": slug, "parameters": parameters,
            "created_at": created, "updated_at": created,
        }
        self._insert(share_table, dict(row), "that share slug is already taken")
        return row

    def get_share(self, share_id: str) -> ShareRow | None:
        return cast(ShareRow | None, self._get(share_table, share_id))

    def find_share(self, slug: str) -> ShareRow | None:
        return cast(ShareRow | None, self._first(share_table, share_table.c.slug == slug))

    def update_share(self, share_id: str, values: dict[str, Any]) -> ShareRow | None:
        updated = self._update(share_table, share_id, values, "that share slug is already taken")
        return cast(ShareRow | None, updated)

    def delete_share(self, share_id: str) -> None:
        self._delete(share_table, share_id)

    def delete_shares_of(self, entity_id: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(share_table).where(share_table.c.entity_id == entity_id))

    def shares_page(self, entity_id: str, request: PageRequest) -> Page:
        return self._page(
            share_table, [share_table.c.entity_id == entity_id],
            PageRequest(request.page, request.page_size), default_order=("created_at", True),
        )

    def latest_share_slugs(self, entity_ids: list[str]) -> dict[str, str]:
        """entity id -> slug of its most recently created share."""
        ids = [entity_id for entity_id in entity_ids if is_uuid(entity_id)]
        if not ids:
            return {}
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(share_table.c.entity_id, share_table.c.slug)
                .where(share_table.c.entity_id.in_(ids))
                .order_by(share_table.c.created_at, share_table.c.share_id)
            )
            # Oldest first, so the newest share of an entity overwrites the older ones.
            return {row[0]: row[1] for row in rows}
