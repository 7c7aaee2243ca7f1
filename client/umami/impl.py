"""The umami-analytics 1.0 compatible API: module-level configuration and one function per call.

Every function reads the configuration below at call time and sends through the module-level
`httpx` functions (`httpx.get`, `httpx.post`, `httpx.AsyncClient`), so code and tests that patch
`umami.impl.<name>` keep working. For several servers or websites, batching, background sending
or retries, use `umami.Client` instead; nothing here changes when it is used.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from umami import _wire, models
from umami._version import __version__

__all__ = [
    "active_users",
    "active_users_async",
    "clear_cloud_api_key",
    "disable",
    "enable",
    "heartbeat",
    "heartbeat_async",
    "is_logged_in",
    "login",
    "login_async",
    "new_event",
    "new_event_async",
    "new_page_view",
    "new_page_view_async",
    "new_revenue_event",
    "new_revenue_event_async",
    "set_cloud_api_key",
    "set_hostname",
    "set_url_base",
    "set_website_id",
    "verify_token",
    "verify_token_async",
    "website_stats",
    "website_stats_async",
    "websites",
    "websites_async",
]

url_base: str | None = None
auth_token: str | None = None
default_website_id: str | None = None
default_hostname: str | None = None
tracking_enabled: bool = True
api_key: str | None = None
cloud_region: str | None = None

user_agent: str = _wire.sdk_user_agent(__version__)
event_user_agent: str = _wire.BROWSER_USER_AGENT

_CLOUD_DATA_BASE = _wire.CLOUD_DATA_BASE
_CLOUD_SEND_BASE = _wire.CLOUD_SEND_BASE

# Shared checks, importable from here as in umami-analytics.
validate_login = _wire.validate_login
validate_event_data = _wire.validate_event_data
normalize_distinct_id = _wire.normalize_distinct_id


def _settings() -> _wire.Settings:
    return _wire.Settings(
        url_base=url_base,
        auth_token=auth_token,
        api_key=api_key,
        cloud_region=cloud_region,
        default_website_id=default_website_id,
        default_hostname=default_hostname,
        user_agent=user_agent,
        event_user_agent=event_user_agent,
    )


def _send(request: _wire.ApiRequest) -> httpx.Response:
    if request.method == "GET":
        return httpx.get(request.url, **request.keyword_arguments())
    return httpx.post(request.url, **request.keyword_arguments())


async def _send_async(request: _wire.ApiRequest) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        if request.method == "GET":
            return await client.get(request.url, **request.keyword_arguments())
        return await client.post(request.url, **request.keyword_arguments())


def _checked_json(response: httpx.Response) -> Any:
    response.raise_for_status()
    return response.json()


def _send_answer(response: httpx.Response) -> dict[str, Any]:
    answer: dict[str, Any] = _checked_json(response)
    return answer


def validate_state(url: bool = False, user: bool = False) -> None:
    """Raise OperationNotAllowedError when the URL base (url=True) or a login (user=True) is
    missing; an Umami Cloud API key satisfies both."""
    _wire.require_state(_settings(), url=url, user=user)


# --- configuration ---------------------------------------------------------------------------


def set_url_base(url: str) -> None:
    """Use the self-hosted server at `url` (scheme and host, optional path, without `/api`)."""
    global url_base
    url_base = _wire.normalized_url_base(url)


def set_website_id(website_id: str) -> None:
    """The website id used when a call does not pass one."""
    global default_website_id
    default_website_id = website_id


def set_hostname(hostname: str) -> None:
    """The hostname sent with events and page views when a call does not pass one."""
    global default_hostname
    default_hostname = hostname


def set_cloud_api_key(key: str, region: str | None = None) -> None:
    """Switch to Umami Cloud: data calls authenticate with `key`; `region` is None, 'us' or 'eu'."""
    global api_key, cloud_region
    api_key = _wire.normalized_cloud_key(key, region)
    cloud_region = region


def clear_cloud_api_key() -> None:
    """Leave Umami Cloud mode and go back to the self-hosted server."""
    global api_key, cloud_region
    api_key = None
    cloud_region = None


def enable() -> None:
    """Send events and page views (the default)."""
    global tracking_enabled
    tracking_enabled = True


def disable() -> None:
    """Validate events and page views but do not send them (for development and tests)."""
    global tracking_enabled
    tracking_enabled = False


def is_logged_in() -> bool:
    """Whether a login token or an Umami Cloud API key is present; makes no request."""
    return auth_token is not None or api_key is not None


# --- authentication and health ---------------------------------------------------------------


def login(username: str, password: str) -> models.LoginResponse:
    """Log in to the self-hosted server and keep its token for the data calls."""
    global auth_token
    request = _wire.login_request(_settings(), username, password)
    answer = _wire.parse_login(_checked_json(_send(request)))
    auth_token = answer.token
    return answer


async def login_async(username: str, password: str) -> models.LoginResponse:
    """Async twin of `login`."""
    global auth_token
    request = _wire.login_request(_settings(), username, password)
    answer = _wire.parse_login(_checked_json(await _send_async(request)))
    auth_token = answer.token
    return answer


def verify_token(check_server: bool = True) -> bool:
    """Whether the credential works; with `check_server=False` only whether one is present.
    Never raises."""
    settings = _settings()
    try:
        _wire.require_state(settings, url=True, user=True)
        if not check_server:
            return is_logged_in()
        body = _checked_json(_send(_wire.verify_request(settings)))
        return _wire.verification_succeeded(settings, body)
    except Exception:
        return False


async def verify_token_async(check_server: bool = True) -> bool:
    """Async twin of `verify_token`."""
    settings = _settings()
    try:
        _wire.require_state(settings, url=True, user=True)
        if not check_server:
            return is_logged_in()
        body = _checked_json(await _send_async(_wire.verify_request(settings)))
        return _wire.verification_succeeded(settings, body)
    except Exception:
        return False


def heartbeat() -> bool:
    """Whether the server answers (GET /api/heartbeat, or /me in Umami Cloud). Never raises."""
    settings = _settings()
    try:
        _wire.require_state(settings, url=True)
        _send(_wire.heartbeat_request(settings)).raise_for_status()
        return True
    except Exception:
        return False


async def heartbeat_async() -> bool:
    """Async twin of `heartbeat`."""
    settings = _settings()
    try:
        _wire.require_state(settings, url=True)
        (await _send_async(_wire.heartbeat_request(settings))).raise_for_status()
        return True
    except Exception:
        return False


# --- queries ---------------------------------------------------------------------------------


def websites() -> list[models.Website]:
    """The websites the credential can see (the server's first page only)."""
    return _wire.parse_websites(_checked_json(_send(_wire.websites_request(_settings()))))


async def websites_async() -> list[models.Website]:
    """Async twin of `websites`."""
    request = _wire.websites_request(_settings())
    return _wire.parse_websites(_checked_json(await _send_async(request)))


def website_stats(
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
    """Page views, visitors, visits, bounces and total time between two moments."""
    filters = _wire.stats_filters(
        url, referrer, title, query, event, host, os, browser, device, country, region, city
    )
    request = _wire.website_stats_request(_settings(), start_at, end_at, website_id, filters)
    return _wire.parse_website_stats(_checked_json(_send(request)))


async def website_stats_async(
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
    """Async twin of `website_stats`."""
    filters = _wire.stats_filters(
        url, referrer, title, query, event, host, os, browser, device, country, region, city
    )
    request = _wire.website_stats_request(_settings(), start_at, end_at, website_id, filters)
    return _wire.parse_website_stats(_checked_json(await _send_async(request)))


def active_users(website_id: str | None = None) -> int:
    """Visitors on the website right now."""
    request = _wire.active_users_request(_settings(), website_id)
    return _wire.parse_active_users(_checked_json(_send(request)))


async def active_users_async(website_id: str | None = None) -> int:
    """Async twin of `active_users`."""
    request = _wire.active_users_request(_settings(), website_id)
    return _wire.parse_active_users(_checked_json(await _send_async(request)))


# --- sending ---------------------------------------------------------------------------------
# Like umami-analytics, when tracking is disabled new_event_async (and so
# new_revenue_event_async) answer {} while the other send functions answer None.


def new_event(
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
) -> dict[str, Any] | None:
    """Record a custom event; returns the server's answer. Login is not needed."""
    request = _wire.event_request(
        _settings(),
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
    if not tracking_enabled:
        return None
    return _send_answer(_send(request))


async def new_event_async(
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
    """Async twin of `new_event`."""
    request = _wire.event_request(
        _settings(),
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
    if not tracking_enabled:
        return {}
    return _send_answer(await _send_async(request))


def new_page_view(
    page_title: str,
    url: str,
    hostname: str | None = None,
    website_id: str | None = None,
    referrer: str = "",
    language: str = "en-US",
    screen: str = "1920x1080",
    ua: str = event_user_agent,
    ip_address: str | None = None,
    distinct_id: str | int | None = None,
) -> dict[str, Any] | None:
    """Record a page view as the browser tracker would; `ua` is the visitor's User-Agent."""
    request = _wire.page_view_request(
        _settings(),
        page_title=page_title,
        url=url,
        hostname=hostname,
        website_id=website_id,
        referrer=referrer,
        language=language,
        screen=screen,
        ua=ua,
        ip_address=ip_address,
        distinct_id=distinct_id,
    )
    if not tracking_enabled:
        return None
    return _send_answer(_send(request))


async def new_page_view_async(
    page_title: str,
    url: str,
    hostname: str | None = None,
    website_id: str | None = None,
    referrer: str = "",
    language: str = "en-US",
    screen: str = "1920x1080",
    ua: str = event_user_agent,
    ip_address: str | None = None,
    distinct_id: str | int | None = None,
) -> dict[str, Any] | None:
    """Async twin of `new_page_view`."""
    request = _wire.page_view_request(
        _settings(),
        page_title=page_title,
        url=url,
        hostname=hostname,
        website_id=website_id,
        referrer=referrer,
        language=language,
        screen=screen,
        ua=ua,
        ip_address=ip_address,
        distinct_id=distinct_id,
    )
    if not tracking_enabled:
        return None
    return _send_answer(await _send_async(request))


def new_revenue_event(
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
) -> dict[str, Any] | None:
    """Record a custom event carrying `revenue` and `currency` in its event data."""
    data = _wire.revenue_custom_data(revenue, currency, custom_data)
    return new_event(
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
    """Async twin of `new_revenue_event`."""
    data = _wire.revenue_custom_data(revenue, currency, custom_data)
    return await new_event_async(
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
