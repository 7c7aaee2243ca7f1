"""The PostgreSQL store: metadata and events in one PostgreSQL database, on Umami's schema.

Opening inspects the database first (storage/postgres/schema.py): an empty one gets Umami 3.1's
schema, one Umami 3.1 made is used as it is, and anything else is refused with a message that
says what to do, before anything is written.
"""

from __future__ import annotations

from sqlalchemy import text

from umami_server.storage.metadata_store import MetadataStore
from umami_server.storage.postgres.connection import (
    DatabaseUrlError,
    location_engine,
    parse_database_url,
)
from umami_server.storage.postgres.event_store import PostgresEventStore
from umami_server.storage.postgres.schema import UmamiSchemaError, create_umami_schema

__all__ = ["DatabaseUrlError", "PostgresStore", "UmamiSchemaError", "open_postgres_metadata"]


def open_postgres_metadata(url: str) -> MetadataStore:
    """Metadata on the database at `url`, its schema created when the database is empty.

    Raises DatabaseUrlError for a URL that is not PostgreSQL's and UmamiSchemaError for a
    database we must not use."""
    location = parse_database_url(url)
    engine = location_engine(location)
    try:
        if location.schema != "public":
            # Prisma creates the schema named by `?schema=` when it is missing; so do we.
            with engine.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{location.schema}"'))
        create_umami_schema(engine)
        store = MetadataStore(engine)
        store.migrate()  # adds only our own prefixed tables
    except BaseException:
        engine.dispose()
        raise
    return store


class PostgresStore:
    def __init__(self, events: PostgresEventStore, metadata: MetadataStore):
        self.events = events
        self.metadata = metadata

    @classmethod
    def open(cls, url: str, max_queued: int = 20000,
             query_timeout_seconds: float = 60.0) -> PostgresStore:
        metadata = open_postgres_metadata(url)
        try:
            events = PostgresEventStore(parse_database_url(url), max_queued,
                                        query_timeout_seconds)
        except BaseException:
            metadata.close()
            raise
        return cls(events, metadata)

    def close(self) -> None:
        self.events.close()
        self.metadata.close()
