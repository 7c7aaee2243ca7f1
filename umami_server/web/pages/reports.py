"""Placeholder."""

from __future__ import annotations

from starlette.routing import BaseRoute

from umami_server.web.dashboard import Dashboard


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    return []
