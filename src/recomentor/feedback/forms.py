"""The shapes a feedback page reads and posts: the form to show and a validated answer."""

from __future__ import annotations

from datetime import datetime
from typing import Final

import msgspec

from recomentor import fields as F

OUTCOMES: Final = F.OUTCOMES
MIN_RATING: Final = 1
MAX_RATING: Final = 5
# Weekly meetings over a long program stay far below this; a higher count is a typo.
MAX_MEETINGS: Final = 365
MAX_COMMENT_CHARS: Final = 2_000


class FeedbackAnswer(msgspec.Struct, kw_only=True, frozen=True):
    """One person's answer at one check-in, validated (answers.validate_answer)."""

    rating: int  # 1-5, 5 = great
    outcome: str  # ongoing, completed or dropped
    meetings: int  # meetings so far, 0..MAX_MEETINGS
    # The learner's own goal phrases (as shown in the form) that progressed.
    goals_progressed: list[str] = msgspec.field(default_factory=list)
    comment: str | None = None  # personal data: never logged, never used for training


class FeedbackForm(msgspec.Struct, kw_only=True):
    """What `/feedback/{token}` shows the person the link was sent to."""

    checkin: str
    role: str  # this person's side of the pairing: mentor or mentee
    # Learners (the mentee side; both people in mutual mode) tick their goals that progressed.
    learner: bool
    # The partner's name as stored (shown to this pair member only); null when none is stored.
    partner_name: str | None
    goals: list[str]  # this person's own goal phrases; empty unless a learner
    language: str  # en or fr: the person's, else the program's default
    answer: FeedbackAnswer | None  # the previous answer at this check-in, to revise
    answered_at: datetime | None
    # Until when the link accepts (revised) answers: its expiry, or the pairing's closing.
    open_until: datetime
