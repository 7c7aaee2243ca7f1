"""Runs a SQLAlchemy Core statement on the event store and shapes its rows for JSON.

Queries are written once in SQLAlchemy Core; the store compiles them with its own dialect, so
nothing here knows which database answers. Functions databases spell differently
(first_by, arrival_order, ...) come from storage/sql_functions.py and are re-exported here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from umami_server.storage.interface import EventStore
from umami_server.storage.sql_functions import (
    arrival_order,
    first_by,
    first_by_seq,
    last_by,
    last_by_seq,
    utc_hour_text,
)

__all__ = [
    "arrival_order", "fetch", "fetch_one", "first_by", "first_by_seq", "iso_milliseconds",
    "json_row", "json_value", "last_by", "last_by_seq", "utc_hour_text",
]


def fetch(store: EventStore, statement: Any) -> list[dict[str, Any]]:
    """Run a SELECT and return its rows as dicts keyed by the selected column labels."""
    keys = [column.key for column in statement.selected_columns]
    return [dict(zip(keys, row, strict=True)) for row in store.query(statement)]


def fetch_one(store: EventStore, statement: Any) -> dict[str, Any]:
    rows = fetch(store, statement)
    return rows[0] if rows else {}


def json_value(value: Any) -> Any:
    """Database values as Umami's JSON shows them: ids as text, instants as ISO with ms."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return iso_milliseconds(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: json_value(value) for key, value in row.items()}


def iso_milliseconds(moment: datetime) -> str:
    """Umami's timestamp format: 2025-01-02T03:04:05.678Z."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
