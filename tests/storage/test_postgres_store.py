"""DATABASE_URL read as Umami reads it: `postgres://` and `?schema=`, and refusals a person can act
on. The server is started for real on the test session's PostgreSQL."""

from __future__ import annotations

import subprocess
import sys

import httpx
import psycopg
import pytest

from tests.server_process import TEST_SECRET, ServerProcess, use_database


def test_a_schema_parameter_puts_everything_in_that_schema(tmp_path, postgres_url):
    url = postgres_url.replace("postgresql://", "postgres://") + "?schema=analytics"
    data_dir = tmp_path / "data"
    use_database(data_dir, url)
    server = ServerProcess(data_dir).start()
    try:
        login = httpx.post(f"{server.base_url}/api/auth/login",
                           json={"username": "admin", "password": "admin-password-for-tests"})
        assert login.status_code == 200
    finally:
        server.stop()
    with psycopg.connect(postgres_url) as db:
        schemas = dict(db.execute(
            "SELECT table_name, table_schema FROM information_schema.tables "
            "WHERE table_name IN ('website_event', 'user', '_prisma_migrations', "
            "'umami_server_auth_token')").fetchall())
    assert schemas == {"website_event": "analytics", "user": "analytics",
                       "_prisma_migrations": "analytics", "umami_server_auth_token": "analytics"}


@pytest.mark.parametrize(("url_of", "message"), [
    (lambda url: "mysql://user:secret@localhost/umami", "not a PostgreSQL URL"),
    (lambda url: url + "?schema=a;b", "names the schema"),
    (lambda url: url.rsplit(":", 1)[0] + ":1/nowhere", "cannot connect to PostgreSQL"),
])
def test_a_database_url_we_cannot_use_stops_start_with_one_line(tmp_path, postgres_url,
                                                                url_of, message):
    env = {"DATABASE_URL": url_of(postgres_url), "APP_SECRET": TEST_SECRET, "PATH": "/usr/bin"}
    finished = subprocess.run(
        [sys.executable, "-m", "umami_server.cli", "serve", "--port", "0",
         "--data-dir", str(tmp_path / "data")],
        env=env, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 1
    assert message in finished.stderr
    assert "Traceback" not in finished.stderr and "secret" not in finished.stderr
