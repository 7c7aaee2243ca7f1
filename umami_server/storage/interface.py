"""The storage contract in one place: what collection, queries and the API may ask of a backend.

Every backend (the embedded DuckDB store now; PostgreSQL and ClickHouse later) implements
`EventStore`; configuration rows go through `MetadataStore`, which is written once in SQLAlchemy
Core and shared by all backends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.sql import ClauseElement

from umami_server.storage.errors import InvalidQuery, QueryTooLarge, StoreLocked
from umami_server.storage.metadata_store import MetadataStore
from umami_server.storage.records import IngestEntry

__all__ = ["EventStore", "InvalidQuery", "QueryTooLarge", "Store", "StoreCapabilities",
           "StoreLocked"]


@dataclass(frozen=True, slots=True)
class StoreCapabilities:
    """What a store's event rows keep beyond Umami's columns. The query planner
    (queries/planner.py) reads only these to choose linked counts or grouped definitions; a
    store that keeps nothing extra answers every query from the base columns."""

    # records.EVENT_LINK_COLUMNS and the varying_session table: distinct sessions, visits,
    # bounces and total time as plain counts (queries/linked.py).
    predecessor_links: bool = False
    # records.EVENT_VISIT_COLUMNS: each row's position, step keys and path links in its visit
    # (journeys, first/last rows of a visit, per-path visits).
    visit_links: bool = False
    # records.EVENT_TYPE_STEP_COLUMNS: the same steps per visit and event type.
    type_steps: bool = False
    # Visitor attributes have one value per session (Umami's PostgreSQL schema keeps them on
    # `session`), so a filter on them keeps or drops each session whole. Where they are copied
    # onto every row, a store with predecessor links lists the sessions whose rows disagree.
    fixed_session_attributes: bool = False


class EventStore(Protocol):
    """Durable event writes plus analytics reads."""

    capabilities: StoreCapabilities

    async def write(self, entries: Sequence[IngestEntry]) -> None:
        """Return only once every entry is durable; raise IngestQueueFull under overload."""
        ...

    def query(self, statement: ClauseElement) -> list[tuple[Any, ...]]:
        """Run one read-only statement, compiled with the store's own dialect, and return its
        rows. Raise QueryTooLarge when it needs more memory than the store may use and
        InvalidQuery when the database refuses the statement's input."""
        ...

    def wait_until_visible(self, timeout: float) -> bool:
        """Block until everything acknowledged so far can be queried."""
        ...

    def delete_website_data(self, website_ids: Sequence[str]) -> None:
        """Delete every stored event, session and datum of these websites (delete or reset)."""
        ...

    def close(self) -> None: ...


class Store(Protocol):
    events: EventStore
    metadata: MetadataStore

    def close(self) -> None: ...
