"""A 256 KB user agent, in the header or in the payload, is answered at once as a bot on a real
server, and other clients are served meanwhile."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from tests.server_process import CHROME_UA

# One long token after a space: the shape the crawler table used to backtrack on (16 s at 16 KB).
HUGE_USER_AGENT = "Mozilla/5.0 " + "x" * (256 * 1024)
# /api/send takes bodies up to 256 KB, so the payload there carries a little less.
SEND_SIZED_USER_AGENT = "Mozilla/5.0 " + "x" * (250 * 1024)
# Generous: the answer takes milliseconds; before the cap it took hours.
QUICK_SECONDS = 5.0


def _post(
    server, payload: dict, user_agent: str, path: str = "/api/send"
) -> tuple[httpx.Response, float]:
    body: object = {"type": "event", "payload": payload}
    started = time.perf_counter()
    with server.client() as client:
        response = client.post(
            path, json=[body] if path == "/api/batch" else body, headers={"User-Agent": user_agent}
        )
    return response, time.perf_counter() - started


def _heartbeat_while(server, request) -> tuple[httpx.Response, float]:
    """Run `request` in a thread and time a heartbeat sent while it is in flight."""
    outcome: list[tuple[httpx.Response, float]] = []
    worker = threading.Thread(target=lambda: outcome.append(request()))
    worker.start()
    time.sleep(0.05)
    started = time.perf_counter()
    with server.client() as client:
        heartbeat = client.get("/api/heartbeat")
    heartbeat_seconds = time.perf_counter() - started
    worker.join(30)
    assert heartbeat.status_code == 200
    assert heartbeat_seconds < QUICK_SECONDS
    assert outcome, "the long request did not finish in time"
    return outcome[0]


def _stored_hits(server, url_path: str) -> int:
    return server.stored(
        "SELECT count(*) FROM website_event WHERE url_path = ?", [url_path]
    )[0][0]


def test_huge_payload_user_agent_is_a_bot_answered_at_once(server, website_id):
    payload = {"website": website_id, "url": "/send-agent", "userAgent": SEND_SIZED_USER_AGENT}
    response, seconds = _heartbeat_while(server, lambda: _post(server, payload, CHROME_UA))
    assert seconds < QUICK_SECONDS
    assert response.status_code == 200
    assert response.json() == {"beep": "boop"}
    assert _stored_hits(server, "/send-agent") == 0


def test_256_kb_payload_user_agent_in_a_batch_is_a_bot_answered_at_once(server, website_id):
    payload = {"website": website_id, "url": "/batch-agent", "userAgent": HUGE_USER_AGENT}
    response, seconds = _heartbeat_while(
        server, lambda: _post(server, payload, CHROME_UA, "/api/batch")
    )
    assert seconds < QUICK_SECONDS
    assert response.status_code == 200
    assert response.json()["processed"] == 1 and response.json()["errors"] == 0
    assert "cache" not in response.json()  # the item got the bot answer, which has no token
    assert _stored_hits(server, "/batch-agent") == 0


def test_huge_header_user_agent_is_refused_or_a_bot_at_once(server, website_id):
    payload = {"website": website_id, "url": "/huge-header-agent"}
    response, seconds = _heartbeat_while(server, lambda: _post(server, payload, HUGE_USER_AGENT))
    assert seconds < QUICK_SECONDS
    # The HTTP server may refuse a header this big outright; if it lets it through, it is a bot.
    if response.status_code != 200:
        assert 400 <= response.status_code < 500
    else:
        assert response.json() == {"beep": "boop"}
    assert _stored_hits(server, "/huge-header-agent") == 0


@pytest.mark.parametrize("length", [600, 1024])
def test_long_but_plausible_agent_is_still_a_visitor(server, website_id, length):
    user_agent = (CHROME_UA + " " + "Extension/1.0 " * 100)[:length]
    payload = {"website": website_id, "url": f"/plausible-agent-{length}"}
    response, seconds = _post(server, payload, user_agent)
    assert seconds < QUICK_SECONDS
    assert response.status_code == 200
    assert "sessionId" in response.json()
