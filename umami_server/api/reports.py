"""Saved reports (`/api/reports`, `/api/reports/:id`): storage only; running them comes later."""

from __future__ import annotations

from typing import Any

from umami_server.api import shapes
from umami_server.api.services import page_request, require
from umami_server.api.transport import OK, ApiCall, ApiRouter, not_found
from umami_server.api.validation import PageQuery, Schema, json_object, one_of, text, uuid_text
from umami_server.api.websites import REPORT_TYPES
from umami_server.auth import permissions as can

router = ApiRouter()


class ReportsQuery(PageQuery):
    websiteId: uuid_text()  # noqa: N815 - wire name
    type: one_of(*REPORT_TYPES) = None


class ReportBody(Schema):
    websiteId: uuid_text()  # noqa: N815 - wire name
    type: one_of(*REPORT_TYPES)
    name: text(200)
    description: text(500) = None
    parameters: json_object()


def _values(body: ReportBody) -> dict[str, Any]:
    return {"website_id": body.websiteId, "type": body.type, "name": body.name,
            "description": body.description or "", "parameters": body.parameters}


@router.get("/api/reports", query=ReportsQuery, auth="any")
def list_reports(call: ApiCall) -> Any:
    store, query = call.services.store, call.query
    require(can.can_view_website(call.auth, store, query.websiteId))
    request = page_request(query)
    page = store.reports_page(query.websiteId, request, query.type)
    return shapes.paged(page, request, [shapes.report(row) for row in page.rows])


@router.post("/api/reports", body=ReportBody)
def create_report(call: ApiCall) -> Any:
    store = call.services.store
    require(can.can_update_website(call.auth, store, call.body.websiteId))
    if store.get_website(call.body.websiteId) is None:
        raise not_found()
    return shapes.report(store.create_report({**_values(call.body), "user_id": call.user_id}))


def _report(call: ApiCall) -> dict[str, Any]:
    report = call.services.store.get_report(call.params["report_id"])
    if report is None:
        raise not_found()
    return report


@router.get("/api/reports/{report_id}", auth="any")
def get_report(call: ApiCall) -> Any:
    report = _report(call)
    require(can.can_view_report(call.auth, call.services.store, report))
    return shapes.report(report)


@router.post("/api/reports/{report_id}", body=ReportBody)
def update_report(call: ApiCall) -> Any:
    report = _report(call)
    store = call.services.store
    require(can.can_update_report(call.auth, store, report))
    # Moving a report needs the right to change the website it moves to, as well.
    if call.body.websiteId != report["website_id"]:
        require(can.can_update_website(call.auth, store, call.body.websiteId))
    return shapes.report(store.update_report(report["report_id"], _values(call.body)) or report)


@router.delete("/api/reports/{report_id}")
def delete_report(call: ApiCall) -> Any:
    report = _report(call)
    store = call.services.store
    require(can.can_delete_report(call.auth, store, report))
    store.delete_report(report["report_id"])
    return OK
