"""Seconds spent in each named phase of one piece of work (`match --timings`, benchmarks)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

# The phases of a cohort matching, as `match --timings` and the benchmarks report them.
LOAD: Final = "load"
SCORING: Final = "scoring"
SOLVE: Final = "solve"
WRITE: Final = "write"


class Stopwatch:
    """Wall-clock seconds per phase; a phase entered twice adds up."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
