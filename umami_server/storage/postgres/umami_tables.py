"""What Umami's schema on PostgreSQL has beyond its tables: Prisma's migration bookkeeping.

Umami 3.1's tables themselves are defined once, in storage/metadata_schema.py, with the
PostgreSQL types Umami uses; UMAMI_TABLES names them for creating and recognising Umami's schema.
`_prisma_migrations` is not one of them: only a PostgreSQL database Umami can run on needs it, so
it lives on a MetaData of its own, out of reach of anything that creates metadata_schema's tables
(such as the embedded store's SQLite file).
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, text
from sqlalchemy.dialects.postgresql import TIMESTAMP

from umami_server.storage.metadata_schema import OWN_TABLE_PREFIX, metadata

prisma_metadata = MetaData()

# Prisma's own bookkeeping, as `prisma migrate deploy` creates it. Umami reads it to decide which
# migrations still need applying; we only insert the names of the ones our schema already holds.
prisma_migrations = Table(
    "_prisma_migrations",
    prisma_metadata,
    Column("id", String(36), primary_key=True),
    Column("checksum", String(64), nullable=False),
    Column("finished_at", TIMESTAMP(timezone=True)),
    Column("migration_name", String(255), nullable=False),
    Column("logs", Text),
    Column("rolled_back_at", TIMESTAMP(timezone=True)),
    Column("started_at", TIMESTAMP(timezone=True), nullable=False, server_default=text("now()")),
    Column("applied_steps_count", Integer, nullable=False, server_default=text("0")),
)

# Umami's tables: every table of metadata_schema without our prefix. Ours are not created with
# them; our metadata migrations (storage/metadata/migrations.py) add those.
UMAMI_TABLES: tuple[Table, ...] = tuple(
    table for table in metadata.tables.values() if not table.name.startswith(OWN_TABLE_PREFIX)
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
