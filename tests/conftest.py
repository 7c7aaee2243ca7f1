"""Shared fixtures: a real server on a temporary data directory, websites in its store, and one
Chromium plus one local test site for the browser tests (tracker and dashboard)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.server_process import ServerProcess, database_url_of, use_database
from tests.tracker.browser import Site, launch_chromium
from umami_server.config import Settings
from umami_server.storage.metadata_store import MetadataStore
from umami_server.storage.opening import open_metadata

# The session-wide PostgreSQL server (`postgres_server`) and per-test databases (`postgres_url`).
pytest_plugins = ["tests.postgres"]


def metadata_of(data_dir: Path) -> MetadataStore:
    """The metadata of the server on `data_dir`, on whichever store it runs, opened beside it as
    an administrator's command would: for rows the API refuses to write, or writes otherwise."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return open_metadata(Settings(data_dir=data_dir, database_url=database_url_of(data_dir)))


def add_website(
    data_dir: Path, name: str = "Example", domain: str = "example.com", owner: str | None = None
) -> str:
    """A website straight in the store; `owner` is a username (None: nobody owns it)."""
    metadata = metadata_of(data_dir)
    try:
        user = metadata.find_user(owner) if owner else None
        user_id = user["user_id"] if user else None
        return metadata.create_website(name, domain, user_id=user_id)["website_id"]
    finally:
        metadata.close()


# Every store the server can run on. Fixtures that take `new_data_dir` run their module once
# per store: the same tests, through the same HTTP, against each backend.
STORE_BACKENDS = ("embedded", "postgres")


@pytest.fixture(scope="module", params=STORE_BACKENDS)
def store_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def data_dirs_on(
    store: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], Path]]:
    """Makes data directories of servers-to-be on `store`: on PostgreSQL each comes with an
    empty database of its own, which `ServerProcess` and `add_website` use, dropped on exit."""
    databases: list[str] = []
    # Asked for now, while the calling fixture is being set up, so that pytest tears the
    # PostgreSQL server down after it (and its databases), not before.
    postgres = request.getfixturevalue("postgres_server") if store == "postgres" else None

    def make(name: str) -> Path:
        data_dir = tmp_path_factory.mktemp(name) / "data"
        if postgres is not None:
            databases.append(postgres.create_database())
            use_database(data_dir, databases[-1])
        return data_dir

    try:
        yield make
    finally:
        for url in databases if postgres is not None else ():
            postgres.drop_database(url)


@pytest.fixture(scope="module")
def new_data_dir(
    store_backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], Path]]:
    """Makes the data directory of a server-to-be on the module's store."""
    with data_dirs_on(store_backend, tmp_path_factory, request) as make:
        yield make


@pytest.fixture(scope="module")
def server(new_data_dir: Callable[[str], Path]) -> Iterator[ServerProcess]:
    process = ServerProcess(new_data_dir("server")).start()
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
