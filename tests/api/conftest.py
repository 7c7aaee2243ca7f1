"""Helpers that log in and call the API over HTTP, on the real server of each test module
(`server` in tests/conftest.py: one per store, so every API test runs on both)."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from tests.server_process import ServerProcess

ADMIN_PASSWORD = "admin-password-for-tests"


class Api:
    """An httpx client bound to one server, optionally carrying a bearer token."""

    def __init__(self, server: ServerProcess, token: str | None = None,
                 headers: dict[str, str] | None = None):
        self.server = server
        self.token = token
        extra = dict(headers or {})
        if token:
            extra["Authorization"] = f"Bearer {token}"
        self.client = httpx.Client(base_url=server.base_url, timeout=20, headers=extra)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.client.post(path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.delete(path, **kwargs)

    def ok(self, method: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        response = self.client.request(method, path, json=json, **kwargs)
        assert response.status_code == 200, (method, path, response.status_code, response.text)
        return response.json()


def login(server: ServerProcess, username: str, password: str) -> Api:
    response = httpx.post(f"{server.base_url}/api/auth/login",
                          json={"username": username, "password": password}, timeout=20)
    assert response.status_code == 200, response.text
    return Api(server, response.json()["token"])


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> Api:
    return login(server, "admin", ADMIN_PASSWORD)


USER_PASSWORD = "password-for-test-users"
_user_numbers = itertools.count()


def new_user(admin: Api, server: ServerProcess, role: str = "user") -> tuple[Api, str]:
    """A fresh user created by the admin, logged in; with their id."""
    name = f"test-user-{next(_user_numbers)}"
    created = admin.ok("POST", "/api/users", {"username": name, "password": USER_PASSWORD,
                                              "role": role})
    return login(server, name, USER_PASSWORD), created["id"]


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()["error"]
    assert body["status"] == status
    if code:
        assert body["code"] == code
    return body
