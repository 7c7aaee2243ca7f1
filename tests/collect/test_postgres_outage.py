"""The PostgreSQL store when its database goes away and comes back, and when commits are slow.

PostgreSQL only, by nature: the embedded store has no database server to lose, and its own
kill -9 test is tests/storage/test_durability.py (which runs on both stores). These tests run on a
cluster of their own (tests/postgres.py), since stopping the session's shared one would pull the
floor from under every other module's server.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.api.conftest import ADMIN_PASSWORD, login
from tests.conftest import add_website
from tests.postgres import PostgresServer
from tests.server_process import CHROME_UA, ServerProcess, postgres_rows, use_database
from tests.web.conftest import logged_in_client


@pytest.fixture(scope="module")
def own_postgres(postgres_server: PostgresServer) -> Iterator[PostgresServer]:
    # postgres_server only lends its binaries (and its skip when there are none).
    cluster = PostgresServer(postgres_server.bindir).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def served(own_postgres: PostgresServer, tmp_path: Path) -> Iterator[ServerProcess]:
    data_dir = tmp_path / "data"
    use_database(data_dir, own_postgres.create_database())
    server = ServerProcess(data_dir).start()
    yield server
    if not _is_up(own_postgres):  # a test that failed during its outage
        own_postgres.come_back()
    if server.process is not None:
        server.stop()


HITS = 40


def _is_up(cluster: PostgresServer) -> bool:
    try:
        psycopg.connect(cluster.url(), connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


def send(server: ServerProcess, website: str, path: str, ip: str = "81.2.69.7") -> httpx.Response:
    return httpx.post(f"{server.base_url}/api/send", timeout=20, headers={
        "User-Agent": CHROME_UA, "X-Forwarded-For": ip},
        json={"type": "event", "payload": {"website": website, "url": path}})


def stored_paths(server: ServerProcess, website: str) -> list[str]:
    assert server.database_url
    rows = postgres_rows(server.database_url, "SELECT url_path FROM website_event "
                         "WHERE website_id = ? ORDER BY created_at", [website])
    return [path for (path,) in rows]


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert int(response.headers["retry-after"]) > 0
    error = response.json()["error"]
    assert error["status"] == 503 and error["code"] and error["message"]


def test_collection_answers_503_while_postgresql_is_down_and_recovers(
        served: ServerProcess, own_postgres: PostgresServer) -> None:
    website = add_website(served.data_dir)
    unseen = add_website(served.data_dir, "Unseen", "unseen.test")
    assert send(served, website, "/before").status_code == 200
    own_postgres.go_down()
    assert_unavailable(send(served, website, "/during"))
    # The server has not looked this website up yet: the lookup meets the outage, not the write.
    assert_unavailable(send(served, unseen, "/during"))
    with served.client() as client:
        assert_unavailable(client.post("/api/batch", headers={"User-Agent": CHROME_UA}, json=[
            {"type": "event", "payload": {"website": website, "url": "/during-batch"}}]))
    own_postgres.come_back()
    assert send(served, website, "/after").status_code == 200
    assert stored_paths(served, website) == ["/before", "/after"]
    assert "Traceback" not in served.output()


def test_the_management_api_answers_503_while_postgresql_is_down(
        served: ServerProcess, own_postgres: PostgresServer) -> None:
    admin = login(served, "admin", ADMIN_PASSWORD)
    website = admin.ok("POST", "/api/websites", {"name": "Down", "domain": "down.test"})["id"]
    own_postgres.go_down()
    assert_unavailable(admin.get("/api/websites"))
    assert_unavailable(admin.get(f"/api/websites/{website}/stats?startAt=0&endAt=1"))
    assert_unavailable(admin.post("/api/websites", {"name": "Lost", "domain": "lost.test"}))
    assert_unavailable(httpx.post(f"{served.base_url}/api/auth/login", timeout=20,
                                  json={"username": "admin", "password": ADMIN_PASSWORD}))
    own_postgres.come_back()
    assert [row["id"] for row in admin.ok("GET", "/api/websites")["data"]] == [website]
    assert "Traceback" not in served.output()


def test_dashboard_pages_answer_503_while_postgresql_is_down_and_keep_the_login(
        served: ServerProcess, own_postgres: PostgresServer) -> None:
    browser = logged_in_client(served)
    assert browser.get("/websites").status_code == 200
    own_postgres.go_down()
    try:
        page = browser.get("/websites")
        assert page.status_code == 503
        assert "cannot be reached" in page.text and page.headers["retry-after"]
        assert "set-cookie" not in page.headers  # an outage is not a logout
    finally:
        own_postgres.come_back()
    assert browser.get("/websites").status_code == 200
    assert "Traceback" not in served.output()


def test_connections_postgresql_closed_cost_no_hit(served: ServerProcess) -> None:
    admin = login(served, "admin", ADMIN_PASSWORD)
    website = admin.ok("POST", "/api/websites", {"name": "Cut", "domain": "cut.test"})["id"]
    assert send(served, website, "/first").status_code == 200
    stats = f"/api/websites/{website}/stats?startAt=0&endAt={int(time.time() + 60) * 1000}"
    assert admin.ok("GET", stats)["pageviews"] == 1
    assert served.database_url
    name = served.database_url.rsplit("/", 1)[1]
    with psycopg.connect(served.database_url.rsplit("/", 1)[0] + "/postgres",
                         autocommit=True) as db:
        ended = db.execute("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                           "FROM pg_stat_activity WHERE datname = %s", [name]).fetchone()
    assert ended and ended[0] >= 1
    assert send(served, website, "/second").status_code == 200
    assert [row["id"] for row in admin.ok("GET", "/api/websites")["data"]] == [website]
    assert admin.ok("GET", stats)["pageviews"] == 2
    assert stored_paths(served, website) == ["/first", "/second"]


def test_no_hit_is_acknowledged_before_postgresql_committed_it(served: ServerProcess) -> None:
    """kill -9 right after the last answer loses nothing. Every commit is made slow, so an answer
    given before its commit returned would reach the client while the commit is still running,
    and the kill would take it away."""
    website = add_website(served.data_dir)
    assert served.database_url
    with psycopg.connect(served.database_url, autocommit=True) as db:
        db.execute("CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN PERFORM pg_sleep(0.3); RETURN NULL; END $$")
        db.execute("CREATE TRIGGER slow_commit AFTER INSERT ON website_event "
                   "FOR EACH STATEMENT EXECUTE FUNCTION slow_commit()")

    def hit(index: int) -> str | None:
        path = f"/acknowledged/{index}"
        answer = send(served, website, path, ip=f"81.2.69.{index % 200 + 1}")
        return path if answer.status_code == 200 else None

    with ThreadPoolExecutor(8) as pool:
        acknowledged = [path for path in pool.map(hit, range(HITS)) if path]
    served.kill()
    assert len(acknowledged) == HITS
    assert sorted(stored_paths(served, website)) == sorted(acknowledged)
