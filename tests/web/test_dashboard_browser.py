"""The dashboard in Chromium, end to end: create a website, track a local page with the copied
snippet, see the visit live and on the overview, filter by clicking, share it, and the limits
of a non-admin. Screenshots of the main views go to tests/web/artifacts/<store>/."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.server_process import ServerProcess
from tests.tracker.browser import Site, page_html
from tests.web.conftest import api_token, log_in, reload_until, screenshot


def _wait_for_text(page: Page, url: str, text: str, timeout: float = 10.0) -> None:
    reload_until(page, url, lambda shown: text in shown.content(), f"{text!r} appearing",
                 timeout)


@pytest.fixture(scope="module")
def tracked(browser: Browser, site: Site, dashboard_server: ServerProcess) -> dict[str, str]:
    """A website created in the UI, and visits to two pages that carry its copied snippet."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, dashboard_server)
    page.goto(f"{dashboard_server.base_url}/settings/websites")
    # The form is folded away once other tests' websites exist.
    form = page.locator("details", has=page.get_by_label("Name"))
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    page.get_by_label("Name").fill("Docs")
    page.get_by_label("Domain").fill("localhost")
    page.get_by_role("button", name="Add website").click()
    page.wait_for_url(re.compile(r".*/settings/websites/[0-9a-f-]{36}.*"))
    website_id = page.url.split("/settings/websites/")[1].split("?")[0]
    snippet = page.locator("#snippet").input_value()
    assert f'data-website-id="{website_id}"' in snippet
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy").first.click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    screenshot(page, "website-settings")

    visitor = browser.new_context()
    home = site.add("/web-home", page_html("Home", head=snippet, body="<a href='/web-about'>x</a>"))
    about = site.add("/web-about", page_html("About", head=snippet))
    for url in (home, about, home):
        tab = visitor.new_page()
        tab.goto(url)
        tab.wait_for_load_state("networkidle")
        tab.close()
    second = browser.new_context(user_agent=(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Safari/605.1.15"))
    tab = second.new_page()
    tab.goto(about)
    tab.wait_for_load_state("networkidle")
    visitor.close()
    second.close()
    context.close()
    return {"website_id": website_id}


def test_the_visit_shows_in_realtime_and_on_the_overview(
        browser: Browser, dashboard_server: ServerProcess, tracked: dict[str, str]) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, dashboard_server)
    base = f"{dashboard_server.base_url}/websites/{tracked['website_id']}"
    _wait_for_text(page, f"{base}/realtime", "/web-about")
    expect(page.locator("[data-total=views]")).not_to_have_text("0")
    screenshot(page, "realtime")

    page.goto(f"{base}?range=today")
    cards = page.locator(".stat .value")
    expect(cards.nth(2)).to_have_text("4")  # views
    expect(page.locator("svg.chart rect.views").first).to_be_attached()
    screenshot(page, "overview")

    # Click a row: the filter goes into the URL, a chip appears and the numbers follow.
    page.get_by_role("link", name="/web-about").first.click()
    page.wait_for_url(re.compile(r".*path=eq\.%2Fweb-about.*"))
    expect(page.locator(".chip")).to_contain_text("/web-about")
    expect(cards.nth(2)).to_have_text("2")
    screenshot(page, "overview-filtered")
    # The filtered URL is a bookmark: opening it again shows the same view.
    page.goto(page.url)
    expect(cards.nth(2)).to_have_text("2")
    page.get_by_role("link", name=re.compile("Remove filter")).click()
    expect(cards.nth(2)).to_have_text("4")

    for name in ("events", "sessions"):
        page.goto(f"{base}/{name}?range=today")
        expect(page.locator("table").last).to_contain_text("web-about" if name == "events"
                                                           else "chrome")
        screenshot(page, name)
    page.locator("table a[href*='/sessions/']").first.click()
    expect(page.locator(".timeline")).to_contain_text("/web-")
    screenshot(page, "session")
    context.close()


def test_csv_export_of_a_table(dashboard_server: ServerProcess,
                               tracked: dict[str, str]) -> None:
    from tests.web.conftest import logged_in_client
    client = logged_in_client(dashboard_server)
    answer = client.get(f"/websites/{tracked['website_id']}/export/path.csv?range=today")
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.text.splitlines()[0] == "path,visitors"
    assert "/web-about,2" in answer.text


def test_a_share_link_opens_logged_out(
        browser: Browser, dashboard_server: ServerProcess, tracked: dict[str, str]) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, dashboard_server)
    page.goto(f"{dashboard_server.base_url}/settings/websites/{tracked['website_id']}")
    page.get_by_role("button", name="Create share link").click()
    share_url = page.locator(".share-url").first.input_value()
    assert "/share/" in share_url
    context.close()

    anonymous = browser.new_context(viewport={"width": 1280, "height": 900})
    public = anonymous.new_page()
    public.goto(share_url)
    expect(public.locator("h1")).to_have_text("Docs")
    expect(public.locator(".stat .value").nth(2)).not_to_have_text("0")
    expect(public.get_by_role("link", name="Settings")).to_have_count(0)
    screenshot(public, "share")
    # The share gives the overview only, not the settings or other websites.
    public.goto(f"{dashboard_server.base_url}/settings/websites/{tracked['website_id']}")
    public.wait_for_url("**/login**")
    anonymous.close()


def test_a_non_admin_cannot_reach_admin_settings(
        browser: Browser, dashboard_server: ServerProcess, tracked: dict[str, str]) -> None:
    token = api_token(dashboard_server)
    httpx.post(f"{dashboard_server.base_url}/api/users",
               headers={"authorization": f"Bearer {token}"},
               json={"username": "viewer", "password": "viewer-password", "role": "user"})
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = log_in(context, dashboard_server, "viewer", "viewer-password")
    page.goto(f"{dashboard_server.base_url}/settings/websites")
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    answer = page.goto(f"{dashboard_server.base_url}/settings/users")
    assert answer is not None and answer.status == 403
    # Someone else's website is not theirs to see.
    answer = page.goto(f"{dashboard_server.base_url}/websites/{tracked['website_id']}")
    assert answer is not None and answer.status == 403
    screenshot(page, "phone-forbidden")
    context.close()


def test_phone_width_and_dark_mode(browser: Browser, dashboard_server: ServerProcess,
                                   tracked: dict[str, str]) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = log_in(context, dashboard_server)
    page.goto(f"{dashboard_server.base_url}/websites/{tracked['website_id']}?range=today")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(17, 20, 24)"
    screenshot(page, "overview-phone-dark")
    context.close()


def _reports(browser: Browser, server: ServerProcess,
             tracked: dict[str, str]) -> tuple[BrowserContext, Page, str]:
    """A logged-in desktop browser, its page, and the URL of the tracked site's reports."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, server)
    return context, page, f"{server.base_url}/websites/{tracked['website_id']}/reports"


def test_a_funnel_report(browser: Browser, dashboard_server: ServerProcess,
                         tracked: dict[str, str]) -> None:
    context, page, base = _reports(browser, dashboard_server, tracked)
    page.goto(f"{base}?range=today")
    page.get_by_role("link", name="Funnel").click()
    page.get_by_label("Steps, one a line").fill("/web-home\n/web-about")
    page.get_by_role("button", name="Run report").click()
    page.wait_for_url(re.compile(r".*run=1.*"))
    counts = page.locator(".funnel-visitors")
    expect(counts).to_have_text(["1", "1"])
    screenshot(page, "funnel")
    # Every report answers its form (here with defaults) without an error.
    for report, query in (("journey", ""), ("retention", ""), ("utm", ""),
                          ("goal", "&value=/web-about"), ("revenue", ""),
                          ("attribution", "&step=/web-about"), ("breakdown", "&fields=path"),
                          ("performance", "")):
        answer = page.goto(f"{base}/{report}?range=today&run=1{query}")
        assert answer is not None and answer.status == 200, report
        expect(page.locator(".alert")).to_have_count(0)
    context.close()


def test_a_journey_report_shows_each_journeys_steps(
        browser: Browser, dashboard_server: ServerProcess, tracked: dict[str, str]) -> None:
    context, page, base = _reports(browser, dashboard_server, tracked)
    page.goto(f"{base}/journey?range=today")
    page.get_by_label("Hits").select_option(label="Page views only")
    page.get_by_role("button", name="Run report").click()
    page.wait_for_url(re.compile(r".*run=1.*hits=1.*"))
    # The first visitor went home -> about -> home in one visit.
    journey = page.locator("tr", has=page.locator(".journey-steps")).filter(
        has_text="/web-home").first
    expect(journey.locator(".journey-steps li")).to_have_text(
        ["/web-home", "/web-about", "/web-home"])
    expect(journey.locator(".journey-visits")).to_have_text("1")
    expect(page.get_by_label("Hits")).to_have_value("1")
    expect(page.locator(".chip")).to_have_count(0)  # a report parameter, not a view filter
    screenshot(page, "journey")
    # The tracked pages send no custom events.
    page.get_by_label("Hits").select_option(label="Events only")
    page.get_by_role("button", name="Run report").click()
    page.wait_for_url(re.compile(r".*hits=2.*"))
    expect(page.get_by_label("Journeys").locator(".empty")).to_have_text("No data")
    context.close()


def test_retention_and_breakdown_views(
        browser: Browser, dashboard_server: ServerProcess, tracked: dict[str, str]) -> None:
    context, page, base = _reports(browser, dashboard_server, tracked)
    page.goto(f"{base}/retention?range=today&run=1")
    grid = page.get_by_label("Retention").locator("table")
    expect(grid.locator("thead th").first).to_have_text("First visit")
    expect(grid.locator("thead th").nth(2)).to_have_text("Day 0")
    # Everyone seen today is in today's cohort, all of it on day 0.
    expect(grid.locator("tbody tr")).to_have_count(1)
    expect(grid.locator("tbody td").nth(1)).to_have_text("100%")
    screenshot(page, "retention")
    page.goto(f"{base}/breakdown?range=today&run=1&fields=path&fields=browser")
    headers = page.locator("table thead th")
    expect(headers.nth(0)).to_have_text("path")
    expect(headers.nth(1)).to_have_text("browser")
    context.close()
