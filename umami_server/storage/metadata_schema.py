"""Umami 3.1's tables, and our own beside them, as SQLAlchemy Core tables: their one definition.

The same tables serve the embedded store's SQLite file (storage/metadata/migrations.py creates
the configuration tables there), the metadata repositories on any database, and Umami's schema on
PostgreSQL (storage/postgres/schema.py creates every unprefixed table there). So names, types,
nullability, defaults and index names follow Umami's final schema (after its migration
19_add_session_replay) exactly: Umami must still run on a database we have used. Where PostgreSQL
needs Umami's exact type, the column type carries a PostgreSQL variant; SQLite keeps the generic
type. Tables that are ours alone carry the prefix OWN_TABLE_PREFIX, so they can never collide with
Umami's and are easy to tell apart (and to drop) in someone else's database.

There are no foreign keys (Umami's Prisma relation mode keeps relations in the application), and
`updated_at` has no database default (Umami sets it on writes). Unique keys are unique *indexes*
named `<table>_<columns>_key`, as Prisma makes them, not constraints. SQLite files created while
they were constraints keep them; both refuse a duplicate with the same IntegrityError.
"""

from __future__ import annotations

from sqlalchemy import (
    CHAR,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP
from sqlalchemy.types import JSON

metadata = MetaData()

# The prefix of every table that is not Umami's.
OWN_TABLE_PREFIX = "umami_server_"

# UUIDs travel as canonical strings through the whole application (PostgreSQL stores uuid).
UuidText = Uuid(as_uuid=False)
# Umami's timestamps are TIMESTAMPTZ(6) on PostgreSQL; the generic type would leave out the
# precision Umami's schema spells.
Timestamp = DateTime(timezone=True).with_variant(
    TIMESTAMP(timezone=True, precision=6), "postgresql"
)
JsonDocument = JSON().with_variant(JSONB(), "postgresql")

user_table = Table(
    "user",
    metadata,
    Column("user_id", UuidText, primary_key=True),
    Column("username", String(255), nullable=False),
    Column("password", String(60), nullable=False),
    Column("role", String(50), nullable=False),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    Column("deleted_at", Timestamp),
    Column("display_name", String(255)),
    Column("logo_url", String(2183)),
    Index("user_username_key", "username", unique=True),
)

team_table = Table(
    "team",
    metadata,
    Column("team_id", UuidText, primary_key=True),
    Column("name", String(50), nullable=False),
    Column("access_code", String(50)),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    Column("deleted_at", Timestamp),
    Column("logo_url", String(2183)),
    Index("team_access_code_key", "access_code", unique=True),
    Index("team_access_code_idx", "access_code"),
)

team_user_table = Table(
    "team_user",
    metadata,
    Column("team_user_id", UuidText, primary_key=True),
    Column("team_id", UuidText, nullable=False),
    Column("user_id", UuidText, nullable=False),
    Column("role", String(50), nullable=False),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    Index("team_user_team_id_idx", "team_id"),
    Index("team_user_user_id_idx", "user_id"),
)

website_table = Table(
    "website",
    metadata,
    Column("website_id", UuidText, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("domain", String(500)),
    Column("reset_at", Timestamp),
    Column("user_id", UuidText),
    Column("team_id", UuidText),
    Column("created_by", UuidText),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    Column("deleted_at", Timestamp),
    Column("replay_enabled", Boolean, nullable=False, server_default=text("false")),
    Column("replay_config", JsonDocument),
    Index("website_user_id_idx", "user_id"),
    Index("website_team_id_idx", "team_id"),
    Index("website_created_by_idx", "created_by"),
    Index("website_created_at_idx", "created_at"),
)

link_table = Table(
    "link",
    metadata,
    Column("link_id", UuidText, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("url", String(500), nullable=False),
    Column("slug", String(100), nullable=False),
    Column("user_id", UuidText),
    Column("team_id", UuidText),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    Column("deleted_at", Timestamp),
    Index("link_slug_key", "slug", unique=True),
    Index("link_slug_idx", "slug"),
    Index("link_user_id_idx", "user_id"),
    Index("link_team_id_idx", "team_id"),
    Index("link_created_at_idx", "created_at"),
)

pixel_table = Table(
    "pixel",
    metadata,
    Column("pixel_id", UuidText, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("slug", String(100), nullable=False),
    Column("user_id", UuidText),
    Column("team_id", UuidText),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", Timestamp),
    Column("deleted_at", Timestamp),
    Index("pixel_slug_key", "slug", unique=True),
    Index("pixel_slug_idx", "slug"),
    Index("pixel_user_id_idx", "user_id"),
    Index("pixel_team_id_idx", "team_id"),
    Index("pixel_created_at_idx", "created_at"),
)

# Not an Umami table: hits dropped at collection (bots, ignored IPs), counted per website and day
# so an operator can see what never reached the statistics.
dropped_hit_table = Table(
    f"{OWN_TABLE_PREFIX}dropped_hit",
    metadata,
    Column("website_id", String(36), primary_key=True),
    Column("reason", String(20), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("hits", Integer, nullable=False),
)

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
    Index("share_slug_key", "slug", unique=True),
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
    Index(
        "session_replay_saved_website_id_visit_id_key", "website_id", "visit_id", unique=True
    ),
    Index("session_replay_saved_website_id_idx", "website_id"),
    Index("session_replay_saved_visit_id_idx", "visit_id"),
    Index("session_replay_saved_website_id_created_at_idx", "website_id", "created_at"),
)

# Not an Umami table: login tokens, stored as SHA-256 hashes so a copy of the database does not
# hand out sessions, and deleted to revoke them (logout, password change, user deletion).
auth_token_table = Table(
    f"{OWN_TABLE_PREFIX}auth_token",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", UuidText, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("expires_at", Timestamp),
    Index(f"{OWN_TABLE_PREFIX}auth_token_user_id_idx", "user_id"),
)


# --- Umami's event tables -----------------------------------------------------------------------
# Part of Umami's schema on PostgreSQL (storage/postgres/schema.py creates them). The embedded
# store keeps events in DuckDB instead and never creates these in its SQLite file (see
# CONFIGURATION_TABLES).

_SESSION_ATTRIBUTES = ("browser", "os", "device", "screen", "language", "country", "region", "city")
_EVENT_INDEXED = (
    "url_path", "url_query", "referrer_domain", "page_title", "event_name", "tag", "hostname"
)

session_table = Table(
    "session",
    metadata,
    Column("session_id", UuidText, primary_key=True),
    Column("website_id", UuidText, nullable=False),
    Column("browser", String(20)),
    Column("os", String(20)),
    Column("device", String(20)),
    Column("screen", String(11)),
    Column("language", String(35)),
    Column("country", CHAR(2)),
    Column("region", String(20)),
    Column("city", String(50)),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("distinct_id", String(50)),
    Index("session_created_at_idx", "created_at"),
    Index("session_website_id_idx", "website_id"),
    Index("session_website_id_created_at_idx", "website_id", "created_at"),
    *(
        Index(f"session_website_id_created_at_{name}_idx", "website_id", "created_at", name)
        for name in _SESSION_ATTRIBUTES
    ),
)

website_event_table = Table(
    "website_event",
    metadata,
    Column("event_id", UuidText, primary_key=True),
    Column("website_id", UuidText, nullable=False),
    Column("session_id", UuidText, nullable=False),
    Column("visit_id", UuidText, nullable=False),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("url_path", String(500), nullable=False),
    Column("url_query", String(500)),
    Column("utm_source", String(255)),
    Column("utm_medium", String(255)),
    Column("utm_campaign", String(255)),
    Column("utm_content", String(255)),
    Column("utm_term", String(255)),
    Column("referrer_path", String(500)),
    Column("referrer_query", String(500)),
    Column("referrer_domain", String(500)),
    Column("page_title", String(500)),
    Column("gclid", String(255)),
    Column("fbclid", String(255)),
    Column("msclkid", String(255)),
    Column("ttclid", String(255)),
    Column("li_fat_id", String(255)),
    Column("twclid", String(255)),
    Column("event_type", Integer, nullable=False, server_default=text("1")),
    Column("event_name", String(50)),
    Column("tag", String(50)),
    Column("hostname", String(100)),
    Column("lcp", Numeric(10, 1)),
    Column("inp", Numeric(10, 1)),
    Column("cls", Numeric(10, 4)),
    Column("fcp", Numeric(10, 1)),
    Column("ttfb", Numeric(10, 1)),
    Index("website_event_created_at_idx", "created_at"),
    Index("website_event_session_id_idx", "session_id"),
    Index("website_event_visit_id_idx", "visit_id"),
    Index("website_event_website_id_idx", "website_id"),
    Index("website_event_website_id_created_at_idx", "website_id", "created_at"),
    *(
        Index(f"website_event_website_id_created_at_{name}_idx", "website_id", "created_at", name)
        for name in _EVENT_INDEXED
    ),
    Index(
        "website_event_website_id_session_id_created_at_idx",
        "website_id", "session_id", "created_at",
    ),
    Index(
        "website_event_website_id_visit_id_created_at_idx", "website_id", "visit_id", "created_at"
    ),
)

event_data_table = Table(
    "event_data",
    metadata,
    Column("event_data_id", UuidText, primary_key=True),
    Column("website_id", UuidText, nullable=False),
    Column("website_event_id", UuidText, nullable=False),
    Column("data_key", String(500), nullable=False),
    Column("string_value", String(500)),
    Column("number_value", Numeric(19, 4)),
    Column("date_value", Timestamp),
    Column("data_type", Integer, nullable=False),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Index("event_data_created_at_idx", "created_at"),
    Index("event_data_website_id_idx", "website_id"),
    Index("event_data_website_event_id_idx", "website_event_id"),
    Index("event_data_website_id_created_at_idx", "website_id", "created_at"),
    Index(
        "event_data_website_id_created_at_data_key_idx", "website_id", "created_at", "data_key"
    ),
)

session_data_table = Table(
    "session_data",
    metadata,
    Column("session_data_id", UuidText, primary_key=True),
    Column("website_id", UuidText, nullable=False),
    Column("session_id", UuidText, nullable=False),
    Column("data_key", String(500), nullable=False),
    Column("string_value", String(500)),
    Column("number_value", Numeric(19, 4)),
    Column("date_value", Timestamp),
    Column("data_type", Integer, nullable=False),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Column("distinct_id", String(50)),
    Index("session_data_created_at_idx", "created_at"),
    Index("session_data_website_id_idx", "website_id"),
    Index("session_data_session_id_idx", "session_id"),
    Index("session_data_session_id_created_at_idx", "session_id", "created_at"),
    Index(
        "session_data_website_id_created_at_data_key_idx", "website_id", "created_at", "data_key"
    ),
)

revenue_table = Table(
    "revenue",
    metadata,
    Column("revenue_id", UuidText, primary_key=True),
    Column("website_id", UuidText, nullable=False),
    Column("session_id", UuidText, nullable=False),
    Column("event_id", UuidText, nullable=False),
    Column("event_name", String(50), nullable=False),
    Column("currency", String(10), nullable=False),
    Column("revenue", Numeric(19, 4)),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Index("revenue_website_id_idx", "website_id"),
    Index("revenue_session_id_idx", "session_id"),
    Index("revenue_website_id_created_at_idx", "website_id", "created_at"),
    Index(
        "revenue_website_id_session_id_created_at_idx", "website_id", "session_id", "created_at"
    ),
)

session_replay_table = Table(
    "session_replay",
    metadata,
    Column("replay_id", UuidText, primary_key=True),
    Column("website_id", UuidText, nullable=False),
    Column("session_id", UuidText, nullable=False),
    Column("visit_id", UuidText, nullable=False),
    Column("chunk_index", Integer, nullable=False),
    Column("events", LargeBinary, nullable=False),
    Column("event_count", Integer, nullable=False),
    Column("started_at", Timestamp, nullable=False),
    Column("ended_at", Timestamp, nullable=False),
    Column("created_at", Timestamp, server_default=text("CURRENT_TIMESTAMP")),
    Index("session_replay_website_id_idx", "website_id"),
    Index("session_replay_session_id_idx", "session_id"),
    Index("session_replay_website_id_session_id_idx", "website_id", "session_id"),
    Index("session_replay_website_id_visit_id_idx", "website_id", "visit_id"),
    Index("session_replay_website_id_created_at_idx", "website_id", "created_at"),
    Index("session_replay_session_id_chunk_index_idx", "session_id", "chunk_index"),
)

# Not an Umami table: which of our metadata migrations (storage/metadata/migrations.py) ran.
migration_table = Table(
    f"{OWN_TABLE_PREFIX}migration",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", Timestamp),
)

# What the embedded store keeps in its SQLite file: Umami's configuration tables and our own.
CONFIGURATION_TABLES: tuple[Table, ...] = (
    user_table, team_table, team_user_table, website_table, link_table, pixel_table,
    board_table, share_table, report_table, segment_table, saved_replay_table,
    auth_token_table, dropped_hit_table,
)
