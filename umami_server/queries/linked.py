"""Exact distinct counts as plain counts, from the predecessor links of traffic rows.

A store that keeps predecessor links (storage/embedded/predecessors.py) can answer the core
metrics of a window [start, end] in one pass without grouping by session or visit:

  visitors = rows whose previous row of the session lies before `start` (or does not exist),
  visits   = the same with the visit's previous row,
  bounces  = visits - rows that are the second of their visit inside the window,
  totaltime = Σ whole-second gaps to the visit's previous row, where that row is in the window.

These equal the grouped definitions in measures.py for every window, as long as each chain's
rows are all kept or all dropped by the filters: filters on visitor attributes keep or drop
whole sessions (unless a session's rows disagree on them, which the store lists), a cohort keeps
whole sessions, and a filter on the value of a chain (a path, a title...) keeps its whole
(session, value) chains. Under one exact path filter the rows left are one path's, so the
(session, path) and (visit, path) chains count them. queries/planner.py decides, per request,
whether these counts or the grouped definitions answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql import ColumnElement, Select

from umami_server.queries.dimensions import DIMENSIONS, E, const
from umami_server.queries.measures import whole_seconds
from umami_server.queries.request import AnalyticsRequest

# Visitor attributes: one value per session. distinctId is not one of them (identify sets it
# in the middle of a session).
SESSION_FILTERS = frozenset(
    name for name, dimension in DIMENSIONS.items()
    if dimension.session and name != "distinctId"
)


# Metric types whose value has its own chain per session: their visitors are a count too.
# (Referrer chains hold only rows from other sites, the rows those metrics count.)
VALUE_LINKS: dict[str, ColumnElement[Any]] = {
    "path": E.prev_in_path_at,
    "title": E.prev_in_title_at,
    "hostname": E.prev_in_hostname_at,
    "referrer": E.prev_in_referrer_at,
    "domain": E.prev_in_referrer_at,
}


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, const(1)), else_=const(0))), const(0))


def first_in_window(previous: ColumnElement[Any], start: datetime) -> ColumnElement[int]:
    """How many chains have a row in the window: rows whose predecessor lies before it."""
    return _count_where(previous < start)


def one_exact_value(request: AnalyticsRequest, name: str) -> Any:
    """The value of the request's one `name` filter when it keeps only rows equal to one value
    (ANDed with the other filters); None otherwise."""
    found = [item for item in request.filters if item.name == name]
    if (len(found) == 1 and found[0].operator == "eq" and len(found[0].values) == 1
            and not (request.match_any and len(request.filters) > 1)):
        return found[0].values[0]
    return None


@dataclass(frozen=True, slots=True)
class Chains:
    """The chains the core metrics count: one per visitor and one per visit (with the visit's
    second previous row and the whole-second gap to its previous row)."""

    visitor: ColumnElement[Any]
    visit: ColumnElement[Any]
    visit_second: ColumnElement[Any]
    visit_gap: ColumnElement[Any]


# Sessions and visits.
VISITS = Chains(E.prev_in_session_at, E.prev_in_visit_at, E.prev2_in_visit_at,
                E.visit_gap_seconds)
# (session, path) and (visit, path): the metrics of each path, as a visit's rows on one path
# are grouped together.
PATHS_IN_VISITS = Chains(
    E.prev_in_path_at, E.prev_in_visit_path_at, E.prev2_in_visit_path_at,
    whole_seconds(E.created_at) - whole_seconds(E.prev_in_visit_path_at))


def linked_measures(clauses: list[ColumnElement[bool]], start: datetime,
                    names: dict[str, ColumnElement[Any]] | None = None,
                    chains: Chains = VISITS) -> Select[Any]:
    """pageviews, visitors, visits, bounces and totaltime (per name) over traffic rows."""
    names = names or {}
    keys = [expression.label(label) for label, expression in names.items()]
    visits = first_in_window(chains.visit, start)
    second_rows = _count_where(and_(chains.visit >= start, chains.visit_second < start))
    totaltime = func.coalesce(func.sum(
        case((chains.visit >= start, chains.visit_gap), else_=const(0))), const(0))
    query = select(
        *keys,
        func.count().label("pageviews"),
        first_in_window(chains.visitor, start).label("visitors"),
        visits.label("visits"),
        (visits - second_rows).label("bounces"),
        totaltime.label("totaltime"),
    ).where(*clauses)
    return query.group_by(*keys) if keys else query
