"""One real server per module: the recorded sends replayed into it, and an admin logged in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.api.conftest import ADMIN_PASSWORD, Api, login
from tests.conftest import add_website
from tests.queries.examples import (
    CHROME,
    FIREFOX,
    NOW,
    main_flow,
    replay,
    timezone_flow,
    write_geo_database,
)
from tests.server_process import ServerProcess


def purchases(site: str) -> list:
    """Two buyers (one in EUR) and a visitor who only looks."""
    def hit(name: str | None, data: dict | None = None) -> dict:
        payload = {"website": site, "hostname": "shop.example.com", "url": "/cart",
                   "timestamp": NOW - 60}
        if name:
            payload.update(name=name, data=data)
        return {"type": "event", "payload": payload}

    return [
        (CHROME, "81.2.69.142", hit(None), False),
        (CHROME, "81.2.69.142", hit("checkout", {"revenue": 19.5, "currency": "USD"}), False),
        (FIREFOX, "2.125.160.216", hit("checkout", {"revenue": 5, "currency": "EUR"}), False),
        (FIREFOX, "89.160.20.112", hit(None), False),
    ]


@dataclass
class Recorded:
    server: ServerProcess
    admin: Api
    main: str
    tz: str
    live: str
    shop: str


@pytest.fixture(scope="module")
def recorded(new_data_dir: Callable[[str], Path]) -> Iterator[Recorded]:
    data_dir = new_data_dir("analytics")
    root = data_dir.parent
    main = add_website(data_dir, "Reference Site", "example.com")
    tz = add_website(data_dir, "TZ Site", "tz.example.com")
    live = add_website(data_dir, "Live Site", "example.com")
    shop = add_website(data_dir, "Shop", "shop.example.com")
    geo = write_geo_database(root / "City.mmdb")
    server = ServerProcess(data_dir, {"GEOLITE_DB_PATH": str(geo)}).start()
    try:
        replay(server.base_url, main_flow(main))
        replay(server.base_url, timezone_flow(tz))
        # The same visitors again, happening now, for /realtime and /active.
        replay(server.base_url, main_flow(live), drop_timestamps=True)
        replay(server.base_url, purchases(shop))
        yield Recorded(server, login(server, "admin", ADMIN_PASSWORD), main, tz, live, shop)
    finally:
        if server.process is not None:
            server.stop()
