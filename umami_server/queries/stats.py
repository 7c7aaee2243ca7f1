"""`/stats`: the core metrics over the window and its comparison window (§3.1)."""

from __future__ import annotations

from typing import Any

from umami_server.queries.linked import linked_measures
from umami_server.queries.measures import MEASURES, as_numbers, per_visit, visit_measures
from umami_server.queries.planner import core_chains
from umami_server.queries.render import fetch_one
from umami_server.queries.request import AnalyticsRequest, Window, comparison_window
from umami_server.queries.rows import conditions
from umami_server.storage.interface import EventStore


def measures(store: EventStore, request: AnalyticsRequest, window: Window) -> dict[str, int]:
    clauses = conditions(request, window=window)
    chains = core_chains(store, request)
    if chains is not None:
        query = linked_measures(clauses, window.start, chains=chains)
    else:
        query = visit_measures(per_visit(clauses))
    row = fetch_one(store, query)
    values = as_numbers({name: row.get(name) for name in MEASURES})
    if request.exclude_bounce:
        values["bounces"] = 0
    return values


def website_stats(store: EventStore, request: AnalyticsRequest) -> dict[str, Any]:
    current = measures(store, request, request.window)
    previous = measures(store, request, comparison_window(request.window, request.compare))
    return {**current, "comparison": previous}
