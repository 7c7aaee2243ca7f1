"""Reads and writes of configuration rows (users, websites, pixels, links) through SQLAlchemy Core.

Written once against Umami's table definitions, so it runs on the embedded SQLite file now and
on an Umami PostgreSQL database later. SQLite allows several processes, so the CLI can add users
and websites while the server runs.
"""

from __future__ import annotations

import logging
import secrets
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Table,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError

from umami_server.storage.metadata_schema import (
    auth_token_table,
    board_table,
    dropped_hit_table,
    link_table,
    pixel_table,
    report_table,
    saved_replay_table,
    segment_table,
    share_table,
    team_table,
    team_user_table,
    user_table,
    website_table,
)

logger = logging.getLogger("umami_server.storage")

_SLUG_ALPHABET = string.ascii_letters + string.digits


class DuplicateName(ValueError):
    """A unique name (username, slug) is already taken."""


@dataclass(frozen=True, slots=True)
class WebsiteRef:
    website_id: str
    deleted: bool


@dataclass(frozen=True, slots=True)
class TrackedTarget:
    """A pixel or link as the collection path needs it."""

    target_id: str
    slug: str
    url: str | None = None


def _now() -> datetime:
    # Milliseconds, as PostgreSQL holds Umami's timestamps: what is stored is what is shown.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return len(value) == 36


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Umami's paging query: 1-based page, page size, optional search and ordering."""

    page: int = 1
    page_size: int = 20
    search: str | None = None
    order_by: str | None = None  # a column name of the listed table
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[dict[str, Any]]
    count: int


# Entities that own analytics and may be shared, in the order Umami looks them up.
ENTITY_TABLES: dict[str, Table] = {
    "website": website_table,
    "link": link_table,
    "pixel": pixel_table,
    "board": board_table,
}
_MAX_LIMIT = 2**31
_MAX_OFFSET = 2**62


def _create_first_tables(connection: Connection) -> None:
    for table in (
        user_table, team_table, team_user_table, website_table, link_table, pixel_table,
        dropped_hit_table,
    ):
        table.create(connection, checkfirst=True)


def _create_management_tables(connection: Connection) -> None:
    for table in (
        board_table, share_table, report_table, segment_table, saved_replay_table,
        auth_token_table,
    ):
        table.create(connection, checkfirst=True)


# Versioned migrations of the metadata tables; each runs once, in order.
METADATA_MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _create_first_tables),
    (2, _create_management_tables),
]


def _primary_key(table: Table) -> Any:
    return next(iter(table.primary_key.columns))


def _as_utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def random_slug(length: int = 8) -> str:
    return "".join(secrets.choice(_SLUG_ALPHABET) for _ in range(length))


class MetadataStore:
    def __init__(self, engine: Engine):
        self.engine = engine

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
        with self.engine.begin() as connection:
            connection.execute(
                text(
                    "CREATE TABLE IF NOT EXISTS metadata_migrations "
                    "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP)"
                )
            )
            versions = connection.execute(text("SELECT version FROM metadata_migrations"))
            applied = {row[0] for row in versions}
            for version, migration in METADATA_MIGRATIONS:
                if version in applied:
                    continue
                logger.info("applying metadata schema migration %d", version)
                migration(connection)
                connection.execute(
                    text("INSERT INTO metadata_migrations (version, applied_at) VALUES (:v, :t)"),
                    {"v": version, "t": _now()},
                )

    # --- generic row access (private) ---------------------------------------------------------

    def _get(self, table: Table, row_id: str) -> dict[str, Any] | None:
        if not is_uuid(row_id):
            return None
        with self.engine.connect() as connection:
            row = connection.execute(
                select(table).where(_primary_key(table) == row_id)
            ).mappings().first()
        return dict(row) if row else None

    def _insert(self, table: Table, row: dict[str, Any], duplicate: str = "") -> dict[str, Any]:
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(table).values(row))
        except IntegrityError as error:
            raise DuplicateName(duplicate or "a unique value is already taken") from error
        return row

    def _update(
        self, table: Table, row_id: str, values: dict[str, Any], duplicate: str = ""
    ) -> dict[str, Any] | None:
        if not is_uuid(row_id):
            return None
        if "updated_at" in table.c:
            values = {**values, "updated_at": _now()}
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    update(table).where(_primary_key(table) == row_id).values(values)
                )
        except IntegrityError as error:
            raise DuplicateName(duplicate or "a unique value is already taken") from error
        return self._get(table, row_id)

    def _delete(self, table: Table, row_id: str) -> bool:
        if not is_uuid(row_id):
            return False
        with self.engine.begin() as connection:
            return bool(
                connection.execute(delete(table).where(_primary_key(table) == row_id)).rowcount
            )

    def _page(
        self,
        table: Table,
        conditions: list[ColumnElement[bool]],
        request: PageRequest,
        search_columns: tuple[str, ...] = (),
        default_order: tuple[str, bool] = ("name", False),
    ) -> Page:
        where = and_(true(), *conditions)
        if request.search and search_columns:
            where = and_(where, or_(*(
                table.c[name].icontains(request.search, autoescape=True)
                for name in search_columns
            )))
        order_name, descending = default_order
        if request.order_by and request.order_by in table.c:
            order_name, descending = request.order_by, request.descending
        order_column = table.c[order_name]
        order = order_column.desc() if descending else order_column.asc()
        limit = min(request.page_size, _MAX_LIMIT)
        offset = min(request.page_size * (request.page - 1), _MAX_OFFSET)
        with self.engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(table).where(where))
            rows = connection.execute(
                select(table).where(where).order_by(order, _primary_key(table))
                .limit(limit).offset(offset)
            ).mappings()
            return Page([dict(row) for row in rows], int(count.scalar_one()))

    # --- users -------------------------------------------------------------------------------

    def count_users(self) -> int:
        with self.engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(user_table))
            return int(count.scalar_one())

    def create_user(
        self, username: str, password_hash: str, role: str, user_id: str | None = None
    ) -> dict[str, Any]:
        now = _now()
        row = {
            "user_id": user_id or str(uuid.uuid4()),
            "username": username,
            "password": password_hash,
            "role": role,
            "created_at": now,
            "updated_at": now,
        }
        return self._insert(user_table, row, f"a user named {username!r} already exists")

    def find_user(self, username: str) -> dict[str, Any] | None:
        """The user with exactly this username, deleted or not."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(user_table).where(user_table.c.username == username)
            ).mappings().first()
            return dict(row) if row else None

    def first_admin(self) -> dict[str, Any] | None:
        """The oldest admin account that is not deleted (the one made on first start)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(user_table)
                .where(user_table.c.role == "admin", user_table.c.deleted_at.is_(None))
                .order_by(user_table.c.created_at, user_table.c.user_id)
            ).mappings().first()
            return dict(row) if row else None

    def get_user(self, user_id: str) -> dict[str, Any] | None:
        """A user who has not been deleted."""
        user = self._get(user_table, user_id)
        return user if user and user["deleted_at"] is None else None

    def users_by_id(self, user_ids: set[str]) -> dict[str, dict[str, Any]]:
        ids = [user_id for user_id in user_ids if user_id and is_uuid(user_id)]
        if not ids:
            return {}
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(user_table).where(user_table.c.user_id.in_(ids))
            ).mappings()
            return {row["user_id"]: dict(row) for row in rows}

    def update_user(self, user_id: str, values: dict[str, Any]) -> dict[str, Any] | None:
        name = values.get("username")
        return self._update(user_table, user_id, values, f"a user named {name!r} already exists")

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
            self._delete_website_rows(connection, website_ids)
            tokens = auth_token_table
            connection.execute(delete(tokens).where(tokens.c.user_id == user_id))
            connection.execute(delete(user_table).where(user_table.c.user_id == user_id))
        return website_ids

    # --- login tokens --------------------------------------------------------------------------

    def add_auth_token(self, token_hash: str, user_id: str, expires_at: datetime | None) -> None:
        now = _now()
        with self.engine.begin() as connection:
            connection.execute(delete(auth_token_table).where(
                auth_token_table.c.expires_at.is_not(None), auth_token_table.c.expires_at < now
            ))
            connection.execute(insert(auth_token_table).values(
                token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires_at
            ))

    def user_of_token(self, token_hash: str) -> dict[str, Any] | None:
        """The non-deleted user a live token belongs to."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(user_table, auth_token_table.c.expires_at)
                .join(auth_token_table, auth_token_table.c.user_id == user_table.c.user_id)
                .where(auth_token_table.c.token_hash == token_hash,
                       user_table.c.deleted_at.is_(None))
            ).mappings().first()
        if row is None:
            return None
        expires = row["expires_at"]
        if expires is not None and _as_utc(expires) <= _now():
            return None
        return {key: value for key, value in row.items() if key != "expires_at"}

    def delete_auth_token(self, token_hash: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(auth_token_table).where(auth_token_table.c.token_hash == token_hash)
            )

    def delete_auth_tokens_of_user(self, user_id: str, keep: str | None = None) -> None:
        condition = auth_token_table.c.user_id == user_id
        if keep:
            condition = and_(condition, auth_token_table.c.token_hash != keep)
        with self.engine.begin() as connection:
            connection.execute(delete(auth_token_table).where(condition))

    # --- teams ---------------------------------------------------------------------------------

    def create_team(
        self, name: str, owner_id: str, access_code: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        now = _now()
        team = {
            "team_id": str(uuid.uuid4()), "name": name, "access_code": access_code,
            "logo_url": None, "created_at": now, "updated_at": now, "deleted_at": None,
        }
        member = {
            "team_user_id": str(uuid.uuid4()), "team_id": team["team_id"], "user_id": owner_id,
            "role": "team-owner", "created_at": now, "updated_at": now,
        }
        with self.engine.begin() as connection:
            connection.execute(insert(team_table).values(team))
            connection.execute(insert(team_user_table).values(member))
        return team, member

    def get_team(self, team_id: str) -> dict[str, Any] | None:
        return self._get(team_table, team_id)

    def find_team_by_access_code(self, access_code: str) -> dict[str, Any] | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(team_table).where(team_table.c.access_code == access_code)
            ).mappings().first()
        return dict(row) if row else None

    def update_team(self, team_id: str, values: dict[str, Any]) -> dict[str, Any] | None:
        return self._update(team_table, team_id, values, "that access code is already taken")

    def delete_team(self, team_id: str) -> None:
        if not is_uuid(team_id):
            return
        with self.engine.begin() as connection:
            connection.execute(delete(team_user_table).where(team_user_table.c.team_id == team_id))
            connection.execute(delete(team_table).where(team_table.c.team_id == team_id))

    def team_member(self, team_id: str | None, user_id: str) -> dict[str, Any] | None:
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
        return dict(row) if row else None

    def add_team_member(self, team_id: str, user_id: str, role: str) -> dict[str, Any]:
        now = _now()
        row = {
            "team_user_id": str(uuid.uuid4()), "team_id": team_id, "user_id": user_id,
            "role": role, "created_at": now, "updated_at": now,
        }
        return self._insert(team_user_table, row)

    def update_team_member(self, team_user_id: str, role: str) -> dict[str, Any] | None:
        return self._update(team_user_table, team_user_id, {"role": role})

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

    def team_members(self, team_ids: list[str], owners_only: bool = False) -> list[dict[str, Any]]:
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
            return [dict(row) for row in rows]

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

    # --- websites --------------------------------------------------------------------------------

    def create_website(
        self, name: str, domain: str | None, user_id: str | None = None,
        team_id: str | None = None, website_id: str | None = None,
        created_by: str | None = None,
    ) -> dict[str, Any]:
        now = _now()
        row = {
            "website_id": website_id or str(uuid.uuid4()),
            "name": name,
            "domain": domain,
            "reset_at": None,
            "user_id": user_id,
            "team_id": team_id,
            "created_by": created_by or user_id,
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
            "replay_enabled": False,
            "replay_config": None,
        }
        return self._insert(website_table, row, "a website with this id already exists")

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

    def get_website(self, website_id: str) -> dict[str, Any] | None:
        """A website that has not been (soft-)deleted."""
        website = self._get(website_table, website_id)
        return website if website and website["deleted_at"] is None else None

    def update_website(self, website_id: str, values: dict[str, Any]) -> dict[str, Any] | None:
        return self._update(website_table, website_id, values)

    def delete_website(self, website_id: str) -> None:
        """Delete the website row and everything configured for it (shares, reports, ...)."""
        if not is_uuid(website_id):
            return
        with self.engine.begin() as connection:
            self._delete_website_rows(connection, [website_id])

    @staticmethod
    def _delete_website_rows(connection: Connection, website_ids: list[str]) -> None:
        if not website_ids:
            return
        for table in (saved_replay_table, report_table, segment_table):
            connection.execute(delete(table).where(table.c.website_id.in_(website_ids)))
        connection.execute(delete(share_table).where(share_table.c.entity_id.in_(website_ids)))
        connection.execute(
            delete(website_table).where(website_table.c.website_id.in_(website_ids))
        )

    def reset_website(self, website_id: str) -> None:
        if not is_uuid(website_id):
            return
        with self.engine.begin() as connection:
            connection.execute(
                delete(saved_replay_table).where(saved_replay_table.c.website_id == website_id)
            )
            connection.execute(
                update(website_table).where(website_table.c.website_id == website_id)
                .values(reset_at=_now(), updated_at=_now())
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

    # --- pixels and links ------------------------------------------------------------------------

    def create_pixel(
        self, name: str, slug: str | None = None, user_id: str | None = None,
        team_id: str | None = None, pixel_id: str | None = None,
    ) -> dict[str, Any]:
        now = _now()
        row = {
            "pixel_id": pixel_id or str(uuid.uuid4()),
            "name": name,
            "slug": slug or random_slug(),
            "user_id": user_id,
            "team_id": team_id,
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
        }
        return self._insert(pixel_table, row, f"the slug {row['slug']!r} is already taken")

    def create_link(
        self, name: str, url: str, slug: str | None = None, user_id: str | None = None,
        team_id: str | None = None, link_id: str | None = None,
    ) -> dict[str, Any]:
        now = _now()
        row = {
            "link_id": link_id or str(uuid.uuid4()),
            "name": name,
            "url": url,
            "slug": slug or random_slug(),
            "user_id": user_id,
            "team_id": team_id,
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
        }
        return self._insert(link_table, row, f"the slug {row['slug']!r} is already taken")

    def find_pixel(self, slug: str) -> TrackedTarget | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(pixel_table.c.pixel_id, pixel_table.c.slug).where(
                    pixel_table.c.slug == slug
                )
            ).first()
        return TrackedTarget(row[0], row[1]) if row else None

    def find_link(self, slug: str) -> TrackedTarget | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(link_table.c.link_id, link_table.c.slug, link_table.c.url).where(
                    link_table.c.slug == slug
                )
            ).first()
        return TrackedTarget(row[0], row[1], row[2]) if row else None

    def get_pixel(self, pixel_id: str) -> dict[str, Any] | None:
        return self._get(pixel_table, pixel_id)

    def get_link(self, link_id: str) -> dict[str, Any] | None:
        return self._get(link_table, link_id)

    def update_pixel(self, pixel_id: str, values: dict[str, Any]) -> dict[str, Any] | None:
        return self._update(pixel_table, pixel_id, values, "that slug is already taken")

    def update_link(self, link_id: str, values: dict[str, Any]) -> dict[str, Any] | None:
        return self._update(link_table, link_id, values, "that slug is already taken")

    def delete_pixel(self, pixel_id: str) -> None:
        self._delete(pixel_table, pixel_id)

    def delete_link(self, link_id: str) -> None:
        self._delete(link_table, link_id)

    def pixels_page(
        self, request: PageRequest, *, user_id: str | None = None, team_id: str | None = None
    ) -> Page:
        owner = pixel_table.c.team_id == team_id if team_id else pixel_table.c.user_id == user_id
        return self._page(pixel_table, [owner], request, ("name", "slug"))

    def links_page(
        self, request: PageRequest, *, user_id: str | None = None, team_id: str | None = None
    ) -> Page:
        conditions = [link_table.c.team_id == team_id] if team_id else [
            link_table.c.user_id == user_id, link_table.c.deleted_at.is_(None)
        ]
        return self._page(link_table, conditions, request, ("name", "url", "slug"))

    # --- boards ----------------------------------------------------------------------------------

    def create_board(self, values: dict[str, Any]) -> dict[str, Any]:
        now = _now()
        row = {
            "board_id": str(uuid.uuid4()), "description": "", "parameters": {},
            "user_id": None, "team_id": None, "created_at": now, "updated_at": now, **values,
        }
        return self._insert(board_table, row, "a board with this id already exists")

    def get_board(self, board_id: str) -> dict[str, Any] | None:
        return self._get(board_table, board_id)

    def update_board(self, board_id: str, values: dict[str, Any]) -> dict[str, Any] | None:
        return self._update(board_table, board_id, values)

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

    # --- entities (website, link, pixel, board by id) -------------------------------------------

    def get_entity(self, entity_id: str) -> tuple[str, dict[str, Any]] | None:
        """The website, link, pixel or board with this id, looked up in that order."""
        for kind, table in ENTITY_TABLES.items():
            row = self._get(table, entity_id)
            if row is not None:
                return kind, row
        return None

    # --- shares ----------------------------------------------------------------------------------

    def create_share(
        self, entity_id: str, share_type: int, name: str, slug: str, parameters: Any
    ) -> dict[str, Any]:
        now = _now()
        row = {
            "share_id": str(uuid.uuid4()), "entity_id": entity_id, "name": name,
            "share_type": share_type, "slug": slug, "parameters": parameters,
            "created_at": now, "updated_at": now,
        }
        return self._insert(share_table, row, "that share slug is already taken")

    def get_share(self, share_id: str) -> dict[str, Any] | None:
        return self._get(share_table, share_id)

    def find_share(self, slug: str) -> dict[str, Any] | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(share_table).where(share_table.c.slug == slug)
            ).mappings().first()
        return dict(row) if row else None

    def update_share(self, share_id: str, values: dict[str, Any]) -> dict[str, Any] | None:
        return self._update(share_table, share_id, values, "that share slug is already taken")

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
            return {row[0]: row[1] for row in rows}

    # --- reports, segments, saved replays -------------------------------------------------------

    def create_report(self, values: dict[str, Any]) -> dict[str, Any]:
        now = _now()
        row = {"report_id": str(uuid.uuid4()), "created_at": now, "updated_at": now, **values}
        return self._insert(report_table, row)

    def get_report(self, report_id: str) -> dict[str, Any] | None:
        return self._get(report_table, report_id)

    def update_report(self, report_id: str, values: dict[str, Any]) -> dict[str, Any] | None:
        return self._update(report_table, report_id, values)

    def delete_report(self, report_id: str) -> None:
        self._delete(report_table, report_id)

    def reports_page(
        self, website_id: str, request: PageRequest, report_type: str | None = None
    ) -> Page:
        conditions = [report_table.c.website_id == website_id]
        if report_type:
            conditions.append(report_table.c.type == report_type)
        return self._page(report_table, conditions, PageRequest(request.page, request.page_size))

    def create_segment(self, values: dict[str, Any]) -> dict[str, Any]:
        now = _now()
        row = {"segment_id": str(uuid.uuid4()), "created_at": now, "updated_at": now, **values}
        return self._insert(segment_table, row)

    def get_segment(self, segment_id: str) -> dict[str, Any] | None:
        return self._get(segment_table, segment_id)

    def update_segment(self, segment_id: str, values: dict[str, Any]) -> dict[str, Any] | None:
        return self._update(segment_table, segment_id, values)

    def delete_segment(self, segment_id: str) -> None:
        self._delete(segment_table, segment_id)

    def segments_page(self, website_id: str, segment_type: str, request: PageRequest) -> Page:
        return self._page(
            segment_table,
            [segment_table.c.website_id == website_id, segment_table.c.type == segment_type],
            request, ("name",),
        )

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
                now = _now()
                connection.execute(insert(table).values(
                    saved_replay_id=str(uuid.uuid4()), name=name, website_id=website_id,
                    visit_id=visit_id, created_at=now, updated_at=now,
                ))

    # --- dropped hits ----------------------------------------------------------------------------

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

    def dropped_hits(self) -> list[dict[str, Any]]:
        table = dropped_hit_table
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(table).order_by(table.c.day.desc(), table.c.website_id, table.c.reason)
            ).mappings()
            return [dict(row) for row in rows]

    def close(self) -> None:
        self.engine.dispose()
