"""Python client for Umami-compatible analytics servers.

A drop-in for `umami-analytics` 1.0: the same module-level functions, arguments, defaults,
errors and models (`umami.set_url_base(...)`, `umami.new_event(...)`, ...). Beyond it, and
only when used: `umami.Client` for several servers or websites, with pooled connections,
timeouts, retries (`RetryPolicy`) and background batching (`Batching`, `DeliveryStats`).
"""

from umami import errors, models
from umami import impl as impl
from umami import urls as urls
from umami._batch import Batching as Batching
from umami._client import Client as Client
from umami._delivery import DeliveryStats as DeliveryStats
from umami._retry import RetryPolicy as RetryPolicy
from umami._version import __version__ as __version__
from umami.impl import (
    active_users,
    active_users_async,
    clear_cloud_api_key,
    disable,
    enable,
    heartbeat,
    heartbeat_async,
    is_logged_in,
    login,
    login_async,
    new_event,
    new_event_async,
    new_page_view,
    new_page_view_async,
    new_revenue_event,
    new_revenue_event_async,
    set_cloud_api_key,
    set_hostname,
    set_url_base,
    set_website_id,
    verify_token,
    verify_token_async,
    website_stats,
    website_stats_async,
    websites,
    websites_async,
)
from umami.impl import (
    user_agent as user_agent,
)

__author__ = "umami project contributors"

# Exactly the names umami-analytics 1.0 exports, so star-imports behave the same. The
# additions (Client, RetryPolicy, Batching, DeliveryStats) are imported by name.
__all__ = [
    "models",
    "errors",
    "set_url_base",
    "set_website_id",
    "set_hostname",
    "set_cloud_api_key",
    "clear_cloud_api_key",
    "enable",
    "disable",
    "login",
    "login_async",
    "is_logged_in",
    "verify_token",
    "verify_token_async",
    "websites",
    "websites_async",
    "heartbeat",
    "heartbeat_async",
    "new_event",
    "new_event_async",
    "new_revenue_event",
    "new_revenue_event_async",
    "new_page_view",
    "new_page_view_async",
    "website_stats",
    "website_stats_async",
    "active_users",
    "active_users_async",
]
