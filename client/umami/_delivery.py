"""Delivering queued events: one `POST /api/batch` per group, and counting what became of them."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from umami._retry import RetryPolicy, send_with_retry, send_with_retry_async
from umami._wire import ApiRequest

logger = logging.getLogger("umami")

# Answers meaning "this server has no /api/batch" (Umami before 2.18, some proxies).
_BATCH_UNSUPPORTED_STATUSES = frozenset({404, 405})


@dataclass(frozen=True)
class Destination:
    """Where an event goes and with which headers; events are batched per destination because
    a batch request's headers (User-Agent above all) apply to every event in it."""

    send_url: str
    batch_url: str
    headers: tuple[tuple[str, str], ...]

    def request(self, url: str) -> ApiRequest:
        headers = dict(self.headers)
        headers["Content-Type"] = "application/json"
        return ApiRequest("POST", url, headers)


@dataclass(eq=False)
class QueuedEvent:
    """One `/api/send` body, serialised when it was queued so later changes by the caller to
    the dictionaries it passed cannot alter it."""

    destination: Destination
    body: bytes
    queued_at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class DeliveryStats:
    """What became of the events a `umami.Client` queued for background sending.

    `sent`: accepted by the server. `failed`: sent but refused (an error for that event in the
    batch answer, an error status for the whole batch, or retries used up). `dropped`: never
    sent (queue full, client closed, or still queued when the process exited). `queued`:
    waiting or being sent now. `last_error`: the latest failure or drop, for logs and health
    pages.
    """

    sent: int = 0
    failed: int = 0
    dropped: int = 0
    queued: int = 0
    last_error: str | None = None


class DeliveryCounters:
    """Thread-safe running totals behind `DeliveryStats`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent = 0
        self._failed = 0
        self._dropped = 0
        self._last_error: str | None = None

    def add_sent(self, count: int) -> None:
        with self._lock:
            self._sent += count

    def add_failed(self, count: int, reason: str) -> None:
        with self._lock:
            self._failed += count
            self._last_error = reason
        logger.warning("umami: %d event(s) not recorded: %s", count, reason)

    def add_dropped(self, count: int, reason: str) -> None:
        with self._lock:
            first_drop = self._dropped == 0
            self._dropped += count
            self._last_error = reason
        # A full queue drops on every call; one warning says enough, the count says the rest.
        if first_drop:
            logger.warning("umami: %d event(s) dropped: %s", count, reason)

    def forget_lock_after_fork(self) -> None:
        # Another thread of the parent may have held it at the fork.
        self._lock = threading.Lock()

    def snapshot(self, queued: int) -> DeliveryStats:
        with self._lock:
            return DeliveryStats(self._sent, self._failed, self._dropped, queued, self._last_error)


def grouped_by_destination(events: Iterable[QueuedEvent]) -> list[list[QueuedEvent]]:
    """The events split by destination, each group in the order the events were queued."""
    groups: dict[Destination, list[QueuedEvent]] = {}
    for event in events:
        groups.setdefault(event.destination, []).append(event)
    return list(groups.values())


def _batch_body(group: list[QueuedEvent]) -> bytes:
    return b"[" + b",".join(event.body for event in group) + b"]"


def _error_message(answer: Any) -> str:
    if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
        return str(answer["error"].get("message", answer["error"]))
    return str(answer)


class GroupDelivery:
    """Sends one group of queued events and records the outcome in `counters`.

    A group goes as one `POST /api/batch`; the answer's `errors` count says how many events the
    server refused. A server that answers 404 or 405 there has no batch endpoint: that group
    and all later ones for the same URL go one by one to `/api/send`.
    """

    def __init__(self, counters: DeliveryCounters, policy: RetryPolicy) -> None:
        self._counters = counters
        self._policy = policy
        self._batch_unsupported: set[str] = set()

    def deliver(
        self, http: httpx.Client, group: list[QueuedEvent], sleep: Callable[[float], bool]
    ) -> None:
        destination = group[0].destination
        if destination.batch_url not in self._batch_unsupported:
            request = destination.request(destination.batch_url)
            try:
                response = send_with_retry(
                    http, request, self._policy, content=_batch_body(group), sleep=sleep
                )
            except httpx.HTTPError as error:
                self._counters.add_failed(len(group), f"{type(error).__name__}: {error}")
                return
            if self._record_batch_answer(response, group):
                return
        for event in group:
            request = destination.request(destination.send_url)
            try:
                response = send_with_retry(
                    http, request, self._policy, content=event.body, sleep=sleep
                )
            except httpx.HTTPError as error:
                self._counters.add_failed(1, f"{type(error).__name__}: {error}")
                continue
            self._record_send_answer(response)

    async def deliver_async(
        self,
        http: httpx.AsyncClient,
        group: list[QueuedEvent],
        sleep: Callable[[float], Awaitable[bool]],
    ) -> None:
        destination = group[0].destination
        if destination.batch_url not in self._batch_unsupported:
            request = destination.request(destination.batch_url)
            try:
                response = await send_with_retry_async(
                    http, request, self._policy, content=_batch_body(group), sleep=sleep
                )
            except httpx.HTTPError as error:
                self._counters.add_failed(len(group), f"{type(error).__name__}: {error}")
                return
            if self._record_batch_answer(response, group):
                return
        for event in group:
            request = destination.request(destination.send_url)
            try:
                response = await send_with_retry_async(
                    http, request, self._policy, content=event.body, sleep=sleep
                )
            except httpx.HTTPError as error:
                self._counters.add_failed(1, f"{type(error).__name__}: {error}")
                continue
            self._record_send_answer(response)

    def _record_batch_answer(self, response: httpx.Response, group: list[QueuedEvent]) -> bool:
        """Count the outcome of a batch; False when the events must go one by one instead."""
        size = len(group)
        if response.status_code in _BATCH_UNSUPPORTED_STATUSES:
            self._batch_unsupported.add(group[0].destination.batch_url)
            logger.info("umami: %s has no batch endpoint; sending one by one", response.url)
            return False
        if not response.is_success:
            self._counters.add_failed(size, f"batch answered HTTP {response.status_code}")
            return True
        try:
            answer = response.json()
            refused = min(size, max(0, int(answer.get("errors", 0))))
            details = answer.get("details") or []
        except (ValueError, TypeError, AttributeError):
            # A 2xx without the batch summary (a proxy, an older server): all accepted.
            refused, details = 0, []
        self._counters.add_sent(size - refused)
        if refused:
            first = details[0] if details and isinstance(details[0], dict) else {}
            reason = _error_message(first.get("response", "no details"))
            self._counters.add_failed(refused, f"server refused {refused} of {size}: {reason}")
        return True

    def _record_send_answer(self, response: httpx.Response) -> None:
        if response.is_success:
            self._counters.add_sent(1)
        else:
            self._counters.add_failed(1, f"send answered HTTP {response.status_code}")
