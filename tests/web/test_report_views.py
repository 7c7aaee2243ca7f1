"""How the dashboard lays out report answers and changes against the previous period."""

from __future__ import annotations

from umami_server.web.pages.analytics import change
from umami_server.web.pages.reports import (
    heading,
    journey_rows,
    ranked,
    retention_grid,
    sections,
)


def test_journeys_that_read_the_same_are_one_row():
    # The API collapses a repeated step: ["/a", "/a"] arrives as ["/a", null].
    answer = [
        {"items": ["/a", "/b", None], "count": 5},
        {"items": ["/a", None, None], "count": 4},
        {"items": ["/a", None], "count": 2},
        {"items": ["/c", None, None], "count": 1},
    ]
    assert journey_rows(answer) == [
        {"steps": ["/a"], "count": 6, "percent": 100.0},
        {"steps": ["/a", "/b"], "count": 5, "percent": 100 * 5 / 6},
        {"steps": ["/c"], "count": 1, "percent": 100 * 1 / 6},
    ]
    assert journey_rows([]) == []


def test_retention_is_a_grid_of_cohorts_by_day():
    answer = [
        {"date": "2026-11-01T00:00:00Z", "day": 0, "visitors": 4, "returnVisitors": 4,
         "percentage": 100.0},
        {"date": "2026-11-01T00:00:00Z", "day": 2, "visitors": 4, "returnVisitors": 1,
         "percentage": 25.0},
        {"date": "2026-11-02T00:00:00Z", "day": 0, "visitors": 2, "returnVisitors": 2,
         "percentage": 100.0},
        {"date": "2026-11-02T00:00:00Z", "day": 1, "visitors": 2, "returnVisitors": 1,
         "percentage": 50.0},
    ]
    assert retention_grid(answer) == {"days": [0, 1, 2], "cohorts": [
        {"date": "2026-11-01", "visitors": 4, "cells": [
            {"visitors": 4, "percentage": 100.0}, None, {"visitors": 1, "percentage": 25.0}]},
        {"date": "2026-11-02", "visitors": 2, "cells": [
            {"visitors": 2, "percentage": 100.0}, {"visitors": 1, "percentage": 50.0}, None]},
    ]}
    assert retention_grid([]) == {"days": [], "cohorts": []}


def test_answer_keys_read_as_headings():
    assert heading("utm_source") == "UTM source"
    assert heading("paidAds") == "Paid ads"
    assert heading("referrer") == "Referrer"


def test_names_with_one_number_each_are_ranked_with_bars():
    attribution = {"referrer": [{"name": "google.com", "value": 8}, {"name": "", "value": 2}],
                   "total": {"pageviews": 1234, "visitors": 10}}
    found = sections(attribution)
    assert [section["title"] for section in found] == ["Referrer", "Total"]
    assert found[1]["props"] == {"Pageviews": "1,234", "Visitors": "10"}
    assert ranked(found[0]) == {"label": "Referrer", "value_label": "Value", "rows": [
        {"name": "google.com", "value": 8, "shown": "8", "percent": 100.0},
        {"name": "(none)", "value": 2, "shown": "2", "percent": 25.0}]}
    assert ranked(found[1]) is None
    # More than one number per row stays a plain table.
    assert ranked(sections([{"name": "a", "p50": 1.5, "p75": 2.0}])[0]) is None


def test_changes_against_the_previous_period():
    assert change(120, 100) == {"text": "▲ 20%", "css": "up"}
    assert change(80, 100) == {"text": "▼ 20%", "css": "down"}
    assert change(80, 100, inverse=True) == {"text": "▼ 20%", "css": "up"}
    assert change(100, 0) == {"text": "", "css": "flat"}
    # From a nearly empty period: no seven-digit percentage.
    assert change(82_246, 1) == {"text": "▲ >999%", "css": "up"}
    assert change(1_099, 100) == {"text": "▲ 999%", "css": "up"}
