"""Saved segments and cohorts in a report's `filters` (api-analytics.md §1.7, §4): every report
applies them as the analytics endpoints do. Segments and cohorts are created through the
websites API; the expected answers are worked out from the event sets in conftest.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api.conftest import assert_error
from tests.reports.conftest import VITALS, T, World, d, h, ms
from tests.reports.test_performance import METRICS, column, percentiles
from tests.reports.test_retention_utm_breakdown import row
from tests.reports.test_revenue_attribution import EMPTY_UTM

RANGE = {"startDate": ms(T - d), "endDate": ms(T + d)}
DAY = f"range:{ms(T - d)}:{ms(T + d)}"  # a cohort range around the funnel-site events
HOME, PRICING = {"type": "path", "value": "/"}, {"type": "path", "value": "/pricing"}
UNKNOWN = "00000000-0000-4000-8000-000000000001"
TENTH = datetime(2025, 3, 10, tzinfo=UTC)


def filter_of(name: str, value: str, operator: str = "eq") -> dict[str, str]:
    return {"name": name, "operator": operator, "value": value}


@pytest.fixture(scope="module")
def firefox(world: World) -> str:
    """Funnel site: only s5 uses Firefox."""
    return world.saved("funnel", "segment", {"filters": [filter_of("browser", "firefox")]})


@pytest.fixture(scope="module")
def signed_up(world: World) -> str:
    """Funnel site: s1, s2 and s3 triggered `signup` (s4 and s5 did not)."""
    return world.saved("funnel", "cohort", {"action": {"type": "event", "value": "signup"},
                                            "dateRange": DAY})


def funnel(world: World, filters: dict[str, Any]) -> list[int]:
    answer = world.run("funnel", "funnel", {**RANGE, "window": 60, "steps": [HOME, PRICING]},
                       filters)
    return [step["visitors"] for step in answer]


def goal(world: World, filters: dict[str, Any]) -> dict[str, int]:
    return world.run("goal", "funnel", {**RANGE, "type": "path", "value": "/"}, filters)


def test_funnel_segment_overrides_the_same_filter(world: World, firefox: str) -> None:
    # Chrome: s1, s2, s4 see /; only s1 reaches /pricing within the hour (s4 saw it before /).
    assert funnel(world, {"browser": "chrome"}) == [3, 1]
    # The segment's browser=firefox replaces the body's browser=chrome: only s5.
    assert funnel(world, {"browser": "chrome", "segment": firefox}) == [1, 0]


def test_funnel_cohort(world: World, signed_up: str) -> None:
    # Of s1, s2, s3 only s1 and s2 see /, and s1 reaches /pricing within the hour.
    assert funnel(world, {}) == [4, 1]
    assert funnel(world, {"cohort": signed_up}) == [2, 1]


def test_cohort_uses_its_own_date_range(world: World) -> None:
    # The last signup was at T+2h01: nobody signed up in this later hour, so the cohort is
    # empty although the report's range holds every signup.
    later = world.saved("funnel", "cohort", {"action": {"type": "event", "value": "signup"},
                                             "dateRange": f"range:{ms(T + 3 * h)}:{ms(T + 4 * h)}"})
    assert funnel(world, {"cohort": later}) == [0, 0]
    assert goal(world, {"cohort": later}) == {"num": 0, "total": 0}


def test_goal_with_segment_and_cohort(world: World, firefox: str, signed_up: str) -> None:
    assert goal(world, {"browser": "chrome"}) == {"num": 3, "total": 4}
    assert goal(world, {"browser": "chrome", "segment": firefox}) == {"num": 1, "total": 1}
    # s1 and s2 of the three who signed up saw /.
    assert goal(world, {"cohort": signed_up}) == {"num": 2, "total": 3}
    # Segment and cohort together: Firefox users who signed up (none).
    assert goal(world, {"segment": firefox, "cohort": signed_up}) == {"num": 0, "total": 0}


def test_segment_match_replaces_the_body_match(world: World) -> None:
    either = world.saved("funnel", "segment", {
        "filters": [filter_of("browser", "firefox"), filter_of("path", "/blog/a")],
        "match": "any"})
    # Rows from Firefox (s5's /) or of /blog/a (s3): s5 reached /, out of s5 and s3.
    assert goal(world, {"segment": either, "match": "all"}) == {"num": 1, "total": 2}
    both = world.saved("funnel", "segment", {
        "filters": [filter_of("browser", "firefox"), filter_of("path", "/blog/a")]})
    assert goal(world, {"segment": both}) == {"num": 0, "total": 0}


def test_breakdown_with_cohort_and_segment(world: World, firefox: str, signed_up: str) -> None:
    # Pageviews of s1 (/ then /pricing 5 min later), s2 (/ at 10:00 and /pricing at 12:00: two
    # one-page visits) and s3 (/blog/a then /pricing a minute later).
    fields = {**RANGE, "fields": ["browser"]}
    assert world.run("breakdown", "funnel", fields, {"cohort": signed_up}) == [
        {"views": 6, "visitors": 3, "visits": 4, "bounces": 2, "totaltime": 360,
         "browser": "chrome"}]
    assert world.run("breakdown", "funnel", fields, {"segment": firefox}) == [
        {"views": 1, "visitors": 1, "visits": 1, "bounces": 1, "totaltime": 0,
         "browser": "firefox"}]


def test_journey_applies_segment_and_cohort(world: World) -> None:
    site = "journey"
    bought = world.saved(site, "cohort", {"action": {"type": "event", "value": "signup"},
                                          "dateRange": DAY})
    # Only a signed up: its two visits.
    assert world.run("journey", site, {**RANGE, "steps": 3}, {"cohort": bought}) == [
        {"items": ["/", "/pricing", None], "count": 1},
        {"items": ["/docs", None, None], "count": 1},
    ]
    # Row-level: only rows on /pricing (a's signup event was sent from /pricing).
    pricing = world.saved(site, "segment", {"filters": [filter_of("path", "/pricing")]})
    assert world.run("journey", site, {**RANGE, "steps": 3}, {"segment": pricing}) == [
        {"items": ["/pricing", None, None], "count": 2},
        {"items": ["/pricing", "signup", None, None], "count": 1},
    ]


def test_retention_with_cohort_and_segment(world: World) -> None:
    site, zone = "retention", {"timezone": "America/New_York"}
    span = {"startDate": ms(T - 3 * d), "endDate": ms(T + 10 * d), **zone}
    # Active on 03-10 UTC: p and q (both of the 03-08 New York cohort), not r.
    tenth = world.saved(site, "cohort", {
        "action": {"type": "path", "value": "/"},
        "dateRange": f"range:{ms(TENTH)}:{ms(TENTH + d) - 1}"})
    assert world.run("retention", site, span, {"cohort": tenth}) == [
        row("2025-03-08 00:00:00", 0, 2, 2), row("2025-03-08 00:00:00", 1, 2, 1),
        row("2025-03-08 00:00:00", 2, 2, 2),
    ]
    firefox = world.saved(site, "segment", {"filters": [filter_of("browser", "firefox")]})
    assert len(world.run("retention", site, span, {"browser": "chrome"})) == 4
    assert world.run("retention", site, span, {"browser": "chrome", "segment": firefox}) == []


def test_utm_with_segment_and_cohort(world: World) -> None:
    site = "utm"
    google = world.saved(site, "segment", {"filters": [filter_of("utmSource", "google")]})
    assert world.run("utm", site, RANGE, {"segment": google}) == {
        "utm_source": [{"utm": "google", "views": 3}], "utm_medium": [{"utm": "cpc", "views": 3}],
        "utm_campaign": [{"utm": "spring", "views": 3}], "utm_term": [], "utm_content": []}
    # Cohort filters and action together: sessions with a pageview of / from an email (u2).
    email = world.saved(site, "cohort", {"filters": [filter_of("utmMedium", "email")],
                                         "action": {"type": "path", "value": "/"},
                                         "dateRange": DAY})
    assert world.run("utm", site, RANGE, {"cohort": email}) == {
        "utm_source": [{"utm": "newsletter", "views": 1}],
        "utm_medium": [{"utm": "email", "views": 1}],
        "utm_campaign": [], "utm_term": [], "utm_content": []}


def test_attribution_with_cohort(world: World) -> None:
    site = "attribution"
    buyers = world.saved(site, "cohort", {"action": {"type": "event", "value": "purchase"},
                                          "dateRange": DAY})
    # Only a1 purchased: its first touch is the Google ad (a2's bing visit drops out).
    assert world.run("attribution", site, {
        **RANGE, "type": "path", "step": "/thanks", "model": "first-click"},
        {"cohort": buyers}) == {
        "referrer": [{"name": "google.com", "value": 1}],
        "paidAds": [{"name": "Google Ads", "value": 1}],
        "utm_source": [{"name": "google", "value": 1}],
        **EMPTY_UTM,
        "total": {"pageviews": 1, "visitors": 1, "visits": 1},
    }


def test_revenue_with_cohort(world: World) -> None:
    site = "revenue"
    british = world.saved(site, "cohort", {"filters": [filter_of("country", "GB")],
                                           "action": {"type": "event", "value": "purchase"},
                                           "dateRange": DAY})
    answer = world.run("revenue", site, {"startDate": "2025-03-03T00:00:00.000Z",
                                         "endDate": "2025-03-04T23:59:59.999Z",
                                         "currency": "USD"}, {"cohort": british})
    # b1's two purchases (19.99 + 10.01); b2's 5.5 and the comparison window's b4 are not in
    # the cohort. total_sessions stays unfiltered (b1, b2, b3; b4 in the comparison).
    assert answer["chart"] == [
        {"x": "purchase", "t": "2025-03-03T00:00:00Z", "y": 30.0, "count": 2}]
    assert answer["total"] == {
        "sum": 30.0, "count": 2, "unique_count": 1, "total_sessions": 3, "average": 15.0,
        "arpu": 10.0,
        "comparison": {"sum": 0.0, "count": 0, "unique_count": 0, "total_sessions": 1,
                       "average": 0, "arpu": 0}}
    assert answer["country"] == [{"name": "GB", "value": 30.0}]
    assert answer["referrer"] == [{"name": "google.com", "value": 30.0}]
    assert answer["channel"] == [{"name": "organicSearch", "value": 30.0}]


def test_performance_with_cohort(world: World) -> None:
    site = "performance"
    # /docs on day 0: v1 and v2 (v4 measured /docs on day 1).
    docs = world.saved(site, "cohort", {"action": {"type": "path", "value": "/docs"},
                                        "dateRange": f"range:{ms(T)}:{ms(T + d) - 1}"})
    answer = world.run("performance", site, {"startDate": ms(T - d), "endDate": ms(T + 3 * d)},
                       {"cohort": docs})
    kept = [vital for vital in VITALS if vital[0] in ("v1", "v2")]
    assert answer["summary"] == {
        **{metric: percentiles(column(metric, kept)) for metric in METRICS}, "count": 4}
    assert [(item["name"], item["count"]) for item in answer["browsers"]] == [("ios", 2),
                                                                              ("chrome", 2)]


def test_unknown_foreign_and_malformed_ids(world: World, firefox: str, signed_up: str) -> None:
    # Unknown ids are ignored, as are another website's and a cohort sent as a segment.
    assert goal(world, {"segment": UNKNOWN, "cohort": UNKNOWN}) == {"num": 4, "total": 5}
    foreign = world.saved("utm", "segment", {"filters": [filter_of("browser", "firefox")]})
    assert goal(world, {"segment": foreign}) == {"num": 4, "total": 5}
    assert goal(world, {"segment": signed_up}) == {"num": 4, "total": 5}
    assert goal(world, {"cohort": firefox}) == {"num": 4, "total": 5}
    # Malformed ids are a 400 naming the key.
    for key, value in (("segment", "x"), ("cohort", "not-a-uuid"), ("segment", 5)):
        response = world.post("goal", {"websiteId": world.sites["funnel"], "type": "goal",
                                       "filters": {key: value},
                                       "parameters": {**RANGE, "type": "path", "value": "/"}})
        error = assert_error(response, 400)
        assert list(error["properties"]["filters"]["properties"]) == [key], error
