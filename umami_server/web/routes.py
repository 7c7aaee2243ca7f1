"""The dashboard's routes (server-rendered pages and their static files), mounted by the app."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from umami_server.context import ServerContext
from umami_server.web.dashboard import Dashboard
from umami_server.web.pages import account, analytics, reports, settings
from umami_server.web.templating import STATIC


def web_routes(context: ServerContext) -> list[BaseRoute]:
    """Every dashboard route; each page module contributes its own list."""
    dashboard = Dashboard(context)
    return [
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *account.routes(dashboard),
        *settings.routes(dashboard),
        *analytics.routes(dashboard),
        *reports.routes(dashboard),
    ]
