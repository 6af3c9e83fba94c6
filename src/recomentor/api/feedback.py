"""Feedback on a pairing: a rating 1-5 and an optional outcome."""

from __future__ import annotations

from litestar import Response, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody

from recomentor import fields as F
from recomentor import survey
from recomentor.accounts.scopes import WRITE
from recomentor.api.auth import SCOPE
from recomentor.api.errors import problem_responses
from recomentor.api.runtime import Runtime
from recomentor.api.schemas import FeedbackIn, FeedbackOut
from recomentor.store.feedback import INSERTED


@post(
    "/feedback",
    opt={SCOPE: WRITE},
    status_code=201,
    operation_id="recordFeedback",
    tags=["feedback"],
    sync_to_thread=True,
    responses={
        200: ResponseSpec(FeedbackOut, description="The same submission was stored already"),
        **problem_responses(409, 413, 422),
    },
)
def record_feedback(
    data: JSONBody[FeedbackIn], runtime: NamedDependency[Runtime]
) -> Response[FeedbackOut]:
    """Record one feedback on a pairing (`unpaired: true` for one from before recomentor).

    201 once stored; the same pair and submission time again is the same row: 200, `unchanged`
    (or `updated` when the rating or outcome changed).
    """
    record = {
        F.MENTOR_ID: data.mentor_id,
        F.MENTEE_ID: data.mentee_id,
        F.RATING: data.rating,
        F.OUTCOME: data.outcome,
        F.SUBMITTED_AT: data.submitted_at,
    }
    recorded = survey.record_feedback(runtime.store, record, allow_unpaired=data.unpaired)
    body = FeedbackOut(
        id=recorded.id,
        status=recorded.status,
        mentor_id=data.mentor_id,
        mentee_id=data.mentee_id,
        rating=data.rating,
        outcome=data.outcome,
        submitted_at=data.submitted_at,
    )
    return Response(body, status_code=201 if recorded.status == INSERTED else 200)
