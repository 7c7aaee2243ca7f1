"""The embedded store: a data directory holding a durable ingest log, DuckDB and a metadata file."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import orjson

from umami_server.config import SECRET_FILE_NAME
from umami_server.storage.embedded.analytics_db import AnalyticsDatabase
from umami_server.storage.embedded.copier import LogToAnalyticsCopier
from umami_server.storage.embedded.ingest_log import IngestLog, IngestLogReader
from umami_server.storage.metadata_store import MetadataStore
from umami_server.storage.records import IngestEntry

logger = logging.getLogger("umami_server.storage")

ANALYTICS_FILE = "analytics.duckdb"
INGEST_LOG_FILE = "ingest-log.sqlite"
METADATA_FILE = "metadata.sqlite"


# Every file the store keeps, with the side files SQLite and DuckDB create next to them.
_STORE_FILES = (METADATA_FILE, INGEST_LOG_FILE, ANALYTICS_FILE, SECRET_FILE_NAME)
_SIDE_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal", ".wal")


def create_data_dir(data_dir: Path) -> None:
    """Create the data directory for its owner only (0700, files 0600): it holds password and
    token hashes, the secret that signs tokens, and every visitor's hits.

    An existing directory and its store files lose any group or other permission they had. The
    process umask becomes 077, as SQLite and DuckDB create side files (-wal, -shm, .wal) later
    on, each time with the umask's permissions.
    """
    os.umask(0o077)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    _drop_group_and_other_permissions(data_dir)
    for name in _STORE_FILES:
        for suffix in _SIDE_FILE_SUFFIXES:
            _drop_group_and_other_permissions(data_dir / f"{name}{suffix}")


def _drop_group_and_other_permissions(path: Path) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        logger.warning("%s was readable by others (mode %o); made it %o", path, mode, mode & 0o700)
        os.chmod(path, mode & 0o700)


class StoreLocked(RuntimeError):
    """Another process already serves this data directory."""


class EmbeddedEventStore:
    has_predecessor_links = True

    def __init__(
        self,
        data_dir: Path,
        memory_limit: str = "1GB",
        threads: int = 2,
        max_queued: int = 20000,
        copy_interval_seconds: float = 0.5,
    ):
        try:
            self.database = AnalyticsDatabase(data_dir / ANALYTICS_FILE, memory_limit, threads)
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise StoreLocked(
                    f"{data_dir} is in use by another umami-server process "
                    "(DuckDB allows one writer per file)"
                ) from error
            raise
        applied = self.database.applied_sequence()
        self.log = IngestLog(data_dir / INGEST_LOG_FILE, applied + 1, max_queued)
        self.copier = LogToAnalyticsCopier(
            self.log, IngestLogReader(data_dir / INGEST_LOG_FILE), self.database,
            copy_interval_seconds,
        )
        # Entries acknowledged before a crash are replayed now, before new traffic.
        replayed = self.copier.catch_up()
        if replayed:
            logger.info("replayed %d logged entries into the analytics database", replayed)
        self.copier.start()

    async def write(self, entries: Sequence[IngestEntry]) -> None:
        await self.log.append([orjson.dumps(entry) for entry in entries])

    def query(self, sql: str, parameters: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.database.query(sql, parameters)

    def wait_until_visible(self, timeout: float) -> bool:
        return self.copier.wait_until_applied(self.log.committed_sequence, timeout)

    def delete_website_data(self, website_ids: Sequence[str]) -> None:
        # Events still waiting in the log would otherwise arrive after the delete.
        self.wait_until_visible(10.0)
        self.database.delete_website_data(website_ids)

    def close(self) -> None:
        self.log.close()
        self.copier.stop()
        self.copier.catch_up()
        self.database.checkpoint()
        self.database.close()


class EmbeddedStore:
    """Events in DuckDB behind a durable log; metadata in SQLite, open to admin commands too."""

    def __init__(self, events: EmbeddedEventStore, metadata: MetadataStore):
        self.events = events
        self.metadata = metadata

    @classmethod
    def open(
        cls,
        data_dir: Path,
        memory_limit: str = "1GB",
        threads: int = 2,
        max_queued: int = 20000,
        copy_interval_seconds: float = 0.5,
    ) -> EmbeddedStore:
        create_data_dir(data_dir)
        metadata = MetadataStore.open_sqlite(data_dir / METADATA_FILE)
        events = EmbeddedEventStore(
            data_dir, memory_limit, threads, max_queued, copy_interval_seconds
        )
        return cls(events, metadata)

    def close(self) -> None:
        self.events.close()
        self.metadata.close()
