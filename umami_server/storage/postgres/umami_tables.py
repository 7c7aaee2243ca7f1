"""Umami 3.1's PostgreSQL tables in their final state (after migration 19_add_session_replay).

Names, types, defaults and index names follow the data model of Umami 3.1 exactly, so that Umami
itself can run on a database we created and we can run on one Umami created. There are no foreign
keys (Umami's Prisma relation mode keeps relations in the application), and `updated_at` has no
database default (Umami sets it on writes). Unique keys are unique *indexes*, as Prisma makes them.

These tables are Umami's: we read and write rows in them and never alter their shape. Our own
tables (later) live beside them under a prefix of their own.
"""

from __future__ import annotations

from sqlalchemy import (
    CHAR,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP, UUID

umami_metadata = MetaData()

# Umami's timestamps are TIMESTAMPTZ(6); created_at defaults to the insert time.
_NOW = text("CURRENT_TIMESTAMP")


def _timestamp(name: str, *, nullable: bool = True, default: bool = False) -> Column:
    return Column(
        name,
        TIMESTAMP(timezone=True, precision=6),
        nullable=nullable,
        server_default=_NOW if default else None,
    )


def _uuid(name: str, *, primary: bool = False, nullable: bool = True) -> Column:
    return Column(name, UUID(as_uuid=False), primary_key=primary, nullable=nullable and not primary)


def _created_at() -> Column:
    return _timestamp("created_at", default=True)


def _indexes(table: str, *column_sets: tuple[str, ...]) -> list[Index]:
    """Prisma's default index names: <table>_<col>_<col>..._idx."""
    return [Index(f"{table}_{'_'.join(columns)}_idx", *columns) for columns in column_sets]


def _unique(table: str, column: str) -> Index:
    return Index(f"{table}_{column}_key", column, unique=True)


user = Table(
    "user",
    umami_metadata,
    _uuid("user_id", primary=True),
    Column("username", String(255), nullable=False),
    Column("password", String(60), nullable=False),
    Column("role", String(50), nullable=False),
    _created_at(),
    _timestamp("updated_at"),
    _timestamp("deleted_at"),
    Column("display_name", String(255)),
    Column("logo_url", String(2183)),
    _unique("user", "username"),
)

team = Table(
    "team",
    umami_metadata,
    _uuid("team_id", primary=True),
    Column("name", String(50), nullable=False),
    Column("access_code", String(50)),
    _created_at(),
    _timestamp("updated_at"),
    _timestamp("deleted_at"),
    Column("logo_url", String(2183)),
    _unique("team", "access_code"),
    *_indexes("team", ("access_code",)),
)

team_user = Table(
    "team_user",
    umami_metadata,
    _uuid("team_user_id", primary=True),
    _uuid("team_id", nullable=False),
    _uuid("user_id", nullable=False),
    Column("role", String(50), nullable=False),
    _created_at(),
    _timestamp("updated_at"),
    *_indexes("team_user", ("team_id",), ("user_id",)),
)

website = Table(
    "website",
    umami_metadata,
    _uuid("website_id", primary=True),
    Column("name", String(100), nullable=False),
    Column("domain", String(500)),
    _timestamp("reset_at"),
    _uuid("user_id"),
    _uuid("team_id"),
    _uuid("created_by"),
    _created_at(),
    _timestamp("updated_at"),
    _timestamp("deleted_at"),
    Column("replay_enabled", Boolean, nullable=False, server_default=text("false")),
    Column("replay_config", JSONB),
    *_indexes("website", ("user_id",), ("team_id",), ("created_by",), ("created_at",)),
)

# Session attributes indexed together with (website_id, created_at), one index each.
SESSION_ATTRIBUTE_COLUMNS = (
    "browser", "os", "device", "screen", "language", "country", "region", "city",
)

session = Table(
    "session",
    umami_metadata,
    _uuid("session_id", primary=True),
    _uuid("website_id", nullable=False),
    Column("browser", String(20)),
    Column("os", String(20)),
    Column("device", String(20)),
    Column("screen", String(11)),
    Column("language", String(35)),
    Column("country", CHAR(2)),
    Column("region", String(20)),
    Column("city", String(50)),
    _created_at(),
    Column("distinct_id", String(50)),
    *_indexes(
        "session",
        ("created_at",),
        ("website_id",),
        ("website_id", "created_at"),
        *(("website_id", "created_at", column) for column in SESSION_ATTRIBUTE_COLUMNS),
    ),
)

# Event columns indexed together with (website_id, created_at), one index each.
EVENT_INDEXED_COLUMNS = (
    "url_path", "url_query", "referrer_domain", "page_title", "event_name", "tag", "hostname",
)

website_event = Table(
    "website_event",
    umami_metadata,
    _uuid("event_id", primary=True),
    _uuid("website_id", nullable=False),
    _uuid("session_id", nullable=False),
    _uuid("visit_id", nullable=False),
    _created_at(),
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
    Column("fcp", Numeric(10, 1)),
    Column("ttfb", Numeric(10, 1)),
    Column("cls", Numeric(10, 4)),
    *_indexes(
        "website_event",
        ("created_at",),
        ("session_id",),
        ("visit_id",),
        ("website_id",),
        ("website_id", "created_at"),
        *(("website_id", "created_at", column) for column in EVENT_INDEXED_COLUMNS),
        ("website_id", "session_id", "created_at"),
        ("website_id", "visit_id", "created_at"),
    ),
)


def _data_value_columns() -> list[Column]:
    return [
        Column("string_value", String(500)),
        Column("number_value", Numeric(19, 4)),
        _timestamp("date_value"),
        Column("data_type", Integer, nullable=False),
    ]


event_data = Table(
    "event_data",
    umami_metadata,
    _uuid("event_data_id", primary=True),
    _uuid("website_id", nullable=False),
    _uuid("website_event_id", nullable=False),
    Column("data_key", String(500), nullable=False),
    *_data_value_columns(),
    _created_at(),
    *_indexes(
        "event_data",
        ("created_at",),
        ("website_id",),
        ("website_event_id",),
        ("website_id", "created_at"),
        ("website_id", "created_at", "data_key"),
    ),
)

session_data = Table(
    "session_data",
    umami_metadata,
    _uuid("session_data_id", primary=True),
    _uuid("website_id", nullable=False),
    _uuid("session_id", nullable=False),
    Column("data_key", String(500), nullable=False),
    *_data_value_columns(),
    _created_at(),
    Column("distinct_id", String(50)),
    *_indexes(
        "session_data",
        ("created_at",),
        ("website_id",),
        ("session_id",),
        ("session_id", "created_at"),
        ("website_id", "created_at", "data_key"),
    ),
)

revenue = Table(
    "revenue",
    umami_metadata,
    _uuid("revenue_id", primary=True),
    _uuid("website_id", nullable=False),
    _uuid("session_id", nullable=False),
    _uuid("event_id", nullable=False),
    Column("event_name", String(50), nullable=False),
    Column("currency", String(10), nullable=False),
    Column("revenue", Numeric(19, 4)),
    _created_at(),
    *_indexes(
        "revenue",
        ("website_id",),
        ("session_id",),
        ("website_id", "created_at"),
        ("website_id", "session_id", "created_at"),
    ),
)

report = Table(
    "report",
    umami_metadata,
    _uuid("report_id", primary=True),
    _uuid("user_id", nullable=False),
    _uuid("website_id", nullable=False),
    Column("type", String(50), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", String(500), nullable=False),
    Column("parameters", JSONB, nullable=False),
    _created_at(),
    _timestamp("updated_at"),
    *_indexes("report", ("user_id",), ("website_id",), ("type",), ("name",)),
)

segment = Table(
    "segment",
    umami_metadata,
    _uuid("segment_id", primary=True),
    _uuid("website_id", nullable=False),
    Column("type", String(50), nullable=False),
    Column("name", String(200), nullable=False),
    Column("parameters", JSONB, nullable=False),
    _created_at(),
    _timestamp("updated_at"),
    *_indexes("segment", ("website_id",)),
)

link = Table(
    "link",
    umami_metadata,
    _uuid("link_id", primary=True),
    Column("name", String(100), nullable=False),
    Column("url", String(500), nullable=False),
    Column("slug", String(100), nullable=False),
    _uuid("user_id"),
    _uuid("team_id"),
    _created_at(),
    _timestamp("updated_at"),
    _timestamp("deleted_at"),
    _unique("link", "slug"),
    *_indexes("link", ("slug",), ("user_id",), ("team_id",), ("created_at",)),
)

pixel = Table(
    "pixel",
    umami_metadata,
    _uuid("pixel_id", primary=True),
    Column("name", String(100), nullable=False),
    Column("slug", String(100), nullable=False),
    _uuid("user_id"),
    _uuid("team_id"),
    _created_at(),
    _timestamp("updated_at"),
    _timestamp("deleted_at"),
    _unique("pixel", "slug"),
    *_indexes("pixel", ("slug",), ("user_id",), ("team_id",), ("created_at",)),
)

board = Table(
    "board",
    umami_metadata,
    _uuid("board_id", primary=True),
    Column("type", String(50), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", String(500), nullable=False),
    Column("parameters", JSONB, nullable=False),
    _uuid("user_id"),
    _uuid("team_id"),
    _created_at(),
    _timestamp("updated_at"),
    *_indexes("board", ("user_id",), ("team_id",), ("created_at",)),
)

share = Table(
    "share",
    umami_metadata,
    _uuid("share_id", primary=True),
    _uuid("entity_id", nullable=False),
    Column("name", String(200), nullable=False),
    Column("share_type", Integer, nullable=False),
    Column("slug", String(100), nullable=False),
    Column("parameters", JSONB, nullable=False),
    _created_at(),
    _timestamp("updated_at"),
    _unique("share", "slug"),
    *_indexes("share", ("entity_id",)),
)

session_replay = Table(
    "session_replay",
    umami_metadata,
    _uuid("replay_id", primary=True),
    _uuid("website_id", nullable=False),
    _uuid("session_id", nullable=False),
    _uuid("visit_id", nullable=False),
    Column("chunk_index", Integer, nullable=False),
    Column("events", LargeBinary, nullable=False),
    Column("event_count", Integer, nullable=False),
    _timestamp("started_at", nullable=False),
    _timestamp("ended_at", nullable=False),
    _created_at(),
    *_indexes(
        "session_replay",
        ("website_id",),
        ("session_id",),
        ("website_id", "session_id"),
        ("website_id", "visit_id"),
        ("website_id", "created_at"),
        ("session_id", "chunk_index"),
    ),
)

session_replay_saved = Table(
    "session_replay_saved",
    umami_metadata,
    _uuid("saved_replay_id", primary=True),
    Column("name", String(100), nullable=False),
    _uuid("website_id", nullable=False),
    _uuid("visit_id", nullable=False),
    _created_at(),
    _timestamp("updated_at"),
    Index("session_replay_saved_website_id_visit_id_key", "website_id", "visit_id", unique=True),
    *_indexes(
        "session_replay_saved", ("website_id",), ("visit_id",), ("website_id", "created_at")
    ),
)

# Prisma's own bookkeeping, as `prisma migrate deploy` creates it. Umami reads it to decide which
# migrations still need applying; we only insert the names of the ones our schema already holds.
prisma_migrations = Table(
    "_prisma_migrations",
    umami_metadata,
    Column("id", String(36), primary_key=True),
    Column("checksum", String(64), nullable=False),
    Column("finished_at", TIMESTAMP(timezone=True)),
    Column("migration_name", String(255), nullable=False),
    Column("logs", Text),
    Column("rolled_back_at", TIMESTAMP(timezone=True)),
    Column("started_at", TIMESTAMP(timezone=True), nullable=False, server_default=text("now()")),
    Column("applied_steps_count", Integer, nullable=False, server_default=text("0")),
)

UMAMI_TABLES: tuple[Table, ...] = (
    user, team, team_user, website, session, website_event, event_data, session_data, revenue,
    report, segment, link, pixel, board, share, session_replay, session_replay_saved,
)

# Umami 3.1's migration history, in order (data model §5).
UMAMI_MIGRATIONS: tuple[str, ...] = (
    "01_init",
    "02_report_schema_session_data",
    "03_metric_performance_index",
    "04_team_redesign",
    "05_add_visit_id",
    "06_session_data",
    "07_add_tag",
    "08_add_utm_clid",
    "09_update_hostname_region",
    "10_add_distinct_id",
    "11_add_segment",
    "12_update_report_parameter",
    "13_add_revenue",
    "14_add_link_and_pixel",
    "15_add_share",
    "16_boards",
    "17_remove_duplicate_key",
    "18_add_performance",
    "19_add_session_replay",
)
