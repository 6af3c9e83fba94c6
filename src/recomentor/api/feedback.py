"""Feedback on a pairing: a rating 1-5 and an optional outcome."""

from __future__ import annotations

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from recomentor import fields as F
from recomentor.api.auth import SCOPE
from recomentor.api.errors import problem_responses
from recomentor.api.runtime import Runtime
from recomentor.api.schemas import FeedbackIn, FeedbackOut
from recomentor.errors import InvalidInputError
from recomentor.store.apikeys import WRITE
from recomentor.store.feedback import add_feedback
from recomentor.store.participants import existing_ids


@post(
    "/feedback",
    opt={SCOPE: WRITE},
    status_code=201,
    operation_id="recordFeedback",
    tags=["feedback"],
    sync_to_thread=True,
    responses=problem_responses(413, 422),
)
def record_feedback(data: JSONBody[FeedbackIn], runtime: NamedDependency[Runtime]) -> FeedbackOut:
    """Record one feedback; both ids must be known participants. 201 once it is stored."""
    if data.mentor_id == data.mentee_id:
        raise InvalidInputError("mentor_id and mentee_id must be two different participants")
    record = {
        F.MENTOR_ID: data.mentor_id,
        F.MENTEE_ID: data.mentee_id,
        F.RATING: data.rating,
        F.OUTCOME: data.outcome,
        F.SUBMITTED_AT: data.submitted_at,
    }
    # One transaction: the 201 is sent only after the commit.
    with runtime.store.session() as session:
        known = existing_ids(session, [data.mentor_id, data.mentee_id])
        for name in (F.MENTOR_ID, F.MENTEE_ID):
            if record[name] not in known:
                raise InvalidInputError(f"{name} {record[name]!r} is not a known participant")
        feedback_id = add_feedback(session, record)
    return FeedbackOut(
        id=feedback_id,
        mentor_id=data.mentor_id,
        mentee_id=data.mentee_id,
        rating=data.rating,
        outcome=data.outcome,
        submitted_at=data.submitted_at,
    )
