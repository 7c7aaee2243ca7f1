"""Background sending: a bounded queue drained in batches by a thread (sync code) or a task
(async code), flushed on size, on age, on request and when the process or event loop ends."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from umami._delivery import QueuedEvent, grouped_by_destination

logger = logging.getLogger("umami")

SyncDeliver = Callable[[list[QueuedEvent], Callable[[float], bool]], None]
AsyncDeliver = Callable[[list[QueuedEvent], Callable[[float], Awaitable[bool]]], Awaitable[None]]


@dataclass(frozen=True)
class Batching:
    """Turns on background sending for a `umami.Client`.

    Events wait in a queue of at most `queue_size` (more are dropped, never blocking the
    caller) and go out as one `POST /api/batch` of up to `max_size` events as soon as that many
    are queued or the oldest has waited `interval` seconds. `close()`, the end of the event
    loop and the end of the process deliver what is left, spending at most `shutdown_timeout`
    seconds on it.
    """

    max_size: int = 50
    interval: float = 1.0
    queue_size: int = 10_000
    shutdown_timeout: float = 5.0

    def __post_init__(self) -> None:
        if self.max_size < 1 or self.queue_size < 1:
            raise ValueError("max_size and queue_size must be at least 1")
        if self.interval < 0 or self.shutdown_timeout < 0:
            raise ValueError("interval and shutdown_timeout must not be negative")


def _take_batch(pending: deque[QueuedEvent], max_size: int) -> list[QueuedEvent]:
    batch: list[QueuedEvent] = []
    while pending and len(batch) < max_size:
        batch.append(pending.popleft())
    return batch


class _QueueState:
    """The queue and the decision of when a batch is due, shared by both senders."""

    def __init__(self, batching: Batching) -> None:
        self.batching = batching
        self.pending: deque[QueuedEvent] = deque()
        self.in_flight: list[QueuedEvent] = []
        self.flush_waiters = 0
        self.closing = False

    @property
    def queued(self) -> int:
        return len(self.pending) + len(self.in_flight)

    def has_room(self) -> bool:
        return self.queued < self.batching.queue_size

    def batch_due(self) -> bool:
        if not self.pending:
            return False
        if len(self.pending) >= self.batching.max_size or self.flush_waiters or self.closing:
            return True
        return time.monotonic() - self.pending[0].queued_at >= self.batching.interval

    def seconds_until_due(self) -> float | None:
        if not self.pending:
            return None
        return max(0.0, self.pending[0].queued_at + self.batching.interval - time.monotonic())


class BackgroundThreadSender:
    """Sends queued events from a daemon thread; `submit` only appends under a short lock."""

    def __init__(
        self, deliver: SyncDeliver, batching: Batching, on_drop: Callable[[int, str], None]
    ):
        self._deliver = deliver
        self._batching = batching
        self._on_drop = on_drop
        self._reset()

    def _reset(self) -> None:
        self._changed = threading.Condition()
        self._state = _QueueState(self._batching)
        self._abort = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def queued(self) -> int:
        return self._state.queued

    def submit(self, event: QueuedEvent) -> None:
        with self._changed:
            if not self._state.has_room():
                reason = "queue full"
            elif self._start_thread():
                self._state.pending.append(event)
                self._changed.notify_all()
                return
            else:
                reason = "the interpreter is shutting down"
        self._on_drop(1, reason)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything queued so far is delivered (or failed); False on timeout."""
        with self._changed:
            if not self._state.queued:
                return True
            if not self._start_thread():
                return False
            self._state.flush_waiters += 1
            self._changed.notify_all()
            try:
                return self._changed.wait_for(lambda: not self._state.queued, timeout)
            finally:
                self._state.flush_waiters -= 1

    def close(self, timeout: float | None = None) -> None:
        """Deliver what is queued within `timeout` seconds (default: the batching's
        `shutdown_timeout`), drop the rest and stop the thread. Submitting again later starts
        a new thread."""
        with self._changed:
            thread = self._thread
            self._state.closing = True
            self._changed.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(self._batching.shutdown_timeout if timeout is None else timeout)
            if thread.is_alive():
                self._abort.set()  # cut its retry waits short; it ends once the queue is empty
        with self._changed:
            left = len(self._state.pending)
            self._state.pending.clear()
            if thread is None or not thread.is_alive():
                self._state.closing = False
                self._thread = None
        if left:
            self._on_drop(left, "not delivered before close")
        _open_senders.discard(self)

    def close_at_exit(self) -> None:
        self.close()

    def forget_after_fork(self) -> None:
        # The parent process delivers what it queued; the child starts empty with new locks.
        self._reset()

    def _start_thread(self) -> bool:
        if self._thread is not None and self._thread.is_alive():
            return True
        thread = threading.Thread(target=self._run, name="umami-background-sender", daemon=True)
        try:
            thread.start()
        except RuntimeError:
            return False
        self._thread = thread
        self._state.closing = False
        self._abort = threading.Event()
        _open_senders.add(self)
        return True

    def _sleep(self, seconds: float) -> bool:
        return not self._abort.wait(seconds)

    def _run(self) -> None:
        state = self._state
        while True:
            with self._changed:
                while not state.batch_due():
                    if state.closing and not state.pending:
                        return
                    self._changed.wait(state.seconds_until_due())
                state.in_flight = _take_batch(state.pending, self._batching.max_size)
                batch = state.in_flight
            try:
                for group in grouped_by_destination(batch):
                    self._deliver(group, self._sleep)
            except Exception:
                logger.exception("umami: background sender failed")
            finally:
                with self._changed:
                    state.in_flight = []
                    self._changed.notify_all()


async def _sleep_async(seconds: float) -> bool:
    await asyncio.sleep(seconds)
    return True


class BackgroundTaskSender:
    """Sends queued events from an asyncio task in the loop that submitted them.

    One loop at a time: when a later loop (a new `asyncio.run`) submits, the task starts again
    there. When the loop ends, `asyncio.run` cancels the task, which then delivers what is left
    before it stops; events left in a loop that was never shut down go out at process exit.
    """

    def __init__(
        self,
        deliver: AsyncDeliver,
        deliver_at_exit: SyncDeliver,
        batching: Batching,
        on_drop: Callable[[int, str], None],
        on_loop_end: Callable[[], Awaitable[None]],
    ) -> None:
        self._deliver = deliver
        self._deliver_at_exit = deliver_at_exit
        self._batching = batching
        self._on_drop = on_drop
        self._on_loop_end = on_loop_end
        self._state = _QueueState(batching)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._wakeup = asyncio.Event()
        self._progress = asyncio.Event()
        self._abandon = False

    @property
    def queued(self) -> int:
        return self._state.queued

    def submit(self, event: QueuedEvent) -> None:
        """Queue `event`; must be called from a coroutine running in an event loop."""
        loop = asyncio.get_running_loop()
        if not self._state.has_room():
            self._on_drop(1, "queue full")
            return
        self._state.pending.append(event)
        self._start_task(loop)
        self._wakeup.set()

    async def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything queued so far is delivered (or failed); False on timeout."""
        if not self._state.queued:
            return True
        self._start_task(asyncio.get_running_loop())
        self._state.flush_waiters += 1
        self._wakeup.set()
        try:
            await asyncio.wait_for(self._drained(), timeout)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            self._state.flush_waiters -= 1

    async def close(self, timeout: float | None = None) -> None:
        """Deliver what is queued within `timeout` seconds, drop the rest and stop the task."""
        timeout = self._batching.shutdown_timeout if timeout is None else timeout
        if self._state.queued:
            self._start_task(asyncio.get_running_loop())
        task = self._task
        if task is None or task.done() or self._loop is not asyncio.get_running_loop():
            return
        self._state.closing = True
        self._wakeup.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except asyncio.TimeoutError:
            self._abandon = True
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        finally:
            self._state.closing = False
            self._abandon = False
            self._task = None

    def close_at_exit(self) -> None:
        """Deliver, from the exiting thread, events left in a loop that is no longer running."""
        if not self._state.queued or (self._loop is not None and self._loop.is_running()):
            return
        deadline = time.monotonic() + self._batching.shutdown_timeout

        def sleep_before_deadline(seconds: float) -> bool:
            if time.monotonic() + seconds > deadline:
                return False
            time.sleep(seconds)
            return True

        groups = grouped_by_destination(self._state.in_flight + list(self._state.pending))
        self._state = _QueueState(self._batching)
        for position, group in enumerate(groups):
            if time.monotonic() >= deadline:
                left = sum(len(rest) for rest in groups[position:])
                self._on_drop(left, "not delivered before exit")
                return
            self._deliver_at_exit(group, sleep_before_deadline)

    def forget_after_fork(self) -> None:
        self._state = _QueueState(self._batching)
        self._loop = None
        self._task = None

    def _start_task(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._task is not None and not self._task.done() and self._loop is loop:
            return
        self._loop = loop
        self._wakeup = asyncio.Event()
        self._progress = asyncio.Event()
        self._task = loop.create_task(self._run(), name="umami-background-sender")
        _open_senders.add(self)

    async def _drained(self) -> None:
        while self._state.queued:
            self._progress.clear()
            await self._progress.wait()

    async def _next_batch(self) -> list[QueuedEvent] | None:
        state = self._state
        while not state.batch_due():
            if state.closing and not state.pending:
                return None
            self._wakeup.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), state.seconds_until_due())
        state.in_flight = _take_batch(state.pending, self._batching.max_size)
        return state.in_flight

    async def _deliver_batch(self, batch: list[QueuedEvent]) -> None:
        for group in grouped_by_destination(batch):
            try:
                await self._deliver(group, _sleep_async)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("umami: background sender failed")
            delivered = {id(event) for event in group}
            self._state.in_flight = [e for e in self._state.in_flight if id(e) not in delivered]

    async def _run(self) -> None:
        try:
            while (batch := await self._next_batch()) is not None:
                await self._deliver_batch(batch)
                self._progress.set()
        except asyncio.CancelledError:
            await self._deliver_before_loop_ends()
            raise
        finally:
            self._progress.set()

    async def _deliver_before_loop_ends(self) -> None:
        state = self._state
        # Events cut off mid-send go again: a duplicate is better than a silent loss.
        state.pending.extendleft(reversed(state.in_flight))
        state.in_flight = []
        if not self._abandon and state.pending:
            # asyncio.run() and test runners cancel leftover tasks while the loop still runs.
            state.closing = True
            try:
                await asyncio.wait_for(self._deliver_all(), self._batching.shutdown_timeout)
            except (asyncio.TimeoutError, Exception):
                logger.warning("umami: could not deliver all events before the loop ended")
            finally:
                state.closing = False
        left = state.queued
        state.pending.clear()
        state.in_flight = []
        if left:
            self._on_drop(left, "not delivered before the event loop ended")
        with contextlib.suppress(Exception):
            await self._on_loop_end()

    async def _deliver_all(self) -> None:
        while (batch := await self._next_batch()) is not None:
            await self._deliver_batch(batch)


# Senders with a live thread or task, closed at interpreter exit.
_open_senders: weakref.WeakSet[BackgroundThreadSender | BackgroundTaskSender] = weakref.WeakSet()


@atexit.register
def _close_open_senders() -> None:
    for sender in list(_open_senders):
        try:
            sender.close_at_exit()
        except Exception:
            logger.exception("umami: could not deliver queued events at exit")


def _forget_senders_after_fork() -> None:
    for sender in list(_open_senders):
        sender.forget_after_fork()
    _open_senders.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_senders_after_fork)
