"""What every metadata repository shares: the engine, generic row access, paging and errors."""

from __future__ import annotations

import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Table,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError

_SLUG_ALPHABET = string.ascii_letters + string.digits
# Bounds SQLite and PostgreSQL both accept for LIMIT and OFFSET, whatever page a client asks for.
_MAX_LIMIT = 2**31
_MAX_OFFSET = 2**62


class DuplicateName(ValueError):
    """A unique name (username, slug) is already taken."""


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Umami's paging query: 1-based page, page size, optional search and ordering."""

    page: int = 1
    page_size: int = 20
    search: str | None = None
    order_by: str | None = None  # a column name of the listed table
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[dict[str, Any]]
    count: int


def now() -> datetime:
    # Milliseconds, as PostgreSQL holds Umami's timestamps: what is stored is what is shown.
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def as_utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return len(value) == 36


def new_id() -> str:
    return str(uuid.uuid4())


def random_slug(length: int = 8) -> str:
    return "".join(secrets.choice(_SLUG_ALPHABET) for _ in range(length))


def primary_key(table: Table) -> Any:
    return next(iter(table.primary_key.columns))


class Repository:
    """One entity's reads and writes; rows travel as plain dicts keyed by column name."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _get(self, table: Table, row_id: str) -> dict[str, Any] | None:
        if not is_uuid(row_id):
            return None
        with self.engine.connect() as connection:
            row = connection.execute(
                select(table).where(primary_key(table) == row_id)
            ).mappings().first()
        return dict(row) if row else None

    def _first(self, table: Table, condition: ColumnElement[bool]) -> dict[str, Any] | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(table).where(condition)).mappings().first()
        return dict(row) if row else None

    def _insert(self, table: Table, row: dict[str, Any], duplicate: str = "") -> dict[str, Any]:
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(table).values(row))
        except IntegrityError as error:
            raise DuplicateName(duplicate or "a unique value is already taken") from error
        return row

    def _update(
        self, table: Table, row_id: str, values: dict[str, Any], duplicate: str = ""
    ) -> dict[str, Any] | None:
        if not is_uuid(row_id):
            return None
        if "updated_at" in table.c:
            values = {**values, "updated_at": now()}
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    update(table).where(primary_key(table) == row_id).values(values)
                )
        except IntegrityError as error:
            raise DuplicateName(duplicate or "a unique value is already taken") from error
        return self._get(table, row_id)

    def _delete(self, table: Table, row_id: str) -> bool:
        if not is_uuid(row_id):
            return False
        with self.engine.begin() as connection:
            return bool(
                connection.execute(delete(table).where(primary_key(table) == row_id)).rowcount
            )

    def _page(
        self,
        table: Table,
        conditions: list[ColumnElement[bool]],
        request: PageRequest,
        search_columns: tuple[str, ...] = (),
        default_order: tuple[str, bool] = ("name", False),
    ) -> Page:
        where = and_(true(), *conditions)
        if request.search and search_columns:
            where = and_(where, or_(*(
                table.c[name].icontains(request.search, autoescape=True)
                for name in search_columns
            )))
        order_name, descending = default_order
        if request.order_by and request.order_by in table.c:
            order_name, descending = request.order_by, request.descending
        order_column = table.c[order_name]
        order = order_column.desc() if descending else order_column.asc()
        limit = min(request.page_size, _MAX_LIMIT)
        offset = min(request.page_size * (request.page - 1), _MAX_OFFSET)
        with self.engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(table).where(where))
            rows = connection.execute(
                select(table).where(where).order_by(order, primary_key(table))
                .limit(limit).offset(offset)
            ).mappings()
            return Page([dict(row) for row in rows], int(count.scalar_one()))
