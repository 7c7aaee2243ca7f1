"""The metadata facade: one object with every configuration read and write the server needs.

Each method delegates to the repository of its entity (storage/metadata/); the facade keeps one
flat surface so callers in api/, web/, auth/, collect/ and cli.py need not know the split. Written
once in SQLAlchemy Core: it runs on the embedded SQLite file and on another SQL database alike.
SQLite allows several processes, so the CLI can add users and websites while the server runs.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from umami_server.storage.metadata import migrations
from umami_server.storage.metadata.base import (
    DuplicateName,
    Page,
    PageRequest,
    is_uuid,
    random_slug,
)
from umami_server.storage.metadata.boards import ENTITY_TABLES, BoardRepository, EntityRepository
from umami_server.storage.metadata.dropped_hits import DroppedHitRepository
from umami_server.storage.metadata.reports import (
    ReportRepository,
    SavedReplayRepository,
    SegmentRepository,
)
from umami_server.storage.metadata.rows import (
    BoardRow,
    DroppedHitRow,
    LinkRow,
    PixelRow,
    ReportRow,
    SegmentRow,
    ShareRow,
    TeamMemberRow,
    TeamRow,
    TeamUserRow,
    TrackedTarget,
    UserRow,
    WebsiteRef,
    WebsiteRow,
)
from umami_server.storage.metadata.shares import ShareRepository
from umami_server.storage.metadata.teams import TeamRepository
from umami_server.storage.metadata.tokens import AuthTokenRepository
from umami_server.storage.metadata.tracked import LinkRepository, PixelRepository
from umami_server.storage.metadata.users import UserRepository
from umami_server.storage.metadata.websites import WebsiteRepository

__all__ = [
    "ENTITY_TABLES",
    "DuplicateName",
    "MetadataStore",
    "Page",
    "PageRequest",
    "TrackedTarget",
    "WebsiteRef",
    "is_uuid",
    "random_slug",
]


class MetadataStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.users = UserRepository(engine)
        self.tokens = AuthTokenRepository(engine)
        self.teams = TeamRepository(engine)
        self.websites = WebsiteRepository(engine)
        self.pixels = PixelRepository(engine)
        self.links = LinkRepository(engine)
        self.boards = BoardRepository(engine)
        self.entities = EntityRepository(engine)
        self.shares = ShareRepository(engine)
        self.reports = ReportRepository(engine)
        self.segments = SegmentRepository(engine)
        self.saved_replays = SavedReplayRepository(engine)
        self.dropped_hit_counts = DroppedHitRepository(engine)

    @classmethod
    def open_sqlite(cls, path: Path) -> MetadataStore:
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 10})

        @event.listens_for(engine, "connect")
        def _configure(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

        store = cls(engine)
        store.migrate()
        return store

    def migrate(self) -> None:
        migrations.migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # --- users ----------------------------------------------------------------------------

    def count_users(self) -> int:
        return self.users.count_users()

    def create_user(
        self, username: str, password_hash: str, role: str, user_id: str | None = None
    ) -> UserRow:
        return self.users.create_user(username, password_hash, role, user_id)

    def find_user(self, username: str) -> UserRow | None:
        return self.users.find_user(username)

    def first_admin(self) -> UserRow | None:
        return self.users.first_admin()

    def get_user(self, user_id: str) -> UserRow | None:
        return self.users.get_user(user_id)

    def users_by_id(self, user_ids: set[str]) -> dict[str, UserRow]:
        return self.users.users_by_id(user_ids)

    def update_user(self, user_id: str, values: dict[str, Any]) -> UserRow | None:
        return self.users.update_user(user_id, values)

    def users_page(self, request: PageRequest) -> Page:
        return self.users.users_page(request)

    def website_counts_of_users(self, user_ids: list[str]) -> dict[str, int]:
        return self.users.website_counts_of_users(user_ids)

    def delete_user(self, user_id: str) -> list[str]:
        return self.users.delete_user(user_id)

    # --- tokens ---------------------------------------------------------------------------

    def add_auth_token(self, token_hash: str, user_id: str, expires_at: datetime | None) -> None:
        return self.tokens.add_auth_token(token_hash, user_id, expires_at)

    def user_of_token(self, token_hash: str) -> UserRow | None:
        return self.tokens.user_of_token(token_hash)

    def delete_auth_token(self, token_hash: str) -> None:
        return self.tokens.delete_auth_token(token_hash)

    def delete_auth_tokens_of_user(self, user_id: str, keep: str | None = None) -> None:
        return self.tokens.delete_auth_tokens_of_user(user_id, keep)

    # --- teams ----------------------------------------------------------------------------

    def create_team(
        self, name: str, owner_id: str, access_code: str
    ) -> tuple[TeamRow, TeamUserRow]:
        return self.teams.create_team(name, owner_id, access_code)

    def get_team(self, team_id: str) -> TeamRow | None:
        return self.teams.get_team(team_id)

    def find_team_by_access_code(self, access_code: str) -> TeamRow | None:
        return self.teams.find_team_by_access_code(access_code)

    def update_team(self, team_id: str, values: dict[str, object]) -> TeamRow | None:
        return self.teams.update_team(team_id, values)

    def delete_team(self, team_id: str) -> None:
        return self.teams.delete_team(team_id)

    def team_member(self, team_id: str | None, user_id: str) -> TeamUserRow | None:
        return self.teams.team_member(team_id, user_id)

    def add_team_member(self, team_id: str, user_id: str, role: str) -> TeamUserRow:
        return self.teams.add_team_member(team_id, user_id, role)

    def update_team_member(self, team_user_id: str, role: str) -> TeamUserRow | None:
        return self.teams.update_team_member(team_user_id, role)

    def delete_team_member(self, team_user_id: str) -> None:
        return self.teams.delete_team_member(team_user_id)

    def teams_of_user_page(self, user_id: str, request: PageRequest) -> Page:
        return self.teams.teams_of_user_page(user_id, request)

    def teams_page(self, request: PageRequest) -> Page:
        return self.teams.teams_page(request)

    def team_members(self, team_ids: list[str], owners_only: bool = False) -> list[TeamMemberRow]:
        return self.teams.team_members(team_ids, owners_only)

    def team_members_page(self, team_id: str, request: PageRequest) -> Page:
        return self.teams.team_members_page(team_id, request)

    def website_counts_of_teams(self, team_ids: list[str]) -> dict[str, int]:
        return self.teams.website_counts_of_teams(team_ids)

    # --- websites -------------------------------------------------------------------------

    def create_website(
        self,
        name: str,
        domain: str | None,
        user_id: str | None = None,
        team_id: str | None = None,
        website_id: str | None = None,
        created_by: str | None = None,
    ) -> WebsiteRow:
        return self.websites.create_website(name, domain, user_id, team_id, website_id, created_by)

    def find_website(self, website_id: str) -> WebsiteRef | None:
        return self.websites.find_website(website_id)

    def get_website(self, website_id: str) -> WebsiteRow | None:
        return self.websites.get_website(website_id)

    def update_website(self, website_id: str, values: dict[str, Any]) -> WebsiteRow | None:
        return self.websites.update_website(website_id, values)

    def delete_website(self, website_id: str) -> None:
        return self.websites.delete_website(website_id)

    def reset_website(self, website_id: str) -> None:
        return self.websites.reset_website(website_id)

    def websites_page(
        self,
        request: PageRequest,
        *,
        user_id: str | None = None,
        team_id: str | None = None,
        owned_team_user_id: str | None = None,
        everything: bool = False,
    ) -> Page:
        return self.websites.websites_page(
            request,
            user_id=user_id,
            team_id=team_id,
            owned_team_user_id=owned_team_user_id,
            everything=everything,
        )

    # --- pixels ---------------------------------------------------------------------------

    def create_pixel(
        self,
        name: str,
        slug: str | None = None,
        user_id: str | None = None,
        team_id: str | None = None,
        pixel_id: str | None = None,
    ) -> PixelRow:
        return self.pixels.create_pixel(name, slug, user_id, team_id, pixel_id)

    def find_pixel(self, slug: str) -> TrackedTarget | None:
        return self.pixels.find_pixel(slug)

    def get_pixel(self, pixel_id: str) -> PixelRow | None:
        return self.pixels.get_pixel(pixel_id)

    def update_pixel(self, pixel_id: str, values: dict[str, Any]) -> PixelRow | None:
        return self.pixels.update_pixel(pixel_id, values)

    def delete_pixel(self, pixel_id: str) -> None:
        return self.pixels.delete_pixel(pixel_id)

    def pixels_page(
        self, request: PageRequest, *, user_id: str | None = None, team_id: str | None = None
    ) -> Page:
        return self.pixels.pixels_page(request, user_id=user_id, team_id=team_id)

    # --- links ----------------------------------------------------------------------------

    def create_link(
        self,
        name: str,
        url: str,
        slug: str | None = None,
        user_id: str | None = None,
        team_id: str | None = None,
        link_id: str | None = None,
    ) -> LinkRow:
        return self.links.create_link(name, url, slug, user_id, team_id, link_id)

    def find_link(self, slug: str) -> TrackedTarget | None:
        return self.links.find_link(slug)

    def get_link(self, link_id: str) -> LinkRow | None:
        return self.links.get_link(link_id)

    def update_link(self, link_id: str, values: dict[str, Any]) -> LinkRow | None:
        return self.links.update_link(link_id, values)

    def delete_link(self, link_id: str) -> None:
        return self.links.delete_link(link_id)

    def links_page(
        self, request: PageRequest, *, user_id: str | None = None, team_id: str | None = None
    ) -> Page:
        return self.links.links_page(request, user_id=user_id, team_id=team_id)

    # --- boards ---------------------------------------------------------------------------

    def create_board(self, values: dict[str, Any]) -> BoardRow:
        return self.boards.create_board(values)

    def get_board(self, board_id: str) -> BoardRow | None:
        return self.boards.get_board(board_id)

    def update_board(self, board_id: str, values: dict[str, Any]) -> BoardRow | None:
        return self.boards.update_board(board_id, values)

    def delete_board(self, board_id: str) -> None:
        return self.boards.delete_board(board_id)

    def boards_page(
        self, request: PageRequest, *, user_id: str | None = None, team_id: str | None = None
    ) -> Page:
        return self.boards.boards_page(request, user_id=user_id, team_id=team_id)

    # --- entities -------------------------------------------------------------------------

    def get_entity(self, entity_id: str) -> tuple[str, dict[str, Any]] | None:
        return self.entities.get_entity(entity_id)

    # --- shares ---------------------------------------------------------------------------

    def create_share(
        self, entity_id: str, share_type: int, name: str, slug: str, parameters: Any
    ) -> ShareRow:
        return self.shares.create_share(entity_id, share_type, name, slug, parameters)

    def get_share(self, share_id: str) -> ShareRow | None:
        return self.shares.get_share(share_id)

    def find_share(self, slug: str) -> ShareRow | None:
        return self.shares.find_share(slug)

    def update_share(self, share_id: str, values: dict[str, Any]) -> ShareRow | None:
        return self.shares.update_share(share_id, values)

    def delete_share(self, share_id: str) -> None:
        return self.shares.delete_share(share_id)

    def delete_shares_of(self, entity_id: str) -> None:
        return self.shares.delete_shares_of(entity_id)

    def shares_page(self, entity_id: str, request: PageRequest) -> Page:
        return self.shares.shares_page(entity_id, request)

    def latest_share_slugs(self, entity_ids: list[str]) -> dict[str, str]:
        return self.shares.latest_share_slugs(entity_ids)

    # --- reports --------------------------------------------------------------------------

    def create_report(self, values: dict[str, Any]) -> ReportRow:
        return self.reports.create_report(values)

    def get_report(self, report_id: str) -> ReportRow | None:
        return self.reports.get_report(report_id)

    def update_report(self, report_id: str, values: dict[str, Any]) -> ReportRow | None:
        return self.reports.update_report(report_id, values)

    def delete_report(self, report_id: str) -> None:
        return self.reports.delete_report(report_id)

    def reports_page(
        self, website_id: str, request: PageRequest, report_type: str | None = None
    ) -> Page:
        return self.reports.reports_page(website_id, request, report_type)

    # --- segments -------------------------------------------------------------------------

    def create_segment(self, values: dict[str, Any]) -> SegmentRow:
        return self.segments.create_segment(values)

    def get_segment(self, segment_id: str) -> SegmentRow | None:
        return self.segments.get_segment(segment_id)

    def update_segment(self, segment_id: str, values: dict[str, Any]) -> SegmentRow | None:
        return self.segments.update_segment(segment_id, values)

    def delete_segment(self, segment_id: str) -> None:
        return self.segments.delete_segment(segment_id)

    def segments_page(self, website_id: str, segment_type: str, request: PageRequest) -> Page:
        return self.segments.segments_page(website_id, segment_type, request)

    # --- saved replays --------------------------------------------------------------------

    def saved_replays_page(self, website_id: str, request: PageRequest) -> Page:
        return self.saved_replays.saved_replays_page(website_id, request)

    def is_replay_saved(self, website_id: str, visit_id: str) -> bool:
        return self.saved_replays.is_replay_saved(website_id, visit_id)

    def set_replay_saved(self, website_id: str, visit_id: str, saved: bool, name: str) -> None:
        return self.saved_replays.set_replay_saved(website_id, visit_id, saved, name)

    # --- dropped hit counts ---------------------------------------------------------------

    def add_dropped_hits(self, counts: dict[tuple[str, str, str], int]) -> None:
        return self.dropped_hit_counts.add_dropped_hits(counts)

    def dropped_hits(self) -> list[DroppedHitRow]:
        return self.dropped_hit_counts.dropped_hits()
