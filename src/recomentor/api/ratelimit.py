"""Requests per minute per API key (and failed authentications per client address), counted
in this worker's memory (fixed windows)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Hashable


class RateLimiter:
    """Allows `per_minute` events per key in each minute; 0 or less turns limiting off."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._windows: dict[Hashable, tuple[int, int]] = {}
        self._current = 0
        self._lock = threading.Lock()

    def retry_after(self, key: Hashable, now: float | None = None) -> int | None:
        """Counts one event; None when allowed, else the seconds until the next window."""
        return self._check(key, now, count=True)

    def blocked_for(self, key: Hashable, now: float | None = None) -> int | None:
        """Like retry_after, without counting: whether this window's allowance is spent."""
        return self._check(key, now, count=False)

    def _check(self, key: Hashable, now: float | None, *, count: bool) -> int | None:
        if self.per_minute <= 0:
            return None
        moment = time.time() if now is None else now
        window = int(moment // 60)
        with self._lock:
            if window > self._current:
                # Counts of past minutes are dropped: memory holds this minute's keys only,
                # however many addresses a client rotates through.
                self._windows = {k: v for k, v in self._windows.items() if v[0] >= window}
                self._current = window
            start, used = self._windows.get(key, (window, 0))
            if start != window:
                used = 0
            if used >= self.per_minute:
                return max(1, math.ceil((window + 1) * 60 - moment))
            if count:
                self._windows[key] = (window, used + 1)
        return None
