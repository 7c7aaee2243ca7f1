"""Errors a store raises instead of its driver's, so callers never import a database driver."""

from __future__ import annotations


class QueryTooLarge(Exception):
    """A query needed more memory than the store may use; the API answers 503, not 500.

    `advice` is what the user is told; the store words it, since only the store knows which
    of its settings sets the limit. The exception's own text is the driver's, for the log."""

    def __init__(self, detail: str, advice: str = "This query needs more memory than the "
                 "server may use: choose a shorter date range or fewer filters."):
        super().__init__(detail)
        self.advice = advice


class InvalidQuery(Exception):
    """The database refused a query for its input (e.g. a regular expression it cannot compile,
    a value it cannot convert): the request is at fault, so the API answers 400."""


class StoreLocked(RuntimeError):
    """Another process already holds the store's files."""


class IngestQueueFull(Exception):
    """The store cannot take more hits right now; collection answers 503 with Retry-After."""


class IngestClosed(Exception):
    """The store is shutting down and takes no new hits (503 as well)."""


class StoreUnavailable(Exception):
    """The database could not be reached or refused a write for a reason of its own (a lost
    connection, a server restarting): collection answers 503 and the hit may be sent again;
    every other route answers 503 as well."""


# What clients are told while the database cannot be reached, and when to come back.
UNAVAILABLE_MESSAGE = "The database cannot be reached right now: retry shortly."
UNAVAILABLE_CODE = "database-unavailable"
UNAVAILABLE_RETRY_AFTER_SECONDS = 5
