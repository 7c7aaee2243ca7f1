"""`/metrics` and `/metrics/expanded`: one row per value of a dimension (§3.3, §3.4).

`METRIC_TYPES` is the single table of metric types. Adding one means adding its dimension in
`queries.dimensions` (if new) and one entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql import ColumnElement

from umami_server.queries.dimensions import (
    CHANNEL_INPUTS,
    DIMENSIONS,
    E,
    channel_expression,
    const,
    not_self_referral,
    text,
)
from umami_server.queries.errors import QueryError
from umami_server.queries.filters import SUFFIXABLE_KEYS, Filter, override
from umami_server.queries.linked import Chains, first_in_window, linked_measures
from umami_server.queries.measures import (
    as_numbers,
    per_visit,
    visit_measures,
    visitor_count,
    whole_seconds,
)
from umami_server.queries.planner import (
    entry_rows_linked,
    exit_rows_grouped_once,
    expanded_chains,
    rows_know_visit_position,
    visitors_per_value_chain,
)
from umami_server.queries.render import fetch, first_by, first_by_seq, last_by, last_by_seq
from umami_server.queries.request import MAX_LIMIT, AnalyticsRequest, integer
from umami_server.queries.rows import Rows, conditions
from umami_server.storage.interface import EventStore


@dataclass(frozen=True, slots=True)
class MetricType:
    name: str
    value: ColumnElement[Any]  # the `x` of each row
    rows: Rows = Rows.TRAFFIC
    count_events: bool = False  # y = rows instead of distinct sessions
    other_sites_only: bool = False  # referrers: drop self-referrals
    visit_position: str | None = None  # "first"/"last": the visit's entry/exit path
    paged: bool = True  # limit/offset apply
    drop_empty: bool = True
    extra: tuple[tuple[str, ColumnElement[Any]], ...] = ()
    expanded_value: ColumnElement[Any] | None = None  # a coarser name in /metrics/expanded


def _from_dimension(name: str, **options: Any) -> MetricType:
    dimension = DIMENSIONS[name]
    return MetricType(name, dimension.value, extra=dimension.extra, **options)


# --- grouped referrer domains for /metrics/expanded?type=domain ---------------------------------

GROUPED_DOMAINS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("baidu.",), "baidu.com"), (("bing.",), "bing.com"), (("brave.",), "brave.com"),
    (("chatgpt.",), "chatgpt.com"), (("duckduckgo.",), "duckduckgo.com"),
    (("facebook.",), "facebook.com"), (("github.",), "github.com"), (("google.",), "google.com"),
    (("news.ycombinator.com",), "news.ycombinator.com"),
    (("instagram.", "ig.com"), "instagram.com"), (("linkedin.",), "linkedin.com"),
    (("pinterest.",), "pinterest.com"), (("reddit.",), "reddit.com"),
    (("snapchat.",), "snapchat.com"), (("twitter.", "t.co", "x.com"), "twitter.com"),
    (("yahoo.",), "yahoo.com"), (("yandex.",), "yandex.ru"),
)


def _grouped_domain() -> ColumnElement[str]:
    referrer = DIMENSIONS["domain"].value
    return case(
        *((func.strpos(referrer, const(needle)) > const(0), const(domain))
          for needles, domain in GROUPED_DOMAINS for needle in needles),
        else_=const("Other"),
    )


METRIC_TYPES: dict[str, MetricType] = {
    metric.name: metric
    for metric in (
        *(_from_dimension(name) for name in (
            "path", "title", "query", "hostname", "tag",
            "utmSource", "utmMedium", "utmCampaign", "utmContent", "utmTerm",
            "browser", "os", "device", "screen", "country", "region", "city", "language",
            "distinctId",
        )),
        _from_dimension("referrer", other_sites_only=True),
        _from_dimension("domain", other_sites_only=True, expanded_value=_grouped_domain()),
        _from_dimension("entry", visit_position="first"),
        _from_dimension("exit", visit_position="last"),
        _from_dimension("event", rows=Rows.CUSTOM, count_events=True, drop_empty=False),
        MetricType("channel", channel_expression(), paged=False),
    )
}


def metric_type(params: Mapping[str, str]) -> MetricType:
    name = params.get("type")
    if not name:
        raise QueryError.of("type", "Invalid input: expected string, received undefined")
    metric = METRIC_TYPES.get(name)
    if metric is None:
        raise QueryError.of("type", f"Invalid metric type: {name}")
    return metric


def paging_of(params: Mapping[str, str]) -> tuple[int, int]:
    return (integer(params, "limit", 500, minimum=1, maximum=MAX_LIMIT),
            integer(params, "offset", 0, minimum=0))


def _with_search(request: AnalyticsRequest, metric: MetricType) -> AnalyticsRequest:
    search = request.extra.get("search")
    # Umami adds `<type>=c.<search>`; types without a filter column (screen, channel) ignore it.
    if search and metric.name in SUFFIXABLE_KEYS:
        return request.with_filters(
            override(request.filters, Filter(metric.name, metric.name, "c", (search,)))
        )
    return request


def _path_at(store: EventStore, position: str) -> ColumnElement[Any]:
    """The path of a visit's first or last row, as an aggregate over the visit's rows."""
    if rows_know_visit_position(store):  # a cheaper ordering key
        pick = first_by_seq if position == "first" else last_by_seq
        return pick(E.url_path, E.created_at, E.visit_seq)
    return (first_by if position == "first" else last_by)(E.url_path, E.created_at)


def _visit_paths(store: EventStore, request: AnalyticsRequest, position: str) -> Any:
    """Entry or exit path of every visit in the window, over traffic rows, ignoring filters."""
    return (
        select(E.visit_id.label("visit_id"), _path_at(store, position).label("path"))
        .where(*conditions(request, filters=False, exclude_bounce=False))
        .group_by(E.visit_id)
        .subquery("visit_path")
    )


def _channels(clauses: list[ColumnElement[bool]]) -> Any:
    """The channel of each distinct combination of its inputs among the counted rows: a
    window holds few, and the rules are many string tests, so they run per combination."""
    inputs = [text(E[name]).label(name) for name in CHANNEL_INPUTS]
    combinations = (select(*inputs).where(*clauses).distinct()
                    .cte("channel_input").prefix_with("MATERIALIZED"))
    columns = {name: combinations.c[name] for name in CHANNEL_INPUTS}
    return (select(*columns.values(), channel_expression(inputs=columns).label("channel"))
            .cte("channel_of").prefix_with("MATERIALIZED"))


def _counted(store: EventStore, request: AnalyticsRequest, metric: MetricType,
             visitors_only: bool = False) -> tuple[
    ColumnElement[Any], list[ColumnElement[bool]], Any
]:
    """The value expression, the WHERE clauses and the FROM clause of a metric query;
    `visitors_only`: the query counts only distinct sessions per value."""
    clauses = conditions(request, kind=metric.rows)
    source: Any = E.event_id.table
    value = metric.value
    if (visitors_only and metric.visit_position == "first"
            and entry_rows_linked(store, request)):
        # A visit's entry row is its row whose visit predecessor is before the window; with
        # filters that keep whole sessions, its session is the visit's.
        value = E.url_path
        clauses.append(E.prev_in_visit_at < request.window.start)
    elif metric.visit_position:
        paths = _visit_paths(store, request, metric.visit_position)
        source = source.join(paths, paths.c.visit_id == E.visit_id)
        value = func.coalesce(paths.c.path, const(""))
    if metric.name == "channel":
        channels = _channels(clauses)
        source = source.join(channels, and_(*(
            text(E[name]) == channels.c[name] for name in CHANNEL_INPUTS)))
        value = channels.c.channel
    if metric.other_sites_only:
        clauses.append(not_self_referral())
    return value, clauses, source


def _visitors_per_value(store: EventStore, request: AnalyticsRequest,
                        metric: MetricType) -> ColumnElement[Any]:
    """y: rows for events, else distinct sessions, counted from predecessor links when the
    metric's value is fixed along a chain (a visitor attribute per session, a path per
    (session, path)...) and the filters keep whole chains."""
    if metric.count_events:
        return func.count()
    if metric.rows is Rows.TRAFFIC and not metric.visit_position:
        chain = visitors_per_value_chain(store, request, metric.name)
        if chain is not None:
            return first_in_window(chain, request.window.start)
    return visitor_count(E.session_id)


def _exit_visits(store: EventStore, request: AnalyticsRequest, metric: MetricType) -> Any:
    """Each visit's exit path (`name`), session, rows and seconds in one grouping by visit, when
    the filters keep whole sessions (a visit's last kept row is then its last row): no join back
    to the rows. None otherwise."""
    if (metric.visit_position != "last" or metric.extra
            or not exit_rows_grouped_once(store, request)):
        return None
    # A visit belongs to one session, so grouping by both is grouping by visit.
    return (select(E.visit_id.label("visit_id"), E.session_id.label("session_id"),
                   _path_at(store, "last").label("name"),
                   func.count().label("rows"),
                   (whole_seconds(func.max(E.created_at)) - whole_seconds(func.min(E.created_at)))
                   .label("seconds"))
            .where(*conditions(request, kind=metric.rows))
            .group_by(E.visit_id, E.session_id).subquery("visit_exit"))


def website_metrics(store: EventStore, request: AnalyticsRequest) -> list[dict[str, Any]]:
    metric = metric_type(request.extra)
    limit, offset = paging_of(request.extra)
    request = _with_search(request, metric)
    exits = _exit_visits(store, request, metric)
    if exits is not None:
        y = visitor_count(exits.c.session_id)
        query = (select(exits.c.name.label("x"), y.label("y"))
                 .where(exits.c.name != const("")).group_by(exits.c.name)
                 .order_by(y.desc(), exits.c.name).limit(limit).offset(offset))
        return [{**row, "y": int(row["y"])} for row in fetch(store, query)]
    value, clauses, source = _counted(store, request, metric, visitors_only=True)
    x = value.label("x")
    extras = [expression.label(name) for name, expression in metric.extra]
    y = _visitors_per_value(store, request, metric)
    query = select(x, y.label("y"), *extras).select_from(source).where(*clauses)
    if metric.drop_empty:
        query = query.where(value != const(""))
    query = query.group_by(x, *extras).order_by(y.desc(), x)
    if metric.paged:
        query = query.limit(limit).offset(offset)
    rows = fetch(store, query)
    return [{**row, "y": int(row["y"])} for row in rows]


def _expanded_chains(store: EventStore, request: AnalyticsRequest,
                     metric: MetricType) -> Chains | None:
    """The chains whose first rows count an expanded metric's measures per value, if any: a
    visitor attribute's are its sessions' and visits'; a path's are the (session, path) and
    (visit, path) chains, which any filter on the path keeps or drops whole."""
    if metric.expanded_value is not None:
        return None
    return expanded_chains(store, request, metric.name)


def expanded_metrics(store: EventStore, request: AnalyticsRequest) -> list[dict[str, Any]]:
    metric = metric_type(request.extra)
    limit, offset = paging_of(request.extra)
    request = _with_search(request, metric)
    value, clauses, source = _counted(store, request, metric)
    if metric.expanded_value is not None:
        value = metric.expanded_value
    names = {"name": value, **dict(metric.extra)}
    clauses = [*clauses, value != const("")]
    chains = _expanded_chains(store, request, metric)
    exits = _exit_visits(store, request, metric)
    if chains is not None:
        query = linked_measures(clauses, request.window.start, names, chains)
    elif exits is not None:
        query = visit_measures(exits, ("name",)).where(exits.c.name != const(""))
    else:
        query = visit_measures(per_visit(clauses, names, source=source), tuple(names))
    columns = query.selected_columns
    query = query.order_by(columns.visitors.desc(), columns.visits.desc(), columns.name)
    if metric.paged:
        query = query.limit(limit).offset(offset)
    return [as_numbers(row) for row in fetch(store, query)]
