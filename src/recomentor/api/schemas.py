"""Request and response shapes at the HTTP boundary: separate create and read Structs.

Results the CLI prints too (suggestions, matchings, import reports) are the core's own Structs,
re-exported here: one definition for `--json`, the API and the pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from recomentor.matching.eligibility import MentorEligibility as MentorEligibility
from recomentor.matching.eligibility import ReplacementCandidates as ReplacementCandidates
from recomentor.matching.pairings import EndReason
from recomentor.matching.pairings import Pairing as Pairing

# Re-exported ("as" names them explicitly): the API's result shapes are the core's Structs.
from recomentor.matching.service import Matching as Matching
from recomentor.matching.service import MatchingSummary as MatchingSummary
from recomentor.ranking.rank import ModelRef as ModelRef
from recomentor.ranking.rank import SuggestionResult as SuggestionResult
from recomentor.sessions.service import PlanSummary as PlanSummary
from recomentor.sessions.service import SessionPlan as SessionPlan
from recomentor.store.feedback import FeedbackStatus
from recomentor.survey.importer import ImportReport as ImportReport

# Widths follow the store's columns; skills and goals have a hard ceiling here and the
# configurable `max_text_chars` is checked by the same row validation as file imports.
ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
ParticipantId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
FreeText = Annotated[str, msgspec.Meta(max_length=10_000)]
Language = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Role = Literal["mentor", "mentee", "both"]
Outcome = Literal["completed", "ongoing", "dropped"]

MAX_PARTICIPANTS_PER_REQUEST = 5_000


class _In(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Request bodies refuse fields they do not know: a typo must not pass silently."""


class ParticipantPatch(_In):
    """PATCH body: only the fields sent change; `null` clears an optional field."""

    department: ShortText | UnsetType = UNSET
    years_experience: Annotated[float, msgspec.Meta(ge=0, le=70)] | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    name: ShortText | UnsetType | None = UNSET
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=320)] | UnsetType | None = UNSET
    job_title: ShortText | UnsetType | None = UNSET
    skills: FreeText | UnsetType | None = UNSET
    goals: FreeText | UnsetType | None = UNSET
    languages: Annotated[list[Language], msgspec.Meta(max_length=20)] | UnsetType | None = UNSET
    location: ShortText | UnsetType | None = UNSET
    max_mentees: Annotated[int, msgspec.Meta(ge=0, le=50)] | UnsetType | None = UNSET
    manager_id: ParticipantId | UnsetType | None = UNSET
    submitted_at: datetime | UnsetType | None = UNSET


class ParticipantIn(ParticipantPatch, kw_only=True):
    """POST body: a complete record. Every field is sent, `null` where the answer is empty;
    a missing field is refused (422) rather than erasing what is stored."""

    id: ParticipantId


ParticipantBatch = Annotated[
    list[ParticipantIn], msgspec.Meta(min_length=1, max_length=MAX_PARTICIPANTS_PER_REQUEST)
]


class ParticipantOut(msgspec.Struct, kw_only=True):
    id: str
    department: str
    years_experience: float
    role: str
    name: str | None
    email: str | None
    job_title: str | None
    skills: str | None
    goals: str | None
    languages: list[str]
    location: str | None
    max_mentees: int
    manager_id: str | None
    submitted_at: datetime | None
    updated_at: datetime | None
    # Answers to the further questions a mapping's [attributes] read, by attribute name: a
    # label (category, ordinal, text), a list of labels (multi) or a number.
    attributes: dict[str, str | list[str] | float]


class UpsertOut(msgspec.Struct):
    inserted: int
    updated: int
    unchanged: int
    stale: int
    erased: int


class FeedbackIn(_In):
    mentor_id: ParticipantId
    mentee_id: ParticipantId
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)]
    outcome: Outcome | None = None
    submitted_at: datetime | None = None
    # True for feedback on a pair recomentor never formed (history from before the tool).
    unpaired: bool = False


class FeedbackOut(msgspec.Struct):
    id: int
    status: FeedbackStatus
    mentor_id: str
    mentee_id: str
    rating: int
    outcome: str | None
    submitted_at: datetime | None


class ModelOut(msgspec.Struct):
    kind: str
    name: str
    version: str
    # The pairing modes it serves; requests in other modes are served by the heuristic.
    modes: list[str]
    feature_names: list[str]
    # Metrics the model was promoted on; empty for the heuristic.
    metrics: dict[str, float]


class HealthOut(msgspec.Struct):
    status: str


class ReadyOut(msgspec.Struct):
    status: str
    database: bool
    scorer: ModelRef


class ProblemOut(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details; `errors` lists row or field problems when there are some."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, str | int | None]] = msgspec.field(default_factory=list)


class MatchingIn(_In):
    """A round to solve; settings left null come from the rules, else the defaults (reverse,
    the service's min_gap, no max_gap, one mentor per mentee)."""

    mode: Literal["reverse", "classic", "mutual"] | None = None
    objective: Literal["score", "participation"] = "participation"
    # Program rules as TOML text, the same format as `recomentor match --rules`.
    rules: Annotated[str, msgspec.Meta(max_length=65_536)] | None = None
    min_gap: Annotated[float, msgspec.Meta(ge=0, le=70)] | None = None
    max_gap: Annotated[float, msgspec.Meta(ge=0, le=70)] | None = None
    max_mentors: Annotated[int, msgspec.Meta(ge=1, le=50)] | None = None
    lang: Literal["en", "fr"] | None = None


class MentorIn(_In):
    """The mentor a draft's mentee gets, in place of the one they have, if any."""

    mentor_id: ParticipantId


class MatchingPage(msgspec.Struct):
    """Matchings newest first; pass `next_cursor` back as `cursor` for the next page."""

    items: list[MatchingSummary]
    next_cursor: str | None


class PairingIn(_In):
    """Two people paired by hand, under the same checks as an approval."""

    mentor_id: ParticipantId
    mentee_id: ParticipantId
    mode: Literal["reverse", "classic", "mutual"] = "reverse"
    # Mentors in force the mentee may have, this one included (1 in mutual mode).
    max_mentors: Annotated[int, msgspec.Meta(ge=1, le=50)] = 1


class PairingEndIn(_In):
    reason: EndReason


class PairingPage(msgspec.Struct):
    """Pairings in the order they were formed; pass `next_cursor` back as `cursor`."""

    items: list[Pairing]
    next_cursor: str | None


Cosine = Annotated[float, msgspec.Meta(ge=0, lt=1)]


class SessionPlanIn(_In):
    """What a session plan is drafted under; unset tunings keep the documented defaults."""

    size_min: Annotated[int, msgspec.Meta(ge=1, le=200)] = 3
    size_max: Annotated[int, msgspec.Meta(ge=1, le=200)] = 12
    max_sessions_per_host: Annotated[int, msgspec.Meta(ge=1, le=20)] = 2
    max_sessions_per_attendee: Annotated[int, msgspec.Meta(ge=1, le=20)] = 2
    # Time slots as CSV text, the same format as `recomentor sessions plan --slots`.
    slots: Annotated[str, msgspec.Meta(max_length=65_536)] | None = None
    # Program rules as TOML text, the same format as `--rules`.
    rules: Annotated[str, msgspec.Meta(max_length=65_536)] | None = None
    topic_threshold: Annotated[float, msgspec.Meta(gt=0, lt=2)] | None = None
    min_host_similarity: Cosine | None = None
    min_goal_coverage: Cosine | None = None
    # Bounded well below a request timeout.
    time_limit: Annotated[float, msgspec.Meta(gt=0, le=60)] | None = None
    min_gap: Annotated[float, msgspec.Meta(ge=0, le=70)] | None = None
    lang: Literal["en", "fr"] | None = None


class SessionPlanPage(msgspec.Struct):
    """Session plans newest first; pass `next_cursor` back as `cursor` for the next page."""

    items: list[PlanSummary]
    next_cursor: str | None
