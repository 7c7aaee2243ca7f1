"""How the server hands out the tracker: paths, headers, encodings, revalidation, rewrites."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import brotli
import httpx
import pytest
from playwright.sync_api import Browser

from tests.conftest import add_website
from tests.server_process import ServerProcess
from tests.tracker.browser import Site, browsing, page_html, tracker_tag
from umami_server.web.tracker.serve import BUILD

BUILT = BUILD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def configured(new_data_dir: Callable[[str], Path]) -> Iterator[ServerProcess]:
    """A server under a path prefix, with two extra script names and a renamed collect path."""
    env = {
        "BASE_PATH": "/stats",
        "TRACKER_SCRIPT_NAME": " insights.js , lib/deep.js",
        "COLLECT_API_ENDPOINT": "/api/collect",
    }
    process = ServerProcess(new_data_dir("configured"), env).start()
    yield process
    if process.process is not None:
        process.stop()


@dataclass(frozen=True)
class Fetched:
    status_code: int
    headers: httpx.Headers
    content: bytes  # as sent on the wire, still compressed

    @property
    def text(self) -> str:
        return self.content.decode()


def get(server: ServerProcess, path: str, **headers: str) -> Fetched:
    """GET with exactly these request headers (httpx would otherwise ask for and decode gzip)."""
    with (
        server.client(headers={"accept-encoding": "identity", **headers}) as client,
        client.stream("GET", path) as response,
    ):
        return Fetched(response.status_code, response.headers, b"".join(response.iter_raw()))


def test_script_is_served_with_umami_headers(server: ServerProcess) -> None:
    response = get(server, "/script.js")
    assert response.status_code == 200
    assert response.text == BUILT
    assert response.headers["content-type"] == "application/javascript; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "public, max-age=86400, must-revalidate"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["etag"].startswith('"')
    assert "content-encoding" not in response.headers
    # The security headers every response carries are still there.
    assert "content-security-policy" in response.headers


def test_gzip_and_brotli_are_negotiated(server: ServerProcess) -> None:
    gzipped = get(server, "/script.js", **{"accept-encoding": "gzip, deflate"})
    assert gzipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(gzipped.content).decode() == BUILT
    compressed = get(server, "/script.js", **{"accept-encoding": "gzip, deflate, br, zstd"})
    assert compressed.headers["content-encoding"] == "br"
    assert brotli.decompress(compressed.content).decode() == BUILT
    assert len(compressed.content) < len(gzipped.content) < len(BUILT.encode())
    refused = get(server, "/script.js", **{"accept-encoding": "br;q=0, gzip"})
    assert refused.headers["content-encoding"] == "gzip"
    anything = get(server, "/script.js", **{"accept-encoding": "*"})
    assert anything.headers["content-encoding"] == "br"
    assert len({gzipped.headers["etag"], compressed.headers["etag"], get(
        server, "/script.js").headers["etag"]}) == 3  # one validator per representation


def test_conditional_request_gets_304(server: ServerProcess) -> None:
    first = get(server, "/script.js", **{"accept-encoding": "gzip"})
    etag = first.headers["etag"]
    again = get(server, "/script.js", **{"accept-encoding": "gzip", "if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "public, max-age=86400, must-revalidate"
    weak = get(server, "/script.js", **{"if-none-match": f'"stale", W/{etag}'})
    assert weak.status_code == 304
    stale = get(server, "/script.js", **{"if-none-match": '"something-old"'})
    assert stale.status_code == 200 and stale.text == BUILT


def test_head_and_other_methods(server: ServerProcess) -> None:
    with server.client(headers={"accept-encoding": "gzip"}) as client:
        head = client.head("/script.js")
        assert head.status_code == 200
        assert head.content == b""
        assert int(head.headers["content-length"]) == len(gzip.compress(BUILT.encode(), 9))
        posted = client.post("/script.js", content=b"x")
        assert posted.status_code == 405
        assert posted.headers["allow"] == "GET, HEAD"


def test_unconfigured_names_are_not_the_script(server: ServerProcess) -> None:
    assert get(server, "/insights.js").status_code == 404


def test_names_base_path_and_collect_endpoint(configured: ServerProcess) -> None:
    assert get(configured, "/script.js").status_code == 404  # everything lives under BASE_PATH
    names = (("/script.js", '"./"'), ("/insights.js", '"./"'), ("/lib/deep.js", '"../"'))
    for path, folder in names:
        response = get(configured, "/stats" + path)
        assert response.status_code == 200, path
        assert response.headers["access-control-allow-origin"] == "*"
        assert '"/api/collect"' in response.text and "/api/send" not in response.text
        assert folder in response.text


def test_nested_alias_posts_to_the_renamed_endpoint_under_the_base_path(
    configured: ServerProcess, browser: Browser, site: Site
) -> None:
    website_id = add_website(configured.data_dir)
    script = f"{configured.base_url}/stats/lib/deep.js"
    url = site.add("/configured", page_html("Configured", tracker_tag(script, website_id)))
    with browsing(browser, endpoint_path="/api/collect") as (page, log):
        page.goto(url)
        [sent] = log.wait_for_sends(page, 1)
        assert sent.url == f"{configured.base_url}/stats/api/collect"
        assert sent.reply()["sessionId"]
    rows = configured.stored(
        "SELECT url_path, page_title FROM website_event WHERE website_id = ?", [website_id]
    )
    assert rows == [("/configured", "Configured")]
