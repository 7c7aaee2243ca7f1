"""Cached lookups of what hits are recorded against: websites by id, pixels and links by slug."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from umami_server.storage.metadata_store import MetadataStore, TrackedTarget, WebsiteRef

Found = TypeVar("Found")

# Found rows stay cached for a minute; misses only for a second, so a website the CLI has just
# added starts collecting at once.
_FOUND_SECONDS = 60.0
_MISSING_SECONDS = 1.0
_MAX_ENTRIES = 50_000


class _TimedCache(Generic[Found]):
    def __init__(self, load: Callable[[str], Found | None]):
        self._load = load
        self._entries: dict[str, tuple[float, Found | None]] = {}

    async def get(self, key: str) -> Found | None:
        cached = self._entries.get(key)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        # SQLite may wait on a lock held by an admin command: keep that off the event loop.
        value = await asyncio.to_thread(self._load, key)
        if len(self._entries) > _MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (now + (_FOUND_SECONDS if value is not None else _MISSING_SECONDS),
                              value)
        return value

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)


class SourceDirectory:
    def __init__(self, metadata: MetadataStore):
        self._websites = _TimedCache[WebsiteRef](metadata.find_website)
        self._pixels = _TimedCache[TrackedTarget](metadata.find_pixel)
        self._links = _TimedCache[TrackedTarget](metadata.find_link)

    async def website(self, website_id: str) -> WebsiteRef | None:
        return await self._websites.get(website_id)

    async def pixel(self, slug: str) -> TrackedTarget | None:
        return await self._pixels.get(slug)

    async def link(self, slug: str) -> TrackedTarget | None:
        return await self._links.get(slug)

    def forget_website(self, website_id: str) -> None:
        """The management API calls this when a website is changed or deleted."""
        self._websites.forget(website_id)

    def forget_pixel(self, slug: str) -> None:
        """Called when a pixel is deleted or its slug changes, so the old slug stops counting."""
        self._pixels.forget(slug)

    def forget_link(self, slug: str) -> None:
        """Called when a link is deleted or changed (slug or target URL)."""
        self._links.forget(slug)
