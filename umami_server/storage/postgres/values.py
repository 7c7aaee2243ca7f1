"""Values PostgreSQL cannot take as a request sends them, made safe on the way in.

PostgreSQL's text (and jsonb's strings) cannot hold U+0000, which a URL, a form or a JSON body
can carry; psycopg then refuses the whole statement. The store writes U+FFFD (the replacement
character) in its place, in writes and lookups alike, so a value stored that way is found again
by the same spelling, and no request fails on it. Values the database still refuses (an id that
is not a UUID compared with a uuid column) become `InvalidQuery` (storage/postgres/errors.py).
"""

from __future__ import annotations

import json
from typing import Any

import psycopg
from psycopg.abc import Buffer
from psycopg.types.string import (
    StrBinaryDumper,
    StrBinaryDumperName,
    StrBinaryDumperVarchar,
    StrDumper,
    StrDumperName,
    StrDumperUnknown,
    StrDumperVarchar,
)

NUL = "\x00"
REPLACEMENT = "\ufffd"


def without_nul(text: str) -> str:
    return text.replace(NUL, REPLACEMENT) if NUL in text else text


def _nul_free(value: Any) -> Any:
    if isinstance(value, str):
        return without_nul(value)
    if isinstance(value, dict):
        return {_nul_free(key): _nul_free(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_nul_free(item) for item in value]
    return value


def json_text(value: Any) -> str:
    """JSON for a jsonb column: jsonb refuses the escape \\u0000 as well."""
    return json.dumps(_nul_free(value))


def _nul_free_dumper(base: type[Any]) -> type[Any]:
    class NulFreeDumper(base):  # type: ignore[misc, valid-type]
        def dump(self, obj: str) -> Buffer | None:
            result: Buffer | None = super().dump(without_nul(obj))
            return result

    return NulFreeDumper


# In psycopg's own order: the last registered is the default for str parameters.
_TEXT_DUMPERS = tuple(_nul_free_dumper(base) for base in (
    StrBinaryDumperName, StrBinaryDumperVarchar, StrBinaryDumper,
    StrDumperName, StrDumperVarchar, StrDumper, StrDumperUnknown,
))


def accept_any_text(connection: psycopg.Connection[Any]) -> None:
    """str parameters of this connection are sent with U+0000 replaced."""
    for dumper in _TEXT_DUMPERS:
        connection.adapters.register_dumper(str, dumper)
