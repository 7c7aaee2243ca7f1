"""A real server fed with the recorded sends; the query layer then reads the store it wrote."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import add_website
from tests.queries.examples import main_flow, replay, timezone_flow, write_geo_database
from tests.server_process import running_server
from umami_server.storage.embedded.analytics_db import AnalyticsDatabase


@dataclass
class RecordedStore:
    database: AnalyticsDatabase
    main: str
    tz: str


@pytest.fixture(scope="package")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordedStore]:
    root = tmp_path_factory.mktemp("recorded")
    data_dir = root / "data"
    main = add_website(data_dir, "Reference Site", "example.com")
    tz = add_website(data_dir, "TZ Site", "tz.example.com")
    geo = write_geo_database(root / "City.mmdb")
    with running_server(data_dir, {"GEOLITE_DB_PATH": str(geo)}) as server:
        replay(server.base_url, main_flow(main))
        replay(server.base_url, timezone_flow(tz))
    database = AnalyticsDatabase(Path(data_dir) / "analytics.duckdb")
    yield RecordedStore(database, main, tz)
    database.close()
