"""Answering through a feedback link: every field validated, stored per check-in, and the
pairing's latest rating kept as a training row like imported feedback."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Final

import msgspec
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recomentor import fields as F
from recomentor.errors import ConflictError
from recomentor.feedback.errors import FieldProblem, InvalidAnswerError, UnknownLinkError
from recomentor.feedback.forms import (
    MAX_COMMENT_CHARS,
    MAX_MEETINGS,
    MAX_RATING,
    MIN_RATING,
    OUTCOMES,
    FeedbackAnswer,
    FeedbackForm,
)
from recomentor.feedback.links import (
    LinkRules,
    build_form,
    goal_phrases,
    is_learner,
    resolve_link,
)
from recomentor.store import Store
from recomentor.store.feedback import replace_feedback_rows
from recomentor.store.feedback_requests import answer_of, answers_of_pairing
from recomentor.store.tables import FeedbackAnswerRow, PairingRow, ParticipantRow
from recomentor.text import normalise

RATING: Final = "rating"
OUTCOME: Final = "outcome"
MEETINGS: Final = "meetings"
GOALS_PROGRESSED: Final = "goals_progressed"
COMMENT: Final = "comment"
_WHOLE_NUMBER = re.compile(r"\s*[+-]?\d{1,9}\s*")
# Line breaks and tabs are a comment's own; other control characters are refused.
_COMMENT_CONTROL = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]")


def _whole_number(raw: object, field: str, low: int, high: int) -> int | FieldProblem:
    """An int, or its decimal text as a form posts it, within [low, high]."""
    if raw is None or raw == "":
        return FieldProblem(field, "is required")
    value: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and _WHOLE_NUMBER.fullmatch(raw):
        value = int(raw)
    if value is None or not low <= value <= high:
        return FieldProblem(field, f"must be a whole number from {low} to {high}")
    return value


def _outcome(raw: object) -> str | FieldProblem:
    if raw is None or raw == "":
        return FieldProblem(OUTCOME, "is required")
    value = raw.strip().lower() if isinstance(raw, str) else None
    if value not in OUTCOMES:
        return FieldProblem(OUTCOME, f"must be one of {', '.join(OUTCOMES)}")
    return value


def _goals(raw: object, goals: Sequence[str], learner: bool) -> list[str] | FieldProblem:
    """The phrases ticked, in the order of the person's goals; each must be one of them."""
    if raw is None or raw == "":
        return []
    # One ticked checkbox may arrive as a single string.
    ticked = [raw] if isinstance(raw, str) else raw
    if not isinstance(ticked, list | tuple) or not all(isinstance(t, str) for t in ticked):
        return FieldProblem(GOALS_PROGRESSED, "must be a list of your goal phrases")
    if ticked and not learner:
        return FieldProblem(GOALS_PROGRESSED, "only the learner of a pairing reports goals")
    chosen = {normalise(t) for t in ticked}
    unknown = len(chosen - set(goals))
    if unknown:
        # Counted, never quoted: the text is the person's own.
        return FieldProblem(
            GOALS_PROGRESSED, f"{unknown} of the phrases sent are not among your goals"
        )
    return [goal for goal in goals if goal in chosen]


def _comment(raw: object) -> str | FieldProblem | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        return FieldProblem(COMMENT, "must be text")
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    if _COMMENT_CONTROL.search(text):
        return FieldProblem(COMMENT, "must not contain control characters")
    if len(text) > MAX_COMMENT_CHARS:
        return FieldProblem(COMMENT, f"must be at most {MAX_COMMENT_CHARS} characters")
    return text or None


def validate_answer(
    raw: Mapping[str, object], *, goals: Sequence[str], learner: bool
) -> FeedbackAnswer:
    """Check every field of a posted answer; InvalidAnswerError names each refused one.

    Numbers may come as ints or as the decimal text a form posts; keys other than the
    answer's fields (a CSRF token...) are ignored.
    """
    checked = {
        RATING: _whole_number(raw.get(RATING), RATING, MIN_RATING, MAX_RATING),
        OUTCOME: _outcome(raw.get(OUTCOME)),
        MEETINGS: _whole_number(raw.get(MEETINGS), MEETINGS, 0, MAX_MEETINGS),
        GOALS_PROGRESSED: _goals(raw.get(GOALS_PROGRESSED), goals, learner),
        COMMENT: _comment(raw.get(COMMENT)),
    }
    problems = [value for value in checked.values() if isinstance(value, FieldProblem)]
    if problems:
        raise InvalidAnswerError(problems)
    return msgspec.convert(checked, FeedbackAnswer)


def _keep_training_row(session: Session, pairing: PairingRow) -> None:
    """The pairing's latest link answer, from either person at any check-in, as its one
    training row (rating and outcome; never the comment). The dataset takes each pair's
    latest row, so a later imported rating still wins over it."""
    answers = answers_of_pairing(session, pairing.id)
    latest = answers[-1]
    old_ids = [a.feedback_id for a in answers if a.feedback_id is not None]
    for answer in answers:
        answer.feedback_id = None
    session.flush()
    record = {
        F.MENTOR_ID: pairing.mentor_id,
        F.MENTEE_ID: pairing.mentee_id,
        F.RATING: latest.rating,
        F.OUTCOME: latest.outcome,
        F.SUBMITTED_AT: latest.answered_at,
    }
    latest.feedback_id = replace_feedback_rows(session, old_ids, record)


def _store_answer(
    session: Session, token: str, raw: Mapping[str, object], now: datetime, rules: LinkRules
) -> FeedbackForm:
    opened = resolve_link(session, token, now, rules)
    request, pairing = opened.request, opened.pairing
    person = session.get(ParticipantRow, request.participant_id)
    if person is None:  # erasure deletes the request with the person; never reached
        raise UnknownLinkError
    learner = is_learner(pairing, person.id)
    goals = goal_phrases(person) if learner else []
    answer = validate_answer(raw, goals=goals, learner=learner)
    row = answer_of(session, request.id)
    if row is None:
        row = FeedbackAnswerRow(request_id=request.id, first_answered_at=now)
        session.add(row)
    row.rating, row.outcome, row.meetings = answer.rating, answer.outcome, answer.meetings
    row.goals_progressed, row.goals_offered = answer.goals_progressed, len(goals)
    row.comment, row.answered_at = answer.comment, now
    session.flush()
    _keep_training_row(session, pairing)
    return build_form(session, opened, rules)


def submit_answer(
    store: Store,
    token: str,
    answer: FeedbackAnswer | Mapping[str, object],
    now: datetime,
    rules: LinkRules | None = None,
) -> FeedbackForm:
    """Store (or revise) the answer at this link's check-in; the form as it now stands.

    The link errors of open_request, or InvalidAnswerError naming every refused field;
    nothing is written then. One person's token reaches only their own request.
    """
    rules = rules or LinkRules()
    raw = msgspec.structs.asdict(answer) if isinstance(answer, FeedbackAnswer) else answer

    def work(session: Session) -> FeedbackForm:
        return _store_answer(session, token, raw, now, rules)

    try:
        return store.write(work)
    except IntegrityError:
        pass
    # The same link posted twice at once: the other post stored the first answer; revise it.
    try:
        return store.write(work)
    except IntegrityError:
        raise ConflictError("this answer is being saved twice at once; retry") from None
