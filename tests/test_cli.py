"""The command line: help, first start, admin commands beside a running server, clear errors.

Tests taking `new_data_dir` run on both stores: on PostgreSQL the commands get the server's
DATABASE_URL, as an operator's shell would have it.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.conftest import metadata_of
from tests.postgres import PostgresServer
from tests.server_process import CHROME_UA, ServerProcess, database_url_of, free_port
from umami_server.storage.postgres.schema import create_umami_schema, postgres_engine

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def cli(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "umami_server.cli", *arguments],
        capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})},
    )


def store_env(data_dir: Path) -> dict[str, str]:
    """What a command needs to reach the store of the server on `data_dir`."""
    url = database_url_of(data_dir)
    return {"DATABASE_URL": url} if url else {}


def test_help_lists_the_commands():
    result = cli("--help")
    assert result.returncode == 0
    for command in ("serve", "create-user", "add-website", "add-pixel", "add-link",
                    "dropped-hits"):
        assert command in result.stdout
    assert "--data-dir" in cli("serve", "--help").stdout


def test_first_start_creates_admin_secret_and_prints_password_once(new_data_dir, store_backend):
    data_dir = new_data_dir("first-start")
    env = {"APP_SECRET": "", "UMAMI_ADMIN_PASSWORD": ""}
    server = ServerProcess(data_dir, env)
    server.env.pop("APP_SECRET")
    server.env.pop("UMAMI_ADMIN_PASSWORD")
    server.start()
    server.stop()
    first_output = server.output()
    assert re.search(r"username 'admin', password '[^']{12,}'", first_output)
    secret_file = data_dir / "app-secret"
    if store_backend == "postgres":
        # Without APP_SECRET, Umami's own fallback: DATABASE_URL is the secret, nothing is kept.
        assert not secret_file.exists()
    else:
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        # The directory holds password and token hashes: its owner only.
        assert stat.S_IMODE(data_dir.stat().st_mode) & 0o077 == 0
    secret = secret_file.read_text() if secret_file.exists() else None
    server.start()
    server.stop()
    assert server.output().count("username 'admin'") == 1
    assert (secret_file.read_text() if secret_file.exists() else None) == secret
    duplicate = cli("create-user", "admin", "--password", "x", "--data-dir", str(data_dir),
                    env=store_env(data_dir))
    assert duplicate.returncode == 1
    assert "already exists" in duplicate.stderr


def test_admin_commands_work_while_the_server_runs(new_data_dir, store_backend):
    data_dir = new_data_dir("admin-commands")
    env = store_env(data_dir)
    server = ServerProcess(data_dir).start()
    try:
        added = cli("add-website", "Blog", "blog.example", "--data-dir", str(data_dir), env=env)
        assert added.returncode == 0, added.stderr
        website = added.stdout.strip()
        assert UUID.match(website)
        response = httpx.post(
            f"{server.base_url}/api/send",
            json={"type": "event", "payload": {"website": website, "url": "/"}},
            headers={"User-Agent": CHROME_UA}, timeout=10,
        )
        assert response.status_code == 200
        user = cli("create-user", "editor", "--role", "user", "--data-dir", str(data_dir),
                   env=env)
        assert user.returncode == 0 and UUID.match(user.stdout.strip())
        assert "password:" in user.stderr
        pixel = cli("add-pixel", "Mail", "--slug", "mail", "--data-dir", str(data_dir), env=env)
        assert pixel.returncode == 0 and pixel.stdout.split()[1] == "mail"
        assert httpx.get(f"{server.base_url}/p/mail", timeout=10).status_code == 200
        link = cli("add-link", "Docs", "https://docs.example/", "--slug", "docs",
                   "--data-dir", str(data_dir), env=env)
        assert link.returncode == 0 and link.stdout.split()[1] == "docs"
        redirect = httpx.get(f"{server.base_url}/q/docs", headers={"User-Agent": CHROME_UA},
                             timeout=10)
        assert redirect.status_code == 307
        assert redirect.headers["location"] == "https://docs.example/"
        bad_link = cli("add-link", "Bad", "not a url", "--data-dir", str(data_dir), env=env)
        assert bad_link.returncode == 1 and "not an absolute URL" in bad_link.stderr
        if store_backend == "embedded":
            # The embedded store's files take one server; on PostgreSQL several servers may
            # share one database, as Umami's replicas do.
            second = subprocess.run(
                [sys.executable, "-m", "umami_server.cli", "serve", "--port", "0",
                 "--data-dir", str(data_dir)],
                capture_output=True, text=True, timeout=60, env=server.env,
            )
            assert second.returncode == 1
            assert "in use by another umami-server process" in second.stderr
            assert "Traceback" not in second.stderr
    finally:
        server.stop()


def test_dropped_bots_are_counted_per_website(new_data_dir):
    data_dir = new_data_dir("dropped")
    env = store_env(data_dir)
    server = ServerProcess(data_dir).start()
    website = cli("add-website", "Site", "site.example", "--data-dir", str(data_dir),
                  env=env).stdout.strip()
    nobody = cli("add-website", "Orphan", "o.example", "--owner", "nobody", "--data-dir",
                 str(data_dir), env=env)
    assert nobody.returncode == 1 and "no user named 'nobody'" in nobody.stderr
    for _ in range(3):
        httpx.post(f"{server.base_url}/api/send",
                   json={"type": "event", "payload": {"website": website}},
                   headers={"User-Agent": "curl/8.5.0"}, timeout=10)
    server.stop()
    report = cli("dropped-hits", "--data-dir", str(data_dir), env=env)
    assert re.search(rf"{website}\s+bot\s+3", report.stdout), report.stdout


def test_add_website_without_users_and_with_an_owner(new_data_dir):
    directory = new_data_dir("owners")
    data_dir, env = str(directory), store_env(directory)
    unowned = cli("add-website", "Early", "early.example", "--data-dir", data_dir, env=env)
    assert unowned.returncode == 0 and UUID.match(unowned.stdout.strip())
    assert cli("create-user", "boss", "--role", "admin", "--data-dir", data_dir,
               env=env).returncode == 0
    assert cli("create-user", "editor", "--data-dir", data_dir, env=env).returncode == 0
    by_default = cli("add-website", "Main", "main.example", "--data-dir", data_dir, env=env)
    by_name = cli("add-website", "Blog", "blog.example", "--owner", "editor",
                  "--data-dir", data_dir, env=env)
    metadata = metadata_of(directory)
    try:
        owners = {
            website: metadata.get_website(website)["user_id"]
            for website in (unowned.stdout.strip(), by_default.stdout.strip(),
                            by_name.stdout.strip())
        }
        boss, editor = metadata.find_user("boss"), metadata.find_user("editor")
    finally:
        metadata.close()
    assert list(owners.values()) == [None, boss["user_id"], editor["user_id"]]


def _someone_elses_tables(postgres: PostgresServer) -> str:
    url = postgres.create_database("foreign")
    engine = postgres_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id integer)"))
    engine.dispose()
    return url


def _older_umami(postgres: PostgresServer) -> str:
    url = postgres.create_database("older")
    engine = postgres_engine(url)
    create_umami_schema(engine)
    # Umami 3.0's level: the session-replay migration not applied (rolled back, as Prisma marks).
    with engine.begin() as connection:
        connection.execute(text(
            "UPDATE _prisma_migrations SET finished_at = NULL, rolled_back_at = now() "
            "WHERE migration_name = '19_add_session_replay'"))
    engine.dispose()
    return url


# Each case: the DATABASE_URL (made from the session's PostgreSQL server) and what the one line
# must say. The passwords in the URLs must never be shown.
BAD_DATABASES: dict[str, tuple[Callable[[PostgresServer], str], str]] = {
    "not-postgres": (lambda _: "mysql://umami:hunter2@localhost/umami", "PostgreSQL URL"),
    "nothing-listening": (lambda _: f"postgresql://umami:hunter2@127.0.0.1:{free_port()}/umami",
                          "cannot connect to PostgreSQL at"),
    "unknown-host": (lambda _: "postgresql://umami:hunter2@no-such-host.invalid/umami",
                     "cannot connect to PostgreSQL at"),
    "someone-elses-tables": (_someone_elses_tables, "invoices"),
    "older-umami": (_older_umami, "19_add_session_replay"),
}


@pytest.mark.parametrize("case", list(BAD_DATABASES))
def test_a_database_url_that_cannot_be_used_gives_one_clear_line(
        case: str, postgres_server: PostgresServer, tmp_path: Path) -> None:
    make_url, expected = BAD_DATABASES[case]
    env = {"DATABASE_URL": make_url(postgres_server)}
    for command in (["serve", "--port", str(free_port())], ["create-user", "someone"],
                    ["add-website", "Site", "site.example"]):
        result = cli(*command, "--data-dir", str(tmp_path / "data"), env=env)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), (command, result.stderr)
        assert expected in lines[0], lines[0]
        assert "hunter2" not in result.stderr + result.stdout
        assert "listening" not in result.stdout


def test_demo_refuses_a_database_url(tmp_path: Path) -> None:
    result = cli("demo", "--website", "6f1f4f1c-8e1a-4c59-9d7d-000000000000", "--events", "10",
                 "--data-dir", str(tmp_path / "data"),
                 env={"DATABASE_URL": "postgresql://umami:hunter2@127.0.0.1:1/umami"})
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr
    assert not (tmp_path / "data").exists()
