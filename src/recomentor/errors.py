"""Errors the core raises; the CLI and the API translate them in one place each."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Ids and headers shown in reports: cut, and control characters (terminal escapes, NUL)
# replaced, so a hostile cell can neither flood a report nor drive a terminal.
MAX_SHOWN = 64
_CONTROL = re.compile(r"[\x00-\x1F\x7F-\x9F]")


def shown_text(raw: str) -> str:
    cleaned = _CONTROL.sub("\ufffd", raw)
    return cleaned if len(cleaned) <= MAX_SHOWN else cleaned[: MAX_SHOWN - 1] + "…"


class RecomentorError(Exception):
    """Base of every error the core raises on purpose."""


class NotFoundError(RecomentorError):
    """A participant, matching or other record id that does not exist."""

    def __init__(self, kind: str, key: str, *, message: str | None = None) -> None:
        # `message` when "unknown id" would mislead, e.g. a person who is no mentee of a draft.
        super().__init__(message or f"unknown {kind} id {key!r}")
        self.kind = kind
        self.key = key


class InvalidInputError(RecomentorError):
    """A file, mapping, rule set or request that cannot be read at all."""


class ConflictError(RecomentorError):
    """A request that contradicts the current state (e.g. approving an approved matching)."""


class ErasureKeyError(RecomentorError):
    """The erasure key is unusable, or not the one this database's erasures were made with."""


@dataclass(frozen=True)
class PairConflict:
    """One pair that cannot be formed now, and why (a stable code; ids only, no answers)."""

    mentor_id: str
    mentee_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.mentor_id} -> {self.mentee_id}: {self.reason}"


class PairsConflictError(ConflictError):
    """Pairs that the pairings in force, the capacities or the hard rules forbid; nothing was
    formed."""

    def __init__(self, message: str, conflicts: list[PairConflict]) -> None:
        super().__init__(message)
        self.conflicts = conflicts


class TrainingRefusedError(RecomentorError):
    """Training cannot run on this data (too little feedback, a single class...)."""


@dataclass(frozen=True)
class RowProblem:
    """One reason one row of an input file was rejected."""

    line: int
    field: str
    reason: str
    row_id: str | None = None

    def __post_init__(self) -> None:
        if self.row_id is not None:
            object.__setattr__(self, "row_id", shown_text(self.row_id))

    def __str__(self) -> str:
        who = f" ({self.row_id})" if self.row_id else ""
        return f"line {self.line}{who}: {self.field}: {self.reason}"


@dataclass
class RowsRejectedError(RecomentorError):
    """An all-or-nothing import found bad rows and wrote nothing."""

    problems: list[RowProblem] = field(default_factory=list)
    what: str = "rows"

    def __post_init__(self) -> None:
        lines = sorted({p.line for p in self.problems})
        super().__init__(
            f"{len(lines)} invalid {self.what} (lines {', '.join(map(str, lines[:20]))}"
            f"{', ...' if len(lines) > 20 else ''}); nothing was imported"
        )
