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
    Connection,
    Engine,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from umami_server.storage.metadata_schema import (
    dropped_hit_table,
    link_table,
    pixel_table,
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
    return datetime.now(UTC)


def _create_first_tables(connection: Connection) -> None:
    for table in (
        user_table, team_table, team_user_table, website_table, link_table, pixel_table,
        dropped_hit_table,
    ):
        table.create(connection, checkfirst=True)


# Versioned migrations of the metadata tables; each runs once, in order.
METADATA_MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _create_first_tables),
]


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

    # --- users -------------------------------------------------------------------------------

    def count_users(self) -> int:
        with self.engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(user_table))
            return int(count.scalar_one())

    def create_user(self, username: str, password_hash: str, role: str) -> dict[str, Any]:
        row = {
            "user_id": str(uuid.uuid4()),
            "username": username,
            "password": password_hash,
            "role": role,
            "created_at": _now(),
            "updated_at": _now(),
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(user_table).values(row))
        except IntegrityError as error:
            raise DuplicateName(f"a user named {username!r} already exists") from error
        return row

    def find_user(self, username: str) -> dict[str, Any] | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(user_table).where(user_table.c.username == username)
            ).mappings().first()
            return dict(row) if row else None

    # --- websites, pixels, links ---------------------------------------------------------------

    def create_website(
        self, name: str, domain: str | None, user_id: str | None = None,
        team_id: str | None = None, website_id: str | None = None,
    ) -> dict[str, Any]:
        row = {
            "website_id": website_id or str(uuid.uuid4()),
            "name": name,
            "domain": domain,
            "user_id": user_id,
            "team_id": team_id,
            "created_by": user_id,
            "created_at": _now(),
            "updated_at": _now(),
        }
        with self.engine.begin() as connection:
            connection.execute(insert(website_table).values(row))
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

    def create_pixel(
        self, name: str, slug: str | None = None, user_id: str | None = None
    ) -> dict[str, Any]:
        row = {
            "pixel_id": str(uuid.uuid4()),
            "name": name,
            "slug": slug or random_slug(),
            "user_id": user_id,
            "created_at": _now(),
            "updated_at": _now(),
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(pixel_table).values(row))
        except IntegrityError as error:
            raise DuplicateName(f"the slug {row['slug']!r} is already taken") from error
        return row

    def create_link(
        self, name: str, url: str, slug: str | None = None, user_id: str | None = None
    ) -> dict[str, Any]:
        row = {
            "link_id": str(uuid.uuid4()),
            "name": name,
            "url": url,
            "slug": slug or random_slug(),
            "user_id": user_id,
            "created_at": _now(),
            "updated_at": _now(),
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(link_table).values(row))
        except IntegrityError as error:
            raise DuplicateName(f"the slug {row['slug']!r} is already taken") from error
        return row

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
