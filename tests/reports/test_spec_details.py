"""Report rules of api-analytics.md §4 that the per-report test modules did not pin down: the
body (dates only from `parameters`, unlisted parameters dropped), numeric step properties and
the end of the range in funnels, goal types, retention's 31 days with activity unfiltered, and
the attribution touch row (self-referrals, strictly before the conversion)."""

from __future__ import annotations

from typing import Any

from tests.reports.conftest import T, World, d, m, ms
from tests.reports.test_retention_utm_breakdown import row
from tests.reports.test_revenue_attribution import EMPTY_UTM

RANGE = {"startDate": ms(T - d), "endDate": ms(T + d)}
HOME, PRICING = {"type": "path", "value": "/"}, {"type": "path", "value": "/pricing"}
SIGNUP = {"type": "event", "value": "signup"}


def visitors(world: World, steps: list[dict], window: float = 120, **parameters: Any) -> list[int]:
    answer = world.run("funnel", "funnel", {**RANGE, "window": window, "steps": steps,
                                            **parameters})
    return [step["visitors"] for step in answer]


def test_dates_come_only_from_parameters(world: World) -> None:
    # Date keys in `filters` are not filters: the answer is that of the whole range.
    goal = {**RANGE, "type": "path", "value": "/"}
    assert world.run("goal", "funnel", goal, {
        "startAt": ms(T + 5 * d), "endAt": ms(T + 6 * d), "startDate": "2030-01-01",
        "endDate": "2030-01-02"}) == {"num": 4, "total": 5}


def test_parameters_a_report_does_not_list_are_dropped(world: World) -> None:
    # The UI sends unit and timezone with every report; funnel, goal and utm take neither, so
    # not even invalid values matter there (retention, revenue and performance do check them).
    extra = {"unit": "week", "timezone": "Mars/Olympus_Mons", "compare": "never"}
    assert visitors(world, [HOME, PRICING], 60, **extra) == [4, 1]
    assert world.run("goal", "funnel", {**RANGE, **extra, "type": "path", "value": "/"}) == {
        "num": 4, "total": 5}
    assert world.run("utm", "utm", {**RANGE, **extra})["utm_source"] == [
        {"utm": "google", "views": 3}, {"utm": "newsletter", "views": 1}]
    # attribution's `currency` is accepted and unused.
    attribution = {**RANGE, "model": "first-click", "type": "path", "step": "/thanks"}
    assert world.run("attribution", "attribution", {**attribution, "currency": "EUR"}) == \
        world.run("attribution", "attribution", attribution)


def test_funnel_numeric_step_properties(world: World) -> None:
    def signup(operator: str, value: str) -> dict:
        return {**SIGNUP, "filters": [{"property": "qty", "operator": operator, "value": value}]}

    # Numbers are kept with four decimals and read without a literal ".0000": s1's qty 2 is
    # "2", s2's qty 2.5 is "2.5000". s3's signup has no qty, so it never passes (not even neq).
    assert visitors(world, [PRICING, signup("eq", "2")]) == [4, 1]
    assert visitors(world, [PRICING, signup("eq", "2.0000")]) == [4, 0]
    assert visitors(world, [PRICING, signup("eq", "2.5000")]) == [4, 1]
    assert visitors(world, [PRICING, signup("eq", "2.5")]) == [4, 0]
    assert visitors(world, [PRICING, signup("neq", "2")]) == [4, 1]
    assert visitors(world, [PRICING, signup("c", "2")]) == [4, 2]


def test_funnel_later_steps_end_with_the_range(world: World) -> None:
    # s1 signs up 10 minutes in, within the 60-minute window but after the range's end.
    assert visitors(world, [HOME, PRICING, SIGNUP], 60) == [4, 1, 1]
    assert visitors(world, [HOME, PRICING, SIGNUP], 60, endDate=ms(T + 7 * m)) == [4, 1, 0]


def test_goal_types_other_than_path_match_events(world: World) -> None:
    for goal_type in ("event", "custom", "anything"):
        assert world.run("goal", "funnel", {**RANGE, "type": goal_type, "value": "signup"}) == {
            "num": 3, "total": 5}, goal_type


DAYS = {"startDate": ms(T - d), "endDate": ms(T + 40 * d)}
DAY0, DAY1 = "2025-03-03T00:00:00Z", "2025-03-04T00:00:00Z"


def test_retention_counts_days_0_to_31(world: World) -> None:
    # f comes back on days 1, 2, 31 and 32 (past the last counted day); g on day 1.
    assert world.run("retention", "retention-days", DAYS) == [
        row(DAY0, 0, 2, 2), row(DAY0, 1, 2, 2), row(DAY0, 2, 2, 1), row(DAY0, 31, 2, 1)]


def test_retention_filters_choose_the_cohort_not_the_activity(world: World) -> None:
    # With path=/pricing, f's cohort is day 0 and g's day 1 (its first /pricing); their later
    # activity on other pages still counts, g's day-0 / (before its cohort) does not.
    assert world.run("retention", "retention-days", DAYS, {"path": "/pricing"}) == [
        row(DAY0, 0, 1, 1), row(DAY0, 1, 1, 1), row(DAY0, 2, 1, 1), row(DAY0, 31, 1, 1),
        row(DAY1, 0, 1, 1)]


TOUCH = {**RANGE, "type": "path", "step": "/thanks"}


def test_first_click_touch_may_be_the_conversion(world: World) -> None:
    # c1's first row came from the site itself (not a referrer); c2's first row is its
    # conversion, referred by DuckDuckGo.
    assert world.run("attribution", "touch", {**TOUCH, "model": "first-click"}) == {
        "referrer": [{"name": "duckduckgo.com", "value": 1}], "paidAds": [],
        "utm_source": [{"name": "ddg", "value": 1}], **EMPTY_UTM,
        "total": {"pageviews": 2, "visitors": 2, "visits": 2},
    }


def test_last_click_touch_is_strictly_before_the_conversion(world: World) -> None:
    # c1's touch is its self-referred landing; c2 has no row before its conversion and drops
    # out of the lists (its own DuckDuckGo row is not a touch), not out of the totals.
    assert world.run("attribution", "touch", {**TOUCH, "model": "last-click"}) == {
        "referrer": [], "paidAds": [], "utm_source": [], **EMPTY_UTM,
        "total": {"pageviews": 2, "visitors": 2, "visits": 2},
    }


def test_revenue_currency_is_compared_upper_case(world: World) -> None:
    # Stored currencies are upper-cased before the comparison; the parameter is not.
    dollars = {"startDate": "2025-03-03T00:00:00.000Z", "endDate": "2025-03-04T23:59:59.999Z"}
    assert world.run("revenue", "revenue", {**dollars, "currency": "USD"})["total"]["sum"] == 35.5
    assert world.run("revenue", "revenue", {**dollars, "currency": "usd"})["total"]["sum"] == 0
