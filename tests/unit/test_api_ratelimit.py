"""The per-key limiter counts per minute window and per key."""

from __future__ import annotations

from recomentor.api.ratelimit import RateLimiter


def test_limit_resets_with_the_next_minute() -> None:
    limiter = RateLimiter(per_minute=2)
    start = 600.0  # the beginning of a minute window
    assert limiter.retry_after(1, now=start) is None
    assert limiter.retry_after(1, now=start + 1) is None
    assert limiter.retry_after(1, now=start + 20) == 40
    assert limiter.retry_after(2, now=start + 20) is None  # another key
    assert limiter.retry_after(1, now=start + 60) is None


def test_zero_turns_limiting_off() -> None:
    limiter = RateLimiter(per_minute=0)
    assert all(limiter.retry_after(1, now=5.0) is None for _ in range(1_000))
