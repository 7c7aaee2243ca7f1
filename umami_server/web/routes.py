"""The dashboard's routes (server-rendered pages and their static files), mounted by the app."""

from __future__ import annotations

from starlette.routing import BaseRoute

from umami_server.context import ServerContext


def web_routes(context: ServerContext) -> list[BaseRoute]:
    """Every dashboard route; page modules contribute their own lists as they land."""
    del context  # the dashboard's page modules are added here
    return []
