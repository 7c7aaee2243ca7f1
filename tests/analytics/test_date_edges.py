"""Dates at the calendar's edges and windows spanning millennia: a quick 400 naming the parameter
or a quick answer, never a 500 and never seconds of CPU (issue 15, findings 3 and 8)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.web.conftest import logged_in_client

QUICK_SECONDS = 5.0  # generous: the answers take milliseconds; the day-by-day walk took 10-45 s


def ms(year: int, month: int = 1, day: int = 1) -> str:
    return str(int(datetime(year, month, day, tzinfo=UTC).timestamp() * 1000))


ROUTES = [
    ("pageviews", {"unit": "hour", "timezone": "Europe/Berlin"}),
    ("pageviews", {"unit": "day", "timezone": "Europe/Berlin", "compare": "prev"}),
    ("stats", {}),
    ("events/stats", {}),
    ("events/series", {"timezone": "Europe/Berlin"}),
    ("sessions/weekly", {"timezone": "Europe/Berlin"}),
    ("sessions/stats", {}),
    ("metrics", {"type": "path"}),
]
EDGES = [
    ({"startAt": "0", "endAt": "253402214400000"}, "endAt"),  # 9999-12-31
    ({"startAt": "-62135596800000", "endAt": "0"}, "startAt"),  # 0001-01-01
    ({"startAt": "-99999999999999999", "endAt": "0"}, "startAt"),
    ({"startAt": "0", "endAt": "99999999999999999"}, "endAt"),
    ({"startAt": ms(9999, 12, 30), "endAt": "253402300799999"}, "startAt"),
    ({"startDate": "0001-01-01T00:00:00Z", "endDate": "2025-01-01T00:00:00Z"}, "startDate"),
    ({"startDate": "2025-01-01T00:00:00Z", "endDate": "9999-12-31T23:59:59+00:00"}, "endDate"),
]


def _assert_400_naming(response, *path: str) -> None:
    assert response.status_code == 400, response.text
    tree = response.json()["error"]
    for name in path:
        tree = tree["properties"][name]
    assert tree["errors"], response.text


@pytest.mark.parametrize(("route", "extra"), ROUTES)
@pytest.mark.parametrize(("window", "named"), EDGES)
def test_edge_dates_are_a_400_naming_the_parameter(recorded, route, extra, window, named):
    response = recorded.admin.get(f"/api/websites/{recorded.main}/{route}",
                                  params={**window, **extra})
    if "startDate" in window and route in ("sessions/weekly", "events/series", "sessions/stats"):
        named = "startAt"  # these require startAt/endAt and say so first
    _assert_400_naming(response, named)


@pytest.mark.parametrize("route", ["stats", "events/stats", "pageviews"])
@pytest.mark.parametrize(("window", "compare"), [
    ({"startAt": ms(1000), "endAt": ms(3000)}, "prev"),  # the period before starts in year -999
    ({"startAt": ms(1, 1, 5), "endAt": ms(2, 6, 1)}, "yoy"),  # a year before is year 0
])
def test_comparison_before_year_one_is_a_400_naming_compare(recorded, route, window, compare):
    params = {**window, "compare": compare, "timezone": "Europe/Berlin"}
    response = recorded.admin.get(f"/api/websites/{recorded.main}/{route}", params=params)
    _assert_400_naming(response, "compare")


@pytest.mark.parametrize(("kind", "parameters"), [
    ("revenue", {"currency": "USD", "unit": "day"}),
    ("performance", {"metric": "lcp", "unit": "day"}),
    ("retention", {}),
])
@pytest.mark.parametrize(("dates", "named"), [
    ({"startDate": "0001-01-01T00:00:00Z", "endDate": "0001-02-01T00:00:00Z"}, "startDate"),
    ({"startDate": "9999-12-01T00:00:00Z", "endDate": "9999-12-31T23:59:59Z"}, "endDate"),
    ({"startDate": -62135596800000, "endDate": 0}, "startDate"),
])
def test_report_edge_dates_are_a_400_naming_the_parameter(recorded, kind, parameters, dates,
                                                          named):
    response = recorded.admin.post(f"/api/reports/{kind}", json={
        "websiteId": recorded.main, "type": kind, "filters": {},
        "parameters": {**parameters, **dates, "timezone": "Europe/Berlin"},
    })
    _assert_400_naming(response, "parameters", named)


def test_revenue_comparison_before_year_one_is_a_400(recorded):
    response = recorded.admin.post("/api/reports/revenue", json={
        "websiteId": recorded.shop, "type": "revenue", "filters": {},
        "parameters": {"currency": "USD", "unit": "year", "startDate": "1000-01-01T00:00:00Z",
                       "endDate": "3000-01-01T00:00:00Z", "compare": "prev"},
    })
    _assert_400_naming(response, "parameters", "compare")


def _timed_get(api, path: str, params: dict[str, str]):
    started = time.perf_counter()
    response = api.get(path, params=params)
    return response, time.perf_counter() - started


@pytest.mark.parametrize("unit", ["hour", "day", "year"])
def test_pageviews_over_millennia_answer_quickly(recorded, unit):
    response, seconds = _timed_get(recorded.admin, f"/api/websites/{recorded.tz}/pageviews", {
        "startAt": ms(5000), "endAt": ms(9998, 12, 30), "unit": unit,
        "timezone": "Europe/Berlin"})
    assert seconds < QUICK_SECONDS
    assert response.status_code == 200, response.text
    assert response.json()["pageviews"] == []  # nothing happened after year 5000


def test_too_many_buckets_is_a_400_naming_unit(recorded):
    response, seconds = _timed_get(recorded.admin, f"/api/websites/{recorded.tz}/pageviews", {
        "startAt": ms(5000), "endAt": ms(9998, 12, 30), "unit": "month",
        "timezone": "Europe/Berlin"})
    assert seconds < QUICK_SECONDS
    _assert_400_naming(response, "unit")
    assert "10,000" in response.json()["error"]["properties"]["unit"]["errors"][0]


def test_report_with_too_many_buckets_is_a_400_naming_unit(recorded):
    started = time.perf_counter()
    response = recorded.admin.post("/api/reports/revenue", json={
        "websiteId": recorded.shop, "type": "revenue", "filters": {},
        "parameters": {"currency": "USD", "unit": "hour", "startDate": "2000-01-01T00:00:00Z",
                       "endDate": "2025-01-01T00:00:00Z", "timezone": "Europe/Berlin"},
    })
    assert time.perf_counter() - started < QUICK_SECONDS
    _assert_400_naming(response, "parameters", "unit")


def test_a_long_window_buckets_like_a_short_one(recorded):
    """Past ten years the zone is applied per row by DuckDB instead of by precomputed offsets;
    the buckets must not change."""
    path = f"/api/websites/{recorded.tz}/pageviews"
    short = recorded.admin.ok("GET", path, params={
        "startAt": ms(2000), "endAt": ms(2030), "unit": "month", "timezone": "Europe/Berlin"})
    long = recorded.admin.ok("GET", path, params={
        "startAt": ms(1500), "endAt": ms(2030), "unit": "month", "timezone": "Europe/Berlin"})
    assert short["pageviews"] and long == short


@pytest.fixture(scope="module")
def share_slug(recorded) -> str:
    share = recorded.admin.ok("POST", f"/api/websites/{recorded.tz}/shares", {"name": "Edges"})
    return share["slug"]


@pytest.mark.parametrize("page", ["share", "dashboard"])
@pytest.mark.parametrize(("end", "statuses"), [
    ("9000-12-30", {200}),
    # The reproduction: the period before it would start in year 1, so a 400 is fine too.
    ("9998-12-30", {200, 400}),
])
def test_a_multi_millennium_custom_range_answers_quickly(recorded, share_slug, page, end,
                                                         statuses):
    query = {"range": "custom", "start": "5000-01-01", "end": end, "tz": "Europe/Berlin"}
    client = logged_in_client(recorded.server)
    path = f"/share/{share_slug}" if page == "share" else f"/websites/{recorded.tz}"
    started = time.perf_counter()
    response = client.get(path, params=query)
    assert time.perf_counter() - started < QUICK_SECONDS
    client.close()
    assert response.status_code in statuses, response.text[:500]


@pytest.mark.parametrize("page", ["share", "dashboard"])
@pytest.mark.parametrize(("start", "end", "named"), [
    ("0001-01-01", "0001-01-05", "start"),
    ("1000-01-01", "3000-01-01", "start"),  # the period before would start in year -999
    ("9999-12-25", "9999-12-31", "end"),
])
def test_a_custom_range_at_the_edges_is_a_400_naming_the_parameter(recorded, share_slug, page,
                                                                   start, end, named):
    query = {"range": "custom", "start": start, "end": end, "tz": "Europe/Berlin"}
    client = logged_in_client(recorded.server)
    path = f"/share/{share_slug}" if page == "share" else f"/websites/{recorded.tz}"
    response = client.get(path, params=query)
    client.close()
    assert response.status_code == 400, response.text[:500]
    assert f"Invalid {named}" in response.text
