"""UTM report (api-analytics.md §4.4): the top values of each UTM parameter, by pageviews."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from umami_server.queries.dimensions import DIMENSIONS
from umami_server.queries.reports.base import top_values
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import Rows, conditions
from umami_server.storage.interface import EventStore

# Response key -> dimension, in the response's order.
UTM_FIELDS = {"utm_source": "utmSource", "utm_medium": "utmMedium",
              "utm_campaign": "utmCampaign", "utm_term": "utmTerm", "utm_content": "utmContent"}
LIMIT = 50


def utm(store: EventStore, request: AnalyticsRequest) -> dict[str, list[dict[str, Any]]]:
    columns = {key: DIMENSIONS[name].column for key, name in UTM_FIELDS.items()}
    query = select().where(*conditions(request, kind=Rows.PAGEVIEWS))
    found = top_values(store, query, columns)
    return {key: [{"utm": value, "views": views} for value, views in found[key][:LIMIT]]
            for key in UTM_FIELDS}
