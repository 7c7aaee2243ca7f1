"""Settings forms beyond the basics: editing pixels and links, transferring a website."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Browser, expect

from tests.server_process import ServerProcess
from tests.web.conftest import api_token, csrf_of, log_in, logged_in_client, screenshot


def test_edit_a_link_in_the_browser(browser: Browser,
                                    dashboard_server: ServerProcess) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, dashboard_server)
    page.goto(f"{dashboard_server.base_url}/settings/links")
    page.get_by_label("Name").fill("Newsletter")
    page.get_by_label("Destination URL").fill("https://example.com/old")
    page.get_by_label("Slug (optional").fill("newsletter-old")
    page.get_by_role("button", name="Create link").click()
    expect(page.locator(".notice")).to_have_text("Link created.")

    page.get_by_role("link", name="Edit Newsletter").click()
    page.wait_for_url(re.compile(r".*/settings/links/[0-9a-f-]{36}$"))
    expect(page.get_by_label("Slug")).to_have_value("newsletter-old")
    page.get_by_label("Name").fill("Newsletter May")
    page.get_by_label("Destination URL").fill("https://example.com/may")
    page.get_by_label("Slug").fill("newsletter-may")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".notice")).to_have_text("Saved.")
    expect(page.locator("h1")).to_contain_text("Newsletter May")
    expect(page.locator("#tracked-url")).to_have_value(re.compile(r".*/q/newsletter-may$"))
    screenshot(page, "link-edit")

    # The short URL follows the new slug and points at the new destination.
    with httpx.Client(base_url=dashboard_server.base_url) as client:
        moved = client.get("/q/newsletter-may")
        assert moved.status_code in (301, 302, 307, 308)
        assert moved.headers["location"] == "https://example.com/may"
        assert client.get("/q/newsletter-old").status_code == 404

    # A phone in dark mode can use the form without scrolling sideways.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    small = log_in(phone, dashboard_server)
    small.goto(page.url)
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(small, "link-edit-phone-dark")
    phone.close()
    context.close()


def test_edit_a_pixel_and_the_errors_it_can_meet(dashboard_server: ServerProcess) -> None:
    client = logged_in_client(dashboard_server)
    token = csrf_of(client.get("/settings/pixels").text)
    for slug in ("pixel-one-slug", "pixel-two-slug"):
        made = client.post("/settings/pixels", data={"csrf": token, "name": slug, "slug": slug})
        assert made.status_code == 303
    listing = client.get("/settings/pixels").text
    found = re.search(r'href="/settings/pixels/([0-9a-f-]{36})" aria-label="Edit pixel-one-slug"',
                      listing)
    assert found, "no edit link for the pixel"
    pixel_url = f"/settings/pixels/{found.group(1)}"
    form = client.get(pixel_url)
    assert form.status_code == 200 and 'value="pixel-one-slug"' in form.text
    assert "Destination URL" not in form.text

    # No CSRF token: refused, nothing changed.
    assert client.post(pixel_url, data={"name": "Evil"}).status_code == 403
    # A slug that is taken: back to the form with the API's message.
    taken = client.post(pixel_url, data={"csrf": token, "name": "One",
                                         "slug": "pixel-two-slug"})
    assert taken.status_code == 303 and "error=" in taken.headers["location"]
    assert "already taken" in client.get(taken.headers["location"]).text
    # A fine one is saved and the hit URL follows.
    saved = client.post(pixel_url, data={"csrf": token, "name": "Opened mail",
                                         "slug": "opened-mail-1"})
    assert saved.headers["location"].startswith(pixel_url)
    page = client.get(pixel_url).text
    assert "Opened mail" in page and "/p/opened-mail-1" in page
    assert "Evil" not in page


def test_transfer_a_website_to_a_team_and_back(browser: Browser,
                                               dashboard_server: ServerProcess) -> None:
    token = api_token(dashboard_server)
    made = httpx.post(f"{dashboard_server.base_url}/api/users",
                      headers={"authorization": f"Bearer {token}"},
                      json={"username": "mover", "password": "mover-password", "role": "user"})
    assert made.status_code == 200, made.text
    client = logged_in_client(dashboard_server, "mover", "mover-password")
    csrf = csrf_of(client.get("/settings/teams").text)
    assert client.post("/settings/teams", data={"csrf": csrf, "name": "Movers"}
                       ).status_code == 303
    created = client.post("/settings/websites", data={"csrf": csrf, "name": "Moving site",
                                                      "domain": "moving.example"})
    settings_url = created.headers["location"].split("?")[0]

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, dashboard_server, "mover", "mover-password")
    page.goto(f"{dashboard_server.base_url}{settings_url}")
    expect(page.locator("#owner")).to_have_text("Owned by you.")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_label("Transfer to").select_option(label="Team Movers")
    page.get_by_role("button", name="Transfer").click()
    expect(page.locator(".notice")).to_have_text("The website now belongs to the team.")
    expect(page.locator("#owner")).to_contain_text("Owned by the team Movers")
    screenshot(page, "website-transfer")
    # A team owner may take it back.
    page.get_by_label("Transfer to").select_option(label="Me (mover)")
    page.get_by_role("button", name="Transfer").click()
    expect(page.locator(".notice")).to_have_text("The website is now yours.")
    expect(page.locator("#owner")).to_have_text("Owned by you.")
    context.close()

    # No CSRF token: refused. The API's checks hold for a forged target too.
    website_id = settings_url.rsplit("/", 1)[1]
    transfer = f"/settings/websites/{website_id}/transfer"
    assert client.post(transfer, data={"target": "me"}).status_code == 403
    forged = client.post(transfer, data={"csrf": csrf, "target": f"team:{website_id}"})
    assert forged.status_code == 403
    # Administrators get no transfer form for someone else's website (no admin bypass).
    admin_page = logged_in_client(dashboard_server).get(settings_url).text
    assert "Owned by another user." in admin_page and 'name="target"' not in admin_page
