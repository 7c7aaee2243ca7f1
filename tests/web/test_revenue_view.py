"""The dashboard's revenue report: summary cards, a chart and tables of where revenue came
from, from purchases sent through /api/send."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, expect

from tests.server_process import CHROME_UA, ServerProcess
from tests.web.conftest import create_website, log_in, reload_until, screenshot

PURCHASES = [(19.99, "USD"), (30.01, "USD"), (12.0, "EUR")]


def test_the_revenue_report_shows_cards_chart_and_sources(
        browser: Browser, dashboard_server: ServerProcess) -> None:
    website_id = create_website(dashboard_server, "Store", "store.test")
    for amount, currency in PURCHASES:
        answer = httpx.post(
            f"{dashboard_server.base_url}/api/send", headers={"User-Agent": CHROME_UA},
            json={"type": "event", "payload": {
                "website": website_id, "url": "/checkout", "hostname": "store.test",
                "name": "purchase", "data": {"revenue": amount, "currency": currency}}})
        assert answer.status_code == 200, answer.text
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
