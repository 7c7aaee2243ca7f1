"""Turns `payload.data` into typed key/value rows (event data and session data alike)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import orjson

from umami_server.storage.records import (
    DATA_TYPE_ARRAY,
    DATA_TYPE_BOOLEAN,
    DATA_TYPE_DATE,
    DATA_TYPE_NUMBER,
    DATA_TYPE_STRING,
)

MAX_PROPERTIES = 50
MAX_KEY_LENGTH = 500
MAX_TEXT_LENGTH = 500
# Umami's columns hold NUMERIC(19,4): anything this large cannot be stored there.
MAX_ABSOLUTE_NUMBER = 1e15

_DATETIME_PATTERN = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3}(Z|\+[0-9]{2}:[0-9]{2})?)?$"
)
_FOUR_PLACES = Decimal("0.0001")


class EventDataRejected(ValueError):
    """Event data that cannot be stored faithfully; the message tells the sender why."""


@dataclass(frozen=True, slots=True)
class DataValue:
    key: str
    string_value: str | None
    number_value: float | None
    date_value: int | None  # microseconds since the epoch
    data_type: int


def _number_text(value: float) -> str:
    # JavaScript's toFixed(4): exact binary value, ties away from zero.
    return str(Decimal(value).quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP))


def _parse_datetime(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # zone-less values are read as server time: UTC
    return moment


def _typed(key: str, value: Any) -> DataValue:
    if isinstance(value, bool):
        return DataValue(key, "true" if value else "false", None, None, DATA_TYPE_BOOLEAN)
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number) or abs(number) >= MAX_ABSOLUTE_NUMBER:
            raise EventDataRejected(f"event data number for {key!r} is out of range")
        return DataValue(key, _number_text(number), number, None, DATA_TYPE_NUMBER)
    if isinstance(value, str):
        if _DATETIME_PATTERN.match(value):
            moment = _parse_datetime(value)
            if moment is not None:
                iso = moment.astimezone(UTC).isoformat(timespec="milliseconds")
                micros = int(moment.timestamp() * 1_000_000)
                return DataValue(key, iso.replace("+00:00", "Z"), None, micros, DATA_TYPE_DATE)
        return DataValue(key, value[:MAX_TEXT_LENGTH], None, None, DATA_TYPE_STRING)
    # Arrays keep their JSON text; null is stored as the text "null" with the array type.
    text = orjson.dumps(value).decode("utf-8")
    return DataValue(key, text[:MAX_TEXT_LENGTH], None, None, DATA_TYPE_ARRAY)


def flatten_data(data: dict[str, Any]) -> list[DataValue]:
    """Depth-first rows with dotted keys; raise EventDataRejected beyond the limits."""
    rows: list[DataValue] = []
    # An explicit stack keeps deep nesting from exhausting Python's recursion limit.
    stack: list[tuple[str, Iterator[tuple[str, Any]]]] = [("", iter(data.items()))]
    while stack:
        prefix, items = stack[-1]
        for name, value in items:
            key = f"{prefix}.{name}" if prefix else name
            if len(key) > MAX_KEY_LENGTH:
                raise EventDataRejected(
                    f"event data key is longer than {MAX_KEY_LENGTH} characters"
                )
            if isinstance(value, dict):
                stack.append((key, iter(value.items())))
                break
            rows.append(_typed(key, value))
            if len(rows) > MAX_PROPERTIES:
                raise EventDataRejected(f"event data has more than {MAX_PROPERTIES} properties")
        else:
            stack.pop()
    return rows


def revenue_amount(data: dict[str, Any]) -> tuple[float, str] | None:
    """(amount, currency) when the data describes a purchase, as Umami reads it."""
    amount = data.get("revenue")
    currency = data.get("currency")
    if not currency or isinstance(amount, bool):
        return None
    if isinstance(amount, str):
        try:
            amount = float(amount)
        except ValueError:
            return None
    if not isinstance(amount, int | float) or not math.isfinite(amount) or amount <= 0:
        return None
    if amount >= MAX_ABSOLUTE_NUMBER:
        return None
    return float(amount), str(currency)[:10]
