"""Hits dropped at collection (our own table), counted per website, reason and day."""

from __future__ import annotations

from typing import cast

from sqlalchemy import insert, select, update

from umami_server.storage.metadata.base import Repository
from umami_server.storage.metadata.rows import DroppedHitRow
from umami_server.storage.metadata_schema import dropped_hit_table


class DroppedHitRepository(Repository):
    def add_dropped_hits(self, counts: dict[tuple[str, str, str], int]) -> None:
        """Add (website_id, reason, day) -> hits to the stored totals."""
        table = dropped_hit_table
        with self.engine.begin() as connection:
            for (website_id, reason, day), hits in counts.items():
                key = (
                    (table.c.website_id == website_id) & (table.c.reason == reason)
                    & (table.c.day == day)
                )
                changed = connection.execute(
                    update(table).where(key).values(hits=table.c.hits + hits)
                ).rowcount
                if not changed:
                    connection.execute(
                        insert(table).values(
                            website_id=website_id, reason=reason, day=day, hits=hits
                        )
                    )

    def dropped_hits(self) -> list[DroppedHitRow]:
        table = dropped_hit_table
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(table).order_by(table.c.day.desc(), table.c.website_id, table.c.reason)
            ).mappings()
            return [cast(DroppedHitRow, dict(row)) for row in rows]
