"""Pixels and links: tracked targets reached by slug (/p/{slug}, /q/{slug})."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import select

from umami_server.storage.metadata.base import (
    Page,
    PageRequest,
    Repository,
    new_id,
    now,
    random_slug,
)
from umami_server.storage.metadata.rows import LinkRow, PixelRow, TrackedTarget
from umami_server.storage.metadata_schema import link_table, pixel_table


class PixelRepository(Repository):
    def create_pixel(
        self, name: str, slug: str | None = None, user_id: str | None = None,
        team_id: str | None = None, pixel_id: str | None = None,
    ) -> PixelRow:
        created = now()
        row: PixelRow = {
            "pixel_id": pixel_id or new_id(),
            "name": name,
            "slug": slug or random_slug(),
            "user_id": user_id,
            "team_id": team_id,
            "created_at": created,
            "updated_at": created,
            "deleted_at": None,
        }
        self._insert(pixel_table, dict(row), f"the slug {row['slug']!r} is already taken")
        return row

    def find_pixel(self, slug: str) -> TrackedTarget | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(pixel_table.c.pixel_id, pixel_table.c.slug).where(
                    pixel_table.c.slug == slug
                )
            ).first()
        return TrackedTarget(row[0], row[1]) if row else None

    def get_pixel(self, pixel_id: str) -> PixelRow | None:
        return cast(PixelRow | None, self._get(pixel_table, pixel_id))

    def update_pixel(self, pixel_id: str, values: dict[str, Any]) -> PixelRow | None:
        updated = self._update(pixel_table, pixel_id, values, "that slug is already taken")
        return cast(PixelRow | None, updated)

    def delete_pixel(self, pixel_id: str) -> None:
        self._delete(pixel_table, pixel_id)

    def pixels_page(
        self, request: PageRequest, *, user_id: str | None = None, team_id: str | None = None
    ) -> Page:
        owner = pixel_table.c.team_id == team_id if team_id else pixel_table.c.user_id == user_id
        return self._page(pixel_table, [owner], request, ("name", "slug"))


class LinkRepository(Repository):
    def create_link(
        self, name: str, url: str, slug: str | None = None, user_id: str | None = None,
        team_id: str | None = None, link_id: str | None = None,
    ) -> LinkRow:
        created = now()
        row: LinkRow = {
            "link_id": link_id or new_id(),
            "name": name,
            "url": url,
            "slug": slug or random_slug(),
            "user_id": user_id,
            "team_id": team_id,
            "created_at": created,
            "updated_at": created,
            "deleted_at": None,
        }
        self._insert(link_table, dict(row), f"the slug {row['slug']!r} is already taken")
        return row

    def find_link(self, slug: str) -> TrackedTarget | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(link_table.c.link_id, link_table.c.slug, link_table.c.url).where(
                    link_table.c.slug == slug
                )
            ).first()
        return TrackedTarget(row[0], row[1], row[2]) if row else None

    def get_link(self, link_id: str) -> LinkRow | None:
        return cast(LinkRow | None, self._get(link_table, link_id))

    def update_link(self, link_id: str, values: dict[str, Any]) -> LinkRow | None:
        updated = self._update(link_table, link_id, values, "that slug is already taken")
        return cast(LinkRow | None, updated)

    def delete_link(self, link_id: str) -> None:
        self._delete(link_table, link_id)

    def links_page(
        self, request: PageRequest, *, user_id: str | None = None, team_id: str | None = None
    ) -> Page:
        conditions = [link_table.c.team_id == team_id] if team_id else [
            link_table.c.user_id == user_id, link_table.c.deleted_at.is_(None)
        ]
        return self._page(link_table, conditions, request, ("name", "url", "slug"))
