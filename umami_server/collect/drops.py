"""Counts hits the pipeline dropped (bots, ignored IPs) and saves the totals now and then."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import UTC, datetime

from umami_server.storage.disk_full import disk_full_log, is_disk_full
from umami_server.storage.metadata_store import MetadataStore

logger = logging.getLogger("umami_server.collect")


class DropCounter:
    def __init__(self, metadata: MetadataStore):
        self._metadata = metadata
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._lock = threading.Lock()

    def count(self, website_id: str, reason: str) -> None:
        day = datetime.now(UTC).date().isoformat()
        with self._lock:
            self._counts[(website_id, reason, day)] += 1

    def flush(self) -> None:
        """Move the counts gathered so far into the metadata store."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
        if not counts:
            return
        try:
            self._metadata.add_dropped_hits(dict(counts))
        except Exception as error:
            if is_disk_full(error):
                disk_full_log.refused("dropped-hit counts")
            else:
                logger.exception("could not save dropped-hit counts; keeping them for the next try")
            with self._lock:
                self._counts.update(counts)
