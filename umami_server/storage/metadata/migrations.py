"""Versioned migrations of the metadata tables; each runs once, in order, and is never edited.

They only ever create what is missing: on a database Umami made, its tables and indexes are all
there already, so nothing of Umami's is altered; only our own prefixed tables are added.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Connection, Engine, Table, insert, inspect, select, text

from umami_server.storage.metadata.base import now
from umami_server.storage.metadata_schema import (
    CONFIGURATION_TABLES,
    OWN_TABLE_PREFIX,
    auth_token_table,
    board_table,
    dropped_hit_table,
    link_table,
    migration_table,
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

# Names of our own tables before they carried OWN_TABLE_PREFIX (embedded data directories made
# before migration 3), and of the bookkeeping table before it was ours by name.
_UNPREFIXED_OWN_TABLES: dict[str, Table] = {
    "auth_token": auth_token_table,
    "dropped_hit": dropped_hit_table,
}
_UNPREFIXED_MIGRATION_TABLE = "metadata_migrations"


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


def _prefix_own_tables_and_use_umami_index_names(connection: Connection) -> None:
    """Move our tables under OWN_TABLE_PREFIX, and give Umami's tables Umami's index names.

    Before this, the embedded SQLite file had `auth_token` and `dropped_hit` among Umami's
    tables and indexes named by SQLAlchemy (`ix_website_user_id`) where Umami has its own.
    """
    existing = set(inspect(connection).get_table_names())
    for old_name, table in _UNPREFIXED_OWN_TABLES.items():
        table.create(connection, checkfirst=True)
        if old_name in existing:
            # Copied in SQL, so values keep the stored form the column types gave them.
            columns = ", ".join(column.name for column in table.columns)
            connection.execute(text(
                f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {old_name}"
            ))
            connection.execute(text(f"DROP TABLE {old_name}"))
    for table in CONFIGURATION_TABLES:
        if table.name.startswith(OWN_TABLE_PREFIX):
            continue
        # Only the index names SQLAlchemy made for us (ix_<table>_<column>) are dropped; an
        # index of that shape cannot be one of Umami's, whose names end in _idx or _key.
        present = {index["name"] for index in inspect(connection).get_indexes(table.name)}
        for column in table.columns:
            legacy = f"ix_{table.name}_{column.name}"
            if legacy in present:
                connection.execute(text(f'DROP INDEX "{legacy}"'))
        for index in table.indexes:
            index.create(connection, checkfirst=True)


METADATA_MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _create_first_tables),
    (2, _create_management_tables),
    (3, _prefix_own_tables_and_use_umami_index_names),
]


def _adopt_unprefixed_bookkeeping(connection: Connection) -> None:
    """Carry the applied versions over from the bookkeeping table's name before migration 3."""
    if _UNPREFIXED_MIGRATION_TABLE not in inspect(connection).get_table_names():
        return
    connection.execute(text(
        f"INSERT INTO {migration_table.name} (version, applied_at) "
        f"SELECT version, applied_at FROM {_UNPREFIXED_MIGRATION_TABLE} WHERE version NOT IN "
        f"(SELECT version FROM {migration_table.name})"
    ))
    connection.execute(text(f"DROP TABLE {_UNPREFIXED_MIGRATION_TABLE}"))


def migrate(engine: Engine) -> None:
    with engine.begin() as connection:
        migration_table.create(connection, checkfirst=True)
        _adopt_unprefixed_bookkeeping(connection)
        applied = set(connection.execute(select(migration_table.c.version)).scalars())
        for version, migration in METADATA_MIGRATIONS:
            if version in applied:
                continue
            logger.info("applying metadata schema migration %d", version)
            migration(connection)
            connection.execute(insert(migration_table).values(version=version, applied_at=now()))
