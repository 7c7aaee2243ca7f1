"""A full disk: collection answers 503 with Retry-After, changes a clear 503, the log says so once a
minute instead of a traceback per hit, the server restarts read-only, recovers by itself when
space is back, and every acknowledged hit is stored.

Two ways to fill the disk: a real 20 MB tmpfs (needs root with the right to mount; skipped
otherwise) and, everywhere, SQLite databases that may not grow (tests/storage/
simulated_full_disk), which give SQLite's own "database or disk is full".
"""

from __future__ import annotations

import errno
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import ADMIN_PASSWORD
from tests.conftest import add_website
from tests.server_process import CHROME_UA, ServerProcess

SIMULATION_DIR = Path(__file__).parent / "simulated_full_disk"
DISK_FULL_LINE = "no space left in the data directory"


@dataclass
class Traffic:
    server: ServerProcess
    website: str
    acknowledged: list[str] = field(default_factory=list)
    sent: int = 0

    def hit(self) -> httpx.Response:
        """One pageview; its path is remembered when the server acknowledged it."""
        self.sent += 1
        path = f"/hit/{self.sent}"
        with self.server.client() as client:
            response = client.post(
                "/api/send", headers={"User-Agent": CHROME_UA},
                json={"type": "event", "payload": {"website": self.website, "url": path}})
        if response.status_code == 200:
            self.acknowledged.append(path)
        return response


def assert_disk_full_answer(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "disk-full"
    assert int(response.headers["retry-after"]) > 0


def hits_while_full(traffic: Traffic, refusals: int, limit: int = 1000) -> None:
    """Hits on a full disk are stored (2xx) or refused with 503 + Retry-After; some are refused
    (the first may still fit in pages the databases had free)."""
    refused = 0
    for _ in range(limit):
        response = traffic.hit()
        if response.status_code != 200:
            assert_disk_full_answer(response)
            refused += 1
            if refused == refusals:
                return
    pytest.fail(f"only {refused} of {limit} hits were refused on a full disk")


def login(server: ServerProcess) -> httpx.Client:
    response = httpx.post(f"{server.base_url}/api/auth/login", timeout=20,
                          json={"username": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code == 200, response.text
    return httpx.Client(base_url=server.base_url, timeout=20,
                        headers={"Authorization": f"Bearer {response.json()['token']}"})


def run_full_disk_scenario(tmp_path: Path, data_dir: Path, env: dict[str, str],
                           fill: Callable[[], None], free: Callable[[], None],
                           space_is_measurable: bool) -> None:
    website = add_website(data_dir)
    # The first hits are still only in the ingest log when the disk fills, so the restart on a
    # full disk has them to replay into DuckDB (which used to stop the start).
    server = ServerProcess(data_dir, {**env, "UMAMI_COPY_INTERVAL_MS": "20000"})
    server.output_path = tmp_path / "server.log"  # not on the disk that fills up
    server.start()
    traffic = Traffic(server, website)
    stats = f"/api/websites/{website}/stats?startAt=0&endAt={int(time.time() + 3600) * 1000}"
    try:
        admin = login(server)  # before the disk fills: a login saves its session
        for _ in range(50):
            assert traffic.hit().status_code == 200
        fill()
        log_before = len(server.output())
        hits_while_full(traffic, 200)
        # Changes through the API get a clear 503 (a few may still fit in a page with room).
        for attempt in range(300):
            created = admin.post("/api/websites", json={"name": f"w{attempt}", "domain": "x.test"})
            if created.status_code != 200:
                assert_disk_full_answer(created)
                break
        else:
            pytest.fail("creating websites never failed on a full disk")
        assert admin.get(stats).status_code == 200  # queries keep working
        logged = server.output()[log_before:]
        assert "Traceback" not in logged
        assert logged.count(DISK_FULL_LINE) <= 3, logged
        assert len(logged) < 10_000

        # Restart while the disk is still full: it comes up and answers queries.
        server.stop()
        fill()  # what the shutdown freed (SQLite's -wal and -shm files) is taken again
        server.start()
        if space_is_measurable:  # the simulation fills no disk that start-up could measure
            restart_log = server.output()[log_before:]
            assert "starting read-only" in restart_log
            assert "released the 1048576 bytes reserved" in restart_log
            fill()  # the space it released to open is taken by something else again
        assert admin.get(stats).status_code == 200
        hits_while_full(traffic, 20)

        # Space comes back: collection resumes by itself, no restart needed.
        free()
        deadline = time.monotonic() + 20
        while traffic.hit().status_code != 200:
            assert time.monotonic() < deadline, "collection did not resume once space was back"
            time.sleep(0.2)
        for _ in range(20):
            assert traffic.hit().status_code == 200
        assert admin.post("/api/websites", json={"name": "after", "domain": "x.test"}
                          ).status_code == 200
        admin.close()
    finally:
        if server.process is not None:
            server.stop()
    assert "space is back" in server.output()
    stored = {path for (path,) in server.rows(
        "SELECT url_path FROM website_event WHERE website_id = ?", [website])}
    missing = [path for path in traffic.acknowledged if path not in stored]
    assert missing == [], f"{len(missing)} of {len(traffic.acknowledged)} acknowledged hits lost"
    assert len(stored) == len(traffic.acknowledged)


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the simulated full disk test runs instead")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs",
                              str(mount_point)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); "
                    "the simulated full disk test runs instead")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill_up(directory: Path) -> None:
    """Write a file until the file system has no block left."""
    with (directory / "filler").open("ab", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError as error:
            assert error.errno == errno.ENOSPC
        try:
            while True:  # the last partial block
                filler.write(b"\0" * 512)
        except OSError as error:
            assert error.errno == errno.ENOSPC


def test_full_tmpfs(tmp_path: Path, small_tmpfs: Path) -> None:
    run_full_disk_scenario(
        tmp_path, small_tmpfs / "data", {},
        fill=lambda: fill_up(small_tmpfs),
        free=lambda: (small_tmpfs / "filler").unlink(), space_is_measurable=True,
    )


def test_simulated_full_disk(tmp_path: Path) -> None:
    marker = tmp_path / "disk-is-full"
    env = {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SIMULATION_DIR),
                                                    os.environ.get("PYTHONPATH")])),
        "SIMULATED_FULL_DISK_MARKER": str(marker),
    }
    run_full_disk_scenario(tmp_path, tmp_path / "data", env,
                           fill=marker.touch, free=marker.unlink, space_is_measurable=False)
