"""The data directory is its owner's only: 0700, and every database and log file in it 0600."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import add_website
from tests.server_process import CHROME_UA, ServerProcess


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """The umask the server process starts with (a usual login shell has 022)."""
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def modes(data_dir: Path) -> dict[str, int]:
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in data_dir.iterdir()}


def collect_and_wait(server: ServerProcess, website: str) -> None:
    with server.client() as client:
        for index in range(20):
            response = client.post(
                "/api/send", headers={"User-Agent": CHROME_UA},
                json={"type": "event", "payload": {"website": website, "url": f"/m{index}"}})
            assert response.status_code == 200
    time.sleep(1)  # lets the copier write DuckDB's .wal (it copies every 100 ms in tests)


def test_new_data_dir_and_every_file_in_it_are_private(tmp_path):
    data_dir = tmp_path / "data"
    with umask(0o022):
        server = ServerProcess(data_dir, {"APP_SECRET": ""}).start()
    try:
        collect_and_wait(server, add_website(data_dir))
        files = modes(data_dir)
        # The side files exist while the server runs, so their modes are checked too.
        for name in ("metadata.sqlite", "metadata.sqlite-wal", "ingest-log.sqlite",
                     "ingest-log.sqlite-wal", "ingest-log.sqlite-shm", "analytics.duckdb",
                     "analytics.duckdb.wal", "app-secret"):
            assert name in files, (name, sorted(files))
        assert {name: mode for name, mode in files.items() if mode != 0o600} == {}
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    finally:
        server.stop()


def test_loose_permissions_of_an_existing_data_dir_are_tightened_at_start(tmp_path):
    data_dir = tmp_path / "data"
    with umask(0o022):
        server = ServerProcess(data_dir).start()
        collect_and_wait(server, add_website(data_dir))
        server.stop()
        # As an older version (or a copy with cp -r) left them.
        data_dir.chmod(0o755)
        for path in data_dir.iterdir():
            path.chmod(0o644)
        server.start()
    try:
        collect_and_wait(server, add_website(data_dir, "Second", "second.example"))
        assert {name: mode for name, mode in modes(data_dir).items() if mode != 0o600} == {}
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    finally:
        server.stop()
    assert "readable by others" in server.output()
