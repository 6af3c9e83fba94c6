"""Feedback links: a request per person, pairing and check-in, its answers, and sending them.

The web page `/feedback/{token}` calls open_request and submit_answer; `recomentor feedback
send` calls plan_requests, then send_requests (e-mail) or export_links (a CSV of links);
the /feedback-requests page does the same, with links_csv for a download.
"""

from recomentor.feedback.answers import submit_answer, validate_answer
from recomentor.feedback.errors import (
    ClosedLinkError,
    ExpiredLinkError,
    FeedbackLinkError,
    FieldProblem,
    InvalidAnswerError,
    UnknownLinkError,
)
from recomentor.feedback.forms import FeedbackAnswer, FeedbackForm
from recomentor.feedback.links import LinkRules, open_request
from recomentor.feedback.sending import (
    DEFAULT_CHECKIN,
    SendReport,
    export_links,
    links_csv,
    plan_requests,
    send_requests,
)

__all__ = [
    "DEFAULT_CHECKIN",
    "ClosedLinkError",
    "ExpiredLinkError",
    "FeedbackAnswer",
    "FeedbackForm",
    "FeedbackLinkError",
    "FieldProblem",
    "InvalidAnswerError",
    "LinkRules",
    "SendReport",
    "UnknownLinkError",
    "export_links",
    "links_csv",
    "open_request",
    "plan_requests",
    "send_requests",
    "submit_answer",
    "validate_answer",
]
