"""How the dashboard lays out report answers it shows in views of their own."""

from __future__ import annotations

from umami_server.web.pages.reports import journey_rows, retention_grid


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
