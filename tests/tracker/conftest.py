"""Fixtures for the tracker tests: one Chromium and one local test site for the whole run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.tracker.browser import Site, launch_chromium


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    pages = Site()
    yield pages
    pages.close()
