"""Login, logout, the session cookie and CSRF, over plain HTTP against the real server."""

from __future__ import annotations

import httpx

from tests.server_process import ServerProcess
from tests.web.conftest import ADMIN_PASSWORD, api_token, csrf_of, logged_in_client


def test_pages_need_a_login(dashboard_server: ServerProcess) -> None:
    with dashboard_server.client(follow_redirects=False) as client:
        answer = client.get("/websites")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/login?next=%2Fwebsites"


def test_login_sets_an_httponly_lax_cookie_and_logout_revokes_it(
        dashboard_server: ServerProcess) -> None:
    client = logged_in_client(dashboard_server)
    cookie = next(value for name, value in client.cookies.items() if name == "umami_session")
    assert client.get("/websites").status_code == 200
    # The cookie holds an API login token: the REST API accepts it too.
    me = httpx.post(f"{dashboard_server.base_url}/api/auth/verify",
                    headers={"authorization": f"Bearer {cookie}"})
    assert me.json()["username"] == "admin"
    token = csrf_of(client.get("/websites").text)
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    assert client.get("/websites").status_code == 303
    revoked = httpx.post(f"{dashboard_server.base_url}/api/auth/verify",
                         headers={"authorization": f"Bearer {cookie}"})
    assert revoked.status_code == 401


def test_cookie_flags(dashboard_server: ServerProcess) -> None:
    with dashboard_server.client(follow_redirects=False) as client:
        token = csrf_of(client.get("/login").text)
        answer = client.post("/login", data={"csrf": token, "username": "admin",
                                             "password": ADMIN_PASSWORD})
        session = next(value for value in answer.headers.get_list("set-cookie")
                       if value.startswith("umami_session="))
        assert "HttpOnly" in session and "SameSite=lax" in session
        assert "Secure" not in session  # plain HTTP here; HTTPS or FORCE_SSL adds it


def test_wrong_password_is_refused(dashboard_server: ServerProcess) -> None:
    with dashboard_server.client(follow_redirects=False) as client:
        token = csrf_of(client.get("/login").text)
        answer = client.post("/login", data={"csrf": token, "username": "admin",
                                             "password": "wrong-password"})
        assert answer.status_code == 401
        assert "Incorrect username or password" in answer.text


def test_a_form_without_its_csrf_token_is_refused(dashboard_server: ServerProcess) -> None:
    client = logged_in_client(dashboard_server)
    missing = client.post("/settings/websites", data={"name": "Evil", "domain": "evil.test"})
    assert missing.status_code == 403
    forged = client.post("/settings/websites",
                         data={"csrf": "0" * 64, "name": "Evil", "domain": "evil.test"})
    assert forged.status_code == 403
    # Nothing was created.
    listed = httpx.get(f"{dashboard_server.base_url}/api/websites",
                       headers={"authorization": f"Bearer {api_token(dashboard_server)}"})
    assert all(site["name"] != "Evil" for site in listed.json()["data"])
    # Logging in needs the token too (no login CSRF).
    with dashboard_server.client(follow_redirects=False) as fresh:
        answer = fresh.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD})
        assert answer.status_code == 403


def test_login_redirects_only_within_the_site(dashboard_server: ServerProcess) -> None:
    with dashboard_server.client(follow_redirects=False) as client:
        token = csrf_of(client.get("/login").text)
        answer = client.post("/login", data={"csrf": token, "username": "admin",
                                             "password": ADMIN_PASSWORD,
                                             "next": "//evil.example/"})
        assert answer.headers["location"] == "/websites"


def test_pages_carry_the_csp_and_no_inline_script(dashboard_server: ServerProcess) -> None:
    client = logged_in_client(dashboard_server)
    answer = client.get("/settings/websites")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert "<script>" not in answer.text and "onclick" not in answer.text
    assert client.get("/static/app.js").status_code == 200
