"""What goes over the wire: checks arguments, builds each API request and reads each answer.

Pure functions of a `Settings` snapshot, shared by the module-level functions in `umami.impl`
(which read module state) and by `umami.Client` (which holds its own). Nothing here does I/O.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from umami import models, urls
from umami.errors import OperationNotAllowedError, ValidationError

CLOUD_DATA_BASE = "https://api.umami.is/v1"
CLOUD_SEND_BASE = "https://cloud.umami.is/api"
CLOUD_REGIONS = ("us", "eu")

# A real desktop browser's UA: Umami drops hits whose User-Agent looks like a bot.
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
)

# Stands in for the event name when only hostname and website id need checking.
_PAGE_VIEW_EVENT_NAME = "page view"


def sdk_user_agent(version: str) -> str:
    """The User-Agent the client identifies itself with on login, health and data calls."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    return f"Umami-Client v{version} / Python {python} / {sys.platform.capitalize()}"


@dataclass(frozen=True)
class Settings:
    """The configuration one call is made with."""

    url_base: str | None
    auth_token: str | None
    api_key: str | None
    cloud_region: str | None
    default_website_id: str | None
    default_hostname: str | None
    user_agent: str
    event_user_agent: str

    @property
    def cloud(self) -> bool:
        return self.api_key is not None


@dataclass(frozen=True)
class ApiRequest:
    """One HTTP request, described; `umami.impl` and `umami.Client` each decide how to send it."""

    method: Literal["GET", "POST"]
    url: str
    headers: dict[str, str]
    json: Any = None
    params: dict[str, Any] | None = None

    def keyword_arguments(self) -> dict[str, Any]:
        """The keyword arguments for `httpx.get`/`httpx.post` (the URL goes first, positionally)."""
        arguments: dict[str, Any] = {"headers": self.headers}
        if self.json is not None:
            arguments["json"] = self.json
        if self.params is not None:
            arguments["params"] = self.params
        arguments["follow_redirects"] = True
        return arguments


# --- argument checks -------------------------------------------------------------------------


def normalized_url_base(url: str) -> str:
    if not url or not url.strip():
        raise ValidationError("URL must not be empty.")
    if not url.startswith(("http://", "https://")):
        raise ValidationError("The URL must start with http:// or https://.")
    # Trailing slashes go before surrounding whitespace, as umami-analytics does.
    return url.rstrip("/").strip()


def normalized_cloud_key(key: str, region: str | None) -> str:
    if not key or not key.strip():
        raise ValidationError("The Umami Cloud API key must not be empty.")
    if region is not None and region not in CLOUD_REGIONS:
        raise ValidationError("The Umami Cloud region must be None, 'us' or 'eu'.")
    return key.strip()


def require_state(settings: Settings, *, url: bool = False, user: bool = False) -> None:
    """Refuse a call whose configuration is missing; Umami Cloud mode satisfies both needs."""
    if settings.cloud:
        return
    if url and not settings.url_base:
        raise OperationNotAllowedError(
            "Set a URL base with set_url_base() or call set_cloud_api_key()."
        )
    if user and not settings.auth_token:
        raise OperationNotAllowedError("Call login() or set_cloud_api_key() before proceeding.")


def validate_login(username: str, password: str) -> None:
    if not username:
        raise ValidationError("Email cannot be empty")
    if not password:
        raise ValidationError("Password cannot be empty")


def validate_event_data(event_name: str, hostname: str | None, website_id: str | None) -> None:
    if not hostname:
        raise ValidationError(
            "The hostname must be set, either as a parameter or with set_hostname()."
        )
    if not website_id:
        raise ValidationError(
            "The website id must be set, either as a parameter or with set_website_id()."
        )
    if not event_name or not event_name.strip():
        raise ValidationError("The event name must not be empty.")


def normalize_distinct_id(distinct_id: str | int | None) -> str | None:
    """The `id` payload field for a distinct id, or None when there is none to send."""
    if distinct_id is None:
        return None
    # bool is an int subclass, but True is not anybody's user id.
    if isinstance(distinct_id, bool) or not isinstance(distinct_id, (str, int)):
        raise ValidationError("distinct_id must be a string or integer.")
    if isinstance(distinct_id, int):
        return str(distinct_id)
    return distinct_id.strip() or None


def revenue_custom_data(
    revenue: float, currency: str, custom_data: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The event data of a revenue event: the caller's data with `revenue` and `currency` last."""
    if not isinstance(revenue, (int, float)):
        raise ValidationError("revenue must be a number.")
    if revenue < 0:
        raise ValidationError("revenue must be >= 0.")
    if not currency or not currency.strip():
        raise ValidationError("currency must be a non-empty string.")
    data = dict(custom_data or {})
    data["revenue"] = revenue
    data["currency"] = currency
    return data


# --- URLs and headers ------------------------------------------------------------------------


def data_url(settings: Settings, path: str) -> str:
    if settings.cloud:
        region = f"/{settings.cloud_region}" if settings.cloud_region else ""
        return f"{CLOUD_DATA_BASE}{region}{path.removeprefix('/api')}"
    return f"{settings.url_base}{path}"


def data_headers(settings: Settings) -> dict[str, str]:
    if settings.cloud:
        return {"User-Agent": settings.user_agent, "x-umami-api-key": str(settings.api_key)}
    return {"User-Agent": settings.user_agent, "Authorization": f"Bearer {settings.auth_token}"}


def send_url(settings: Settings) -> str:
    if settings.cloud:
        return f"{CLOUD_SEND_BASE}{urls.events.removeprefix('/api')}"
    return f"{settings.url_base}{urls.events}"


def batch_url(settings: Settings) -> str:
    if settings.cloud:
        return f"{CLOUD_SEND_BASE}{urls.batch.removeprefix('/api')}"
    return f"{settings.url_base}{urls.batch}"


def send_headers(settings: Settings, user_agent: str) -> dict[str, str]:
    if settings.cloud:
        return {"User-Agent": user_agent}
    # "Bearer None" when anonymous is what umami-analytics sends; servers ignore it here.
    return {"User-Agent": user_agent, "Authorization": f"Bearer {settings.auth_token}"}


# --- requests --------------------------------------------------------------------------------


def login_request(settings: Settings, username: str, password: str) -> ApiRequest:
    if settings.cloud:
        raise OperationNotAllowedError(
            "login() is not available in Umami Cloud mode: the API key is the credential."
        )
    require_state(settings, url=True)
    validate_login(username, password)
    return ApiRequest(
        "POST",
        f"{settings.url_base}{urls.login}",
        {"User-Agent": settings.user_agent},
        json={"username": username, "password": password},
    )


def verify_request(settings: Settings) -> ApiRequest:
    if settings.cloud:
        return ApiRequest("GET", data_url(settings, urls.me), data_headers(settings))
    headers = {
        "User-Agent": settings.event_user_agent,
        "Authorization": f"Bearer {settings.auth_token}",
    }
    return ApiRequest("POST", f"{settings.url_base}{urls.verify}", headers)


def heartbeat_request(settings: Settings) -> ApiRequest:
    if settings.cloud:
        return ApiRequest("GET", data_url(settings, urls.me), data_headers(settings))
    return ApiRequest(
        "GET", f"{settings.url_base}{urls.heartbeat}", {"User-Agent": settings.user_agent}
    )


def websites_request(settings: Settings) -> ApiRequest:
    require_state(settings, url=True, user=True)
    return ApiRequest("GET", data_url(settings, urls.websites), data_headers(settings))


def epoch_milliseconds(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def stats_filters(
    url: str | None,
    referrer: str | None,
    title: str | None,
    query: str | None,
    event: str | None,
    host: str | None,
    os: str | None,
    browser: str | None,
    device: str | None,
    country: str | None,
    region: str | None,
    city: str | None,
) -> dict[str, str | None]:
    """The stats filters under Umami's query parameter names; `url` and `host` keep the
    argument names umami-analytics users know."""
    return {
        "path": url,
        "referrer": referrer,
        "title": title,
        "query": query,
        "event": event,
        "hostname": host,
        "os": os,
        "browser": browser,
        "device": device,
        "country": country,
        "region": region,
        "city": city,
    }


def website_stats_request(
    settings: Settings,
    start_at: datetime,
    end_at: datetime,
    website_id: str | None,
    filters: Mapping[str, str | None],
) -> ApiRequest:
    """`filters` maps Umami's query parameter names (`path`, `hostname`, ...) to values."""
    require_state(settings, url=True, user=True)
    website_id = website_id or settings.default_website_id
    params: dict[str, Any] = {
        "startAt": epoch_milliseconds(start_at),
        "endAt": epoch_milliseconds(end_at),
    }
    params.update((name, value) for name, value in filters.items() if value is not None)
    url = data_url(settings, f"{urls.websites}/{website_id}/stats")
    return ApiRequest("GET", url, data_headers(settings), params=params)


def active_users_request(settings: Settings, website_id: str | None) -> ApiRequest:
    require_state(settings, url=True, user=True)
    website_id = website_id or settings.default_website_id
    url = data_url(settings, f"{urls.websites}/{website_id}/active")
    return ApiRequest("GET", url, data_headers(settings))


def _with_optional_fields(
    payload: dict[str, Any], ip_address: str | None, distinct_id: str | None
) -> dict[str, Any]:
    if ip_address and ip_address.strip():
        payload["ip"] = ip_address
    if distinct_id is not None:
        payload["id"] = distinct_id
    return payload


def event_request(
    settings: Settings,
    *,
    event_name: str,
    hostname: str | None,
    url: str,
    website_id: str | None,
    title: str | None,
    custom_data: dict[str, Any] | None,
    referrer: str,
    language: str,
    screen: str,
    ip_address: str | None,
    distinct_id: str | int | None,
) -> ApiRequest:
    """POST /api/send for a custom event; validates in umami-analytics' order."""
    require_state(settings, url=True)
    website_id = website_id or settings.default_website_id
    hostname = hostname or settings.default_hostname
    title = title or event_name
    custom_data = custom_data or {}
    event_id = normalize_distinct_id(distinct_id)
    validate_event_data(event_name, hostname, website_id)
    payload = {
        "hostname": hostname,
        "language": language,
        "referrer": referrer,
        "screen": screen,
        "title": title,
        "url": url,
        "website": website_id,
        "name": event_name,
        "data": custom_data,
    }
    body = {"payload": _with_optional_fields(payload, ip_address, event_id), "type": "event"}
    return ApiRequest(
        "POST", send_url(settings), send_headers(settings, settings.event_user_agent), json=body
    )


def page_view_request(
    settings: Settings,
    *,
    page_title: str,
    url: str,
    hostname: str | None,
    website_id: str | None,
    referrer: str,
    language: str,
    screen: str,
    ua: str,
    ip_address: str | None,
    distinct_id: str | int | None,
) -> ApiRequest:
    """POST /api/send for a page view: the payload has no `name` and no `data`."""
    require_state(settings, url=True)
    website_id = website_id or settings.default_website_id
    hostname = hostname or settings.default_hostname
    event_id = normalize_distinct_id(distinct_id)
    validate_event_data(_PAGE_VIEW_EVENT_NAME, hostname, website_id)
    payload = {
        "hostname": hostname,
        "language": language,
        "referrer": referrer,
        "screen": screen,
        "title": page_title,
        "url": url,
        "website": website_id,
    }
    body = {"payload": _with_optional_fields(payload, ip_address, event_id), "type": "event"}
    return ApiRequest("POST", send_url(settings), send_headers(settings, ua), json=body)


# --- answers ---------------------------------------------------------------------------------


def parse_login(body: Any) -> models.LoginResponse:
    return models.LoginResponse.model_validate(body)


def parse_websites(body: Any) -> list[models.Website]:
    return models.WebsitesResponse.model_validate(body).websites


def parse_website_stats(body: Any) -> models.WebsiteStats:
    return models.WebsiteStats.model_validate(body)


def parse_active_users(body: Mapping[str, Any]) -> int:
    if "visitors" in body:
        return int(body["visitors"])
    if "x" in body:  # the key older Umami versions used
        return int(body["x"])
    return 0


def verification_succeeded(settings: Settings, body: Any) -> bool:
    if settings.cloud:
        return "user" in body or "username" in body
    return "username" in body


def json_bytes(value: Any) -> bytes:
    """Serialise a request body the way httpx does for `json=` (NaN and infinity refused)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
