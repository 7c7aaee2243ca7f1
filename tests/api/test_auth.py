"""Login, verify, logout, /api/me, config, heartbeat and the transport conventions."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import bcrypt
import httpx

from tests.api.conftest import ADMIN_PASSWORD, Api, assert_error, login
from tests.conftest import metadata_of
from tests.server_process import ServerProcess

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_login_answers_token_and_user_with_teams(server: ServerProcess) -> None:
    response = httpx.post(f"{server.base_url}/api/auth/login",
                          json={"username": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "user"}
    user = body["user"]
    assert list(user) == ["id", "username", "role", "createdAt", "isAdmin", "teams"]
    assert user["username"] == "admin" and user["role"] == "admin" and user["isAdmin"] is True
    assert user["teams"] == []
    assert ISO_MS.match(user["createdAt"])


def test_wrong_password_and_unknown_user_answer_alike(server: ServerProcess) -> None:
    wrong = httpx.post(f"{server.base_url}/api/auth/login",
                       json={"username": "admin", "password": "wrong"},
                       headers={"X-Forwarded-For": "198.51.100.1"})
    unknown = httpx.post(f"{server.base_url}/api/auth/login",
                         json={"username": "nobody-here", "password": "wrong"},
                         headers={"X-Forwarded-For": "198.51.100.1"})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.json() == {"error": {"message": "Unauthorized",
                                             "code": "incorrect-username-password",
                                             "status": 401}}


def test_unknown_user_costs_a_bcrypt_comparison_too(server: ServerProcess) -> None:
    # One pooled client: creating an httpx client per call costs more than bcrypt itself.
    with httpx.Client(base_url=server.base_url, timeout=20) as client:
        def timed(username: str) -> float:
            start = time.perf_counter()
            client.post("/api/auth/login", json={"username": username, "password": "wrong"},
                        headers={"X-Forwarded-For": "198.51.100.2"})
            return time.perf_counter() - start

        known = min(timed("admin") for _ in range(3))
        unknown = min(timed("no-such-user") for _ in range(3))
    # bcrypt at cost 10 takes tens of milliseconds; skipping it would make `unknown` tiny.
    assert unknown > known * 0.5


def test_login_validates_before_anything_else(server: ServerProcess) -> None:
    response = httpx.post(f"{server.base_url}/api/auth/login", json={"username": 5})
    error = assert_error(response, 400, "bad-request")
    assert error["errors"] == []
    assert error["properties"] == {
        "username": {"errors": ["Invalid input: expected string, received number"]},
        "password": {"errors": ["Invalid input: expected string, received undefined"]},
    }
    no_body = httpx.post(f"{server.base_url}/api/auth/login", content=b"not json")
    assert assert_error(no_body, 400)["errors"] == [
        "Invalid input: expected object, received undefined"
    ]


def test_verify_me_and_any_scheme_word(server: ServerProcess, admin: Api) -> None:
    verified = admin.ok("POST", "/api/auth/verify")
    assert verified["username"] == "admin" and verified["isAdmin"] is True
    assert "teams" in verified
    odd_scheme = httpx.get(f"{server.base_url}/api/me",
                           headers={"Authorization": f"Foo {admin.token}"})
    assert odd_scheme.status_code == 200
    me = odd_scheme.json()
    assert me == {"token": admin.token, "shareToken": None, "user": {
        "id": verified["id"], "username": "admin", "role": "admin",
        "createdAt": verified["createdAt"], "isAdmin": True}}
    assert admin.get("/api/auth/verify").status_code == 405


def test_missing_or_bad_token_is_401(server: ServerProcess) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Bearer"}):
        response = httpx.get(f"{server.base_url}/api/websites", headers=headers)
        assert response.json() == {
            "error": {"message": "Unauthorized", "code": "unauthorized", "status": 401}
        }
        assert response.status_code == 401


def test_logout_revokes_the_token(server: ServerProcess) -> None:
    api = login(server, "admin", ADMIN_PASSWORD)
    assert api.ok("POST", "/api/auth/logout") == {"ok": True}
    assert_error(api.get("/api/me"), 401, "unauthorized")


def test_api_headers_and_options(server: ServerProcess, admin: Api) -> None:
    response = admin.get("/api/me")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"] == "application/json"
    preflight = httpx.options(f"{server.base_url}/api/websites")
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-methods"] == "GET, DELETE, POST, PUT"


def test_config_and_heartbeat(server: ServerProcess) -> None:
    config = httpx.get(f"{server.base_url}/api/config").json()
    assert config["cloudMode"] is False and config["currentVersion"] is True
    assert httpx.get(f"{server.base_url}/api/heartbeat").json() == {"ok": True}


def test_cli_user_and_foreign_bcrypt_hash_log_in(server: ServerProcess) -> None:
    created = subprocess.run(
        [sys.executable, "-m", "umami_server.cli", "create-user", "cli-made", "--password",
         "cli-password-1", "--role", "view-only", "--data-dir", str(server.data_dir)],
        capture_output=True, text=True, check=True, env=server.env,
    )
    api = login(server, "cli-made", "cli-password-1")
    assert api.ok("GET", "/api/me")["user"]["id"] == created.stdout.strip()
    # A $2a$ hash as Umami's bcryptjs writes it, made here by another implementation.
    foreign = bcrypt.hashpw(b"umami", bcrypt.gensalt(10, prefix=b"2a")).decode()
    assert foreign.startswith("$2a$10$")
    store = metadata_of(server.data_dir)
    try:
        store.create_user("copied", foreign, "user")
    finally:
        store.close()
    assert login(server, "copied", "umami").ok("POST", "/api/auth/verify")["role"] == "user"


def test_umami_client_logs_in_and_lists_websites(server: ServerProcess, admin: Api) -> None:
    # Our drop-in for umami-analytics (client/), which scripts/test installs into this venv.
    import umami

    website = admin.ok("POST", "/api/websites", {"name": "Client Site", "domain": "client.test"})
    umami.set_url_base(server.base_url)
    result = umami.login("admin", ADMIN_PASSWORD)
    assert result.user.username == "admin"
    assert umami.verify_token()
    names = {site.id: site.name for site in umami.websites()}
    assert names[website["id"]] == "Client Site"
