"""The analytics views: overview, one full table, realtime, events, sessions, CSV export, and
the public share page.

Numbers come from `umami_server.queries` (the functions the analytics API answers with), for a
request built by `parse_request` from the same query string the API takes: the page URL holds
the period (`range`, `start`, `end`, `tz`) and the API's own filter parameters (`path=eq./a`),
so every view can be bookmarked and shared.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from umami_server.api.transport import ApiError
from umami_server.auth import permissions as can
from umami_server.auth import share_scope
from umami_server.auth.context import Auth
from umami_server.queries import (
    eventdata,
    events,
    metrics,
    pageviews,
    realtime,
    sessions,
    stats,
    values,
)
from umami_server.queries.errors import QueryError
from umami_server.queries.export import spreadsheet_safe
from umami_server.queries.filters import VALIDATED_KEYS, Filter, parse_filters
from umami_server.queries.request import (
    AnalyticsRequest,
    Window,
    parse_request,
    reset_at_of,
    website_uuid,
)
from umami_server.web import charts, period, worldmap
from umami_server.web.dashboard import Dashboard, PageError, WebRequest

# Overview panels: each shows one metric type at a time; the URL keeps the chosen tab.
PANELS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("pages", (("path", "Pages"), ("entry", "Entry"), ("exit", "Exit"), ("title", "Titles"),
               ("query", "Query"))),
    ("sources", (("referrer", "Referrers"), ("channel", "Channels"), ("hostname", "Hosts"))),
    ("env", (("browser", "Browsers"), ("os", "OS"), ("device", "Devices"),
             ("screen", "Screens"))),
    ("geo", (("country", "Countries"), ("region", "Regions"), ("city", "Cities"),
             ("language", "Languages"))),
    ("events", (("event", "Events"), ("tag", "Tags"))),
    ("utm", (("utmSource", "UTM source"), ("utmMedium", "Medium"),
             ("utmCampaign", "Campaign"), ("utmContent", "Content"), ("utmTerm", "Term"))),
)
METRIC_LABELS = {name: label for _, tabs in PANELS for name, label in tabs}
# Metric types with no filter of the same name (the channel is derived, not stored).
UNFILTERABLE = frozenset({"channel"})
PANEL_ROWS = 10
# The countries panel asks its one query for every country (there are about 250), not ten:
# the table still shows ten, the map all of them. Same query, only a larger LIMIT.
MAP_ROWS = 300
TABLE_ROWS = 500
EXPORT_ROWS = 10_000
_SLACK = timedelta(seconds=1)
logger = logging.getLogger("umami_server.web")
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dashboard-query")


def parallel(*jobs: Callable[[], Any]) -> list[Any]:
    """Run independent queries at once; DuckDB gives each thread its own cursor."""
    return [future.result() for future in [_pool.submit(job) for job in jobs]]


def filter_key(metric_type: str) -> str:
    """The query-string key that filters on a metric type's value."""
    return metric_type if metric_type in VALIDATED_KEYS else f"{metric_type}1"


@dataclass(slots=True)
class Site:
    """The analysed entity (a website, or a pixel or link) and who looks at it."""

    id: str
    name: str
    domain: str
    auth: Auth
    base: str  # the URL prefix of its views: /websites/<id> or /share/<slug>
    shared: bool = False
    # The views a share link opens (its `parameters`); a logged-in user sees them all.
    views: frozenset[str] = frozenset({"overview", "events"})


class View:
    """The URL state of an analytics page: period, time zone, filters and other choices."""

    def __init__(self, web: WebRequest, site: Site, path: str):
        self.web = web
        self.site = site
        self.path = path
        self.params = {key: value for key, value in web.query.items() if value != ""}
        store = web.dashboard.context.store
        zone = self.params.get("tz") or web.request.cookies.get("umami_tz")
        key = self.params.get("range")
        first_seen = None
        if key == "all":
            first = values.date_range(store.events, site.id).get("startDate")
            first_seen = datetime.fromisoformat(first.replace("Z", "+00:00")) if first else None
        try:
            self.period = period.resolve(key, zone, period.utc_now(), first_seen,
                                         self.params.get("start"), self.params.get("end"))
        except period.PeriodError as error:
            raise PageError(400, f"Invalid {error.parameter}: {error}") from None
        try:
            found, _ = parse_filters(self.params)
        except QueryError as error:
            raise PageError(400, f"Invalid filter: {error}") from None
        self.filters: tuple[Filter, ...] = found
        self.reset_at = reset_at_of(store.metadata, site.id)

    def link(self, target: str | None = None, /, **changes: str | None) -> str:
        """This view's URL with some parameters changed (None removes one)."""
        query = {**self.params, **changes}
        return self.web.url(target or self.path, **{k: v for k, v in query.items() if v})

    def add_filter(self, metric_type: str, value: str) -> str:
        return self.link(**{filter_key(metric_type): f"eq.{value}", "page": None})

    def api_params(self, **extra: str) -> dict[str, str]:
        filters = {item.key: self.params[item.key] for item in self.filters}
        return {**filters, **self.period.api_params(), **extra}

    def request(self, **extra: str) -> AnalyticsRequest:
        try:
            return parse_request(self.site.id, self.api_params(**extra), self.reset_at)
        except QueryError as error:
            raise PageError(400, f"Invalid request: {error}") from None

    def chips(self) -> list[dict[str, str]]:
        shown = []
        for item in self.filters:
            operator = {"eq": "is", "neq": "is not", "c": "contains", "dnc": "does not contain",
                        "re": "matches", "nre": "does not match"}.get(item.operator, item.operator)
            shown.append({"name": METRIC_LABELS.get(item.name, item.name), "operator": operator,
                          "value": ", ".join(str(value) for value in item.values),
                          "remove": self.link(**{item.key: None, "page": None})})
        return shown


# --- access -------------------------------------------------------------------------------------

def _site(web: WebRequest) -> Site:
    website_id = web.param("website_id")
    store = web.dashboard.services.store
    if not can.can_view_website(web.auth, store, website_id):
        raise PageError(403 if store.get_entity(website_id) else 404,
                        "You do not have access to this website.")
    entity = store.get_entity(website_id)
    if entity is None:
        raise PageError(404, "No such website.")
    kind, row = entity
    domain = row.get("domain") or row.get("url") or (f"/p/{row.get('slug')}" if kind == "pixel"
                                                     else "")
    return Site(website_id, row["name"], domain, web.auth, f"/websites/{website_id}")


def _shared_site(web: WebRequest) -> Site:
    slug = web.param("slug")
    try:
        share = web.api("GET", "/api/share/{slug}", params={"slug": slug})
    except ApiError:
        raise PageError(404, "This share link does not exist (any more).") from None
    auth = Auth(None, None, share)
    website_id = share.get("websiteId")
    store = web.dashboard.services.store
    if not website_id or not can.can_view_website(auth, store, website_id):
        raise PageError(404, "This share link does not show a website.")
    entity = store.get_entity(website_id)
    if entity is None:
        raise PageError(404, "No such website.")
    row = entity[1]
    return Site(website_id, row["name"], row.get("domain") or "", auth, f"/share/{slug}",
                shared=True, views=share_scope.shared_views(share.get("parameters")))


def _shared_view(web: WebRequest, name: str) -> Site:
    site = _shared_site(web)
    if name not in site.views:
        raise PageError(404, "This share link does not show that view.")
    return site


# --- overview -----------------------------------------------------------------------------------

def change(current: float, previous: float, inverse: bool = False) -> dict[str, Any]:
    """Percent change against the previous period, with its direction for colouring."""
    if not previous:
        return {"text": "", "css": "flat"}
    percent = (current - previous) / previous * 100
    good = percent < 0 if inverse else percent > 0
    css = "flat" if round(percent) == 0 else ("up" if good else "down")
    arrow = "▲" if percent > 0 else ("▼" if percent < 0 else "")
    # From a nearly empty period the exact figure (say 8,224,600%) says no more than this.
    shown = ">999%" if abs(percent) >= 1000 else f"{abs(percent):.0f}%"
    return {"text": f"{arrow} {shown}", "css": css}


def stat_cards(numbers: dict[str, Any]) -> list[dict[str, Any]]:
    previous = numbers.get("comparison") or {}

    def derived(source: dict[str, Any]) -> dict[str, float]:
        visits = source.get("visits") or 0
        return {
            "bounce": (min(source.get("bounces", 0), visits) / visits * 100) if visits else 0.0,
            "duration": (source.get("totaltime", 0) / visits) if visits else 0.0,
        }

    now, before = derived(numbers), derived(previous)
    cards = []
    for key, label in (("visitors", "Visitors"), ("visits", "Visits"), ("pageviews", "Views")):
        cards.append({"label": label, "value": numbers.get(key, 0), "format": "compact",
                      "change": change(numbers.get(key, 0), previous.get(key, 0))})
    cards.append({"label": "Bounce rate", "value": now["bounce"], "format": "percent",
                  "change": change(now["bounce"], before["bounce"], inverse=True)})
    cards.append({"label": "Visit duration", "value": now["duration"], "format": "duration",
                  "change": change(now["duration"], before["duration"])})
    return cards


def metric_rows(web_view: View, metric_type: str, limit: int, search: str | None = None
                ) -> list[dict[str, Any]]:
    extra = {"type": metric_type, "limit": str(limit)}
    if search:
        extra["search"] = search
    request = web_view.request(**extra)
    store = web_view.web.dashboard.context.store.events
    return metrics.website_metrics(store, request)


def _table(view: View, metric_type: str, rows: list[dict[str, Any]], total: int
           ) -> list[dict[str, Any]]:
    denominator = total or sum(int(row["y"]) for row in rows) or 1
    shaped = []
    for row in rows:
        value = "" if row["x"] is None else str(row["x"])
        shaped.append({
            "label": value or "(none)", "count": int(row["y"]),
            "percent": min(100.0, int(row["y"]) / denominator * 100),
            "href": None if metric_type in UNFILTERABLE or not value
            else view.add_filter(metric_type, value),
        })
    return shaped


def chart_of(view: View, series: dict[str, list[dict[str, Any]]]) -> Any:
    buckets = view.period.buckets()
    return charts.bar_chart(buckets, [
        charts.Series("views", "Views", charts.fill(buckets, series["pageviews"])),
        charts.Series("visitors", "Visitors", charts.fill(buckets, series["sessions"])),
    ], view.period.unit, f"Views and visitors, {view.period.label}")


def country_map(view: View, rows: list[dict[str, Any]]) -> Any:
    """The world map of the countries panel, from the rows its table is cut from."""
    here = view.web.url(view.path)  # this page, without its query

    def href(code: str) -> str:
        # The table row's URL; written as "?query" (same page) to save ~50 bytes per dot.
        target = view.add_filter("country", code)
        return target[len(here):] if target.startswith(here + "?") else target

    return worldmap.world_map(((str(row["x"] or ""), int(row["y"])) for row in rows), href,
                              f"Visitors by country, {view.period.label}")


def render_overview(web: WebRequest, site: Site) -> Response:
    """The overview, streamed: the cards and chart are sent as soon as their two queries are
    done; the panels' queries start then and each panel follows when its rows are there."""
    view = View(web, site, site.base)
    store = web.dashboard.context.store.events
    request = view.request()
    chosen = {name: view.params.get(name) if view.params.get(name) in dict(tabs)
              else tabs[0][0] for name, tabs in PANELS}
    numbers, series = parallel(
        lambda: stats.website_stats(store, request),
        lambda: pageviews.series(store, request, request.window),
    )
    # Submitted only now, so they do not slow the cards and chart down.
    tables = [_pool.submit(metric_rows, view, metric,
                           MAP_ROWS if metric == "country" else PANEL_ROWS)
              for metric in chosen.values()]
    visitors = int(numbers.get("visitors", 0))

    def panels() -> Iterator[dict[str, Any]]:
        for (name, tabs), table in zip(PANELS, tables, strict=True):
            metric = chosen[name]
            try:
                rows, failed = table.result(), False
            except Exception:
                logger.exception("overview panel %s failed", metric)
                rows, failed = [], True
            yield {
                "name": name, "metric": metric, "label": METRIC_LABELS[metric],
                "tabs": [{"label": label, "href": view.link(**{name: key}),
                          "current": key == metric} for key, label in tabs],
                "map": country_map(view, rows) if metric == "country" else None,
                "rows": _table(view, metric, rows[:PANEL_ROWS],
                               0 if metric == "event" else visitors),
                "failed": failed,
                "more": view.link(f"{site.base}/table/{metric}"),
                "csv": view.link(f"{site.base}/export/{metric}.csv"),
            }

    return web.stream(
        "analytics/overview.html", section="websites", site=site, view=view, tab="overview",
        cards=stat_cards(numbers), chart=chart_of(view, series), panels=panels(),
        presets=period.PRESETS,
    )


def overview(web: WebRequest) -> Response:
    return render_overview(web, _site(web))


def shared_overview(web: WebRequest) -> Response:
    return render_overview(web, _shared_site(web))


def _metric_type(web: WebRequest, site: Site) -> str:
    name = web.param("metric").removesuffix(".csv")
    # A share shows the overview's tables only (not, say, the visitors' distinct ids).
    if name not in (share_scope.SHARED_METRIC_TYPES if site.shared else metrics.METRIC_TYPES):
        raise PageError(404, "No such table.")
    return name


def full_table(web: WebRequest, site: Site | None = None) -> Response:
    site = site or _site(web)
    metric = _metric_type(web, site)
    view = View(web, site, f"{site.base}/table/{metric}")
    search = view.params.get("search")
    store = web.dashboard.context.store.events
    numbers = stats.measures(store, view.request(), view.request().window)
    rows = metric_rows(view, metric, TABLE_ROWS, search)
    total = 0 if metric == "event" else int(numbers.get("visitors", 0))
    return web.render("analytics/table.html", section="websites", site=site, view=view,
                      tab="overview", metric=metric, label=METRIC_LABELS.get(metric, metric),
                      rows=_table(view, metric, rows, total), search=search or "",
                      presets=period.PRESETS,
                      csv=view.link(f"{site.base}/export/{metric}.csv"))


def shared_table(web: WebRequest) -> Response:
    return full_table(web, _shared_site(web))


def csv_response(filename: str, header: list[str], rows: list[list[Any]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{filename}"'})


def export_csv(web: WebRequest, site: Site | None = None) -> Response:
    site = site or _site(web)
    metric = _metric_type(web, site)
    view = View(web, site, site.base)
    rows = metric_rows(view, metric, EXPORT_ROWS, view.params.get("search"))
    return csv_response(f"{metric}.csv", [metric, "visitors" if metric != "event" else "count"],
                        [[row["x"], int(row["y"])] for row in rows])


def shared_export(web: WebRequest) -> Response:
    return export_csv(web, _shared_site(web))


# --- realtime -----------------------------------------------------------------------------------

def realtime_page(web: WebRequest) -> Response:
    site = _site(web)
    now = period.utc_now()
    window = realtime.realtime_window(now)
    zone = period.zone_of(web.query.get("tz") or web.request.cookies.get("umami_tz"))
    request = parse_request(site.id, {
        "startAt": str(int(window.start.timestamp() * 1000)),
        "endAt": str(int(window.end.timestamp() * 1000)), "unit": "minute", "timezone": zone})
    data = realtime.realtime(web.dashboard.context.store.events, request, now)
    live = period.Period("custom", window.start.astimezone(request.zone.zoneinfo()),
                         window.end.astimezone(request.zone.zoneinfo()), "minute", zone)
    buckets = live.buckets()
    chart = charts.bar_chart(buckets, [
        charts.Series("views", "Views", charts.fill(buckets, data["series"]["views"])),
        charts.Series("visitors", "Visitors", charts.fill(buckets, data["series"]["visitors"])),
    ], "minute", "Views and visitors, last 30 minutes")
    view = View(web, site, f"{site.base}/realtime")

    def ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
        return sorted(counts.items(), key=lambda item: -item[1])[:10]

    return web.render("analytics/realtime.html", section="websites", site=site, view=view,
                      tab="realtime", data=data, chart=chart, zone=request.zone.zoneinfo(),
                      urls=ranked(data["urls"]), referrers=ranked(data["referrers"]),
                      countries=ranked(data["countries"]), presets=period.PRESETS)


# --- events and sessions ------------------------------------------------------------------------

def _page_number(web: WebRequest) -> int:
    raw = web.query.get("page", "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


DATA_TYPES = {1: "text", 2: "number", 3: "yes/no", 4: "date", 5: "list"}
# How much event data the events view lists: the busiest events, and per property its most
# frequent values (the rest is summed up as "n more").
DATA_EVENTS, DATA_VALUES = 8, 8


def _datum(value: Any, data_type: Any) -> Any:
    """Numbers as people write them: `49.5000` (the stored text) shows as 49.5."""
    if data_type == 2 and isinstance(value, str) and "." in value:
        return value.rstrip("0").rstrip(".")
    return value


def event_properties(view: View) -> list[dict[str, Any]]:
    """Custom event data of the period, per event name: its properties, each with its most
    frequent values and their counts (the analytics API's `/event-data/*` queries)."""
    store = view.web.dashboard.context.store.events
    # `/event-data/properties`: it ignores the `event` parameter, which may be a filter here.
    rows = eventdata.event_data_properties(store, view.request())
    per_event: dict[str, int] = {}
    for row in rows:
        per_event[row["eventName"]] = per_event.get(row["eventName"], 0) + int(row["total"])
    names = sorted(per_event, key=lambda name: (-per_event[name], name))[:DATA_EVENTS]
    # As in the API, `event` both names the event and filters on it.
    answers = parallel(*(
        (lambda name=name: eventdata.event_data_events(store, view.request(event=name)))
        for name in names))
    shown = []
    for name, answer in zip(names, answers, strict=True):
        properties: dict[tuple[str, Any], dict[str, Any]] = {}
        for row in answer:
            key = (row["propertyName"], row["dataType"])
            entry = properties.setdefault(key, {
                "name": row["propertyName"], "type": DATA_TYPES.get(row["dataType"], ""),
                "total": 0, "values": [], "more": 0})
            count = int(row["total"])
            entry["total"] += count
            if len(entry["values"]) < DATA_VALUES:
                entry["values"].append({"value": _datum(row["propertyValue"], row["dataType"]),
                                        "count": count})
            else:
                entry["more"] += 1
        for entry in properties.values():
            entry["values"].sort(key=lambda item: (-item["count"], str(item["value"])))
            for item in entry["values"]:
                item["percent"] = 100.0 * item["count"] / entry["total"] if entry["total"] else 0
        shown.append({"event": name, "total": per_event[name],
                      "properties": sorted(properties.values(), key=lambda e: e["name"])})
    return shown


def events_page(web: WebRequest, site: Site | None = None) -> Response:
    site = site or _site(web)
    view = View(web, site, f"{site.base}/events")
    store = web.dashboard.context.store.events
    page = _page_number(web)
    search = view.params.get("search", "")
    base = view.request()
    listing_request = view.request(page=str(page), pageSize="50", search=search)
    series_rows, listing, names = parallel(
        lambda: events.event_series(store, base),
        lambda: events.event_log(store, listing_request),
        lambda: metric_rows(view, "event", 8),
    )
    data = event_properties(view)
    buckets = view.period.buckets()
    chart_series = []
    for row in names[:6]:
        points = [{"x": item["t"], "y": item["y"]} for item in series_rows
                  if item["x"] == row["x"]]
        chart_series.append(charts.Series("visitors", str(row["x"]),
                                          charts.fill(buckets, points)))
    totals = [sum(values_) for values_ in zip(*(s.values for s in chart_series), strict=True)] \
        if chart_series else [0] * len(buckets)
    chart = charts.bar_chart(buckets, [charts.Series("visitors", "Events", totals)],
                             view.period.unit, f"Events, {view.period.label}")
    return web.render("analytics/events.html", section="websites", site=site, view=view,
                      tab="events", chart=chart, names=_table(view, "event", names, 0),
                      listing=listing, page=page, search=search, presets=period.PRESETS,
                      event_data=data)


def sessions_page(web: WebRequest) -> Response:
    site = _site(web)
    view = View(web, site, f"{site.base}/sessions")
    page = _page_number(web)
    search = view.params.get("search", "")
    listing = sessions.session_list(web.dashboard.context.store.events,
                                    view.request(page=str(page), pageSize="50", search=search))
    return web.render("analytics/sessions.html", section="websites", site=site, view=view,
                      tab="sessions", listing=listing, page=page, search=search,
                      presets=period.PRESETS)


def session_page(web: WebRequest) -> Response:
    site = _site(web)
    store = web.dashboard.context.store.events
    session_id = web.param("session_id")
    try:
        session_id = website_uuid(session_id)
    except QueryError:
        raise PageError(404, "No such session.") from None
    detail = sessions.single_session(store, site.id, session_id)
    if not detail or not detail.get("id"):
        raise PageError(404, "No such session.")
    first = datetime.fromisoformat(str(detail["firstAt"]).replace("Z", "+00:00"))
    last = datetime.fromisoformat(str(detail["lastAt"]).replace("Z", "+00:00"))
    activity, properties = parallel(
        # Times above are cut to milliseconds; widen the window so the edges stay inside.
        lambda: sessions.session_activity(store, site.id, session_id,
                                          Window(first - _SLACK, last + _SLACK)),
        lambda: sessions.session_properties(store, site.id, session_id),
    )
    view = View(web, site, f"{site.base}/sessions/{session_id}")
    return web.render("analytics/session.html", section="websites", site=site, view=view,
                      tab="sessions", detail=detail, activity=activity, properties=properties,
                      presets=period.PRESETS)


def export_sessions(web: WebRequest) -> Response:
    site = _site(web)
    view = View(web, site, f"{site.base}/sessions")
    listing = sessions.session_list(web.dashboard.context.store.events,
                                    view.request(page="1", pageSize="1000"))
    header = ["id", "firstAt", "lastAt", "visits", "views", "events", "browser", "os",
              "device", "country", "city"]
    return csv_response("sessions.csv", header,
                        [[row.get(name) for name in header] for row in listing["data"]])


def shared_events(web: WebRequest) -> Response:
    return events_page(web, _shared_view(web, "events"))


def export_events(web: WebRequest, site: Site | None = None) -> Response:
    site = site or _site(web)
    view = View(web, site, f"{site.base}/events")
    listing = events.event_log(web.dashboard.context.store.events,
                               view.request(page="1", pageSize="1000"))
    header = ["createdAt", "eventType", "eventName", "urlPath", "pageTitle", "referrerDomain",
              "sessionId", "browser", "os", "device", "country"]
    return csv_response("events.csv", header,
                        [[row.get(name) for name in header] for row in listing["data"]])


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    page = dashboard.page
    get = ["GET"]
    return [
        Route("/websites", page(websites_list), methods=get),
        Route("/websites/{website_id}", page(overview), methods=get),
        Route("/websites/{website_id}/table/{metric}", page(full_table), methods=get),
        Route("/websites/{website_id}/export/{metric}", page(export_csv), methods=get),
        Route("/websites/{website_id}/realtime", page(realtime_page), methods=get),
        Route("/websites/{website_id}/events", page(events_page), methods=get),
        Route("/websites/{website_id}/events.csv", page(export_events), methods=get),
        Route("/websites/{website_id}/sessions", page(sessions_page), methods=get),
        Route("/websites/{website_id}/sessions.csv", page(export_sessions), methods=get),
        Route("/websites/{website_id}/sessions/{session_id}", page(session_page), methods=get),
        Route("/share/{slug}", page(shared_overview, login=False), methods=get),
        Route("/share/{slug}/table/{metric}", page(shared_table, login=False), methods=get),
        Route("/share/{slug}/export/{metric}", page(shared_export, login=False), methods=get),
        Route("/share/{slug}/events", page(shared_events, login=False), methods=get),
        Route("/share/{slug}/events.csv",
              page(lambda web: export_events(web, _shared_view(web, "events")), login=False),
              methods=get),
    ]


# --- the websites list --------------------------------------------------------------------------

def websites_list(web: WebRequest) -> Response:
    sites = web.api("GET", "/api/websites",
                    query={"page": 1, "pageSize": 200, "includeTeams": "1"})["data"]
    store = web.dashboard.context.store.events
    last_day = period.resolve("24h", None, period.utc_now())
    summaries = parallel(*[
        lambda site=site: stats.measures(
            store, parse_request(site["id"], last_day.api_params()),
            parse_request(site["id"], last_day.api_params()).window)
        for site in sites])
    return web.render("analytics/websites.html", section="websites",
                      websites=list(zip(sites, summaries, strict=True)),
                      can_create=can.can_create_website(web.auth))

