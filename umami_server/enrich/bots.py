"""Bot verdict for a User-Agent, standing in for Umami's isbot check (spec §6.6)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import re2
from crawlerdetect.providers.crawlers import data as crawler_patterns
from crawlerdetect.providers.exclusions import data as browser_token_patterns

# Real user agents stay under 512 characters. Anything longer than this is judged a bot
# without running a single pattern over it, which bounds the work per hit whatever is sent.
MAX_USER_AGENT_LENGTH = 1024

# Where isbot (as §6.6 describes it) flags agents that crawlerdetect lets through:
#   ^python          "Python/3.11" and other agents starting with "python"
#   http not after "lib"   agents that carry a URL, e.g. "Mozilla/5.0 (compatible; +https://x.y)"
#   ^[^ ]{50,}$      50+ characters without a space (random tokens, encoded blobs)
_ISBOT_SUPPLEMENT = re.compile(r"^python|(?<!lib)http|^[^ ]{50,}\Z", re.IGNORECASE | re.DOTALL)

# crawlerdetect's tables are matched with RE2, whose time is linear in the input: Python's
# backtracking engine took time quadratic in a long token on the crawler table (a 4 KB token,
# 1.3 s) and about 12 ms per KB on any input. RE2 has no lookaround, so the few patterns
# using it go to Python's engine, where each is a literal followed by a short assertion.
_LOOKAROUND = re.compile(r"\(\?<?[=!]")


def _case_insensitive() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    return options


def _alternation(patterns: Iterable[str]) -> str:
    return "(?:" + "|".join(patterns) + ")"


def _split_by_engine(patterns: list[str]) -> tuple[re2._Regexp, re.Pattern[str] | None]:
    linear = [pattern for pattern in patterns if not _LOOKAROUND.search(pattern)]
    backtracking = [pattern for pattern in patterns if _LOOKAROUND.search(pattern)]
    fallback = re.compile(_alternation(backtracking), re.IGNORECASE) if backtracking else None
    return re2.compile(_alternation(linear), _case_insensitive()), fallback


_BROWSER_TOKENS, _BROWSER_TOKENS_FALLBACK = _split_by_engine(browser_token_patterns)
_CRAWLERS, _CRAWLERS_FALLBACK = _split_by_engine(crawler_patterns)


def _strip_browser_tokens(user_agent: str) -> str:
    remainder = _BROWSER_TOKENS.sub("", user_agent)
    if _BROWSER_TOKENS_FALLBACK is not None:
        remainder = _BROWSER_TOKENS_FALLBACK.sub("", remainder)
    return remainder


def _names_a_crawler(text: str) -> bool:
    if _CRAWLERS.search(text) is not None:
        return True
    return _CRAWLERS_FALLBACK is not None and _CRAWLERS_FALLBACK.search(text) is not None


@lru_cache(maxsize=10_000)
def _judge(user_agent: str) -> bool:
    if _ISBOT_SUPPLEMENT.search(user_agent):
        return True
    # crawlerdetect's own procedure: strip the tokens of ordinary browsers, then look
    # for a crawler name in what is left.
    remainder = _strip_browser_tokens(user_agent.strip())
    return bool(remainder) and _names_a_crawler(remainder)


def is_bot(user_agent: str | None) -> bool:
    """True for crawlers, HTTP libraries, headless browsers and absurdly long agents;
    False for a missing UA."""
    if not user_agent:
        return False
    if len(user_agent) > MAX_USER_AGENT_LENGTH:
        return True
    return _judge(user_agent)
