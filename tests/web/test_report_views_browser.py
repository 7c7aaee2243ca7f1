"""The dashboard's revenue and performance reports, from purchases and web vitals sent
through /api/send: summary cards, a chart, and tables by source or page."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Browser, expect

from tests.server_process import CHROME_UA, ServerProcess
from tests.web.conftest import create_website, log_in, reload_until, screenshot

PURCHASES = [(19.99, "USD"), (30.01, "USD"), (12.0, "EUR")]
# (path, lcp, inp, cls, fcp, ttfb)
VITALS = [("/fast", 1200.0, 90.0, 0.02, 800.0, 300.0),
          ("/slow", 5200.0, 650.0, 0.31, 3500.0, 2300.0)]


def _send(server: ServerProcess, payload: dict[str, object], kind: str = "event") -> None:
    answer = httpx.post(f"{server.base_url}/api/send", headers={"User-Agent": CHROME_UA},
                        json={"type": kind, "payload": payload})
    assert answer.status_code == 200, answer.text


def test_the_revenue_report_shows_cards_chart_and_sources(
        browser: Browser, dashboard_server: ServerProcess) -> None:
    website_id = create_website(dashboard_server, "Store", "store.test")
    for amount, currency in PURCHASES:
        _send(dashboard_server, {"website": website_id, "url": "/checkout",
                                 "hostname": "store.test", "name": "purchase",
                                 "data": {"revenue": amount, "currency": currency}})
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, dashboard_server)
    url = (f"{dashboard_server.base_url}/websites/{website_id}/reports/revenue"
           f"?range=today&run=1&currency=USD")
    reload_until(page, url, lambda shown: "50.00" in shown.content(), "the USD revenue")
    cards = page.get_by_label("Revenue summary").locator(".stat")
    expect(cards.locator(".label")).to_have_text(
        ["Revenue", "Orders", "Customers", "Average order", "Revenue per visitor"])
    expect(cards.locator(".value")).to_have_text(["50.00", "2", "1", "25.00", "50.00"])
    chart = page.get_by_label("Revenue chart").locator("svg rect")
    expect(chart).to_have_count(1)  # one day with revenue
    channels = page.get_by_label("Channels").locator("tbody tr")
    expect(channels).to_have_count(1)
    expect(channels.first).to_contain_text("direct")
    expect(channels.first).to_contain_text("50.00")
    screenshot(page, "revenue")
    context.close()


def test_the_performance_report_rates_each_vital(
        browser: Browser, dashboard_server: ServerProcess) -> None:
    website_id = create_website(dashboard_server, "Vitals", "vitals.test")
    for path, lcp, inp, cls, fcp, ttfb in VITALS:
        _send(dashboard_server, {"website": website_id, "url": path, "hostname": "vitals.test",
                                 "lcp": lcp, "inp": inp, "cls": cls, "fcp": fcp, "ttfb": ttfb},
              kind="performance")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, dashboard_server)
    url = (f"{dashboard_server.base_url}/websites/{website_id}/reports/performance"
           f"?range=today&run=1&metric=lcp")
    reload_until(page, url, lambda shown: "/slow" in shown.content(), "the measured pages")
    cards = page.get_by_label("Web vitals", exact=True).locator(".stat")
    # p75 of two measurements, interpolated: a + 0.75 (b - a).
    expect(cards.locator(".value")).to_have_text(
        ["4.2 s", "510 ms", "0.24", "2.8 s", "1.8 s"])
    expect(cards.locator(".rating")).to_have_text(
        ["Poor", "Poor", "Needs improvement", "Needs improvement", "Needs improvement"])
    pages = page.get_by_label("Pages").locator("tbody tr")
    expect(pages).to_have_text([re.compile(r"/slow\s*5\.2 s"), re.compile(r"/fast\s*1\.2 s")])
    expect(pages.locator(".rating")).to_have_class([re.compile("poor"), re.compile("good")])
    screenshot(page, "performance")
    context.close()
