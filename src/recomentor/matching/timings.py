"""Where a matching's time went, phase by phase: `recomentor match --timings` and its JSON."""

from __future__ import annotations

from typing import Final

import msgspec

from recomentor.matching.service import Matching
from recomentor.stopwatch import LOAD, SCORING, SOLVE, WRITE, Stopwatch

IMPORT: Final = "import"


class MatchTimings(msgspec.Struct, frozen=True, kw_only=True):
    """Seconds per phase: Python's start-up and the imports before the work starts (import); reading
    participants, embeddings, the scorer and the rules (load); candidates, features and
    explanations (scoring); the assignment itself (solve); saving the draft and writing the
    --out file (write)."""

    import_: float = msgspec.field(name=IMPORT)
    load: float
    scoring: float
    solve: float
    write: float

    @classmethod
    def of(cls, started: float, stopwatch: Stopwatch) -> MatchTimings:
        seconds = stopwatch.seconds
        return cls(
            import_=started,
            load=seconds.get(LOAD, 0.0),
            scoring=seconds.get(SCORING, 0.0),
            solve=seconds.get(SOLVE, 0.0),
            write=seconds.get(WRITE, 0.0),
        )

    def line(self) -> str:
        phases = (IMPORT, LOAD, SCORING, SOLVE, WRITE)
        values = (self.import_, self.load, self.scoring, self.solve, self.write)
        return "timings: " + ", ".join(
            f"{name} {seconds:.3f} s" for name, seconds in zip(phases, values, strict=True)
        )


class TimedMatching(Matching, frozen=True, kw_only=True):
    """A matching as `recomentor match --json` prints it: with the seconds it took."""

    timings: MatchTimings

    @classmethod
    def of(cls, matching: Matching, timings: MatchTimings) -> TimedMatching:
        return cls(**msgspec.structs.asdict(matching), timings=timings)
