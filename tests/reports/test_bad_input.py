"""Malformed report requests are answered 400 with the error envelope (never 500); a caller
without rights gets 401; an unknown website gives empty answers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import assert_error
from tests.reports.conftest import T, World, d, ms

RANGE = {"startDate": ms(T - d), "endDate": ms(T + d)}
TWO_STEPS = [{"type": "path", "value": "/"}, {"type": "path", "value": "/pricing"}]
VALID: dict[str, dict[str, Any]] = {
    "funnel": {"window": 60, "steps": TWO_STEPS},
    "journey": {"steps": 3},
    "retention": {},
    "utm": {},
    "goal": {"type": "path", "value": "/"},
    "revenue": {"currency": "USD"},
    "attribution": {"model": "first-click", "type": "path", "step": "/"},
    "breakdown": {"fields": ["path"]},
    "performance": {},
}
UNKNOWN_SITE = "00000000-0000-4000-8000-000000000000"


def request(world: World, report: str, parameters: Any = None, filters: Any = None,
            **body: Any) -> httpx.Response:
    return world.post(report, {
        "websiteId": world.sites["funnel"], "type": report,
        "filters": {} if filters is None else filters,
        "parameters": {**RANGE, **VALID[report]} if parameters is None else parameters,
        **body})


BAD_PARAMETERS = [
    ("funnel", {"steps": TWO_STEPS[:1]}),
    ("funnel", {"steps": TWO_STEPS * 5}),
    ("funnel", {"steps": [{"type": "path", "value": ""}, TWO_STEPS[1]]}),
    ("funnel", {"steps": [{"type": "page", "value": "/"}, TWO_STEPS[1]]}),
    ("funnel", {"steps": "/,/pricing"}),
    ("funnel", {"window": 0}),
    ("funnel", {"window": -5}),
    ("funnel", {"window": "soon"}),
    ("funnel", {"steps": [{"type": "event", "value": "signup", "filters": [
        {"property": "", "operator": "eq", "value": "x"}]}, TWO_STEPS[1]]}),
    ("funnel", {"steps": [{"type": "event", "value": "signup", "filters": [
        {"property": "plan", "operator": "re", "value": "x"}]}, TWO_STEPS[1]]}),
    ("journey", {"steps": 1}),
    ("journey", {"steps": 8}),
    ("journey", {"steps": 3.5}),
    ("journey", {"eventType": 0}),
    ("goal", {"value": ""}),
    ("goal", {"type": ""}),
    ("revenue", {"currency": ""}),
    ("revenue", {"compare": "week"}),
    ("revenue", {"unit": "week"}),
    ("revenue", {"timezone": "Mars/Olympus_Mons"}),
    ("retention", {"timezone": "Nowhere/Else"}),
    ("attribution", {"model": "linear"}),
    ("attribution", {"type": "page"}),
    ("attribution", {"step": ""}),
    ("breakdown", {"fields": []}),
    ("breakdown", {"fields": ["nope"]}),
    ("breakdown", {"fields": "path"}),
    ("performance", {"metric": "fid"}),
    ("performance", {"unit": "fortnight"}),
    ("utm", {"startDate": ms(T + d), "endDate": ms(T - d)}),  # reversed
    ("utm", {"startDate": "yesterday"}),
    ("utm", {"startDate": None}),
    ("utm", {"endDate": True}),
]


@pytest.mark.parametrize(("report", "change"), BAD_PARAMETERS,
                         ids=[f"{report}-{i}" for i, (report, _) in enumerate(BAD_PARAMETERS)])
def test_bad_parameters(world: World, report: str, change: dict[str, Any]) -> None:
    parameters = {**RANGE, **VALID[report], **change}
    parameters = {key: value for key, value in parameters.items() if value is not None}
    assert_error(request(world, report, parameters), 400)


@pytest.mark.parametrize("filters", [
    {"path": "gt.5"}, {"eventType": -1}, {"eventType": "x"}, {"match": "some"},
    {"browser": 5}, {"path": "re.("}, "path=/",
])
def test_bad_filters(world: World, filters: Any) -> None:
    assert_error(request(world, "breakdown", filters=filters), 400)


def test_bad_bodies(world: World) -> None:
    assert_error(request(world, "funnel", type="journey"), 400)
    assert_error(request(world, "funnel", websiteId="not-a-uuid"), 400)
    assert_error(world.post("funnel", None), 400)
    assert_error(world.admin.client.post("/api/reports/funnel", content=b"{oops",
                                         headers={"content-type": "application/json"}), 400)
    body = {"websiteId": world.sites["funnel"], "type": "utm", "parameters": RANGE}
    assert_error(world.post("utm", body), 400)  # filters are required
    assert_error(world.post("utm", {**body, "filters": {}, "parameters": None}), 400)


def test_valid_requests_of_every_type(world: World) -> None:
    for report in VALID:
        assert request(world, report).status_code == 200, report
    # Suffixed repeats are not report filters: ignored, as unknown keys are.
    assert request(world, "goal", filters={"path1": "/nowhere"}).json() == {"num": 4, "total": 5}


def test_without_rights(world: World) -> None:
    anonymous = httpx.post(f"{world.server.base_url}/api/reports/utm", json={
        "websiteId": world.sites["utm"], "type": "utm", "filters": {}, "parameters": RANGE})
    assert_error(anonymous, 401)
    # Bad input is answered first, as for every other route.
    bad = httpx.post(f"{world.server.base_url}/api/reports/utm", json={
        "websiteId": world.sites["utm"], "type": "utm", "filters": {}, "parameters": {}})
    assert_error(bad, 400)


def test_unknown_website_answers_empty(world: World) -> None:
    for report in VALID:
        answer = request(world, report, websiteId=UNKNOWN_SITE)
        assert answer.status_code == 200, (report, answer.text)
    funnel = request(world, "funnel", websiteId=UNKNOWN_SITE).json()
    assert [step["visitors"] for step in funnel] == [0, 0]
    assert funnel[1]["remaining"] is None


def test_get_of_a_report_type_is_not_a_saved_report(world: World) -> None:
    assert world.admin.get("/api/reports/funnel").status_code in (404, 405)
