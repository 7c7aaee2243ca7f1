"""A website's resetAt moves every report's start forward, except the journey's (api-analytics.md
§1.2, §4). The website is created and reset through the REST API; events are then sent on both
sides of its resetAt (timestamps may lie in the future), in whole clock hours around it so that
visits (a clock hour of a session) do not depend on when the test runs."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.reports.conftest import GB_IP, Send, World, body, d, h, m, ms

HOST = "reset.example.com"


@dataclass
class ResetSite:
    id: str
    reset_at: datetime
    hour: datetime  # resetAt's clock hour: every row before it is before resetAt

    def run(self, world: World, report: str, parameters: dict[str, Any]) -> Any:
        return world.admin.ok("POST", f"/api/reports/{report}", {
            "websiteId": self.id, "type": report, "filters": {}, "parameters": parameters})


def sends(hour: datetime) -> list[Send]:
    before, after = hour - 2 * h, hour + h
    return [
        # o1: a whole visit two hours before the reset.
        Send("o1", before, "/?utm_source=old"), Send("o1", before + m, "/pricing"),
        Send("o1", before + 2 * m, "/pricing", name="signup"),
        # x: / an hour before the reset, /pricing an hour after it.
        Send("x", hour - h, "/"),
        # Everything from here on is after resetAt; sent last (see _wait_until_stored).
        Send("x", after + 10 * m, "/pricing"),
        Send("n1", after, "/?utm_source=google"), Send("n1", after + m, "/pricing"),
        Send("n1", after + 2 * m, "/pricing", name="signup"),
    ]


AFTER_RESET = 4  # the last four sends


def _wait_until_stored(world: World, site: str, since: datetime) -> None:
    # The events endpoint is clamped too, so it sees the four rows after resetAt. The copier
    # moves the log into the event store in order, so once the last rows are visible, the
    # earlier ones are as well.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        answer = world.admin.ok("GET", f"/api/websites/{site}/events", params={
            "startAt": ms(since - 2 * d), "endAt": ms(since + 2 * d), "pageSize": 1})
        if answer["count"] >= AFTER_RESET:
            assert answer["count"] == AFTER_RESET
            return
        time.sleep(0.1)
    raise AssertionError(f"only {answer['count']} of {AFTER_RESET} events after the reset")


@pytest.fixture(scope="module")
def reset_site(world: World) -> ResetSite:
    site = world.admin.ok("POST", "/api/websites", {"name": "Reset", "domain": HOST})["id"]
    assert world.admin.ok("POST", f"/api/websites/{site}/reset") == {"ok": True}
    reset_at = datetime.fromisoformat(world.admin.ok("GET", f"/api/websites/{site}")["resetAt"])
    hour = reset_at.replace(minute=0, second=0, microsecond=0)
    with httpx.Client(base_url=world.server.base_url, timeout=10) as client:
        for send in sends(hour):
            answer = client.post("/api/send", json=body(site, HOST, send),
                                 headers={"User-Agent": send.user_agent,
                                          "X-Forwarded-For": GB_IP})
            assert answer.status_code == 200, answer.text
    _wait_until_stored(world, site, reset_at)
    return ResetSite(site, reset_at, hour)


def around(site: ResetSite, start: timedelta = -d, end: timedelta = d) -> dict[str, Any]:
    return {"startDate": ms(site.hour + start), "endDate": ms(site.hour + end)}


STEPS = [{"type": "path", "value": "/"}, {"type": "path", "value": "/pricing"},
         {"type": "event", "value": "signup"}]


def funnel(world: World, site: ResetSite, **window: timedelta) -> list[int]:
    answer = site.run(world, "funnel", {**around(site, **window), "window": 180, "steps": STEPS})
    return [step["visitors"] for step in answer]


def test_funnel_starts_at_the_reset(world: World, reset_site: ResetSite) -> None:
    # Unclamped, o1 and x would complete / -> /pricing (x: 2 h 10 min apart) and o1 sign up:
    # [3, 3, 2]. From resetAt on, only n1 sees /.
    assert funnel(world, reset_site) == [1, 1, 1]
    # A later start still counts from itself: n1's / (an hour after the reset) is then out.
    assert funnel(world, reset_site, start=h + m) == [0, 0, 0]
    # A range that ends before resetAt is empty, not an error.
    assert funnel(world, reset_site, end=-30 * m) == [0, 0, 0]


def test_goal_starts_at_the_reset(world: World, reset_site: ResetSite) -> None:
    def goal(value: str, **window: timedelta) -> dict[str, int]:
        return reset_site.run(world, "goal", {**around(reset_site, **window),
                                              "type": "event", "value": value})

    # After resetAt: n1 signs up; x (only its /pricing) and n1 have rows. Unclamped: 2 of 3.
    assert goal("signup") == {"num": 1, "total": 2}
    # From five minutes past the next hour: n1's signup (2 min past) is out, x's /pricing in.
    assert goal("signup", start=h + 5 * m) == {"num": 0, "total": 1}
    assert goal("signup", end=-30 * m) == {"num": 0, "total": 0}


def test_utm_breakdown_retention_attribution_start_at_the_reset(
        world: World, reset_site: ResetSite) -> None:
    window = around(reset_site)
    # o1's utm_source=old pageview precedes the reset.
    assert reset_site.run(world, "utm", window) == {
        "utm_source": [{"utm": "google", "views": 1}], "utm_medium": [], "utm_campaign": [],
        "utm_term": [], "utm_content": []}
    # Pageviews after resetAt: x's /pricing and n1's / and /pricing (one visit each).
    assert reset_site.run(world, "breakdown", {**window, "fields": ["path"]}) == [
        {"views": 2, "visitors": 2, "visits": 2, "bounces": 2, "totaltime": 0,
         "path": "/pricing"},
        {"views": 1, "visitors": 1, "visits": 1, "bounces": 1, "totaltime": 0, "path": "/"},
    ]
    # x and n1 are first seen (and only active) on the day of the hour after the reset.
    day = (reset_site.hour + h).strftime("%Y-%m-%dT00:00:00Z")
    assert reset_site.run(world, "retention", window) == [
        {"date": day, "day": 0, "visitors": 2, "returnVisitors": 2, "percentage": 100.0}]
    # First touch within the clamped range: x's own /pricing row and n1's google landing.
    answer = reset_site.run(world, "attribution", {
        **window, "model": "first-click", "type": "path", "step": "/pricing"})
    assert answer["utm_source"] == [{"name": "google", "value": 1}]
    assert answer["total"] == {"pageviews": 2, "visitors": 2, "visits": 2}


def test_journey_is_not_clamped(world: World, reset_site: ResetSite) -> None:
    # Every visit counts, those before resetAt included: o1's, x's first, x's second, n1's.
    assert reset_site.run(world, "journey", {**around(reset_site), "steps": 3}) == [
        {"items": ["/", "/pricing", "signup", None], "count": 2},
        {"items": ["/", None, None], "count": 1},
        {"items": ["/pricing", None, None], "count": 1},
    ]
    # And a range wholly before the reset still has its visits (ties: steps ascending, a
    # missing step last).
    assert reset_site.run(world, "journey", {**around(reset_site, end=-30 * m), "steps": 3}) == [
        {"items": ["/", "/pricing", "signup", None], "count": 1},
        {"items": ["/", None, None], "count": 1},
    ]
