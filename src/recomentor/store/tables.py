"""SQLAlchemy 2 schema of everything a user gave us; portable across SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic migrations are identical on every dialect.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every dialect: SQLite keeps no offset, PostgreSQL keeps one.

    Written values are converted to UTC (naive ones are taken as UTC already); read values
    always come back aware, so callers never compare naive with aware times.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ParticipantRow(Base):
    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    department: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    years_experience: Mapped[float] = mapped_column(Float)
    role: Mapped[str] = mapped_column(String(16))
    skills: Mapped[str | None] = mapped_column(Text)
    goals: Mapped[str | None] = mapped_column(Text)
    # Normalised language codes joined with ';' (e.g. "en;fr"), empty when none given.
    languages: Mapped[str | None] = mapped_column(String(400))
    location: Mapped[str | None] = mapped_column(String(200))
    max_mentees: Mapped[int] = mapped_column(Integer, default=1)
    manager_id: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Typed answers to further questions by attribute name (recomentor.attributes): a label,
    # a list of labels or a number each. In the row, so erasing the person erases them.
    # SQL NULL, not JSON null, for None: an upsert keeps the stored ones then (coalesce).
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class AttributeDefinitionRow(Base):
    """An attribute's type (and an ordinal's order) as the latest import's mapping gave it;
    the questions, not anybody's answers."""

    __tablename__ = "attribute_definitions"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(16))
    order: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FeedbackRow(Base):
    __tablename__ = "feedback"
    # One row per pair and submission time, and one undated row per pair: NULLs are distinct
    # in a unique index, so the undated case needs its own partial index.
    __table_args__ = (
        UniqueConstraint("mentor_id", "mentee_id", "submitted_at", name="uq_feedback_submission"),
        Index(
            "uq_feedback_undated",
            "mentor_id",
            "mentee_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mentor_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(16))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MatchingRow(Base):
    __tablename__ = "matchings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # draft, approved, discarded or superseded (matching.service). No CHECK here: adding one
    # rebuilds the table on SQLite, and dropping the old table would cascade to its pairs.
    status: Mapped[str] = mapped_column(String(16), default="draft")
    mode: Mapped[str] = mapped_column(String(16))
    objective: Mapped[str] = mapped_column(String(16))
    # Parameters and scorer description only; no personal data lives here.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Counts the changes made to the matching. Every edit and the approval bump it first: the
    # write locks the row (and SQLite's database) until the change commits, so edits and an
    # approval of one draft run one after the other (store.matchings.lock_matching).
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class MatchingPairRow(Base):
    __tablename__ = "matching_pairs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    matching_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("matchings.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Kept as it is when the rest of the draft is matched again (HR locked or chose it).
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class MatchingRemovedPairRow(Base):
    """A pair HR took out of a draft: matching the rest again does not propose it again."""

    __tablename__ = "matching_removed_pairs"
    __table_args__ = (
        UniqueConstraint("matching_id", "mentor_id", "mentee_id", name="uq_matching_removed_pair"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    matching_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("matchings.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )


class MatchingUnpairedRow(Base):
    __tablename__ = "matching_unpaired"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    matching_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("matchings.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(400))


class PairingRow(Base):
    __tablename__ = "pairings"
    # A pair is formed at most once, ended or not: an ended pairing stays as history.
    __table_args__ = (
        UniqueConstraint("mentor_id", "mentee_id", name="uq_pairings_pair"),
        CheckConstraint("status IN ('active', 'ended')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mentor_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    mode: Mapped[str] = mapped_column(String(16))
    matching_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("matchings.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # One word of a fixed vocabulary (matching.pairings.END_REASONS), never free text.
    end_reason: Mapped[str | None] = mapped_column(String(16))


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    # The first characters of the key, shown in listings so a key can be recognised.
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EmbeddingRow(Base):
    __tablename__ = "embeddings"
    __table_args__ = (Index("ix_embeddings_text_hash", "text_hash"),)

    model_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    # float32 little-endian bytes of a unit-normalised vector.
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ErasureRow(Base):
    """One erased person: a keyed hash of their id and when, nothing that names them."""

    __tablename__ = "erasures"

    # HMAC-SHA256 of the participant id (hex) under the installation's erasure key.
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Which key made the hash: a changed or lost key is noticed instead of matching nothing.
    key_id: Mapped[str] = mapped_column(String(16))
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UserRow(Base):
    """A person who signs in to the web app; `email` is stored lower-cased, so it is unique
    whatever its case."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    # argon2id, with its parameters and salt (the PHC string argon2-cffi writes).
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebSessionRow(Base):
    """A signed-in browser: the cookie holds a random token, the table only its sha256."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Sent back in every form of this session; a forged cross-site form cannot know it.
    csrf_secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Messages for the next page (a list of [level, message key, parameters]); message keys and
    # ids only, never what someone typed.
    flashes: Mapped[list[Any]] = mapped_column(JSON, default=list)


class FeedbackRequestRow(Base):
    """One person's request to rate one pairing at one check-in (e.g. "week-4", "end")."""

    __tablename__ = "feedback_requests"
    __table_args__ = (
        UniqueConstraint(
            "pairing_id", "participant_id", "checkin", name="uq_feedback_requests_checkin"
        ),
        CheckConstraint("reminders >= 0", name="reminders"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pairing_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    checkin: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # First e-mailed; last listed in a dry-run CSV (handed to a mail merge); last reminded.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminders: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class FeedbackTokenRow(Base):
    """A link to a request: only the SHA-256 of the token, which exists in clear only in the
    message or CSV that carried it. A reminder adds a token; earlier links keep working."""

    __tablename__ = "feedback_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("feedback_requests.id", ondelete="CASCADE"), index=True
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedbackAnswerRow(Base):
    """The answer to one request; revising replaces it. The comment is personal data."""

    __tablename__ = "feedback_answers"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
        CheckConstraint("outcome IN ('ongoing', 'completed', 'dropped')", name="outcome"),
        CheckConstraint("meetings >= 0", name="meetings"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("feedback_requests.id", ondelete="CASCADE"), unique=True
    )
    rating: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    meetings: Mapped[int] = mapped_column(Integer)
    # The learner's own goal phrases they reported as progressed, out of `goals_offered` shown.
    goals_progressed: Mapped[list[str]] = mapped_column(JSON, default=list)
    goals_offered: Mapped[int] = mapped_column(Integer, default=0)
    comment: Mapped[str | None] = mapped_column(Text)
    first_answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The training row this answer wrote (the pairing's latest answer); null for older ones.
    feedback_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("feedback.id", ondelete="SET NULL")
    )


class ChampionChangeRow(Base):
    """Audit trail of the registry's champion alias: who moved it, when, why, from and to."""

    __tablename__ = "champion_changes"
    __table_args__ = (CheckConstraint("action IN ('train', 'promote', 'rollback')", name="action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(16))
    from_version: Mapped[str | None] = mapped_column(String(32))
    to_version: Mapped[str] = mapped_column(String(32))
    # As given: the OS user or --by for the CLI, the signed-in account for the web page.
    actor: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(500))


class SavedMappingRow(Base):
    """A column mapping kept by name for the next wave of the same survey: its TOML as given,
    checked when saved and parsed again at each use."""

    __tablename__ = "saved_mappings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    toml: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ImportRunRow(Base):
    """One participant import that went through: when, who (a web user; none from the CLI and
    the API) and its counts; never the file, its name or its answers."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="SET NULL")
    )
    rows_read: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    rejected_rows: Mapped[int] = mapped_column(Integer)


class TrainingJobRow(Base):
    """A training run started from the /model page: its stage while it runs, its outcome after.

    `running_slot` is the lock shared by every worker: 1 while the job runs, NULL once it ended;
    its unique index lets one row at most hold it (NULLs never collide), so a second start fails
    in the database whichever worker tries.
    """

    __tablename__ = "training_jobs"
    __table_args__ = (
        CheckConstraint("state IN ('running', 'finished', 'failed')", name="state"),
        CheckConstraint("running_slot IS NULL OR running_slot = 1", name="running_slot"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    state: Mapped[str] = mapped_column(String(16))
    running_slot: Mapped[int | None] = mapped_column(Integer, unique=True)
    stage: Mapped[str | None] = mapped_column(String(16))
    # The signed-in account's e-mail, as in champion_changes.actor: the audit names a person.
    started_by: Mapped[str] = mapped_column(String(320))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Touched while the job runs; a running row whose heartbeat stopped was left by a dead worker.
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[str | None] = mapped_column(String(32))
    promoted: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # Why it failed: refused (the data cannot train a model), crashed, or abandoned (stale).
    failure: Mapped[str | None] = mapped_column(String(16))
    # The refusal's own message (a core message: counts and limits, never data); else NULL.
    detail: Mapped[str | None] = mapped_column(String(500))


class SessionPlanRow(Base):
    """A knowledge-sharing session plan: draft, approved or discarded (sessions.service)."""

    __tablename__ = "session_plans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # Options, slots, language and solver report; no personal data lives here.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    objective: Mapped[float] = mapped_column(Float)
    baseline: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PlanSessionRow(Base):
    __tablename__ = "plan_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("session_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    host_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    slot: Mapped[str | None] = mapped_column(String(64))
    # The topic's phrases with who wrote them (erasure removes a writer's phrases).
    topic: Mapped[list[Any]] = mapped_column(JSON)
    # The host's coverage of the topic: similarity and skill -> goal phrase matches.
    host: Mapped[dict[str, Any]] = mapped_column(JSON)


class PlanAttendeeRow(Base):
    __tablename__ = "plan_attendees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("plan_sessions.id", ondelete="CASCADE"), index=True
    )
    attendee_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    goal: Mapped[str] = mapped_column(Text)
    skill: Mapped[str] = mapped_column(Text)
    similarity: Mapped[float] = mapped_column(Float)


class PlanUnassignedRow(Base):
    __tablename__ = "plan_unassigned"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("session_plans.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(400))
