"""Filters from the query string (api-analytics.md §1.6): `key=[operator.]value`, repeats as
`key1`, `key2`..., combined with AND (or OR for `match=any`, `eventType` always AND-ed).

Each filter compares one dimension of `queries.dimensions` on the same rows the metric counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, not_, or_
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import DIMENSIONS, E, not_self_referral
from umami_server.queries.errors import QueryError

# Keys the analytics GET routes accept as they are; other dimensions only with a digit suffix.
VALIDATED_KEYS = frozenset({
    "path", "referrer", "title", "query", "os", "browser", "device", "country", "region",
    "city", "tag", "hostname", "distinctId", "language", "event", "utmSource", "utmMedium",
    "utmCampaign", "utmContent", "utmTerm",
})
SUFFIXABLE_KEYS = VALIDATED_KEYS | {"entry", "exit", "domain", "eventType"}

OPERATORS = ("eq", "neq", "c", "dnc", "re", "nre")
_UNSUPPORTED = ("s", "ns", "t", "f", "gt", "lt", "gte", "lte", "bf", "af")
_PREFIX = re.compile(r"^(eq|neq|s|ns|c|dnc|re|nre|t|f|gt|lt|gte|lte|bf|af)\.(.*)$", re.DOTALL)
_SUFFIX = re.compile(r"^(.*?)(\d+)$")
# Each escape of a pattern, `\\` included, so that `\\1` (a backslash, then 1) is no reference.
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Filter:
    key: str  # as sent, e.g. "path1"
    name: str  # the dimension, e.g. "path"
    operator: str
    values: tuple[Any, ...]


def parse_value(key: str, name: str, raw: str) -> Filter:
    if name == "eventType":
        try:
            event_type = int(raw)
        except ValueError:
            raise QueryError.of(key, "Invalid input: expected number, received NaN") from None
        if event_type <= 0:
            raise QueryError.of(key, "Too small: expected number to be >0")
        return Filter(key, name, "eq", (event_type,))
    match = _PREFIX.match(raw)
    operator, value = (match.group(1), match.group(2)) if match else ("eq", raw)
    if operator in _UNSUPPORTED:
        raise QueryError.of(key, f"Unsupported filter operator: {operator}")
    if operator in ("re", "nre"):
        try:
            re.compile(value)
        except re.error:
            raise QueryError.of(key, "Invalid regular expression") from None
        # A back-reference (\1 to \9) turns matching into a search that can take PostgreSQL
        # minutes per row; RE2, the embedded store's engine, refuses them outright.
        if any(escaped in "123456789" for escaped in _ESCAPE.findall(value)):
            raise QueryError.of(key, "Invalid regular expression: back-references (\\1) are "
                                     "not supported")
    values = tuple(value.split(",")) if operator in ("eq", "neq") else (value,)
    return Filter(key, name, operator, values)


def parse_filters(params: Mapping[str, str]) -> tuple[tuple[Filter, ...], bool]:
    """The filters of a query string, and whether they are OR-ed (`match=any`)."""
    match = params.get("match") or "all"
    if match not in ("all", "any"):
        raise QueryError.of("match", 'Invalid option: expected one of "all"|"any"')
    filters: list[Filter] = []
    for key, raw in params.items():
        if raw == "":
            continue
        if key in VALIDATED_KEYS or key == "eventType":
            filters.append(parse_value(key, key, raw))
            continue
        suffixed = _SUFFIX.match(key)
        if suffixed and suffixed.group(1) in SUFFIXABLE_KEYS:
            filters.append(parse_value(key, suffixed.group(1), raw))
    return tuple(filters), match == "any"


def override(filters: tuple[Filter, ...], replacement: Filter) -> tuple[Filter, ...]:
    """Replace a same-keyed filter (e.g. the one `search` adds to /metrics)."""
    return (*(item for item in filters if item.key != replacement.key), replacement)


def predicate(item: Filter) -> ColumnElement[bool]:
    if item.name == "eventType":
        return E.event_type.in_(item.values)
    if item.name not in DIMENSIONS:
        raise QueryError.of(item.key, f"Unknown filter: {item.name}")
    column = DIMENSIONS[item.name].column
    value = item.values[0]
    if item.operator == "eq":
        return column.in_(item.values)
    if item.operator == "neq":
        return column.not_in(item.values)
    if item.operator in ("c", "dnc"):
        found = func.strpos(func.lower(column), value.lower()) > 0
        return found if item.operator == "c" else not_(found)
    matched = column.regexp_match(value, flags="i")
    return matched if item.operator == "re" else not_(matched)


def filter_clauses(filters: tuple[Filter, ...], match_any: bool) -> list[ColumnElement[bool]]:
    """The WHERE clauses of the filters (to be AND-ed with the rest of the query)."""
    typed = [predicate(item) for item in filters if item.name == "eventType"]
    others = [predicate(item) for item in filters if item.name != "eventType"]
    clauses = [*typed]
    if others:
        clauses.append(or_(*others) if match_any else and_(*others))
    if any(item.name == "referrer" for item in filters):
        clauses.append(not_self_referral())
    return clauses
