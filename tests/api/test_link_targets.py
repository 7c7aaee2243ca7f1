"""Short links send visitors to http(s) URLs only: refused on write (API, CLI), never redirected."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, assert_error
from tests.conftest import metadata_of
from tests.server_process import CHROME_UA, ServerProcess
from tests.test_cli import cli

NOT_WEB = [
    "javascript:alert(document.cookie)",
    "JavaScript://x.test/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://files.x.test/a",
    "file:///etc/passwd",
    "vbscript:msgbox(1)",
    "//x.test/no-scheme",
    "/relative/path",
    "https://",
]


@pytest.mark.parametrize("url", NOT_WEB)
def test_api_refuses_targets_that_are_no_web_url(admin: Api, url: str) -> None:
    body = assert_error(admin.post("/api/links", {"name": "bad", "url": url}), 400)
    assert "http" in body["message"]
    link = admin.ok("POST", "/api/links", {"name": "good", "url": "https://x.test/start"})
    body = assert_error(admin.post(f"/api/links/{link['id']}", {"url": url}), 400)
    assert "http" in body["message"]
    assert admin.ok("GET", f"/api/links/{link['id']}")["url"] == "https://x.test/start"


def test_api_accepts_http_and_https(admin: Api) -> None:
    for url in ("http://x.test/a", "HTTPS://X.test/b?c=d"):
        assert admin.ok("POST", "/api/links", {"name": "ok", "url": url})["url"] == url


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.test/"])
def test_cli_refuses_targets_that_are_no_web_url(server: ServerProcess, url: str) -> None:
    result = cli("add-link", "Bad", url, "--data-dir", str(server.data_dir), env=server.env)
    assert result.returncode == 1 and "http" in result.stderr
    assert "Traceback" not in result.stderr


def test_stored_script_target_is_never_redirected_to(server: ServerProcess) -> None:
    """A row written before this check (or straight into the database) answers 404."""
    metadata = metadata_of(server.data_dir)
    try:
        for slug, url in (("js-target", "javascript:alert(1)"),
                          ("data-target", "data:text/html,<script>alert(1)</script>"),
                          ("ftp-target", "ftp://x.test/")):
            metadata.create_link("Legacy", url, slug)
        metadata.create_link("Fine", "https://x.test/fine", "fine-target")
    finally:
        metadata.close()
    with server.client() as client:
        for slug in ("js-target", "data-target", "ftp-target"):
            response = client.get(f"/q/{slug}", headers={"User-Agent": CHROME_UA})
            assert response.status_code == 404, (slug, response.headers)
            assert "location" not in response.headers
        fine = client.get("/q/fine-target", headers={"User-Agent": CHROME_UA})
        assert fine.status_code == 307 and fine.headers["location"] == "https://x.test/fine"
