"""Funnel (windows, wildcards, step property filters, request filters), goal and journey."""

from __future__ import annotations

from tests.reports.conftest import T, World, d, ms

RANGE = {"startDate": ms(T - d), "endDate": ms(T + d)}
HOME, PRICING = {"type": "path", "value": "/"}, {"type": "path", "value": "/pricing"}
SIGNUP = {"type": "event", "value": "signup"}


def visitors(answer: list[dict]) -> list[int]:
    return [step["visitors"] for step in answer]


def funnel(world: World, steps: list[dict], window: float, **filters: object) -> list[dict]:
    return world.run("funnel", "funnel", {**RANGE, "window": window, "steps": steps}, filters)


def test_funnel_steps_within_the_window(world: World) -> None:
    # s1 goes / -> /pricing (5 min) -> signup (5 min); s2 reaches /pricing two hours later;
    # s3 never sees /; s4 sees /pricing before /; s5 only /.
    assert funnel(world, [HOME, PRICING, SIGNUP], 60) == [
        {"type": "path", "value": "/", "visitors": 4, "previous": 0, "dropped": 0,
         "dropoff": None, "remaining": 1.0},
        {"type": "path", "value": "/pricing", "visitors": 1, "previous": 4, "dropped": 3,
         "dropoff": 0.75, "remaining": 0.25},
        {"type": "event", "value": "signup", "visitors": 1, "previous": 1, "dropped": 0,
         "dropoff": 0.0, "remaining": 0.25},
    ]


def test_funnel_window_is_in_minutes_and_inclusive(world: World) -> None:
    assert visitors(funnel(world, [HOME, PRICING, SIGNUP], 3)) == [4, 0, 0]
    assert visitors(funnel(world, [HOME, PRICING, SIGNUP], 5)) == [4, 1, 1]
    # Two hours and a minute bring s2 in (its signup follows /pricing within a minute).
    assert visitors(funnel(world, [HOME, PRICING, SIGNUP], 121)) == [4, 2, 2]
    answer = funnel(world, [HOME, PRICING, SIGNUP], 3)
    assert answer[1]["dropoff"] == 1.0 and answer[2]["dropoff"] is None
    assert answer[2]["remaining"] == 0.0


def test_funnel_wildcards(world: World) -> None:
    # "/*" matches every path, /pricing included: a row may satisfy both steps itself.
    assert visitors(funnel(world, [{"type": "path", "value": "/*"}, PRICING], 60)) == [5, 4]
    assert visitors(funnel(world, [{"type": "path", "value": "*/a"}, PRICING], 60)) == [1, 1]
    assert visitors(funnel(world, [HOME, {"type": "event", "value": "sign*"}], 60)) == [4, 1]
    # Only a leading or trailing star is a wildcard; LIKE characters are literal.
    assert visitors(funnel(world, [{"type": "path", "value": "/pric_ng"}, SIGNUP], 60)) == [0, 0]


def test_funnel_step_property_filters(world: World) -> None:
    def signup(operator: str, value: str) -> dict:
        return {**SIGNUP, "filters": [{"property": "plan", "operator": operator, "value": value}]}

    assert visitors(funnel(world, [PRICING, signup("eq", "pro")], 120)) == [4, 2]
    assert visitors(funnel(world, [PRICING, signup("neq", "pro")], 120)) == [4, 1]
    assert visitors(funnel(world, [PRICING, signup("c", "fre")], 120)) == [4, 1]
    assert visitors(funnel(world, [PRICING, signup("dnc", "r")], 120)) == [4, 0]
    answer = funnel(world, [PRICING, signup("eq", "pro")], 120)
    assert answer[1]["filters"] == [{"property": "plan", "operator": "eq", "value": "pro"}]


def test_funnel_request_filters_apply_to_every_step(world: World) -> None:
    assert visitors(funnel(world, [HOME, PRICING], 60, browser="firefox")) == [1, 0]
    assert visitors(funnel(world, [HOME, PRICING], 60, path="neq./blog/a")) == [4, 1]


def test_goal(world: World) -> None:
    run = lambda **p: world.run("goal", "funnel", {**RANGE, **p})  # noqa: E731
    assert run(type="path", value="/pricing") == {"num": 4, "total": 5}
    assert run(type="event", value="*up") == {"num": 3, "total": 5}
    # A path goal counts pageviews only: no custom event is named "/pricing".
    assert run(type="event", value="/pricing") == {"num": 0, "total": 5}
    assert world.run("goal", "funnel", {**RANGE, "type": "path", "value": "/"},
                     {"browser": "firefox"}) == {"num": 1, "total": 1}


def journey(world: World, **parameters: object) -> list[dict]:
    return world.run("journey", "journey", {**RANGE, **parameters})


def test_journey_collapses_repeats_and_pads_to_seven_slots(world: World) -> None:
    # Visits: a: / / /pricing signup; b and c: / /pricing; a (two hours later): /docs.
    assert journey(world, steps=3) == [
        {"items": ["/", "/pricing", None, None], "count": 2},
        {"items": ["/", "/pricing", None], "count": 1},
        {"items": ["/docs", None, None], "count": 1},
    ]
    assert journey(world, steps=7)[1] == {
        "items": ["/", "/pricing", "signup", None], "count": 1}


def test_journey_start_and_end_steps(world: World) -> None:
    assert journey(world, steps=3, startStep="/docs") == [
        {"items": ["/docs", None, None], "count": 1}]
    assert journey(world, steps=3, endStep="/pricing") == [
        {"items": ["/", "/pricing", None, None], "count": 2},
        {"items": ["/", "/pricing", None], "count": 1},
    ]
    assert journey(world, steps=4, endStep="signup") == [
        {"items": ["/", "/pricing", "signup", None], "count": 1}]
    assert journey(world, steps=3, startStep="/", endStep="/docs") == []


def test_journey_orders_rows_of_the_same_instant_as_stored(world: World) -> None:
    answer = world.run("journey", "journey-ties", {**RANGE, "steps": 4})
    assert answer == [
        {"items": ["/a", "/b", None, None], "count": 1},
        {"items": ["/b", "/a", "/c", "/a", None], "count": 1},
    ]
    assert world.run("journey", "journey-ties", {**RANGE, "steps": 2}) == [
        {"items": ["/a", "/b", None], "count": 1},
        {"items": ["/b", "/a", None], "count": 1},
    ]


def test_journey_event_type(world: World) -> None:
    assert journey(world, steps=2, eventType=1) == [
        {"items": ["/", "/pricing", None], "count": 2},
        {"items": ["/", None], "count": 1},
        {"items": ["/docs", None, None], "count": 1},
    ]
