"""The analytics tables as SQLAlchemy Core sees them (ids are text; the store casts them)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Float, Integer, MetaData, String, Table

from umami_server.storage.records import (
    EVENT_COLUMNS,
    EVENT_DATA_COLUMNS,
    EVENT_LINK_COLUMNS,
    EVENT_TYPE_STEP_COLUMNS,
    EVENT_VISIT_COLUMNS,
    REVENUE_COLUMNS,
    SESSION_DATA_COLUMNS,
)

_TYPES = {
    "created_at": DateTime(timezone=True),
    "date_value": DateTime(timezone=True),
    **{name: DateTime(timezone=True)
       for name in (*EVENT_LINK_COLUMNS, *EVENT_VISIT_COLUMNS) if name.endswith("_at")},
    "visit_seq": Integer(),
    "step_key": BigInteger(),
    "step_parent": BigInteger(),
    "step_root": BigInteger(),
    "type_seq": Integer(),
    "type_step_key": BigInteger(),
    "type_step_parent": BigInteger(),
    "type_step_root": BigInteger(),
    "number_value": Float(),
    "revenue": Float(),
    "lcp": Float(), "inp": Float(), "cls": Float(), "fcp": Float(), "ttfb": Float(),
    "event_type": Integer(),
    "visit_gap_seconds": Integer(),
    "data_type": Integer(),
}

metadata = MetaData()


def _table(name: str, columns: tuple[str, ...]) -> Table:
    columns_ = (Column(column, _TYPES.get(column, String())) for column in columns)
    return Table(name, metadata, *columns_)


# The link columns exist only in stores that keep them (EventStore.capabilities).
website_event = _table("website_event",
                       (*EVENT_COLUMNS, *EVENT_LINK_COLUMNS, *EVENT_VISIT_COLUMNS,
                        *EVENT_TYPE_STEP_COLUMNS))
varying_session = _table("varying_session", ("website_id", "session_id"))
event_data = _table("event_data", EVENT_DATA_COLUMNS)
session_data = _table("session_data", SESSION_DATA_COLUMNS)
revenue = _table("revenue", REVENUE_COLUMNS)
