"""What a PostgreSQL driver error means to the rest of the server, decided in one place.

The metadata engine (storage/postgres/connection.py) and the event store's reads both turn
psycopg's errors into storage/errors.py's, so api/ and web/ answer 503 or 400 without knowing
the driver. Writes add their own handling on top (storage/postgres/event_store.py): a refused
row is retried alone, a full disk is StorageFull.
"""

from __future__ import annotations

import psycopg
from psycopg import errors as pg_errors

from umami_server.storage.errors import InvalidQuery, QueryTooLarge, StoreUnavailable

TIMEOUT_ADVICE = ("This query took longer than the server allows (UMAMI_QUERY_TIMEOUT_SECONDS): "
                  "choose a shorter date range or fewer filters.")
MEMORY_ADVICE = ("This query needs more memory than the database server allows: choose a "
                 "shorter date range or fewer filters.")


def _detail(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def analytics_error(error: BaseException) -> Exception | None:
    """storage_error, plus what only an analytics query can run into: the statement timeout
    and the server's memory (both OperationalErrors, so they are tested first)."""
    if isinstance(error, pg_errors.QueryCanceled):
        return QueryTooLarge(_detail(error), TIMEOUT_ADVICE)
    if isinstance(error, pg_errors.OutOfMemory | pg_errors.ProgramLimitExceeded
                  | pg_errors.InsufficientResources):
        return QueryTooLarge(_detail(error), MEMORY_ADVICE)
    return storage_error(error)


def storage_error(error: BaseException) -> Exception | None:
    """The storage error this driver error stands for; None when it has no meaning of its own
    to callers (a bug of ours, left to surface as it is)."""
    detail = _detail(error)
    if isinstance(error, psycopg.DataError):
        return InvalidQuery(detail)  # a value the database refuses: the request's fault
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        return StoreUnavailable(detail)  # down, restarting, or the connection was cut
    return None
