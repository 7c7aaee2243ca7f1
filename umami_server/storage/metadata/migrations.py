"""Versioned migrations of the metadata tables; each runs once, in order."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Connection, Engine, text

from umami_server.storage.metadata.base import now
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


METADATA_MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _create_first_tables),
    (2, _create_management_tables),
]


def migrate(engine: Engine) -> None:
    with engine.begin() as connection:
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
                {"v": version, "t": now()},
            )
