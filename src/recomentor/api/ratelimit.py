"""Requests per minute per API key, counted in this worker's memory (fixed windows)."""

from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    """Allows `per_minute` requests per key in each minute; 0 or less turns limiting off."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._windows: dict[int, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key_id: int, now: float | None = None) -> int | None:
        """Counts one request; None when allowed, else the seconds until the next window."""
        if self.per_minute <= 0:
            return None
        moment = time.time() if now is None else now
        window = int(moment // 60)
        with self._lock:
            start, used = self._windows.get(key_id, (window, 0))
            if start != window:
                used = 0
            if used >= self.per_minute:
                return max(1, math.ceil((window + 1) * 60 - moment))
            self._windows[key_id] = (window, used + 1)
        return None
