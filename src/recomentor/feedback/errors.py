"""What a feedback link or an answer can be refused for; no message quotes a token or answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from recomentor.errors import InvalidInputError, RecomentorError


class FeedbackLinkError(RecomentorError):
    """A feedback link that cannot be used; the page shows the message and changes nothing."""


class UnknownLinkError(FeedbackLinkError):
    """Never issued, mistyped, made up, or its person erased: one error for all, so trying
    tokens tells nothing about which exist."""

    def __init__(self) -> None:
        super().__init__("this feedback link is not valid")


class ExpiredLinkError(FeedbackLinkError):
    """Issued, but past its expiry: a reminder brings a new link."""

    def __init__(self, expired_at: datetime) -> None:
        super().__init__("this feedback link has expired")
        self.expired_at = expired_at


class ClosedLinkError(FeedbackLinkError):
    """The pairing ended more than the grace period ago: its feedback is closed."""

    def __init__(self, closed_at: datetime) -> None:
        super().__init__("feedback on this pairing is closed")
        self.closed_at = closed_at


@dataclass(frozen=True)
class FieldProblem:
    """One refused field of an answer and why (never the value: it may be personal)."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class InvalidAnswerError(InvalidInputError):
    """An answer with refused fields; each is named, so a page can show it next to its input."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
