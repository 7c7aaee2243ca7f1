"""Revenue in two currencies with comparison windows, and first/last-click attribution."""

from __future__ import annotations

import pytest

from tests.reports.conftest import T, World, d, ms

# Two days: 03-03 and 03-04 (UTC). `prev` goes back 2879 minutes, which takes in b4's
# 03-02 12:00 purchase and nothing of the main window (it ends at 03-03 00:00:59.999).
RANGE = {"startDate": "2025-03-03T00:00:00.000Z", "endDate": "2025-03-04T23:59:59.999Z"}


def test_revenue_in_dollars(world: World) -> None:
    answer = world.run("revenue", "revenue", {**RANGE, "currency": "USD"})
    assert answer["chart"] == [
        {"x": "purchase", "t": "2025-03-03T00:00:00Z", "y": 30.0, "count": 2},
        {"x": "purchase", "t": "2025-03-04T00:00:00Z", "y": 5.5, "count": 1},
    ]
    assert answer["total"] == {
        "sum": 35.5, "count": 3, "unique_count": 2, "total_sessions": 3,
        "average": pytest.approx(35.5 / 3), "arpu": pytest.approx(35.5 / 3),
        "comparison": {"sum": 7.0, "count": 1, "unique_count": 1, "total_sessions": 1,
                       "average": 7.0, "arpu": 7.0},
    }
    assert answer["country"] == [{"name": "GB", "value": 30.0}, {"name": "US", "value": 5.5}]
    assert answer["region"] == [{"country": "GB", "name": "GB-ENG", "value": 30.0},
                                {"country": "US", "name": "US-WA", "value": 5.5}]
    # b1 arrived from Google; b2's first event in the window is its (direct) EUR purchase.
    assert answer["referrer"] == [{"name": "google.com", "value": 30.0},
                                  {"name": "", "value": 5.5}]
    assert answer["channel"] == [{"name": "organicSearch", "value": 30.0},
                                 {"name": "direct", "value": 5.5}]


def test_revenue_in_euros_and_compare_yoy(world: World) -> None:
    answer = world.run("revenue", "revenue", {**RANGE, "currency": "EUR", "compare": "yoy",
                                              "timezone": "Europe/Berlin", "unit": "hour"})
    assert answer["chart"] == [
        {"x": "purchase", "t": "2025-03-03 12:00:00", "y": 50.0, "count": 1}]
    assert answer["total"] == {
        "sum": 50.0, "count": 1, "unique_count": 1, "total_sessions": 3, "average": 50.0,
        "arpu": pytest.approx(50 / 3),
        "comparison": {"sum": 0.0, "count": 0, "unique_count": 0, "total_sessions": 0,
                       "average": 0, "arpu": 0}}
    assert answer["country"] == [{"name": "US", "value": 50.0}]


def test_revenue_filters_apply_to_the_paying_event(world: World) -> None:
    answer = world.run("revenue", "revenue", {**RANGE, "currency": "USD"}, {"country": "GB"})
    assert (answer["total"]["sum"], answer["total"]["count"]) == (30.0, 2)
    assert answer["country"] == [{"name": "GB", "value": 30.0}]
    none = world.run("revenue", "revenue", {**RANGE, "currency": "JPY"})
    assert none["chart"] == [] and none["total"]["sum"] == 0 and none["referrer"] == []


ATTRIBUTION = {"startDate": ms(T - d), "endDate": ms(T + d), "type": "path", "step": "/thanks"}
EMPTY_UTM = {"utm_medium": [], "utm_campaign": [], "utm_content": [], "utm_term": []}


def test_first_click(world: World) -> None:
    # a1: google (gclid, utm_source=google) -> twitter (utm_source=twitter) -> /thanks;
    # a2: bing -> /thanks (its referrer there is the site itself); a3 never converts.
    assert world.run("attribution", "attribution", {**ATTRIBUTION, "model": "first-click"}) == {
        "referrer": [{"name": "bing.com", "value": 1}, {"name": "google.com", "value": 1}],
        "paidAds": [{"name": "Google Ads", "value": 1}],
        "utm_source": [{"name": "google", "value": 1}],
        **EMPTY_UTM,
        "total": {"pageviews": 2, "visitors": 2, "visits": 2},
    }


def test_last_click(world: World) -> None:
    assert world.run("attribution", "attribution", {**ATTRIBUTION, "model": "last-click"}) == {
        "referrer": [{"name": "bing.com", "value": 1}, {"name": "twitter.com", "value": 1}],
        "paidAds": [],
        "utm_source": [{"name": "twitter", "value": 1}],
        **EMPTY_UTM,
        "total": {"pageviews": 2, "visitors": 2, "visits": 2},
    }


def test_attribution_of_an_event(world: World) -> None:
    # a1's purchase follows its /thanks pageview: the last touch is that pageview (no referrer).
    answer = world.run("attribution", "attribution", {
        **ATTRIBUTION, "type": "event", "step": "purchase", "model": "last-click"})
    assert answer["referrer"] == [] and answer["utm_source"] == []
    assert answer["total"] == {"pageviews": 1, "visitors": 1, "visits": 1}
