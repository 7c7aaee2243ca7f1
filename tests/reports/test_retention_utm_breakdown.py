"""Retention by local day across a DST change, UTM and breakdown."""

from __future__ import annotations

from tests.reports.conftest import T, World, d, ms

RANGE = {"startDate": ms(T - 3 * d), "endDate": ms(T + 10 * d)}


def row(date: str, day: int, visitors: int, returned: int) -> dict:
    return {"date": date, "day": day, "visitors": visitors, "returnVisitors": returned,
            "percentage": returned * 100 / visitors}


def test_retention_counts_local_days_across_dst(world: World) -> None:
    # p: first seen 03-08 23:30 EST, back 03-09 00:30 EST (day 1) and 03-10 00:30 EDT (day 2,
    # which a fixed -5 h offset would put on day 1); q: 03-08 and 03-10; r: 03-09 only.
    answer = world.run("retention", "retention", {**RANGE, "timezone": "America/New_York"})
    assert answer == [
        row("2025-03-08 00:00:00", 0, 2, 2), row("2025-03-08 00:00:00", 1, 2, 1),
        row("2025-03-08 00:00:00", 2, 2, 2), row("2025-03-09 00:00:00", 0, 1, 1),
    ]


def test_retention_in_utc(world: World) -> None:
    # In UTC p's first two visits share 03-09, and q is its own 03-08 cohort.
    assert world.run("retention", "retention", RANGE) == [
        row("2025-03-08T00:00:00Z", 0, 1, 1), row("2025-03-08T00:00:00Z", 2, 1, 1),
        row("2025-03-09T00:00:00Z", 0, 2, 2), row("2025-03-09T00:00:00Z", 1, 2, 1),
    ]


def test_retention_range_and_clamp_by_start(world: World) -> None:
    # Starting on 03-09 UTC drops q's first day: q's cohort becomes 03-10.
    start = {"startDate": "2025-03-09T00:00:00Z", "endDate": "2025-03-20T00:00:00.000Z"}
    assert world.run("retention", "retention", start) == [
        row("2025-03-09T00:00:00Z", 0, 2, 2), row("2025-03-09T00:00:00Z", 1, 2, 1),
        row("2025-03-10T00:00:00Z", 0, 1, 1),
    ]


def test_utm_counts_pageviews_with_a_value(world: World) -> None:
    assert world.run("utm", "utm", RANGE) == {
        "utm_source": [{"utm": "google", "views": 3}, {"utm": "newsletter", "views": 1}],
        "utm_medium": [{"utm": "cpc", "views": 3}, {"utm": "email", "views": 1}],
        "utm_campaign": [{"utm": "spring", "views": 3}],
        "utm_term": [],
        "utm_content": [],
    }
    assert list(world.run("utm", "utm", RANGE)) == [
        "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"]
    filtered = world.run("utm", "utm", RANGE, {"utmMedium": "email"})
    assert filtered["utm_source"] == [{"utm": "newsletter", "views": 1}]


def test_breakdown(world: World) -> None:
    assert world.run("breakdown", "utm", {**RANGE, "fields": ["path"]}) == [
        {"views": 5, "visitors": 3, "visits": 3, "bounces": 2, "totaltime": 120, "path": "/"}]
    assert world.run("breakdown", "utm", {**RANGE, "fields": ["utmSource", "path"]}) == [
        {"views": 3, "visitors": 1, "visits": 1, "bounces": 0, "totaltime": 120,
         "utmSource": "google", "path": "/"},
        {"views": 1, "visitors": 1, "visits": 1, "bounces": 1, "totaltime": 0,
         "utmSource": "", "path": "/"},
        {"views": 1, "visitors": 1, "visits": 1, "bounces": 1, "totaltime": 0,
         "utmSource": "newsletter", "path": "/"},
    ]
    assert world.run("breakdown", "utm", {**RANGE, "fields": ["utmMedium"]},
                     {"utmSource": "c.GOOG"}) == [
        {"views": 3, "visitors": 1, "visits": 1, "bounces": 0, "totaltime": 120,
         "utmMedium": "cpc"}]
