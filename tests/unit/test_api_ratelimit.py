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


def test_blocked_for_checks_without_counting_and_old_minutes_are_forgotten() -> None:
    limiter = RateLimiter(per_minute=1)
    assert limiter.blocked_for("10.0.0.1", now=600.0) is None
    assert limiter.blocked_for("10.0.0.1", now=601.0) is None  # a check is not an event
    assert limiter.retry_after("10.0.0.1", now=602.0) is None
    assert limiter.blocked_for("10.0.0.1", now=630.0) == 30
    for n in range(100):
        limiter.retry_after(f"10.0.1.{n}", now=640.0)
    limiter.retry_after("10.0.0.2", now=660.0)
    # Counts of past minutes are dropped, however many addresses came by.
    assert len(limiter._windows) == 1
