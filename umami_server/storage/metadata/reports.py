"""Saved reports and segments (both per website), and saved session replays."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import delete, insert, select

from umami_server.storage.metadata.base import (
    Page,
    PageRequest,
    Repository,
    is_uuid,
    new_id,
    now,
)
from umami_server.storage.metadata.rows import ReportRow, SegmentRow
from umami_server.storage.metadata_schema import report_table, saved_replay_table, segment_table


class ReportRepository(Repository):
    def create_report(self, values: dict[str, Any]) -> ReportRow:
        created = now()
        row = {"report_id": new_id(), "created_at": created, "updated_at": created, **values}
        return cast(ReportRow, self._insert(report_table, row))

    def get_report(self, report_id: str) -> ReportRow | None:
        return cast(ReportRow | None, self._get(report_table, report_id))

    def update_report(self, report_id: str, values: dict[str, Any]) -> ReportRow | None:
        return cast(ReportRow | None, self._update(report_table, report_id, values))

    def delete_report(self, report_id: str) -> None:
        self._delete(report_table, report_id)

    def reports_page(
        self, website_id: str, request: PageRequest, report_type: str | None = None
    ) -> Page:
        conditions = [report_table.c.website_id == website_id]
        if report_type:
            conditions.append(report_table.c.type == report_type)
        return self._page(report_table, conditions, PageRequest(request.page, request.page_size))


class SegmentRepository(Repository):
    def create_segment(self, values: dict[str, Any]) -> SegmentRow:
        created = now()
        row = {"segment_id": new_id(), "created_at": created, "updated_at": created, **values}
        return cast(SegmentRow, self._insert(segment_table, row))

    def get_segment(self, segment_id: str) -> SegmentRow | None:
        return cast(SegmentRow | None, self._get(segment_table, segment_id))

    def update_segment(self, segment_id: str, values: dict[str, Any]) -> SegmentRow | None:
        return cast(SegmentRow | None, self._update(segment_table, segment_id, values))

    def delete_segment(self, segment_id: str) -> None:
        self._delete(segment_table, segment_id)

    def segments_page(self, website_id: str, segment_type: str, request: PageRequest) -> Page:
        return self._page(
            segment_table,
            [segment_table.c.website_id == website_id, segment_table.c.type == segment_type],
            request, ("name",),
        )


class SavedReplayRepository(Repository):
    def saved_replays_page(self, website_id: str, request: PageRequest) -> Page:
        return self._page(
            saved_replay_table, [saved_replay_table.c.website_id == website_id], request,
            ("name",), ("created_at", True),
        )

    def is_replay_saved(self, website_id: str, visit_id: str) -> bool:
        if not is_uuid(visit_id):
            return False
        with self.engine.connect() as connection:
            return connection.execute(
                select(saved_replay_table.c.saved_replay_id).where(
                    saved_replay_table.c.website_id == website_id,
                    saved_replay_table.c.visit_id == visit_id,
                )
            ).first() is not None

    def set_replay_saved(self, website_id: str, visit_id: str, saved: bool, name: str) -> None:
        table = saved_replay_table
        with self.engine.begin() as connection:
            connection.execute(delete(table).where(
                table.c.website_id == website_id, table.c.visit_id == visit_id
            ))
            if saved:
                created = now()
                connection.execute(insert(table).values(
                    saved_replay_id=new_id(), name=name, website_id=website_id,
                    visit_id=visit_id, created_at=created, updated_at=created,
                ))
