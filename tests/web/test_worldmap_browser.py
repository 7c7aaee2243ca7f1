"""The world map in the overview's countries panel, in Chromium, from real hits: visitors
sent through /api/send with Cloudflare's country header from public addresses."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.server_process import CHROME_UA, ServerProcess
from tests.web.conftest import create_website, log_in, reload_until, screenshot

# (country header, visitors); each visitor gets its own documentation-range address, so its
# own session. The server locates a hit by `cf-ipcountry` unless the address is local.
VISITORS = (("DE", 3), ("US", 2), ("JP", 1), ("BR", 1), ("XX", 1))


def _send(server: ServerProcess, website_id: str, country: str, address: str) -> None:
    answer = httpx.post(
        f"{server.base_url}/api/send",
        headers={"User-Agent": CHROME_UA, "x-forwarded-for": address, "cf-ipcountry": country},
        json={"type": "event", "payload": {"website": website_id, "url": "/atlas",
                                           "hostname": "atlas.test", "language": "en"}})
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def atlas(dashboard_server: ServerProcess) -> str:
    website_id = create_website(dashboard_server, "Atlas", "atlas.test")
    host = 10
    for country, count in VISITORS:
        for _ in range(count):
            _send(dashboard_server, website_id, country, f"203.0.113.{host}")
            host += 1
    return website_id


def _overview_with_map(page: Page, url: str, dots: int, timeout: float = 10.0) -> None:
    """Open the overview until the copier has made every hit queryable."""
    reload_until(page, url, lambda shown: shown.locator("svg.worldmap a").count() == dots,
                 f"the map showing {dots} countries", timeout)


def test_the_map_shows_countries_and_filters_by_click(
        browser: Browser, dashboard_server: ServerProcess, atlas: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, dashboard_server)
    _overview_with_map(page, f"{dashboard_server.base_url}/websites/{atlas}?range=today", 4)
    visitors = page.locator(".stat .value").first
    expect(visitors).to_have_text("8")

    # Each dot is a link named by its title, which is also the hover tooltip.
    germany = page.get_by_role("link", name="Germany: 3 visitors")
    expect(germany).to_have_count(1)
    expect(germany.locator("title")).to_have_text("Germany: 3 visitors")
    expect(page.get_by_role("link", name="Japan: 1 visitor")).to_have_count(1)
    expect(page.get_by_role("link", name="United States: 2 visitors")).to_have_count(1)
    # Cloudflare's "unknown" is no place: it is in the table, not on the map.
    expect(page.locator("svg.worldmap title", has_text="XX")).to_have_count(0)
    dot = germany.locator("circle")
    # The busiest country gets the biggest, fullest dot.
    assert dot.get_attribute("class") == "l5"
    assert page.get_by_role("link", name="Japan: 1 visitor").locator("circle") \
        .get_attribute("class") in {"l1", "l2", "l3"}
    germany.hover()
    stroke = dot.evaluate("element => getComputedStyle(element).stroke")
    assert stroke == "rgb(245, 158, 11)"  # --focus: the hovered dot is outlined
    screenshot(page, "overview-map")

    # The map's link is the countries table's link, so clicking it filters the same way.
    table_link = page.locator("table.metric a", has_text=re.compile(r"^DE$"))
    expect(table_link).to_have_count(1)
    expected = table_link.evaluate("element => element.href")
    germany.click()
    page.wait_for_url(re.compile(r".*country=eq\.DE.*"))
    assert page.url == expected
    expect(page.locator(".chip")).to_contain_text("DE")
    expect(visitors).to_have_text("3")
    expect(page.locator("svg.worldmap a")).to_have_count(1)
    screenshot(page, "overview-map-filtered")
    context.close()


def test_the_map_needs_no_script_and_follows_dark_mode(
        browser: Browser, dashboard_server: ServerProcess, atlas: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark",
                                  java_script_enabled=False)
    page = log_in(context, dashboard_server)
    _overview_with_map(page, f"{dashboard_server.base_url}/websites/{atlas}?range=today", 4)
    land = page.locator("svg.worldmap .land")
    fill = land.evaluate("element => getComputedStyle(element).fill")
    panel = page.locator(".panel").first.evaluate(
        "element => getComputedStyle(element).backgroundColor")
    assert fill != "rgb(0, 0, 0)" and fill != panel, (fill, panel)
    dot_fill = page.locator("svg.worldmap circle").first.evaluate(
        "element => getComputedStyle(element).fill")
    assert dot_fill == "rgb(91, 141, 239)"  # the dark theme's --accent
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the map makes the page scroll sideways ({width}px)"
    page.locator("svg.worldmap").scroll_into_view_if_needed()
    screenshot(page, "overview-map-phone-dark")
    page.get_by_role("link", name="United States: 2 visitors").click()
    page.wait_for_url(re.compile(r".*country=eq\.US.*"))
    expect(page.locator(".stat .value").first).to_have_text("2")
    context.close()
