"""Browser, OS and device type from the User-Agent and screen (spec §6.4, §6.5)."""

from __future__ import annotations

import random
import re
import time

import pytest

from umami_server.enrich import useragent
from umami_server.enrich.bots import MAX_USER_AGENT_LENGTH
from umami_server.enrich.useragent import ClientSoftware, detect_software

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
EDGE_WINDOWS = CHROME_WINDOWS + " Edg/124.0.0.0"
SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
SAFARI_IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
CHROME_ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"


@pytest.mark.parametrize(
    ("user_agent", "browser", "os", "device"),
    [
        (CHROME_WINDOWS, "chrome", "Windows 10", "desktop"),
        (EDGE_WINDOWS, "edge-chromium", "Windows 10", "desktop"),
        (SAFARI_MAC, "safari", "Mac OS", "desktop"),
        (SAFARI_IPHONE, "ios", "iOS", "mobile"),
        (SAFARI_IPAD, "ios", "iOS", "tablet"),
        (CHROME_ANDROID_PHONE, "chrome", "Android OS", "mobile"),
        (CHROME_ANDROID_TABLET, "chrome", "Android OS", "tablet"),
        (FIREFOX_LINUX, "firefox", "Linux", "desktop"),
    ],
)
def test_recorded_outcomes(user_agent: str, browser: str, os: str, device: str):
    assert detect_software(user_agent, "2560x1440") == ClientSoftware(browser, os, device)


@pytest.mark.parametrize(
    ("user_agent", "browser"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/124.0 Safari/537.36 OPR/110.0",
            "opera",
        ),
        (
            "Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; U; en) Presto/2.5 Version/10.54",
            "opera-mini",
        ),
        ("Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko", "ie"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
            "crios",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
            "fxios",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/460.0.0.36.108;]",
            "facebook",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Mobile/15E148",
            "ios-webview",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
            "samsung",
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; Pixel 7; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Version/4.0 Chrome/124.0.0.0 Mobile Safari/537.36",
            "chromium-webview",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/122.0.0.0 YaBrowser/24.4.0.0 Safari/537.36",
            "yandexbrowser",
        ),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "searchbot"),
        ("curl/8.5.0", "curl"),
        ("Mozilla/5.0 (X11; Linux x86_64) chrome/124.0 Safari/537.36", None),  # case-sensitive
        ("SomeApp/1.0", None),
    ],
)
def test_browser_rule_table(user_agent: str, browser: str | None):
    assert detect_software(user_agent, None).browser == browser


@pytest.mark.parametrize(
    ("user_agent", "os"),
    [
        ("Mozilla/5.0 (Windows NT 6.1; Win64; x64) Chrome/109.0 Safari/537.36", "Windows 7"),
        ("Mozilla/5.0 (Windows NT 6.3; Win64; x64) Chrome/109.0 Safari/537.36", "Windows 8.1"),
        ("Mozilla/5.0 (Windows NT 5.1) Firefox/52.0", "Windows XP"),
        ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) Chrome/124.0.0.0 Safari/537.36", "Chrome OS"),
        ("Mozilla/5.0 (Linux; Android 10; K) Chrome/124.0 Mobile Safari/537.36", "Android OS"),
        (
            "Mozilla/5.0 (BB10; Touch) AppleWebKit/537.10+ Version/10.0.9.2372 Mobile Safari",
            "BlackBerry OS",
        ),
        ("Mozilla/5.0 (X11; OpenBSD amd64; rv:125.0) Gecko/20100101 Firefox/125.0", "Open BSD"),
        ("curl/8.5.0", None),
    ],
)
def test_os_rule_list(user_agent: str, os: str | None):
    assert detect_software(user_agent, None).os == os


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (
            "Mozilla/5.0 (iPod touch; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 "
            "Version/15.0 Mobile/15E148 Safari/604.1",
            "mobile",
        ),
        ("Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0", "mobile"),
        ("Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0", "tablet"),
        (
            "Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Silk/124.3.1 like Chrome/124.0 Safari/537.36",
            "tablet",
        ),
        (
            "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) "
            "AppleWebKit/537.36 Chrome/52.0 Mobile Safari/537.36 Edge/15.15063",
            "mobile",
        ),
        (
            "Mozilla/5.0 (Mobile; LYF/F300B;Android; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5",
            "mobile",
        ),
        (
            "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36",
            "smarttv",
        ),
        (
            "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/79.0.3945.79 Safari/537.36 WebAppManager",
            "smarttv",
        ),
        (
            "Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Silk/124.3.1 like Chrome/124.0 Safari/537.36",
            "smarttv",
        ),
        ("Mozilla/5.0 (Linux; Android 10; Android TV) AppleWebKit/537.36", "smarttv"),
        (
            "Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/90 "
            "Safari/537.36 CrKey/1.56.500000",
            "smarttv",
        ),
        ("AppleCoreMedia/1.0.0.20L563 (Apple TV; U; CPU OS 16_5 like Mac OS X; en_us)", "smarttv"),
        ("Roku/DVP-12.0 (12.0.0.4182-88)", "smarttv"),
        (
            "Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko)",
            "console",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/124 Safari/537.36 Edge/44.18363.8131",
            "console",
        ),
        (
            "Mozilla/5.0 (Nintendo Switch; WifiWebAuthApplet) AppleWebKit/606.4 "
            "(KHTML, like Gecko) NF/6.0.1.15.4 NintendoBrowser/5.1.0.20393",
            "console",
        ),
        (
            "Mozilla/5.0 (Linux; Android 11; SAMSUNG SM-R890) AppleWebKit/537.36 "
            "(KHTML, like Gecko) SamsungBrowser/1.0 Chrome/87 Mobile Safari/537.36",
            "wearable",
        ),
        (
            "Mozilla/5.0 (Linux; Android 8.1.0; Pixel Watch) AppleWebKit/537.36 Chrome/100 "
            "Mobile Safari/537.36",
            "wearable",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; Quest 3) AppleWebKit/537.36 (KHTML, like Gecko) "
            "OculusBrowser/33.0 Chrome/126.0.6478.122 VR Safari/537.36",
            "xr",
        ),
        (
            "Mozilla/5.0 (X11; Linux) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/90 "
            "Safari/537.36 Tesla/2024.14",
            "embedded",
        ),
        (
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 Chrome/124.0 "
            "Safari/537.36",
            "desktop",
        ),
    ],
)
def test_device_types(user_agent: str, device: str):
    # A wide screen so that "desktop" is not turned into "laptop".
    assert detect_software(user_agent, "2560x1440").device == device


@pytest.mark.parametrize(
    ("screen", "device"),
    [
        ("1920x1080", "laptop"),
        ("1366x768", "laptop"),
        ("2560x1440", "desktop"),
        ("1921x1080", "desktop"),
        (None, "desktop"),
        ("", "desktop"),
        ("wide", "desktop"),  # NaN width
        ("x1080", "laptop"),  # Number("") is 0
        (" 1920 x1080", "laptop"),  # Number() trims whitespace
        ("0x10x10", "laptop"),  # only "0" before the first "x"
        ("1e3x800", "laptop"),
    ],
)
def test_screen_width_splits_desktop_from_laptop(screen: str | None, device: str):
    assert detect_software(CHROME_WINDOWS, screen).device == device


def test_screen_width_never_changes_a_phone():
    assert detect_software(SAFARI_IPHONE, "390x844").device == "mobile"
    assert detect_software(SAFARI_IPHONE, "3000x2000").device == "mobile"


def test_ipad_in_desktop_mode_is_a_mac():
    assert detect_software(SAFARI_MAC, "1024x1366") == ClientSoftware("safari", "Mac OS", "laptop")


@pytest.mark.parametrize("user_agent", [None, ""])
def test_missing_user_agent(user_agent: str | None):
    assert detect_software(user_agent, "1280x720") == ClientSoftware(None, None, "laptop")
    assert detect_software(user_agent, None) == ClientSoftware(None, None, "desktop")


def test_an_agent_up_to_the_cap_is_classified():
    padded = CHROME_WINDOWS + " x" * ((MAX_USER_AGENT_LENGTH - len(CHROME_WINDOWS)) // 2)
    assert detect_software(padded, None).browser == "chrome"


def test_an_agent_over_the_cap_is_not_parsed():
    # Only stored when the bot check is off; such an agent is a bot, not a browser.
    assert detect_software(CHROME_WINDOWS + " x" * MAX_USER_AGENT_LENGTH, None) == (
        ClientSoftware(None, None, "desktop")
    )


# Agents repeating the tokens of detect-browser's `.*`-chained rules.
BACKTRACKING_SHAPES = [
    "Trident/7.0rv:1)", "Trident/7.0 rv:1 )", "Version/1 Mobile ", "MSIE 1;Trident/4.0 ",
    "Opera Mini Version/1 ", "wv) Chrome/1 ", "Chromwv)", "AppleWebKit/1 Mobile",
]


def _agent(shape: str, length: int, variant: int) -> str:
    return (f"Mozilla/5.{variant} " + shape * (length // len(shape) + 1))[:length - 5] + "Gecko"


def test_a_256_kb_agent_is_classified_at_once():
    started = time.perf_counter()
    for shape in BACKTRACKING_SHAPES:
        detect_software(_agent(shape, 256 * 1024, 0), None)
    assert time.perf_counter() - started < 1.0


def test_agents_just_under_the_cap_are_classified_quickly():
    agents = [
        _agent(shape, MAX_USER_AGENT_LENGTH, variant)
        for shape in BACKTRACKING_SHAPES
        for variant in range(4)  # distinct agents, so none is answered from the cache
    ]
    started = time.perf_counter()
    for agent in agents:
        detect_software(agent, None)
    # A few ms each at most now; the IE 11 rule alone took about 16 ms on a Trident agent.
    assert time.perf_counter() - started < 1.0


# The linear forms of two rules, checked against the original patterns they replace.
_ORIGINAL_RULES = {
    "ie": re.compile(r"Trident/7\.0.*rv:([0-9.]+).*\).*Gecko\Z", re.ASCII),
    "ios": re.compile(r"Version/([0-9._]+).*Mobile.*Safari.*", re.ASCII),
}
_REWRITTEN_RULES = {
    name: re.compile(pattern, re.ASCII)
    for name, pattern in (("ie", useragent._IE11), ("ios", useragent._IOS_SAFARI))
}
_RULE_TOKENS = ["Trident/7.0", "rv:", "11.0", "1", ")", "(", " ", "Gecko", "\n", "Version/",
                "17_4", "Mobile", "Safari", "x", ".", "rv:.", "Trident/7.1"]


def test_rewritten_rules_find_what_the_original_patterns_find():
    randomness = random.Random(15)
    agents = [
        "".join(randomness.choices(_RULE_TOKENS, k=randomness.randint(0, 12)))
        + randomness.choice(["", "Gecko"])  # the IE rule wants it at the very end
        for _ in range(20_000)
    ] + [SAFARI_IPHONE, SAFARI_IPAD, SAFARI_MAC,
         "Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko"]
    for name, original in _ORIGINAL_RULES.items():
        rewritten = _REWRITTEN_RULES[name]
        found = 0
        for agent in agents:
            expected = original.search(agent) is not None
            assert (rewritten.search(agent) is not None) == expected, (name, agent)
            found += expected
        assert found > 20, name  # the tokens make real matches, not only misses


def test_repeated_calls_agree():
    assert detect_software(SAFARI_IPAD, None) == detect_software(SAFARI_IPAD, None)
