"""An acknowledged event survives kill -9; replaying the log after a crash duplicates nothing.

Both stores make this promise ("acknowledged = committed"): the embedded one by its log, the
PostgreSQL one by answering only after the transaction holding the hit has committed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import add_website
from tests.server_process import CHROME_UA, ServerProcess

EVENTS = 600
WORKERS = 16


def send_all(server: ServerProcess, website: str, prefix: str) -> list[str]:
    def worker(offset: int) -> list[str]:
        acknowledged = []
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            for index in range(offset, EVENTS, WORKERS):
                path = f"/{prefix}/{index}"
                response = client.post(
                    "/api/send",
                    json={"type": "event", "payload": {"website": website, "url": path}},
                    headers={"User-Agent": CHROME_UA, "X-Forwarded-For": f"81.2.{index % 250}.9"},
                )
                if response.status_code == 200:
                    acknowledged.append(path)
        return acknowledged

    with ThreadPoolExecutor(WORKERS) as pool:
        return [path for chunk in pool.map(worker, range(WORKERS)) for path in chunk]


def test_kill_nine_right_after_the_last_acknowledgement_loses_nothing(new_data_dir):
    data_dir = new_data_dir("killed")
    website = add_website(data_dir)
    server = ServerProcess(data_dir).start()
    acknowledged = send_all(server, website, "durable")
    server.kill()
    assert len(acknowledged) == EVENTS

    # The embedded store's restart replays its log into DuckDB; a second crash and restart must
    # not add copies (on PostgreSQL there is nothing to replay, and nothing may change either).
    server.start()
    server.kill()
    server.start()
    server.stop()
    stored = server.rows(
        "SELECT url_path, count(*) FROM website_event WHERE website_id = ? GROUP BY url_path",
        [website],
    )
    assert sorted(path for path, _ in stored) == sorted(acknowledged)
    assert all(copies == 1 for _, copies in stored)
    sessions = server.rows(
        "SELECT count(*), count(DISTINCT session_id) FROM session WHERE website_id = ?", [website])
    assert sessions[0][0] == sessions[0][1] == 250


def test_graceful_stop_keeps_everything_too(new_data_dir):
    data_dir = new_data_dir("stopped")
    website = add_website(data_dir)
    server = ServerProcess(data_dir).start()
    acknowledged = send_all(server, website, "graceful")
    assert server.stop() in (0, -15)
    assert "Traceback" not in server.output()
    (count,) = server.rows(
        "SELECT count(*) FROM website_event WHERE website_id = ?", [website])[0]
    assert count == len(acknowledged) == EVENTS
