"""Shared fixtures: a real server on a temporary data directory, websites in its store, and one
Chromium plus one local test site for the browser tests (tracker and dashboard)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.server_process import ServerProcess
from tests.tracker.browser import Site, launch_chromium
from umami_server.storage.embedded.store import METADATA_FILE
from umami_server.storage.metadata_store import MetadataStore

# The session-wide PostgreSQL server (`postgres_server`) and per-test databases (`postgres_url`).
pytest_plugins = ["tests.postgres"]


def add_website(
    data_dir: Path, name: str = "Example", domain: str = "example.com", owner: str | None = None
) -> str:
    """A website straight in the store; `owner` is a username (None: nobody owns it)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    metadata = MetadataStore.open_sqlite(data_dir / METADATA_FILE)
    try:
        user = metadata.find_user(owner) if owner else None
        user_id = user["user_id"] if user else None
        return metadata.create_website(name, domain, user_id=user_id)["website_id"]
    finally:
        metadata.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("server") / "data").start()
    yield process
    if process.process is not None:
        process.stop()


@pytest.fixture(scope="module")
def website_id(server: ServerProcess) -> str:
    return add_website(server.data_dir)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    pages = Site()
    yield pages
    pages.close()
