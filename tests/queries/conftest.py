"""A real server fed with the recorded sends; the query layer then reads the store it wrote, on
each store (tests/conftest.py `store_backend`): the embedded one, and PostgreSQL on Umami's
schema."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import add_website
from tests.queries.examples import main_flow, replay, timezone_flow, write_geo_database
from tests.server_process import database_url_of, running_server
from umami_server.config import Settings
from umami_server.storage.interface import EventStore, Store
from umami_server.storage.opening import open_store


def open_written_store(data_dir: Path) -> Store:
    """The store of `data_dir` (or of the PostgreSQL database registered for it), opened as the
    server opens it; no server may be running on it."""
    return open_store(Settings(data_dir=data_dir, database_url=database_url_of(data_dir),
                               duckdb_threads=1, duckdb_memory_limit="256MB"))


@dataclass
class RecordedStore:
    database: EventStore
    main: str
    tz: str


@pytest.fixture(scope="module")
def recorded(new_data_dir: Callable[[str], Path]) -> Iterator[RecordedStore]:
    data_dir = new_data_dir("recorded")
    main = add_website(data_dir, "Reference Site", "example.com")
    tz = add_website(data_dir, "TZ Site", "tz.example.com")
    geo = write_geo_database(data_dir.parent / "City.mmdb")
    with running_server(data_dir, {"GEOLITE_DB_PATH": str(geo)}) as server:
        replay(server.base_url, main_flow(main))
        replay(server.base_url, timezone_flow(tz))
    store = open_written_store(data_dir)
    yield RecordedStore(store.events, main, tz)
    store.close()
