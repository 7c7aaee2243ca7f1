"""Fixtures of the dashboard tests: one real server on each store, Debian's Chromium, a local
test site, and helpers to log in through the login form."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page

from tests.conftest import STORE_BACKENDS, data_dirs_on
from tests.server_process import ServerProcess

ADMIN_PASSWORD = "admin-password-for-tests"
ARTIFACTS = Path(__file__).parent / "artifacts"
# Where screenshot() writes: a folder per store, so that one store's run keeps the other's.
_screenshots = {"folder": ARTIFACTS}


# One dashboard server per store for the whole session, not one per module: starting a server
# and logging the browser in dominate these tests' time. Being a session-scoped parameter,
# pytest runs every dashboard test on the embedded store first, then all of them on PostgreSQL.
@pytest.fixture(scope="session", params=STORE_BACKENDS)
def dashboard_store(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def dashboard_data_dir(
    dashboard_store: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], Path]]:
    """Makes data directories on the dashboard tests' current store."""
    with data_dirs_on(dashboard_store, tmp_path_factory, request) as make:
        yield make


@pytest.fixture(scope="session")
def dashboard_server(dashboard_store: str,
                     dashboard_data_dir: Callable[[str], Path]) -> Iterator[ServerProcess]:
    _screenshots["folder"] = ARTIFACTS / dashboard_store
    process = ServerProcess(dashboard_data_dir("web")).start()
    yield process
    if process.process is not None:
        process.stop()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def logged_in_client(server: ServerProcess, username: str = "admin",
                     password: str = ADMIN_PASSWORD) -> httpx.Client:
    client = server.client(follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"csrf": token, "username": username,
                                         "password": password})
    assert answer.status_code == 303, answer.text
    return client


def api_token(server: ServerProcess) -> str:
    answer = httpx.post(f"{server.base_url}/api/auth/login",
                        json={"username": "admin", "password": ADMIN_PASSWORD})
    return answer.json()["token"]


def create_website(server: ServerProcess, name: str, domain: str) -> str:
    """A website made through the REST API; its id."""
    made = httpx.post(f"{server.base_url}/api/websites",
                      headers={"authorization": f"Bearer {api_token(server)}"},
                      json={"name": name, "domain": domain})
    assert made.status_code == 200, made.text
    website_id: str = made.json()["id"]
    return website_id


def reload_until(page: Page, url: str, ready: Callable[[Page], bool], what: str,
                 timeout: float = 10.0) -> None:
    """Open `url` again until `ready` holds: hits become queryable only after the copier ran."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(url)
        if ready(page):
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{what} never happened on {url}")
        time.sleep(0.3)


def log_in(context: BrowserContext, server: ServerProcess, username: str = "admin",
           password: str = ADMIN_PASSWORD) -> Page:
    page = context.new_page()
    page.goto(f"{server.base_url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/websites")
    return page


def screenshot(page: Page, name: str) -> None:
    folder = _screenshots["folder"]
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
