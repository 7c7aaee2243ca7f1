"""Collection settings from the environment: IGNORE_IP, DISABLE_BOT_CHECK, endpoint alias, ..."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import add_website
from tests.server_process import CHROME_UA, running_server


@pytest.fixture(scope="module")
def configured(new_data_dir):
    data_dir = new_data_dir("configured")
    website = add_website(data_dir)
    env = {
        "IGNORE_IP": "9.9.9.9, 10.0.0.0/8",
        "DISABLE_BOT_CHECK": "1",
        "COLLECT_API_ENDPOINT": "/api/collect",
        "REMOVE_TRAILING_SLASH": "true",
        "CLIENT_IP_HEADER": "X-Visitor-IP",
        "BASE_PATH": "/analytics",
    }
    with running_server(data_dir, env) as server:
        yield server, website


def post(server, path, payload, **headers):
    return httpx.post(f"{server.base_url}{path}", json={"type": "event", "payload": payload},
                      headers={"User-Agent": CHROME_UA, **headers}, timeout=10)


def test_ignored_ips_get_403(configured):
    server, website = configured
    for ip in ("9.9.9.9", "10.1.2.3"):
        response = post(server, "/analytics/api/send", {"website": website},
                        **{"X-Forwarded-For": ip})
        assert response.status_code == 403
        assert response.json() == {"error": {"message": "Forbidden", "code": "forbidden",
                                              "status": 403}}
    allowed = post(server, "/analytics/api/send", {"website": website},
                   **{"X-Forwarded-For": "11.0.0.1"})
    assert allowed.status_code == 200


def test_client_ip_header_is_read_first(configured):
    server, website = configured
    response = post(server, "/analytics/api/send", {"website": website},
                    **{"X-Visitor-IP": "9.9.9.9", "X-Forwarded-For": "11.0.0.1"})
    assert response.status_code == 403


def test_bot_check_can_be_disabled_and_alias_works(configured):
    server, website = configured
    response = post(server, "/analytics/api/collect", {"website": website, "url": "/docs/"},
                    **{"User-Agent": "curl/8.5.0", "X-Forwarded-For": "11.0.0.2"})
    assert response.status_code == 200
    assert "sessionId" in response.json()
    assert response.headers["access-control-allow-origin"] == "*"
    rows = server.stored(
        "SELECT url_path FROM website_event WHERE website_id = ? AND url_path LIKE '/docs%'",
        [website])
    assert rows == [("/docs",)]


def test_base_path_prefixes_every_route(configured):
    server, website = configured
    assert post(server, "/api/send", {"website": website}).status_code == 404
    ok = httpx.get(f"{server.base_url}/analytics/api/heartbeat", timeout=10)
    assert ok.json() == {"ok": True}


def test_malformed_ignore_ip_refuses_to_start(new_data_dir):
    from tests.server_process import ServerProcess

    server = ServerProcess(new_data_dir("bad-ignore-ip"), {"IGNORE_IP": "10.0.0.0/99"})
    with pytest.raises(RuntimeError, match="IGNORE_IP|10.0.0.0/99"):
        server.start(timeout=15)
