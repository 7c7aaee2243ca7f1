"""Sliding-window limits on login attempts, per client IP and per username (in memory)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque

# Failed logins allowed per window before further attempts get 429.
LOGIN_WINDOW_SECONDS = 15 * 60
LOGIN_FAILURES_PER_IP = 30
LOGIN_FAILURES_PER_USERNAME = 10
_MAX_KEYS = 100_000


class SlidingWindowLimiter:
    """At most `limit` recorded attempts per key within any `window` seconds."""

    def __init__(self, limit: int, window: float):
        self.limit = limit
        self.window = window
        self._attempts: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        attempts = self._attempts.get(key)
        if attempts is None:
            if len(self._attempts) >= _MAX_KEYS:
                self._forget_idle(now)
            attempts = self._attempts[key] = deque()
        while attempts and attempts[0] <= now - self.window:
            attempts.popleft()
        return attempts

    def _forget_idle(self, now: float) -> None:
        for key in [key for key, times in self._attempts.items()
                    if not times or times[-1] <= now - self.window]:
            del self._attempts[key]

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again; 0 when it may now."""
        with self._lock:
            now = time.monotonic()
            attempts = self._recent(key, now)
            if len(attempts) < self.limit:
                return 0
            return max(1, math.ceil(attempts[-self.limit] + self.window - now))

    def count(self, key: str) -> int:
        """Attempts recorded for `key` within the window."""
        with self._lock:
            return len(self._recent(key, time.monotonic()))

    def record(self, key: str) -> None:
        with self._lock:
            self._recent(key, time.monotonic()).append(time.monotonic())

    def reset(self, key: str) -> None:
        with self._lock:
            self._attempts.pop(key, None)


class LoginLimiter:
    """Failed logins per client address and per username.

    A username that reached its limit is not shut for everyone: an address with no recent
    failures may still try it, so strangers' wrong guesses cannot lock the owner out, while
    each address that fails once has to wait like the rest.
    """

    def __init__(self, per_ip: int = LOGIN_FAILURES_PER_IP,
                 per_username: int = LOGIN_FAILURES_PER_USERNAME,
                 window: float = LOGIN_WINDOW_SECONDS):
        self.by_ip = SlidingWindowLimiter(per_ip, window)
        self.by_username = SlidingWindowLimiter(per_username, window)

    def retry_after(self, ip: str, username: str) -> int:
        """Seconds before `ip` may try `username`; 0 when the password may be checked now."""
        wait = self.by_ip.retry_after(ip)
        if wait or self.by_ip.count(ip) == 0:
            return wait
        return self.by_username.retry_after(username)

    def username_locked_for(self, username: str) -> int:
        """Seconds until `username` takes attempts from every address again; 0 when it does."""
        return self.by_username.retry_after(username)

    def failed(self, ip: str, username: str) -> None:
        self.by_ip.record(ip)
        self.by_username.record(username)

    def succeeded(self, username: str) -> None:
        self.by_username.reset(username)


def wait_message(seconds: int) -> str:
    """What a refused login is told, with the wait rounded up to a unit people read."""
    if seconds < 60:
        wait = f"{seconds} second{'s' if seconds != 1 else ''}"
    else:
        minutes = math.ceil(seconds / 60)
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"Too many failed login attempts. Try again in {wait}."
