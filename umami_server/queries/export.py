"""`/export`: the main metric tables as CSV files in a base64 zip, as Umami builds it (§3.18)."""

from __future__ import annotations

import base64
import csv
import io
import zipfile
from dataclasses import replace
from typing import Any

from umami_server.queries.metrics import website_metrics
from umami_server.queries.request import AnalyticsRequest
from umami_server.storage.interface import EventStore

EXPORTED = (("events.csv", "event"), ("pages.csv", "path"), ("referrers.csv", "referrer"),
            ("browsers.csv", "browser"), ("os.csv", "os"), ("devices.csv", "device"),
            ("countries.csv", "country"))


# A cell starting with one of these runs as a formula in a spreadsheet; tab and carriage return
# count too, since some spreadsheets strip them before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: Any) -> Any:
    """`cell`, quoted with a leading `'` when a spreadsheet would run it. Visitors choose page
    paths, titles and event names, so any exported text may be an attacker's."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["x", "y"])
    writer.writerows([spreadsheet_safe(row["x"]), row["y"]] for row in rows)
    return buffer.getvalue().removesuffix("\r\n")


def export_zip(store: EventStore, request: AnalyticsRequest) -> dict[str, str]:
    # Only digit-suffixed filters survive Umami's validation of this route.
    kept = tuple(item for item in request.filters if item.key != item.name)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as files:
        for filename, metric in EXPORTED:
            metric_request = replace(request, filters=kept,
                                     extra={**request.extra, "type": metric, "limit": "500",
                                            "offset": "0", "search": ""})
            files.writestr(filename, _csv(website_metrics(store, metric_request)))
    return {"zip": base64.b64encode(archive.getvalue()).decode()}
