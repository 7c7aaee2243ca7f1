"""Bot verdicts (spec §6.6)."""

from __future__ import annotations

import time

import pytest

from umami_server.enrich.bots import MAX_USER_AGENT_LENGTH, is_bot

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"


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


def test_an_agent_up_to_the_cap_is_judged_on_its_tokens():
    padding = " y" * ((MAX_USER_AGENT_LENGTH - len(FIREFOX)) // 2)
    assert len(FIREFOX + padding) <= MAX_USER_AGENT_LENGTH
    assert not is_bot(FIREFOX + padding)
    assert is_bot("Googlebot" + padding)


def test_an_agent_longer_than_any_browser_sends_is_a_bot():
    padding = " y" * MAX_USER_AGENT_LENGTH
    assert is_bot(FIREFOX + padding)


# Shapes that made the crawler table backtrack: a long token of the characters that
# `[a-z0-9\-_]*(bot|crawl|...)` repeats over, after a space (one token alone is a bot at once).
PATHOLOGICAL_SHAPES = ["x", "A1", "Chrom", "1", "a/", "a ", "MSIE 1;", "Trident/7.0rv:1)"]


def _agent(shape: str, length: int, variant: int) -> str:
    prefix = f"Mozilla/5.{variant} "
    return (prefix + shape * (length // len(shape) + 1))[:length]


def test_a_256_kb_agent_is_judged_at_once():
    started = time.perf_counter()
    for shape in PATHOLOGICAL_SHAPES:
        assert is_bot(_agent(shape, 256 * 1024, 0))
    # The backtracking matcher needed seconds for 4 KB and hours for 256 KB.
    assert time.perf_counter() - started < 1.0


def test_agents_just_under_the_cap_are_judged_quickly():
    agents = [
        _agent(shape, MAX_USER_AGENT_LENGTH, variant)
        for shape in PATHOLOGICAL_SHAPES
        for variant in range(4)  # distinct agents, so none is answered from the cache
    ]
    started = time.perf_counter()
    for agent in agents:
        is_bot(agent)
    # Well under 1 ms each now; the backtracking matcher took 100 ms or more for most of them.
    assert time.perf_counter() - started < 1.0
