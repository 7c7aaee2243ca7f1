"""The command line: help, first start, admin commands beside a running server, clear errors."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys

import httpx

from tests.server_process import CHROME_UA, ServerProcess

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def cli(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "umami_server.cli", *arguments],
        capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})},
    )


def test_help_lists_the_commands():
    result = cli("--help")
    assert result.returncode == 0
    for command in ("serve", "create-user", "add-website", "add-pixel", "add-link",
                    "dropped-hits"):
        assert command in result.stdout
    assert "--data-dir" in cli("serve", "--help").stdout


def test_first_start_creates_admin_secret_and_prints_password_once(tmp_path):
    data_dir = tmp_path / "data"
    env = {"APP_SECRET": "", "UMAMI_ADMIN_PASSWORD": ""}
    server = ServerProcess(data_dir, env)
    server.env.pop("APP_SECRET")
    server.env.pop("UMAMI_ADMIN_PASSWORD")
    server.start()
    server.stop()
    first_output = server.output()
    assert re.search(r"username 'admin', password '[^']{12,}'", first_output)
    secret_file = data_dir / "app-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    # The directory holds password and token hashes: its owner only.
    assert stat.S_IMODE(data_dir.stat().st_mode) & 0o077 == 0
    secret = secret_file.read_text()
    server.start()
    server.stop()
    assert server.output().count("username 'admin'") == 1
    assert secret_file.read_text() == secret
    duplicate = cli("create-user", "admin", "--password", "x", "--data-dir", str(data_dir))
    assert duplicate.returncode == 1
    assert "already exists" in duplicate.stderr


def test_admin_commands_work_while_the_server_runs(tmp_path):
    data_dir = tmp_path / "data"
    server = ServerProcess(data_dir).start()
    try:
        added = cli("add-website", "Blog", "blog.example", "--data-dir", str(data_dir))
        assert added.returncode == 0, added.stderr
        website = added.stdout.strip()
        assert UUID.match(website)
        response = httpx.post(
            f"{server.base_url}/api/send",
            json={"type": "event", "payload": {"website": website, "url": "/"}},
            headers={"User-Agent": CHROME_UA}, timeout=10,
        )
        assert response.status_code == 200
        user = cli("create-user", "editor", "--role", "user", "--data-dir", str(data_dir))
        assert user.returncode == 0 and UUID.match(user.stdout.strip())
        assert "password:" in user.stderr
        pixel = cli("add-pixel", "Mail", "--slug", "mail", "--data-dir", str(data_dir))
        assert pixel.returncode == 0 and pixel.stdout.split()[1] == "mail"
        assert httpx.get(f"{server.base_url}/p/mail", timeout=10).status_code == 200
        bad_link = cli("add-link", "Bad", "not a url", "--data-dir", str(data_dir))
        assert bad_link.returncode == 1 and "not an absolute URL" in bad_link.stderr

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


def test_dropped_bots_are_counted_per_website(tmp_path):
    data_dir = tmp_path / "data"
    server = ServerProcess(data_dir).start()
    website = cli("add-website", "Site", "site.example", "--data-dir", str(data_dir)).stdout.strip()
    nobody = cli("add-website", "Orphan", "o.example", "--owner", "nobody", "--data-dir",
                 str(data_dir))
    assert nobody.returncode == 1 and "no user named 'nobody'" in nobody.stderr
    for _ in range(3):
        httpx.post(f"{server.base_url}/api/send",
                   json={"type": "event", "payload": {"website": website}},
                   headers={"User-Agent": "curl/8.5.0"}, timeout=10)
    server.stop()
    report = cli("dropped-hits", "--data-dir", str(data_dir))
    assert re.search(rf"{website}\s+bot\s+3", report.stdout), report.stdout


def test_add_website_without_users_and_with_an_owner(tmp_path):
    from umami_server.storage.embedded.store import METADATA_FILE
    from umami_server.storage.metadata_store import MetadataStore

    data_dir = str(tmp_path / "data")
    unowned = cli("add-website", "Early", "early.example", "--data-dir", data_dir)
    assert unowned.returncode == 0 and UUID.match(unowned.stdout.strip())
    assert cli("create-user", "boss", "--role", "admin", "--data-dir", data_dir).returncode == 0
    assert cli("create-user", "editor", "--data-dir", data_dir).returncode == 0
    by_default = cli("add-website", "Main", "main.example", "--data-dir", data_dir)
    by_name = cli("add-website", "Blog", "blog.example", "--owner", "editor",
                  "--data-dir", data_dir)
    metadata = MetadataStore.open_sqlite(tmp_path / "data" / METADATA_FILE)
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
