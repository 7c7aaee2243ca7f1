"""The REST API's routes (accounts, management, analytics), mounted under /api by the app."""

from __future__ import annotations

from starlette.routing import BaseRoute

from umami_server.api import (
    auth,
    boards,
    links,
    pixels,
    report_runs,
    reports,
    shares,
    teams,
    users,
    websites,
)
from umami_server.api.analytics import analytics_routes
from umami_server.api.services import ApiServices
from umami_server.context import ServerContext

# Order matters where paths overlap: fixed segments (/api/teams/join) before parameters.
_ROUTERS = (
    auth.router, users.router, teams.router, websites.router, pixels.router, links.router,
    boards.router, report_runs.router, reports.router, shares.router,
)


def api_routes(context: ServerContext) -> list[BaseRoute]:
    """Every REST route; each resource module contributes its own router."""
    services = ApiServices.build(context)
    return [route for router in _ROUTERS for route in router.routes(services)] + [
        *analytics_routes(context)]
