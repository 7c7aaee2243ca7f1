"""Group commit: many waiting requests share one durable write, done by one writer thread.

Requests hand their entries to `GroupCommitter.submit` and are answered only after the commit that
holds them returns. Whatever queued up while one commit ran goes into the next, so one fsync (or one
database transaction) serves everyone waiting. The queue is bounded: when it is full, `submit`
raises IngestQueueFull at once, so memory stays bounded and the caller answers 503. Each backend
supplies only its `commit` function (the embedded log's INSERT, PostgreSQL's transaction).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from umami_server.storage.errors import IngestClosed, IngestQueueFull

Entry = TypeVar("Entry")


@dataclass(slots=True)
class _Pending(Generic[Entry]):
    entries: list[Entry]
    loop: asyncio.AbstractEventLoop
    done: asyncio.Future[None]
    error: BaseException | None = field(default=None)


class GroupCommitter(Generic[Entry]):
    """One writer thread calling `commit(entries)` with everything queued, up to a cap.

    `commit` raises to fail every request of its batch with that error; `between_commits` runs
    on the writer thread after each commit (housekeeping such as pruning)."""

    def __init__(
        self,
        commit: Callable[[list[Entry]], None],
        *,
        name: str,
        max_queued: int,
        max_per_commit: int,
        between_commits: Callable[[], None] | None = None,
    ):
        self._commit = commit
        self._between_commits = between_commits
        self._max_per_commit = max_per_commit
        self._queue: queue.Queue[_Pending[Entry] | None] = queue.Queue(maxsize=max_queued)
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    async def submit(self, entries: list[Entry]) -> None:
        """Return once `commit` has returned for every entry; raise its error otherwise."""
        if self._closed:
            raise IngestClosed()
        loop = asyncio.get_running_loop()
        pending: _Pending[Entry] = _Pending(entries, loop, loop.create_future())
        try:
            self._queue.put_nowait(pending)
        except queue.Full:
            raise IngestQueueFull() from None
        await pending.done
        if pending.error is not None:
            raise pending.error

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            count = len(first.entries)
            stop = False
            while count < self._max_per_commit:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
                count += len(item.entries)
            self._commit_batch(batch)
            if self._between_commits is not None:
                self._between_commits()
            if stop:
                break

    def _commit_batch(self, batch: list[_Pending[Entry]]) -> None:
        error: BaseException | None = None
        try:
            self._commit([entry for pending in batch for entry in pending.entries])
        except Exception as failure:  # handed to every waiting request of the batch
            error = failure
        by_loop: dict[asyncio.AbstractEventLoop, list[_Pending[Entry]]] = {}
        for pending in batch:
            pending.error = error
            by_loop.setdefault(pending.loop, []).append(pending)
        for loop, waiting in by_loop.items():
            # One wake-up per loop and commit, not one per request. A closed loop means nobody
            # waits for these any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_release, waiting)

    def close(self) -> None:
        """Commit what is queued, then stop the writer thread."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join()


def _release(waiting: list[_Pending[Entry]]) -> None:
    for pending in waiting:
        if not pending.done.done():
            pending.done.set_result(None)
