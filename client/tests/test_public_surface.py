"""The drop-in surface is a contract: these tests pin every exported name."""

import importlib.metadata
import sys

import umami

UMAMI_ANALYTICS_EXPORTS = [
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
# Public names beyond __all__: the reference's submodules and attributes, and our additions.
OTHER_PUBLIC_NAMES = {"impl", "urls", "user_agent", "Client", "RetryPolicy", "Batching"}
OTHER_PUBLIC_NAMES |= {"DeliveryStats"}


def test_all_lists_exactly_the_umami_analytics_exports() -> None:
    assert umami.__all__ == UMAMI_ANALYTICS_EXPORTS


def test_no_other_public_names() -> None:
    public = {name for name in dir(umami) if not name.startswith("_")}
    assert public == set(UMAMI_ANALYTICS_EXPORTS) | OTHER_PUBLIC_NAMES


def test_exported_functions_are_the_impl_functions() -> None:
    for name in UMAMI_ANALYTICS_EXPORTS:
        if name not in ("models", "errors"):
            assert getattr(umami, name) is getattr(umami.impl, name)


def test_async_twin_for_every_network_function() -> None:
    for name in ("login", "verify_token", "websites", "heartbeat", "new_event"):
        assert f"{name}_async" in umami.__all__
    for name in ("new_revenue_event", "new_page_view", "website_stats", "active_users"):
        assert f"{name}_async" in umami.__all__


def test_impl_exposes_http_library_state_and_helpers() -> None:
    import httpx

    assert umami.impl.httpx is httpx
    for name in ("url_base", "auth_token", "default_website_id", "default_hostname", "api_key"):
        assert hasattr(umami.impl, name)
    assert umami.impl.tracking_enabled is True
    assert umami.impl.cloud_region is None
    for helper in ("validate_state", "validate_login", "validate_event_data"):
        assert callable(getattr(umami.impl, helper))
    assert callable(umami.impl.normalize_distinct_id)
    assert umami.impl._CLOUD_DATA_BASE == "https://api.umami.is/v1"
    assert umami.impl._CLOUD_SEND_BASE == "https://cloud.umami.is/api"


def test_url_constants() -> None:
    assert umami.urls.login == "/api/auth/login"
    assert umami.urls.websites == "/api/websites"
    assert umami.urls.events == "/api/send"
    assert umami.urls.verify == "/api/auth/verify"
    assert umami.urls.heartbeat == "/api/heartbeat"
    assert umami.urls.me == "/api/me"


def test_errors_and_models() -> None:
    assert issubclass(umami.errors.ValidationError, Exception)
    assert issubclass(umami.errors.OperationNotAllowedError, umami.errors.ValidationError)
    for name in ("User", "LoginResponse", "WebsiteUser", "Website", "WebsiteStatsCmp"):
        assert hasattr(umami.models, name)
    assert hasattr(umami.models, "WebsiteStats")
    assert hasattr(umami.models, "WebsitesResponse")


def test_version_is_the_installed_distribution_version() -> None:
    assert umami.__version__ == importlib.metadata.version("umami")
    assert isinstance(umami.__author__, str)


def test_user_agents() -> None:
    assert umami.user_agent is umami.impl.user_agent
    python = ".".join(str(part) for part in sys.version_info[:3])
    assert umami.user_agent == (
        f"Umami-Client v{umami.__version__} / Python {python} / {sys.platform.capitalize()}"
    )
    assert umami.impl.event_user_agent == (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
    )
