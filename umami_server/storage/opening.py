"""Which store the settings name, opened: the one place that turns configuration into a backend.

`DATABASE_URL` (Umami's variable) selects PostgreSQL; without it, the embedded store in the data
directory. Callers (the CLI, the demo loader, tests) get a `Store` or a `MetadataStore` and a
`StoreOpenError` whose message a person can act on, never a driver's traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from umami_server.config import Settings
from umami_server.storage.errors import StoreLocked, StoreUnavailable
from umami_server.storage.interface import Store
from umami_server.storage.metadata_store import MetadataStore

T = TypeVar("T")


class StoreOpenError(Exception):
    """The configured store cannot be opened; the message says why and what to do."""


def describe_store(settings: Settings) -> str:
    """Where the data lives, for messages: never a password."""
    if settings.database_url:
        from umami_server.storage.postgres.connection import DatabaseUrlError, parse_database_url

        try:
            return f"PostgreSQL at {parse_database_url(settings.database_url).describe()}"
        except DatabaseUrlError:
            return "PostgreSQL (DATABASE_URL)"
    return f"data in {settings.data_dir}"


def open_store(settings: Settings) -> Store:
    if settings.database_url:
        return _postgres(lambda url: _open_postgres_store(url, settings), settings.database_url)
    from umami_server.storage.embedded.store import EmbeddedStore

    try:
        return EmbeddedStore.open(
            settings.data_dir,
            memory_limit=settings.duckdb_memory_limit,
            threads=settings.duckdb_threads,
            max_queued=settings.ingest_queue_size,
            copy_interval_seconds=settings.copy_interval_ms / 1000,
        )
    except StoreLocked as error:
        raise StoreOpenError(str(error)) from error
    except Exception as error:
        from umami_server.storage.disk_full import is_disk_full

        if not is_disk_full(error):
            raise
        raise StoreOpenError(
            f"no space left in {settings.data_dir} to open its databases: free some space "
            "(a few megabytes are enough to start read-only) and start again") from error


def open_metadata(settings: Settings) -> MetadataStore:
    """Only the metadata (users, websites, ...): what administration commands change. Both
    stores allow this beside a running server."""
    if settings.database_url:
        from umami_server.storage.postgres.store import open_postgres_metadata

        return _postgres(open_postgres_metadata, settings.database_url)
    from umami_server.storage.embedded.store import METADATA_FILE, create_data_dir

    create_data_dir(settings.data_dir)
    return MetadataStore.open_sqlite(settings.data_dir / METADATA_FILE)


def _open_postgres_store(url: str, settings: Settings) -> Store:
    from umami_server.storage.postgres.store import PostgresStore

    return PostgresStore.open(url, settings.ingest_queue_size, settings.query_timeout_seconds)


def _postgres(opener: Callable[[str], T], url: str) -> T:
    import psycopg
    from sqlalchemy.exc import DBAPIError

    from umami_server.storage.postgres.connection import DatabaseUrlError, parse_database_url
    from umami_server.storage.postgres.store import UmamiSchemaError

    try:
        where = parse_database_url(url).describe()
        return opener(url)
    except DatabaseUrlError as error:
        raise StoreOpenError(str(error)) from error
    except UmamiSchemaError as error:
        raise StoreOpenError(f"cannot use the database at {where}: {error}") from error
    except (DBAPIError, psycopg.Error, StoreUnavailable) as error:
        first_line = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise StoreOpenError(f"cannot connect to PostgreSQL at {where}: {first_line}") from error
