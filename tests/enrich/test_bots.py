"""Bot verdicts (spec §6.6)."""

from __future__ import annotations

import pytest

from umami_server.enrich.bots import is_bot


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; "
        "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.31",
        "Python/3.11 aiohttp/3.9.5",
        "Wget/1.21",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Go-http-client/1.1",
        "node-fetch/1.0",
        "some-crawler/0.1",
        "Mozilla/5.0 (compatible; StatusCheck; +https://status.example.com)",  # carries a URL
        "x" * 50,  # 50+ characters without a space
        "Mozilla/5.0(Windows;x64)AppleWebKit/537.36(KHTML,likeGecko)Chrome/124.0Safari/537.36",
    ],
)
def test_bots(user_agent: str):
    assert is_bot(user_agent)


@pytest.mark.parametrize(
    "user_agent",
    [
        None,
        "",
        "   ",
        "x" * 49,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
        "Mozilla/5.0 (Linux; Android 10; CUBOT X19) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
    ],
)
def test_people(user_agent: str | None):
    assert not is_bot(user_agent)


def test_very_long_user_agent_is_judged_without_the_cache():
    assert is_bot("Googlebot " + "y " * 1000)
    assert not is_bot("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Firefox/125.0 " + "y " * 1000)
