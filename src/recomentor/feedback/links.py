"""Opening a feedback link: the token's request, whether it is still open, the form to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from recomentor import fields as F
from recomentor.feedback.errors import ClosedLinkError, ExpiredLinkError, UnknownLinkError
from recomentor.feedback.forms import FeedbackAnswer, FeedbackForm
from recomentor.feedback.messages import person_language
from recomentor.feedback.tokens import token_hash, well_formed
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.feedback_requests import answer_of, request_by_token
from recomentor.store.pairings import ENDED
from recomentor.store.tables import (
    FeedbackAnswerRow,
    FeedbackRequestRow,
    PairingRow,
    ParticipantRow,
)
from recomentor.text import split_items


@dataclass(frozen=True)
class LinkRules:
    """How long links work and answers stay revisable (RECOMENTOR_FEEDBACK_*), and the
    language for people who stated neither French nor English alone."""

    link_days: int = 30
    grace_days: int = 14
    default_language: str = "en"

    @classmethod
    def from_settings(cls, settings: Settings) -> LinkRules:
        return cls(settings.feedback_link_days, settings.feedback_grace_days, settings.lang)

    def closes_at(self, pairing: PairingRow) -> datetime | None:
        """When answers about this pairing stop: its end plus the grace period; None while
        it is active."""
        if pairing.status != ENDED or pairing.ended_at is None:
            return None
        return pairing.ended_at + timedelta(days=self.grace_days)


@dataclass(frozen=True)
class OpenRequest:
    """A usable link's request, with its pairing and until when it accepts answers."""

    request: FeedbackRequestRow
    pairing: PairingRow
    open_until: datetime


def resolve_link(session: Session, token: str, now: datetime, rules: LinkRules) -> OpenRequest:
    """The request behind `token` if it may be answered now, else a FeedbackLinkError."""
    found = request_by_token(session, token_hash(token)) if well_formed(token) else None
    if found is None:
        raise UnknownLinkError
    token_row, request, pairing = found
    closes_at = rules.closes_at(pairing)
    if closes_at is not None and now >= closes_at:
        raise ClosedLinkError(closes_at)
    if now >= token_row.expires_at:
        raise ExpiredLinkError(token_row.expires_at)
    expires_at = token_row.expires_at
    open_until = expires_at if closes_at is None else min(closes_at, expires_at)
    return OpenRequest(request, pairing, open_until)


def is_learner(pairing: PairingRow, participant_id: str) -> bool:
    """Who reports goals: the mentee side; in mutual mode both people learn."""
    return pairing.mode == F.MUTUAL or participant_id == pairing.mentee_id


def goal_phrases(person: ParticipantRow) -> list[str]:
    """The person's goals as the items ranking splits them into (text.split_items)."""
    return split_items(person.goals)


def build_form(session: Session, opened: OpenRequest, rules: LinkRules) -> FeedbackForm:
    request, pairing = opened.request, opened.pairing
    me = request.participant_id
    partner_id = pairing.mentee_id if me == pairing.mentor_id else pairing.mentor_id
    person = session.get(ParticipantRow, me)
    partner = session.get(ParticipantRow, partner_id)
    if person is None:  # erasure deletes the request with the person; never reached
        raise UnknownLinkError
    learner = is_learner(pairing, me)
    answer = answer_of(session, request.id)
    return FeedbackForm(
        checkin=request.checkin,
        role=F.MENTOR if me == pairing.mentor_id else F.MENTEE,
        learner=learner,
        partner_name=partner.name if partner is not None else None,
        goals=goal_phrases(person) if learner else [],
        language=person_language(person.languages, rules.default_language),
        answer=None if answer is None else stored_answer(answer),
        answered_at=None if answer is None else answer.answered_at,
        open_until=opened.open_until,
    )


def stored_answer(row: FeedbackAnswerRow) -> FeedbackAnswer:
    return FeedbackAnswer(
        rating=row.rating,
        outcome=row.outcome,
        meetings=row.meetings,
        goals_progressed=list(row.goals_progressed or []),
        comment=row.comment,
    )


def open_request(
    store: Store, token: str, now: datetime, rules: LinkRules | None = None
) -> FeedbackForm:
    """What `/feedback/{token}` shows; UnknownLinkError (unknown or made up alike),
    ExpiredLinkError or ClosedLinkError when the link cannot be used. Reads only."""
    rules = rules or LinkRules()
    with store.session() as session:
        return build_form(session, resolve_link(session, token, now, rules), rules)
