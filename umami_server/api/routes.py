"""The REST API's routes (accounts, management, analytics), mounted under /api by the app."""

from __future__ import annotations

from starlette.routing import BaseRoute

from umami_server.context import ServerContext


def api_routes(context: ServerContext) -> list[BaseRoute]:
    """Every REST route; each resource module contributes its own list."""
    del context  # resource modules (auth, users, websites, ...) are added here as they land
    return []
