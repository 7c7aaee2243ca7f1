"""Umami's analytics read endpoints (api-analytics.md §3) over the query layer."""

from umami_server.api.analytics.routes import analytics_routes, router

__all__ = ["analytics_routes", "router"]
