"""Web-vitals percentiles against Python's own continuous percentiles of the same values."""

from __future__ import annotations

import statistics

import pytest

from tests.reports.conftest import VITALS, T, World, d, ms

RANGE = {"startDate": ms(T - d), "endDate": ms(T + 3 * d)}
METRICS = ("lcp", "inp", "cls", "fcp", "ttfb")


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) == 1:
        return {"p50": values[0], "p75": values[0], "p95": values[0]}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": pytest.approx(cuts[49]), "p75": pytest.approx(cuts[74]),
            "p95": pytest.approx(cuts[94])}


def column(metric: str, rows: list[tuple] = VITALS) -> list[float]:
    return [row[4 + METRICS.index(metric)] for row in rows]


def test_summary_and_chart(world: World) -> None:
    answer = world.run("performance", "performance", {**RANGE, "timezone": "UTC"})
    assert answer["summary"] == {
        **{metric: percentiles(column(metric)) for metric in METRICS}, "count": len(VITALS)}
    days = [[row for row in VITALS if row[2] == day] for day in (0, 1)]
    assert answer["chart"] == [
        {"t": "2025-03-03 00:00:00", **percentiles(column("lcp", days[0]))},
        {"t": "2025-03-04 00:00:00", **percentiles(column("lcp", days[1]))},
    ]


def test_groups_of_the_chosen_metric(world: World) -> None:
    answer = world.run("performance", "performance", {**RANGE, "metric": "inp"})
    by_path = {path: [row for row in VITALS if row[3] == path] for path in ("/", "/docs")}
    expected = [{"name": path, **percentiles(column("inp", rows)), "count": len(rows)}
                for path, rows in by_path.items()]
    expected.sort(key=lambda item: -item["p75"].expected)
    assert answer["pages"] == expected
    assert [(row["name"], row["count"]) for row in answer["browsers"]] == [("ios", 4),
                                                                          ("chrome", 4)]
    mobile = [row for row in VITALS if row[0] in ("v2", "v4")]
    assert answer["devices"][0] == {"name": "mobile", **percentiles(column("inp", mobile)),
                                    "count": 4}
    assert [row["count"] for row in answer["pageTitles"]] == [8]


def test_filters_and_empty_ranges(world: World) -> None:
    answer = world.run("performance", "performance", {**RANGE, "metric": "cls"},
                       {"path": "/docs"})
    docs = [row for row in VITALS if row[3] == "/docs"]
    assert answer["summary"]["cls"] == percentiles(column("cls", docs))
    assert answer["summary"]["count"] == 3
    empty = world.run("performance", "performance", {
        "startDate": ms(T - 9 * d), "endDate": ms(T - 8 * d)})
    assert empty["summary"]["lcp"] == {"p50": 0, "p75": 0, "p95": 0}
    assert empty["chart"] == [] and empty["pages"] == [] and empty["summary"]["count"] == 0
