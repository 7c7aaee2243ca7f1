"""When and how long to wait before trying a request again, and the send loops that do it."""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx

from umami._wire import ApiRequest

# Errors raised before any byte of the request reached the server, so retrying cannot
# record an event twice.
_NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


@dataclass(frozen=True)
class RetryPolicy:
    """How `umami.Client` retries a request that failed for a reason that may pass.

    A request is tried at most `attempts` times. It is tried again after a connection error
    (any transport error for GET requests, which are safe to repeat; for POST only errors
    raised before the request was sent) and after an answer whose status is in
    `retry_statuses`. The wait is the server's `Retry-After` when it sends one, otherwise an
    exponential backoff starting at `backoff` seconds, capped at `max_backoff`, with jitter.
    A wait longer than `max_wait` is not shortened: the request gives up instead.
    """

    attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 10.0
    max_wait: float = 60.0
    retry_statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 503}))

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.backoff < 0 or self.max_backoff < 0 or self.max_wait < 0:
            raise ValueError("backoff, max_backoff and max_wait must not be negative")

    @classmethod
    def never(cls) -> RetryPolicy:
        """Try every request once."""
        return cls(attempts=1)

    def backoff_delay(self, attempt: int) -> float:
        """The wait after failed attempt number `attempt` (1-based) when the server named none."""
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def delay_after_response(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None to accept this answer."""
        if attempt >= self.attempts or response.status_code not in self.retry_statuses:
            return None
        delay = retry_after_seconds(response.headers.get("Retry-After"))
        if delay is None:
            delay = self.backoff_delay(attempt)
        return delay if delay <= self.max_wait else None

    def delay_after_error(
        self, error: Exception, request: ApiRequest, attempt: int
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to give up with `error`."""
        if attempt >= self.attempts or not isinstance(error, httpx.TransportError):
            return None
        repeatable = request.method == "GET" or isinstance(error, _NOT_SENT_ERRORS)
        return min(self.backoff_delay(attempt), self.max_wait) if repeatable else None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A `Retry-After` header (delay in seconds, or an HTTP date) as seconds from now."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        seconds = (moment - (now or datetime.now(timezone.utc))).total_seconds()
    return max(0.0, seconds) if seconds == seconds else None  # NaN is not a delay


def _sleep(seconds: float) -> bool:
    time.sleep(seconds)
    return True


def _request_arguments(request: ApiRequest, content: bytes | None) -> dict[str, Any]:
    arguments: dict[str, Any] = {"headers": request.headers}
    if content is not None:
        arguments["content"] = content
    elif request.json is not None:
        arguments["json"] = request.json
    if request.params is not None:
        arguments["params"] = request.params
    return arguments


def send_with_retry(
    http: httpx.Client,
    request: ApiRequest,
    policy: RetryPolicy,
    *,
    content: bytes | None = None,
    sleep: Callable[[float], bool] = _sleep,
) -> httpx.Response:
    """Send `request`, retrying as `policy` says; returns the last answer, whatever its status.

    `content` replaces the JSON body with bytes already serialised. `sleep` waits and returns
    False when the caller wants to stop retrying (a closing background sender).
    """
    arguments = _request_arguments(request, content)
    attempt = 1
    while True:
        try:
            response = http.request(request.method, request.url, **arguments)
        except httpx.TransportError as error:
            delay = policy.delay_after_error(error, request, attempt)
            if delay is None or not sleep(delay):
                raise
        else:
            delay = policy.delay_after_response(response, attempt)
            if delay is None or not sleep(delay):
                return response
        attempt += 1


async def _sleep_async(seconds: float) -> bool:
    await asyncio.sleep(seconds)
    return True


async def send_with_retry_async(
    http: httpx.AsyncClient,
    request: ApiRequest,
    policy: RetryPolicy,
    *,
    content: bytes | None = None,
    sleep: Callable[[float], Awaitable[bool]] = _sleep_async,
) -> httpx.Response:
    """Async twin of `send_with_retry`."""
    arguments = _request_arguments(request, content)
    attempt = 1
    while True:
        try:
            response = await http.request(request.method, request.url, **arguments)
        except httpx.TransportError as error:
            delay = policy.delay_after_error(error, request, attempt)
            if delay is None or not await sleep(delay):
                raise
        else:
            delay = policy.delay_after_response(response, attempt)
            if delay is None or not await sleep(delay):
                return response
        attempt += 1
