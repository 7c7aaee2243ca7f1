"""Browser, OS and device type from the User-Agent and screen size (spec §6.4, §6.5)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ua_parser
from ua_parser import Domain

from umami_server.enrich.bots import MAX_USER_AGENT_LENGTH

LAPTOP_MAX_SCREEN_WIDTH = 1920


@dataclass(frozen=True, slots=True)
class ClientSoftware:
    browser: str | None
    os: str | None
    device: str | None


def _rules(table: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    # JavaScript's \d, \w and \b are ASCII-only, hence re.ASCII.
    return tuple((name, re.compile(pattern, re.ASCII)) for name, pattern in table)


# Two of detect-browser's rules chain several `.*`, which backtracks in time cubic in the
# length of an agent repeating their tokens (16 ms at 1 KB). These forms match the same agents
# in linear time: from each line's start (`.` stops at a newline) they take the first
# occurrence of each token and keep it (atomic groups), since a later one can only fit less.
#   r"Trident/7\.0.*rv:([0-9.]+).*\).*Gecko\Z"
_IE11 = r"(?:\A|(?<=\n))(?>.*?Trident/7\.0)(?>.*?rv:[0-9.])(?>.*?\)).*Gecko\Z"
#   r"Version/([0-9._]+).*Mobile.*Safari.*"
_IOS_SAFARI = r"(?:\A|(?<=\n))(?>.*?Version/[0-9._])(?>.*?Mobile).*Safari"

# detect-browser 5.3.0's table in its order; the first rule whose pattern is found wins.
# JavaScript's '$' (no multiline flag) is Python's '\Z'.
_BROWSER_RULES = _rules(
    (
        ("aol", r"AOLShield/([0-9._]+)"),
        ("edge", r"Edge/([0-9._]+)"),
        ("edge-ios", r"EdgiOS/([0-9._]+)"),
        ("yandexbrowser", r"YaBrowser/([0-9._]+)"),
        ("kakaotalk", r"KAKAOTALK\s([0-9.]+)"),
        ("samsung", r"SamsungBrowser/([0-9.]+)"),
        ("silk", r"\bSilk/([0-9._-]+)\b"),
        ("miui", r"MiuiBrowser/([0-9.]+)\Z"),
        ("beaker", r"BeakerBrowser/([0-9.]+)"),
        ("edge-chromium", r"EdgA?/([0-9.]+)"),
        ("chromium-webview", r"(?!Chrom.*OPR)wv\).*Chrom(?:e|ium)/([0-9.]+)(:?\s|\Z)"),
        ("chrome", r"(?!Chrom.*OPR)Chrom(?:e|ium)/([0-9.]+)(:?\s|\Z)"),
        ("phantomjs", r"PhantomJS/([0-9.]+)(:?\s|\Z)"),
        ("crios", r"CriOS/([0-9.]+)(:?\s|\Z)"),
        ("firefox", r"Firefox/([0-9.]+)(?:\s|\Z)"),
        ("fxios", r"FxiOS/([0-9.]+)"),
        ("opera-mini", r"Opera Mini.*Version/([0-9.]+)"),
        ("opera", r"Opera/([0-9.]+)(?:\s|\Z)"),
        ("opera", r"OPR/([0-9.]+)(:?\s|\Z)"),
        ("pie", r"^Microsoft Pocket Internet Explorer/(\d+\.\d+)\Z"),
        (
            "pie",
            r"^Mozilla/\d\.\d+\s\(compatible;\s(?:MSP?IE|MSInternet Explorer) (\d+\.\d+);"
            r".*Windows CE.*\)\Z",
        ),
        ("netfront", r"^Mozilla/\d\.\d+.*NetFront/(\d.\d)"),
        ("ie", _IE11),
        ("ie", r"MSIE\s([0-9.]+);.*Trident/[4-7].0"),
        ("ie", r"MSIE\s(7\.0)"),
        ("bb10", r"BB10;\sTouch.*Version/([0-9.]+)"),
        ("android", r"Android\s([0-9.]+)"),
        ("ios", _IOS_SAFARI),
        ("safari", r"Version/([0-9._]+).*Safari"),
        ("facebook", r"FB[AS]V/([0-9.]+)"),
        ("instagram", r"Instagram\s([0-9.]+)"),
        ("ios-webview", r"AppleWebKit/([0-9.]+).*Mobile"),
        ("ios-webview", r"AppleWebKit/([0-9.]+).*Gecko\)\Z"),
        ("curl", r"^curl/([0-9.]+)\Z"),
        (
            "searchbot",
            r"alexa|bot|crawl(er|ing)|facebookexternalhit|feedburner|google web preview"
            r"|nagios|postrank|pingdom|slurp|spider|yahoo!|yandex",
        ),
    )
)

# detect-browser's OS table in its order (dots are wildcards there too).
_OS_RULES = _rules(
    (
        ("iOS", r"iP(hone|od|ad)"),
        ("Android OS", r"Android"),
        ("BlackBerry OS", r"BlackBerry|BB10"),
        ("Windows Mobile", r"IEMobile"),
        ("Amazon OS", r"Kindle"),
        ("Windows 3.11", r"Win16"),
        ("Windows 95", r"(Windows 95)|(Win95)|(Windows_95)"),
        ("Windows 98", r"(Windows 98)|(Win98)"),
        ("Windows 2000", r"(Windows NT 5.0)|(Windows 2000)"),
        ("Windows XP", r"(Windows NT 5.1)|(Windows XP)"),
        ("Windows Server 2003", r"(Windows NT 5.2)"),
        ("Windows Vista", r"(Windows NT 6.0)"),
        ("Windows 7", r"(Windows NT 6.1)"),
        ("Windows 8", r"(Windows NT 6.2)"),
        ("Windows 8.1", r"(Windows NT 6.3)"),
        ("Windows 10", r"(Windows NT 10.0)"),
        ("Windows ME", r"Windows ME"),
        ("Windows CE", r"Windows CE|WinCE|Microsoft Pocket Internet Explorer"),
        ("Open BSD", r"OpenBSD"),
        ("Sun OS", r"SunOS"),
        ("Chrome OS", r"CrOS"),
        ("Linux", r"(Linux)|(X11)"),
        ("Mac OS", r"(Mac_PowerPC)|(Macintosh)"),
        ("QNX", r"QNX"),
        ("BeOS", r"BeOS"),
        ("OS/2", r"OS/2"),
    )
)


def _first_match(rules: tuple[tuple[str, re.Pattern[str]], ...], user_agent: str) -> str | None:
    for name, pattern in rules:
        if pattern.search(user_agent):
            return name
    return None


# Device-type rules approximating ua-parser-js v2 `device.type`, checked in this order.
# Specialised devices come first because their UAs also carry Android/Linux/Mobile tokens.
_XR = re.compile(r"OculusBrowser|\bPico (?:Neo|\d)|\bVR Safari\b", re.ASCII)
_CONSOLE = re.compile(r"\b(?:PlayStation|Xbox|Nintendo|OUYA)\b", re.ASCII | re.IGNORECASE)
_SMART_TV = re.compile(
    r"smart-?tv|hbbtv|netcast|web0s|google ?tv|android ?tv|\bcrkey\b|chromecast|\bbravia\b"
    r"|(?-i:\bAFT[A-Z0-9]{1,5}\b)|apple ?tv|\broku\b|\bviera\b|philipstv|\btv safari\b|\btv box\b"
    r"|;\s*tv\s*[;)]",
    re.ASCII | re.IGNORECASE,
)
_WEARABLE = re.compile(
    r"\bwatch(?:\b|os)|\bwear ?os\b|\bglass (?:\d|enterprise)|\bSM-R\d{3}",
    re.ASCII | re.IGNORECASE,
)
_EMBEDDED = re.compile(r"\bTesla/|QtCarBrowser|\bAEO[A-Z]{2}\b", re.ASCII)
_TABLET = re.compile(
    r"\biPad\b|\bKindle\b|\bSilk/|(?-i:\bKF[A-Z]{2,6}\b)|\bPlayBook\b|\b(?:tablet|tab)[;/]",
    re.ASCII | re.IGNORECASE,
)
_PHONE = re.compile(
    r"\biP(?:hone|od)\b|Windows Phone|IEMobile|\bLumia\b|BlackBerry|\bBB10\b|KAIOS|Opera Mini"
    r"|Symbian"
    r"|\bphone\b|\bmobile(?:[;/]| [\w/. ]*safari)",
    re.ASCII | re.IGNORECASE,
)
_ANDROID = re.compile(r"\bAndroid\b", re.ASCII)
_MOBILE_TOKEN = re.compile(r"\bMobile\b", re.ASCII)

_XR_FAMILIES = frozenset({"Quest"})
_SMART_TV_FAMILIES = frozenset({"AppleTV", "Chromecast", "Roku", "HbbTV"})
_TABLET_FAMILIES = frozenset({"iPad", "Generic Tablet", "Kindle"})
_PHONE_FAMILIES = frozenset({"iPhone", "iPod", "Generic Smartphone", "Generic Feature Phone"})
_PHONE_OS_FAMILIES = frozenset(
    {"Windows Phone", "BlackBerry OS", "KaiOS", "Symbian OS", "Firefox OS", "Sailfish"}
)


def _device_type(user_agent: str) -> str | None:
    """mobile, tablet, smarttv, console, wearable, xr, embedded, or None (a desktop).

    ua-parser supplies the device family (iPhone, iPad, Quest, AppleTV, Generic Tablet...)
    and OS family; the regexes cover tokens it does not classify by type.
    """
    parsed = ua_parser.parser(user_agent, Domain.OS | Domain.DEVICE)
    family = parsed.device.family if parsed.device else ""
    os_family = parsed.os.family if parsed.os else ""

    if family in _XR_FAMILIES or _XR.search(user_agent):
        return "xr"
    if family.startswith(("PlayStation", "Nintendo", "Xbox")) or _CONSOLE.search(user_agent):
        return "console"
    if family in _SMART_TV_FAMILIES or _SMART_TV.search(user_agent):
        return "smarttv"
    if _WEARABLE.search(user_agent):
        return "wearable"
    if _EMBEDDED.search(user_agent):
        return "embedded"
    if family in _TABLET_FAMILIES or _TABLET.search(user_agent):
        return "tablet"
    if family in _PHONE_FAMILIES or os_family in _PHONE_OS_FAMILIES or _PHONE.search(user_agent):
        return "mobile"
    if _ANDROID.search(user_agent):
        # Android phones say "Mobile"; Android tablets do not.
        return "mobile" if _MOBILE_TOKEN.search(user_agent) else "tablet"
    return None


def _classify(user_agent: str) -> tuple[ClientSoftware, ClientSoftware]:
    """The answers for a wide (or unknown) screen and for a screen at most 1920 wide."""
    browser = _first_match(_BROWSER_RULES, user_agent)
    os_name = _first_match(_OS_RULES, user_agent)
    device_type = _device_type(user_agent)
    if device_type is not None:
        same = ClientSoftware(browser, os_name, device_type)
        return same, same
    return ClientSoftware(browser, os_name, "desktop"), ClientSoftware(browser, os_name, "laptop")


_cached_classify = lru_cache(maxsize=10_000)(_classify)
_UNKNOWN_SOFTWARE = (ClientSoftware(None, None, "desktop"), ClientSoftware(None, None, "laptop"))

_JS_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_JS_RADIX = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)", re.ASCII)
_JS_RADIX_BASE = {"x": 16, "o": 8, "b": 2}


def _js_number(text: str) -> float | None:
    """JavaScript ``Number(text)``; None stands for NaN."""
    text = text.strip()
    if not text:
        return 0.0
    if _JS_DECIMAL.fullmatch(text):
        return float(text)
    if _JS_RADIX.fullmatch(text):
        return float(int(text[2:], _JS_RADIX_BASE[text[1].lower()]))
    if text in ("Infinity", "+Infinity"):
        return float("inf")
    if text == "-Infinity":
        return float("-inf")
    return None


def _is_laptop_screen(screen: str | None) -> bool:
    if not screen:
        return False
    width = screen.split("x", 1)[0]
    if width.isascii() and width.isdigit():
        return int(width) <= LAPTOP_MAX_SCREEN_WIDTH
    number = _js_number(width)
    return number is not None and number <= LAPTOP_MAX_SCREEN_WIDTH


def detect_software(user_agent: str | None, screen: str | None) -> ClientSoftware:
    """Browser and OS names as detect-browser gives them, and the §6.5 device type."""
    if not user_agent or len(user_agent) > MAX_USER_AGENT_LENGTH:
        # An absurdly long agent (stored only when the bot check is off) is not parsed: that
        # bounds the work per hit, and some browser rules backtrack badly on long input.
        wide, narrow = _UNKNOWN_SOFTWARE
    else:
        wide, narrow = _cached_classify(user_agent)
    if wide is narrow:
        return wide
    return narrow if _is_laptop_screen(screen) else wide
