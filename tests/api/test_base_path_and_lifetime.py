"""The API under BASE_PATH, and login tokens that expire after UMAMI_TOKEN_LIFETIME_DAYS."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import ADMIN_PASSWORD
from tests.server_process import ServerProcess

LIFETIME_SECONDS = 2.0


@pytest.fixture(scope="module")
def server(new_data_dir: Callable[[str], Path]) -> Iterator[ServerProcess]:
    process = ServerProcess(new_data_dir("base-path"), {
        "BASE_PATH": "/analytics",
        "UMAMI_TOKEN_LIFETIME_DAYS": str(LIFETIME_SECONDS / 86400),
    }).start()
    yield process
    if process.process is not None:
        process.stop()


def test_api_lives_under_base_path_and_tokens_expire(server: ServerProcess) -> None:
    base = f"{server.base_url}/analytics"
    assert httpx.post(f"{server.base_url}/api/auth/login",
                      json={"username": "admin", "password": ADMIN_PASSWORD}).status_code == 404
    login = httpx.post(f"{base}/api/auth/login",
                       json={"username": "admin", "password": ADMIN_PASSWORD})
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    created = httpx.post(f"{base}/api/websites", headers=headers,
                         json={"name": "Under a prefix", "domain": "prefix.test"})
    assert created.status_code == 200
    assert created.headers["access-control-allow-origin"] == "*"
    listed = httpx.get(f"{base}/api/websites", headers=headers).json()
    assert [row["name"] for row in listed["data"]] == ["Under a prefix"]
    time.sleep(LIFETIME_SECONDS + 0.5)
    expired = httpx.get(f"{base}/api/websites", headers=headers)
    assert expired.status_code == 401
