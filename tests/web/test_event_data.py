"""Custom event data in the events view: per event name, its properties with values and counts."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.server_process import CHROME_UA, ServerProcess
from tests.web.conftest import (
    api_token,
    create_website,
    csrf_of,
    log_in,
    logged_in_client,
    reload_until,
    screenshot,
)

SIGNUPS = [{"plan": "pro", "seats": 3}, {"plan": "pro", "seats": 5}, {"plan": "free", "seats": 1}]


def _send(server: ServerProcess, website_id: str, name: str | None,
          data: dict[str, object] | None = None) -> None:
    payload: dict[str, object] = {"website": website_id, "url": "/pricing",
                                  "hostname": "shop.test", "language": "en"}
    if name:
        payload |= {"name": name, "data": data or {}}
    answer = httpx.post(f"{server.base_url}/api/send", headers={"User-Agent": CHROME_UA},
                        json={"type": "event", "payload": payload})
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def shop(dashboard_server: ServerProcess) -> str:
    """A website with page views and custom events, some of them carrying data."""
    website_id = create_website(dashboard_server, "Shop", "shop.test")
    _send(dashboard_server, website_id, None)
    for data in SIGNUPS:
        _send(dashboard_server, website_id, "signup", data)
    _send(dashboard_server, website_id, "checkout", {"total": 49.5, "coupon": "MAY"})
    _send(dashboard_server, website_id, "newsletter")  # no data: not listed with properties
    return website_id


def _events_page(page: Page, url: str, text: str, timeout: float = 10.0) -> None:
    reload_until(page, url, lambda shown: text in shown.locator(".event-data").inner_text(),
                 f"{text!r} appearing in the event data", timeout)


def test_the_events_view_lists_event_properties(
        browser: Browser, dashboard_server: ServerProcess, shop: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, dashboard_server)
    url = f"{dashboard_server.base_url}/websites/{shop}/events?range=today"
    _events_page(page, url, "checkout")
    signup = page.locator(".event-data table", has=page.locator("caption", has_text="signup"))
    expect(signup).to_have_count(1)
    plan = signup.locator("tbody", has=page.locator("th", has_text="plan"))
    expect(plan.locator("td.bar")).to_have_text(["pro", "free"])
    expect(plan.locator("td.num:not(.share)")).to_have_text(["2", "1"])
    expect(plan.locator("td.share")).to_have_text(["67%", "33%"])
    seats = signup.locator("tbody", has=page.locator("th", has_text="seats"))
    expect(seats.locator("th")).to_contain_text("number")
    expect(seats.locator("td.bar")).to_have_text(["1", "3", "5"])
    checkout = page.locator(".event-data table", has=page.locator("caption",
                                                                  has_text="checkout"))
    expect(checkout).to_contain_text("MAY")
    expect(checkout.locator("td.bar")).to_have_text(["MAY", "49.5"])
    expect(page.locator(".event-data caption", has_text="newsletter")).to_have_count(0)
    screenshot(page, "events-data")

    # A filter on the event narrows the properties to that event.
    page.goto(f"{url}&event=eq.checkout")
    expect(page.locator(".event-data caption")).to_have_count(1)
    expect(page.locator(".event-data caption")).to_contain_text("checkout")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    small = log_in(phone, dashboard_server)
    small.goto(url)
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(small, "events-data-phone-dark")
    phone.close()
    context.close()


def test_an_empty_period_says_so(dashboard_server: ServerProcess, shop: str) -> None:
    client = logged_in_client(dashboard_server)
    answer = client.get(f"/websites/{shop}/events?range=custom&start=2001-01-01&end=2001-01-02")
    assert answer.status_code == 200
    assert "No custom event carried data in this period." in answer.text


def test_the_share_page_shows_the_events_view_read_only(
        browser: Browser, dashboard_server: ServerProcess, shop: str) -> None:
    client = logged_in_client(dashboard_server)
    settings = f"/settings/websites/{shop}"
    made = client.post(f"{settings}/shares", data={"csrf": csrf_of(client.get(settings).text),
                                                   "name": "Public"})
    assert made.status_code == 303
    slug = re.findall(r'/share/([A-Za-z0-9]+)"', client.get(settings).text)[0]
    # A share made through the API without parameters opens the overview only.
    bare = httpx.post(f"{dashboard_server.base_url}/api/websites/{shop}/shares",
                      headers={"authorization": f"Bearer {api_token(dashboard_server)}"},
                      json={"name": "Overview only"}).json()["slug"]

    anonymous = browser.new_context(viewport={"width": 1280, "height": 900})
    page = anonymous.new_page()
    page.goto(f"{dashboard_server.base_url}/share/{slug}?range=today")
    views = page.get_by_role("navigation", name="Shared views")
    views.get_by_role("link", name="Events").click()
    page.wait_for_url(re.compile(rf".*/share/{slug}/events\?range=today$"))
    expect(views.get_by_role("link", name="Events")).to_have_attribute("aria-current", "page")
    expect(page.locator(".event-data caption", has_text="signup")).to_have_count(1)
    expect(page.locator("table").last).to_contain_text("checkout")
    # Read-only: no session pages, no settings, no other views.
    expect(page.locator("a[href*='/sessions/']")).to_have_count(0)
    for name in ("Settings", "Sessions", "Realtime", "Reports"):
        expect(page.get_by_role("link", name=name)).to_have_count(0)
    screenshot(page, "share-events")
    # Click an event: the filter stays on the share's events view.
    page.locator(".metric a", has_text="signup").first.click()
    page.wait_for_url(re.compile(rf".*/share/{slug}/events\?.*event=eq\.signup.*"))
    expect(page.locator(".event-data caption")).to_have_count(1)
    csv = anonymous.request.get(f"{dashboard_server.base_url}/share/{slug}/events.csv"
                                "?range=today")
    assert csv.ok and "signup" in csv.text()

    page.goto(f"{dashboard_server.base_url}/share/{bare}?range=today")
    expect(page.locator(".stat .value").first).to_be_visible()
    expect(views).to_have_count(0)
    answer = page.goto(f"{dashboard_server.base_url}/share/{bare}/events?range=today")
    assert answer is not None and answer.status == 404
    anonymous.close()
