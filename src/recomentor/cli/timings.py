"""When a command's process started, and the clock `match --timings` reads its phases from."""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from recomentor.stopwatch import Stopwatch

if TYPE_CHECKING:
    from recomentor.matching.timings import MatchTimings

# Where /proc cannot say when the process started: when the command line's package was first
# imported (it imports this module first), which leaves out the interpreter's own start-up.
CLI_LOADED = time.perf_counter()


def _started_seconds_ago() -> float | None:
    """How long ago the kernel started this process (Linux), None where it cannot tell."""
    try:
        stat = Path("/proc/self/stat").read_text()
        # The command name, in parentheses, may hold spaces: fields are counted after it.
        # Field 22, the start in clock ticks since boot, is the 20th after the name.
        started_ticks = int(stat[stat.rindex(")") + 2 :].split()[19])
        now = time.clock_gettime(time.CLOCK_BOOTTIME)
        return max(0.0, now - started_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def work_begins() -> None:
    """Start-up is over: resume garbage collection, which console() paused for it.

    Start-up (the command's imports) makes long-lived objects only: modules, classes, the ORM's
    mappings. Collections during it walk them again and again and find no garbage; frozen
    here, they are left out of every later collection too. Idempotent.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def seconds_since_start() -> float:
    """Seconds from the process's start (or, failing that, the command line's first import)."""
    since_start = _started_seconds_ago()
    return since_start if since_start is not None else time.perf_counter() - CLI_LOADED


@dataclass
class CommandClock:
    """One command's timings: how long it took to start, and a stopwatch for its phases."""

    started: float  # seconds from the process's start to the command's body
    shown: bool = False  # print them after the result (--timings)
    stopwatch: Stopwatch = field(default_factory=Stopwatch)

    def timings(self) -> MatchTimings:
        from recomentor.matching.timings import MatchTimings

        return MatchTimings.of(self.started, self.stopwatch)
