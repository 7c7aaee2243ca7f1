"""Umami's `DATABASE_URL` read the way Umami (Prisma) reads it, for SQLAlchemy and psycopg.

Prisma accepts `postgres://` and `postgresql://` and takes the schema from `?schema=` (default
`public`); libpq knows neither that parameter nor Prisma's others (`connection_limit`,
`pool_timeout`, ...), so they are taken out and the schema becomes the connection's search path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError

from umami_server.storage.errors import StoreUnavailable
from umami_server.storage.postgres.errors import storage_error
from umami_server.storage.postgres.values import accept_any_text, json_text

# Prisma's own URL parameters, which libpq would refuse as unknown.
_PRISMA_PARAMETERS = frozenset({
    "schema", "connection_limit", "pool_timeout", "connect_timeout_prisma", "pgbouncer",
    "statement_cache_size", "socket_timeout", "sslaccept", "sslidentity", "sslpassword",
})


_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


class DatabaseUrlError(ValueError):
    """DATABASE_URL is not a PostgreSQL URL we can use."""


@dataclass(frozen=True, slots=True)
class PostgresLocation:
    url: URL  # for SQLAlchemy, with the psycopg driver and without Prisma's parameters
    schema: str

    @property
    def conninfo(self) -> str:
        """A libpq connection string for psycopg, the schema set as the search path."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def connect_options(self, **settings: str) -> dict[str, str]:
        """libpq's `options` setting these server settings for the session, the search path
        among them when the schema is not `public`."""
        if self.schema != "public":
            settings = {"search_path": self.schema, **settings}
        options = " ".join(f"-c {name}={value}" for name, value in settings.items())
        return {"options": options} if options else {}

    def connect(self, **settings: str) -> psycopg.Connection[Any]:
        """A new psycopg connection (autocommit off), with these server settings."""
        return psycopg.connect(self.conninfo, **self.connect_options(**settings))

    def describe(self) -> str:
        """The URL without its password, for messages and logs."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=True)


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def parse_database_url(url: str) -> PostgresLocation:
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseUrlError(f"DATABASE_URL is not a database URL: {error}") from None
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise DatabaseUrlError(
            f"DATABASE_URL is not a PostgreSQL URL (postgresql://...): "
            f"{parsed.render_as_string(hide_password=True)}")
    schema = str(parsed.query.get("schema") or "public")
    if not _SCHEMA_NAME.fullmatch(schema):
        raise DatabaseUrlError(f"DATABASE_URL names the schema {schema!r}: use letters, digits "
                               "and underscores")
    query = {key: value for key, value in parsed.query.items() if key not in _PRISMA_PARAMETERS}
    clean = parsed.set(drivername="postgresql+psycopg", query=query)
    return PostgresLocation(clean, schema)


def location_engine(location: PostgresLocation, pool_size: int = 5) -> Engine:
    """A SQLAlchemy engine on psycopg 3 for metadata and schema work. Its connections send str
    parameters with U+0000 replaced (storage/postgres/values.py), and its driver errors become
    storage errors (storage/postgres/errors.py): an unreachable database is StoreUnavailable,
    which every route answers with 503, and a refused value is InvalidQuery (400)."""
    engine = create_engine(location.url, pool_pre_ping=True, pool_size=pool_size,
                           connect_args=location.connect_options(), json_serializer=json_text)

    @event.listens_for(engine, "connect")
    def _connected(dbapi_connection: Any, _record: Any) -> None:
        accept_any_text(dbapi_connection)

    @event.listens_for(engine, "handle_error")
    def _translate(context: ExceptionContext) -> None:
        if context.is_pre_ping:
            return  # the pool's liveness check: it replaces the connection itself
        original = context.original_exception
        translated = storage_error(original)
        if translated is None and context.is_disconnect:
            translated = StoreUnavailable(str(original).strip().split("\n")[0])
        if translated is not None:
            raise translated from original

    return engine
