"""The embedded store: a data directory holding a durable ingest log, DuckDB and a metadata file."""

from __future__ import annotations

import logging
import os
import shutil
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.sql import ClauseElement

from umami_server.config import SECRET_FILE_NAME
from umami_server.storage.disk_full import is_disk_full
from umami_server.storage.embedded.analytics_db import AnalyticsDatabase
from umami_server.storage.embedded.copier import LogToAnalyticsCopier
from umami_server.storage.embedded.ingest_log import IngestLog, IngestLogReader
from umami_server.storage.errors import StoreLocked
from umami_server.storage.interface import StoreCapabilities
from umami_server.storage.metadata_store import MetadataStore
from umami_server.storage.records import IngestEntry

logger = logging.getLogger("umami_server.storage")

ANALYTICS_FILE = "analytics.duckdb"
INGEST_LOG_FILE = "ingest-log.sqlite"
METADATA_FILE = "metadata.sqlite"


# Below this, writes are about to fail: said at start, before the first refused hit says it.
_LOW_SPACE_BYTES = 1024 * 1024
# SQLite cannot even open a WAL database without room for its shared-memory file (32 KiB), so a
# server stopped on a full disk could not start again: this much is set aside while there is
# space, and given back to let the databases open on a full disk.
SPACE_RESERVE_FILE = "space-reserve"
_SPACE_RESERVE_BYTES = 1024 * 1024

# Every file the store keeps, with the side files SQLite and DuckDB create next to them.
_STORE_FILES = (
    METADATA_FILE, INGEST_LOG_FILE, ANALYTICS_FILE, SECRET_FILE_NAME, SPACE_RESERVE_FILE,
)
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


def keep_space_reserve(data_dir: Path) -> None:
    """Set the space reserve aside while there is room; release it, loudly, when there is not."""
    reserve = data_dir / SPACE_RESERVE_FILE
    free = shutil.disk_usage(data_dir).free
    if free >= _LOW_SPACE_BYTES:
        if not reserve.exists() and free >= 4 * _SPACE_RESERVE_BYTES:
            try:
                descriptor = os.open(reserve, os.O_WRONLY | os.O_CREAT, 0o600)
                try:
                    os.posix_fallocate(descriptor, 0, _SPACE_RESERVE_BYTES)
                finally:
                    os.close(descriptor)
            except OSError:
                reserve.unlink(missing_ok=True)  # a file system without fallocate: no reserve
        return
    released = reserve.exists()
    reserve.unlink(missing_ok=True)
    logger.error(
        "only %d bytes free in %s%s: starting read-only while writes fail for space. Queries "
        "answer from what is stored; collection and changes answer 503 until space is freed, "
        "then resume by themselves.", free, data_dir,
        f" (released the {_SPACE_RESERVE_BYTES} bytes reserved so that the databases can open)"
        if released else "")


__all__ = ["EmbeddedEventStore", "EmbeddedStore", "StoreLocked"]


class EmbeddedEventStore:
    # Links are written with every batch (storage/embedded/predecessors.py).
    capabilities = StoreCapabilities(predecessor_links=True, visit_links=True, type_steps=True)

    def __init__(
        self,
        data_dir: Path,
        memory_limit: str = "1GB",
        threads: int = 2,
        max_queued: int = 20000,
        copy_interval_seconds: float = 0.5,
    ):
        # Raises StoreLocked when another process serves this data directory.
        self.database = AnalyticsDatabase(data_dir / ANALYTICS_FILE, memory_limit, threads)
        applied = self.database.applied_sequence()
        self.log = IngestLog(data_dir / INGEST_LOG_FILE, applied + 1, max_queued)
        self.copier = LogToAnalyticsCopier(
            self.log, IngestLogReader(data_dir / INGEST_LOG_FILE), self.database,
            copy_interval_seconds,
        )
        # Entries acknowledged before a crash are replayed now, before new traffic.
        try:
            replayed = self.copier.catch_up()
        except Exception as error:
            if not is_disk_full(error):
                raise
            waiting = self.log.committed_sequence - self.copier.applied_sequence
            logger.error(
                "no space left in %s: starting read-only. Queries answer from what is stored; "
                "collection and changes answer 503 until space is freed. %d logged hits wait to "
                "be copied into the analytics database, which happens by itself once there is "
                "space again.", data_dir, waiting)
        else:
            if replayed:
                logger.info("replayed %d logged entries into the analytics database", replayed)
        self.copier.start()

    async def write(self, entries: Sequence[IngestEntry]) -> None:
        await self.log.append([orjson.dumps(entry) for entry in entries])

    def query(self, statement: ClauseElement) -> list[tuple[Any, ...]]:
        return self.database.query(statement)

    def wait_until_visible(self, timeout: float) -> bool:
        return self.copier.wait_until_applied(self.log.committed_sequence, timeout)

    def delete_website_data(self, website_ids: Sequence[str]) -> None:
        # Events still waiting in the log would otherwise arrive after the delete.
        self.wait_until_visible(10.0)
        self.database.delete_website_data(website_ids)

    def close(self) -> None:
        self.log.close()
        self.copier.stop()
        try:
            self.copier.catch_up()
            self.database.checkpoint()
        except Exception as error:
            if not is_disk_full(error):
                raise
            # Nothing is lost: the log keeps what DuckDB could not take, replayed at next start.
            logger.error("no space left to finish writing the analytics database at shutdown; "
                         "%d logged hits are copied into it at the next start (DuckDB replays "
                         "its own write-ahead log then as well)",
                         self.log.committed_sequence - self.copier.applied_sequence)
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
        keep_space_reserve(data_dir)
        metadata = MetadataStore.open_sqlite(data_dir / METADATA_FILE)
        events = EmbeddedEventStore(
            data_dir, memory_limit, threads, max_queued, copy_interval_seconds
        )
        return cls(events, metadata)

    def close(self) -> None:
        self.events.close()
        self.metadata.close()
