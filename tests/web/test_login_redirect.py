"""Where the login form sends the browser afterwards: a path on this site, or the dashboard home;
never another site, whatever a crafted `next` holds (real HTTP against the real server)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.server_process import ServerProcess
from tests.web.conftest import ADMIN_PASSWORD, csrf_of

# Each is a path only until a browser cleans it up (tabs and newlines dropped, `\` read as `/`),
# a scheme or host outright, or turns into one once percent-decoded.
HOSTILE_NEXT = [
    "/\t/evil.example",
    "/%09/evil.example",
    "/\n/evil.example",
    "/\r\nSet-Cookie: stolen=1",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%5Cevil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "\t//evil.example",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "evil.example",
]


def log_in_with_next(client: httpx.Client, next_value: str) -> httpx.Response:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"csrf": token, "username": "admin",
                                       "password": ADMIN_PASSWORD, "next": next_value})


@pytest.mark.parametrize("next_value", HOSTILE_NEXT)
def test_hostile_next_lands_on_the_home_page(dashboard_server: ServerProcess,
                                             next_value: str) -> None:
    with dashboard_server.client(follow_redirects=False) as client:
        answer = log_in_with_next(client, next_value)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/websites"


@pytest.mark.parametrize("next_value", HOSTILE_NEXT)
def test_the_login_form_does_not_carry_a_hostile_next(dashboard_server: ServerProcess,
                                                      next_value: str) -> None:
    with dashboard_server.client(follow_redirects=False) as client:
        page = client.get("/login?next=" + quote(next_value, safe=""))
        assert page.status_code == 200
        carried = re.search(r'name="next" value="([^"]*)"', page.text)
        assert carried is not None and carried.group(1) == ""


@pytest.mark.parametrize("next_value, location", [
    ("/websites/abc?range=7d&tz=Europe/Berlin", "/websites/abc?range=7d&tz=Europe/Berlin"),
    ("/profile", "/profile"),
    ("/websites/caf\u00e9 table", "/websites/caf%C3%A9%20table"),
])
def test_a_path_on_this_site_is_kept(dashboard_server: ServerProcess, next_value: str,
                                     location: str) -> None:
    with dashboard_server.client(follow_redirects=False) as client:
        answer = log_in_with_next(client, next_value)
        assert answer.status_code == 303
        assert answer.headers["location"] == location


@pytest.fixture(scope="module")
def based_server(dashboard_data_dir: Callable[[str], Path]) -> Iterator[ServerProcess]:
    process = ServerProcess(dashboard_data_dir("based"), {"BASE_PATH": "/analytics"}).start()
    yield process
    process.stop()


def test_under_base_path(based_server: ServerProcess) -> None:
    with httpx.Client(base_url=based_server.base_url + "/analytics", timeout=10,
                      follow_redirects=False) as client:
        asked = client.get("/websites")
        assert asked.headers["location"] == "/analytics/login?next=%2Fwebsites"
        page = client.get(asked.headers["location"].removeprefix("/analytics"))
        carried = re.search(r'name="next" value="([^"]*)"', page.text)
        assert carried is not None
        answer = log_in_with_next(client, html.unescape(carried.group(1)))
        assert answer.headers["location"] == "/analytics/websites"
    for next_value, location in (("/profile?x=1", "/analytics/profile?x=1"),
                                 ("/%09/evil.example", "/analytics/websites"),
                                 ("//evil.example", "/analytics/websites")):
        with httpx.Client(base_url=based_server.base_url + "/analytics", timeout=10,
                          follow_redirects=False) as client:
            assert log_in_with_next(client, next_value).headers["location"] == location
