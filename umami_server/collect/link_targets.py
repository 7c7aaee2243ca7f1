"""Where a short link may send its visitors: absolute http(s) URLs, nothing else.

A `javascript:` or `data:` target would run script in the visitor's browser under the trust the
short link's domain lends it, so every other scheme is refused on write and again on redirect.
"""

from __future__ import annotations

import ada_url

WEB_SCHEMES = frozenset({"http:", "https:"})
NOT_A_WEB_URL = "The URL must be an absolute http:// or https:// URL."


def web_url(url: str) -> str | None:
    """The normalised URL when `url` is an absolute http(s) URL with a host; None otherwise."""
    # The URL parser silently drops tabs and newlines; refuse them instead of guessing.
    if any(ord(character) < 32 or ord(character) == 127 for character in url):
        return None
    try:
        parsed = ada_url.URL(url)
    except ValueError:
        return None
    if parsed.protocol not in WEB_SCHEMES or not parsed.hostname:
        return None
    return str(parsed.href)
