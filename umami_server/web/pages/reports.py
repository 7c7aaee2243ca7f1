"""The nine report views: a parameter form (a GET form, so a report is a bookmarkable URL) and
its result, computed by the same handler as `POST /api/reports/<type>`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from umami_server.api.transport import ApiError
from umami_server.queries.reports import attribution, breakdown, performance
from umami_server.storage.interface import QueryTooLarge
from umami_server.web import charts, period
from umami_server.web.dashboard import Dashboard, PageError, WebRequest, api_message
from umami_server.web.pages.analytics import View, _site, change

REPORTS: dict[str, tuple[str, str]] = {
    "funnel": ("Funnel", "How many visitors go through a sequence of pages or events."),
    "journey": ("Journey", "The most common paths visitors take through the site."),
    "retention": ("Retention", "How many visitors come back on the days after their first."),
    "utm": ("UTM", "Visits by campaign parameters."),
    "goal": ("Goals", "How many visitors reach a page or trigger an event."),
    "revenue": ("Revenue", "Revenue over time, by country and by source."),
    "attribution": ("Attribution", "Which sources lead to a conversion."),
    "breakdown": ("Breakdown", "Metrics split by up to several dimensions."),
    "performance": ("Performance", "Web vitals by page, over time."),
}


def _steps(text: str) -> list[dict[str, str]]:
    """Funnel steps, one a line: `/path` or `event:name` (`path:/x` also works)."""
    steps = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        kind, _, value = line.partition(":") if ":" in line else ("path", "", line)
        kind = kind.strip() if kind.strip() in ("path", "event") else "path"
        steps.append({"type": kind, "value": value.strip() or line})
    return steps


def _parameters(report: str, query: Mapping[str, str]) -> dict[str, Any]:
    get = query.get
    if report == "funnel":
        return {"steps": _steps(get("steps", "")), "window": get("window") or "60"}
    if report == "journey":
        # Not named eventType: that key in the URL is the view's event-type filter.
        event_type = get("hits") or ""
        return {"steps": get("steps") or "3", "startStep": get("startStep") or None,
                "endStep": get("endStep") or None,
                "eventType": int(event_type) if event_type.isdigit() else None}
    if report == "goal":
        return {"type": get("goalType") or "path", "value": get("value", "")}
    if report == "revenue":
        return {"currency": get("currency") or "USD"}
    if report == "attribution":
        return {"model": get("model") or "first-click", "type": get("stepType") or "path",
                "step": get("step", ""), "currency": get("currency") or None}
    if report == "breakdown":
        getlist = getattr(query, "getlist", None)
        return {"fields": getlist("fields") if getlist else [get("fields")]}
    if report == "performance":
        return {"metric": get("metric") or "lcp"}
    return {}


def _bars(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The rows with `percent`, their `key` against the largest: the width of their bar."""
    most = max((item[key] for item in items), default=0)
    return [{**item, "percent": 100 * item[key] / most if most else 0} for item in items]


# The journey form's `hits`: all, or one event type (the API's `eventType` parameter).
JOURNEY_EVENT_TYPES = [("", "Page views and events"), ("1", "Page views only"),
                       ("2", "Events only")]


def journey_rows(result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The journey answer as table rows: each journey's steps (the non-empty slots, in order),
    its visits, and its bar's width against the most visited journey. Answers that read the
    same (the API collapses a repeated step, so `/a /a` and `/a` both show as `/a`) are one
    row."""
    visits: dict[tuple[str, ...], int] = {}
    for row in result:
        steps = tuple(label for label in row["items"] if label is not None)
        visits[steps] = visits.get(steps, 0) + row["count"]
    ordered = sorted(visits.items(), key=lambda item: -item[1])  # stable: ties keep API order
    return _bars([{"steps": list(steps), "count": count} for steps, count in ordered], "count")


def retention_grid(result: list[dict[str, Any]]) -> dict[str, Any]:
    """The retention answer as a cohort table: a row per first-visit day (its visitors), a
    column per day after it, each cell the share of the cohort seen again that day."""
    days = sorted({row["day"] for row in result})
    cohorts: dict[str, dict[str, Any]] = {}
    for row in result:
        cohort = cohorts.setdefault(row["date"], {
            "date": str(row["date"])[:10], "visitors": row["visitors"], "cells": {}})
        cohort["cells"][row["day"]] = {"visitors": row["returnVisitors"],
                                       "percentage": row["percentage"]}
    return {"days": days, "cohorts": [
        {**cohort, "cells": [cohort["cells"].get(day) for day in days]}
        for cohort in cohorts.values()]}


# The revenue answer's breakdowns, in the order shown, with their headings.
REVENUE_TABLES = [("country", "Countries"), ("referrer", "Referrers"), ("channel", "Channels"),
                  ("region", "Regions")]


def revenue_view(result: dict[str, Any], view: View) -> dict[str, Any]:
    """The revenue answer as summary cards against the previous period, a chart of revenue
    per bucket, and each breakdown as a table with bars."""
    total = result["total"]
    before = total.get("comparison") or {}
    cards = [{"label": label, "value": total.get(key, 0), "format": kind,
              "change": change(total.get(key, 0), before.get(key, 0))}
             for key, label, kind in (("sum", "Revenue", "money"), ("count", "Orders", "count"),
                                      ("unique_count", "Customers", "count"),
                                      ("average", "Average order", "money"),
                                      ("arpu", "Revenue per visitor", "money"))]
    buckets = view.period.buckets()
    amounts = charts.fill(buckets, [{"x": point["t"], "y": point["y"]}
                                    for point in result["chart"]])
    chart = charts.bar_chart(buckets, [charts.Series("visitors", "Revenue", amounts)],
                             view.period.unit, f"Revenue, {view.period.label}")
    tables = []
    for key, label in REVENUE_TABLES:
        tables.append({"label": label, "rows": _bars([
            {"name": row["name"] or "(none)", "value": row["value"]}
            for row in result.get(key) or []], "value")})
    return {"cards": cards, "chart": chart, "tables": tables}


# Web vitals: name, unit, and the p75 bounds of "good" and "needs improvement" that web.dev
# publishes for them (above the second bound: poor).
VITALS = {
    "lcp": ("Largest contentful paint", "ms", 2500, 4000),
    "inp": ("Interaction to next paint", "ms", 200, 500),
    "cls": ("Cumulative layout shift", "", 0.1, 0.25),
    "fcp": ("First contentful paint", "ms", 1800, 3000),
    "ttfb": ("Time to first byte", "ms", 800, 1800),
}
PERFORMANCE_TABLES = [("pages", "Pages"), ("pageTitles", "Page titles"),
                      ("devices", "Devices"), ("browsers", "Browsers")]
PERFORMANCE_ROWS = 20


def vital_text(metric: str, value: float) -> str:
    """A measurement as people read it: 850 ms, 2.3 s, or a layout shift of 0.12."""
    if VITALS[metric][1] != "ms":
        return f"{value:.2f}"
    return f"{value:.0f} ms" if value < 1000 else f"{value / 1000:.1f} s"


def vital_rating(metric: str, value: float) -> str:
    _, _, good, fair = VITALS[metric]
    return "good" if value <= good else "fair" if value <= fair else "poor"


def performance_view(result: dict[str, Any], view: View, metric: str) -> dict[str, Any]:
    """The performance answer as a card per web vital (its p75 and rating), a chart of the
    chosen vital's p75 per bucket, and its p75 per page, title, device and browser."""
    summary = result["summary"]
    cards = [{"metric": name, "label": VITALS[name][0],
              "value": vital_text(name, summary[name]["p75"]),
              "rating": vital_rating(name, summary[name]["p75"])} for name in VITALS]
    buckets = view.period.buckets()
    values = charts.fill(buckets, [{"x": point["t"], "y": point["p75"]}
                                   for point in result["chart"]])
    chart = charts.bar_chart(buckets, [charts.Series("visitors", f"{metric.upper()} p75",
                                                     values)],
                             view.period.unit, f"{VITALS[metric][0]} (p75), {view.period.label}",
                             whole=False)
    tables = []
    for key, label in PERFORMANCE_TABLES:
        tables.append({"label": label, "rows": _bars([
            {"name": row["name"] or "(none)", "p75": row["p75"],
             "value": vital_text(metric, row["p75"]), "rating": vital_rating(metric, row["p75"]),
             "count": row["count"]} for row in (result.get(key) or [])[:PERFORMANCE_ROWS]],
            "p75")})
    return {"cards": cards, "chart": chart, "tables": tables, "count": summary["count"]}


def _table(value: Any) -> dict[str, Any] | None:
    """A list of flat objects as a table: its columns and rows."""
    if isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
        columns: list[str] = []
        for row in value:
            columns += [key for key, cell in row.items()
                        if key not in columns and not isinstance(cell, dict | list)]
        return {"columns": columns, "rows": value[:500]}
    return None


def heading(key: str) -> str:
    """An answer's key as a heading: utm_source -> UTM source, paidAds -> Paid ads."""
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", key).replace("_", " ").split()
    words = [word.upper() if word.lower() in ("utm", "url") else word.lower() for word in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _shown(value: Any) -> Any:
    """Numbers as people read them: 1,234 and 152.60."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def sections(result: Any, title: str = "Result") -> list[dict[str, Any]]:
    """Any report answer as titled tables and key/value lists, for the generic view."""
    if _table(result):
        return [{"title": title, "table": _table(result)}]
    if isinstance(result, dict):
        shown: list[dict[str, Any]] = []
        scalars = {heading(key): _shown(value) for key, value in result.items()
                   if not isinstance(value, dict | list)}
        if scalars:
            shown.append({"title": "Summary" if title == "Result" else title, "props": scalars})
        for key, value in result.items():
            if _table(value):
                shown.append({"title": heading(key), "table": _table(value)})
            elif isinstance(value, dict):
                shown += sections(value, heading(key))
            elif isinstance(value, list) and value:
                shown.append({"title": heading(key),
                              "props": {str(i): v for i, v in enumerate(value)}})
        return shown
    return [{"title": title, "props": {"value": result}}]


def ranked(section: dict[str, Any]) -> dict[str, Any] | None:
    """A table of names with one number each (counts per source, say) as rows with bars."""
    table = section.get("table")
    if not table or len(table["columns"]) != 2:
        return None
    name, number = table["columns"]
    values = [row.get(number) for row in table["rows"]]
    if not all(isinstance(value, int | float) and not isinstance(value, bool)
               for value in values):
        return None
    return {"label": section["title"], "value_label": heading(number), "rows": _bars([
        {"name": row.get(name) or "(none)", "value": row[number], "shown": _shown(row[number])}
        for row in table["rows"]], "value")}


def reports_index(web: WebRequest) -> Response:
    site = _site(web)
    view = View(web, site, f"{site.base}/reports")
    return web.render("reports/index.html", section="websites", site=site, view=view,
                      tab="reports", reports=REPORTS, presets=period.PRESETS)


def report_page(web: WebRequest) -> Response:
    site = _site(web)
    report = web.param("report")
    if report not in REPORTS:
        raise PageError(404, "No such report.")
    view = View(web, site, f"{site.base}/reports/{report}")
    result: Any = None
    failure = None
    if web.query.get("run"):
        filters = {item.key: view.params[item.key] for item in view.filters}
        parameters = {
            "startDate": view.period.start.isoformat(), "endDate": view.period.end.isoformat(),
            "unit": view.period.unit, "timezone": view.period.zone,
            **{key: value for key, value in _parameters(report, web.query).items()
               if value is not None},
        }
        if report not in ("revenue", "performance"):
            parameters.pop("unit")
        if report not in ("revenue", "performance", "retention"):
            parameters.pop("timezone")
        try:
            result = web.api("POST", f"/api/reports/{report}", auth=site.auth, body={
                "websiteId": site.id, "type": report, "filters": filters,
                "parameters": parameters})
        except ApiError as error:
            if error.status != 400:
                raise
            failure = api_message(error)
        except QueryTooLarge as error:
            failure = error.advice  # shown above the form, so a shorter range is one click
    own_view = ("funnel", "journey", "retention", "revenue", "performance")
    if result is not None and report == "breakdown":
        # The chosen fields first, then the metrics.
        chosen = web.query.getlist("fields")
        result = [{**{key: row[key] for key in chosen if key in row}, **row} for row in result]
    # Names with one number each go side by side as bar tables; the rest as they are.
    ranks: list[dict[str, Any]] = []
    shown: list[dict[str, Any]] = []
    for section in [] if result is None or report in own_view else sections(result):
        as_bars = ranked(section)
        if as_bars is None:
            shown.append(section)
        else:
            ranks.append(as_bars)
    journeys = journey_rows(result) if result is not None and report == "journey" else None
    cohorts = retention_grid(result) if result is not None and report == "retention" else None
    earned = revenue_view(result, view) if result is not None and report == "revenue" else None
    vitals = (performance_view(result, view, web.query.get("metric") or "lcp")
              if result is not None and report == "performance" else None)
    return web.render(
        "reports/report.html", section="websites", site=site, view=view, tab="reports",
        report=report, title=REPORTS[report][0], about=REPORTS[report][1], result=result,
        sections=shown, ranks=ranks, journeys=journeys, retention=cohorts, revenue=earned,
        vitals=vitals, event_types=JOURNEY_EVENT_TYPES, failure=failure,
        presets=period.PRESETS, form=web.query,
        models=attribution.MODELS, fields=breakdown.FIELDS, metrics=performance.METRICS,
        chosen_fields=web.query.getlist("fields"),
    )


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    page = dashboard.page
    return [
        Route("/websites/{website_id}/reports", page(reports_index), methods=["GET"]),
        Route("/websites/{website_id}/reports/{report}", page(report_page), methods=["GET"]),
    ]
