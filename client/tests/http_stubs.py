"""Stand-ins for the HTTP library, patched into `umami.impl` the way umami-analytics' own tests
do it: `umami.impl.httpx.get` / `.post` for sync calls, `umami.impl.httpx.AsyncClient` for async."""

from datetime import datetime
from typing import Any
from unittest.mock import AsyncMock, MagicMock

START = datetime(2025, 1, 1)
END = datetime(2025, 1, 31)

STATS = {
    "pageviews": 10,
    "visitors": 5,
    "visits": 7,
    "bounces": 2,
    "totaltime": 1234,
    "comparison": {"pageviews": 9, "visitors": 4, "visits": 6, "bounces": 1, "totaltime": 1000},
}
NO_WEBSITES = {"data": [], "count": 0, "page": 1, "pageSize": 10}
LOGIN = {
    "token": "tok-123",
    "user": {
        "id": "u1",
        "username": "someone",
        "role": "admin",
        "createdAt": "2026-01-01T00:00:00Z",
        "isAdmin": True,
        "teams": [],
    },
}


def answer(body: Any = None) -> MagicMock:
    """A response whose json() is `body` and whose raise_for_status() passes."""
    response = MagicMock()
    response.json.return_value = {} if body is None else body
    response.raise_for_status = MagicMock()
    return response


def failing_answer(error: Exception) -> MagicMock:
    response = MagicMock()
    response.raise_for_status.side_effect = error
    return response


def sync_http(body: Any = None) -> MagicMock:
    """Replaces httpx.get or httpx.post."""
    return MagicMock(return_value=answer(body))


def async_client(body: Any = None) -> AsyncMock:
    """Replaces httpx.AsyncClient (pass as `return_value=`); .get and .post answer `body`."""
    response = answer(body)
    client = AsyncMock()
    client.__aenter__ = AsyncMock(return_value=client)
    client.__aexit__ = AsyncMock(return_value=False)
    client.get = AsyncMock(return_value=response)
    client.post = AsyncMock(return_value=response)
    return client
