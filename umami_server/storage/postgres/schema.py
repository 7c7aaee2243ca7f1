"""Umami's schema on a PostgreSQL database: tell what a database holds, and create it when empty.

`inspect_schema` reports one of four levels with a message a person can act on: an empty
database, Umami 3.1's final schema, an older Umami (naming the migrations it lacks), or something
unknown. `create_umami_schema` creates the final schema on an empty database and records Umami's
migration names in `_prisma_migrations`, so Umami could run on the same database; on a database
that already holds that schema it changes nothing; on anything else it raises `UmamiSchemaError`.
"""

from __future__ import annotations

import enum
import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from umami_server.storage.errors import StoreUnavailable
from umami_server.storage.metadata_schema import metadata
from umami_server.storage.postgres.connection import location_engine, parse_database_url
from umami_server.storage.postgres.umami_tables import (
    UMAMI_MIGRATIONS,
    UMAMI_TABLES,
    prisma_migrations,
)

# One fixed key for pg_advisory_xact_lock, so two servers starting on one empty database do not
# both create the schema (the second waits, then finds it created).
_SCHEMA_LOCK_KEY = 0x756D616D69  # "umami"
_LISTED_NAMES = 8  # how many unexpected names a message lists before "..."


class SchemaLevel(enum.Enum):
    EMPTY = "empty"
    UMAMI_FINAL = "umami-3.1"
    UMAMI_OLDER = "umami-older"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SchemaReport:
    level: SchemaLevel
    message: str
    # Umami migrations not applied yet, in order (only for UMAMI_OLDER).
    missing_migrations: tuple[str, ...] = ()


class UmamiSchemaError(Exception):
    """The database holds something we must not create Umami's schema over."""

    def __init__(self, report: SchemaReport) -> None:
        super().__init__(report.message)
        self.report = report


def postgres_engine(url: str) -> Engine:
    """An engine for Umami's `postgresql://` URL (its `?schema=` honoured), driven by psycopg 3.
    Raises DatabaseUrlError (a ValueError) for any other URL."""
    return location_engine(parse_database_url(url))


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:_LISTED_NAMES])
    return shown + (", ..." if len(names) > _LISTED_NAMES else "")


def _missing_parts(connection: Connection) -> list[str]:
    """Umami tables and columns the database lacks (extra ones are left alone)."""
    inspector = inspect(connection)
    present_tables = set(inspector.get_table_names())
    missing: list[str] = []
    for table in UMAMI_TABLES:
        if table.name not in present_tables:
            missing.append(f"table {table.name}")
            continue
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in columns]
    return missing


def inspect_schema(connection: Connection) -> SchemaReport:
    """What the connection's current schema holds, judged by its tables and Umami's migrations."""
    tables = set(inspect(connection).get_table_names())
    if not tables:
        return SchemaReport(SchemaLevel.EMPTY, "The database is empty.")
    umami_names = {table.name for table in UMAMI_TABLES}
    if prisma_migrations.name not in tables:
        if tables & umami_names:
            return SchemaReport(
                SchemaLevel.UNKNOWN,
                "The database has Umami-like tables but no _prisma_migrations table, so its "
                "migration level is unknown. Point umami-server at an empty database or at one "
                "Umami 3.1 has migrated.",
            )
        return SchemaReport(
            SchemaLevel.UNKNOWN,
            f"The database holds tables that are not Umami's ({_listed(sorted(tables))}). "
            "Point umami-server at an empty database or at an Umami database.",
        )
    rows = connection.execute(
        select(
            prisma_migrations.c.migration_name,
            prisma_migrations.c.finished_at,
            prisma_migrations.c.rolled_back_at,
        )
    ).all()
    unfinished = sorted(
        {row.migration_name for row in rows if row.finished_at is None and not row.rolled_back_at}
    )
    if unfinished:
        return SchemaReport(
            SchemaLevel.UNKNOWN,
            f"Umami migration(s) {_listed(unfinished)} started but did not finish. Resolve them "
            "with Umami (prisma migrate resolve) before using this database.",
        )
    applied = {row.migration_name for row in rows if row.rolled_back_at is None}
    unknown = sorted(applied - set(UMAMI_MIGRATIONS))
    if unknown:
        return SchemaReport(
            SchemaLevel.UNKNOWN,
            f"The database has Umami migrations this server does not know ({_listed(unknown)}); "
            "it was probably made by an Umami newer than 3.1, which umami-server does not "
            "support yet.",
        )
    missing = tuple(name for name in UMAMI_MIGRATIONS if name not in applied)
    if missing:
        latest = next((name for name in reversed(UMAMI_MIGRATIONS) if name in applied), None)
        at = f"at migration {latest}" if latest else "with no migration applied"
        return SchemaReport(
            SchemaLevel.UMAMI_OLDER,
            f"The database is an older Umami schema ({at}); it lacks {len(missing)} "
            f"migration(s): {', '.join(missing)}. Upgrade it by starting Umami 3.1 on it once "
            "(which applies them), then start umami-server.",
            missing,
        )
    drift = _missing_parts(connection)
    if drift:
        return SchemaReport(
            SchemaLevel.UNKNOWN,
            "The database records all of Umami 3.1's migrations but lacks parts of its schema "
            f"({_listed(drift)}); it was changed by hand. Repair it before using it.",
        )
    return SchemaReport(SchemaLevel.UMAMI_FINAL, "The database has Umami 3.1's final schema.")


def _migration_checksum(name: str) -> str:
    # Prisma stores the SHA-256 of each migration's SQL file. We create the final state directly,
    # not from those files, so the value marks the row as ours; `prisma migrate deploy` decides
    # what to apply by migration name.
    return hashlib.sha256(f"umami-server final schema: {name}".encode()).hexdigest()


def _create(connection: Connection) -> None:
    # Umami's first migration creates pgcrypto; recreate it when we may (a trusted extension
    # since PostgreSQL 13), but the schema itself does not need it.
    try:
        with connection.begin_nested():
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pgcrypto"))
    except (DBAPIError, StoreUnavailable):
        pass  # any refusal (the engine reports a missing extension file as StoreUnavailable)
    # Umami's tables only: our own prefixed tables come from our metadata migrations.
    metadata.create_all(connection, tables=UMAMI_TABLES)
    prisma_migrations.create(connection)
    connection.execute(
        prisma_migrations.insert().values(finished_at=func.now()),
        [
            {
                "id": str(uuid.uuid4()),
                "checksum": _migration_checksum(name),
                "migration_name": name,
                "applied_steps_count": 1,
            }
            for name in UMAMI_MIGRATIONS
        ],
    )


def create_umami_schema(engine: Engine) -> SchemaReport:
    """Create Umami 3.1's final schema on an empty database; leave one that has it untouched.

    Raises UmamiSchemaError for any other level, with the report's message.
    """
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
        report = inspect_schema(connection)
        if report.level is SchemaLevel.UMAMI_FINAL:
            return report
        if report.level is not SchemaLevel.EMPTY:
            raise UmamiSchemaError(report)
        _create(connection)
        return inspect_schema(connection)
