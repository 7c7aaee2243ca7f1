"""How the dashboard lays out report answers it shows in views of their own."""

from __future__ import annotations

from umami_server.web.pages.reports import journey_rows


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
