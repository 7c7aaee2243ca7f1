"""Bot verdict for a User-Agent, standing in for Umami's isbot check (spec §6.6)."""

from __future__ import annotations

import re
from functools import lru_cache

from crawlerdetect.crawlerdetect import (
    get_compiled_crawler_regex,
    get_compiled_exclusions_regex,
)

# Longer user agents are judged without caching so that they cannot pin memory.
_CACHEABLE_USER_AGENT_LENGTH = 1024

# Where isbot (as §6.6 describes it) flags agents that crawlerdetect lets through:
#   ^python          "Python/3.11" and other agents starting with "python"
#   http not after "lib"   agents that carry a URL, e.g. "Mozilla/5.0 (compatible; +https://x.y)"
#   ^[^ ]{50,}$      50+ characters without a space (random tokens, encoded blobs)
_ISBOT_SUPPLEMENT = re.compile(r"^python|(?<!lib)http|^[^ ]{50,}\Z", re.IGNORECASE | re.DOTALL)


def _judge(user_agent: str) -> bool:
    if _ISBOT_SUPPLEMENT.search(user_agent):
        return True
    # crawlerdetect's own procedure: strip the tokens of ordinary browsers, then look
    # for a crawler name in what is left.
    remainder = get_compiled_exclusions_regex().sub("", user_agent.strip())
    return bool(remainder) and get_compiled_crawler_regex().search(remainder) is not None


_cached_judge = lru_cache(maxsize=10_000)(_judge)


def is_bot(user_agent: str | None) -> bool:
    """True for crawlers, HTTP libraries and headless browsers; False for a missing UA."""
    if not user_agent:
        return False
    if len(user_agent) > _CACHEABLE_USER_AGENT_LENGTH:
        return _judge(user_agent)
    return _cached_judge(user_agent)
