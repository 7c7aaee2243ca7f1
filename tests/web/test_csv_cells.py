"""CSV files the server hands out never start a cell with what a spreadsheet runs as a formula:
the dashboard's table, event and session exports, and the API's /export zip (real HTTP against
the real server, with event names sent through /api/send like any visitor could)."""

from __future__ import annotations

import base64
import csv
import io
import time
import zipfile

import httpx
import pytest

from tests.server_process import CHROME_UA, ServerProcess
from tests.web.conftest import api_token, create_website, logged_in_client

# What a visitor can put in an event name, each starting with a character that makes a
# spreadsheet read the cell as a formula (tab and carriage return too: some strip them first).
HOSTILE_NAMES = ["\t=1+2", "\r=1+2", "=1+2", "+1+2", "-1+2", "@SUM(1)"]


@pytest.fixture(scope="module")
def website(dashboard_server: ServerProcess) -> str:
    website_id = create_website(dashboard_server, "CSV Site", "csv.example")
    for name in [*HOSTILE_NAMES, "plain-name"]:
        answer = httpx.post(
            f"{dashboard_server.base_url}/api/send", headers={"User-Agent": CHROME_UA},
            json={"type": "event", "payload": {"website": website_id, "url": "/page",
                                               "hostname": "csv.example", "name": name}})
        assert answer.status_code == 200, answer.text
    return website_id


def _first_cells(text: str) -> list[str]:
    return [row[0] for row in csv.reader(io.StringIO(text, newline="")) if row]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _until_named(fetch: object, what: str) -> str:
    """Events become queryable once the copier ran; ask again until the plain one shows."""
    deadline = time.monotonic() + 15
    while True:
        text = fetch()  # type: ignore[operator]
        if "plain-name" in text:
            return str(text)
        assert time.monotonic() < deadline, f"the events never showed in {what}"
        time.sleep(0.3)


def _assert_neutralised(cells: list[str]) -> None:
    for name in HOSTILE_NAMES:
        assert name not in cells, (name, cells)
        assert "'" + name in cells, (name, cells)
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell


@pytest.mark.parametrize("export", ["export/event.csv", "events.csv"])
def test_dashboard_exports_neutralise_formula_cells(dashboard_server: ServerProcess,
                                                    website: str, export: str) -> None:
    client = logged_in_client(dashboard_server)
    url = f"/websites/{website}/{export}?range=24h"

    def fetch() -> str:
        answer = client.get(url)
        assert answer.status_code == 200, answer.text
        return answer.text

    _assert_neutralised(_cells(_until_named(fetch, export)))


def test_api_export_zip_neutralises_formula_cells(dashboard_server: ServerProcess,
                                                  website: str) -> None:
    token = api_token(dashboard_server)
    now = int(time.time() * 1000)

    def fetch() -> str:
        answer = httpx.get(f"{dashboard_server.base_url}/api/websites/{website}/export",
                           params={"startAt": now - 86_400_000, "endAt": now + 60_000},
                           headers={"authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
        files = zipfile.ZipFile(io.BytesIO(base64.b64decode(answer.json()["zip"])))
        return files.read("events.csv").decode()

    _assert_neutralised(_first_cells(_until_named(fetch, "/export")))
