"""Retries: the policy's decisions, and its behaviour against a real local server."""

import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest
from local_umami import TOKEN, WEBSITE_ID, Answer, LocalUmami, free_port

import umami
from umami._retry import retry_after_seconds
from umami._wire import ApiRequest

FAST = umami.RetryPolicy(attempts=4, backoff=0.01, max_backoff=0.02)
POST = ApiRequest("POST", "http://x/api/send", {})
GET = ApiRequest("GET", "http://x/api/heartbeat", {})
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def busy(status: int = 503, retry_after: str | None = "0") -> Answer:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return Answer(status, {"error": {"message": "busy", "status": status}}, headers)


class TestRetryAfter:
    @pytest.mark.parametrize(
        "header, seconds",
        [("3", 3.0), (" 0 ", 0.0), ("1.5", 1.5), ("-4", 0.0), (None, None), ("", None)],
    )
    def test_delay_seconds(self, header: str | None, seconds: float | None) -> None:
        assert retry_after_seconds(header, NOW) == seconds

    def test_http_date(self) -> None:
        later = format_datetime(NOW + timedelta(seconds=30), usegmt=True)
        earlier = format_datetime(NOW - timedelta(seconds=30), usegmt=True)
        assert retry_after_seconds(later, NOW) == 30.0
        assert retry_after_seconds(earlier, NOW) == 0.0

    @pytest.mark.parametrize("garbage", ["soon", "nan", "Mon, 99 Foo 2026"])
    def test_garbage_is_ignored(self, garbage: str) -> None:
        assert retry_after_seconds(garbage, NOW) is None


class TestPolicy:
    def response(self, status: int, **headers: str) -> httpx.Response:
        return httpx.Response(status, headers=headers)

    def test_statuses_to_retry(self) -> None:
        policy = umami.RetryPolicy()
        assert policy.delay_after_response(self.response(503, **{"Retry-After": "2"}), 1) == 2.0
        assert policy.delay_after_response(self.response(429, **{"Retry-After": "0"}), 1) == 0.0
        for status in (200, 400, 401, 500, 502):
            assert policy.delay_after_response(self.response(status), 1) is None

    def test_no_retry_after_the_last_attempt(self) -> None:
        assert umami.RetryPolicy(attempts=2).delay_after_response(self.response(503), 2) is None
        assert umami.RetryPolicy.never().delay_after_response(self.response(503), 1) is None

    def test_a_longer_retry_after_than_max_wait_gives_up(self) -> None:
        policy = umami.RetryPolicy(max_wait=10)
        assert policy.delay_after_response(self.response(503, **{"Retry-After": "11"}), 1) is None

    def test_backoff_doubles_with_jitter_and_a_ceiling(self) -> None:
        policy = umami.RetryPolicy(attempts=10, backoff=1, max_backoff=4)
        for attempt, ceiling in [(1, 1), (2, 2), (3, 4), (6, 4)]:
            delay = policy.delay_after_response(self.response(503), attempt)
            assert delay is not None and ceiling / 2 <= delay <= ceiling

    def test_errors_that_are_safe_to_repeat(self) -> None:
        policy = umami.RetryPolicy()
        assert policy.delay_after_error(httpx.ConnectError("refused"), POST, 1) is not None
        assert policy.delay_after_error(httpx.ConnectTimeout("slow"), POST, 1) is not None
        assert policy.delay_after_error(httpx.ReadTimeout("slow"), POST, 1) is None
        assert policy.delay_after_error(httpx.ReadTimeout("slow"), GET, 1) is not None
        assert policy.delay_after_error(ValueError("not http"), GET, 1) is None

    def test_invalid_settings(self) -> None:
        with pytest.raises(ValueError):
            umami.RetryPolicy(attempts=0)
        with pytest.raises(ValueError):
            umami.RetryPolicy(backoff=-1)


def client_for(server: LocalUmami, retry: umami.RetryPolicy | None = FAST) -> umami.Client:
    return umami.Client(server.url, website_id=WEBSITE_ID, hostname="h", retry=retry)


def test_503_and_429_are_retried_until_accepted(server: LocalUmami) -> None:
    server.answer_next("/api/send", busy(503), busy(429))
    assert client_for(server).new_event("e")["sessionId"] == "s-1"
    assert len(server.requests_to("/api/send")) == 3
    assert len(server.accepted_payloads) == 1


def test_retry_after_is_honoured(server: LocalUmami) -> None:
    server.answer_next("/api/send", busy(429, retry_after="1"))
    client_for(server).new_event("e")
    first, second = server.requests_to("/api/send")
    assert second.received_at - first.received_at >= 0.95


def test_a_retry_after_beyond_max_wait_is_not_cut_short(server: LocalUmami) -> None:
    server.answer_next("/api/send", busy(503, retry_after="120"))
    with pytest.raises(httpx.HTTPStatusError) as raised:
        client_for(server).new_event("e")
    assert raised.value.response.status_code == 503
    assert len(server.requests_to("/api/send")) == 1


def test_the_last_answer_is_raised_when_attempts_run_out(server: LocalUmami) -> None:
    server.answer_next("/api/send", *[busy(503)] * 4)
    with pytest.raises(httpx.HTTPStatusError):
        client_for(server).new_event("e")
    assert len(server.requests_to("/api/send")) == 4


def test_retry_none_tries_once(server: LocalUmami) -> None:
    server.answer_next("/api/send", busy(503))
    with pytest.raises(httpx.HTTPStatusError):
        client_for(server, retry=None).new_event("e")
    assert len(server.requests_to("/api/send")) == 1


def test_a_post_that_timed_out_is_not_repeated(server: LocalUmami) -> None:
    server.answer_next("/api/send", Answer(200, {}, delay=0.5))
    client = umami.Client(server.url, website_id=WEBSITE_ID, hostname="h", timeout=0.1, retry=FAST)
    with pytest.raises(httpx.ReadTimeout):
        client.new_event("e")
    assert len(server.requests_to("/api/send")) == 1


def test_a_get_that_timed_out_is_repeated(server: LocalUmami) -> None:
    path = f"/api/websites/{WEBSITE_ID}/active"
    server.answer_next(path, Answer(200, {"visitors": 9}, delay=0.5))
    client = umami.Client(
        server.url, website_id=WEBSITE_ID, auth_token=TOKEN, timeout=0.1, retry=FAST
    )
    assert client.active_users() == 1
    assert len(server.requests_to(path)) == 2


def test_connection_errors_are_retried_until_the_server_is_up() -> None:
    port = free_port()
    client = umami.Client(
        f"http://127.0.0.1:{port}",
        website_id=WEBSITE_ID,
        hostname="h",
        retry=umami.RetryPolicy(attempts=40, backoff=0.05, max_backoff=0.05),
    )
    servers: list[LocalUmami] = []
    starter = threading.Timer(0.3, lambda: servers.append(LocalUmami(port)))
    starter.start()
    try:
        assert client.new_event("e")["visitId"] == "v-1"
    finally:
        starter.join()
        for late in servers:
            late.stop()


async def test_async_calls_retry_too(server: LocalUmami) -> None:
    server.answer_next("/api/send", busy(503))
    client = client_for(server)
    assert (await client.new_event_async("e"))["sessionId"] == "s-1"
    assert len(server.requests_to("/api/send")) == 2
    await client.aclose()


def batching_client(server: LocalUmami, retry: umami.RetryPolicy = FAST) -> umami.Client:
    return umami.Client(
        server.url,
        website_id=WEBSITE_ID,
        hostname="h",
        retry=retry,
        batching=umami.Batching(interval=60),
    )


def test_background_batches_are_retried(server: LocalUmami) -> None:
    server.answer_next("/api/batch", busy(503), busy(429))
    client = batching_client(server)
    client.new_event("a")
    client.new_event("b")
    assert client.flush(timeout=5)
    assert len(server.requests_to("/api/batch")) == 3
    assert (client.stats.sent, client.stats.failed) == (2, 0)
    client.close()


def test_background_batches_fail_when_attempts_run_out(server: LocalUmami) -> None:
    server.answer_next("/api/batch", *[busy(503)] * 4)
    client = batching_client(server)
    client.new_event("a")
    assert client.flush(timeout=5)
    assert (client.stats.sent, client.stats.failed) == (0, 1)
    assert client.stats.last_error == "batch answered HTTP 503"
    client.close()


def test_close_cuts_a_long_retry_wait_short(server: LocalUmami) -> None:
    server.answer_next("/api/batch", busy(503, retry_after="30"))
    client = batching_client(server, umami.RetryPolicy(attempts=2, max_wait=60))
    client.new_event("a")
    client.flush(timeout=0.3)
    started = time.monotonic()
    client.close(timeout=0.1)
    assert time.monotonic() - started < 1
    server.wait_for_requests("/api/batch", 1)
    assert len(server.requests_to("/api/batch")) == 1


async def test_background_task_retries(server: LocalUmami) -> None:
    server.answer_next("/api/batch", busy(503))
    client = batching_client(server)
    await client.new_event_async("a")
    assert await client.flush_async(timeout=5)
    assert client.stats.sent == 1
    assert len(server.requests_to("/api/batch")) == 2
    await client.aclose()
