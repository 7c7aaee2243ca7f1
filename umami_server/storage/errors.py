"""Errors a store raises instead of its driver's, so callers never import a database driver."""

from __future__ import annotations


class QueryTooLarge(Exception):
    """A query needed more memory than the store may use; the API answers 503, not 500."""


class InvalidQuery(Exception):
    """The database refused a query for its input (e.g. a regular expression it cannot compile,
    a value it cannot convert): the request is at fault, so the API answers 400."""


class StoreLocked(RuntimeError):
    """Another process already holds the store's files."""
