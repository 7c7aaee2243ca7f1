"""Login limits over real HTTP: per client address and per username, what counts as the client's
address, and that a locked username still lets its owner in.

Each test sends from its own loopback address (Linux routes all of 127/8 to lo), so the server
sees different socket peers without any header.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import Api, assert_error
from tests.server_process import ServerProcess

PER_IP = 30
PER_USERNAME = 10
WAIT_TEXT = re.compile(r"Try again in \d+ (minute|second)s?\.")


def from_address(server: ServerProcess, address: str, **kwargs: object) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.base_url, transport=transport, timeout=20,
                        **kwargs)  # type: ignore[arg-type]


def attempt(client: httpx.Client, username: str, password: str = "wrong",
            headers: dict[str, str] | None = None) -> httpx.Response:
    return client.post("/api/auth/login", json={"username": username, "password": password},
                       headers=headers or {})


def make_user(admin: Api, username: str, password: str) -> None:
    admin.ok("POST", "/api/users", {"username": username, "password": password, "role": "user"})


def assert_refused_with_wait(response: httpx.Response) -> None:
    body = assert_error(response, 429, "too-many-requests")
    assert WAIT_TEXT.search(body["message"]), body["message"]
    assert int(response.headers["retry-after"]) > 0


# `server` (tests/api/conftest.py) has no CLIENT_IP_HEADER.


@pytest.fixture(scope="module")
def proxied_server(new_data_dir: Callable[[str], Path]) -> Iterator[ServerProcess]:
    process = ServerProcess(new_data_dir("proxied"),
                            {"CLIENT_IP_HEADER": "X-Forwarded-For"}).start()
    yield process
    process.stop()


def test_rotating_forwarding_headers_do_not_escape_the_address_limit(
        server: ServerProcess) -> None:
    with from_address(server, "127.0.0.10") as client:
        for index in range(PER_IP):
            spoofed = f"198.51.100.{index + 1}"
            answer = attempt(client, f"guess-{index}", headers={
                "X-Forwarded-For": spoofed, "True-Client-IP": spoofed, "X-Real-IP": spoofed})
            assert answer.status_code == 401, (index, answer.text)
        refused = attempt(client, "guess-last", headers={"X-Forwarded-For": "198.51.100.99"})
        assert_refused_with_wait(refused)
    with from_address(server, "127.0.0.11") as elsewhere:
        assert attempt(elsewhere, "guess-last").status_code == 401


def test_a_username_is_locked_after_its_limit(server: ServerProcess) -> None:
    for index in range(PER_USERNAME):
        with from_address(server, f"127.0.1.{index + 1}") as client:
            assert attempt(client, "victim").status_code == 401
    with from_address(server, "127.0.1.200") as client:
        attempt(client, "other-name")  # this address has failed once now
        assert_refused_with_wait(attempt(client, "victim"))


def test_the_owner_logs_in_after_strangers_locked_the_username(
        server: ServerProcess, admin: Api) -> None:
    make_user(admin, "owner", "owner-password-1")
    with from_address(server, "127.0.2.1") as attacker:
        for _ in range(PER_USERNAME):
            assert attempt(attacker, "owner").status_code == 401
        assert_refused_with_wait(attempt(attacker, "owner"))
        # The address that guessed stays refused, even with the right password.
        assert_refused_with_wait(attempt(attacker, "owner", "owner-password-1"))
    with from_address(server, "127.0.2.2") as owner:
        answer = attempt(owner, "owner", "owner-password-1")
        assert answer.status_code == 200, answer.text
        assert answer.json()["user"]["username"] == "owner"


def test_a_clean_address_guessing_a_locked_username_is_refused_like_the_rest(
        server: ServerProcess, admin: Api) -> None:
    make_user(admin, "owner2", "owner-password-2")
    for index in range(PER_USERNAME):
        with from_address(server, f"127.0.3.{index + 1}") as client:
            assert attempt(client, "owner2").status_code == 401
    with from_address(server, "127.0.3.100") as client:
        assert_refused_with_wait(attempt(client, "owner2"))
        # One guess per address while locked: this one failed, so now it waits.
        assert_refused_with_wait(attempt(client, "owner2", "owner-password-2"))


def test_the_dashboard_and_the_api_share_the_limits(server: ServerProcess,
                                                    admin: Api) -> None:
    make_user(admin, "owner3", "owner-password-3")
    with from_address(server, "127.0.4.1") as attacker:
        for _ in range(PER_USERNAME):
            assert attempt(attacker, "owner3").status_code == 401
    with from_address(server, "127.0.4.1", follow_redirects=False) as attacker:
        page = dashboard_login(attacker, "owner3", "wrong")
        assert page.status_code == 429
        assert WAIT_TEXT.search(page.text), page.text
    with from_address(server, "127.0.4.2", follow_redirects=False) as owner:
        answer = dashboard_login(owner, "owner3", "owner-password-3")
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == "/websites"


def dashboard_login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token, form.text
    return client.post("/login", data={"csrf": token.group(1), "username": username,
                                       "password": password})


def test_the_limit_keys_on_the_configured_header(proxied_server: ServerProcess) -> None:
    server = proxied_server
    with from_address(server, "127.0.5.1") as proxy:
        for index in range(PER_IP):
            # What a proxy sends on: the client's claim, then the address it saw.
            answer = attempt(proxy, f"guess-{index}",
                             headers={"X-Forwarded-For": f"10.9.9.{index}, 203.0.113.7"})
            assert answer.status_code == 401, (index, answer.text)
        assert_refused_with_wait(
            attempt(proxy, "guess-last", headers={"X-Forwarded-For": "203.0.113.7"}))
        # Another client behind the same proxy is not affected.
        assert attempt(proxy, "guess-last",
                       headers={"X-Forwarded-For": "203.0.113.8"}).status_code == 401
