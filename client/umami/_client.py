"""`Client`: the same calls as the module-level API, with its own configuration, connection
pooling, timeouts, retries and optional background batching."""

from __future__ import annotations

import asyncio
import os
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from datetime import datetime
from types import TracebackType
from typing import Any

import httpx

from umami import _wire, models
from umami._batch import BackgroundTaskSender, BackgroundThreadSender, Batching
from umami._delivery import (
    DeliveryCounters,
    DeliveryStats,
    Destination,
    GroupDelivery,
    QueuedEvent,
)
from umami._retry import RetryPolicy, send_with_retry, send_with_retry_async
from umami._version import __version__
from umami.errors import ValidationError

DEFAULT_RETRY = RetryPolicy()


class Client:
    """One Umami server (self-hosted or Cloud) and its defaults, independent of the
    module-level configuration, so one process can send to several servers or websites.

    Methods have the names, arguments, defaults and errors of the module-level functions.
    Differences, all deliberate: requests go through a pooled connection with `timeout`
    seconds and are retried as `retry` says (None: never); send methods return `{}` when
    tracking is disabled; and with `batching` set, send methods queue the event and return
    `{}` at once while a background thread (sync methods) or task (async methods) delivers it
    in batches; argument errors are still raised at the call.

    Close it with `close()` / `await aclose()` or use it as a (async) context manager; events
    still queued at interpreter exit are delivered then.
    """

    def __init__(
        self,
        url_base: str | None = None,
        *,
        website_id: str | None = None,
        hostname: str | None = None,
        api_key: str | None = None,
        cloud_region: str | None = None,
        auth_token: str | None = None,
        tracking_enabled: bool = True,
        timeout: float | httpx.Timeout = 5.0,
        retry: RetryPolicy | None = DEFAULT_RETRY,
        batching: Batching | None = None,
        user_agent: str | None = None,
        event_user_agent: str = _wire.BROWSER_USER_AGENT,
    ) -> None:
        self.url_base: str | None = None
        self.api_key: str | None = None
        self.cloud_region: str | None = None
        if url_base is not None:
            self.set_url_base(url_base)
        if api_key is not None:
            self.set_cloud_api_key(api_key, cloud_region)
        elif cloud_region is not None:
            raise ValidationError("cloud_region needs an api_key.")
        self.website_id = website_id
        self.hostname = hostname
        self.auth_token = auth_token
        self.tracking_enabled = tracking_enabled
        self.user_agent = user_agent or _wire.sdk_user_agent(__version__)
        self.event_user_agent = event_user_agent
        self.batching = batching
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._retry = retry if retry is not None else RetryPolicy.never()
        self._counters = DeliveryCounters()
        self._delivery = GroupDelivery(self._counters, self._retry)
        self._lock = threading.Lock()
        self._http: httpx.Client | None = None
        self._async_http: httpx.AsyncClient | None = None
        self._async_http_loop: asyncio.AbstractEventLoop | None = None
        self._thread_sender: BackgroundThreadSender | None = None
        self._task_sender: BackgroundTaskSender | None = None
        _clients.add(self)

    def __repr__(self) -> str:
        where = "Umami Cloud" if self.api_key is not None else self.url_base
        return f"<umami.Client {where} website_id={self.website_id!r}>"

    # --- configuration -----------------------------------------------------------------------

    def set_url_base(self, url: str) -> None:
        self.url_base = _wire.normalized_url_base(url)

    def set_website_id(self, website_id: str) -> None:
        self.website_id = website_id

    def set_hostname(self, hostname: str) -> None:
        self.hostname = hostname

    def set_cloud_api_key(self, key: str, region: str | None = None) -> None:
        self.api_key = _wire.normalized_cloud_key(key, region)
        self.cloud_region = region

    def clear_cloud_api_key(self) -> None:
        self.api_key = None
        self.cloud_region = None

    def enable(self) -> None:
        self.tracking_enabled = True

    def disable(self) -> None:
        self.tracking_enabled = False

    def is_logged_in(self) -> bool:
        return self.auth_token is not None or self.api_key is not None

    # --- authentication and health -----------------------------------------------------------

    def login(self, username: str, password: str) -> models.LoginResponse:
        request = _wire.login_request(self._settings(), username, password)
        answer = _wire.parse_login(self._checked_json(request))
        self.auth_token = answer.token
        return answer

    async def login_async(self, username: str, password: str) -> models.LoginResponse:
        request = _wire.login_request(self._settings(), username, password)
        answer = _wire.parse_login(await self._checked_json_async(request))
        self.auth_token = answer.token
        return answer

    def verify_token(self, check_server: bool = True) -> bool:
        settings = self._settings()
        try:
            _wire.require_state(settings, url=True, user=True)
            if not check_server:
                return self.is_logged_in()
            body = self._checked_json(_wire.verify_request(settings))
            return _wire.verification_succeeded(settings, body)
        except Exception:
            return False

    async def verify_token_async(self, check_server: bool = True) -> bool:
        settings = self._settings()
        try:
            _wire.require_state(settings, url=True, user=True)
            if not check_server:
                return self.is_logged_in()
            body = await self._checked_json_async(_wire.verify_request(settings))
            return _wire.verification_succeeded(settings, body)
        except Exception:
            return False

    def heartbeat(self) -> bool:
        settings = self._settings()
        try:
            _wire.require_state(settings, url=True)
            self._checked_response(_wire.heartbeat_request(settings))
            return True
        except Exception:
            return False

    async def heartbeat_async(self) -> bool:
        settings = self._settings()
        try:
            _wire.require_state(settings, url=True)
            await self._checked_response_async(_wire.heartbeat_request(settings))
            return True
        except Exception:
            return False

    # --- queries -----------------------------------------------------------------------------

    def websites(self) -> list[models.Website]:
        request = _wire.websites_request(self._settings())
        return _wire.parse_websites(self._checked_json(request))

    async def websites_async(self) -> list[models.Website]:
        request = _wire.websites_request(self._settings())
        return _wire.parse_websites(await self._checked_json_async(request))

    def website_stats(
        self,
        start_at: datetime,
        end_at: datetime,
        website_id: str | None = None,
        url: str | None = None,
        referrer: str | None = None,
        title: str | None = None,
        query: str | None = None,
        event: str | None = None,
        host: str | None = None,
        os: str | None = None,
        browser: str | None = None,
        device: str | None = None,
        country: str | None = None,
        region: str | None = None,
        city: str | None = None,
    ) -> models.WebsiteStats:
        filters = _wire.stats_filters(
            url, referrer, title, query, event, host, os, browser, device, country, region, city
        )
        request = _wire.website_stats_request(
            self._settings(), start_at, end_at, website_id, filters
        )
        return _wire.parse_website_stats(self._checked_json(request))

    async def website_stats_async(
        self,
        start_at: datetime,
        end_at: datetime,
        website_id: str | None = None,
        url: str | None = None,
        referrer: str | None = None,
        title: str | None = None,
        query: str | None = None,
        event: str | None = None,
        host: str | None = None,
        os: str | None = None,
        browser: str | None = None,
        device: str | None = None,
        country: str | None = None,
        region: str | None = None,
        city: str | None = None,
    ) -> models.WebsiteStats:
        filters = _wire.stats_filters(
            url, referrer, title, query, event, host, os, browser, device, country, region, city
        )
        request = _wire.website_stats_request(
            self._settings(), start_at, end_at, website_id, filters
        )
        return _wire.parse_website_stats(await self._checked_json_async(request))

    def active_users(self, website_id: str | None = None) -> int:
        request = _wire.active_users_request(self._settings(), website_id)
        return _wire.parse_active_users(self._checked_json(request))

    async def active_users_async(self, website_id: str | None = None) -> int:
        request = _wire.active_users_request(self._settings(), website_id)
        return _wire.parse_active_users(await self._checked_json_async(request))

    # --- sending -----------------------------------------------------------------------------

    def new_event(
        self,
        event_name: str,
        hostname: str | None = None,
        url: str = "/",
        website_id: str | None = None,
        title: str | None = None,
        custom_data: dict[str, Any] | None = None,
        referrer: str = "",
        language: str = "en-US",
        screen: str = "1920x1080",
        ip_address: str | None = None,
        distinct_id: str | int | None = None,
    ) -> dict[str, Any]:
        settings = self._settings()
        request = _wire.event_request(
            settings,
            event_name=event_name,
            hostname=hostname,
            url=url,
            website_id=website_id,
            title=title,
            custom_data=custom_data,
            referrer=referrer,
            language=language,
            screen=screen,
            ip_address=ip_address,
            distinct_id=distinct_id,
        )
        return self._send_tracking(settings, request)

    async def new_event_async(
        self,
        event_name: str,
        hostname: str | None = None,
        url: str = "/",
        website_id: str | None = None,
        title: str | None = None,
        custom_data: dict[str, Any] | None = None,
        referrer: str = "",
        language: str = "en-US",
        screen: str = "1920x1080",
        ip_address: str | None = None,
        distinct_id: str | int | None = None,
    ) -> dict[str, Any]:
        settings = self._settings()
        request = _wire.event_request(
            settings,
            event_name=event_name,
            hostname=hostname,
            url=url,
            website_id=website_id,
            title=title,
            custom_data=custom_data,
            referrer=referrer,
            language=language,
            screen=screen,
            ip_address=ip_address,
            distinct_id=distinct_id,
        )
        return await self._send_tracking_async(settings, request)

    def new_page_view(
        self,
        page_title: str,
        url: str,
        hostname: str | None = None,
        website_id: str | None = None,
        referrer: str = "",
        language: str = "en-US",
        screen: str = "1920x1080",
        ua: str | None = None,
        ip_address: str | None = None,
        distinct_id: str | int | None = None,
    ) -> dict[str, Any]:
        """`ua` is the visitor's User-Agent; it defaults to this client's `event_user_agent`."""
        settings = self._settings()
        request = _wire.page_view_request(
            settings,
            page_title=page_title,
            url=url,
            hostname=hostname,
            website_id=website_id,
            referrer=referrer,
            language=language,
            screen=screen,
            ua=ua or self.event_user_agent,
            ip_address=ip_address,
            distinct_id=distinct_id,
        )
        return self._send_tracking(settings, request)

    async def new_page_view_async(
        self,
        page_title: str,
        url: str,
        hostname: str | None = None,
        website_id: str | None = None,
        referrer: str = "",
        language: str = "en-US",
        screen: str = "1920x1080",
        ua: str | None = None,
        ip_address: str | None = None,
        distinct_id: str | int | None = None,
    ) -> dict[str, Any]:
        settings = self._settings()
        request = _wire.page_view_request(
            settings,
            page_title=page_title,
            url=url,
            hostname=hostname,
            website_id=website_id,
            referrer=referrer,
            language=language,
            screen=screen,
            ua=ua or self.event_user_agent,
            ip_address=ip_address,
            distinct_id=distinct_id,
        )
        return await self._send_tracking_async(settings, request)

    def new_revenue_event(
        self,
        revenue: float,
        currency: str = "USD",
        event_name: str = "revenue",
        hostname: str | None = None,
        url: str = "/",
        website_id: str | None = None,
        title: str | None = None,
        custom_data: dict[str, Any] | None = None,
        referrer: str = "",
        language: str = "en-US",
        screen: str = "1920x1080",
        ip_address: str | None = None,
        distinct_id: str | int | None = None,
    ) -> dict[str, Any]:
        data = _wire.revenue_custom_data(revenue, currency, custom_data)
        return self.new_event(
            event_name=event_name,
            hostname=hostname,
            url=url,
            website_id=website_id,
            title=title,
            custom_data=data,
            referrer=referrer,
            language=language,
            screen=screen,
            ip_address=ip_address,
            distinct_id=distinct_id,
        )

    async def new_revenue_event_async(
        self,
        revenue: float,
        currency: str = "USD",
        event_name: str = "revenue",
        hostname: str | None = None,
        url: str = "/",
        website_id: str | None = None,
        title: str | None = None,
        custom_data: dict[str, Any] | None = None,
        referrer: str = "",
        language: str = "en-US",
        screen: str = "1920x1080",
        ip_address: str | None = None,
        distinct_id: str | int | None = None,
    ) -> dict[str, Any]:
        data = _wire.revenue_custom_data(revenue, currency, custom_data)
        return await self.new_event_async(
            event_name=event_name,
            hostname=hostname,
            url=url,
            website_id=website_id,
            title=title,
            custom_data=data,
            referrer=referrer,
            language=language,
            screen=screen,
            ip_address=ip_address,
            distinct_id=distinct_id,
        )

    # --- background sending ------------------------------------------------------------------

    @property
    def stats(self) -> DeliveryStats:
        """Counts of the events sent in the background (all zero without `batching`)."""
        queued = sum(
            sender.queued
            for sender in (self._thread_sender, self._task_sender)
            if sender is not None
        )
        return self._counters.snapshot(queued)

    def flush(self, timeout: float | None = None) -> bool:
        """Deliver the events queued by sync methods now and wait for the outcome; False if
        `timeout` seconds passed first. Events queued by async methods: `flush_async`."""
        sender = self._thread_sender
        return True if sender is None else sender.flush(timeout)

    async def flush_async(self, timeout: float | None = None) -> bool:
        """Deliver the events queued by async methods now and wait for the outcome; False if
        `timeout` seconds passed first. Events queued by sync methods: `flush`."""
        sender = self._task_sender
        return True if sender is None else await sender.flush(timeout)

    def close(self, timeout: float | None = None) -> None:
        """Deliver what sync methods queued (within `timeout`, default the batching's
        `shutdown_timeout`) and release connections. The client stays usable."""
        if self._thread_sender is not None:
            self._thread_sender.close(timeout)
        with self._lock:
            http, self._http = self._http, None
        if http is not None:
            http.close()

    async def aclose(self, timeout: float | None = None) -> None:
        """Like `close`, for the events async methods queued, then for the sync side too."""
        if self._task_sender is not None:
            await self._task_sender.close(timeout)
        await self._close_async_http()
        if self._thread_sender is not None or self._http is not None:
            await asyncio.to_thread(self.close, timeout)

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # --- internals ---------------------------------------------------------------------------

    def _settings(self) -> _wire.Settings:
        return _wire.Settings(
            url_base=self.url_base,
            auth_token=self.auth_token,
            api_key=self.api_key,
            cloud_region=self.cloud_region,
            default_website_id=self.website_id,
            default_hostname=self.hostname,
            user_agent=self.user_agent,
            event_user_agent=self.event_user_agent,
        )

    def _sync_http(self) -> httpx.Client:
        with self._lock:
            if self._http is None or self._http.is_closed:
                self._http = httpx.Client(timeout=self._timeout, follow_redirects=True)
            return self._http

    def _async_http_for_running_loop(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        http = self._async_http
        # An AsyncClient's connections belong to the loop that opened them.
        if http is None or http.is_closed or self._async_http_loop is not loop:
            http = httpx.AsyncClient(timeout=self._timeout, follow_redirects=True)
            self._async_http, self._async_http_loop = http, loop
        return http

    async def _close_async_http(self) -> None:
        http = self._async_http
        if http is not None and self._async_http_loop is asyncio.get_running_loop():
            self._async_http, self._async_http_loop = None, None
            await http.aclose()

    def _checked_response(self, request: _wire.ApiRequest) -> httpx.Response:
        response = send_with_retry(self._sync_http(), request, self._retry)
        response.raise_for_status()
        return response

    async def _checked_response_async(self, request: _wire.ApiRequest) -> httpx.Response:
        http = self._async_http_for_running_loop()
        response = await send_with_retry_async(http, request, self._retry)
        response.raise_for_status()
        return response

    def _checked_json(self, request: _wire.ApiRequest) -> Any:
        return self._checked_response(request).json()

    async def _checked_json_async(self, request: _wire.ApiRequest) -> Any:
        return (await self._checked_response_async(request)).json()

    def _send_tracking(self, settings: _wire.Settings, request: _wire.ApiRequest) -> dict[str, Any]:
        if not self.tracking_enabled:
            return {}
        if self.batching is None:
            answer: dict[str, Any] = self._checked_json(request)
            return answer
        event = self._queued_event(settings, request)
        if event is not None:
            self._background_thread().submit(event)
        return {}

    async def _send_tracking_async(
        self, settings: _wire.Settings, request: _wire.ApiRequest
    ) -> dict[str, Any]:
        if not self.tracking_enabled:
            return {}
        if self.batching is None:
            answer: dict[str, Any] = await self._checked_json_async(request)
            return answer
        event = self._queued_event(settings, request)
        if event is not None:
            self._background_task().submit(event)
        return {}

    def _queued_event(
        self, settings: _wire.Settings, request: _wire.ApiRequest
    ) -> QueuedEvent | None:
        # Stamped now so that the server records when it happened, not when the batch arrived.
        payload = {**request.json["payload"], "timestamp": int(time.time())}
        try:
            body = _wire.json_bytes({**request.json, "payload": payload})
        except (TypeError, ValueError) as error:
            self._counters.add_failed(1, f"event data is not JSON: {error}")
            return None
        destination = Destination(
            send_url=request.url,
            batch_url=_wire.batch_url(settings),
            headers=tuple(request.headers.items()),
        )
        return QueuedEvent(destination, body)

    def _background_thread(self) -> BackgroundThreadSender:
        with self._lock:
            if self._thread_sender is None:
                self._thread_sender = BackgroundThreadSender(
                    self._deliver_group, self._batching_settings(), self._counters.add_dropped
                )
            return self._thread_sender

    def _background_task(self) -> BackgroundTaskSender:
        with self._lock:
            if self._task_sender is None:
                self._task_sender = BackgroundTaskSender(
                    self._deliver_group_async,
                    self._deliver_group,
                    self._batching_settings(),
                    self._counters.add_dropped,
                    self._close_async_http,
                )
            return self._task_sender

    def _batching_settings(self) -> Batching:
        return self.batching if self.batching is not None else Batching()

    def _deliver_group(self, group: list[QueuedEvent], sleep: Callable[[float], bool]) -> None:
        self._delivery.deliver(self._sync_http(), group, sleep)

    async def _deliver_group_async(
        self, group: list[QueuedEvent], sleep: Callable[[float], Awaitable[bool]]
    ) -> None:
        await self._delivery.deliver_async(self._async_http_for_running_loop(), group, sleep)

    def _forget_connections_after_fork(self) -> None:
        # Sockets inherited from the parent are the parent's; open new ones when needed.
        self._lock = threading.Lock()
        self._counters.forget_lock_after_fork()
        self._http = None
        self._async_http, self._async_http_loop = None, None


_clients: weakref.WeakSet[Client] = weakref.WeakSet()


def _forget_client_connections_after_fork() -> None:
    for client in list(_clients):
        client._forget_connections_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_client_connections_after_fork)
