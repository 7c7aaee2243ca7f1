"""Umami's configuration tables (users, teams, websites, pixels, links) as SQLAlchemy Core tables.

The same definitions serve the embedded store (SQLite) and, later, an existing Umami PostgreSQL
database, so names and types follow Umami's schema exactly.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import JSON

metadata = MetaData()

# UUIDs travel as canonical strings through the whole application.
UuidText = Uuid(as_uuid=False)
Timestamp = DateTime(timezone=True)
JsonDocument = JSON().with_variant(JSONB(), "postgresql")

user_table = Table(
    "user",
    metadata,
    Column("user_id", UuidText, primary_key=True),
    Column("username", String(255), nullable=False, unique=True),
    Column("password", String(60), nullable=False),
    Column("role", String(50), nullable=False),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    Column("deleted_at", Timestamp),
    Column("display_name", String(255)),
    Column("logo_url", String(2183)),
)

team_table = Table(
    "team",
    metadata,
    Column("team_id", UuidText, primary_key=True),
    Column("name", String(50), nullable=False),
    Column("access_code", String(50), unique=True),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    Column("deleted_at", Timestamp),
    Column("logo_url", String(2183)),
)

team_user_table = Table(
    "team_user",
    metadata,
    Column("team_user_id", UuidText, primary_key=True),
    Column("team_id", UuidText, nullable=False, index=True),
    Column("user_id", UuidText, nullable=False, index=True),
    Column("role", String(50), nullable=False),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
)

website_table = Table(
    "website",
    metadata,
    Column("website_id", UuidText, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("domain", String(500)),
    Column("reset_at", Timestamp),
    Column("user_id", UuidText, index=True),
    Column("team_id", UuidText, index=True),
    Column("created_by", UuidText, index=True),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP"), index=True),
    Column("updated_at", Timestamp),
    Column("deleted_at", Timestamp),
    Column("replay_enabled", Boolean, nullable=False, server_default=text("false")),
    Column("replay_config", JsonDocument),
)

link_table = Table(
    "link",
    metadata,
    Column("link_id", UuidText, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("url", String(500), nullable=False),
    Column("slug", String(100), nullable=False, unique=True),
    Column("user_id", UuidText, index=True),
    Column("team_id", UuidText, index=True),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP"), index=True),
    Column("updated_at", Timestamp),
    Column("deleted_at", Timestamp),
)

pixel_table = Table(
    "pixel",
    metadata,
    Column("pixel_id", UuidText, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("slug", String(100), nullable=False, unique=True),
    Column("user_id", UuidText, index=True),
    Column("team_id", UuidText, index=True),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP"), index=True),
    Column("updated_at", Timestamp),
    Column("deleted_at", Timestamp),
)

# Not an Umami table: hits dropped at collection (bots, ignored IPs), counted per website and day
# so an operator can see what never reached the statistics.
dropped_hit_table = Table(
    "dropped_hit",
    metadata,
    Column("website_id", String(36), primary_key=True),
    Column("reason", String(20), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("hits", Integer, nullable=False),
)

Index("link_slug_idx", link_table.c.slug)
Index("pixel_slug_idx", pixel_table.c.slug)

# --- added by metadata migration 2 (accounts and management API) ---------------------------------

board_table = Table(
    "board",
    metadata,
    Column("board_id", UuidText, primary_key=True),
    Column("type", String(50), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", String(500), nullable=False),
    Column("parameters", JsonDocument, nullable=False),
    Column("user_id", UuidText),
    Column("team_id", UuidText),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    Index("board_user_id_idx", "user_id"),
    Index("board_team_id_idx", "team_id"),
    Index("board_created_at_idx", "created_at"),
)

share_table = Table(
    "share",
    metadata,
    Column("share_id", UuidText, primary_key=True),
    Column("entity_id", UuidText, nullable=False),
    Column("name", String(200), nullable=False),
    Column("share_type", Integer, nullable=False),
    Column("slug", String(100), nullable=False),
    Column("parameters", JsonDocument, nullable=False),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    UniqueConstraint("slug", name="share_slug_key"),
    Index("share_entity_id_idx", "entity_id"),
)

report_table = Table(
    "report",
    metadata,
    Column("report_id", UuidText, primary_key=True),
    Column("user_id", UuidText, nullable=False),
    Column("website_id", UuidText, nullable=False),
    Column("type", String(50), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", String(500), nullable=False),
    Column("parameters", JsonDocument, nullable=False),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    Index("report_user_id_idx", "user_id"),
    Index("report_website_id_idx", "website_id"),
    Index("report_type_idx", "type"),
    Index("report_name_idx", "name"),
)

segment_table = Table(
    "segment",
    metadata,
    Column("segment_id", UuidText, primary_key=True),
    Column("website_id", UuidText, nullable=False),
    Column("type", String(50), nullable=False),
    Column("name", String(200), nullable=False),
    Column("parameters", JsonDocument, nullable=False),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    Index("segment_website_id_idx", "website_id"),
)

saved_replay_table = Table(
    "session_replay_saved",
    metadata,
    Column("saved_replay_id", UuidText, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("website_id", UuidText, nullable=False),
    Column("visit_id", UuidText, nullable=False),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    UniqueConstraint(
        "website_id", "visit_id", name="session_replay_saved_website_id_visit_id_key"
    ),
    Index("session_replay_saved_website_id_created_at_idx", "website_id", "created_at"),
)

# Not an Umami table: login tokens, stored as SHA-256 hashes so a copy of the database does not
# hand out sessions, and deleted to revoke them (logout, password change, user deletion).
auth_token_table = Table(
    "auth_token",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", UuidText, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("expires_at", Timestamp),
    Index("auth_token_user_id_idx", "user_id"),
)
